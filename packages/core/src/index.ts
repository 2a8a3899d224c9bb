/**
 * `stopwise`: what an application needs to stream with stop policies and read what the stops
 * saved. The client, the built-in policies and their combinators, profiles and presets, errors,
 * exporters and the learning pieces an app configures, with their types.
 *
 * The list is curated on purpose (no `export *`): every value here is a promise to users, and
 * `api/stopwise.api.md` records it so a change of the surface is a reviewed change. Helpers for
 * writing a provider adapter, a learning store or an exporter are in `stopwise/adapter`; the
 * SSE provider in `stopwise/sse`; Node-only parts in `stopwise/node`.
 *
 * @packageDocumentation
 */

export type { LengthPrediction, PredictionLevel } from './adaptive/index.js';
export {
  type AdaptiveLengthOptions,
  type AdaptiveLengthPolicy,
  type AdaptiveLengthSettings,
  adaptiveLength,
  createMemoryLengthHistory,
  defaultKeywordRules,
  defaultLengthHistory,
  type KeywordContextOptions,
  type KeywordContextPolicy,
  type KeywordMatch,
  type KeywordRule,
  type KeywordScope,
  keywordContext,
  type LengthHistoryStore,
  type LengthSample,
  type MemoryLengthHistory,
  type MemoryLengthHistoryOptions,
} from './adaptive/index.js';
export type { CallOptions, CallPolicyOptions } from './call-options.js';
export { type ClientOptions, createClient, type StopwiseClient } from './client.js';
export { allOf, anyOf, type PolicyCondition, shadow, when } from './combinators.js';
export {
  ConfigError,
  PolicyError,
  type ProviderConnection,
  ProviderError,
  StopwiseError,
  type StopwiseErrorKind,
  StreamError,
} from './errors.js';
export type { ChainExplanation, ExplainedBudget, ExplainedPolicy } from './explain.js';
export type {
  CallFeedback,
  CallTuning,
  ClientLearnOptions,
  FeedbackResult,
  LearnOptions,
  TuningScope,
} from './learning/index.js';
export {
  createMemoryTunerEvidence,
  defaultLadder,
  type HeldOutFigures,
  type MemoryTunerEvidenceOptions,
  type RecordedCall,
  type StepChoice,
  type StepDelta,
  type StepEvidence,
  type StepStanding,
  type StepTotals,
  type TunedBucket,
  type TunedProfile,
  type TuneOfflineOptions,
  type TunerEvidence,
  type TuningLadder,
  tuneOffline,
} from './learning/index.js';
export type { Message, MessageRole } from './messages.js';
export {
  type AnswerCompleteOptions,
  type AnswerConvergenceOptions,
  answerComplete,
  answerConvergence,
  type CompletionMarker,
  compileLinearRegex,
  type LinearRegex,
  type MaxTokensOptions,
  maxTokens,
  type PhaseOption,
  type RepetitionOptions,
  repetition,
  type StopOnOptions,
  type StopPattern,
  stopOn,
  type TimeoutOptions,
  timeout,
} from './policies/index.js';
export type {
  BudgetChange,
  CallContext,
  PolicyCallEnd,
  PolicyMethod,
  PolicyReport,
  StopDecision,
  StopKind,
  StopPolicy,
  StreamView,
} from './policy.js';
export type {
  ProfileOverrides,
  ProfileSection,
  ProfileSettings,
  TunedPreset,
  UserPreset,
} from './profiles/index.js';
export {
  accurateSettings,
  balancedSettings,
  defineProfile,
  findProfile,
  type Profile,
  type ProfileDefinition,
  profileNames,
  realtimeSettings,
  registerProfile,
  type SettingsProfile,
} from './profiles/index.js';
// The provider contract (an inline provider or a test double needs it; adapters find it in
// `stopwise/adapter` too).
export type { LanguageModelProvider, ProviderOptionsOf, ProviderRequest } from './provider.js';
export type { ChainEntry, ProfileSource, ResolutionLayer, UserProfiles } from './resolve-chain.js';
export { validateCallPolicy } from './resolve-chain.js';
export type { RecordedDecision, RunResult, RunResultBase, RunUsage } from './run-result.js';
export type { StopInfo } from './stop-info.js';
export type { LearningStore, StoreValue } from './store/index.js';
export {
  createMemoryStore,
  type MemoryStore,
  type MemoryStoreOptions,
  type StoreEntry,
} from './store/index.js';
export type {
  FinishReason,
  Outcome,
  ProviderStreamPart,
  StreamPart,
  TokenLogprob,
  Usage,
} from './stream-part.js';
// A type only: runs come from `client.stream`, never from `new StreamRun`.
export type { StreamRun } from './stream-run.js';
export type {
  CallEndEvent,
  CallStartEvent,
  CostRange,
  CounterfactualEstimate,
  CounterfactualMethod,
  ErrorEvent,
  HoldoutOptions,
  HoldoutRecord,
  PolicyDecisionEvent,
  PolicyStopEvent,
  PooledEvidence,
  PriceOverride,
  PriceOverrides,
  Savings,
  SavingsEstimator,
  SavingsEstimatorOptions,
  SavingsInput,
  TelemetryEvent,
  TelemetryEventBase,
  TelemetryHook,
  TelemetryHooks,
  VoteEndEvent,
} from './telemetry/index.js';
export {
  type ConsoleExporter,
  type ConsoleExporterOptions,
  consoleExporter,
  createSavingsHistory,
  type HistoryKind,
  type HoldoutSample,
  type SavingsAccuracy,
  type SavingsHistory,
  type SavingsHistoryOptions,
  type SavingsStats,
  SavingsStatsCollector,
  type SavingsTotals,
  type SavingsTruth,
  type SerializedError,
  savingsAccuracy,
  serializeEvent,
} from './telemetry/index.js';
export {
  extractAnswer,
  type VoteDecision,
  type VoteExtractor,
  type VoteOptions,
  type VoteResult,
  type VoteRule,
  type VoteSample,
  type VoteSavings,
  type VoteState,
} from './vote/index.js';
