/**
 * What the shape of a regex allows, tracked item by item while it is translated (see
 * `regex-translate.ts`), without the engine: whether it can match the empty string, and whether
 * its repeat counts stay within what RE2 takes.
 */

/** Thrown by `translateRegExp`; `stopOn` and keyword rules turn it into a `ConfigError`. */
export class UntranslatableRegExp extends Error {
  override name = 'UntranslatableRegExp';
}

/** Throws an {@link UntranslatableRegExp} naming the construct and a rewrite. */
export function refuse(what: string, hint: string): never {
  throw new UntranslatableRegExp(`uses ${what}, which stopwise refuses: ${hint}`);
}

/**
 * Whether the items of a group can match the empty string, tracked while translating. JS
 * rejects an optional iteration of a quantifier that matched nothing and backtracks into the
 * body for a longer one; RE2 takes the empty iteration. So `(?:a|b?){1,2}` or `(a*)*` would
 * stop at different places on the two engines: a quantified body that can match the empty
 * string is refused (it is also the classic shape of catastrophic backtracking).
 */
export class Nullability {
  // One frame per open group: nullable so far (before the last item), the last item, and
  // whether an alternative already closed was nullable.
  private frames: Array<{ seq: boolean; last: boolean | undefined; alts: boolean }> = [
    { seq: true, last: undefined, alts: false },
  ];

  private get top() {
    return this.frames[this.frames.length - 1] as { seq: boolean; last: boolean | undefined; alts: boolean };
  }

  /** An item: a character, a class, an assertion (nullable) or a closed group. */
  item(nullable: boolean): void {
    const top = this.top;
    if (top.last !== undefined) top.seq &&= top.last;
    top.last = nullable;
  }

  /** A quantifier `{min,max}` on the last item. */
  quantify(min: number, max: number, text: string): void {
    const top = this.top;
    if (top.last === true && max > min) {
      refuse(
        `a repeated part that can match the empty string (...)${text}`,
        'JS and the linear-time engine pick different matches for it; make the repeated part consume a character, e.g. (?:a|b)* instead of (?:a*|b)*, or (a+)? instead of (a*)?',
      );
    }
    if (min === 0) top.last = true;
  }

  alternative(): void {
    const top = this.top;
    top.alts ||= top.seq && top.last !== false;
    top.seq = true;
    top.last = undefined;
  }

  open(): void {
    this.frames.push({ seq: true, last: undefined, alts: false });
  }

  close(): void {
    this.alternative();
    const closed = this.frames.pop() as { alts: boolean };
    this.item(closed.alts);
  }

  /** Whether the whole pattern can match the empty string (call once, at its end). */
  finish(): boolean {
    this.alternative();
    return this.top.alts;
  }
}

const maxRepeat = 1000;

/**
 * The repeat counts RE2 accepts, checked without it (it loads on first use, see
 * `linear-engine.ts`): a count over 1000 anywhere, or counts that multiply past 1000 along a
 * nesting of repeats (`(?:a{50}){50}`), as re2js's parser refuses them (Go's `repeatIsValid`).
 * Only counted repeats weigh; `*`, `+` and `?` do not. Every part weighs at least 1 (one copy),
 * whatever it holds: RE2 multiplies the counts along the nesting from the outside in, so an
 * empty group or a part repeated zero times still costs its enclosing repeats their count
 * (`(?:(?:a{0}){50}){32}` is refused: 50 × 32), though what it holds is never read.
 */
export class RepeatWeights {
  // One frame per open group: the heaviest item closed in it, and the weight of the last item.
  private frames: Array<{ max: number; last: number }> = [{ max: 0, last: 0 }];

  private get top() {
    return this.frames[this.frames.length - 1] as { max: number; last: number };
  }

  item(weight = 1): void {
    const top = this.top;
    top.max = Math.max(top.max, top.last);
    top.last = weight;
  }

  quantify(min: number, max: number, text: string): void {
    if (!text.startsWith('{')) return;
    if (min > maxRepeat || (Number.isFinite(max) && max > maxRepeat)) {
      refuse(
        `a repeat count over ${maxRepeat} (${text})`,
        'the linear-time regex engine takes counts up to 1000; use a smaller count or + / *',
      );
    }
    const top = this.top;
    if (max === 0) {
      // RE2 does not look inside a part repeated zero times: it counts as one copy of nothing.
      top.last = 1;
      return;
    }
    const times = Number.isFinite(max) ? max : Math.max(min, 1);
    const weight = top.last * times;
    if (weight > maxRepeat) {
      refuse(
        `nested repeat counts that multiply past ${maxRepeat} (...)${text}`,
        'the linear-time regex engine takes counts up to 1000 in all; flatten the repeats or use + / *',
      );
    }
    top.last = weight;
  }

  open(): void {
    this.frames.push({ max: 0, last: 0 });
  }

  close(): void {
    const closed = this.frames.pop() as { max: number; last: number };
    // An empty group is one copy too: `(?:){50}` costs an enclosing `{32}` its 50.
    this.item(Math.max(1, closed.max, closed.last));
  }
}
