export type {
  CallEndEvent,
  CallStartEvent,
  ErrorEvent,
  PolicyDecisionEvent,
  PolicyStopEvent,
  TelemetryEvent,
  TelemetryHook,
  TelemetryHooks,
} from './events.js';
export { estimateSavings, type SavingsEstimator, type SavingsInput } from './estimate-savings.js';
export type { CounterfactualEstimate, Savings } from './savings.js';
