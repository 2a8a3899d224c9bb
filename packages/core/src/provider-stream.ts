import { takeReceived } from './chunk-stream.js';

/**
 * A provider's stream of parts, started on the first read, with every error it throws passed
 * through `mapError` (an SDK error to a `ProviderError`, say).
 *
 * Adapters could write this as an async generator doing `try { yield* inner } catch { ... }`,
 * but each generator layer costs a round of promise jobs per part, and a stream has hundreds of
 * parts: this wrapper forwards `next` directly and only adds a rejection handler.
 *
 * @example
 * ```ts
 * const provider: LanguageModelProvider = {
 *   name: 'my-api',
 *   stream: (request) => providerStream(() => streamParts(request), (error) => toProviderError(error)),
 * };
 * ```
 */
export function providerStream<T>(
  start: () => AsyncIterable<T>,
  mapError: (error: unknown) => unknown,
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let inner: AsyncIterator<T> | undefined;
      const rethrow = (error: unknown): never => {
        throw mapError(error);
      };
      const open = (): AsyncIterator<T> => {
        inner ??= start()[Symbol.asyncIterator]();
        return inner;
      };
      const iterator: AsyncIterator<T> & { takeReceived(): unknown[]; peekReceived(): unknown } = {
        next() {
          try {
            return open().next().then(undefined, rethrow);
          } catch (error) {
            return Promise.reject(mapError(error));
          }
        },
        // Forwards the buffer of a chunkStream inside, so a stop can keep its usage.
        takeReceived: () => takeReceived(inner),
        peekReceived: () => (inner as { peekReceived?: () => unknown } | undefined)?.peekReceived?.() ?? [],
        return(value?: unknown) {
          // Never started: nothing to close.
          if (!inner?.return) return Promise.resolve({ done: true, value: value as T });
          return inner.return(value).then(undefined, rethrow);
        },
      };
      return iterator;
    },
  };
}
