export type { VoteOptions, VoteResult, VoteSample, VoteSavings } from './run-vote.js';
export { extractAnswer, type VoteExtractor, voteExtractors } from './vote-answers.js';
export {
  decide,
  leaderProbability,
  samplesToDecide,
  tally,
  type VoteDecision,
  type VoteRule,
  type VoteState,
} from './vote-rules.js';
