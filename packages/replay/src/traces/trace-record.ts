import type { Message } from 'stopwise';
import { messageRoles } from 'stopwise/adapter';
import { type ScorerName, scorerNames } from '../scoring/score-text.js';

/**
 * One recorded model output, one JSON object a line in a `.jsonl` trace file (format in the
 * package README). `gold` and `scorer` make it scorable; recorded production traffic has neither
 * and can still be replayed.
 */
export interface TraceRecord {
  /** Unique within its file; also the id a request can name to get this record. */
  id: string;
  /** The model that produced the output; also used to tokenise it when replayed. */
  model: string;
  /** The conversation sent to the model. */
  messages: Message[];
  /** The answer text. Empty when a reasoning model never finished thinking. */
  output: string;
  /** The reasoning text, streamed before `output` (reasoning models only). */
  reasoning?: string | undefined;
  /** The gold answer the scorer compares against. */
  gold?: string | undefined;
  /** How `output` is judged against `gold`. */
  scorer?: ScorerName | undefined;
  dataset?: string | undefined;
  prompt?: string | undefined;
  /** Where the record came from. */
  source?: string | undefined;
  /** The source's own verdict on the full output, for cross-checks. */
  sourceScore?: number | undefined;
  /**
   * How the recorded generation ended. Default: `length` for a reasoning model that never
   * finished thinking (empty `output`, non-empty `reasoning`), else `stop`.
   */
  finishReason?: 'stop' | 'length' | undefined;
}

/** How a record's generation ended: its `finishReason`, else inferred (see the field). */
export function recordFinishReason(record: TraceRecord): 'stop' | 'length' {
  if (record.finishReason) return record.finishReason;
  return record.output === '' && (record.reasoning ?? '') !== '' ? 'length' : 'stop';
}

/** A trace record with a gold answer and a scorer. */
export type ScorableRecord = TraceRecord & { gold: string; scorer: ScorerName };

/** True when the record can be scored. */
export function isScorable(record: TraceRecord): record is ScorableRecord {
  return record.gold !== undefined && record.scorer !== undefined;
}

type Check = { record: TraceRecord } | { problem: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(value: Record<string, unknown>, field: string): string | undefined {
  const found = value[field];
  if (found === undefined || found === null) return undefined;
  if (typeof found !== 'string') throw new Error(`\`${field}\` must be a string when present`);
  return found;
}

function parseMessages(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('`messages` must be a non-empty array');
  return value.map((message, index) => {
    if (!isObject(message)) throw new Error(`\`messages[${index}]\` must be an object { role, content }`);
    const { role, content } = message;
    if (typeof role !== 'string' || !(messageRoles as readonly string[]).includes(role)) {
      throw new Error(`\`messages[${index}].role\` must be one of ${messageRoles.join(', ')}`);
    }
    if (typeof content !== 'string') throw new Error(`\`messages[${index}].content\` must be a string`);
    return { role: role as Message['role'], content };
  });
}

function parseFields(value: Record<string, unknown>): TraceRecord {
  const { id, model, output } = value;
  if (typeof id !== 'string' || id.length === 0) throw new Error('`id` must be a non-empty string');
  if (typeof model !== 'string' || model.length === 0) throw new Error('`model` must be a non-empty string');
  const messages = parseMessages(value.messages);
  if (typeof output !== 'string') throw new Error('`output` must be a string');
  const gold = optionalString(value, 'gold');
  const scorer = optionalString(value, 'scorer');
  if (scorer !== undefined && !(scorerNames as readonly string[]).includes(scorer)) {
    throw new Error(`\`scorer\` must be one of ${scorerNames.join(', ')}`);
  }
  if ((gold === undefined) !== (scorer === undefined)) {
    throw new Error('`gold` and `scorer` go together: give both or neither');
  }
  const sourceScore = value.sourceScore;
  if (sourceScore !== undefined && sourceScore !== null && typeof sourceScore !== 'number') {
    throw new Error('`sourceScore` must be a number when present');
  }
  const record: TraceRecord = { id, model, messages, output };
  const reasoning = optionalString(value, 'reasoning');
  if (reasoning !== undefined) record.reasoning = reasoning;
  if (gold !== undefined) record.gold = gold;
  if (scorer !== undefined) record.scorer = scorer as ScorerName;
  for (const field of ['dataset', 'prompt', 'source'] as const) {
    const text = optionalString(value, field);
    if (text !== undefined) record[field] = text;
  }
  if (typeof sourceScore === 'number') record.sourceScore = sourceScore;
  const finishReason = optionalString(value, 'finishReason');
  if (finishReason !== undefined && finishReason !== 'stop' && finishReason !== 'length') {
    throw new Error('`finishReason` must be "stop" or "length" when present');
  }
  if (finishReason !== undefined) record.finishReason = finishReason;
  return record;
}

/** Parses and validates one line of a trace file: the record, or why it is not one. */
export function parseTraceLine(line: string): Check {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) return { problem: 'not a JSON object' };
  try {
    return { record: parseFields(value) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
