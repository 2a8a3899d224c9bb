import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';
import type { StoreValue } from 'stopwise';

/** A list's values queued for Redis, and the length the list is trimmed to. */
export interface PendingAppend {
  values: StoreValue[];
  maxLength: number;
}

/**
 * One send of a store's queued writes, encoded once: a resend carries the very same content under
 * the same number, so Redis can tell it already applied it.
 */
export interface SendBatch {
  /** The keys it writes (without the prefix): what `pendingKeys` counts while it is unconfirmed. */
  readonly names: readonly string[];
  readonly keys: string[];
  readonly arguments: string[];
}

/** The Redis keys a store's sends touch besides the data keys. */
export interface SendKeys {
  prefix: string;
  /** `<prefix>sent:<store id>`: the number of the store's last send Redis applied. */
  marker: string;
  versions: string;
  countersIndex: string;
  listsIndex: string;
}

/**
 * How long Redis remembers a store's last applied send (refreshed by each of its sends): one
 * small key per store instance. A send lost with its reply and sent again after a longer silence
 * (Redis unreachable a week, the process alive) would count twice.
 */
const MARKER_TTL_SECONDS = 7 * 24 * 3600;

// Lua's unpack fails beyond ~8,000 values: a long list is pushed in slices.
const PUSH_SLICE = 1_000;

// A store numbers its sends 1, 2, 3...; it sends the next only once Redis answered the last, so a
// number at or below the marker was applied (a late copy of an old send included). One number
// per store, not one key per send: four sends a second would leave ~150 bytes each in Redis.
// The batch is decoded before anything is written: malformed, the script fails having done
// nothing. Each write is a pcall: a key of the wrong type (someone else's) fails that write
// alone, the batch still counts as applied and is not resent forever.
// (The index sets and versions are the store's own keys: `redis.call`, an error there is a bug.)
const SCRIPT = `
local writes = cjson.decode(ARGV[3])
local last = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) <= last then return {0, {}} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local failed = {}
local applied
-- Runs one write: its error, or nil once applied.
local function try(...)
  local reply = redis.pcall(...)
  if type(reply) == 'table' and reply.err then return reply.err end
  applied = true
end
local function note(err)
  if err then failed[#failed + 1] = err end
end
for i, write in ipairs(writes) do
  local key = KEYS[4 + i]
  applied = false
  if write.push then
    for from = 1, #write.push, ${PUSH_SLICE} do
      note(try('RPUSH', key, unpack(write.push, from, math.min(from + ${PUSH_SLICE - 1}, #write.push))))
    end
    if applied then note(try('LTRIM', key, write.trimFrom, -1)) end
  else
    for _, delta in ipairs(write.incr) do
      local err = try('HINCRBY', key, delta[1], delta[2])
      -- A field an earlier float delta reached refuses HINCRBY: this integer delta goes as a float.
      if err and string.find(err, 'not an integer', 1, true) then
        err = try('HINCRBYFLOAT', key, delta[1], delta[2])
      end
      note(err)
    end
    for _, delta in ipairs(write.incrFloat) do note(try('HINCRBYFLOAT', key, delta[1], delta[2])) end
  end
  -- Indexed only if written: a pull reads each indexed key as the type its index says.
  if applied then
    redis.call('SADD', write.push and KEYS[4] or KEYS[3], write.name)
    redis.call('HINCRBY', KEYS[2], write.name, 1)
  end
end
return {1, failed}
`;
const SCRIPT_SHA1 = createHash('sha1').update(SCRIPT).digest('hex');

/** The writes queued now, as the send numbered `seq` (the maps are read, not kept). */
export function encodeBatch(
  seq: number,
  counters: ReadonlyMap<string, Readonly<Record<string, number>>>,
  appends: ReadonlyMap<string, PendingAppend>,
  keys: SendKeys,
): SendBatch {
  const names: string[] = [];
  const writes: unknown[] = [];
  for (const [key, deltas] of counters) {
    const name = wellFormed(key);
    const incr: [string, string][] = [];
    const incrFloat: [string, string][] = [];
    // Deltas as strings, as node-redis would send them: Lua numbers print 14 digits only.
    for (const [field, delta] of Object.entries(deltas))
      (Number.isInteger(delta) ? incr : incrFloat).push([wellFormed(field), String(delta)]);
    names.push(name);
    writes.push({ name, incr, incrFloat });
  }
  for (const [key, { values, maxLength }] of appends) {
    const name = wellFormed(key);
    names.push(name);
    writes.push({
      name,
      push: values.map((value) => JSON.stringify(value)),
      trimFrom: String(-maxLength),
    });
  }
  return {
    names,
    keys: [
      keys.marker,
      keys.versions,
      keys.countersIndex,
      keys.listsIndex,
      ...names.map((name) => keys.prefix + name),
    ],
    arguments: [String(seq), String(MARKER_TTL_SECONDS), JSON.stringify(writes)],
  };
}

/**
 * Applies `batch` unless Redis already did; resolves with the writes Redis refused (the rest was
 * applied), rejects when the outcome is unknown (connection lost, no answer) or nothing ran.
 */
export async function sendOnce(client: RedisClientType, batch: SendBatch): Promise<string[]> {
  const options = { keys: batch.keys, arguments: batch.arguments };
  let reply: unknown;
  try {
    reply = await client.evalSha(SCRIPT_SHA1, options);
  } catch (error) {
    // Not in Redis's script cache (first send, or Redis restarted): nothing ran, send the script.
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    reply = await client.eval(SCRIPT, options);
  }
  const failed = Array.isArray(reply) ? reply[1] : undefined;
  return Array.isArray(failed) ? failed.map(String) : [];
}

/**
 * The text with lone UTF-16 surrogates replaced by U+FFFD, as node-redis's UTF-8 encoding does to
 * a key: in the batch's JSON they would be `\ud800` escapes, which Redis's cjson refuses, and a
 * batch Redis can never decode would be sent again forever.
 */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
