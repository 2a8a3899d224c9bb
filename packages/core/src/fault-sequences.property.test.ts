import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClient, type ProviderStreamPart, type StopPolicy, type StreamPart } from './index.js';
import { type ScriptStep, scriptedProvider } from './testing/scripted-provider.js';

/**
 * Random sequences of provider parts and faults (errors mid-stream, stalls, a missing finish),
 * with a policy that throws, a policy that stops, a telemetry hook that throws, the caller's
 * abort and the consumer breaking out, each at random points. Whatever happens, the run keeps
 * its promises: one terminal part, last; `result.outcome` says which; the text the consumer got
 * is the result's text (less what a stop retracted); `result` settles.
 */

const step: fc.Arbitrary<ScriptStep> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .string({ minLength: 1, maxLength: 6 })
      .map((delta) => ({ type: 'text-delta', delta }) as const),
  },
  {
    weight: 2,
    arbitrary: fc
      .string({ minLength: 1, maxLength: 6 })
      .map((delta) => ({ type: 'reasoning-delta', delta }) as const),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 }).map((ms) => ({ type: 'wait', ms }) as const) },
  { weight: 1, arbitrary: fc.constant({ type: 'throw', error: new Error('connection reset') } as const) },
);

const finish: ProviderStreamPart = {
  type: 'finish',
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: 3, outputTokens: 9 },
};

const scenario = fc.record({
  steps: fc.array(step, { maxLength: 25 }),
  finishes: fc.boolean(),
  throwAtStep: fc.option(fc.nat(30)),
  stopAtStep: fc.option(fc.nat(30)),
  cutBack: fc.nat(10),
  hookThrows: fc.boolean(),
  abortAfterMs: fc.option(fc.integer({ min: 0, max: 30 })),
  breakAfterParts: fc.option(fc.nat(30)),
});

const terminal = new Set(['finish', 'policy-stop', 'abort', 'error']);

describe('random fault sequences (property)', () => {
  it('one terminal part, last; outcome matches; received text is the result text; result settles', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const script: ScriptStep[] = [{ type: 'stream-start' }, ...s.steps, ...(s.finishes ? [finish] : [])];
        let steps = 0;
        const thrower: StopPolicy = {
          name: 'thrower',
          step: () => {
            if (steps === s.throwAtStep) throw new Error('policy bug');
            return undefined;
          },
        };
        const stopper: StopPolicy = {
          name: 'stopper',
          step: (view) => {
            steps += 1;
            if (steps - 1 !== s.stopAtStep) return undefined;
            return {
              reason: 'random stop',
              cutAt: Math.max(0, view.deltaOffset + view.delta.length - s.cutBack),
            };
          },
        };
        const client = createClient({
          provider: scriptedProvider(script),
          telemetry: s.hookThrows
            ? {
                onEvent: () => {
                  throw new Error('hook bug');
                },
              }
            : undefined,
        });
        const controller = new AbortController();
        const timer =
          s.abortAfterMs === null
            ? undefined
            : setTimeout(() => controller.abort(new Error('caller')), s.abortAfterMs);
        const run = client.stream({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'go' }],
          signal: controller.signal,
          policy: { policies: [thrower, stopper] },
        });
        const parts: StreamPart[] = [];
        let broke = false;
        for await (const part of run) {
          parts.push(part);
          if (s.breakAfterParts !== null && parts.length >= s.breakAfterParts && !terminal.has(part.type)) {
            broke = true;
            break;
          }
        }
        clearTimeout(timer);
        const result = await Promise.race([
          run.result,
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('result did not settle')), 2000),
          ),
        ]);

        const ends = parts.filter((part) => terminal.has(part.type));
        const received = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
        if (broke) {
          // The consumer left before the terminal part: the run ends as `abort`, unless it had
          // already ended (a stop, an error, the finish recorded before the break) and that
          // first ending stands. What was received is a prefix of the text (or of the text plus
          // what a stop retracted).
          expect(ends).toHaveLength(0);
          expect(terminal.has(result.outcome)).toBe(true);
          expect(result.text.startsWith(received) || received.startsWith(result.text)).toBe(true);
        } else {
          expect(ends).toHaveLength(1);
          expect(parts.at(-1)).toBe(ends[0]);
          expect(result.outcome).toBe(ends[0]?.type);
          const stop = parts.find((part) => part.type === 'policy-stop');
          // Retraction is in the stop's phase: a stop while reasoning retracts reasoning text.
          const retracted =
            stop?.type === 'policy-stop' && stop.phase === 'answer' ? (stop.retractedChars ?? 0) : 0;
          expect(received.slice(0, received.length - retracted)).toBe(result.text);
        }
        // A throwing policy is reported and switched off; it never ends the stream itself.
        for (const error of result.policyErrors) expect(error.kind).toBe('policy');
        if (result.outcome === 'error') expect(result.error.kind).not.toBe('policy');
        if (result.outcome === 'policy-stop') expect(result.stop.policy).toBe('stopper');
      }),
      { numRuns: 120 },
    );
  });
});
