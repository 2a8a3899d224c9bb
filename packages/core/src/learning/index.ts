export type { StepChoice, StepEvidence, StepStanding } from './choose-step.js';
export { defaultLadder, stepSettings, type TuningLadder } from './ladder.js';
export type {
  CallFeedback,
  CallTuning,
  ClientLearnOptions,
  FeedbackResult,
} from './learning-loop.js';
export {
  type HeldOutFigures,
  type RecordedCall,
  type TunedBucket,
  type TunedProfile,
  type TuneOfflineOptions,
  tuneOffline,
} from './tune-offline.js';
export type { LearnOptions, TuningScope } from './tuner.js';
export {
  createMemoryTunerEvidence,
  type MemoryTunerEvidenceOptions,
  type StepDelta,
  type StepTotals,
  type TunerEvidence,
} from './tuner-evidence.js';
