/**
 * A benchmark worker process (started by `benchWorkers`): loads the traces, then runs the jobs
 * it is sent, one at a time, reporting progress and each job's row over the IPC channel.
 */
import { loadTraces } from '../traces/load-traces.js';
import type { PolicySet } from './policy-sets.js';
import { type BenchRow, runJob } from './run-bench.js';

/** What the parent sends. */
export type WorkerRequest =
  | { type: 'init'; tracesPath: string; limit: number | undefined; serverUrl: string; concurrency: number }
  | { type: 'job'; id: number; file: string; set: PolicySet };

/** What a worker answers. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'calls'; id: number; count: number }
  | { type: 'row'; id: number; row: BenchRow }
  | { type: 'failed'; id: number | undefined; message: string };

// Progress goes up in batches: one IPC message per call would cost more than the call.
const progressEvery = 20;

function send(reply: WorkerReply): void {
  process.send?.(reply);
}

async function main(): Promise<void> {
  const init = await new Promise<WorkerRequest & { type: 'init' }>((resolve) =>
    process.once('message', (message: WorkerRequest) => resolve(message as WorkerRequest & { type: 'init' })),
  );
  const files = new Map(
    (await loadTraces({ path: init.tracesPath, limit: init.limit, onProblem: () => {} })).map((file) => [
      file.name,
      file,
    ]),
  );
  let queue = Promise.resolve();
  process.on('message', (message: WorkerRequest) => {
    if (message.type !== 'job') return;
    queue = queue.then(async () => {
      const file = files.get(message.file);
      if (!file) return send({ type: 'failed', id: message.id, message: `no trace file ${message.file}` });
      let calls = 0;
      const onCall = () => {
        calls += 1;
        if (calls % progressEvery === 0) send({ type: 'calls', id: message.id, count: progressEvery });
      };
      try {
        const row = await runJob({
          file,
          set: message.set,
          serverUrl: init.serverUrl,
          concurrency: init.concurrency,
          onCall,
        });
        send({ type: 'calls', id: message.id, count: calls % progressEvery });
        send({ type: 'row', id: message.id, row });
      } catch (error) {
        send({
          type: 'failed',
          id: message.id,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    });
  });
  // Exit with the parent: its IPC channel closing means nobody will read our answers.
  process.once('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'failed', id: undefined, message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
