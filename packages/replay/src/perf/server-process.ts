/**
 * A wire server in its own process, so that the benchmark's CPU figures count the client only.
 * Run as a child: `node --import tsx server-process.ts <deltas> <paceMs>`; prints its URL.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { syntheticChatChunks } from '../wire/synthetic-chat.js';
import { createWireServer } from '../wire/wire-server.js';
import { benchDeltas } from './bench-text.js';

/** A running server process. */
export interface ServerProcess {
  url: string;
  close(): Promise<void>;
}

/** Starts the server process answering every request with `deltas` chunks at `paceMs`. */
export async function startServerProcess(options: {
  deltas: number;
  paceMs: number;
}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), String(options.deltas), String(options.paceMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (data: Buffer) => {
      buffered += data.toString();
      const match = /^listening (\S+)$/m.exec(buffered);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited early with code ${code}`)));
  });
  return {
    url,
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
  const chunks = syntheticChatChunks({
    deltas: benchDeltas(deltas),
    usage: { promptTokens: 20, completionTokens: deltas },
  });
  const server = await createWireServer({ respond: () => ({ format: 'openai-chat', chunks, paceMs }) });
  process.stdout.write(`listening ${server.url}\n`);
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
}
