export {
  type ConsoleExporter,
  type ConsoleExporterOptions,
  consoleExporter,
  formatCallEnd,
  formatSummary,
} from './console-exporter.js';
export { conformalInterval } from './counterfactual.js';
export {
  createSavingsEstimator,
  estimateSavings,
  guardSavingsEstimator,
  type SavingsEstimator,
  type SavingsEstimatorOptions,
  type SavingsInput,
} from './estimate-savings.js';
export type {
  CallEndEvent,
  CallStartEvent,
  ErrorEvent,
  PolicyDecisionEvent,
  PolicyStopEvent,
  TelemetryEvent,
  TelemetryEventBase,
  TelemetryHook,
  TelemetryHooks,
  VoteEndEvent,
} from './events.js';
export type { HoldoutOptions } from './holdout.js';
export {
  type CostDelta,
  type CostDeltaInput,
  type CostDeltas,
  type CostDeltasInput,
  loadPriceData,
  outputCostDelta,
  outputCostDeltas,
  type PriceOverride,
  type PriceOverrides,
  priceDataReady,
} from './prices.js';
export type {
  CostRange,
  CounterfactualEstimate,
  CounterfactualMethod,
  HoldoutRecord,
  PooledEvidence,
  Savings,
} from './savings.js';
export { type SavingsAccuracy, type SavingsTruth, savingsAccuracy } from './savings-accuracy.js';
export { savingsBucket } from './savings-buckets.js';
export {
  createSavingsHistory,
  type HistoryKind,
  type HoldoutSample,
  type SavingsHistory,
  type SavingsHistoryOptions,
} from './savings-history.js';
export { type SerializedError, serializeError, serializeEvent } from './serialize-event.js';
export { type SavingsStats, SavingsStatsCollector, type SavingsTotals } from './stats.js';
