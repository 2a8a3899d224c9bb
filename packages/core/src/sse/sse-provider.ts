import { chunkStream } from '../chunk-stream.js';
import { connectionFailure } from '../connection-failure.js';
import { credentialsInHeaders } from '../credentials.js';
import { ConfigError, describeError, redactSecrets, StopwiseError, StreamError } from '../errors.js';
import { rejectUnknownOptions } from '../option-names.js';
import type { LanguageModelProvider, ProviderRequest } from '../provider.js';
import type { FinishReason, ProviderStreamPart, Usage } from '../stream-part.js';
import {
  providerErrorFromResponse,
  requestIdFromHeaders,
  type SseErrorDetails,
  type SseHttpError,
} from './http-error.js';
import { type SseMessage, sseEventBatches, truncate } from './sse-events.js';

/** One server-sent event, as handed to a mapping. */
export interface SseEvent {
  /** The `event:` field, when the server sent one. */
  event?: string | undefined;
  /** The `data:` field (several data lines joined by `\n`). */
  data: string;
  /** The `id:` field, when the server sent one. */
  id?: string | undefined;
  /**
   * `data` parsed as JSON. Throws a `StreamError` quoting the (truncated) data when it is not
   * JSON, which ends the run with outcome `error` and keeps the text received before it.
   */
  json(): unknown;
}

/**
 * Mutable state of one request, shared by every `mapEvent` call and `onEnd`, so a mapping can
 * collect usage and the finish reason as they arrive and emit `finish` once it has both.
 */
export interface SseStreamState<TProviderOptions = unknown> {
  /** The request being streamed. */
  readonly request: ProviderRequest<TProviderOptions>;
  /** The HTTP response (its body is being read: use only `status` and `headers`). */
  readonly response: Response;
  /** The latest finish reason seen, if any. */
  finishReason: FinishReason | undefined;
  /** Usage seen so far; fields stay undefined until the API reports them. */
  usage: Usage;
  /** Room for the mapping's own bookkeeping (e.g. "response-metadata already sent"). */
  readonly extra: Record<string, unknown>;
}

/** What a mapping returns: one part, several, or nothing for an event that carries none. */
export type SseMapResult = ProviderStreamPart | readonly ProviderStreamPart[] | undefined | void;

/** Settings of {@link createSseProvider}. */
export interface SseProviderSettings<TProviderOptions = unknown> {
  /** Short provider name, used in errors and telemetry. */
  name: string;
  /** The endpoint to POST to. */
  url: string | ((request: ProviderRequest<TProviderOptions>) => string);
  /** Request headers (credentials go here, never into the URL). `content-type` and `accept` are set for you. */
  headers?:
    | Readonly<Record<string, string>>
    | ((request: ProviderRequest<TProviderOptions>) => Readonly<Record<string, string>>)
    | undefined;
  /** The JSON request body. */
  body: (request: ProviderRequest<TProviderOptions>) => unknown;
  /**
   * Maps one event to stream parts. Emitting `finish` ends the stream: the body is cancelled
   * and later events are not read. Throwing a `ProviderError` reports an API error event.
   */
  mapEvent: (event: SseEvent, state: SseStreamState<TProviderOptions>) => SseMapResult;
  /**
   * Called once when the stream closes without a `finish` from `mapEvent`: return the final parts
   * (APIs without a terminal event emit `finish` here). With no `finish`, the run ends with a
   * `StreamError` saying the stream ended early.
   */
  onEnd?: ((state: SseStreamState<TProviderOptions>) => SseMapResult) | undefined;
  /** Reads the API's error body (status ≥ 400); fields left undefined get the defaults. */
  mapError?: ((error: SseHttpError) => SseErrorDetails | undefined) | undefined;
  /** The fetch to use (default: the global `fetch`). It must end the request and its body reads when `init.signal` aborts. */
  fetch?: typeof fetch | undefined;
  /** Largest single event to buffer, in characters (default 32 Mi): guards memory against a broken stream. */
  maxEventChars?: number | undefined;
}

const partTypes = new Set([
  'stream-start',
  'text-delta',
  'reasoning-delta',
  'logprobs',
  'response-metadata',
  'finish',
]);

/**
 * A provider for any streaming API that speaks server-sent events: POSTs the JSON body with
 * `fetch` (the request's signal closes the connection on a stop), parses the stream with
 * `eventsource-parser`, and turns each event into stream parts with `mapEvent`. HTTP errors
 * become `ProviderError`s with status, code, `retryAfterMs`, request id and `retryable`.
 */
export function createSseProvider<TProviderOptions = unknown>(
  settings: SseProviderSettings<TProviderOptions>,
): LanguageModelProvider<TProviderOptions> {
  validateSettings(settings);
  const resolved = { ...settings };
  return {
    name: resolved.name,
    // `fetch` is given the signal: the connection and every body read end on the abort.
    endsReadsOnAbort: true,
    stream: (request) => streamSse(resolved, request),
  };
}

/** The `finish` part for what `state` has collected (finish reason `other` if none was seen). */
export function finishPart(state: SseStreamState<unknown>): ProviderStreamPart & { type: 'finish' } {
  return {
    type: 'finish',
    finishReason: state.finishReason ?? { unified: 'other', raw: undefined },
    usage: { ...state.usage },
  };
}

/**
 * One request through a {@link chunkStream}, one network read's events at a time: the parts an
 * event maps to are queued together, so a stop decided on its text still takes the finish and
 * usage the same event (or read) carried (Gemini's last chunk holds all three), as the runner
 * does for the official adapters.
 */
function streamSse<T>(
  settings: SseProviderSettings<T>,
  request: ProviderRequest<T>,
): AsyncIterable<ProviderStreamPart> {
  const { name } = settings;
  let state: SseStreamState<T> | undefined;
  let events: AsyncGenerator<SseMessage[]> | undefined;
  let secrets: readonly string[] = [];
  let finished = false;
  return chunkStream<SseMessage[]>({
    async open() {
      const built = buildRequest(settings, request);
      secrets = built.secrets;
      const response = await send(settings, built.url, built.init, request.signal, secrets);
      if (response.status >= 400) {
        throw await providerErrorFromResponse({
          provider: name,
          response,
          mapError: settings.mapError,
          secrets,
        });
      }
      if (!response.body) throw new StreamError(`${name}: the response has no body`);
      state = {
        request,
        response,
        finishReason: undefined,
        usage: { inputTokens: undefined, outputTokens: undefined },
        extra: {},
      };
      events = sseEventBatches({
        provider: name,
        body: response.body,
        signal: request.signal,
        secrets,
        maxEventChars: settings.maxEventChars,
        requestId: requestIdFromHeaders(response.headers),
      });
      return events;
    },
    started: (emit) => emit({ type: 'stream-start' }),
    map(batch, emit) {
      const current = state as SseStreamState<T>;
      for (const message of batch) {
        if (finished) return;
        const event: SseEvent = { ...message, json: () => parseJson(name, message.data, secrets) };
        const mapped = runMapping(name, 'mapEvent', () => settings.mapEvent(event, current), secrets);
        for (const part of mapped) {
          emit(part);
          if (part.type === 'finish') {
            // The consumer may never ask for another part after finish: release the body now.
            finished = true;
            events?.return(undefined).catch(() => {});
            return;
          }
        }
      }
    },
    finish(emit) {
      const onEnd = settings.onEnd;
      if (finished || onEnd === undefined) return;
      for (const part of runMapping(name, 'onEnd', () => onEnd(state as SseStreamState<T>), secrets)) {
        emit(part);
        if (part.type === 'finish') return;
      }
    },
    // Errors are already stopwise's: a ProviderError from the response, a StreamError from a
    // mapping, or what the runner makes of a failed read.
    mapError: (error) => error,
  });
}

function buildRequest<T>(settings: SseProviderSettings<T>, request: ProviderRequest<T>) {
  try {
    const url = typeof settings.url === 'function' ? settings.url(request) : settings.url;
    const extra = typeof settings.headers === 'function' ? settings.headers(request) : settings.headers;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...extra,
    };
    const body = JSON.stringify(settings.body(request));
    const init: RequestInit = { method: 'POST', headers, body, signal: request.signal };
    return { url, init, secrets: credentialsInHeaders(headers) };
  } catch (error) {
    if (StopwiseError.isInstance(error)) throw error;
    throw new StreamError(`${settings.name}: building the request failed: ${describeError(error)}`, {
      cause: error,
    });
  }
}

async function send<T>(
  settings: SseProviderSettings<T>,
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  secrets: readonly string[],
): Promise<Response> {
  const fetchImpl = settings.fetch ?? globalThis.fetch;
  try {
    return await fetchImpl(url, init);
  } catch (error) {
    if (signal.aborted) throw error;
    throw connectionFailure({ provider: settings.name, error, url, secrets });
  }
}

function parseJson(provider: string, data: string, secrets: readonly string[]): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    const line = truncate(redactSecrets(data, secrets), 200);
    throw new StreamError(`${provider}: invalid JSON in an SSE data line: ${line}`, { cause: error });
  }
}

/**
 * Runs a mapping and checks what it returned; its own errors become `StreamError`s. An API
 * error event may echo the request's credentials (a proxy quoting the header it rejected), so
 * what a mapping throws is redacted like every other error of the provider.
 */
function runMapping(
  provider: string,
  which: string,
  map: () => SseMapResult,
  secrets: readonly string[],
): readonly ProviderStreamPart[] {
  let result: SseMapResult;
  try {
    result = map();
  } catch (error) {
    if (StopwiseError.isInstance(error)) {
      error.message = redactSecrets(error.message, secrets);
      throw error;
    }
    throw new StreamError(`${provider}: ${which} threw: ${redactSecrets(describeError(error), secrets)}`, {
      cause: error,
    });
  }
  if (result === undefined) return [];
  const parts: readonly ProviderStreamPart[] = Array.isArray(result)
    ? result
    : [result as ProviderStreamPart];
  for (const part of parts) {
    if (
      typeof part !== 'object' ||
      part === null ||
      !partTypes.has((part as { type?: unknown }).type as string)
    ) {
      throw new StreamError(
        `${provider}: ${which} returned ${describeError(part)}, which is not a provider stream part`,
      );
    }
  }
  return parts;
}

const sseSettingNames = [
  'name',
  'url',
  'headers',
  'body',
  'mapEvent',
  'onEnd',
  'mapError',
  'fetch',
  'maxEventChars',
] as const satisfies ReadonlyArray<keyof SseProviderSettings>;

function validateSettings<T>(settings: SseProviderSettings<T>): void {
  if (typeof settings !== 'object' || settings === null) {
    throw new ConfigError('settings', 'must be an object with name, url, body and mapEvent');
  }
  rejectUnknownOptions('', settings, sseSettingNames);
  if (typeof settings.name !== 'string' || settings.name.trim() === '') {
    throw new ConfigError('name', 'must be a non-empty string naming the provider, e.g. "mistral"');
  }
  if (typeof settings.url !== 'string' && typeof settings.url !== 'function') {
    throw new ConfigError('url', 'must be a URL string or a function (request) => string');
  }
  const headers = settings.headers;
  if (
    headers !== undefined &&
    typeof headers !== 'function' &&
    (typeof headers !== 'object' || headers === null)
  ) {
    throw new ConfigError(
      'headers',
      'must be an object of header strings or a function (request) => headers',
    );
  }
  for (const field of ['body', 'mapEvent'] as const) {
    if (typeof settings[field] !== 'function') throw new ConfigError(field, 'must be a function');
  }
  for (const field of ['onEnd', 'mapError', 'fetch'] as const) {
    if (settings[field] !== undefined && typeof settings[field] !== 'function') {
      throw new ConfigError(field, 'must be a function when given');
    }
  }
  const max = settings.maxEventChars;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new ConfigError('maxEventChars', `must be a positive integer, got ${String(max)}`);
  }
}
