import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { frameChunk, streamTrailer, type WireFormat } from './framing.js';

/** What the server answers to one request. */
export interface WireScript {
  /** SSE framing of the chunks. */
  format: WireFormat;
  /** JSON chunks to stream, in order. */
  chunks?: readonly unknown[] | undefined;
  /** Milliseconds between chunks (default 0: as fast as the socket takes them). */
  paceMs?: number | undefined;
  /** Extra milliseconds to wait before the chunk at an index (a stall, for timeout tests). */
  delaysMs?: Readonly<Record<number, number>> | undefined;
  /** HTTP status (default 200). With a status ≥ 400, `body` is sent as JSON instead of a stream. */
  status?: number | undefined;
  /** Extra response headers, e.g. `retry-after` or `request-id`. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** JSON body for error statuses and non-streaming answers. */
  body?: unknown;
  /** Leave out the format's trailer (`data: [DONE]`). */
  omitTrailer?: boolean | undefined;
  /**
   * Raw text or bytes to write instead of the framed chunk at an index (for fault tests: broken
   * JSON, cut frames, a UTF-8 character split across two TCP writes). `null` closes the
   * connection abruptly (a reset) at that point.
   */
  rawAt?: Readonly<Record<number, string | Uint8Array | null>> | undefined;
}

/** What the server saw of one request and what it wrote back. */
export interface WireRequestRecord {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when not JSON). */
  body: unknown;
  /** Chunks written to the socket before the response ended or the client went away. */
  chunksWritten: number;
  /** `performance.now()` when each chunk was written. */
  chunkWrittenAt: number[];
  /** True when the client closed the connection before the server finished writing. */
  clientClosed: boolean;
  /** `performance.now()` when the socket closed (undefined while it is open). */
  socketClosedAt: number | undefined;
  /** Resolves once the server is done with this request: finished, or the client went away. */
  settled: Promise<void>;
  /** Resolves once the TCP socket carrying this request has closed. */
  socketClosed: Promise<void>;
}

/** Options of {@link createWireServer}. */
export interface WireServerOptions {
  /**
   * Picks the answer for each request. Default: the next script queued with `server.enqueue`,
   * else a 500 in OpenAI's error shape.
   */
  respond?:
    | ((request: { method: string; path: string; headers: IncomingHttpHeaders; body: unknown }) => WireScript)
    | undefined;
}

/** A loopback HTTP server that replays recorded provider streams. */
export interface WireServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly WireRequestRecord[];
  /** Queues the answer to a future request (used when no `respond` option was given). */
  enqueue(script: WireScript): void;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 (a free port) that speaks the providers' streaming wire formats.
 * It stops writing as soon as the client closes the connection and records how far it got: the
 * ground truth for "the abort really closed the request".
 */
export async function createWireServer(options: WireServerOptions = {}): Promise<WireServer> {
  const queue: WireScript[] = [];
  const requests: WireRequestRecord[] = [];
  const respond =
    options.respond ??
    (() =>
      queue.shift() ?? {
        format: 'openai-chat' as const,
        status: 500,
        body: { error: { message: 'wire server: no script queued for this request', type: 'server_error' } },
      });

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    let markSettled!: () => void;
    let markSocketClosed!: () => void;
    const record: WireRequestRecord = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
      chunksWritten: 0,
      chunkWrittenAt: [],
      clientClosed: false,
      socketClosedAt: undefined,
      settled: new Promise((resolve) => {
        markSettled = resolve;
      }),
      socketClosed: new Promise((resolve) => {
        markSocketClosed = resolve;
      }),
    };
    requests.push(record);
    const socket = req.socket;
    const onSocketClose = () => {
      record.socketClosedAt ??= performance.now();
      markSocketClosed();
    };
    if (socket.destroyed) onSocketClose();
    else socket.once('close', onSocketClose);
    res.on('close', () => {
      if (res.writableFinished) {
        // Done and the socket stays for keep-alive: stop listening, or reused sockets pile up listeners.
        socket.off('close', onSocketClose);
      } else {
        record.clientClosed = true;
      }
      markSettled();
    });

    const script = respond({ method: record.method, path: record.path, headers: req.headers, body });
    const status = script.status ?? 200;
    if (status >= 400 || script.chunks === undefined) {
      res.writeHead(status, { 'content-type': 'application/json', ...script.headers });
      res.end(JSON.stringify(script.body ?? {}));
      return;
    }
    res.writeHead(status, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...script.headers,
    });
    res.flushHeaders();
    const paceMs = script.paceMs ?? 0;
    for (const [index, chunk] of script.chunks.entries()) {
      if (res.destroyed || res.writableEnded) return;
      const wait = (index > 0 ? paceMs : 0) + (script.delaysMs?.[index] ?? 0);
      if (wait > 0) await delay(wait);
      if (res.destroyed) return;
      const raw = script.rawAt?.[index];
      if (raw === null) {
        // A TCP reset (RST), as when a proxy or the provider drops the connection.
        socket.resetAndDestroy();
        return;
      }
      res.write(raw ?? frameChunk(script.format, chunk));
      record.chunksWritten += 1;
      record.chunkWrittenAt.push(performance.now());
    }
    if (res.destroyed) return;
    res.end(script.omitTrailer ? '' : streamTrailer(script.format));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (script) => {
      queue.push(script);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of req) pieces.push(piece as Buffer);
  return Buffer.concat(pieces).toString('utf8');
}
