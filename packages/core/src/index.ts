export * from './adaptive/index.js';
export type { CallOptions, CallPolicyOptions } from './call-options.js';
export { type ChunkMapping, chunkStream } from './chunk-stream.js';
export { type ClientOptions, createClient, type StopwiseClient } from './client.js';
export { allOf, anyOf, type PolicyCondition, shadow, when } from './combinators.js';
export { type ConnectionFailureOptions, connectionFailure } from './connection-failure.js';
export {
  collectCredentials,
  credentialsInHeaders,
  type HeadersInput,
  isCredentialHeader,
} from './credentials.js';
export {
  ConfigError,
  describeError,
  isRetryableStatus,
  PolicyError,
  type ProviderConnection,
  ProviderError,
  type ProviderErrorInit,
  redactSecrets,
  StopwiseError,
  type StopwiseErrorKind,
  StreamError,
  scrubbedError,
} from './errors.js';
export type { ChainExplanation, ExplainedBudget, ExplainedPolicy } from './explain.js';
export * from './learning/index.js';
export { type Message, type MessageRole, messageRoles, userPrompt } from './messages.js';
export * from './policies/index.js';
export type {
  BudgetChange,
  CallContext,
  PolicyCallEnd,
  PolicyReport,
  StopDecision,
  StopKind,
  StopPolicy,
  StreamView,
} from './policy.js';
export * from './profiles/index.js';
export type { LanguageModelProvider, ProviderOptionsOf, ProviderRequest } from './provider.js';
export { providerStream } from './provider-stream.js';
export {
  type ChainEntry,
  type ProfileSource,
  type ResolutionLayer,
  type UserProfiles,
  validateCallPolicy,
} from './resolve-chain.js';
export { retryAfterFromHeaders } from './retry-after.js';
export type { RecordedDecision, RunResult, RunResultBase, RunUsage, StopInfo } from './run-result.js';
export * from './store/index.js';
export type {
  FinishReason,
  Outcome,
  ProviderStreamPart,
  StopPosition,
  StreamPart,
  TokenLogprob,
  Usage,
} from './stream-part.js';
export { StreamRun } from './stream-run.js';
export * from './telemetry/index.js';
export { isWordBoundary, safeCutIndex } from './text-boundary.js';
export { type TokenCounter, tokenCounterFor } from './token-counter.js';
export * from './vote/index.js';
