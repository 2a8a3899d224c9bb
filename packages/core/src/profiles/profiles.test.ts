import { describe, expect, it } from 'vitest';
import { createMemoryLengthHistory } from '../adaptive/length-history.js';
import { ConfigError } from '../errors.js';
import { testCall } from '../policies/policy-harness.test-util.js';
import type { CallContext } from '../policy.js';
import { defineProfile, profileSettings } from './define-profile.js';
import { findProfile, profileNames, registerProfile } from './registry.js';
import { buildPolicies } from './sections.js';

function call(content: string, metadata: Record<string, unknown> = {}): CallContext {
  return testCall({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], prompt: content, metadata });
}

const settingsOf = (name: string, content: string, metadata?: Record<string, unknown>) =>
  buildPolicies(profileSettings('test', name), call(content, metadata)).map(
    (built): [string, Readonly<Record<string, unknown>>] => [built.setting, built.parameters],
  );

function fieldOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    return ConfigError.isInstance(error) ? error.field : `not a ConfigError: ${String(error)}`;
  }
  return 'no error';
}

describe('shipped presets', () => {
  it('are registered with descriptions', () => {
    expect(profileNames()).toEqual(expect.arrayContaining(['realtime', 'balanced', 'accurate', 'off']));
    for (const name of ['realtime', 'balanced', 'accurate', 'off']) {
      expect(findProfile(name)?.description.length, name).toBeGreaterThan(20);
    }
  });

  it('off builds nothing; accurate has no length budget and no stop while thinking', () => {
    expect(findProfile('off')?.build(call('Hi'))).toEqual([]);
    const accurate = Object.fromEntries(settingsOf('accurate', 'What is 2 + 2?'));
    expect(Object.keys(accurate)).toEqual(['keywords', 'repetition']);
    expect(accurate.repetition).toEqual({ minRepeatChars: 400, minRepeats: 3, phase: 'answer' });
  });

  it('balanced and realtime add convergence and adaptive length; realtime is tighter', () => {
    const balanced = Object.fromEntries(settingsOf('balanced', 'What is 2 + 2?'));
    const realtime = Object.fromEntries(settingsOf('realtime', 'What is 2 + 2?'));
    for (const built of [balanced, realtime]) {
      expect(Object.keys(built)).toEqual([
        'keywords',
        'answerComplete',
        'answerConvergence',
        'repetition',
        'adaptiveLength',
      ]);
    }
    expect((realtime.answerConvergence as { confirmations: number }).confirmations).toBeLessThan(
      (balanced.answerConvergence as { confirmations: number }).confirmations,
    );
    const reasoningBudget = (built: Record<string, unknown>) =>
      (built.adaptiveLength as { reasoning: { slack: number } }).reasoning.slack;
    expect(reasoningBudget(realtime)).toBeLessThan(reasoningBudget(balanced));
  });

  it('build fresh policy objects for every call', () => {
    const profile = findProfile('balanced');
    const first = profile?.build(call('a')) ?? [];
    const second = profile?.build(call('a')) ?? [];
    expect(first.length).toBeGreaterThan(0);
    first.forEach((policy, index) => {
      expect(policy).not.toBe(second[index]);
    });
  });
});

describe('keyword switches in profiles', () => {
  it('a prompt that prescribes "the answer is (X)" ends the answer there, and nothing earlier does', () => {
    const built = settingsOf('balanced', 'Think step by step and finish with "the answer is (X)".');
    const endings = built.filter(
      ([setting, parameters]) => setting === 'answerComplete' && 'endAfter' in parameters,
    );
    expect(endings).toHaveLength(1);
    // answer-is and final-answer were switched off: no other answerComplete policy is left.
    expect(built.filter(([setting]) => setting === 'answerComplete')).toHaveLength(1);
  });

  it('JSON or code asked for (prompt or metadata.format) switches on that marker, even in accurate', () => {
    const json = Object.fromEntries(settingsOf('accurate', 'Return the user as a JSON object.'));
    expect(json.answerComplete).toMatchObject({ markers: ['json'] });
    const code = Object.fromEntries(settingsOf('accurate', 'Sort a list in Python.', { format: 'code' }));
    expect(code.answerComplete).toMatchObject({ markers: ['code-fence'] });
    const boxed = Object.fromEntries(settingsOf('accurate', 'Put your final answer within \\boxed{}.'));
    expect(boxed.answerComplete).toMatchObject({ markers: ['boxed'] });
  });
});

describe('defineProfile', () => {
  it('deep-merges overrides over the base it extends', () => {
    const medical = defineProfile('medical', {
      extends: 'accurate',
      description: 'Clinical answers: never cut for length.',
      stopOn: ['\n\nDisclaimer:'],
      repetition: { minRepeats: 4 },
    });
    expect(medical.description).toBe('Clinical answers: never cut for length.');
    expect(medical.settings.repetition).toEqual({ minRepeatChars: 400, minRepeats: 4, phase: 'answer' });
    expect(medical.settings.stopOn).toEqual(['\n\nDisclaimer:']);
    expect(medical.settings.adaptiveLength).toBe(false);
    expect(findProfile('medical')).toBe(medical);
    expect(medical.build(call('x')).map((p) => p.name)).toEqual([
      'keywordContext',
      'stopOn("\\n\\nDisclaimer:")',
      'repetition(400 chars x4)',
    ]);
  });

  it('false turns a policy off, true back on with the base options or the policy defaults', () => {
    const quiet = defineProfile('quiet', {
      extends: 'balanced',
      repetition: false,
      answerConvergence: false,
    });
    expect(quiet.settings.repetition).toBe(false);
    const back = defineProfile('back', { extends: 'quiet', repetition: true, adaptiveLength: true });
    expect(back.settings.repetition).toEqual({});
    expect(back.settings.adaptiveLength).toMatchObject({ quantile: 0.95, slack: 2 });
  });

  it('merges keyword rules by id across layers, and keeps a custom store as it is', () => {
    const store = createMemoryLengthHistory();
    defineProfile('kw-a', {
      extends: 'balanced',
      keywords: { rules: [{ id: 'haiku', match: 'haiku', scale: 0.3 }] },
    });
    const b = defineProfile('kw-b', {
      extends: 'kw-a',
      keywords: {
        rules: [
          { id: 'limerick', match: 'limerick', scale: 0.4 },
          { id: 'explain', off: true },
        ],
      },
      adaptiveLength: { store },
    });
    const rules = (b.settings.keywords as { rules: Array<{ id: string }> }).rules.map((rule) => rule.id);
    expect(rules).toEqual(['haiku', 'limerick', 'explain']);
    expect((b.settings.adaptiveLength as { store: unknown }).store).toBe(store);
    const keywords = b.build(call('Explain, as a haiku.'))[0];
    expect(keywords?.start?.(call('Explain, as a haiku.'))).toEqual([
      { scale: 0.3, reason: 'prompt says "haiku"' },
    ]);
  });

  it('without extends starts from every policy off', () => {
    const only = defineProfile('only-loops', { repetition: { minRepeatChars: 300 } });
    expect(only.build(call('x')).map((p) => p.name)).toEqual(['repetition(300 chars x2)']);
  });

  it('takes every answerComplete option its type allows, quietChars included', () => {
    const patient = defineProfile('patient-answers', {
      extends: 'balanced',
      answerComplete: { quietChars: 900 },
    });
    const built = buildPolicies(patient.settings, call('What is 2 + 2?'));
    const answer = built.find((entry) => entry.setting === 'answerComplete');
    expect(answer?.parameters).toMatchObject({ quietChars: 900, markers: ['answer-is', 'final-answer'] });
    expect(fieldOf(() => defineProfile('x0', { answerComplete: { quietChars: -1 } }))).toBe(
      'profiles.x0.answerComplete.quietChars',
    );
  });

  it('names the bad field in a ConfigError', () => {
    expect(fieldOf(() => defineProfile('x1', { extends: 'nope' }))).toBe('profiles.x1.extends');
    expect(fieldOf(() => defineProfile('x2', { repetiton: {} } as never))).toBe('profiles.x2.repetiton');
    expect(fieldOf(() => defineProfile('x3', { repetition: { minRepeat: 3 } } as never))).toBe(
      'profiles.x3.repetition.minRepeat',
    );
    expect(fieldOf(() => defineProfile('x4', { repetition: { minRepeats: 1 } }))).toBe(
      'profiles.x4.repetition.minRepeats',
    );
    expect(fieldOf(() => defineProfile('x5', { adaptiveLength: { quantile: 2 } }))).toBe(
      'profiles.x5.adaptiveLength.quantile',
    );
    expect(fieldOf(() => defineProfile('x6', { answerComplete: { markers: ['boxd'] } } as never))).toBe(
      'profiles.x6.answerComplete.markers[0]',
    );
    expect(
      fieldOf(() => defineProfile('x7', { keywords: { rules: [{ id: 'r', match: 'm', scale: -1 }] } })),
    ).toBe('profiles.x7.keywords.rules[0].scale');
    expect(fieldOf(() => defineProfile('x8', { cutAtTokens: 0 }))).toBe('profiles.x8.cutAtTokens');
    expect(fieldOf(() => defineProfile('x9', { stopOn: [''] }))).toBe('profiles.x9.stopOn[0]');
    expect(fieldOf(() => defineProfile('x10', { timeout: 5 } as never))).toBe('profiles.x10.timeout');
    expect(fieldOf(() => defineProfile('balanced', {}))).toBe('defineProfile(name)');
    expect(fieldOf(() => defineProfile('has space', {}))).toBe('defineProfile(name)');
  });

  it('cannot extend a profile registered with only a build function', () => {
    registerProfile({ name: 'handmade', description: 'by hand', build: () => [] });
    expect(fieldOf(() => defineProfile('on-handmade', { extends: 'handmade' }))).toBe(
      'profiles.on-handmade.extends',
    );
  });
});

describe('preset settings', () => {
  it('are frozen, so mutating what a profile exposes cannot change it', () => {
    const settings = profileSettings('test', 'balanced');
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.adaptiveLength)).toBe(true);
    expect(() => {
      (settings.adaptiveLength as { slack: number }).slack = 99;
    }).toThrow(TypeError);
  });
});
