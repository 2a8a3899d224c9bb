import type { IncomingHttpHeaders } from 'node:http';
import type { Message } from 'stopwise';
import type { TraceQuery } from '../traces/trace-index.js';

/** The three APIs the replay server speaks. */
export type ReplayApi = 'chat' | 'responses' | 'messages';

/** What the server needs of a request, whatever its API. */
export interface ParsedRequest {
  api: ReplayApi;
  query: TraceQuery;
  stream: boolean;
  /** Chat Completions `stream_options.include_usage`: send the usage chunk at the end. */
  includeUsage: boolean;
  /** The request's output cap (`max_tokens`, `max_completion_tokens`, `max_output_tokens`). */
  maxTokens: number | undefined;
}

/** The header naming a record explicitly. */
export const traceIdHeader = 'x-stopwise-trace-id';
/** The metadata field naming a record explicitly (in the request body's `metadata`). */
export const traceIdMetadataField = 'stopwise_trace_id';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text of a message content: a string, or the text of its text parts joined. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    else if (isObject(part) && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('');
}

function toRole(role: unknown): Message['role'] | undefined {
  if (role === 'developer' || role === 'system') return 'system';
  if (role === 'user' || role === 'assistant') return role;
  return undefined;
}

function toMessages(items: unknown): Message[] | undefined {
  if (!Array.isArray(items)) return undefined;
  const messages: Message[] = [];
  for (const item of items) {
    if (!isObject(item)) return undefined;
    const role = toRole(item.role);
    const content = contentText(item.content);
    if (role === undefined || content === undefined) return undefined;
    messages.push({ role, content });
  }
  return messages;
}

function systemMessages(system: unknown): Message[] {
  const content = contentText(system);
  return content === undefined || content === '' ? [] : [{ role: 'system', content }];
}

function positiveInteger(...values: unknown[]): number | undefined {
  for (const value of values)
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  return undefined;
}

/** The conversation of a request, in stopwise's provider-neutral messages. */
function requestMessages(api: ReplayApi, body: Json): Message[] | undefined {
  if (api === 'chat') return toMessages(body.messages);
  if (api === 'messages') {
    const messages = toMessages(body.messages);
    return messages && [...systemMessages(body.system), ...messages];
  }
  const input =
    typeof body.input === 'string'
      ? [{ role: 'user' as const, content: body.input }]
      : toMessages(body.input);
  return input && [...systemMessages(body.instructions), ...input];
}

/**
 * Reads a request of `api`: the conversation (system prompts first, as stopwise messages), the
 * explicit record id (header `x-stopwise-trace-id` or `metadata.stopwise_trace_id`), whether
 * to stream, and the output cap. Undefined when the body is not a request of that API.
 */
export function parseRequest(
  api: ReplayApi,
  body: unknown,
  headers: IncomingHttpHeaders,
): ParsedRequest | undefined {
  if (!isObject(body)) return undefined;
  const messages = requestMessages(api, body);
  if (!messages || messages.length === 0) return undefined;
  const header = headers[traceIdHeader];
  const metadata = isObject(body.metadata) ? body.metadata[traceIdMetadataField] : undefined;
  const id =
    typeof header === 'string' && header !== ''
      ? header
      : typeof metadata === 'string'
        ? metadata
        : undefined;
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return {
    api,
    query: { id, model: typeof body.model === 'string' ? body.model : undefined, messages },
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
    maxTokens: positiveInteger(body.max_completion_tokens, body.max_tokens, body.max_output_tokens),
  };
}
