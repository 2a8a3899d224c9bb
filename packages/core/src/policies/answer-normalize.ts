/**
 * Normalising short math answers so that two statements of the same answer compare equal:
 * `\frac{3}{4}`, `3/4` and `\dfrac34`; `$-125$` and `-125.`; `1,000` and `1000`; `12.0` and `12`.
 */

const wrappers = /\\(?:text|textbf|mathrm|mathbf|operatorname)\{([^{}]*)\}/g;
// Non-ASCII characters in these regexes are written as escapes: esbuild keeps regex literals as
// they are, and one such character makes the whole bundle a UTF-16 string on the heap.
const noise =
  /\\left|\\right|\\!|\\,|\\;|\\:|\\ |\\displaystyle|\$|\\\(|\\\)|\\\[|\\\]|\^\{?\\circ\}?|\u00b0|\\%|%|\*\*/g;

/** `text` with one pair of outer braces or parentheses removed when they wrap all of it. */
function unwrap(text: string, open: string, close: string): string {
  if (!text.startsWith(open) || !text.endsWith(close)) return text;
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === open) depth += 1;
    else if (text[i] === close) depth -= 1;
    if (depth === 0 && i < text.length - 1) return text;
  }
  return text.slice(1, -1);
}

/** The comparable form of an answer: no spacing, markup or wrappers; fractions as `a/b`. */
export function normalizeAnswer(answer: string): string {
  let s = answer
    .replace(/\u03c0/g, '\\pi')
    .replace(/\u221a/g, '\\sqrt')
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/\u00d7/g, '\\times')
    .replace(wrappers, '$1')
    .replace(noise, '')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/\s+/g, '')
    .replace(/[.,;:]+$/, '');
  s = unwrap(s, '{', '}');
  s = s.replace(/\\frac(\d)(\d)/g, '\\frac{$1}{$2}');
  s = fractionsAsSlashes(s);
  s = s.replace(/^(?:[a-zA-Z]|\\theta)=(?!=)/, '');
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  if (/^-?\d+\.0+$/.test(s)) s = s.replace(/\.0+$/, '');
  if (/^-?\d+\.\d*[1-9]0+$/.test(s)) s = s.replace(/0+$/, '');
  return s;
}

/** The balanced `{...}` group starting at `open`, and the index after it. */
function group(s: string, open: number): { inner: string; end: number } | undefined {
  if (s[open] !== '{') return undefined;
  let depth = 0;
  for (let i = open; i < s.length; i += 1) {
    if (s[i] === '{') depth += 1;
    else if (s[i] === '}') {
      depth -= 1;
      if (depth === 0) return { inner: s.slice(open + 1, i), end: i + 1 };
    }
  }
  return undefined;
}

/** `\frac{a}{b}` as `a/b` (parenthesised when compound), nested braces allowed. */
function fractionsAsSlashes(s: string): string {
  let out = '';
  let from = 0;
  for (let at = s.indexOf('\\frac{', from); at >= 0; at = s.indexOf('\\frac{', from)) {
    const top = group(s, at + 5);
    const bottom = top && group(s, top.end);
    if (!top || !bottom) break;
    out += `${s.slice(from, at)}${wrapIfCompound(fractionsAsSlashes(top.inner))}/${wrapIfCompound(fractionsAsSlashes(bottom.inner))}`;
    from = bottom.end;
  }
  return out + s.slice(from);
}

function wrapIfCompound(part: string): string {
  return /^-?(?:[\w.]+|\\[a-z]+(?:\{[\w.]+\})?)$/i.test(part) ? part : `(${part})`;
}

// LaTeX commands a closed-form value may contain; any other letters make it an expression.
const valueCommands =
  /\\(?:frac|dfrac|tfrac|sqrt|pi|infty|cdot|times|circ|left|right|text\{[^{}]*\}|mathrm\{[^{}]*\}|,|!|;|\s)/g;

/**
 * True when `text` looks like a final value rather than an expression or prose: numbers,
 * fractions, roots, π, tuples and intervals of them, with units in `\text{}` at most. Variables
 * and words make it an intermediate result ("x + 2", "a multiple of 3"), which is not counted.
 */
export function isValueLike(text: string): boolean {
  const s = text.trim();
  if (s.length === 0 || s.length > 80) return false;
  const bare = s.replace(valueCommands, '').replace(/[\u03c0\u221a\u00b0\u2212\u2013\u00d7]/g, '');
  if (/[A-Za-z]/.test(bare)) return false;
  if (!/[\d]|\\pi|\u03c0|\\infty/.test(s)) return false;
  return /^[-+\d\s.,/^(){}[\]_*$\\=:;!]*$/.test(bare);
}
