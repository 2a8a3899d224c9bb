/**
 * The linear-time regex engine loads on first use (`linear-engine.ts`). What that must not
 * change: a pattern is refused when it is defined for the same reasons as when the engine
 * compiled it there (checked against the engine on random patterns), a call's first regex stop
 * is where it would have been, and what only the engine can refuse still fails the call before
 * its request. Each test runs on a fresh module graph, where nothing has loaded the engine yet.
 */
import fc from 'fast-check';
import { RE2JS, RE2JSException } from 're2js';
import { describe, expect, it, vi } from 'vitest';
import { textScript } from '../testing/scripted-provider.js';
import { Empty, Op, type Re2Inst, type Re2Program } from './linear-regex.js';
import { UntranslatableRegExp } from './regex-shape.js';
import { regexSource } from './regex-source.test-util.js';
import { translateRegExp } from './regex-translate.js';

/** Modules of a fresh graph: the engine is not loaded in it. */
async function freshModules() {
  vi.resetModules();
  const [{ createClient, stopOn, ConfigError }, engine, { scriptedProvider }] = await Promise.all([
    import('../index.js'),
    import('./linear-engine.js'),
    import('../testing/scripted-provider.js'),
  ]);
  expect(engine.regexEngineReady()).toBe(false);
  return { createClient, stopOn, ConfigError, scriptedProvider, engine };
}

const ask = (content: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });

describe('the first call of a process', () => {
  it('with only the shipped keyword rules, never loads the engine', async () => {
    const { createClient, scriptedProvider, engine } = await freshModules();
    const client = createClient({ provider: scriptedProvider(textScript(['Step by step: ', '2 + 2 = 4.'])) });
    const result = await client.generate({
      ...ask('Explain step by step, in detail, and in JSON format: what is 2 + 2?'),
      policy: { profile: 'balanced' },
    });
    expect(result.text).toBe('Step by step: 2 + 2 = 4.');
    expect(engine.regexEngineReady()).toBe(false);
  });

  it('stops on a regex defined before the engine loaded, where a loaded engine stops', async () => {
    const { createClient, stopOn, scriptedProvider, engine } = await freshModules();
    const policy = stopOn([/Final: \d+\n/], { includeMatch: true });
    const script = textScript(['Work: 3 + 4', '\nFinal: ', '7', '\nChecking again: 7.']);
    const result = await createClient({ provider: scriptedProvider(script) }).generate({
      ...ask('3 + 4?'),
      policy: { policies: [policy] },
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('Work: 3 + 4\nFinal: 7\n');
    expect(engine.regexEngineReady()).toBe(true);
  });

  it("loads it for a call whose prompt matches a shipped rule's prescribed ending, and ends there", async () => {
    const { createClient, scriptedProvider, engine } = await freshModules();
    const script = textScript([
      'B is right because it is blue, ',
      'so the answer is (B). ',
      'Also, A fails.',
    ]);
    const result = await createClient({ provider: scriptedProvider(script) }).generate({
      ...ask('Which is blue? (A) grass (B) sky. Finish with "the answer is (X)".'),
      policy: { profile: 'balanced' },
    });
    expect(result.text).toBe('B is right because it is blue, so the answer is (B).');
    expect(engine.regexEngineReady()).toBe(true);
  });

  it('fails with the ConfigError of a pattern only the engine refuses, before any request', async () => {
    const { createClient, stopOn, ConfigError, scriptedProvider, engine } = await freshModules();
    // JS knows \p{Letter}; the engine only knows \p{L}. Nothing without the engine can tell.
    const policy = stopOn([/\p{Letter}+:/u]);
    const provider = scriptedProvider(textScript(['Answer: 1']));
    // In a chain of several, each guarded by its combinator: the ConfigError still ends the call.
    const policies = [stopOn(['never']), policy];
    const result = await createClient({ provider }).generate({ ...ask('1?'), policy: { policies } });
    expect(result.outcome).toBe('error');
    expect(result.error).toBeInstanceOf(ConfigError);
    expect(result.error?.message).toMatch(/stopOn\[0\].*\\p\{L\} for \\p\{Letter\}/);
    expect(provider.requests).toHaveLength(0);
    // Once the engine is loaded, the same pattern is refused where it is defined.
    expect(engine.regexEngineReady()).toBe(true);
    expect(() => stopOn([/\p{Letter}+;/u])).toThrow(/stopOn\[0\].*linear-time regex engine/);
  });

  it('tells code that runs a regex policy itself, too early, what to await', async () => {
    const { stopOn, engine } = await freshModules();
    const policy = stopOn([/x+y/]);
    expect(() => policy.start?.({} as never)).toThrow(/await loadRegexEngine\(\)/);
    await engine.loadRegexEngine();
    policy.start?.({} as never);
    expect(policy.step({ phase: 'answer', delta: 'axxy!', deltaOffset: 0 } as never)).toMatchObject({
      cutAt: 1,
    });
  });
});

// The checks made without the engine, against the engine's own verdict on the same pattern:
// the repeat counts it takes, whether it can match the empty string, `$` for the end of text.
const atom = fc.constantFrom(
  'a',
  'b',
  ' ',
  '1',
  '\\.',
  '[ab]',
  '[^a]',
  '\\w',
  '\\s',
  '\\d',
  '.',
  '\\b',
  '^',
  '$',
);
const count = fc.constantFrom(0, 1, 2, 3, 20, 31, 32, 33, 50, 999, 1000, 1001, 1500);
const quantifier = fc.oneof(
  fc.constantFrom('*', '+', '?'),
  count.map((n) => `{${n}}`),
  count.map((n) => `{${n},}`),
  fc.tuple(count, count).map(([x, y]) => `{${Math.min(x, y)},${Math.max(x, y)}}`),
);
const pattern = regexSource({ atom, quantifier, repeatedAtoms: fc.constantFrom('a', '[ab]', '\\d') });

/** Epsilon successors: where `inst` leads without reading a character. */
function epsilonNext(inst: Re2Inst): number[] {
  if (inst.op === Op.alt || inst.op === Op.altMatch) return [inst.out, inst.arg];
  if (inst.op === Op.capture || inst.op === Op.nop || inst.op === Op.emptyWidth) return [inst.out];
  return [];
}

/** The engine's answer: its program reaches a match without reading a character. */
function programMatchesEmpty(program: Re2Program): boolean {
  const seen = new Set<number>();
  const stack = [program.start];
  while (stack.length > 0) {
    const pc = stack.pop() as number;
    if (seen.has(pc)) continue;
    seen.add(pc);
    const inst = program.inst[pc] as Re2Inst;
    if (inst.op === Op.match) return true;
    stack.push(...epsilonNext(inst));
  }
  return false;
}

const programOf = (re2: RE2JS) => (re2.re2() as unknown as { prog: Re2Program }).prog;

describe('checks made without the engine', () => {
  it('refuse and accept what the engine refuses and accepts, on random patterns', () => {
    fc.assert(
      fc.property(pattern, fc.boolean(), (source, multiline) => {
        const regex = new RegExp(source, multiline ? 'm' : '');
        let translated: ReturnType<typeof translateRegExp> | undefined;
        let refusal = '';
        try {
          translated = translateRegExp(regex);
        } catch (error) {
          if (!(error instanceof UntranslatableRegExp)) throw error;
          refusal = error.message;
        }
        // A repeated part that can match the empty string is refused before its count is read.
        fc.pre(!refusal.includes('repeated part'));
        // `$` in a part repeated zero times (`(?:x$){0}`) is refused without the engine, which
        // drops that part: stricter, on a pattern no one means.
        fc.pre(!(source.includes('$') && /\{0(,0)?\}/.test(source)));
        // The engine reads this subset of JS syntax alike, so it can judge the source as written.
        let engineCounts = true;
        try {
          RE2JS.compile(`${multiline ? '(?m)' : ''}${source}`);
        } catch (error) {
          if (!(error instanceof RE2JSException)) throw error;
          expect(error.message).toMatch(/repeat count|expression too large/);
          engineCounts = false;
        }
        expect(translated !== undefined, `${regex}: ${refusal}`).toBe(engineCounts);
        if (translated === undefined) return;
        const program = programOf(RE2JS.compile(translated.source));
        expect(translated.matchesEmpty, String(regex)).toBe(programMatchesEmpty(program));
        const endOfText = program.inst.some(
          (inst) => inst.op === Op.emptyWidth && (inst.arg & Empty.endText) !== 0,
        );
        expect(translated.endOfText, String(regex)).toBe(endOfText);
      }),
      { numRuns: 3000 },
    );
  });
});
