import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { testCall } from '../policies/policy-harness.test-util.js';
import type { CallContext } from '../policy.js';
import { planFor } from './chain-plan.js';
import { balancedSettings } from './presets.js';
import { findProfile } from './registry.js';
import { emptySettings, freezeSettings, type ProfileSettings } from './settings.js';

function call(content: string, metadata: Record<string, unknown> = {}): CallContext {
  return testCall({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], prompt: content, metadata });
}

const summary = (content: string, settings: ProfileSettings, metadata?: Record<string, unknown>) =>
  planFor(settings)
    .build(call(content, metadata))
    .map((entry) => [entry.policy.name, entry.parameters]);

describe('chain plans', () => {
  it('are made once per settings object that can no longer change, and make fresh policies', () => {
    const settings = findProfile('balanced')?.settings as ProfileSettings;
    expect(planFor(settings)).toBe(planFor(settings));
    const [first, second] = [planFor(settings).build(call('a')), planFor(settings).build(call('a'))];
    first.forEach((entry, index) => {
      expect(entry.policy).not.toBe(second[index]?.policy);
      expect(entry.parameters).toBe(second[index]?.parameters);
    });
  });

  it('tell the chain which phases each policy reads', () => {
    const settings = findProfile('balanced')?.settings as ProfileSettings;
    const steps = planFor(settings)
      .build(call('a'))
      .map((entry) => [entry.setting, entry.steps]);
    // Bits: 1 answer, 2 reasoning; keyword context acts in `start` only.
    expect(steps).toEqual([
      ['keywords', 0],
      ['answerComplete', 1],
      ['answerConvergence', 2],
      ['repetition', 3],
      ['adaptiveLength', 3],
    ]);
  });

  it('are made per call for settings that may still change, and see the change', () => {
    const settings = { ...emptySettings, repetition: { minRepeatChars: 300 } } as ProfileSettings;
    expect(planFor(settings)).not.toBe(planFor(settings));
    expect(summary('a', settings).map(([name]) => name)).toEqual(['repetition(300 chars x2)']);
    (settings.repetition as { minRepeatChars: number }).minRepeatChars = 500;
    expect(summary('a', settings).map(([name]) => name)).toEqual(['repetition(500 chars x2)']);
  });

  it('give each call the markers its prompt and metadata switch on, whatever came before', () => {
    const settings = freezeSettings(balancedSettings);
    const markers = (content: string, metadata?: Record<string, unknown>) =>
      summary(content, settings, metadata)
        .map(([name]) => name)
        .filter((name) => String(name).startsWith('answerComplete'));
    expect(markers('What is 2 + 2?')).toEqual(['answerComplete(answer-is, final-answer)']);
    expect(markers('Return it as a JSON object.')).toEqual(['answerComplete(answer-is, final-answer, json)']);
    expect(markers('Sort a list.', { format: 'code' })).toEqual([
      'answerComplete(answer-is, final-answer, code-fence)',
    ]);
    expect(markers('What is 2 + 2?')).toEqual(['answerComplete(answer-is, final-answer)']);
  });

  it('throw for bad settings on every call, as building the policies did, and keep nothing', () => {
    const raw = Object.freeze({ ...emptySettings, repetition: Object.freeze({ minRepeats: 1 }) });
    for (let i = 0; i < 2; i += 1) {
      expect(() => planFor(raw).build(call('a'))).toThrow(ConfigError);
      expect(() => planFor(raw).build(call('a'))).toThrow(/repetition\.minRepeats/);
    }
  });
});
