/**
 * A wire server in its own process, so that the benchmark's CPU figures count the client only,
 * and so that what the server sees (a socket closing) is not delayed by the client's own work
 * on the same event loop. Run as a child: `node --import tsx server-process.ts <deltas> <paceMs>
 * [report]`; prints its URL and, with `report`, one `request {...}` line per request once its
 * socket closed. Requests to `/v1/messages` get the Anthropic wire format, all others OpenAI's.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { syntheticAnthropicChunks } from '../wire/synthetic-anthropic.js';
import { syntheticChatChunks } from '../wire/synthetic-chat.js';
import { createWireServer } from '../wire/wire-server.js';
import { benchDeltas } from './bench-text.js';

/** What the server process saw of one request, in epoch milliseconds (`epochNow`). */
export interface ServedRequest {
  /** Arrival order, from 0. */
  index: number;
  /** When each chunk was written. */
  chunkWrittenAt: number[];
  /** When the socket closed. */
  socketClosedAt: number;
}

/** A running server process. */
export interface ServerProcess {
  url: string;
  /**
   * What the server saw of the `index`-th request (from 0), once its socket has closed. Only
   * with `report`: parsing the reports costs the client CPU the overhead figures would count.
   */
  served(index: number): Promise<ServedRequest>;
  close(): Promise<void>;
}

/**
 * Milliseconds since the epoch, with the sub-millisecond precision of `performance.now()`:
 * comparable between processes on one machine.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Starts the server process answering every request with `deltas` chunks at `paceMs`. */
export async function startServerProcess(options: {
  deltas: number;
  paceMs: number;
  report?: boolean | undefined;
}): Promise<ServerProcess> {
  const args = [fileURLToPath(import.meta.url), String(options.deltas), String(options.paceMs)];
  if (options.report) args.push('report');
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const served = new Map<number, ServedRequest>();
  const waiting = new Map<number, (request: ServedRequest) => void>();
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (data: Buffer) => {
      buffered += data.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const listening = /^listening (\S+)$/.exec(line);
        if (listening?.[1]) resolve(listening[1]);
        if (!line.startsWith('request ')) continue;
        const request = JSON.parse(line.slice('request '.length)) as ServedRequest;
        served.set(request.index, request);
        waiting.get(request.index)?.(request);
        waiting.delete(request.index);
      }
    });
    child.once('exit', (code) => reject(new Error(`bench server exited early with code ${code}`)));
  });
  return {
    url,
    served: (index) => {
      const known = served.get(index);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiting.set(index, resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const deltas = Number(process.argv[2] ?? 300);
  const paceMs = Number(process.argv[3] ?? 0);
  const report = process.argv[4] === 'report';
  const chunks = syntheticChatChunks({
    deltas: benchDeltas(deltas),
    usage: { promptTokens: 20, completionTokens: deltas },
  });
  const anthropicChunks = syntheticAnthropicChunks({ deltas: benchDeltas(deltas) });
  // The server's records use performance.now() of this process: shift them to the epoch.
  const toEpoch = (at: number) => performance.timeOrigin + at;
  let served = 0;
  const server = await createWireServer({
    respond: (request) => {
      // The server adds a request's record just before asking for its answer: the n-th answer
      // is for the n-th record.
      const index = served;
      served += 1;
      const record = server.requests[index];
      if (report) {
        void record?.socketClosed.then(() => {
          const line: ServedRequest = {
            index,
            chunkWrittenAt: record.chunkWrittenAt.map(toEpoch),
            socketClosedAt: toEpoch(record.socketClosedAt ?? Number.NaN),
          };
          process.stdout.write(`request ${JSON.stringify(line)}\n`);
        });
      }
      return request.path.endsWith('/messages')
        ? { format: 'anthropic', chunks: anthropicChunks, paceMs }
        : { format: 'openai-chat', chunks, paceMs };
    },
  });
  process.stdout.write(`listening ${server.url}\n`);
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
}
