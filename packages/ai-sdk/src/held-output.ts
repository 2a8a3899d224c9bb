import type { V3DeltaPart, V3StreamPart } from './v3-types.js';

type BlockEnd = 'text-end' | 'reasoning-end' | 'tool-input-end';

const isDelta = (part: V3StreamPart): part is V3DeltaPart =>
  part.type === 'text-delta' || part.type === 'reasoning-delta';

/**
 * The AI SDK stream being written, with the last `holdBack` characters of text and reasoning
 * held back. A stop may cut before the delta that revealed it (a stop string split across
 * chunks, a loop that began earlier), and an AI SDK stream cannot take text back: what is still
 * held can be. Parts after a held delta wait behind it, so the order never changes.
 *
 * With `holdBack` 0 each part is written at once (the streaming default); `generateText` holds
 * everything (`Infinity`), since nothing is shown before the end.
 */
export class HeldOutput {
  private held: V3StreamPart[] = [];
  private heldChars = 0;
  /** Text, reasoning and tool-input blocks started and not yet ended, to end them after a stop. */
  private readonly open = new Map<string, BlockEnd>();

  constructor(
    private readonly holdBack: number,
    private readonly write: (part: V3StreamPart) => void,
  ) {}

  push(part: V3StreamPart): void {
    this.track(part);
    if (this.holdBack === 0) {
      this.write(part);
      return;
    }
    this.held.push(part);
    if (isDelta(part)) this.heldChars += part.delta.length;
    this.release();
  }

  /**
   * Takes back the last `chars` characters of one phase's deltas still held. Returns how many
   * could not be taken back: the AI SDK consumer already received them.
   */
  retract(phase: 'answer' | 'reasoning', chars: number): number {
    const type = phase === 'answer' ? 'text-delta' : 'reasoning-delta';
    let left = chars;
    for (let index = this.held.length - 1; index >= 0 && left > 0; index--) {
      const part = this.held[index] as V3StreamPart;
      if (part.type !== type) continue;
      const cut = Math.min(left, part.delta.length);
      left -= cut;
      this.heldChars -= cut;
      if (cut === part.delta.length) this.held.splice(index, 1);
      else this.held[index] = { ...part, delta: part.delta.slice(0, part.delta.length - cut) };
    }
    return left;
  }

  /**
   * Ends the blocks a stop left open, so the AI SDK closes its parts. A tool input cut short
   * gets its end but no tool call: the call was never complete, and nothing runs it.
   */
  endOpenBlocks(): void {
    for (const [key, type] of [...this.open]) this.push({ type, id: key.slice(key.indexOf(':') + 1) });
  }

  /** Writes everything held. */
  flush(): void {
    for (const part of this.held) this.write(part);
    this.held = [];
    this.heldChars = 0;
  }

  private track(part: V3StreamPart): void {
    // Keyed by kind too: a text block and a tool input may share an id.
    if (part.type === 'text-start') this.open.set(`text:${part.id}`, 'text-end');
    else if (part.type === 'reasoning-start') this.open.set(`reasoning:${part.id}`, 'reasoning-end');
    else if (part.type === 'tool-input-start') this.open.set(`tool-input:${part.id}`, 'tool-input-end');
    else if (part.type === 'text-end') this.open.delete(`text:${part.id}`);
    else if (part.type === 'reasoning-end') this.open.delete(`reasoning:${part.id}`);
    else if (part.type === 'tool-input-end') this.open.delete(`tool-input:${part.id}`);
  }

  /** Writes from the front while more than `holdBack` characters stay held. */
  private release(): void {
    while (this.held.length > 0) {
      const front = this.held[0] as V3StreamPart;
      if (!isDelta(front)) {
        this.write(front);
        this.held.shift();
        continue;
      }
      const excess = this.heldChars - this.holdBack;
      if (excess <= 0) return;
      if (excess >= front.delta.length) {
        this.write(front);
        this.held.shift();
        this.heldChars -= front.delta.length;
        continue;
      }
      // Write a prefix of the front delta, never ending in half a surrogate pair.
      const split = endsInHighSurrogate(front.delta, excess) ? excess - 1 : excess;
      if (split > 0) {
        this.write({ ...front, delta: front.delta.slice(0, split) });
        this.held[0] = { ...front, delta: front.delta.slice(split) };
        this.heldChars -= split;
      }
      return;
    }
  }
}

function endsInHighSurrogate(text: string, end: number): boolean {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff;
}
