/**
 * `@stopwise/openai`: the stopwise provider for OpenAI's APIs (Chat Completions, Responses,
 * legacy Completions) and every OpenAI-compatible server (vLLM, Ollama, DeepSeek, Groq, xAI...),
 * built on the official `openai` SDK.
 *
 * @packageDocumentation
 */
export { type CompletionPrompt, completionPrompt } from './completion-prompt.js';
export { mapOpenAIFinishReason, mapResponsesFinishReason, type ResponsesOutcome } from './finish-reason.js';
export { type MapErrorContext, mapOpenAIError } from './map-error.js';
export { openai } from './openai-provider.js';
export type { OpenAIProviderOptions } from './provider-options.js';
export type { OpenAIApi, OpenAISettings } from './settings.js';
