import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import {
  ConfigError,
  createMemoryStore,
  type LearningStore,
  type StoreEntry,
  type StoreValue,
} from 'stopwise';
import { rejectUnknownOptions } from 'stopwise/adapter';
import { encodeBatch, type PendingAppend, type SendBatch, sendOnce } from './send-once.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** The server, e.g. `redis://127.0.0.1:6379`. Ignored when `client` is given. */
  url?: string | undefined;
  /**
   * A node-redis client of your own (connected or not; the store connects it if needed). The
   * store never closes a client it did not create. Give it `disableOfflineQueue: true`, or
   * commands wait in its memory while Redis is down.
   */
  client?: RedisClientType | undefined;
  /** Prefix of every Redis key the store writes. Default `stopwise:`. */
  prefix?: string | undefined;
  /** Milliseconds between sends of local writes. Default 250. */
  flushEveryMs?: number | undefined;
  /** Milliseconds between pulls of what other instances wrote. Default 5,000. */
  syncEveryMs?: number | undefined;
  /** Milliseconds `flush` and `close` wait for Redis before giving up (the work goes on in the background). Default 2,000. */
  timeoutMs?: number | undefined;
  /** Keys kept locally (see `createMemoryStore`). Default 50,000. */
  maxKeys?: number | undefined;
  /** Hears every failure (connection, timeout, command). Nothing is ever thrown at a caller. */
  onError?: ((error: unknown) => void) | undefined;
}

/** A {@link LearningStore} shared through Redis. */
export interface RedisStore extends LearningStore {
  /** Sends the pending writes, then pulls every key; resolves when done or failed (never rejects). */
  flush(): Promise<void>;
  /** Stops the timers, sends what is pending (within `timeoutMs`), closes a client it created. */
  close(): Promise<void>;
  /** Writes not yet known to be in Redis: keys with deltas or appends queued or in a send not yet answered. */
  readonly pendingKeys: number;
}

/**
 * A {@link LearningStore} over Redis, so that many instances of an app learn together: the
 * tuner's evidence, adaptive length's history and the savings calibration of all of them.
 *
 * Never on the stream's critical path: reads come from a local replica; writes go to the
 * replica at once and to Redis in the background (counters as `HINCRBY`, lists as `RPUSH` +
 * `LTRIM`, one Lua script per send, run atomically); every `syncEveryMs` the replica pulls the
 * keys other instances wrote since its last pull (a per-key write count tells which). When
 * Redis is slow, stalled or down, calls go on with the replica, writes wait in a bounded queue
 * (counter deltas merge per key; appends keep a list's last `maxLength`) and are sent once Redis
 * answers again.
 *
 * Each write counts once in Redis. A send whose answer never came is not sent again while it may
 * still be answered: the next one waits for it, so a stalled server that wakes up counts it once.
 * A send that failed (the connection dropped, perhaps after Redis applied it) is sent again as
 * the same batch under the same number: Redis remembers the number of each store's last applied
 * send (`<prefix>sent:<store id>`, kept 7 days) and skips a send it already applied. Writes made
 * meanwhile go in the next send.
 *
 * @example
 * ```ts
 * import { createClient } from 'stopwise';
 * import { redisStore } from '@stopwise/redis';
 *
 * const store = redisStore({ url: process.env.REDIS_URL, onError: console.warn });
 * const client = createClient({ provider, profile: 'balanced', learn: {}, store });
 * // at shutdown:
 * await store.close();
 * ```
 */
export function redisStore(options: RedisStoreOptions = {}): RedisStore {
  const settings = validate(options);
  const { prefix, timeoutMs } = settings;
  const maxKeys = options.maxKeys ?? 50_000;
  const local = createMemoryStore({ maxKeys: options.maxKeys });
  const ownClient = options.client === undefined;
  const client: RedisClientType =
    options.client ??
    (createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: timeoutMs,
        // Keep trying, at most every two seconds: the store is useful again as soon as Redis is.
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
      },
    }) as RedisClientType);
  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // Nothing left to report to.
    }
  };
  // node-redis emits 'error' on every failed reconnect; unheard, it would crash the process.
  client.on('error', report);
  if (!client.isOpen) client.connect().catch(report);

  const pendingCounters = new Map<string, Record<string, number>>();
  const pendingAppends = new Map<string, PendingAppend>();
  const listLengths = new Map<string, number>();
  // The send in flight: a new one waits for it, so two sends never race.
  let sending: Promise<void> | undefined;
  // The send not yet known to be in Redis: in flight, or failed without an answer (Redis may have
  // applied it before the connection dropped). It goes again as it is, under its number, until
  // Redis answers; merged with newer writes it would be new content under a number Redis may
  // already have applied. At most one batch waits so, beside the queue.
  let unconfirmed: SendBatch | undefined;
  let nextSeq = 1;
  let pulling: Promise<void> | undefined;
  let closed = false;
  const countersIndex = `${prefix}index:counters`;
  const listsIndex = `${prefix}index:lists`;
  // Each key's write count: a pull fetches only the keys whose count moved since it last read
  // them, so an idle store costs one small reply, not the whole store (hundreds of ms of decoding
  // at 11 MB, every `syncEveryMs`).
  const versionsKey = `${prefix}index:versions`;
  const pulledVersions = new Map<string, string>();
  const sendKeys = {
    prefix,
    // One per store instance: the number of its last send Redis applied.
    marker: `${prefix}sent:${randomUUID()}`,
    versions: versionsKey,
    countersIndex,
    listsIndex,
  };

  const send = (): Promise<void> => {
    if (sending) return sending;
    if (!client.isReady) return Promise.resolve(); // down: keep it pending, no error per attempt
    if (!unconfirmed) {
      if (pendingCounters.size === 0 && pendingAppends.size === 0) return Promise.resolve();
      unconfirmed = encodeBatch(nextSeq++, pendingCounters, pendingAppends, sendKeys);
      pendingCounters.clear();
      pendingAppends.clear();
    }
    const batch = unconfirmed;
    sending = sendOnce(client, batch)
      .then(
        (refused) => {
          unconfirmed = undefined;
          // Applied but for these (a key of another type, a field that is no integer): sent
          // again, they would fail again.
          if (refused.length > 0)
            report(new Error(`Redis refused ${refused.length} writes of a send: ${refused.join('; ')}`));
        },
        // Outcome unknown: `unconfirmed` keeps the batch for the next send.
        report,
      )
      .finally(() => {
        sending = undefined;
      });
    return sending;
  };
  const hasPending = () => pendingCounters.size > 0 || pendingAppends.size > 0;

  // Everything pending now: a send in flight carries only what was pending when it started, so
  // `flush` and `close` wait for it and then send what was learnt since (which `close`, awaiting
  // the in-flight send alone, used to drop with the client). A batch sent again goes alone, the
  // queue after it; a failure ends the round (Redis is not answering).
  const sendAll = async (): Promise<void> => {
    if (sending) await sending;
    for (let round = 0; round < 2 && (unconfirmed || hasPending()); round++) {
      await send();
      if (unconfirmed) return;
    }
  };
  const unsentKeys = (): number =>
    new Set([...pendingCounters.keys(), ...pendingAppends.keys(), ...(unconfirmed?.names ?? [])]).size;

  const pull = (): Promise<void> => {
    if (pulling) return pulling;
    // Closed (a flush that raced close): the client is going away, a pull would only fail.
    if (closed || !client.isReady) return Promise.resolve();
    // A pull that outlives `timeoutMs` (a stalled server) is waited for by nobody: `flush` gives
    // up on it, the timers skip pulls until it settles.
    const reader = client;
    pulling = (async () => {
      // Versions first: data read after them is at least as new, so a version recorded here is
      // never ahead of the data it stands for (at worst a key is fetched once more).
      const versions = await reader.hGetAll(versionsKey);
      const [counterKeys, listKeys] = await Promise.all([
        reader.sMembers(countersIndex),
        reader.sMembers(listsIndex),
      ]);
      // A key without a version was written by a version of this store that kept none: fetched
      // every time, as that version did, until a write here gives it one.
      const changed = (key: string) =>
        versions[key] === undefined || versions[key] !== pulledVersions.get(key);
      const known = [...counterKeys, ...listKeys].slice(0, maxKeys).filter(changed);
      const counterSet = new Set(counterKeys);
      const replies = await Promise.all(
        known.map((key) =>
          counterSet.has(key) ? reader.hGetAll(prefix + key) : reader.lRange(prefix + key, 0, -1),
        ),
      );
      known.forEach((key, index) => {
        const reply = replies[index];
        if (counterSet.has(key)) applyCounters(key, reply as Record<string, string>);
        else applyList(key, reply as string[]);
        const version = versions[key];
        if (version === undefined) return;
        if (!pulledVersions.has(key) && pulledVersions.size >= maxKeys)
          pulledVersions.delete(pulledVersions.keys().next().value as string);
        pulledVersions.set(key, version);
      });
    })()
      .catch(report)
      .finally(() => {
        pulling = undefined;
      });
    return pulling;
  };

  // What Redis holds, plus this instance's writes not yet sent: never lose a local write to a pull.
  const applyCounters = (key: string, remote: Record<string, string>): void => {
    const counters: Record<string, number> = {};
    for (const [field, value] of Object.entries(remote)) counters[field] = Number(value);
    for (const [field, delta] of Object.entries(pendingCounters.get(key) ?? {}))
      counters[field] = (counters[field] ?? 0) + delta;
    replaceIfChanged(key, { counters });
  };
  const applyList = (key: string, remote: readonly string[]): void => {
    const values: StoreValue[] = [];
    for (const text of remote) {
      try {
        values.push(JSON.parse(text) as StoreValue);
      } catch {
        // A value this store did not write: skipped.
      }
    }
    const pending = pendingAppends.get(key);
    const max = listLengths.get(key) ?? values.length + (pending?.values.length ?? 0);
    const list = [...values, ...(pending?.values ?? [])].slice(-max);
    replaceIfChanged(key, { list });
  };
  const replaceIfChanged = (key: string, entry: StoreEntry): void => {
    const same =
      JSON.stringify(entry.counters ?? null) === JSON.stringify(local.counters(key) ?? null) &&
      JSON.stringify(entry.list ?? []) === JSON.stringify(local.list(key));
    // An unchanged key keeps its revision: readers keep what they derived from it.
    if (!same) local.replace(key, entry);
  };

  const sendTimer = setInterval(() => void send(), settings.flushEveryMs);
  const pullTimer = setInterval(() => void send().then(pull), settings.syncEveryMs);
  // A store must never keep the process alive on its own.
  sendTimer.unref();
  pullTimer.unref();
  const onReady = () => void send().then(pull);
  client.on('ready', onReady);

  return {
    increment(key, deltas) {
      local.increment(key, deltas);
      mergeCounters(pendingCounters, key, deltas);
    },
    counters: (key) => local.counters(key),
    append(key, value, maxLength) {
      local.append(key, value, maxLength);
      // Bounded like the replica: the longest a pulled list is kept at, per key written here.
      if (!listLengths.has(key) && listLengths.size >= maxKeys)
        listLengths.delete(listLengths.keys().next().value as string);
      listLengths.set(key, maxLength);
      const pending = pendingAppends.get(key) ?? { values: [], maxLength };
      pending.values.push(value);
      pending.maxLength = maxLength;
      if (pending.values.length > maxLength) pending.values.splice(0, pending.values.length - maxLength);
      pendingAppends.set(key, pending);
    },
    list: (key) => local.list(key),
    revision: (key) => local.revision(key),
    async flush() {
      // A stalled server must not hold the caller: the send goes on in the background.
      await Promise.race([sendAll(), delay(timeoutMs)]);
      await Promise.race([pull(), delay(timeoutMs)]);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sendTimer);
      clearInterval(pullTimer);
      const outcome = await Promise.race([
        sendAll().then(() => 'sent' as const),
        delay(timeoutMs).then(() => 'timeout' as const),
      ]);
      if (outcome === 'timeout')
        report(new Error(`Redis did not answer within ${timeoutMs} ms: pending writes dropped at close`));
      else {
        // Redis down (send() keeps writes pending while the client is not ready) or the last
        // send failed and waits to be sent again: they go with the client, which must be said
        // (a send that failed without an answer may be in Redis already).
        const unsent = unsentKeys();
        if (unsent > 0)
          report(
            new Error(
              `Redis unreachable: pending writes to ${unsent} keys dropped at close${unconfirmed ? ' (some in a send Redis may have applied)' : ''}`,
            ),
          );
      }
      client.off('ready', onReady);
      if (!ownClient) {
        // The app's client lives on: it must not keep calling a closed store (its errors
        // reported), nor gather listeners store after store. (Ours keeps its error listener:
        // closing may still emit one, which unheard would crash the process.)
        client.off('error', report);
        return;
      }
      if (outcome === 'sent' && client.isReady) await client.close().catch(report);
      else client.destroy();
    },
    get pendingKeys() {
      return unsentKeys();
    },
  };
}

/** A wait of `ms`; held by the caller of `flush`/`close` (so not unref'd), at most `timeoutMs`. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mergeCounters(
  pending: Map<string, Record<string, number>>,
  key: string,
  deltas: Readonly<Record<string, number>>,
): void {
  const into = pending.get(key) ?? {};
  for (const [field, delta] of Object.entries(deltas)) {
    if (Number.isFinite(delta)) into[field] = (into[field] ?? 0) + delta;
  }
  pending.set(key, into);
}

function validate(
  options: RedisStoreOptions,
): Required<Pick<RedisStoreOptions, 'prefix' | 'flushEveryMs' | 'syncEveryMs' | 'timeoutMs'>> {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object such as { url: "redis://127.0.0.1:6379" }');
  rejectUnknownOptions('', options, [
    'url',
    'client',
    'prefix',
    'flushEveryMs',
    'syncEveryMs',
    'timeoutMs',
    'maxKeys',
    'onError',
  ]);
  if (
    options.client !== undefined &&
    (typeof options.client !== 'object' || typeof options.client.evalSha !== 'function')
  )
    throw new ConfigError('client', 'must be a node-redis client (createClient from "redis")');
  if (options.url !== undefined && (typeof options.url !== 'string' || !URL.canParse(options.url)))
    throw new ConfigError('url', `must be a redis:// URL, got ${JSON.stringify(options.url)}`);
  const prefix = options.prefix ?? 'stopwise:';
  if (typeof prefix !== 'string') throw new ConfigError('prefix', 'must be a string');
  const positive = (field: 'flushEveryMs' | 'syncEveryMs' | 'timeoutMs', fallback: number): number => {
    const value = options[field] ?? fallback;
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0))
      throw new ConfigError(field, `must be a positive number of milliseconds, got ${String(value)}`);
    return value;
  };
  return {
    prefix,
    flushEveryMs: positive('flushEveryMs', 250),
    syncEveryMs: positive('syncEveryMs', 5_000),
    timeoutMs: positive('timeoutMs', 2_000),
  };
}
