import { openai } from '@stopwise/openai';
import { createClient, extractAnswer, type VoteExtractor, type VoteRule } from 'stopwise';
import { mapConcurrent } from '../bench/run-bench.js';
import { scoreMath } from '../scoring/math-scorer.js';
import { createReplayServer } from '../server/replay-server.js';
import { recordChunks } from '../tokens/record-chunks.js';
import { type SampledQuestion, sampleRecords, scorerAnswer } from './sample-files.js';

/** A strategy of `pnpm bench:vote`: every sample (`full`), or a vote with a stopping rule. */
export interface VoteStrategy {
  name: string;
  /** Undefined for `full`: every sample drawn to its end. */
  rule: VoteRule | undefined;
}

/** The strategies by name: `vote` is the API's default rule. */
export const voteStrategies: Record<string, VoteStrategy> = {
  full: { name: 'full', rule: undefined },
  vote: { name: 'vote', rule: undefined },
  esc: { name: 'esc', rule: { kind: 'window', size: 5 } },
  posterior: { name: 'posterior', rule: { kind: 'posterior', confidence: 0.95 } },
  settled: { name: 'settled', rule: { kind: 'settled' } },
};

/** One row of `pnpm bench:vote --json`. Field names are a contract: see docs/vote.md. */
export interface VoteBenchRow {
  samples: string;
  strategy: string;
  questions: number;
  samplesPerQuestion: number;
  /** Output tokens of every sample at full length. */
  fullTokens: number;
  /** Output tokens the replay server wrote (aborted samples' partial output included). */
  keptTokens: number;
  tokenReduction: number;
  fullVoteAccuracy: number;
  keptVoteAccuracy: number;
  accuracyDelta: number;
  meanSamplesUsed: number;
  wallMs: number;
  /** Wall time against drawing every sample (the `full` row of the same run). */
  wallRatio: number | null;
}

/** Options of {@link runVoteBench}. */
export interface VoteBenchOptions {
  file: string;
  questions: readonly SampledQuestion[];
  strategies: readonly VoteStrategy[];
  /** Samples in flight per question. Default 4. */
  concurrency?: number | undefined;
  /** Questions in flight at once. Default 8. */
  questionConcurrency?: number | undefined;
}

/**
 * Replays a samples file through the SDK over HTTP once per strategy (a fresh replay server
 * each, so every vote draws its question's samples from the first) and scores the votes.
 */
export async function runVoteBench(options: VoteBenchOptions): Promise<VoteBenchRow[]> {
  const { questions } = options;
  const concurrency = options.concurrency ?? 4;
  const records = sampleRecords(questions);
  const fullTokens = records.reduce(
    (sum, record) => sum + recordChunks({ record, model: record.model }).outputTokens,
    0,
  );
  const samplesPerQuestion = Math.max(...questions.map((question) => question.outputs.length));
  const fullCorrect = questions.filter((question) =>
    correct(question, majority(question.outputs.map((output) => answerOf(question, output)))),
  ).length;
  const rows: VoteBenchRow[] = [];
  for (const strategy of options.strategies) {
    let written = 0;
    const server = await createReplayServer({
      traces: records,
      tokensPerSecond: 0,
      onRequestEnd: (request) => {
        written += request.tokensWritten;
      },
    });
    const client = createClient({
      provider: openai({ apiKey: 'replay', baseURL: `${server.url}/v1`, maxRetries: 0 }),
    });
    const started = performance.now();
    let used = 0;
    let keptCorrect = 0;
    try {
      await mapConcurrent(questions, options.questionConcurrency ?? 8, async (question) => {
        const call = { model: question.model, messages: question.messages };
        let answer: string | undefined;
        if (strategy.rule === undefined && strategy.name === 'full') {
          const texts = await mapConcurrent(
            question.outputs,
            concurrency,
            async () => (await client.generate(call)).text,
          );
          answer = majority(texts.map((text) => answerOf(question, text)));
          used += texts.length;
        } else {
          const vote = await client.vote({
            ...call,
            samples: question.outputs.length,
            concurrency,
            rule: strategy.rule,
            extract: extractorOf(question),
          });
          answer = vote.answer;
          used += vote.samplesUsed;
        }
        if (correct(question, answer)) keptCorrect += 1;
      });
    } finally {
      await server.close();
    }
    const wallMs = performance.now() - started;
    rows.push({
      samples: options.file,
      strategy: strategy.name,
      questions: questions.length,
      samplesPerQuestion,
      fullTokens,
      keptTokens: written,
      tokenReduction: fullTokens === 0 ? 0 : 1 - written / fullTokens,
      fullVoteAccuracy: fullCorrect / questions.length,
      keptVoteAccuracy: keptCorrect / questions.length,
      accuracyDelta: (keptCorrect - fullCorrect) / questions.length,
      meanSamplesUsed: used / questions.length,
      wallMs,
      wallRatio: null,
    });
  }
  const full = rows.find((row) => row.strategy === 'full');
  return rows.map((row) => ({ ...row, wallRatio: full ? row.wallMs / full.wallMs : null }));
}

function extractorOf(question: SampledQuestion): VoteExtractor {
  return question.scorer === 'date' ? 'date' : (text) => scorerAnswer('math', text);
}

function answerOf(question: SampledQuestion, text: string): string | undefined {
  return extractAnswer(extractorOf(question), text);
}

/** The most frequent answer; ties go to the one reached first. */
function majority(answers: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const answer of answers) if (answer !== undefined) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  let best: string | undefined;
  for (const [answer, count] of counts)
    if (best === undefined || count > (counts.get(best) ?? 0)) best = answer;
  return best;
}

function correct(question: SampledQuestion, answer: string | undefined): boolean {
  if (answer === undefined) return false;
  if (question.scorer === 'date') return answer === question.gold;
  return scoreMath(question.gold, `\\boxed{${answer}}`);
}
