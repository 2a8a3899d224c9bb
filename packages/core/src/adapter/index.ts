/**
 * `stopwise/adapter`: what a package that plugs into stopwise needs and an application does not.
 * A provider adapter (`@stopwise/openai`, `@stopwise/anthropic`, your own) turns a provider's
 * stream into `AsyncIterable<ProviderStreamPart>` with {@link chunkStream} or
 * {@link providerStream}, maps its SDK's failures to `ProviderError`/`StreamError` with
 * {@link connectionFailure}, {@link retryAfterFromHeaders} and {@link isRetryableStatus}, keeps
 * API keys out of messages with {@link collectCredentials} and {@link scrubbedError}, and counts
 * tokens with {@link tokenCounterFor} when the provider reports no usage. A learning store
 * (`@stopwise/redis`) can be exercised through the tuner's own view of it
 * ({@link tunerEvidenceIn}); an exporter serializes errors as the built-in ones do
 * ({@link serializeError}); a package with options of its own refuses misspelt names the way
 * stopwise does ({@link rejectUnknownOptions}); a provider whose models stream their reasoning inline
 * (`<think>...</think>`) splits it off with {@link ReasoningTagSplitter}; code that runs a policy
 * holding a regex itself, outside a client (a test of a custom policy), first awaits
 * {@link loadRegexEngine}.
 *
 * These are kept apart from the root so the root stays the application's API; they follow the
 * same versioning and are recorded in `api/stopwise.adapter.api.md`. The error classes
 * themselves are at the root (`import { ProviderError } from 'stopwise'`), since applications
 * catch them too.
 *
 * @packageDocumentation
 */
export { type ChunkMapping, chunkStream } from '../chunk-stream.js';
export { clientOptionNames } from '../client.js';
export { type ConnectionFailureOptions, connectionFailure } from '../connection-failure.js';
export { collectCredentials, type HeadersInput } from '../credentials.js';
export {
  describeError,
  isRetryableStatus,
  type ProviderErrorInit,
  redactSecrets,
  scrubbedError,
} from '../errors.js';
export { environmentVariable, isLoopbackURL, keyForLocalServer, localServerKey } from '../local-server.js';
export { type Message, type MessageRole, messageRoles, userPrompt } from '../messages.js';
export { type OptionHints, rejectUnknownOptions } from '../option-names.js';
export { loadRegexEngine } from '../policies/linear-engine.js';
export type { LanguageModelProvider, ProviderOptionsOf, ProviderRequest } from '../provider.js';
export { providerStream } from '../provider-stream.js';
export {
  defaultReasoningTags,
  type ReasoningTagOptions,
  ReasoningTagSplitter,
  type ReasoningTags,
  reasoningTagsOption,
  type TaggedPiece,
} from '../reasoning-tags.js';
export { retryAfterFromHeaders } from '../retry-after.js';
export { tunerEvidenceIn } from '../store/index.js';
export type { FinishReason, ProviderStreamPart, TokenLogprob, Usage } from '../stream-part.js';
export { type SerializedError, serializeError } from '../telemetry/index.js';
export { type TokenCounter, tokenCounterFor } from '../token-counter.js';
