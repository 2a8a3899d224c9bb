/**
 * A configuration-time check that a stop regex cannot backtrack without bound. `stopOn` runs
 * every regex on each delta, so one catastrophic pattern (`(a+)+$`) would hang the stream. No
 * regex-safety package is a dependency of stopwise (`safe-regex2` and `recheck` are not
 * installed, and the core must stay dependency-light for edge runtimes), so this is a small
 * parser of the JavaScript regex syntax plus two structural checks:
 *
 * - star height: a repeat that can match a varying number of times (`*`, `+`, `?`, `{n,m}`)
 *   inside a repeat that can match more than once (`(a+)+`, `(a*)*`, `(a{1,3})+`, `(.*a){20}`,
 *   `(a?){25}`); a fixed count inside is fine (`(ab{2})+`);
 * - ambiguous alternation: alternatives inside a repeated group whose first characters overlap
 *   (`(a|a)*`, `(\w|\d)+`, `(a|ab)*`), or one of which can match nothing;
 *
 * and it refuses backreferences (`\1`, `\k<name>`), which no linear-time engine supports.
 * Polynomial patterns such as `\d*\d*x` pass: `stopOn` only ever runs a regex over a window of
 * `maxMatchLength` characters plus the new delta, which bounds their cost.
 */

import { type CharSet, type Node, noChar, overlaps, RegexParser, union } from './regex-parser.js';

function nullable(node: Node): boolean {
  switch (node.kind) {
    case 'chars':
      return false;
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.options.some(nullable);
    case 'repeat':
      return node.min === 0 || nullable(node.body);
    default:
      return true;
  }
}

/** The characters a match of `node` can begin with. */
function firstChars(node: Node): CharSet {
  switch (node.kind) {
    case 'chars':
      return node.set;
    case 'seq': {
      const sets: CharSet[] = [];
      for (const item of node.items) {
        sets.push(firstChars(item));
        if (!nullable(item)) break;
      }
      return union(...sets);
    }
    case 'alt':
      return union(...node.options.map(firstChars));
    case 'repeat':
      return node.max === 0 ? noChar : firstChars(node.body);
    default:
      return noChar;
  }
}

interface Nesting {
  /** Inside a repeat that can match more than once. */
  repeated: boolean;
}

function hazardIn(node: Node, src: string, nesting: Nesting): string | undefined {
  switch (node.kind) {
    case 'seq':
      return firstHazard(node.items, src, nesting);
    case 'look':
      return hazardIn(node.body, src, nesting);
    case 'alt': {
      if (nesting.repeated && ambiguous(node.options)) {
        return `has alternatives that can match the same text inside a repeated group (${src.slice(node.start, node.end)}), which can backtrack exponentially; make each alternative start with a different character`;
      }
      return firstHazard(node.options, src, nesting);
    }
    case 'repeat': {
      if (nesting.repeated && node.max > node.min) {
        return `has a nested quantifier (${src.slice(node.start, node.end)} inside another repeat), which can backtrack exponentially; let only the outer group repeat, e.g. (?:ab)+ instead of (a+b)+`;
      }
      return hazardIn(node.body, src, { repeated: nesting.repeated || node.max > 1 });
    }
    default:
      return undefined;
  }
}

function firstHazard(nodes: readonly Node[], src: string, nesting: Nesting): string | undefined {
  for (const node of nodes) {
    const hazard = hazardIn(node, src, nesting);
    if (hazard) return hazard;
  }
  return undefined;
}

function ambiguous(options: readonly Node[]): boolean {
  if (options.some(nullable)) return true;
  const firsts = options.map(firstChars);
  return firsts.some((a, i) => firsts.some((b, j) => j > i && overlaps(a, b)));
}

/**
 * Why `regex` could take super-linear time to match (a backreference, a nested quantifier, or
 * overlapping alternatives in a repeated group), or undefined when it is safe to run on every
 * delta. Conservative: a few harmless patterns such as `(ab|ac)*` are refused too; they can
 * always be rewritten (`a(?:b|c)` inside the repeat).
 */
export function regexHazard(regex: RegExp): string | undefined {
  const parser = new RegexParser(regex.source, regex.flags);
  const tree = parser.parse();
  if (parser.backreference) {
    return `uses a backreference (${parser.backreference}), which can only be matched by backtracking without bound; match the repeated text literally instead`;
  }
  return hazardIn(tree, regex.source, { repeated: false });
}
