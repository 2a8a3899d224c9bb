/**
 * Milliseconds a server asked to wait before a retry, from `retry-after-ms` (milliseconds, as
 * OpenAI sends it) or `retry-after` (seconds, or an HTTP date). Undefined when neither header is
 * usable. Shared by every adapter so all report `ProviderError.retryAfterMs` the same way.
 */
export function retryAfterFromHeaders(
  headers: Pick<Headers, 'get'>,
  now: number = Date.now(),
): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
