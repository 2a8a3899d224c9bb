import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  createClient,
  PolicyError,
  type StopPolicy,
  type StreamView,
  shadow,
  when,
} from './index.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'q' }];

/** Stops once the answer text contains `word`; counts the deltas it saw. */
function onWord(word: string): StopPolicy & { seen: number } {
  const policy = {
    name: `onWord(${word})`,
    seen: 0,
    start() {
      policy.seen = 0;
    },
    step(view: StreamView) {
      policy.seen += 1;
      return view.text.includes(word) ? { reason: `saw ${word}` } : undefined;
    },
  };
  return policy;
}

/** The method a reported policy error names, if it is a PolicyError. */
const during = (error: unknown) => (PolicyError.isInstance(error) ? error.during : undefined);

async function run(policy: StopPolicy, deltas = ['alpha ', 'beta ', 'gamma ', 'delta']) {
  const provider = scriptedProvider(textScript(deltas));
  return createClient({ provider }).generate({ model: 'm', messages, policy: { policies: [policy] } });
}

describe('combinators', () => {
  it('anyOf: the first policy to decide stops, and is the one named in the result', async () => {
    const beta = onWord('beta');
    const gamma = onWord('gamma');
    const result = await run(anyOf(gamma, beta));
    expect(result.stop?.policy).toBe('onWord(beta)');
    expect(result.text).toBe('alpha beta ');
    // Both saw every delta up to the stop, so stateful policies stay in sync.
    expect(beta.seen).toBe(2);
    expect(gamma.seen).toBe(2);
  });

  it('anyOf: of two decisions on one delta, the one due first wins, whatever the chain order', async () => {
    // Both words arrive in one delta; "beta" is complete first, so it would have won had the
    // text come one character at a time.
    const at = (word: string): StopPolicy => ({
      name: `at(${word})`,
      step(view) {
        const end = view.text.indexOf(word);
        if (end < 0) return undefined;
        return { reason: word, cutAt: end + word.length, decidedAt: end + word.length };
      },
    });
    const deltas = ['alpha ', 'beta gamma ', 'delta'];
    for (const chain of [anyOf(at('gamma'), at('beta')), anyOf(at('beta'), at('gamma'))]) {
      const result = await run(chain, deltas);
      expect(result.stop?.policy).toBe('at(beta)');
      expect(result.text).toBe('alpha beta');
    }
    // Without decidedAt, a decision counts as due at the end of its delta: chain order decides.
    const undated = (word: string): StopPolicy => ({
      name: `undated(${word})`,
      step: (view) => (view.text.includes(word) ? { reason: word } : undefined),
    });
    const result = await run(anyOf(undated('gamma'), undated('beta')), deltas);
    expect(result.stop?.policy).toBe('undated(gamma)');
  });

  it('allOf: stops only once every policy has decided', async () => {
    const result = await run(allOf(onWord('alpha'), onWord('gamma')));
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('alpha beta gamma ');
    expect(result.stop?.reason).toBe('saw alpha and saw gamma');
  });

  it('when: drops decisions while the condition is false', async () => {
    const late = when((view) => view.text.includes('gamma'), onWord('alpha'));
    const result = await run(late);
    expect(result.text).toBe('alpha beta gamma ');
  });

  it('shadow: records the decision once and never stops', async () => {
    const decisions: string[] = [];
    const provider = scriptedProvider(textScript(['alpha ', 'beta ', 'gamma']));
    const result = await createClient({
      provider,
      telemetry: { onPolicyDecision: (event) => void decisions.push(`${event.policy}:${event.shadow}`) },
    }).generate({
      model: 'm',
      messages,
      policy: { policies: [shadow(onWord('alpha'))] },
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('alpha beta gamma');
    expect(result.decisions).toHaveLength(1);
    expect(result.decisions[0]?.policy).toBe('onWord(alpha)');
    expect(decisions).toEqual(['onWord(alpha):true']);
  });

  it('a child that throws is switched off alone; its siblings go on deciding', async () => {
    const broken: StopPolicy = {
      name: 'broken',
      step: () => {
        throw new Error('boom');
      },
    };
    const result = await run(anyOf(broken, onWord('gamma')));
    expect(result.stop?.policy).toBe('onWord(gamma)');
    expect(result.policyErrors.map((error) => error.message)).toEqual([
      expect.stringContaining('Policy "broken" threw in step(): boom'),
    ]);
  });

  it('nests: combinators return policies again', async () => {
    const result = await run(
      anyOf(
        shadow(onWord('alpha')),
        when(() => true, allOf(onWord('beta'), onWord('delta'))),
      ),
    );
    expect(result.outcome).toBe('policy-stop');
    expect(result.decisions).toHaveLength(1);
    expect(result.text).toBe('alpha beta gamma delta');
  });

  it('anyOf: a child that throws in start, end or its timed check is switched off and reported once', async () => {
    let ended = 0;
    const failing = (during: 'start' | 'nextCheckAt' | 'end'): StopPolicy => ({
      name: `fails-in-${during}`,
      [during]: () => {
        throw new Error(during);
      },
      step: () => undefined,
      ...(during !== 'end' && { end: () => void ended++ }),
    });
    const result = await run(
      anyOf(failing('start'), failing('nextCheckAt'), failing('end'), onWord('gamma')),
    );
    expect(result.stop?.policy).toBe('onWord(gamma)');
    expect(result.policyErrors.map((error) => error.message)).toEqual([
      expect.stringContaining('"fails-in-start" threw in start()'),
      expect.stringContaining('"fails-in-nextCheckAt" threw in nextCheckAt()'),
      expect.stringContaining('"fails-in-end" threw in end()'),
    ]);
    expect(result.policyErrors.map(during)).toEqual(['start', 'nextCheckAt', 'end']);
    // A child switched off still gets `end`, to release what it holds.
    expect(ended).toBe(2);
  });

  it('a lone policy whose timed check throws is switched off, reported as nextCheckAt, and the stream goes on', async () => {
    let steps = 0;
    const result = await run({
      name: 'bad-clock',
      nextCheckAt() {
        throw new Error('no clock');
      },
      step: () => void steps++,
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('alpha beta gamma delta');
    expect(steps).toBe(0);
    expect(result.policyErrors).toHaveLength(1);
    expect(result.policyErrors.map(during)).toEqual(['nextCheckAt']);
    expect(result.policyErrors[0]?.message).toContain('"bad-clock" threw in nextCheckAt(): no clock');
  });

  it('a child whose decision is malformed is switched off alone; the chain goes on', async () => {
    // cutAt -1, a non-string reason, decidedAt NaN (which would have won the "due first" race).
    const malformed = [
      { reason: 'r', cutAt: -1 },
      { reason: 5 },
      { reason: 'r', decidedAt: Number.NaN },
    ] as const;
    for (const decision of malformed) {
      const bad: StopPolicy = { name: 'bad', step: () => decision as never };
      for (const chain of [anyOf(bad, onWord('gamma')), anyOf(onWord('gamma'), bad)]) {
        const result = await run(chain);
        expect(result.outcome).toBe('policy-stop');
        expect(result.stop?.policy).toBe('onWord(gamma)');
        expect(result.text).toBe('alpha beta gamma ');
        expect(result.policyErrors.map((error) => error.message)).toEqual([
          expect.stringMatching(/^Policy "bad" threw in step\(\): bad: step\(\) returned /),
        ]);
      }
    }
  });

  it('an async step, start or end in a chain is refused or reported, never an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const method of ['start', 'step', 'end'] as const) {
        const failing = {
          name: `async-${method}`,
          step: () => undefined,
          [method]: async () => {
            throw new Error(`${method} failed`);
          },
        } as unknown as StopPolicy;
        const result = await run(anyOf(failing, onWord('gamma')));
        await new Promise((resolve) => setTimeout(resolve, 10));
        expect(result.stop?.policy).toBe('onWord(gamma)');
        expect(result.policyErrors.map(during)).toEqual([method]);
      }
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("a start returning a bad budget change, or an async start, leaves the call's budget scale alone", async () => {
    for (const returned of [{ scale: Number.NaN, reason: 'r' }, { scale: 0, reason: 'r' }, 'half']) {
      const scales: number[] = [];
      const bad = {
        name: 'bad-budget',
        start: () => returned,
        step: () => undefined,
      } as unknown as StopPolicy;
      const watcher: StopPolicy = { name: 'watcher', step: (view) => void scales.push(view.budgetScale) };
      for (const chain of [anyOf(bad, watcher), allOf(bad, watcher)]) {
        scales.length = 0;
        const result = await run(chain);
        expect(scales).toEqual([1, 1, 1, 1]);
        expect(result.policyErrors.map((error) => error.message)).toEqual([
          expect.stringContaining('"bad-budget" threw in start(): bad-budget: start() returned'),
        ]);
      }
    }
    const scales: number[] = [];
    const asyncStart = {
      name: 'async-start',
      start: async () => {},
      step: () => undefined,
    } as unknown as StopPolicy;
    const watcher: StopPolicy = { name: 'watcher', step: (view) => void scales.push(view.budgetScale) };
    const result = await run(anyOf(asyncStart, watcher));
    expect(scales).toEqual([1, 1, 1, 1]);
    expect(result.policyErrors).toEqual([]);
  });

  it('allOf holding a policy switched off by a failure no longer stops: never on less than asked', async () => {
    const broken: StopPolicy = {
      name: 'broken',
      step: () => {
        throw new Error('boom');
      },
    };
    const result = await run(allOf(broken, onWord('alpha')));
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('alpha beta gamma delta');
    expect(result.policyErrors.map((error) => error.message)).toEqual([
      expect.stringContaining('"broken" threw in step()'),
    ]);
  });

  it('validates children with the field path', () => {
    expect(() => anyOf({ name: 'x' } as StopPolicy)).toThrow(/anyOf\[0\]\.step/);
  });
});
