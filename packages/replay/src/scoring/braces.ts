/**
 * The index of the `}` that closes the `{` at `open` (raw brace counting, as scorers.py does),
 * or -1 when it never closes.
 */
export function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let k = open; k < text.length; k += 1) {
    const char = text[k];
    if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return k;
    }
  }
  return -1;
}
