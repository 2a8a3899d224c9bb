/**
 * A second process of an app, for the Redis store tests: adds tuner evidence through its own
 * store, syncs, and prints what it then reads of the bucket (the other process's writes too).
 * Run as `node --import tsx learner-process.test-util.ts <redis url> <bucket> <observations>`.
 */
import { tunerEvidenceIn } from 'stopwise/adapter';
import { redisStore } from './redis-store.js';

const [url, bucket, count] = process.argv.slice(2);
const store = redisStore({
  url,
  prefix: process.env.STOPWISE_REDIS_PREFIX,
  syncEveryMs: 60_000,
  onError: (error) => console.error(String(error)),
});
const evidence = tunerEvidenceIn(store);
for (let i = 0; i < Number(count); i++) {
  evidence.add(
    bucket as string,
    [{ step: 0, observations: 1, lost: i % 10 === 0 ? 1 : 0, tokensSaved: 7 }],
    'child',
  );
}
// Wait for the connection, then send and pull.
for (let tries = 0; tries < 50 && store.pendingKeys > 0; tries++) {
  await store.flush();
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await store.flush();
process.stdout.write(
  `${JSON.stringify({ totals: evidence.read(bucket as string, 1)[0], contributors: evidence.contributors(bucket as string) })}\n`,
);
await store.close();
