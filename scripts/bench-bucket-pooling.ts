/**
 * `pnpm bench:pooling`: what borrowing from the model's pool does for calls spread over many
 * small buckets (`metadata.bucket`, one per prompt template, say). Every recorded output of
 * `../shared/traces` (the committed sample when that is absent, and it says so) is fed through
 * the savings estimator as calls of one model dealt at random among `--buckets` buckets, 10% of
 * them holdouts, in 20 random orders; each stop's estimate is checked against the output's
 * true length. Two stops: a token cap at the file's median length (kind `cap`) and the first
 * paragraph break (kind `complete`). Two ways: `solo`, each bucket on its own (as before the
 * pool existed: every bucket its own model), and `pooled`.
 *
 * The estimator is driven directly, not through a client and the replay server: the figures
 * are about the counterfactual methods alone, and a full `pnpm bench` run per bucket count
 * would take an hour. Prints, per file and stop: the share of stops with a headline estimate,
 * those estimates' sum over the truth of the same stops, and their intervals' coverage.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createSavingsEstimator,
  type SavingsInput,
} from '../packages/core/src/telemetry/estimate-savings.js';
import { loadPriceData } from '../packages/core/src/telemetry/prices.js';
import { tokenCounterFor } from '../packages/core/src/token-counter.js';

const { values } = parseArgs({
  options: {
    buckets: { type: 'string', default: '30' },
    orders: { type: 'string', default: '20' },
    traces: { type: 'string' },
  },
});
const bucketCount = Number(values.buckets);
const orders = Number(values.orders);
const holdoutFraction = 0.1;

const shared = join(import.meta.dirname, '../../shared/traces');
const sample = join(import.meta.dirname, '../packages/replay/fixtures/traces');
const dir = values.traces ?? (existsSync(shared) ? shared : sample);
if (values.traces === undefined && dir === sample) {
  console.error('No ../shared/traces beside the repository: using the committed sample (40 outputs a file).');
}

/** One output: its length in tokens, and where its first paragraph break falls (if before the end). */
interface Output {
  length: number;
  paragraphAt: number | undefined;
}

// o200k_base, the tokenizer of the OpenAI models of the traces; the unit only has to be one.
const counter = await tokenCounterFor('gpt-4o').load();
const tokens = (text: string) => counter.count(text);

function readOutputs(file: string): Output[] {
  return readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const record = JSON.parse(line) as { output: string; reasoning?: string };
      const text = (record.reasoning ?? '') + record.output;
      const length = tokens(text);
      const at = text.indexOf('\n\n');
      const paragraphAt = at < 0 ? undefined : tokens(text.slice(0, at + 2));
      return {
        length,
        paragraphAt: paragraphAt !== undefined && paragraphAt < length ? paragraphAt : undefined,
      };
    });
}

/** A deterministic source of randomness (an LCG), so runs compare. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

interface Tally {
  stops: number;
  estimated: number;
  estimatedSum: number;
  truthOfEstimated: number;
  covered: number;
}

type Stop = { name: string; kind: 'cap' | 'complete'; at: (output: Output) => number | undefined };

function replay(outputs: Output[], stop: Stop, pooled: boolean): Tally {
  const tally: Tally = { stops: 0, estimated: 0, estimatedSum: 0, truthOfEstimated: 0, covered: 0 };
  const usage = { inputTokens: 10, source: 'provider' as const, inputSource: 'provider' as const };
  for (let order = 1; order <= orders; order += 1) {
    const random = lcg(order * 7919);
    const shuffled = outputs.map((output) => ({ output, key: random() })).sort((a, b) => a.key - b.key);
    const estimate = createSavingsEstimator({ minSamples: 10 });
    for (const { output } of shuffled) {
      const bucket = `b${Math.floor(random() * bucketCount)}`;
      // Solo: every bucket its own model, so no bucket has a pool to borrow from.
      const call = {
        model: pooled ? 'm' : `m-${bucket}`,
        metadata: { bucket },
        context: undefined,
        maxOutputTokens: undefined,
        durationMs: 1000,
        timeToFirstTokenMs: 100,
      };
      const at = stop.at(output);
      const holdout = random() < holdoutFraction;
      if (holdout || at === undefined) {
        const { length } = output;
        estimate({
          ...call,
          outcome: 'finish',
          usage: { ...usage, outputTokens: length },
          keptTokens: length,
          receivedTokens: length,
          stoppedBy: undefined,
          natural: true,
          ...(holdout && at !== undefined
            ? { holdout: { wouldStopAtToken: at, policy: stop.name, kind: stop.kind } }
            : {}),
        } satisfies SavingsInput);
        continue;
      }
      const savings = estimate({
        ...call,
        outcome: 'policy-stop',
        usage: { ...usage, outputTokens: at },
        keptTokens: at,
        receivedTokens: at,
        stopPosition: at,
        stoppedBy: stop.name,
        stopKind: stop.kind,
      } satisfies SavingsInput);
      tally.stops += 1;
      if (savings.tokensSaved === null || savings.counterfactualTokens === undefined) continue;
      tally.estimated += 1;
      tally.estimatedSum += savings.tokensSaved;
      tally.truthOfEstimated += output.length - at;
      const { low, high } = savings.counterfactualTokens;
      if (low <= output.length && output.length <= high) tally.covered += 1;
    }
  }
  return tally;
}

function describe(tally: Tally): string {
  if (tally.estimated === 0) return 'no headline';
  const share = `${Math.round((100 * tally.estimated) / tally.stops)}%`;
  const ratio = (tally.estimatedSum / tally.truthOfEstimated).toFixed(2);
  const coverage = (tally.covered / tally.estimated).toFixed(2);
  return `${share.padStart(4)} headline, ${ratio} of truth, coverage ${coverage}`;
}

await loadPriceData();
console.log(
  `${bucketCount} buckets of one model, ${holdoutFraction * 100}% holdouts, ${orders} orders; from ${dir}\n`,
);
for (const file of readdirSync(dir).filter((name) => name.endsWith('.jsonl'))) {
  const outputs = readOutputs(file);
  const lengths = outputs.map((output) => output.length).sort((a, b) => a - b);
  const median = lengths[Math.floor(lengths.length / 2)] as number;
  const stops: Stop[] = [
    { name: `cap(${median})`, kind: 'cap', at: (o) => (o.length > median ? median : undefined) },
    { name: 'first paragraph', kind: 'complete', at: (o) => o.paragraphAt },
  ];
  for (const stop of stops) {
    const solo = replay(outputs, stop, false);
    const pooled = replay(outputs, stop, true);
    const perOrder = (solo.stops / orders).toFixed(0);
    console.log(
      `${file.replace('.jsonl', '')}  ${stop.name} (${perOrder} stops)\n  solo:   ${describe(solo)}\n  pooled: ${describe(pooled)}`,
    );
  }
}
