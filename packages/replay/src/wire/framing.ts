/** How a provider frames its JSON chunks as server-sent events. */
export type WireFormat =
  /** OpenAI Chat Completions and compatible servers: `data: {json}` then `data: [DONE]`. */
  | 'openai-chat'
  /** OpenAI Responses API: `event: <type>` + `data: {json}`; no [DONE]. */
  | 'openai-responses'
  /** Anthropic Messages: `event: <type>` + `data: {json}`. */
  | 'anthropic'
  /** Cohere v2 chat: `event: <type>` + `data: {json}`. */
  | 'cohere'
  /** Gemini `streamGenerateContent?alt=sse`: `data: {json}` only. */
  | 'gemini';

/** Frames one chunk (a parsed JSON value) as an SSE event of `format`. */
export function frameChunk(format: WireFormat, chunk: unknown): string {
  const data = `data: ${JSON.stringify(chunk)}\n\n`;
  if (format === 'openai-chat' || format === 'gemini') return data;
  const type = (chunk as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? `event: ${type}\n${data}` : data;
}

/** What a format writes after its last chunk, if anything. */
export function streamTrailer(format: WireFormat): string {
  return format === 'openai-chat' ? 'data: [DONE]\n\n' : '';
}
