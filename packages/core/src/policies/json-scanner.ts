type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close';

/** What {@link JsonScanner.push} learned from one character. */
export type JsonEvent = 'complete' | 'invalid' | undefined;

const literals: Record<number, string> = { 116: 'true', 102: 'false', 110: 'null' };
const escapes = new Set([34, 92, 47, 98, 102, 110, 114, 116]);
/** Deeper nesting is treated as not JSON, which keeps the scanner's memory bounded. */
export const maxJsonDepth = 256;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function isNumberChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || code === 45 || code === 43 || code === 46 || code === 69 || code === 101
  );
}

/**
 * An incremental JSON validator for one top-level object or array, fed a character at a time:
 * O(1) work per character, memory bounded by the nesting depth. It checks the grammar (strings
 * with escapes, keys, colons, commas, literals; numbers loosely) so that a bracket in prose,
 * such as a citation `[1] Smith`, is not taken for a complete value.
 */
export class JsonScanner {
  /** Whether a value is being scanned. */
  active = false;
  private stack: number[] = [];
  private expect: Expect = 'value';
  private lex: 'none' | 'string' | 'number' | 'literal' = 'none';
  private stringIsKey = false;
  private escape = false;
  private hexLeft = 0;
  private literal = '';
  private literalPos = 0;

  reset(): void {
    this.active = false;
    this.stack = [];
    this.lex = 'none';
    this.escape = false;
    this.hexLeft = 0;
  }

  /** Starts a value at `{` or `[`. */
  begin(code: number): void {
    this.reset();
    this.active = true;
    this.open(code);
  }

  /** Feeds the next character of the value. */
  push(code: number): JsonEvent {
    if (!this.active) return undefined;
    if (this.lex === 'string') return this.stringChar(code);
    if (this.lex === 'literal') return this.literalChar(code);
    if (this.lex === 'number') {
      if (isNumberChar(code)) return undefined;
      this.lex = 'none';
      this.expect = 'comma-or-close';
    }
    return this.structural(code);
  }

  private fail(): JsonEvent {
    this.reset();
    return 'invalid';
  }

  private open(code: number): JsonEvent {
    if (this.stack.length >= maxJsonDepth) return this.fail();
    this.stack.push(code);
    this.expect = code === 123 ? 'key-or-close' : 'value-or-close';
    return undefined;
  }

  private close(code: number): JsonEvent {
    const top = this.stack[this.stack.length - 1];
    if ((code === 125 && top !== 123) || (code === 93 && top !== 91)) return this.fail();
    this.stack.pop();
    if (this.stack.length === 0) {
      this.active = false;
      return 'complete';
    }
    this.expect = 'comma-or-close';
    return undefined;
  }

  private structural(code: number): JsonEvent {
    if (isSpace(code)) return undefined;
    switch (this.expect) {
      case 'value':
      case 'value-or-close':
        if (code === 93 && this.expect === 'value-or-close') return this.close(code);
        return this.startValue(code);
      case 'key':
      case 'key-or-close':
        if (code === 125 && this.expect === 'key-or-close') return this.close(code);
        if (code !== 34) return this.fail();
        this.startString(true);
        return undefined;
      case 'colon':
        if (code !== 58) return this.fail();
        this.expect = 'value';
        return undefined;
      case 'comma-or-close':
        if (code === 125 || code === 93) return this.close(code);
        if (code !== 44) return this.fail();
        this.expect = this.stack[this.stack.length - 1] === 123 ? 'key' : 'value';
        return undefined;
    }
  }

  private startValue(code: number): JsonEvent {
    if (code === 123 || code === 91) return this.open(code);
    if (code === 34) {
      this.startString(false);
      return undefined;
    }
    if (code === 45 || (code >= 48 && code <= 57)) {
      this.lex = 'number';
      return undefined;
    }
    const literal = literals[code];
    if (literal === undefined) return this.fail();
    this.lex = 'literal';
    this.literal = literal;
    this.literalPos = 1;
    return undefined;
  }

  private startString(isKey: boolean): void {
    this.lex = 'string';
    this.stringIsKey = isKey;
    this.escape = false;
    this.hexLeft = 0;
  }

  private stringChar(code: number): JsonEvent {
    if (this.hexLeft > 0) {
      if (!isHex(code)) return this.fail();
      this.hexLeft -= 1;
      return undefined;
    }
    if (this.escape) {
      this.escape = false;
      if (code === 117) this.hexLeft = 4;
      else if (!escapes.has(code)) return this.fail();
      return undefined;
    }
    if (code === 92) {
      this.escape = true;
      return undefined;
    }
    if (code < 0x20) return this.fail();
    if (code === 34) {
      this.lex = 'none';
      this.expect = this.stringIsKey ? 'colon' : 'comma-or-close';
    }
    return undefined;
  }

  private literalChar(code: number): JsonEvent {
    if (code !== this.literal.charCodeAt(this.literalPos)) return this.fail();
    this.literalPos += 1;
    if (this.literalPos === this.literal.length) {
      this.lex = 'none';
      this.expect = 'comma-or-close';
    }
    return undefined;
  }

  /** Current nesting depth (for tests of the memory bound). */
  get depth(): number {
    return this.stack.length;
  }
}
