/**
 * How a policy is named in OpenTelemetry data. A policy's name carries its arguments
 * (`stopOn("…text a user typed…")`, `timeout(idleMs: 50)`): as a metric attribute that is
 * unbounded cardinality, and stop patterns may be user or business text. So metrics get only
 * the policy's kind (the name before its arguments, at most 64 characters), spans get the kind
 * plus a short hash of the full name (tells two `stopOn` policies apart, reveals nothing), and
 * the full name only when the hooks were made with `recordContent: true`.
 */

const maxKindLength = 64;

/** The policy's kind: its name up to the first `(` or space, e.g. `stopOn`, `maxTokens`, `anyOf`. */
export function policyKind(name: string): string {
  const kind = /^[^(\s]*/.exec(name)?.[0] ?? '';
  return (kind === '' ? 'custom' : kind).slice(0, maxKindLength);
}

/** A short, stable, non-reversible id of a full policy name: FNV-1a, 32 bits, as hex. */
export function policyId(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** A policy as a span shows it: the full name with `recordContent`, else kind and hash. */
export function spanPolicy(name: string, recordContent: boolean): string {
  return recordContent ? name : `${policyKind(name)}#${policyId(name)}`;
}
