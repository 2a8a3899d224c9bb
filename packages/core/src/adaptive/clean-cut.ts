/**
 * Where to cut once a length budget is reached, in a window of recent text. Two kinds of clean
 * boundary: the end of a sentence (`.`, `!`, `?` and their full-width forms, followed by white
 * space; a `.` after a digit is skipped, as it is more often a list number or a decimal) and the
 * end of a line. Returns the index to keep up to (`window.slice(0, index)`), or -1.
 * Only boundaries whose deciding character is at or after `from` count, so a boundary already
 * looked at is not found twice.
 */
export function sentenceOrLineEnd(window: string, from: number): number {
  for (let index = Math.max(0, from); index < window.length; index++) {
    const char = window[index] as string;
    if (char === '\n') return index;
    const next = window[index + 1];
    if (next === undefined || !/\s/.test(next)) continue;
    if ('!?。！？'.includes(char)) return index + 1;
    if (char === '.' && !/\d/.test(window[index - 1] ?? '')) return index + 1;
  }
  return -1;
}

/** The last cut in `window` that does not split a word (after the last white space), or -1. */
export function lastWordEnd(window: string): number {
  for (let index = window.length - 1; index > 0; index--) {
    if (/\s/.test(window[index] as string)) return index;
  }
  return -1;
}
