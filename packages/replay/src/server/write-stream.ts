import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Frame } from './frames.js';

/** What {@link writeStream} reports as it goes: the ground truth of what was sent. */
export interface WriteProgress {
  /** Output tokens in the frames handed to the socket. */
  tokensWritten: number;
  framesWritten: number;
}

// At full speed, frames are gathered into writes of about this size: one syscall per token
// would cost more than everything else the server does.
const batchBytes = 1024;

const waitWritable = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });

/**
 * Writes `frames` to `res` at `tokensPerSecond` (token `k` is due `k / rate` seconds after the
 * first; 0 = as fast as the socket takes them, honouring backpressure), and stops as soon as
 * the client goes away. Counts, in `progress`, the tokens of every frame handed to the socket.
 * Resolves true when every frame was written.
 */
export async function writeStream(
  res: ServerResponse,
  frames: Iterable<Frame>,
  tokensPerSecond: number,
  progress: WriteProgress,
): Promise<boolean> {
  const started = performance.now();
  let due = 0;
  let batch = '';
  let batchTokens = 0;
  let batchFrames = 0;
  const closed = () => res.destroyed || res.writableEnded;
  const flush = async () => {
    if (batch === '' || closed()) return;
    const writable = res.write(batch);
    progress.tokensWritten += batchTokens;
    progress.framesWritten += batchFrames;
    batch = '';
    batchTokens = 0;
    batchFrames = 0;
    if (!writable) await waitWritable(res);
  };
  for (const frame of frames) {
    if (closed()) return false;
    if (tokensPerSecond > 0 && frame.tokens > 0) {
      const wait = started + (due * 1000) / tokensPerSecond - performance.now();
      if (wait >= 1) {
        await flush();
        await delay(wait);
        if (closed()) return false;
      }
      due += frame.tokens;
    }
    batch += frame.text;
    batchTokens += frame.tokens;
    batchFrames += 1;
    if (tokensPerSecond > 0 || batch.length >= batchBytes) await flush();
  }
  await flush();
  if (closed()) return false;
  res.end();
  return true;
}
