import { describe, expect, it } from 'vitest';
import { keywordContext } from '../adaptive/keyword-context.js';
import { ConfigError } from '../errors.js';
import { defineProfile } from '../profiles/define-profile.js';
import { compileLinearRegex, firstMatch } from './linear-regex.js';
import { chunks, type Delta, feed } from './policy-harness.test-util.js';
import { stopOn } from './stop-on.js';

const answer = (pieces: string[]): Delta[] => pieces.map((delta) => ({ phase: 'answer', delta }));
const refusal = (make: () => unknown): string => {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('was not refused');
};

describe('compileLinearRegex refuses, with a reason and a rewrite', () => {
  it.each([
    [/\b/, /empty string.*\/x\+\//],
    [/x*/, /empty string/],
    [/(?:)/, /empty string/],
    [/a|/, /empty string/],
    [/\bword\b|\B/, /empty string/],
    [/^/m, /empty string/],
    [/(?=a)b/, /lookahead.*instead/],
    [/a(?!b)/, /lookahead/],
    [/(?<=a)b/, /lookbehind/],
    [/(?<!a)b/, /lookbehind/],
    [/(a)\1/, /backreference \(\\1\).*spell/],
    [/(?<q>a)\k<q>/, /named backreference/],
    [/a/y, /sticky flag/],
    // biome-ignore lint/complexity/useRegexLiterals: a v-flag literal needs an es2024 target
    [new RegExp('[\\p{L}--[a-z]]', 'v'), /set operations/],
    [/a{1001}/, /linear-time regex engine/],
    // Counts multiply along the nesting even around nothing (a case fast-check found).
    [/(?:(?:a{0}){50}){32}/, /nested repeat counts that multiply past 1000/],
    [/(?:(?:){50}){32}/, /nested repeat counts that multiply past 1000/],
    [/[^\S\n]x/, /\\S inside a character class/],
    [/a(?:a*|b)*/, /repeated part that can match the empty string.*\(\?:a\|b\)\*/],
    [/(a?)+b/, /repeated part/],
    [/x(?:a|.*?){1,2}/, /repeated part/],
    [/x(?:\b)?/, /repeated part/],
  ])('%s', (regex, reason) => {
    expect(refusal(() => compileLinearRegex('field', regex))).toMatch(reason);
  });

  it('stopOn refuses $ without the m flag (the end of the output never arrives), accepts it with m', () => {
    expect(refusal(() => stopOn([/done$/]))).toMatch(/\$ without the m flag.*\\n/);
    expect(feed(stopOn([/done$/m]), answer(['all done', '\nmore'])).decision?.cutAt).toBe(4);
  });

  it('names the entry in the error', () => {
    expect(refusal(() => stopOn(['ok', /\b/]))).toMatch(/stopOn\[1\]/);
  });
});

describe('translation keeps JS meaning', () => {
  const find = (regex: RegExp, text: string) => firstMatch(compileLinearRegex('t', regex), text);

  it('\\s covers the Unicode spaces JS counts, . excludes \\r and \\u2028 unless s', () => {
    expect(find(/a\sb/, 'a\u00a0b')).toBe('a\u00a0b');
    expect(find(/a\sb/, 'a\ufeffb')).toBe('a\ufeffb');
    expect(find(/a\Sb/, 'a\u3000b')).toBeUndefined();
    expect(find(/a.b/, 'a\rb')).toBeUndefined();
    expect(find(/a.b/, 'a\u2028b')).toBeUndefined();
    expect(find(/a.b/s, 'a\nb')).toBe('a\nb');
    // biome-ignore lint/correctness/noEmptyCharacterClassInRegex: [^] (any character) is what is tested
    expect(find(/a[^]b/, 'a\nb')).toBe('a\nb');
  });

  it('escapes, flags, named groups and Unicode properties', () => {
    expect(find(/\u0041\x42\cJ/, 'AB\n')).toBe('AB\n');
    expect(find(/\u{1F642}/u, 'x🙂')).toBe('🙂');
    expect(find(/\uD83D\uDE42/, 'x🙂')).toBe('🙂');
    expect(find(/(?<word>hello) world/i, 'HELLO World')).toBe('HELLO World');
    expect(find(/\p{L}+/u, '12 héllo')).toBe('héllo');
    expect(find(/\p{Script=Greek}+/u, 'a αβγ')).toBe('αβγ');
    expect(find(/[[:a]+/, ':a[')).toBe(':a[');
    expect(find(/a\/b/, 'a/b')).toBe('a/b');
  });

  it('reports UTF-16 offsets around astral characters, and never cuts a surrogate pair', () => {
    const text = 'ok 🙂🙂 done. more';
    for (const size of [1, 2, 3, text.length]) {
      const fed = feed(stopOn([/🙂+ done\./u], { includeMatch: true }), answer(chunks(text, size)));
      expect(fed.decision?.cutAt).toBe('ok 🙂🙂 done.'.length);
    }
    const dotted = feed(stopOn([/x.y/u]), answer(['x\ud83d', '\ude42y!']));
    expect(dotted.decision?.cutAt).toBe(0);
  });
});

describe('patterns are checked where they are defined', () => {
  it('a keyword rule with a bad endAfter throws when keywordContext is made, before any call', () => {
    const make = () => keywordContext({ rules: [{ id: 'x', match: 'finish with', endAfter: [/(?<=a)b/] }] });
    expect(refusal(make)).toMatch(/rules\[0\]\.endAfter\[0\].*lookbehind/);
  });

  it('a keyword rule with an empty-matching endAfter or match is refused too', () => {
    expect(refusal(() => keywordContext({ rules: [{ id: 'x', match: 'y', endAfter: [/\b/] }] }))).toMatch(
      /endAfter\[0\].*empty string/,
    );
    expect(refusal(() => keywordContext({ rules: [{ id: 'x', match: /z*/, scale: 2 }] }))).toMatch(
      /match\[0\].*empty string/,
    );
  });

  it('a profile with a bad keyword rule or stop pattern throws when it is defined', () => {
    expect(
      refusal(() =>
        defineProfile('bad-end', { keywords: { rules: [{ id: 'x', match: 'y', endAfter: [/(a)\1/] }] } }),
      ),
    ).toMatch(/profiles\.bad-end.*backreference/);
    expect(refusal(() => defineProfile('bad-stop', { stopOn: [/x(?=y)/] }))).toMatch(
      /profiles\.bad-stop\.stopOn\[0\].*lookahead/,
    );
  });
});
