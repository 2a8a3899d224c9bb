export {
  type AdaptiveLengthOptions,
  type AdaptiveLengthPolicy,
  type AdaptiveLengthSettings,
  adaptiveLength,
  describePrediction,
} from './adaptive-length.js';
export {
  type KeywordContextOptions,
  type KeywordContextPolicy,
  type KeywordScope,
  keywordContext,
  keywordText,
  metadataMarkers,
} from './keyword-context.js';
export {
  type CompiledKeywordRule,
  compileKeywordRules,
  defaultKeywordRules,
  type KeywordMatch,
  type KeywordRule,
  matchKeywords,
  mergeKeywordRules,
} from './keyword-rules.js';
export {
  type AskedFormat,
  type LengthKeys,
  lengthKeys,
  type PromptFeatures,
  promptFeatures,
} from './length-bucket.js';
export { censoredQuantile, type LengthQuantile, type WeightedLengthSample } from './length-estimate.js';
export {
  createMemoryLengthHistory,
  defaultLengthHistory,
  isLengthHistoryStore,
  type LengthHistoryStore,
  type LengthSample,
  type MemoryLengthHistory,
  type MemoryLengthHistoryOptions,
} from './length-history.js';
export {
  type LengthPrediction,
  type PhaseHistory,
  type PredictionLevel,
  predictLength,
} from './length-prediction.js';
