import { describe, expect, it } from 'vitest';
import {
  adaptiveLength,
  createClient,
  createMemoryLengthHistory,
  defineProfile,
  keywordContext,
} from '../index.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';

// The examples of docs/profiles.md, docs/keyword-context.md and docs/adaptive-length.md, run
// against a scripted provider instead of `openai({ apiKey })`.
describe('docs examples', () => {
  it('profiles.md: client default, user presets, call overrides, explain', async () => {
    defineProfile('medical', {
      extends: 'accurate',
      description: 'Clinical answers: never cut for length; stop at the disclaimer.',
      stopOn: ['\n\nDisclaimer:'],
    });
    const client = createClient({
      provider: scriptedProvider(textScript(['No:', ' 221 = 13 × 17.', '\n\nMore text'])),
      profile: 'balanced',
      profiles: {
        'user-42': 'realtime',
        'user-7': { profile: 'medical', repetition: { minRepeats: 4 } },
        'user-9': { adaptiveLength: { slack: 3 } },
      },
    });
    const run = client.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Is 221 prime? Yes or no.' }],
      user: 'user-9',
      policy: { overrides: { repetition: false }, stopOn: ['\n\n'] },
    });
    const result = await run.result;
    expect(result.text).toBe('No: 221 = 13 × 17.');
    expect(result.profile).toBe('balanced');

    const explained = await client.explain({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Explain step by step why the sky is blue.' }],
      user: 'user-9',
    });
    expect(explained).toMatchObject({ profile: 'balanced', profileSource: 'client', budgetScale: 2.25 });
    expect(explained.layers[1]).toMatchObject({ layer: 'user', applied: true });
    const medical = await client.explain({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      user: 'user-7',
    });
    expect(medical.policies.map((p) => p.name)).toEqual([
      'keywordContext',
      'stopOn("\\n\\nDisclaimer:")',
      'repetition(400 chars x4)',
    ]);
  });

  it('keyword-context.md: custom rules and a standalone keyword context', async () => {
    defineProfile('support', {
      extends: 'balanced',
      keywords: {
        rules: [
          { id: 'explain', match: 'explain', scale: 2 },
          { id: 'briefly', off: true },
          { id: 'haiku', match: ['haiku', 'in one line'], scale: 0.2, reason: 'short form asked for' },
          { id: 'sql', match: /\bSQL query\b/i, enableMarkers: ['code-fence'] },
        ],
      },
    });
    const client = createClient({ provider: scriptedProvider([]), profile: 'support' });
    const explained = await client.explain({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Explain briefly, in one line, the SQL query below.' }],
    });
    expect(explained.budgetChanges.map((c) => c.scale)).toEqual([2, 0.2]);
    expect(explained.policies.find((p) => p.setting === 'answerComplete')?.parameters).toMatchObject({
      markers: ['answer-is', 'final-answer', 'code-fence'],
    });
    expect(
      keywordContext({ defaults: false, rules: [{ id: 'urgent', match: 'urgent', scale: 0.5 }] }).rules,
    ).toHaveLength(1);
  });

  it('adaptive-length.md: a profile with its own store, and the policy on its own', async () => {
    defineProfile('support-len', {
      extends: 'balanced',
      adaptiveLength: { quantile: 0.9, slack: 1.5, store: createMemoryLengthHistory({ maxKeys: 500 }) },
    });
    const client = createClient({
      provider: scriptedProvider(textScript(['Fine.'])),
      profile: 'support-len',
    });
    const messages = [{ role: 'user' as const, content: 'How are you?' }];
    expect((await client.generate({ model: 'gpt-4o-mini', messages })).outcome).toBe('finish');
    const own = await client.generate({
      model: 'gpt-4o-mini',
      messages,
      policy: { policies: [adaptiveLength({ slack: 2 })] },
    });
    expect(own.outcome).toBe('finish');
  });
});
