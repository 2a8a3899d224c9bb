/** The value at quantile `q` (0..1) of `values`, by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Wall and CPU milliseconds a piece of async work took in this process. */
export interface Cost {
  wallMs: number;
  cpuMs: number;
}

/** Runs `work` and returns its wall time and this process's CPU time (user + system). */
export async function measure(work: () => Promise<void>): Promise<Cost> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await work();
  const wallMs = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Rounds to `digits` decimals, for printing and JSON. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Measures several ways of doing the same work against each other: each runs once to warm up
 * (JIT, connection pool), then `rounds` times, the order rotating every round so a slow spell of
 * the machine does not always hit the same one. Returns each way's total wall and CPU time, in
 * the order given.
 */
export async function rotatingRounds(
  ways: ReadonlyArray<() => Promise<void>>,
  rounds: number,
): Promise<Cost[]> {
  for (const way of ways) await way();
  const totals: Cost[] = ways.map(() => ({ wallMs: 0, cpuMs: 0 }));
  for (let round = 0; round < rounds; round += 1) {
    for (let index = 0; index < ways.length; index += 1) {
      const which = (round + index) % ways.length;
      const cost = await measure(ways[which] as () => Promise<void>);
      const total = totals[which] as Cost;
      total.wallMs += cost.wallMs;
      total.cpuMs += cost.cpuMs;
    }
  }
  return totals;
}
