import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { tunerEvidenceIn } from '../store/store-views.js';
import { eventLoopTurnsDuring } from '../testing/event-loop-turns.js';
import { fileStore } from './file-store.js';

const dir = () => mkdtempSync(join(tmpdir(), 'stopwise-store-'));

describe('fileStore', () => {
  it('keeps what was learned across a restart', async () => {
    const path = join(dir(), 'learned.json');
    const first = fileStore({ path, flushEveryMs: 0 });
    tunerEvidenceIn(first).add('bucket', [{ step: 1, observations: 3, lost: 1, tokensSaved: 90 }], 'ann');
    first.append('length:k', { tokens: 12, censored: false }, 10);
    await first.close();

    const second = fileStore({ path, flushEveryMs: 0 });
    expect(tunerEvidenceIn(second).read('bucket', 2)[1]).toEqual({
      observations: 3,
      lost: 1,
      tokensSaved: 90,
    });
    expect(tunerEvidenceIn(second).contributors('bucket')).toBe(1);
    expect(second.list('length:k')).toEqual([{ tokens: 12, censored: false }]);
    await second.close();
  });

  it('says once that it learnt after close(), and a second close() writes it', async () => {
    const path = join(dir(), 'learned.json');
    const errors: string[] = [];
    const store = fileStore({ path, flushEveryMs: 0, onError: (error) => void errors.push(String(error)) });
    store.append('length:k', { tokens: 1, censored: false }, 10);
    await store.close();
    store.append('length:k', { tokens: 2, censored: false }, 10);
    store.append('length:k', { tokens: 3, censored: false }, 10);
    expect(errors).toEqual([expect.stringMatching(/learnt after close\(\); kept in memory/)]);
    await store.close();
    const reopened = fileStore({ path, flushEveryMs: 0 });
    expect(reopened.list('length:k')).toHaveLength(3);
    await reopened.close();
  });

  it('writes atomically: a crash between the temporary write and the rename leaves the last whole file', async () => {
    const path = join(dir(), 'learned.json');
    const store = fileStore({ path, flushEveryMs: 0 });
    store.increment('k', { a: 1 });
    await store.flush();
    // What a crash mid-write leaves behind: a half-written temporary file beside the real one.
    writeFileSync(`${path}.${process.pid}.tmp`, '{"version":1,"entries":[["k",{"cou');
    const reopened = fileStore({ path, flushEveryMs: 0 });
    expect(reopened.counters('k')).toEqual({ a: 1 });
    store.increment('k', { a: 1 });
    await store.flush();
    expect(JSON.parse(readFileSync(path, 'utf8')).entries).toEqual([['k', { counters: { a: 2 } }]]);
    await Promise.all([store.close(), reopened.close()]);
  });

  it('writes a large store a slice at a time, letting the event loop run between slices', async () => {
    const path = join(dir(), 'learned.json');
    const store = fileStore({ path, flushEveryMs: 0 });
    // About 1.5 MB of JSON: what a few dozen busy buckets hold.
    for (let key = 0; key < 300; key += 1) {
      for (let sample = 0; sample < 500; sample += 1) store.append(`savings:b${key}:lengths`, sample, 500);
    }
    const turns = await eventLoopTurnsDuring(() => store.flush());
    // Written in one synchronous stretch, as it was, the flush let no other work run at all.
    expect(turns).toBeGreaterThan(10);
    const written = JSON.parse(readFileSync(path, 'utf8'));
    expect(written.entries).toHaveLength(300);
    expect(written.entries[299][1].list).toHaveLength(500);
    await store.close();
  });

  it('what is learnt while a write is under way is written by the next flush; flushes queue', async () => {
    const path = join(dir(), 'learned.json');
    const store = fileStore({ path, flushEveryMs: 0 });
    store.increment('k', { a: 1 });
    const first = store.flush();
    // The write has taken its snapshot and is waiting for the disk.
    await new Promise((resolve) => setImmediate(resolve));
    store.increment('k', { a: 1 });
    await first;
    // Whether or not that write caught the change, the store knows it may not have: the next
    // flush writes again.
    rmSync(path);
    await store.flush();
    const onDisk = () => JSON.parse(readFileSync(path, 'utf8')).entries;
    expect(onDisk()).toEqual([['k', { counters: { a: 2 } }]]);
    store.increment('k', { a: 1 });
    await Promise.all([store.flush(), store.flush()]);
    expect(onDisk()).toEqual([['k', { counters: { a: 3 } }]]);
    await store.close();
  });

  it('refuses a file it did not write, instead of overwriting it', () => {
    const path = join(dir(), 'other.json');
    writeFileSync(path, '{"some":"config"}');
    expect(() => fileStore({ path })).toThrow(ConfigError);
    writeFileSync(path, 'not json');
    expect(() => fileStore({ path })).toThrow(/is not JSON/);
  });

  it('a failed write goes to onError and is tried again at the next flush', async () => {
    const errors: unknown[] = [];
    const path = join(dir(), 'missing-folder', 'learned.json');
    const store = fileStore({ path, flushEveryMs: 0, onError: (error) => errors.push(error) });
    store.increment('k', { a: 1 });
    await store.flush();
    expect(errors).toHaveLength(1);
    expect(store.counters('k')).toEqual({ a: 1 });
    await store.close();
    expect(errors).toHaveLength(2);
  });
});
