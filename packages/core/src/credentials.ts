/**
 * What counts as a credential in a request, so that every adapter scrubs the same things from
 * the errors and telemetry it produces. A provider that echoes a header back in an error (an
 * Azure `api-key`, a proxy's `x-api-key`, Google's `x-goog-api-key`, a `Bearer` token) must not
 * put it into a stopwise error, whichever adapter sent the request.
 */

// Header names that carry credentials: Authorization, every *api-key / *api_key spelling
// (`api-key`, `x-api-key`, `x-goog-api-key`), Azure API Management's subscription key, tokens,
// secrets, cookies. Matched case-insensitively anywhere in the name, so vendor prefixes count.
const credentialHeader = /authorization|api[-_]?key|subscription[-_]?key|token|secret|cookie|credential/i;

// Shorter values are placeholders (`ollama`, `none`): redacting them would scrub ordinary words.
const minimumSecretLength = 6;

/**
 * Headers in any of the shapes the SDKs and `fetch` take: a record (undefined and null values are
 * skipped, as the SDKs skip them), a `Headers` object, or a list of name-value pairs.
 */
export type HeadersInput =
  | Readonly<Record<string, string | readonly string[] | null | undefined>>
  | Headers
  | ReadonlyArray<readonly [string, string]>
  | null
  | undefined;

/** True when a header of this name carries a credential (`api-key`, `Authorization`, ...). */
export function isCredentialHeader(name: string): boolean {
  return credentialHeader.test(name);
}

/**
 * The values of every credential header in `headers`, each also without its auth scheme
 * (`Bearer abc` gives `Bearer abc` and `abc`), for {@link redactSecrets}. Values shorter than six
 * characters are left out. Never throws: an unexpected shape gives an empty list.
 *
 * @example
 * ```ts
 * credentialsInHeaders({ 'api-key': 'azure-0123456789', 'x-trace': 'abc' }); // ['azure-0123456789']
 * ```
 */
export function credentialsInHeaders(headers: HeadersInput): string[] {
  const secrets: string[] = [];
  for (const [name, value] of headerEntries(headers)) {
    if (!isCredentialHeader(name) || value.length < minimumSecretLength) continue;
    secrets.push(value);
    const bare = value.replace(/^(Bearer|Basic|Token)\s+/i, '');
    if (bare !== value && bare.length >= minimumSecretLength) secrets.push(bare);
  }
  return secrets;
}

/**
 * Every credential a client may send: its keys (`apiKey`, `authToken`, ...) and the credential
 * headers of each header set it was given (default headers, per-request headers). Duplicates and
 * values shorter than six characters are dropped.
 */
export function collectCredentials(options: {
  /** Keys and tokens configured directly; non-strings (key functions, null) are skipped. */
  keys?: readonly unknown[] | undefined;
  /** Header sets whose credential headers count too. */
  headers?: readonly HeadersInput[] | undefined;
}): string[] {
  const found = new Set<string>();
  for (const key of options.keys ?? []) {
    if (typeof key === 'string' && key.length >= minimumSecretLength) found.add(key);
  }
  for (const set of options.headers ?? []) for (const secret of credentialsInHeaders(set)) found.add(secret);
  return [...found];
}

function headerEntries(headers: HeadersInput): Array<[string, string]> {
  if (headers === null || headers === undefined || typeof headers !== 'object') return [];
  try {
    if (typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)) {
      const entries: Array<[string, string]> = [];
      (headers as Headers).forEach((value, name) => {
        entries.push([name, value]);
      });
      return entries;
    }
    const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
    const entries: Array<[string, string]> = [];
    for (const [name, value] of pairs as Iterable<[unknown, unknown]>) {
      if (typeof name !== 'string') continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string') entries.push([name, item]);
      }
    }
    return entries;
  } catch {
    return [];
  }
}
