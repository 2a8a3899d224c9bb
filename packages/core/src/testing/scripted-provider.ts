import type { LanguageModelProvider, ProviderRequest } from '../provider.js';
import type { ProviderStreamPart } from '../stream-part.js';

/** One step of a {@link scriptedProvider}: a part to yield, a pause, or a failure. */
export type ScriptStep =
  | ProviderStreamPart
  | { type: 'wait'; ms: number }
  | { type: 'throw'; error: unknown };

/**
 * An in-process provider that plays a fixed script, honouring the abort signal like a real
 * adapter. For testing the runner's own logic; adapters are tested against the wire server.
 */
export function scriptedProvider(
  steps: readonly ScriptStep[],
  name = 'scripted',
): LanguageModelProvider & { requests: ProviderRequest[]; closed: number } {
  const provider = {
    name,
    requests: [] as ProviderRequest[],
    closed: 0,
    async *stream(request: ProviderRequest): AsyncGenerator<ProviderStreamPart> {
      provider.requests.push(request);
      try {
        for (const step of steps) {
          request.signal.throwIfAborted();
          if (step.type === 'wait') {
            await new Promise<void>((resolve, reject) => {
              const onAbort = () => {
                clearTimeout(timer);
                reject(request.signal.reason);
              };
              // Removed when the wait ends: a long script would pile listeners on one signal.
              const timer = setTimeout(() => {
                request.signal.removeEventListener('abort', onAbort);
                resolve();
              }, step.ms);
              request.signal.addEventListener('abort', onAbort, { once: true });
            });
          } else if (step.type === 'throw') {
            throw step.error;
          } else {
            yield step;
          }
        }
      } finally {
        provider.closed += 1;
      }
    },
  };
  return provider;
}

/** Script parts for a plain answer streamed in `deltas`, ending with a finish. */
export function textScript(
  deltas: readonly string[],
  usage = { inputTokens: 10, outputTokens: deltas.length },
): ProviderStreamPart[] {
  return [
    { type: 'stream-start' },
    ...deltas.map((delta): ProviderStreamPart => ({ type: 'text-delta', delta })),
    { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
  ];
}
