import type { Message } from 'stopwise';
import type { TraceRecord } from './trace-record.js';

/** What a request says that can identify its recorded output. */
export interface TraceQuery {
  /** An explicit record id (header or metadata field): wins over everything else. */
  id?: string | undefined;
  model?: string | undefined;
  messages?: readonly Message[] | undefined;
}

/** Records looked up by id or by the conversation that produced them. */
export interface TraceIndex {
  readonly size: number;
  /** Every record, in the order given. */
  readonly records: readonly TraceRecord[];
  /** The record with this id. */
  byId(id: string): TraceRecord | undefined;
  /**
   * The record for a request: by `id` when given; else the records whose messages equal the
   * request's exactly (role and content, in order), preferring those of the same model (the
   * same question answered by several models), else the first of them. Several records of the
   * same model for the same messages are samples of one question: the k-th such request gets
   * the k-th sample (in the order given, cycling), as a provider would draw a new one.
   */
  find(query: TraceQuery): TraceRecord | undefined;
}

/** The lookup key of a conversation: exact roles and contents, in order. */
export function conversationKey(messages: readonly Message[]): string {
  return JSON.stringify(messages.map((message) => [message.role, message.content]));
}

/** Indexes records by id and by conversation. With duplicate ids, the first record wins. */
export function createTraceIndex(records: Iterable<TraceRecord>): TraceIndex {
  const all: TraceRecord[] = [];
  const ids = new Map<string, TraceRecord>();
  const conversations = new Map<string, TraceRecord[]>();
  // Requests served per conversation and model, for serving samples in turn.
  const drawn = new Map<string, number>();
  for (const record of records) {
    all.push(record);
    if (!ids.has(record.id)) ids.set(record.id, record);
    const key = conversationKey(record.messages);
    const same = conversations.get(key);
    if (same) same.push(record);
    else conversations.set(key, [record]);
  }
  return {
    size: all.length,
    records: all,
    byId: (id) => ids.get(id),
    find(query) {
      if (query.id !== undefined) return ids.get(query.id);
      if (query.messages === undefined) return undefined;
      const key = conversationKey(query.messages);
      const candidates = conversations.get(key);
      if (!candidates) return undefined;
      const samples = candidates.filter((record) => record.model === query.model);
      if (samples.length <= 1) return samples[0] ?? candidates[0];
      const turn = `${query.model}\u0000${key}`;
      const k = drawn.get(turn) ?? 0;
      drawn.set(turn, k + 1);
      return samples[k % samples.length];
    },
  };
}
