/**
 * No user pattern can freeze a stream: the adversarial corpus (exponential and polynomial
 * backtracking patterns) runs through `stopOn` on a 5,000-character answer streamed one character
 * per event, and through a keyword rule on a long prompt, each in a worker thread that is
 * terminated after a generous bound. A frozen regex blocks its own thread, so only a second
 * thread can notice; the bound catches freezes, `pnpm bench:patterns` reports speed.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { AdversarialJob, AdversarialResult } from './adversarial.worker.js';

const boundMs = 10_000;
const length = 5_000;
// The worker runs the TypeScript sources through tsx (a root devDependency, as for bench:perf).
const tsxApi = 'tsx/esm/api';
const workerUrl = new URL('./adversarial.worker.ts', import.meta.url).href;

/** Runs `job` in a worker with tsx registered; rejects if it takes longer than `boundMs`. */
function inWorker(job: AdversarialJob): Promise<AdversarialResult> {
  const boot = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${job.via} ${job.source} did not finish in ${boundMs} ms: it froze`));
    }, boundMs);
    worker.once('message', (result: AdversarialResult) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** [pattern, the character that makes it backtrack, repeated `length` times]. */
const accepted: ReadonlyArray<[RegExp, string]> = [
  [/\d*\d*x/, '1'],
  [/\d*\d*\d*x/, '1'],
  [/a*a*a*a*a*b/, 'a'],
  [/.*.*.*=/, 'a'],
  [/.*.*.*.*=/, 'a'],
  [/\s*\s*\s*;/, ' '],
  [/[a-z]+[a-z]+[a-z]+\d/, 'a'],
  [/(a|a)*b/, 'a'],
  [/(a|ab)*c/, 'a'],
  [/(x+x+)+y/, 'x'],
  [/(a+)+b/, 'a'],
  [/(\w+\s?)+;/, 'a '],
  [/^(a+)+b/m, 'a'],
];

const text = (unit: string) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

describe('adversarial stop patterns, 5,000 characters streamed one per event', () => {
  it.each(accepted.map(([regex, unit]) => [String(regex), regex, unit] as const))(
    '%s finishes without a stop',
    async (_, regex, unit) => {
      const result = await inWorker({
        source: regex.source,
        flags: regex.flags,
        text: text(unit),
        via: 'stopOn',
      });
      expect(result.refused).toBeUndefined();
      expect(result).toMatchObject({ matched: false });
    },
    boundMs + 5_000,
  );

  it('still stops once the awaited character arrives, in the same bound', async () => {
    const result = await inWorker({
      source: '\\d*\\d*x',
      flags: '',
      text: `${'1'.repeat(length)}x.`,
      via: 'stopOn',
    });
    expect(result).toMatchObject({ matched: true, stoppedAt: length + 1 });
  });

  it.each([
    [/(a+)+$/, /\$ without the m flag/],
    [/(\w+\s?)+$/, /\$ without the m flag/],
    [/(a)\1/, /backreference/],
    [/(?=a)\w+x/, /lookahead/],
    [/(?:a*)*b/, /repeated part that can match the empty string/],
  ])('%s is refused with a reason', async (regex, reason) => {
    const result = await inWorker({
      source: regex.source,
      flags: regex.flags,
      text: text('a'),
      via: 'stopOn',
    });
    expect(result.refused).toMatch(reason);
  });
});

describe('adversarial keyword rules on a 5,000-character prompt', () => {
  const corpus: ReadonlyArray<[RegExp, string]> = [
    ...accepted,
    [/(\w+\s?)+$/, 'a '],
    [/(a+)+$/, 'a'],
    [/^(\w+\s?)+$/, 'ab '],
  ];
  it.each(corpus.map(([regex, unit]) => [String(regex), regex, unit] as const))(
    '%s finishes',
    async (_, regex, unit) => {
      // A character at the end that makes the match fail only after trying everything.
      const prompt = `${text(unit)}!`;
      const result = await inWorker({
        source: regex.source,
        flags: regex.flags,
        text: prompt,
        via: 'keywordRule',
      });
      expect(result.refused).toBeUndefined();
      expect(result).toMatchObject({ matched: false });
    },
    boundMs + 5_000,
  );
});

/** Runs what stopwise reads from a prompt (`via`) on `prompt` in a worker: it must finish. */
async function finishesOnPrompt(via: 'shippedRules' | 'promptGivens', prompt: string): Promise<void> {
  const result = await inWorker({ source: '', flags: '', text: prompt, via });
  expect(result.refused).toBeUndefined();
  expect(result.ms).toBeLessThan(boundMs);
}

// The shipped rules run on JS's own engine (see `shippedPatterns` in keyword-rules.ts): their
// patterns must stay linear on the prompts that come closest to making them backtrack.
describe('the shipped keyword rules on adversarial 5,000-character prompts', () => {
  const prompts: ReadonlyArray<[string, string]> = [
    ['spaces after a phrase word', `step${' '.repeat(length)}!`],
    ['repeated phrase starts', 'step by '.repeat(length / 8)],
    ['digits after "part"', `part ${'1'.repeat(length)}!`],
    ['spaces and digits after "subproblem"', `subproblem${' '.repeat(length / 2)}${'9'.repeat(length / 2)}x`],
    ['repeated "part"', 'part part (a '.repeat(length / 13)],
    ['"answer" without a box', 'answer '.repeat(length / 7)],
    ['"answer is (" without the X', 'answer is ('.repeat(length / 11)],
  ];
  it.each(prompts)('%s finishes', (_, prompt) => finishesOnPrompt('shippedRules', prompt));
});

describe("answerConvergence's reading of the prompt on adversarial 5,000-character prompts", () => {
  const prompts: ReadonlyArray<[string, string]> = [
    ['spaces after "="', `=${' '.repeat(length)}x`],
    ['digits after "=" then a letter', `= ${'1'.repeat(length)}x`],
    ['digits and points after "="', `= 1${'.1'.repeat(length / 2)}x`],
    ['"=" and a wrapper, repeated', '=$ '.repeat(length / 3)],
    ['one given after another', '=1'.repeat(length / 2)],
  ];
  it.each(prompts)('%s finishes', (_, prompt) => finishesOnPrompt('promptGivens', prompt));
});
