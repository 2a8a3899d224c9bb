import { describe, expect, it } from 'vitest';
import { providerStream } from './provider-stream.js';
import { readAll } from './testing/read-all.js';

class Mapped extends Error {}

async function* parts(fail: boolean): AsyncGenerator<number> {
  yield 1;
  yield 2;
  if (fail) throw new Error('socket hang up');
}

describe('providerStream', () => {
  it('passes parts through and maps an error thrown while reading, keeping what came before', async () => {
    const seen: unknown[] = [];
    const stream = providerStream(
      () => parts(true),
      (error) => {
        seen.push(error);
        return new Mapped(`mapped: ${(error as Error).message}`);
      },
    );
    const { items: values, error } = await readAll(stream);
    expect(values).toEqual([1, 2]);
    expect(error).toBeInstanceOf(Mapped);
    expect((error as Error).message).toBe('mapped: socket hang up');
    expect(seen).toHaveLength(1);
  });

  it('starts on the first read, and maps an error thrown while starting into a rejected read', async () => {
    let started = 0;
    const stream = providerStream<number>(
      () => {
        started += 1;
        throw new Error('bad option');
      },
      (error) => new Mapped((error as Error).message),
    );
    const iterator = stream[Symbol.asyncIterator]();
    expect(started).toBe(0);
    await expect(iterator.next()).rejects.toBeInstanceOf(Mapped);
    expect(started).toBe(1);
  });

  it('closes the inner stream on return, and does not start one that was never read', async () => {
    let closed = false;
    let started = false;
    const make = () =>
      providerStream(
        () => {
          started = true;
          return (async function* () {
            try {
              yield 1;
              yield 2;
            } finally {
              closed = true;
            }
          })();
        },
        (error) => error,
      )[Symbol.asyncIterator]();
    const unread = make();
    await expect(unread.return?.()).resolves.toEqual({ done: true, value: undefined });
    expect(started).toBe(false);
    const read = make();
    expect(await read.next()).toEqual({ done: false, value: 1 });
    await read.return?.();
    expect(closed).toBe(true);
  });
});
