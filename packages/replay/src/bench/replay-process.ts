import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A `stopwise-replay` server running in a child process. */
export interface ReplayProcess {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts `stopwise-replay` in its own process on a free port, so that on a multi-core machine
 * the server's work (tokenising, framing, writing) does not share a core with the client's.
 * Under tsx (running from source) the child gets tsx too.
 */
export async function startReplayProcess(options: {
  traces: string;
  tokensPerSecond: number;
}): Promise<ReplayProcess> {
  const fromSource = import.meta.url.endsWith('.ts');
  const cli = fileURLToPath(new URL(fromSource ? '../cli.ts' : '../cli.js', import.meta.url));
  const args = [
    ...(fromSource ? ['--import', 'tsx'] : []),
    cli,
    '--traces',
    options.traces,
    '--port',
    '0',
    '--tokens-per-second',
    String(options.tokensPerSecond),
    '--quiet',
  ];
  // The IPC channel ties the child's life to ours: when this process dies, the channel closes
  // and the server exits (see cli.ts), so no orphan server outlives a killed benchmark.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const { stdout } = child;
  if (!stdout) throw new Error('stopwise-replay: no stdout pipe');
  const url = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: stdout }).once('line', resolve)),
    exited.then((code) => {
      throw new Error(`stopwise-replay exited with code ${code} before listening`);
    }),
  ]);
  return {
    url: url.trim(),
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (child.connected) child.disconnect();
    },
  };
}
