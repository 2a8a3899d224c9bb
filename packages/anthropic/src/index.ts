/**
 * `@stopwise/anthropic`: Anthropic's Messages API as a stopwise provider, over the official
 * `@anthropic-ai/sdk`.
 *
 * @packageDocumentation
 */
export { anthropic } from './anthropic-provider.js';
export { type MapErrorOptions, mapAnthropicError } from './map-error.js';
export { type AnthropicEventMapper, createEventMapper, isRetryableErrorType } from './map-events.js';
export { type AnthropicPrompt, mapMessages } from './map-messages.js';
export type { AnthropicProviderOptions, AnthropicThinking } from './provider-options.js';
export type { AnthropicSettings } from './settings.js';
export { mapAnthropicStopReason } from './stop-reason.js';
