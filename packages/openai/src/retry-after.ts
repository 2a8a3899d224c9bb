/**
 * Milliseconds a server asked to wait, from `retry-after-ms` (OpenAI's, in milliseconds) or
 * `retry-after` (seconds, or an HTTP date), as the SDK reads them for its own retries.
 * Undefined when neither header is usable.
 */
export function retryAfterMs(headers: Pick<Headers, 'get'>, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const after = headers.get('retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
