import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadRegexEngine } from '../policies/linear-engine.js';
import { keywordContext, keywordText } from './keyword-context.js';
import {
  compileKeywordRules,
  defaultKeywordRules,
  matchKeywords,
  mergeKeywordRules,
} from './keyword-rules.js';

const defaults = compileKeywordRules('rules', defaultKeywordRules);

// Some tests run a rule with a user's RegExp themselves, outside a client.
beforeAll(loadRegexEngine);
const ids = (text: string) => matchKeywords(text, defaults).map((match) => match.rule);

const call = (
  content: string,
  extra: Array<{ role: 'user' | 'system' | 'assistant'; content: string }> = [],
) => {
  const messages = [...extra, { role: 'user' as const, content }];
  return {
    model: 'gpt-4o-mini',
    messages,
    prompt: messages
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join('\n\n'),
    user: undefined,
    profile: undefined,
    maxOutputTokens: undefined,
    metadata: {},
    report: () => {},
  };
};

describe('keyword rules', () => {
  it('match case-insensitively, whole words and phrases only', () => {
    expect(ids('Please EXPLAIN this.')).toEqual(['explain']);
    expect(ids('It was explained before; an explainer.')).toEqual([]);
    expect(ids('Solve it Step  By\nStep')).toEqual(['step-by-step']);
    expect(ids('tl;dr please')).toEqual(['tldr']);
    expect(ids('Answer yes or no: is it raining?')).toEqual(['yes-or-no']);
    expect(ids('someone word')).toEqual([]);
    expect(ids('Write the code, only the code.')).toEqual(['write-code', 'code-only']);
  });

  it('shipped defaults raise for reasoning and detail, lower for short answers', () => {
    const scale = (text: string) => matchKeywords(text, defaults).reduce((p, m) => p * (m.scale ?? 1), 1);
    for (const text of ['step by step', 'explain', 'in detail', 'list all', 'write the code']) {
      expect(scale(text), text).toBeGreaterThan(1);
    }
    for (const text of ['yes or no', 'one word', 'briefly', 'TL;DR', 'only the answer']) {
      expect(scale(text), text).toBeLessThan(1);
    }
  });

  it('are overridden by id, removed with off, extended with new ids', () => {
    const rules = mergeKeywordRules(defaultKeywordRules, [
      { id: 'explain', match: 'explain', scale: 3 },
      { id: 'briefly', off: true },
      { id: 'haiku', match: ['haiku'], scale: 0.2, reason: 'a haiku is short' },
    ]);
    const compiled = compileKeywordRules('rules', rules);
    const matches = matchKeywords('Explain briefly, as a haiku.', compiled);
    expect(matches.map((m) => [m.rule, m.scale])).toEqual([
      ['explain', 3],
      ['haiku', 0.2],
    ]);
    expect(matches[1]?.reason).toBe('a haiku is short');
  });

  it('bad rules are ConfigErrors naming the field', () => {
    const bad = (rule: object) => {
      try {
        compileKeywordRules('keywords.rules', [rule as never]);
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : 'not a ConfigError';
      }
      return 'no error';
    };
    expect(bad({ id: 'x', match: 'y', scale: 0 })).toBe('keywords.rules[0].scale');
    expect(bad({ id: 'x', match: [], scale: 2 })).toBe('keywords.rules[0].match');
    expect(bad({ id: 'x', match: 'y' })).toBe('keywords.rules[0]');
    expect(bad({ id: 'x', match: 'y', scale: 2, colour: 'red' })).toBe('keywords.rules[0].colour');
    expect(bad({ match: 'y', scale: 2 })).toBe('keywords.rules[0].id');
  });
});

describe('keywordContext', () => {
  it('returns one budget change per matching rule with a scale, and never stops', () => {
    const policy = keywordContext();
    const changes = policy.start?.(call('Explain briefly why the sky is blue.'));
    expect(changes).toEqual([
      { scale: 1.5, reason: 'prompt says "Explain"' },
      { scale: 0.5, reason: 'prompt says "briefly"' },
    ]);
    expect(policy.matches.map((m) => m.rule)).toEqual(['explain', 'briefly']);
    expect(policy.step({} as never)).toBeUndefined();
  });

  it('reads the system messages and the last user turn by default, every user turn with scope all', () => {
    const earlier = [
      { role: 'system' as const, content: 'Be concise.' },
      { role: 'user' as const, content: 'Explain monads in detail.' },
      { role: 'assistant' as const, content: '...' },
    ];
    const context = call('Thanks. And functors?', earlier);
    expect(keywordText(context)).toBe('Be concise.\n\nThanks. And functors?');
    expect(keywordContext().start?.(context)).toEqual([{ scale: 0.5, reason: 'prompt says "Be concise"' }]);
    expect(keywordContext({ scope: 'all' }).start?.(context)).toHaveLength(3);
  });

  it('reads a call once per scope, and again when its messages change', () => {
    const messages = [{ role: 'user' as const, content: 'Explain briefly.' }];
    const context = { messages, prompt: 'Explain briefly.' };
    const first = keywordText(context);
    expect(keywordText(context)).toBe(first);
    expect(keywordText(context, 'all')).toBe('Explain briefly.');
    // A context whose messages grew (a caller reusing one object) is read anew.
    messages.push({ role: 'user' as const, content: 'Now in detail.' });
    expect(keywordText(context)).toBe('Now in detail.');
  });

  it('can drop the defaults and validates its options', () => {
    const policy = keywordContext({ defaults: false, rules: [{ id: 'r', match: /urgent/i, scale: 0.5 }] });
    expect(policy.start?.(call('Explain. URGENT'))).toEqual([{ scale: 0.5, reason: 'prompt says "URGENT"' }]);
    expect(() => keywordContext({ scope: 'some' as never })).toThrow(/keywordContext\.scope/);
  });
});
