import type { GenerateResult, StreamResult, V3Content, V3StreamPart } from './v3-types.js';

type Block = Extract<V3Content, { type: 'text' | 'reasoning' }>;

/**
 * A `doGenerate` result assembled from a wrapped stream, for `generateText`: the policies act on
 * a stream, so a wrapped model streams even when the AI SDK asks it to generate. Text and
 * reasoning blocks become content items in the order they started; tool calls, tool results,
 * sources and files are content as they are. An `error` part rejects, as a failed `doGenerate`
 * would.
 */
export async function collectGenerate(result: StreamResult): Promise<GenerateResult> {
  const content: V3Content[] = [];
  const blocks = new Map<string, Block>();
  const collected: Omit<GenerateResult, 'content'> = {
    finishReason: { unified: 'other', raw: undefined },
    usage: {
      inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    },
    warnings: [],
    request: result.request,
    response: { headers: result.response?.headers },
  };
  const reader = result.stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      collect(value, { content, blocks, collected });
    }
  } catch (error) {
    // Releases the run (and the model's request) when an error part ends the call early.
    reader.cancel(error).then(undefined, () => {});
    throw error;
  }
  return { ...collected, content };
}

interface Collector {
  content: V3Content[];
  blocks: Map<string, Block>;
  collected: Omit<GenerateResult, 'content'>;
}

function collect(part: V3StreamPart, { content, blocks, collected }: Collector): void {
  switch (part.type) {
    case 'text-start':
    case 'reasoning-start': {
      const block: Block = {
        type: part.type === 'text-start' ? 'text' : 'reasoning',
        text: '',
        ...(part.providerMetadata && { providerMetadata: part.providerMetadata }),
      };
      blocks.set(`${block.type}:${part.id}`, block);
      content.push(block);
      return;
    }
    case 'text-delta':
    case 'reasoning-delta': {
      const type = part.type === 'text-delta' ? 'text' : 'reasoning';
      const block = blocks.get(`${type}:${part.id}`);
      if (block) {
        block.text += part.delta;
        // A delta may carry the block's metadata (Anthropic's thinking signature comes as an
        // empty reasoning delta); the latest wins, as in the AI SDK's own stream handling.
        if (part.providerMetadata) block.providerMetadata = part.providerMetadata;
        return;
      }
      // A provider that sends deltas without a start still gets its text kept.
      const started: Block = {
        type,
        text: part.delta,
        ...(part.providerMetadata && { providerMetadata: part.providerMetadata }),
      };
      blocks.set(`${type}:${part.id}`, started);
      content.push(started);
      return;
    }
    case 'text-end':
    case 'reasoning-end': {
      // The end of a block may carry its final metadata (a reasoning signature).
      const block = blocks.get(`${part.type === 'text-end' ? 'text' : 'reasoning'}:${part.id}`);
      if (block && part.providerMetadata) block.providerMetadata = part.providerMetadata;
      return;
    }
    case 'tool-call':
    case 'tool-result':
    case 'tool-approval-request':
    case 'source':
    case 'file':
      content.push(part);
      return;
    case 'stream-start':
      collected.warnings = part.warnings;
      return;
    case 'response-metadata': {
      const { type: _, ...metadata } = part;
      collected.response = { ...collected.response, ...metadata };
      return;
    }
    case 'finish':
      collected.finishReason = part.finishReason;
      collected.usage = part.usage;
      collected.providerMetadata = part.providerMetadata;
      return;
    case 'error':
      throw part.error;
    default:
      // Tool input deltas are summed up by their tool call; raw chunks belong to streams only.
      return;
  }
}
