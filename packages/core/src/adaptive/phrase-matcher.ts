/**
 * Whole-word, case-insensitive phrase matching, on JS's own engine. A phrase's words are escaped
 * and joined by `\s+`, so the pattern is linear whatever the phrase (each run of white space is
 * followed by a word character it cannot match). The word edges are checked on the characters
 * around each candidate rather than written into the pattern: `[^\p{L}\p{N}_]` in a
 * case-insensitive Unicode RegExp made V8 compile each phrase for about 0.35 ms, twice (its
 * first match and its tier-up), some 30 ms for the shipped rules on a process's first prompts.
 */

/** A compiled phrase: its first whole-word occurrence in a text. */
export interface PhraseMatcher {
  /** The phrase as written in `text` at its first whole-word occurrence, or `undefined`. */
  find(text: string): string | undefined;
  /** Whether `text` holds the phrase as whole words. */
  test(text: string): boolean;
}

// A letter, a digit (any script) or `_`: what continues a word. One RegExp, built on first use.
let wordCharacter: RegExp | undefined;

function continuesWord(char: string): boolean {
  wordCharacter ??= /^[\p{L}\p{N}_]$/u;
  return wordCharacter.test(char);
}

/** The code point that ends just before `index` (a whole surrogate pair), or '' at the start. */
function characterBefore(text: string, index: number): string {
  if (index === 0) return '';
  const low = text.charCodeAt(index - 1);
  const pair = low >= 0xdc00 && low <= 0xdfff && index >= 2;
  return pair ? text.slice(index - 2, index) : text.charAt(index - 1);
}

/** The code point that starts at `index`, or '' at the end. */
function characterAt(text: string, index: number): string {
  const code = text.codePointAt(index);
  return code === undefined ? '' : String.fromCodePoint(code);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class Phrase implements PhraseMatcher {
  // Global, for `lastIndex`; the matcher keeps no other state between calls.
  private readonly pattern: RegExp;

  constructor(phrase: string) {
    const body = phrase.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
    this.pattern = new RegExp(body, 'giu');
  }

  find(text: string): string | undefined {
    const { pattern } = this;
    pattern.lastIndex = 0;
    for (let found = pattern.exec(text); found !== null; found = pattern.exec(text)) {
      const start = found.index;
      const end = start + found[0].length;
      if (!continuesWord(characterBefore(text, start)) && !continuesWord(characterAt(text, end))) {
        pattern.lastIndex = 0;
        return found[0];
      }
      // A later occurrence may start inside this one ("ab ab" in "xab ab ab").
      pattern.lastIndex = start + 1;
    }
    return undefined;
  }

  test(text: string): boolean {
    return this.find(text) !== undefined;
  }
}

const compiled = new Map<string, PhraseMatcher>();

/**
 * `phrase` as a matcher: case-insensitive (Unicode case folding), whole words (`explain` does not
 * match "explained"), any run of white space between its words. One matcher per phrase serves
 * every call (bounded: phrases can come from user input).
 */
export function phraseMatcher(phrase: string): PhraseMatcher {
  let matcher = compiled.get(phrase);
  if (matcher === undefined) {
    matcher = new Phrase(phrase);
    if (compiled.size >= 4096) compiled.clear();
    compiled.set(phrase, matcher);
  }
  return matcher;
}
