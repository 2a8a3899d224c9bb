/**
 * Random regex sources for property tests: atoms joined, alternated, grouped and repeated, in
 * the JS syntax the RE2 translation covers.
 */
import fc from 'fast-check';

/** What a generated source is made of. */
export interface RegexSourceParts {
  /** Single items: characters, classes, escapes, assertions. */
  atom: fc.Arbitrary<string>;
  /** Quantifiers, put after a group (and after an atom of `repeatedAtoms`). */
  quantifier: fc.Arbitrary<string>;
  /** Also capturing groups, `(x)`. */
  captures?: boolean;
  /** Also quantifiers straight after an atom of these (`a{3}`), not only after a group. */
  repeatedAtoms?: fc.Arbitrary<string>;
}

/** Sources built from `parts`, small by default (fast-check's `depthSize: 'small'`). */
export function regexSource(parts: RegexSourceParts): fc.Arbitrary<string> {
  const { atom, quantifier, captures = false, repeatedAtoms } = parts;
  return fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((items) => items.join('')),
      fc.tuple(tie('node'), tie('node')).map(([x, y]) => `(?:${x}|${y})`),
      fc.tuple(tie('node'), quantifier).map(([x, q]) => `(?:${x})${q}`),
      ...(captures ? [tie('node').map((x) => `(${x})`)] : []),
      ...(repeatedAtoms ? [fc.tuple(repeatedAtoms, quantifier).map(([x, q]) => `${x}${q}`)] : []),
    ),
  })).node;
}
