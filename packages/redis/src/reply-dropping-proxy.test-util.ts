import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy between a Redis client and a real `redis-server` that can lose one reply: the
 * connection drops after Redis ran a write but before its answer reached the client, the one
 * failure a client cannot tell apart from a write that never arrived.
 */
export interface ReplyDroppingProxy {
  /** Where the client connects, e.g. `redis://127.0.0.1:40123`. */
  readonly url: string;
  /**
   * The next reply to a command that applies writes (`EXEC`, `EVAL`, `EVALSHA`) is not forwarded:
   * the client's connection is destroyed instead. Redis still gets the whole request and runs it.
   * A `NOSCRIPT` error is forwarded (nothing ran; the client sends the script itself next).
   */
  dropNextApplyReply(): void;
  /** Replies dropped so far. */
  readonly dropped: number;
  close(): Promise<void>;
}

// A command name as a RESP bulk string, e.g. `$4\r\nEXEC\r\n`.
const applyCommand = /\r\n(?:EXEC|EVAL|EVALSHA)\r\n/i;

/** Starts the proxy on a free loopback port, forwarding to Redis on `redisPort`. */
export async function startReplyDroppingProxy(redisPort: number): Promise<ReplyDroppingProxy> {
  let armed = false;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server = createServer((downstream) => {
    const upstream = createConnection({ port: redisPort, host: '127.0.0.1' });
    sockets.add(downstream);
    sockets.add(upstream);
    // Set once the apply command went to Redis: its reply is the one to lose.
    let holding = false;
    downstream.on('data', (chunk) => {
      if (armed && applyCommand.test(chunk.toString('latin1'))) holding = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (holding && !chunk.toString('latin1').startsWith('-NOSCRIPT')) {
        armed = false;
        holding = false;
        dropped++;
        downstream.destroy();
        // A half close, not a reset: Redis runs all it was sent before it sees the end.
        upstream.end();
        return;
      }
      holding = false;
      if (!downstream.destroyed) downstream.write(chunk);
    });
    const closeBoth = () => {
      downstream.destroy();
      upstream.end();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    downstream.on('close', closeBoth);
    upstream.on('close', () => downstream.destroy());
    downstream.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy has no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    dropNextApplyReply: () => {
      armed = true;
    },
    get dropped() {
      return dropped;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
