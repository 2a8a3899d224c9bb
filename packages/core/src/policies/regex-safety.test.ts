import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { regexHazard } from './regex-safety.js';
import { stopOn } from './stop-on.js';

describe('regexHazard', () => {
  it.each([
    [/(a+)+/, /nested quantifier \(a\+ inside/],
    [/(a*)*/, /nested quantifier/],
    [/(x+x+)+y/, /nested quantifier/],
    [/(a{1,3})+/, /nested quantifier/],
    [/(.*a){20}/, /nested quantifier/],
    [/(a?){25}a{25}/, /nested quantifier/],
    [/^(\s*)+$/, /nested quantifier/],
    [/((ab)*c)*/, /nested quantifier/],
    [/(a|a)*/, /alternatives that can match the same text inside a repeated group \(a\|a\)/],
    [/(a|ab)*/, /alternatives/],
    [/(\w|\d)+/, /alternatives/],
    [/(?:[a-c]|[c-f])+/, /alternatives/],
    [/(?:A|a)+/i, /alternatives/],
    [/(?:\p{L}|\d)+/u, /alternatives/],
    [/(?:a|b|)*/, /alternatives/],
    [/(\w+)\s\1/, /backreference \(\\1\)/],
    [/(?<word>\w)\k<word>/, /backreference \(\\k<word>\)/],
  ])('refuses %s', (regex, problem) => {
    expect(regexHazard(regex)).toMatch(problem);
  });

  it.each([
    /Final answer: .+\n/,
    /\n\n/,
    /answer is \(?[A-J]\)?/,
    /(?:foo|bar)+/,
    /[a-z]+@[a-z]+\.com/,
    /(?:[a-c]|[d-f])+/,
    /(?:A|b)+/i,
    /(?:ab|cd){2,}/,
    /(ab{2})+/,
    /\d*\d*x/,
    /\\boxed\{[^{}]*\}/,
    /(?<=answer: )\d+/,
    /[\u{1F600}-\u{1F64F}]+/u,
    /\[(?:[^\]\\]|\\.)*\]/,
  ])('accepts %s', (regex) => {
    expect(regexHazard(regex)).toBeUndefined();
  });

  it('does not hang on a pattern it refuses (the check is structural, not a trial run)', () => {
    const started = Date.now();
    expect(regexHazard(/^(a+)+$/)).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('stopOn regex safety', () => {
  it('refuses a catastrophic regex with a ConfigError naming the pattern index', () => {
    const error = (() => {
      try {
        stopOn(['\n\n', /(a+)+b/]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe('stopOn[1]');
    expect((error as Error).message).toMatch(/nested quantifier/);
  });

  it('refuses backreferences', () => {
    expect(() => stopOn([/(\w+) \1/])).toThrow(/stopOn\[0\].*backreference/);
  });

  it('accepts the patterns of the design example', () => {
    expect(() => stopOn(['\n\n', /Final answer: .+\n/])).not.toThrow();
  });
});
