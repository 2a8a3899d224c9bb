import { afterEach, beforeEach, expect } from 'vitest';
import { openHandles, settledHandles } from './harness.js';

/**
 * Registers hooks that fail a test which leaves an unhandled rejection, or more open sockets,
 * servers or timers than it started with. Call once at the top of a fault test file.
 */
export function guardAgainstLeaks(): void {
  let unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let baseline: Record<string, number> = {};

  beforeEach(() => {
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
    baseline = openHandles();
  });

  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    const after = await settledHandles(baseline);
    for (const [kind, count] of Object.entries(after)) {
      expect(count, `open ${kind} handles`).toBeLessThanOrEqual(baseline[kind] ?? 0);
    }
  });
}
