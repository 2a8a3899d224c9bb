import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerReply, WorkerRequest } from './bench-worker.js';
import type { BenchExecutor, BenchRow } from './run-bench.js';

/** Options of {@link benchWorkers}. */
export interface BenchWorkersOptions {
  /** Worker processes (each runs one job at a time). */
  count: number;
  /** The trace path and per-file limit the benchmark loaded (each worker loads the same). */
  tracesPath: string;
  limit: number | undefined;
  serverUrl: string;
  /** Calls in flight within a job. */
  concurrency: number;
}

/** A pool of benchmark worker processes, as an executor for `runBench`. */
export interface BenchWorkers {
  run: BenchExecutor;
  parallel: number;
  close(): Promise<void>;
}

interface Pending {
  resolve: (row: BenchRow) => void;
  reject: (error: Error) => void;
  onCall: () => void;
}

/**
 * Starts `count` worker processes for the benchmark. A Node process runs its JavaScript on one
 * core; the client side (SDKs, stopwise, policies) is most of the benchmark's work, so with one
 * worker per core and the replay server in its own process the machine's cores all work. Each
 * worker keeps its own process-wide state (the adaptive-length history), so jobs never mix.
 */
export async function benchWorkers(options: BenchWorkersOptions): Promise<BenchWorkers> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(
    new URL(fromSource ? './bench-worker.ts' : './bench-worker.js', import.meta.url),
  );
  const pending = new Map<number, Pending>();
  const idle: ChildProcess[] = [];
  const waiting: Array<(child: ChildProcess) => void> = [];
  let nextId = 0;

  const release = (child: ChildProcess) => {
    const next = waiting.shift();
    if (next) next(child);
    else idle.push(child);
  };
  const start = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = fork(entry, [], {
        execArgv: fromSource ? ['--import', 'tsx'] : [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') return resolve(child);
        const job = reply.id === undefined ? undefined : pending.get(reply.id);
        if (reply.type === 'calls') {
          for (let i = 0; i < reply.count; i += 1) job?.onCall();
          return;
        }
        if (reply.type === 'failed' && reply.id === undefined)
          return reject(new Error(`bench worker failed: ${reply.message}`));
        if (reply.id !== undefined) pending.delete(reply.id);
        if (reply.type === 'row') job?.resolve(reply.row);
        else job?.reject(new Error(`bench worker: ${reply.message}`));
        release(child);
      });
      child.once('exit', (code) => {
        for (const job of pending.values()) job.reject(new Error(`bench worker exited (code ${code})`));
        reject(new Error(`bench worker exited (code ${code}) before it was ready`));
      });
      const init: WorkerRequest = { type: 'init', ...options };
      child.send(init);
    });
  const children = await Promise.all(Array.from({ length: Math.max(1, options.count) }, start));
  idle.push(...children);

  const run: BenchExecutor = async (job, onCall) => {
    const child = idle.pop() ?? (await new Promise<ChildProcess>((resolve) => waiting.push(resolve)));
    const id = nextId++;
    return new Promise<BenchRow>((resolve, reject) => {
      pending.set(id, { resolve, reject, onCall });
      const request: WorkerRequest = { type: 'job', id, file: job.file.name, set: job.set };
      child.send(request);
    });
  };
  return {
    run,
    parallel: children.length,
    close: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.disconnect();
            }),
        ),
      );
    },
  };
}
