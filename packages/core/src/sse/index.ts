/**
 * `stopwise/sse`: a provider for any streaming API that speaks server-sent events, built on
 * `fetch` and `eventsource-parser` (no SDK, no Node-only module), with ready mappings for Google
 * Gemini and Cohere, and the SSE reader itself (`sseEvents`) for adapters that get their
 * response from an SDK.
 *
 * @packageDocumentation
 */
export {
  type CohereProviderOptions,
  type CohereSettings,
  cohere,
  cohereBody,
  cohereUsage,
  mapCohereEvent,
  mapCohereFinishReason,
} from './cohere.js';
export {
  type GeminiProviderOptions,
  type GeminiSettings,
  gemini,
  geminiBody,
  geminiUsage,
  mapGeminiEvent,
  mapGeminiFinishReason,
} from './gemini.js';
export {
  defaultErrorDetails,
  type SseErrorDetails,
  type SseHttpError,
} from './http-error.js';
export type { SseConnectionSettings } from './shared.js';
export {
  defaultMaxEventChars,
  type SseEventsOptions,
  type SseMessage,
  sseEventBatches,
  sseEvents,
} from './sse-events.js';
export {
  createSseProvider,
  finishPart,
  type SseEvent,
  type SseMapResult,
  type SseProviderSettings,
  type SseStreamState,
} from './sse-provider.js';
