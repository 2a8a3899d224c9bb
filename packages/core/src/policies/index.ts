export {
  type AnswerCompleteOptions,
  answerComplete,
  type CompletionMarker,
} from './answer-complete.js';
export {
  type AnswerConvergenceOptions,
  answerConvergence,
} from './answer-convergence.js';
export { compileLinearRegex, type LinearRegex } from './linear-regex.js';
export { type MaxTokensOptions, maxTokens } from './max-tokens.js';
export type { PhaseOption } from './options.js';
export { type RepetitionOptions, repetition } from './repetition.js';
export { type StopOnOptions, type StopPattern, stopOn } from './stop-on.js';
export { type TimeoutOptions, timeout } from './timeout.js';
