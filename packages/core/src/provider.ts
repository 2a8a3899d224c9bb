import type { Message } from './messages.js';
import type { ProviderStreamPart } from './stream-part.js';

/** What the runner asks an adapter to stream. */
export interface ProviderRequest<TProviderOptions = unknown> {
  model: string;
  messages: readonly Message[];
  maxOutputTokens?: number | undefined;
  temperature?: number | undefined;
  /** The end user's id, passed on where the provider takes one. */
  user?: string | undefined;
  /** Ask for token logprobs (OpenAI-style providers). */
  logprobs?: boolean | undefined;
  /** Provider-specific options, typed by the adapter. */
  providerOptions?: TProviderOptions | undefined;
  /**
   * Aborted when a policy stops, the caller aborts or the consumer stops reading: the adapter must
   * close the request, and a read it has pending must end (reject, or finish) soon after. The run
   * does not wait for it: it settles at once with outcome `policy-stop` or `abort`. But a read that
   * ignores the signal (a socket or SDK call the adapter did not hand it to) keeps the adapter's
   * connection, buffers and iterator held for as long as it hangs: pass the signal on to every
   * call that can wait.
   */
  signal: AbortSignal;
}

/**
 * A provider adapter: turns a request into a provider-neutral stream. It knows nothing of
 * policies. Errors are thrown from the iterator as `ProviderError`/`StreamError`; after `signal`
 * aborts, whatever the iterator throws is ignored.
 */
export interface LanguageModelProvider<TProviderOptions = unknown> {
  /** Short name used in errors and telemetry, e.g. `openai`. */
  readonly name: string;
  /**
   * Starts the request and yields its parts. Every wait in it (the connection, each read) must
   * end once `request.signal` aborts: see {@link ProviderRequest.signal}.
   */
  stream(request: ProviderRequest<TProviderOptions>): AsyncIterable<ProviderStreamPart>;
  /**
   * Optional: `true` when every pending read of `stream` settles soon after `request.signal`
   * aborts (a `fetch` or official SDK call given the signal does). The runner then awaits reads
   * as they are. Left out, in a call with a caller's `signal` the runner guards each read (one
   * promise more per part) so that the caller's abort ends the run even if a read never settles.
   * stopwise's own adapters set it; set it on yours only when it holds.
   */
  readonly endsReadsOnAbort?: boolean | undefined;
  /**
   * Optional: throws a `ConfigError` naming the field for a request this provider would refuse
   * to send (a misspelt or unsupported `providerOptions` entry, a value out of the API's range).
   * The client calls it in `stream`/`generate` before the run starts, so such a mistake throws
   * there like every other option mistake, instead of ending the run with outcome `error`.
   * Synchronous and free of side effects; `stream` should still refuse what it cannot send.
   */
  checkRequest?(request: Omit<ProviderRequest<TProviderOptions>, 'signal'>): void;
}

/** The provider-options type a provider takes. */
export type ProviderOptionsOf<P> = P extends LanguageModelProvider<infer O> ? O : never;
