import { describe, expect, it } from 'vitest';
import { createMemoryLengthHistory } from './adaptive/length-history.js';
import { createClient } from './client.js';
import { ConfigError } from './errors.js';
import type { StopPolicy } from './policy.js';
import { defineProfile } from './profiles/define-profile.js';
import { registerProfile } from './profiles/registry.js';
import type { UserProfiles } from './resolve-chain.js';
import { validateCallPolicy } from './resolve-chain.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const model = 'gpt-4o-mini';
const messages = [{ role: 'user' as const, content: 'What is 6 x 7?' }];
const provider = () => scriptedProvider(textScript(['42']));

function fieldOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    return ConfigError.isInstance(error) ? error.field : `not a ConfigError: ${String(error)}`;
  }
  return 'no error';
}

describe('resolution precedence: client default, then user preset, then the call', () => {
  const profiles: UserProfiles = {
    speedy: 'realtime',
    careful: { profile: 'accurate', repetition: { minRepeats: 5 } },
    tweaker: { adaptiveLength: { slack: 3 } },
  };
  const client = createClient({ provider: provider(), profile: 'balanced', profiles });

  it('the client default applies when neither user nor call names a profile', async () => {
    const explained = await client.explain({ model, messages, user: 'stranger' });
    expect(explained).toMatchObject({ profile: 'balanced', profileSource: 'client' });
  });

  it("the user's preset beats the client default", async () => {
    expect(await client.explain({ model, messages, user: 'speedy' })).toMatchObject({
      profile: 'realtime',
      profileSource: 'user',
    });
    const careful = await client.explain({ model, messages, user: 'careful' });
    expect(careful).toMatchObject({ profile: 'accurate', profileSource: 'user' });
    expect(careful.policies.find((p) => p.setting === 'repetition')?.parameters).toEqual({
      minRepeatChars: 400,
      minRepeats: 5,
      phase: 'answer',
    });
  });

  it('user overrides without a name merge over the client default', async () => {
    const explained = await client.explain({ model, messages, user: 'tweaker' });
    expect(explained.profile).toBe('balanced');
    expect(explained.policies.find((p) => p.setting === 'adaptiveLength')?.parameters).toMatchObject({
      slack: 3,
      quantile: 0.95,
    });
    expect(explained.layers.map((l) => [l.layer, l.applied])).toEqual([
      ['client', false],
      ['user', true],
    ]);
  });

  it("the call's overrides apply last, over the user's", async () => {
    const explained = await client.explain({
      model,
      messages,
      user: 'tweaker',
      policy: { overrides: { adaptiveLength: { slack: 4 }, repetition: false } },
    });
    expect(explained.policies.find((p) => p.setting === 'adaptiveLength')?.parameters).toMatchObject({
      slack: 4,
    });
    expect(explained.policies.some((p) => p.setting === 'repetition')).toBe(false);
  });

  it("a profile named by the call drops the user's preset, overrides included", async () => {
    const explained = await client.explain({
      model,
      messages,
      user: 'tweaker',
      policy: { profile: 'accurate' },
    });
    expect(explained).toMatchObject({ profile: 'accurate', profileSource: 'call' });
    expect(explained.policies.some((p) => p.setting === 'adaptiveLength')).toBe(false);
    expect(explained.layers.map((l) => l.layer)).toEqual(['client', 'call']);
  });

  it("call stop strings join the profile's; the call's token cap replaces the profile's", async () => {
    defineProfile('capped', { extends: 'accurate', stopOn: ['END'], cutAtTokens: 500 });
    const explained = await client.explain({
      model,
      messages,
      policy: { profile: 'capped', stopOn: ['\n\n'], cutAtTokens: 100 },
    });
    expect(explained.policies.map((p) => p.name)).toEqual([
      'keywordContext',
      'stopOn("END", "\\n\\n")',
      'repetition(400 chars x3)',
      'maxTokens(100)',
    ]);
  });

  it("the call's own policies come last, and are not started by explain", async () => {
    let started = 0;
    const mine: StopPolicy = { name: 'mine', start: () => void started++, step: () => undefined };
    const explained = await client.explain({ model, messages, policy: { policies: [mine] } });
    expect(explained.policies.at(-1)).toMatchObject({ name: 'mine', source: 'call' });
    expect(started).toBe(0);
  });

  it('with no profile anywhere, overrides build on all-off settings', async () => {
    const bare = createClient({ provider: provider() });
    expect((await bare.explain({ model, messages })).policies).toEqual([]);
    const explained = await bare.explain({ model, messages, policy: { overrides: { repetition: {} } } });
    expect(explained).toMatchObject({ profile: undefined, profileSource: 'none' });
    expect(explained.policies.map((p) => p.setting)).toEqual(['repetition']);
  });
});

describe('resolution errors', () => {
  it('unknown names in static config fail at createClient', () => {
    expect(fieldOf(() => createClient({ provider: provider(), profile: 'balancd' }))).toBe('profile');
    expect(fieldOf(() => createClient({ provider: provider(), profiles: { u1: 'fast' } }))).toBe(
      'profiles["u1"]',
    );
    expect(fieldOf(() => createClient({ provider: provider(), profiles: { u1: { profile: 'fast' } } }))).toBe(
      'profiles["u1"].profile',
    );
    expect(
      fieldOf(() =>
        createClient({ provider: provider(), profiles: { u1: { repetition: { minRepeats: 0 } } } }),
      ),
    ).toBe('profiles["u1"].repetition.minRepeats');
    expect(fieldOf(() => createClient({ provider: provider(), profiles: { u1: 42 as never } }))).toBe(
      'profiles["u1"]',
    );
  });

  it("an async resolver's unknown answer ends the call with outcome error and a ConfigError", async () => {
    const client = createClient({
      provider: provider(),
      profiles: async (user) => (user === 'ghost' ? 'no-such-profile' : 'balanced'),
    });
    const ok = await client.generate({ model, messages, user: 'alice' });
    expect(ok).toMatchObject({ outcome: 'finish', profile: 'balanced' });
    const result = await client.generate({ model, messages, user: 'ghost' });
    expect(result.outcome).toBe('error');
    expect(ConfigError.isInstance(result.error)).toBe(true);
    expect((result.error as ConfigError).field).toBe('profiles(user)');
    await expect(client.explain({ model, messages, user: 'ghost' })).rejects.toThrow(/no-such-profile/);
  });

  it('an async resolver may answer with overrides', async () => {
    const client = createClient({
      provider: provider(),
      profile: 'balanced',
      profiles: async () => ({ profile: 'realtime', answerConvergence: false }),
    });
    const explained = await client.explain({ model, messages, user: 'bob' });
    expect(explained).toMatchObject({ profile: 'realtime', profileSource: 'user' });
    expect(explained.policies.some((p) => p.setting === 'answerConvergence')).toBe(false);
  });

  it('bad call overrides are ConfigErrors naming the field', async () => {
    expect(fieldOf(() => validateCallPolicy({ overrides: { adaptiveLength: { slack: 0 } } }))).toBe(
      'policy.overrides.adaptiveLength.slack',
    );
    expect(fieldOf(() => validateCallPolicy({ overrides: { colour: 1 } as never }))).toBe(
      'policy.overrides.colour',
    );
    // Thrown by stream()/generate() before any request, like every other bad call option.
    const client = createClient({ provider: provider(), profile: 'balanced' });
    expect(
      fieldOf(() =>
        client.stream({ model, messages, policy: { overrides: { repetition: { minRepeats: 1 } } } }),
      ),
    ).toBe('policy.overrides.repetition.minRepeats');
  });

  it('a profile registered with only a build function runs as it is but takes no overrides', async () => {
    registerProfile({ name: 'by-hand', description: 'hand-made', build: () => [] });
    const client = createClient({ provider: provider(), profile: 'by-hand' });
    expect((await client.generate({ model, messages, policy: { stopOn: ['4'] } })).text).toBe('');
    const result = await client.generate({ model, messages, policy: { overrides: { repetition: {} } } });
    expect((result.error as ConfigError).field).toBe('profile');
  });
});

describe('profiles in real runs', () => {
  it('balanced ends a prescribed-choice answer right after "the answer is (X)."', async () => {
    const deltas = [
      'Option C fits.',
      ' The answer is',
      ' (C',
      ').',
      '\n\nThe answer is (C).',
      ' Extra text.',
    ];
    const client = createClient({ provider: scriptedProvider(textScript(deltas)), profile: 'balanced' });
    const result = await client.generate({
      model,
      messages: [
        {
          role: 'user',
          content: 'Pick one. Finish your answer with "the answer is (X)".\n(A) 1\n(B) 2\n(C) 3',
        },
      ],
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe('Option C fits. The answer is (C).');
  });

  it('the prescribed ending needs the prescribed form: "answer is 20 bits" or "answer is:\n\nE." do not end it', async () => {
    const deltas = [
      'The answer is 20 bits. However, no option says 20.',
      '\nThe correct answer is:\n\nE.',
      ' Thus',
      ', the answer is (E).',
      '\n\nThe answer is (E).',
    ];
    const client = createClient({ provider: scriptedProvider(textScript(deltas)), profile: 'accurate' });
    const result = await client.generate({
      model,
      messages: [
        { role: 'user', content: 'Finish your answer with "the answer is (X)" where X is the letter.' },
      ],
    });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toBe(deltas.slice(0, 4).join(''));
  });

  it('in a problem in parts, the boxed answer to one part does not end the output', async () => {
    const deltas = [
      '**Subproblem 0:** e^{a+bi} = 2(cos b + i sin b).',
      '\n\nSo the answer for subproblem 0 is \\boxed{1+\\sqrt{3} i}.',
      `\n\n**Subproblem 2:** ${'Cubing the number above gives the result. '.repeat(8)}`,
      '\n\nThe answer is \\boxed{-8}.',
      `\n\n${'A closing remark after the answer. '.repeat(10)}`,
    ];
    const ask = (content: string) =>
      createClient({ provider: scriptedProvider(textScript(deltas)), profile: 'accurate' }).generate({
        model,
        messages: [{ role: 'user', content }],
      });
    const boxed = 'Put your final answer within \\boxed{}.';
    // One question: the first closed box is its answer.
    const single = await ask(`Rewrite e^{a+bi} in the form x + yi. ${boxed}`);
    expect(single.outcome).toBe('policy-stop');
    expect(single.text).toBe(deltas.slice(0, 2).join(''));
    // Parts: the earlier part's box, answered again on the way, does not end it.
    const parts = await ask(
      `Subproblem 0: rewrite e^{a+bi} as x + yi.\n\nSolution: 1+\\sqrt{3} i.\n\nSubproblem 2: rewrite e^{3(a+bi)}. ${boxed}`,
    );
    expect(parts.outcome).toBe('finish');
    expect(parts.text).toBe(deltas.join(''));
    const explained = await createClient({ provider: provider(), profile: 'accurate' }).explain({
      model,
      messages: [{ role: 'user', content: 'Part (b): and what of x? Answer within \\boxed{}.' }],
    });
    expect(explained.keywordMatches.map((match) => match.rule)).toContain('several-parts');
  });

  it('adaptive length in a profile learns across calls through its store', async () => {
    const store = createMemoryLengthHistory();
    defineProfile('learner', {
      adaptiveLength: { store, minSamples: 2, confidence: 0, quantile: 0.5, slack: 1, minBudget: 1 },
    });
    const words = (n: number) => Array.from({ length: n }, (_, i) => (i % 5 === 4 ? ' cat.' : ' cat'));
    for (let i = 0; i < 2; i++) {
      const client = createClient({ provider: scriptedProvider(textScript(words(20))), profile: 'learner' });
      expect((await client.generate({ model, messages })).outcome).toBe('finish');
    }
    const client = createClient({ provider: scriptedProvider(textScript(words(200))), profile: 'learner' });
    const result = await client.generate({ model, messages });
    expect(result.outcome).toBe('policy-stop');
    expect(result.text.split('cat').length - 1).toBe(20);
  });
});
