import type { LanguageModelProvider } from '../provider.js';
import type { ProviderStreamPart } from '../stream-part.js';

/** A {@link deafProvider} and the handles a test drives it with. */
export interface DeafProvider extends LanguageModelProvider {
  /** Resolves once the adapter is waiting on the read that ignores the signal. */
  readonly stuck: Promise<void>;
  /** Ends the stuck read late, with a part (or a failure), as a socket that finally answers would. */
  release(outcome: { part: ProviderStreamPart } | { error: unknown }): void;
}

/**
 * An adapter written the way the runner must survive: it yields `deltas`, then awaits a read
 * that never settles and never looks at `request.signal` (a socket or SDK it does not hand the
 * signal to), until the test calls `release`. Only for tests of the runner's own endings.
 */
export function deafProvider(deltas: readonly string[]): DeafProvider {
  let reached!: () => void;
  const stuck = new Promise<void>((resolve) => (reached = resolve));
  let release!: DeafProvider['release'];
  const late = new Promise<ProviderStreamPart>((resolve, reject) => {
    release = (outcome) => ('part' in outcome ? resolve(outcome.part) : reject(outcome.error));
  });
  return {
    name: 'deaf',
    stuck,
    release,
    async *stream() {
      yield { type: 'stream-start' };
      for (const delta of deltas) yield { type: 'text-delta', delta };
      reached();
      yield await late;
      yield {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: undefined, outputTokens: undefined },
      };
    },
  };
}
