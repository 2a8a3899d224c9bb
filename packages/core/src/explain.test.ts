import { describe, expect, it } from 'vitest';
import { createMemoryLengthHistory } from './adaptive/length-history.js';
import { createClient } from './client.js';
import { ConfigError } from './errors.js';
import { defineProfile } from './profiles/define-profile.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const model = 'gpt-4o-mini';

describe('client.explain', () => {
  it('shows the resolved chain without sending anything', async () => {
    const provider = scriptedProvider(textScript(['unused']));
    const client = createClient({ provider, profile: 'balanced' });
    const explained = await client.explain({
      model,
      messages: [{ role: 'user', content: 'Explain step by step why the sky is blue.' }],
    });
    expect(provider.requests).toHaveLength(0);
    expect(explained.profile).toBe('balanced');
    expect(explained.description).toMatch(/default/);
    expect(explained.policies.map((p) => p.setting)).toEqual([
      'keywords',
      'answerComplete',
      'answerConvergence',
      'repetition',
      'adaptiveLength',
    ]);
    expect(explained.policies.find((p) => p.setting === 'answerComplete')?.parameters).toEqual({
      markers: ['answer-is', 'final-answer'],
      graceChars: 200,
      phase: 'answer',
    });
    expect(explained.keywordMatches.map((m) => m.rule)).toEqual(['step-by-step', 'explain']);
    expect(explained.budgetChanges).toEqual([
      { scale: 1.5, reason: 'prompt says "step by step"' },
      { scale: 1.5, reason: 'prompt says "Explain"' },
    ]);
    expect(explained.budgetScale).toBeCloseTo(2.25);
    // No history yet: no length cut, and it says why.
    expect(explained.lengthBudget?.answer).toMatchObject({ tokens: undefined, basis: 'no history' });
  });

  it('shows the predicted budget once there is history, scaled by the keyword rules, and learns nothing', async () => {
    const store = createMemoryLengthHistory();
    defineProfile('explained', {
      keywords: {},
      adaptiveLength: { store, minSamples: 3, confidence: 0, quantile: 0.5, slack: 2 },
    });
    const key = `${model}|task=-|format=short|size=xs|answer`;
    for (const tokens of [100, 200, 300]) store.add(key, { tokens, censored: false });
    const client = createClient({ provider: scriptedProvider([]), profile: 'explained' });
    const explained = await client.explain({
      model,
      messages: [{ role: 'user', content: 'Name a colour, briefly.' }],
    });
    expect(explained.budgetScale).toBe(0.5);
    expect(explained.lengthBudget?.answer).toMatchObject({
      tokens: 200, // q0.5 = 200, × slack 2 × scale 0.5
      prediction: { level: 'fine', quantileTokens: 200, naturals: 3 },
    });
    expect(explained.lengthBudget?.answer.basis).toMatch(/200 tokens over 3 natural/);
    expect(store.get(key)).toHaveLength(3);
  });

  it('rejects invalid options with a ConfigError, like stream', async () => {
    const client = createClient({ provider: scriptedProvider([]), profile: 'balanced' });
    await expect(client.explain({ model: '', messages: [] })).rejects.toBeInstanceOf(ConfigError);
    await expect(
      client.explain({ model, messages: [{ role: 'user', content: 'x' }], policy: { profile: 'nope' } }),
    ).rejects.toThrow(/policy\.profile/);
  });
});
