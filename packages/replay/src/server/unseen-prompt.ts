import { ConfigError } from 'stopwise';
import { stableHash } from '../stable-hash.js';
import type { TraceIndex, TraceQuery } from '../traces/trace-index.js';
import { conversationKey } from '../traces/trace-index.js';
import type { TraceRecord } from '../traces/trace-record.js';

/**
 * What the replay server does with a request whose messages no record has:
 * - `refuse` (default): a 404 in the provider's error format, so a test sees its mistake;
 * - `serve-any`: a recorded output of another prompt (of the same model when there is one),
 *   picked by a hash of the request's messages so the same request always gets the same record,
 *   and marked as such (`x-stopwise-replay-fallback` response header, `ReplayRequest.fallback`).
 *   For trying code written for a real provider (the README's Quickstart) offline, verbatim.
 */
export type UnseenPrompts = 'refuse' | 'serve-any';

/** Throws a {@link ConfigError} for anything but the two {@link UnseenPrompts} values. */
export function validateUnseenPrompts(value: unknown): UnseenPrompts {
  if (value === undefined) return 'refuse';
  if (value === 'refuse' || value === 'serve-any') return value;
  throw new ConfigError('unseenPrompts', `must be 'refuse' or 'serve-any', got ${JSON.stringify(value)}`);
}

/**
 * The record that stands in for an unrecorded prompt: among the records of the requested model
 * (else of its dated snapshots, else all records), the one a hash of the request's messages picks.
 * Undefined only for an empty index.
 */
export function standInRecord(index: TraceIndex, query: TraceQuery): TraceRecord | undefined {
  const { model } = query;
  const sameModel = index.records.filter((record) => record.model === model);
  // `gpt-4o-mini` asks for what was recorded as the dated `gpt-4o-mini-2024-07-18`.
  const snapshots =
    sameModel.length > 0 || model === undefined
      ? sameModel
      : index.records.filter((record) => record.model.startsWith(`${model}-`));
  const pool = sameModel.length > 0 ? sameModel : snapshots.length > 0 ? snapshots : index.records;
  if (pool.length === 0) return undefined;
  const key = query.messages === undefined ? (query.id ?? '') : conversationKey(query.messages);
  return pool[stableHash(key) % pool.length];
}
