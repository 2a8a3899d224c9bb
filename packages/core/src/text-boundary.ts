/**
 * Clean cut points in text. A cut never splits a UTF-16 surrogate pair, and "clean" cuts also
 * avoid splitting a word.
 */

/** True when `code` is the high (first) half of a surrogate pair. */
function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Moves `index` back by one when the kept text `text.slice(0, index)` would end in a high
 * surrogate, so it never ends in half a character. That covers a cut between the two halves of
 * a pair and also a cut at the very end of text whose last delta ended in a high surrogate (a
 * provider that split the pair across chunks): its low half would only come in the next delta,
 * which a stop discards. Clamps to `[0, text.length]`.
 */
export function safeCutIndex(text: string, index: number): number {
  const clamped = Math.max(0, Math.min(text.length, Math.floor(index)));
  if (clamped > 0 && isHighSurrogate(text.charCodeAt(clamped - 1))) return clamped - 1;
  return clamped;
}

/** Word characters in any script (letters, marks, numbers, connectors). */
const wordChar = /[\p{L}\p{M}\p{N}\p{Pc}]/u;

/**
 * True when cutting `text` at `index` does not split a word: one of the two characters around
 * the cut is not a word character. `text` may be just the tail of the full text as long as it
 * holds both neighbours.
 */
export function isWordBoundary(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return true;
  const before = text.codePointAt(index - 1 - (isLowSurrogateAt(text, index - 1) ? 1 : 0));
  const after = text.codePointAt(index);
  if (before === undefined || after === undefined) return true;
  return !(wordChar.test(String.fromCodePoint(before)) && wordChar.test(String.fromCodePoint(after)));
}

function isLowSurrogateAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff && index > 0 && isHighSurrogate(text.charCodeAt(index - 1));
}
