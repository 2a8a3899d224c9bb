import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from 'stopwise';
import { loadTraces } from '../traces/load-traces.js';
import { createTraceIndex, type TraceIndex } from '../traces/trace-index.js';
import type { TraceRecord } from '../traces/trace-record.js';
import { anthropicFrames } from './anthropic-frames.js';
import { errorResponse, type ReplayErrorKind } from './error-bodies.js';
import { type ResponseFrames, responseFrames } from './frames.js';
import { openAIChatFrames } from './openai-chat-frames.js';
import { openAIResponsesFrames } from './openai-responses-frames.js';
import { type ParsedRequest, parseRequest, type ReplayApi } from './parse-request.js';
import { planResponse, type ReplayPlan } from './replay-plan.js';
import { standInRecord, type UnseenPrompts, validateUnseenPrompts } from './unseen-prompt.js';
import { writeStream } from './write-stream.js';

/** A realistic streaming rate for hosted chat models, in output tokens per second. */
export const defaultTokensPerSecond = 60;

/** Options of {@link createReplayServer}. */
export interface ReplayServerOptions {
  /** Records to serve: a `.jsonl` file or folder (loaded with `loadTraces`), records, or an index. */
  traces: string | Iterable<TraceRecord> | TraceIndex;
  /** Streaming pace in output tokens per second (default 60); `0` streams as fast as possible. */
  tokensPerSecond?: number | undefined;
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number | undefined;
  /**
   * A request whose messages no record has: `refuse` it with a 404 (default), or `serve-any`
   * recorded output in its place, marked as a stand-in (see {@link UnseenPrompts}).
   */
  unseenPrompts?: UnseenPrompts | undefined;
  /** Called once each request is over (finished, refused, or the client went away). */
  onRequestEnd?: ((request: ReplayRequest) => void) | undefined;
}

/** What the server did with one request: the ground truth of what a provider would bill. */
export interface ReplayRequest {
  /** Response id sent to the client (`chatcmpl-replay-N`, `resp_replayN`, `msg_replayN`); undefined for refused requests. */
  id: string | undefined;
  api: ReplayApi;
  path: string;
  status: number;
  /** The record served (undefined when none matched). */
  recordId: string | undefined;
  /** True when the record is a stand-in for a prompt no record has (`unseenPrompts: 'serve-any'`). */
  fallback: boolean;
  model: string | undefined;
  stream: boolean;
  /** Output tokens the full response carries (after the request's own cap). */
  tokensPlanned: number;
  /** Output tokens written to the socket before the response ended or the client closed. */
  tokensWritten: number;
  framesWritten: number;
  /** True when the client closed the connection before the response was complete. */
  clientClosed: boolean;
  /** `performance.now()` at arrival and when the request was over. */
  startedAt: number;
  endedAt: number | undefined;
}

/** A running replay server. */
export interface ReplayServer {
  /** e.g. `http://127.0.0.1:41234`. OpenAI clients take `${url}/v1` as base URL, Anthropic's `url`. */
  readonly url: string;
  readonly port: number;
  readonly index: TraceIndex;
  /** Every request so far, in arrival order. */
  readonly requests: readonly ReplayRequest[];
  /** The request that got response id `id`. */
  request(id: string): ReplayRequest | undefined;
  /** Resolves once every request so far is over (a stopped stream's close takes a moment to arrive). */
  settled(): Promise<void>;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

const routes: ReadonlyArray<readonly [RegExp, ReplayApi]> = [
  [/\/chat\/completions$/, 'chat'],
  [/\/responses$/, 'responses'],
  [/\/messages$/, 'messages'],
];

const framesFor: Record<ReplayApi, (plan: ReplayPlan) => ResponseFrames> = {
  chat: openAIChatFrames,
  responses: openAIResponsesFrames,
  messages: anthropicFrames,
};

const idPrefix: Record<ReplayApi, string> = {
  chat: 'chatcmpl-replay-',
  responses: 'resp_replay',
  messages: 'msg_replay',
};

async function resolveIndex(traces: ReplayServerOptions['traces']): Promise<TraceIndex> {
  if (typeof traces === 'string') {
    const files = await loadTraces({ path: traces });
    return createTraceIndex(files.flatMap((file) => file.records));
  }
  if (traces && typeof (traces as TraceIndex).byId === 'function') return traces as TraceIndex;
  if (traces && typeof (traces as Iterable<TraceRecord>)[Symbol.iterator] === 'function') {
    return createTraceIndex(traces as Iterable<TraceRecord>);
  }
  throw new ConfigError(
    'traces',
    'must be a trace file or folder path, an array of trace records, or a trace index',
  );
}

function validateRate(value: unknown): number {
  if (value === undefined) return defaultTokensPerSecond;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(
      'tokensPerSecond',
      `must be a number ≥ 0 (0 = as fast as possible), got ${String(value)}`,
    );
  }
  return value;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const pieces: Buffer[] = [];
  for await (const piece of req) pieces.push(piece as Buffer);
  try {
    return JSON.parse(Buffer.concat(pieces).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Starts a loopback server that answers OpenAI Chat Completions (streamed and not), OpenAI
 * Responses and Anthropic Messages requests with recorded outputs, in token-sized chunks at a
 * set pace: the whole SDK, official clients included, runs as against a provider. It logs, per
 * request, the tokens written before the client closed (`requests`, and `GET /_replay/requests`
 * as JSON for a server in another process).
 */
export async function createReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object with `traces`');
  const tokensPerSecond = validateRate(options.tokensPerSecond);
  const unseenPrompts = validateUnseenPrompts(options.unseenPrompts);
  const index = await resolveIndex(options.traces);
  const requests: ReplayRequest[] = [];
  const byId = new Map<string, ReplayRequest>();
  const pending = new Set<Promise<void>>();
  let sequence = 0;

  function refuse(res: ServerResponse, entry: ReplayRequest, kind: ReplayErrorKind, message: string): void {
    const { status, body } = errorResponse(entry.api, kind, message);
    entry.status = status;
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-request-id': 'req_replay',
      'request-id': 'req_replay',
    });
    res.end(JSON.stringify(body));
  }

  async function serve(res: ServerResponse, entry: ReplayRequest, parsed: ParsedRequest): Promise<void> {
    let record = index.find(parsed.query);
    // An explicit record id that is unknown is the caller's mistake, never stood in for.
    if (!record && unseenPrompts === 'serve-any' && parsed.query.id === undefined) {
      record = standInRecord(index, parsed.query);
      entry.fallback = record !== undefined;
    }
    if (!record) {
      const what = parsed.query.id === undefined ? 'these messages' : `id ${JSON.stringify(parsed.query.id)}`;
      refuse(
        res,
        entry,
        'not-found',
        `replay: no recorded output for ${what} (model ${parsed.query.model ?? 'unset'})`,
      );
      return;
    }
    sequence += 1;
    const id = `${idPrefix[parsed.api]}${sequence}`;
    const plan = planResponse({
      id,
      record,
      model: parsed.query.model,
      maxTokens: parsed.maxTokens,
      includeUsage: parsed.includeUsage,
    });
    Object.assign(entry, { id, recordId: record.id, model: plan.model, tokensPlanned: plan.outputTokens });
    byId.set(id, entry);
    const frames = framesFor[parsed.api](plan);
    const headers = {
      'x-request-id': `req_${id}`,
      'request-id': `req_${id}`,
      ...(entry.fallback ? { 'x-stopwise-replay-fallback': record.id } : {}),
    };
    if (!parsed.stream) {
      if (res.destroyed) return;
      if (tokensPerSecond > 0) {
        // The wait (a whole response's worth: minutes for a long one) ends when the client goes
        // away: a timer left running holds the handler and keeps the process alive long after
        // the client and `close()` are gone.
        const gone = new AbortController();
        const onClose = () => gone.abort();
        res.once('close', onClose);
        const waited = await delay((plan.outputTokens * 1000) / tokensPerSecond, true, {
          signal: gone.signal,
        }).catch(() => false);
        res.off('close', onClose);
        if (!waited) return;
      }
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(frames.body()));
      entry.tokensWritten = plan.outputTokens;
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...headers,
    });
    res.flushHeaders();
    await writeStream(res, responseFrames(plan, frames), tokensPerSecond, entry);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path.startsWith('/_replay/requests')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ requests }));
      return;
    }
    const api = routes.find(([pattern]) => pattern.test(path))?.[1];
    const entry: ReplayRequest = {
      id: undefined,
      api: api ?? 'chat',
      path,
      status: 200,
      recordId: undefined,
      fallback: false,
      model: undefined,
      stream: false,
      tokensPlanned: 0,
      tokensWritten: 0,
      framesWritten: 0,
      clientClosed: false,
      startedAt: performance.now(),
      endedAt: undefined,
    };
    requests.push(entry);
    const over = new Promise<void>((resolve) =>
      res.on('close', () => {
        if (!res.writableFinished) entry.clientClosed = true;
        entry.endedAt = performance.now();
        options.onRequestEnd?.(entry);
        resolve();
      }),
    );
    pending.add(over);
    void over.then(() => pending.delete(over));
    if (!api)
      return refuse(
        res,
        entry,
        'not-found',
        `replay: no route ${path}; use /v1/chat/completions, /v1/responses or /v1/messages`,
      );
    if (req.method !== 'POST') return refuse(res, entry, 'method-not-allowed', `replay: ${path} takes POST`);
    const parsed = parseRequest(api, await readBody(req), req.headers);
    if (!parsed)
      return refuse(
        res,
        entry,
        'invalid-request',
        'replay: the body must be a JSON request with non-empty messages',
      );
    entry.stream = parsed.stream;
    await serve(res, entry, parsed);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug here must not look like a network failure: answer 500 in OpenAI's error shape.
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: `replay: ${String(error)}`, type: 'server_error', param: null, code: null },
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    index,
    requests,
    request: (id) => byId.get(id),
    settled: async () => {
      await Promise.all([...pending]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
