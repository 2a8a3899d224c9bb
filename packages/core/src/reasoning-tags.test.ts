import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { splitAt } from './policies/policy-harness.test-util.js';
import {
  defaultReasoningTags,
  ReasoningTagSplitter,
  type ReasoningTags,
  reasoningTagsOption,
  type TaggedPiece,
} from './reasoning-tags.js';

/** Feeds `deltas` through a fresh splitter and flushes it; returns every piece in order. */
function split(deltas: readonly string[], tags: ReasoningTags = defaultReasoningTags): TaggedPiece[] {
  const pieces: TaggedPiece[] = [];
  const emit = (piece: TaggedPiece) => pieces.push(piece);
  const splitter = new ReasoningTagSplitter(tags);
  for (const delta of deltas) splitter.push(delta, emit);
  splitter.flush(emit);
  return pieces;
}

function joined(pieces: readonly TaggedPiece[]) {
  const of = (type: TaggedPiece['type']) =>
    pieces
      .filter((piece) => piece.type === type)
      .map((piece) => piece.delta)
      .join('');
  return { reasoning: of('reasoning-delta'), text: of('text-delta') };
}

/** `text` cut at offsets drawn from `cuts` (wrapped into its length). */
const cutAt = (text: string, cuts: readonly number[]) =>
  splitAt(
    text,
    cuts.map((cut) => cut % (text.length + 1)),
  );

describe('ReasoningTagSplitter', () => {
  it('reads a leading <think> block as reasoning and the rest as the answer', () => {
    const pieces = split(['<think>6 x 7', ' is 42</th', 'ink>\n\n42', '.']);
    expect(pieces).toEqual([
      { type: 'reasoning-delta', delta: '6 x 7' },
      { type: 'reasoning-delta', delta: ' is 42' },
      { type: 'text-delta', delta: '42' },
      { type: 'text-delta', delta: '.' },
    ]);
  });

  it('leaves text alone that does not begin with the tag, a later <think> included', () => {
    expect(joined(split(['The tag ', '<think> is how R1 ', 'marks thinking.']))).toEqual({
      reasoning: '',
      text: 'The tag <think> is how R1 marks thinking.',
    });
    // A beginning that only looked like the tag is handed over whole once it is not.
    expect(split(['\n<th', 'is is text'])).toEqual([{ type: 'text-delta', delta: '\n<this is text' }]);
  });

  it('any chunking of a tagged output splits into the same reasoning and answer', () => {
    fc.assert(
      fc.property(
        fc.string().filter((reasoning) => !reasoning.includes('</think>')),
        fc.string().filter((answer) => answer === answer.trimStart()),
        fc.array(fc.nat(400), { maxLength: 12 }),
        (reasoning, answer, cuts) => {
          const output = `\n<think>${reasoning}</think>\n\n${answer}`;
          // White space at the start of the reasoning is dropped like that around the block.
          const expected = reasoning.replace(/^[ \t\r\n]+/, '');
          expect(joined(split(cutAt(output, cuts)))).toEqual({ reasoning: expected, text: answer });
        },
      ),
    );
  });

  it('any chunking of an untagged output passes through unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.trimStart().startsWith('<think>')),
        fc.array(fc.nat(200), { maxLength: 8 }),
        (text, cuts) => {
          expect(joined(split(cutAt(text, cuts)))).toEqual({ reasoning: '', text });
        },
      ),
    );
  });

  it('an empty block, as models send for an easy question, yields no reasoning at all', () => {
    expect(split(['<think>', '\n\n', '</think>', '\n\nHi.'])).toEqual([{ type: 'text-delta', delta: 'Hi.' }]);
  });

  it('a stream that ends inside the reasoning keeps all of it, the held-back tail too', () => {
    expect(joined(split(['<think>still thinking </thi']))).toEqual({
      reasoning: 'still thinking </thi',
      text: '',
    });
  });

  it('with startsInside, the text is reasoning until the closing tag (a template that opened it)', () => {
    const tags = reasoningTagsOption('reasoningTags', { startsInside: true }) as ReasoningTags;
    expect(joined(split(['Let me think.', '</think>', 'Yes.'], tags))).toEqual({
      reasoning: 'Let me think.',
      text: 'Yes.',
    });
    // A model that opens the tag again anyway: the tag is not reasoning.
    expect(joined(split(['\n<th', 'ink>\nLet me think.', '</think>', 'Yes.'], tags))).toEqual({
      reasoning: 'Let me think.',
      text: 'Yes.',
    });
  });

  it('reads other tags when told', () => {
    const tags = reasoningTagsOption('reasoningTags', {
      open: '<reasoning>',
      close: '</reasoning>',
    }) as ReasoningTags;
    expect(joined(split(['<reason', 'ing>a</reasoning>b'], tags))).toEqual({ reasoning: 'a', text: 'b' });
  });
});

describe('reasoningTagsOption', () => {
  it('defaults to <think>, and false turns the reading off', () => {
    expect(reasoningTagsOption('reasoningTags', undefined)).toEqual(defaultReasoningTags);
    expect(reasoningTagsOption('reasoningTags', false)).toBeUndefined();
  });

  it.each([
    [{ open: '' }, 'reasoningTags.open'],
    [{ close: ' </think>' }, 'reasoningTags.close'],
    [{ startsInside: 'yes' }, 'reasoningTags.startsInside'],
    [{ opening: '<think>' }, 'reasoningTags.opening'],
    ['<think>', 'reasoningTags'],
  ])('refuses %j with a ConfigError on %s', (value, field) => {
    let error: unknown;
    try {
      reasoningTagsOption('reasoningTags', value as never);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe(field);
  });
});
