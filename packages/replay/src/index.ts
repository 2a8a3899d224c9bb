export { type EvaluateOptions, type Evaluation, evaluate } from './bench/evaluate.js';
export { formatTable } from './bench/format-table.js';
export {
  callPolicyFor,
  capSet,
  noPolicy,
  type PolicySet,
  parsePolicyList,
  profileSet,
} from './bench/policy-sets.js';
export { keptTexts, type RecordOutcome, type RunRecordOptions, runRecord } from './bench/run-record.js';
export { type EvaluationSummary, summarize } from './bench/summarize.js';
export {
  type TraceProvider,
  type TraceProviderOptions,
  type TraceStreamRecord,
  traceProvider,
} from './bench/trace-provider.js';
export { type RecordTracesOptions, recordTraces, type TraceRecorder } from './record/record-traces.js';
export {
  extractAnswer,
  type ScoredRecord,
  type ScorerName,
  type ScoreTextOptions,
  scorerNames,
  scoreText,
} from './scoring/score-text.js';
export { type ReplayApi, traceIdHeader, traceIdMetadataField } from './server/parse-request.js';
export {
  createReplayServer,
  defaultTokensPerSecond,
  type ReplayRequest,
  type ReplayServer,
  type ReplayServerOptions,
} from './server/replay-server.js';
export type { UnseenPrompts } from './server/unseen-prompt.js';
export { type RecordChunks, type RecordChunksOptions, recordChunks } from './tokens/record-chunks.js';
export {
  chunkAt,
  encodingFor,
  type TokenChunks,
  type TokenChunksOptions,
  tokenChunks,
} from './tokens/token-chunks.js';
export { type LoadTracesOptions, loadTraces, type TraceFile, traceFilePaths } from './traces/load-traces.js';
export {
  formatTraceProblem,
  type ReadTraceFileOptions,
  readTraceFile,
  type TraceProblem,
} from './traces/read-trace-file.js';
export { conversationKey, createTraceIndex, type TraceIndex, type TraceQuery } from './traces/trace-index.js';
export { repoRoot, sampleTracesDir, sharedTracesDir } from './traces/trace-paths.js';
export {
  isScorable,
  parseTraceLine,
  recordFinishReason,
  type ScorableRecord,
  type TraceRecord,
} from './traces/trace-record.js';
export { loadWireFixture, wireFixtureNames, wireFixturesDir } from './wire/fixtures.js';
export { frameChunk, streamTrailer, type WireFormat } from './wire/framing.js';
export { type SyntheticAnthropicOptions, syntheticAnthropicChunks } from './wire/synthetic-anthropic.js';
export { type SyntheticChatOptions, syntheticChatChunks } from './wire/synthetic-chat.js';
export {
  createWireServer,
  type WireRequestRecord,
  type WireScript,
  type WireServer,
  type WireServerOptions,
} from './wire/wire-server.js';
