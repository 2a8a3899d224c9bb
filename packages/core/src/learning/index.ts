export type { StepChoice, StepEvidence, StepStanding } from './choose-step.js';
export { defaultLadder, stepSettings, type TuningLadder } from './ladder.js';
export {
  type HeldOutFigures,
  type RecordedCall,
  type TunedBucket,
  type TunedProfile,
  type TuneOfflineOptions,
  tuneOffline,
} from './tune-offline.js';
export type { LearnOptions } from './tuner.js';
