import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient as createRedisClient, type RedisClientType } from 'redis';
import { ConfigError, createClient } from 'stopwise';
import { tunerEvidenceIn } from 'stopwise/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from './redis-server.test-util.js';
import { type RedisStore, redisStore } from './redis-store.js';
import { startReplyDroppingProxy } from './reply-dropping-proxy.test-util.js';

let redis: TestRedis;
const stores: RedisStore[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await redis?.stop();
});

let prefixes = 0;
/**
 * A store connected through a proxy that drops the reply to its next send: only `flush()` sends
 * (long timers), so a test knows which send loses its reply. One send has gone through already.
 */
async function openBeforeLostReply(): Promise<{
  proxy: Awaited<ReturnType<typeof startReplyDroppingProxy>>;
  store: RedisStore;
  errors: unknown[];
}> {
  const proxy = await startReplyDroppingProxy(redis.port);
  const { store, errors } = open({
    url: proxy.url,
    flushEveryMs: 60_000,
    syncEveryMs: 60_000,
    timeoutMs: 2_000,
  });
  store.increment('warm', { n: 1 });
  await until(() => store.pendingKeys === 0);
  proxy.dropNextApplyReply();
  return { proxy, store, errors };
}

function open(options: Parameters<typeof redisStore>[0] = {}): { store: RedisStore; errors: unknown[] } {
  const errors: unknown[] = [];
  const store = redisStore({
    url: redis.url,
    prefix: `test${++prefixes}:`,
    flushEveryMs: 20,
    syncEveryMs: 100,
    timeoutMs: 300,
    onError: (error) => errors.push(error),
    ...options,
  });
  stores.push(store);
  return { store, errors };
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Flushes until nothing is pending: through a reconnect, or on a loaded machine.
async function flushUntilSent(store: RedisStore): Promise<void> {
  for (let tries = 0; tries < 100 && store.pendingKeys > 0; tries++) {
    await store.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(store.pendingKeys).toBe(0);
}

// What a store reported of writes Redis refused (a loaded machine adds connection timeouts).
const refusals = (errors: unknown[]) => errors.map(String).filter((text) => text.includes('refused'));

describe('redisStore against a real redis-server', () => {
  it("two processes learning together: each sees the other's evidence", async () => {
    const { store } = open({ prefix: 'shared:' });
    const evidence = tunerEvidenceIn(store);
    for (let i = 0; i < 50; i++)
      evidence.add('bucket-a', [{ step: 0, observations: 1, lost: 0, tokensSaved: 3 }], 'parent');
    await until(() => store.pendingKeys === 0);
    const child = fileURLToPath(new URL('./learner-process.test-util.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', child, redis.url, 'bucket-a', '100'],
      {
        cwd: root,
        env: { ...process.env, STOPWISE_REDIS_PREFIX: 'shared:' },
      },
    );
    // The child saw the parent's 50 and its own 100.
    const seenByChild = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(seenByChild.totals).toEqual({ observations: 150, lost: 10, tokensSaved: 850 });
    expect(seenByChild.contributors).toBe(2);
    // And the parent sees the child's after its next sync.
    await store.flush();
    expect(evidence.read('bucket-a', 1)[0]).toEqual({ observations: 150, lost: 10, tokensSaved: 850 });
    expect(evidence.contributors('bucket-a')).toBe(2);
  });

  it('Redis restarted in the middle of a run: no error reaches the caller, writes made while it was down arrive once', async () => {
    const { store, errors } = open();
    for (let i = 0; i < 10; i++) store.increment('k', { n: 1 });
    await until(() => store.pendingKeys === 0);
    await redis.kill();
    for (let i = 0; i < 25; i++) store.increment('k', { n: 1 }); // never throws
    store.append('list', { at: 1 }, 5);
    expect(store.counters('k')).toEqual({ n: 35 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(store.pendingKeys).toBe(2);
    await redis.start();
    await until(() => store.pendingKeys === 0, 10_000);
    const { store: reader } = open({ prefix: `test${prefixes}:` });
    await until(() => reader.counters('k')?.n === 35, 5_000);
    expect(reader.list('list')).toEqual([{ at: 1 }]);
    expect(errors.length).toBeGreaterThan(0); // the outage was reported to onError, not thrown
  });

  it('Redis stalled: calls and reads go on at once, flush and close return, each write counts once', async () => {
    const { store } = open();
    store.increment('k', { n: 1 });
    await until(() => store.pendingKeys === 0);
    redis.pause();
    try {
      const started = performance.now();
      for (let i = 0; i < 1_000; i++) store.increment('k', { n: 1 });
      expect(store.counters('k')).toEqual({ n: 1_001 });
      await store.flush(); // gives up on the stalled server after timeoutMs, does not hang
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      redis.resume();
    }
    await until(() => store.pendingKeys === 0, 10_000);
    const { store: reader } = open({ prefix: `test${prefixes - 0}:` });
    await until(() => reader.counters('k')?.n !== undefined, 5_000);
    await reader.flush();
    expect(reader.counters('k')).toEqual({ n: 1_001 });
  });

  it('a send Redis applied but whose reply was lost: sent again, each write counts once', async () => {
    const { proxy, store, errors } = await openBeforeLostReply();
    try {
      store.increment('k', { n: 1, share: 0.25 });
      store.append('list', { at: 1 }, 5);
      store.append('list', { at: 2 }, 5);
      await store.flush(); // Redis applies the send; its reply never comes, the connection drops
      await until(() => proxy.dropped === 1 && errors.length > 0);
      store.increment('k', { n: 2 }); // learnt while the lost send waits to be sent again
      store.append('list', { at: 3 }, 5);
      await flushUntilSent(store); // through the proxy again, once reconnected
      const reader = createRedisClient({ url: redis.url }) as RedisClientType;
      await reader.connect();
      const prefix = `test${prefixes}:`;
      const [counters, list] = await Promise.all([
        reader.hGetAll(`${prefix}k`),
        reader.lRange(`${prefix}list`, 0, -1),
      ]);
      await reader.close();
      expect(counters).toEqual({ n: '3', share: '0.25' });
      expect(list).toEqual(['{"at":1}', '{"at":2}', '{"at":3}']);
      expect(store.counters('k')).toEqual({ n: 3, share: 0.25 });
    } finally {
      await proxy.close();
    }
  });

  it('close() after a lost reply, Redis unreachable: says the dropped writes may be in Redis', async () => {
    const { proxy, store, errors } = await openBeforeLostReply();
    store.increment('k', { n: 1 });
    store.append('list', { at: 1 }, 5);
    await store.flush();
    await until(() => proxy.dropped === 1);
    await proxy.close(); // no way back to Redis
    expect(store.pendingKeys).toBe(2);
    await store.close();
    expect(errors).toContainEqual(
      expect.objectContaining({
        message:
          'Redis unreachable: pending writes to 2 keys dropped at close (some in a send Redis may have applied)',
      }),
    );
  });

  it('writes Redis cannot apply fail alone: the rest counts once, nothing is sent forever', async () => {
    const { store, errors } = open({ flushEveryMs: 60_000, syncEveryMs: 60_000, timeoutMs: 2_000 });
    const prefix = `test${prefixes}:`;
    const own = createRedisClient({ url: redis.url }) as RedisClientType;
    await own.connect();
    try {
      await own.set(`${prefix}taken`, 'a string, not a hash');
      store.increment('taken', { n: 1 });
      store.increment('good', { n: 1 });
      store.increment('\ud800lone', { n: 1 }); // a lone surrogate, which Redis's JSON decoder refuses
      const long = Array.from({ length: 9_000 }, (_, at) => ({ at }));
      for (const value of long) store.append('long', value, 10_000); // more than Lua unpacks at once
      await flushUntilSent(store);
      await store.flush();
      await store.flush(); // nothing left to send again
      expect(await own.hGetAll(`${prefix}good`)).toEqual({ n: '1' });
      expect(await own.hGetAll(`${prefix}\ufffdlone`)).toEqual({ n: '1' });
      expect(await own.lLen(`${prefix}long`)).toBe(9_000);
      expect(await own.lIndex(`${prefix}long`, -1)).toBe('{"at":8999}');
      expect(refusals(errors)).toEqual([
        expect.stringMatching(/^Error: Redis refused 1 writes of a send: WRONGTYPE/),
      ]);
    } finally {
      await own.close();
    }
  });

  it('a field a float delta reached takes integer deltas too', async () => {
    const { store, errors } = open({ flushEveryMs: 60_000, syncEveryMs: 60_000, timeoutMs: 2_000 });
    store.increment('coverage', { shift: 0.5 });
    await flushUntilSent(store);
    store.increment('coverage', { shift: 1 }); // an integer: HINCRBY, which a float field refuses
    await flushUntilSent(store);
    const { store: reader } = open({ prefix: `test${prefixes}:` });
    await until(() => reader.counters('coverage') !== undefined);
    expect(reader.counters('coverage')).toEqual({ shift: 1.5 });
    expect(refusals(errors)).toEqual([]);
  });

  it('a client over an unreachable Redis still streams, learns locally, and reports the outage', async () => {
    const errors: unknown[] = [];
    const store = redisStore({
      url: 'redis://127.0.0.1:1',
      timeoutMs: 200,
      onError: (error) => errors.push(error),
    });
    stores.push(store);
    const client = createClient({
      provider: {
        name: 'test',
        async *stream() {
          yield { type: 'stream-start' };
          yield { type: 'text-delta', delta: 'So the answer is 4.' };
          yield {
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: { inputTokens: 3, outputTokens: 6 },
          };
        },
      },
      profile: 'balanced',
      learn: { holdoutFloor: 1 },
      store,
    });
    const result = await client.generate({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is 2+2?' }],
    });
    expect(result.outcome).toBe('finish');
    expect(result.text).toBe('So the answer is 4.');
    await until(() => errors.length > 0);
  });

  it('a pull fetches only the keys written since the last one', async () => {
    const prefix = `test${++prefixes}:`;
    const { store: writer } = open({ prefix });
    // The reader's own client, its data reads counted by key (the replies are the server's).
    const fetched: string[] = [];
    const own = createRedisClient({ url: redis.url }) as RedisClientType;
    await own.connect();
    const counted = new Proxy(own, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property === 'hGetAll' || property === 'lRange')
          return (key: string, ...rest: unknown[]) => {
            if (key.startsWith(prefix) && !key.startsWith(`${prefix}index:`))
              fetched.push(key.slice(prefix.length));
            return (value as (...args: unknown[]) => unknown).call(target, key, ...rest);
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const { store: reader } = open({ prefix, client: counted, syncEveryMs: 60_000, timeoutMs: 5_000 });
    for (const key of ['a', 'b', 'c']) writer.increment(key, { n: 1 });
    writer.append('list', { at: 1 }, 10);
    await flushUntilSent(writer);
    await reader.flush();
    expect(fetched.sort()).toEqual(['a', 'b', 'c', 'list']);
    fetched.length = 0;
    await reader.flush();
    expect(fetched).toEqual([]);
    writer.increment('b', { n: 2 });
    writer.append('list', { at: 2 }, 10);
    await flushUntilSent(writer);
    await reader.flush();
    expect(fetched.sort()).toEqual(['b', 'list']);
    expect(reader.counters('b')).toEqual({ n: 3 });
    expect(reader.list('list')).toEqual([{ at: 1 }, { at: 2 }]);
    // A key an older store wrote (no version) is fetched at every pull, as it used to be.
    await own.hSet(`${prefix}legacy`, 'n', '7');
    await own.sAdd(`${prefix}index:counters`, 'legacy');
    fetched.length = 0;
    await reader.flush();
    await reader.flush();
    expect(fetched).toEqual(['legacy', 'legacy']);
    expect(reader.counters('legacy')).toEqual({ n: 7 });
    await reader.close();
    await own.close();
  });

  it('close() sends the writes made while an earlier send was still in flight', async () => {
    // No timer sends: only flush() and close() do, so the test decides what is in flight.
    const { store, errors } = open({ flushEveryMs: 60_000, syncEveryMs: 60_000 });
    store.increment('warm', { n: 1 });
    await until(() => store.pendingKeys === 0); // connected: the 'ready' send went out
    store.increment('a', { n: 1 });
    const flushing = store.flush(); // sends 'a'; its answer has not come yet
    store.increment('b', { n: 1 }); // learnt meanwhile: the next send's
    store.append('list', { at: 1 }, 5);
    await store.close();
    await flushing;
    const reader = createRedisClient({ url: redis.url }) as RedisClientType;
    await reader.connect();
    const prefix = `test${prefixes}:`;
    expect(await reader.hGetAll(`${prefix}a`)).toEqual({ n: '1' });
    expect(await reader.hGetAll(`${prefix}b`)).toEqual({ n: '1' });
    expect(await reader.lRange(`${prefix}list`, 0, -1)).toEqual(['{"at":1}']);
    await reader.close();
    expect(errors).toEqual([]);
  });

  it('close() over an unreachable Redis says which writes it drops', async () => {
    const errors: unknown[] = [];
    const store = redisStore({ url: 'redis://127.0.0.1:1', timeoutMs: 200, onError: (e) => errors.push(e) });
    store.increment('k', { n: 1 });
    store.append('list', { at: 1 }, 5);
    await store.close();
    expect(errors).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(/pending writes to 2 keys dropped at close/),
      }),
    );
  });

  it("close() leaves the app's own client as it found it: no listeners of the closed store", async () => {
    const own = createRedisClient({ url: redis.url }) as RedisClientType;
    await own.connect();
    try {
      const before = { ready: own.listenerCount('ready'), error: own.listenerCount('error') };
      for (let i = 0; i < 3; i++) {
        const { store } = open({ client: own });
        store.increment('k', { n: 1 });
        await store.close();
      }
      expect({ ready: own.listenerCount('ready'), error: own.listenerCount('error') }).toEqual(before);
      expect(own.isReady).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('refuses bad options with a ConfigError naming the field', () => {
    expect(() => redisStore({ url: 'not a url' })).toThrow(ConfigError);
    expect(() => redisStore({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => redisStore({ timeoutMS: 100 } as never)).toThrow(
      /Invalid `timeoutMS`.*did you mean `timeoutMs`/,
    );
  });
});
