import { ConfigError } from './errors.js';
import { rejectUnknownOptions } from './option-names.js';

/**
 * How a provider's text marks reasoning inline: DeepSeek-R1, QwQ and their distills served
 * without a reasoning parser (vLLM, SGLang, llama.cpp, some hosted APIs) stream their thinking in
 * the answer text, as `<think>...</think>` before the answer.
 */
export interface ReasoningTagOptions {
  /** The tag that opens the reasoning (default `<think>`). */
  open?: string | undefined;
  /** The tag that closes it (default `</think>`). */
  close?: string | undefined;
  /**
   * The text starts inside the reasoning, with no opening tag: for chat templates that put the
   * opening tag in the prompt (DeepSeek-R1-0528, QwQ), so that only `</think>` is streamed.
   * An opening tag the model writes anyway is dropped. Default false: the text is reasoning only
   * when it begins with `open` (after white space).
   */
  startsInside?: boolean | undefined;
}

const optionNames: readonly (keyof ReasoningTagOptions)[] = ['open', 'close', 'startsInside'];

/** The validated options, defaults filled in. */
export interface ReasoningTags {
  readonly open: string;
  readonly close: string;
  readonly startsInside: boolean;
}

/** `<think>` ... `</think>`, read only when the text begins with the opening tag. */
export const defaultReasoningTags: ReasoningTags = Object.freeze({
  open: '<think>',
  close: '</think>',
  startsInside: false,
});

/**
 * Validates {@link ReasoningTagOptions} for the setting `field` (a `ConfigError` naming it) and
 * fills in the defaults; `false` reads no tags (`undefined`).
 */
export function reasoningTagsOption(
  field: string,
  value: ReasoningTagOptions | false | undefined,
): ReasoningTags | undefined {
  if (value === false) return undefined;
  if (value === undefined) return defaultReasoningTags;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, "must be false or an object such as { open: '<think>', close: '</think>' }");
  }
  rejectUnknownOptions(field, value, optionNames);
  const tags = { ...defaultReasoningTags };
  for (const key of ['open', 'close'] as const) {
    const tag = value[key];
    if (tag === undefined) continue;
    if (typeof tag !== 'string' || tag.trim() === '' || tag !== tag.trim()) {
      throw new ConfigError(
        `${field}.${key}`,
        `must be a non-empty tag without surrounding white space, got ${JSON.stringify(tag)}`,
      );
    }
    tags[key] = tag;
  }
  if (value.startsInside !== undefined && typeof value.startsInside !== 'boolean') {
    throw new ConfigError(`${field}.startsInside`, `must be a boolean, got ${typeof value.startsInside}`);
  }
  tags.startsInside = value.startsInside ?? false;
  return Object.freeze(tags);
}

/** What a piece of text turned out to be. */
export type TaggedPiece = { type: 'reasoning-delta' | 'text-delta'; delta: string };

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * Splits streamed answer text into reasoning and answer where the reasoning is inline between
 * tags (see {@link ReasoningTagOptions}). Only a leading block is read: the text is reasoning
 * when it begins with the opening tag, up to the closing tag, and the answer after it. White
 * space before the block, at the start of the reasoning and right after the closing tag is
 * dropped, so an empty block (`<think>\n\n</think>`) yields no reasoning at all. Text that
 * does not begin with the tag passes through whole, so an answer that mentions `<think>` later
 * is left alone. Tags split across deltas are recognised: the few characters that could be the
 * start of a tag are held back until the next delta (or {@link flush}) tells. One splitter per
 * stream.
 *
 * @example
 * ```ts
 * const tags = new ReasoningTagSplitter(defaultReasoningTags);
 * tags.push('<think>6 x 7', emit); // emits reasoning-delta "6 x 7"
 * tags.push(' is 42</th', emit); // emits reasoning-delta " is 42", holds "</th"
 * tags.push('ink>\n\n42', emit); // emits text-delta "42"
 * tags.flush(emit); // the stream ended: emits whatever was held back
 * ```
 */
export class ReasoningTagSplitter {
  private state: 'start' | 'reasoning' | 'after-close' | 'text';
  /** Reasoning emitted so far: white space before its first character is dropped. */
  private reasoned = false;
  /** Text held back: leading white space, or what may be the start of a tag. */
  private held = '';

  constructor(private readonly tags: ReasoningTags) {
    this.state = 'start';
  }

  /** Feeds one delta of answer text; emits what it is known to be. */
  push(delta: string, emit: (piece: TaggedPiece) => void): void {
    if (this.state === 'text') {
      if (delta !== '') emit({ type: 'text-delta', delta });
      return;
    }
    let text = this.held + delta;
    this.held = '';
    if (this.state === 'start') {
      const { open } = this.tags;
      const start = firstNonSpace(text);
      const rest = text.slice(start);
      if (rest.length < open.length && open.startsWith(rest)) {
        this.held = text; // white space, or the tag's first characters so far
        return;
      }
      this.state = 'reasoning';
      if (rest.startsWith(open)) {
        text = rest.slice(open.length);
      } else if (!this.tags.startsInside) {
        this.state = 'text';
        if (text !== '') emit({ type: 'text-delta', delta: text });
        return;
      }
      // Else the template opened the tag in the prompt: the text is reasoning from its start
      // (and a model that opens it again anyway has its tag dropped above).
    }
    if (this.state === 'reasoning') text = this.reasoning(text, emit);
    if (this.state === 'after-close') {
      const start = firstNonSpace(text);
      if (start === text.length) return; // only white space so far: dropped
      this.state = 'text';
      text = text.slice(start);
    }
    if (this.state === 'text' && text !== '') emit({ type: 'text-delta', delta: text });
  }

  /** The stream ended: emits what was held back, as what it was read as so far. */
  flush(emit: (piece: TaggedPiece) => void): void {
    const held = this.held;
    this.held = '';
    if (held === '') return;
    if (this.state === 'reasoning' || (this.state === 'start' && this.tags.startsInside))
      this.emitReasoning(held, emit);
    else if (this.state === 'start') emit({ type: 'text-delta', delta: held });
  }

  /** Emits the reasoning in `text` up to the closing tag; returns the text after it ('' if none). */
  private reasoning(text: string, emit: (piece: TaggedPiece) => void): string {
    const { close } = this.tags;
    // An empty block ("<think>\n\n</think>") is no reasoning at all, not a line break of it.
    if (!this.reasoned) {
      text = text.slice(firstNonSpace(text));
      if (text === '') return '';
    }
    const at = text.indexOf(close);
    if (at >= 0) {
      if (at > 0) this.emitReasoning(text.slice(0, at), emit);
      this.state = 'after-close';
      return text.slice(at + close.length);
    }
    // Hold back a tail that could be the closing tag's beginning.
    const keep = partialTagLength(text, close);
    const ready = text.slice(0, text.length - keep);
    this.held = text.slice(text.length - keep);
    if (ready !== '') this.emitReasoning(ready, emit);
    return '';
  }

  private emitReasoning(delta: string, emit: (piece: TaggedPiece) => void): void {
    this.reasoned = true;
    emit({ type: 'reasoning-delta', delta });
  }
}

function firstNonSpace(text: string): number {
  let index = 0;
  while (index < text.length && isSpace(text.charCodeAt(index))) index += 1;
  return index;
}

/**
 * Length of the longest end of `text` that is a proper beginning of `tag`. Called per reasoning
 * delta: only the tag's first character is looked for in the last `tag.length - 1` characters,
 * and a substring is made only where it occurs.
 */
function partialTagLength(text: string, tag: string): number {
  const first = tag.charAt(0);
  for (let at = text.indexOf(first, Math.max(0, text.length - tag.length + 1)); at >= 0; ) {
    if (tag.startsWith(text.slice(at))) return text.length - at;
    at = text.indexOf(first, at + 1);
  }
  return 0;
}
