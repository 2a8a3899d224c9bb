import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base';
import { loadWireFixture } from '../wire/fixtures.js';

let sourceText: string | undefined;

/** Real model text (the recorded streams' deltas), the seed of every benchmark stream. */
function recordedText(): string {
  if (sourceText !== undefined) return sourceText;
  const pieces: string[] = [];
  for (const name of [
    'openai-chat-openai-text',
    'deepseek-chat-deepseek-text',
    'openai-compatible-chat-xai-text',
  ]) {
    for (const chunk of loadWireFixture(name) as Array<{
      choices?: Array<{ delta?: { content?: string | null } }>;
    }>) {
      const content = chunk.choices?.[0]?.delta?.content;
      if (content) pieces.push(content);
    }
  }
  sourceText = pieces.join('');
  return sourceText;
}

/**
 * `count` token-sized deltas of realistic text, as providers send them. Long streams repeat the
 * recorded text with a numbered heading between copies, like a long answer, not an exact loop.
 */
export function benchDeltas(count: number): string[] {
  const tokens = encode(recordedText());
  const deltas: string[] = [];
  for (let copy = 0; deltas.length < count; copy += 1) {
    for (const token of encode(`\n\n## Part ${copy + 1}\n\n`)) deltas.push(decode([token]));
    for (const token of tokens) {
      if (deltas.length >= count) break;
      deltas.push(decode([token]));
    }
  }
  return deltas.slice(0, count);
}
