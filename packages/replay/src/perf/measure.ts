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

/** What {@link rotatingRounds} measured: each way's totals, and each round's costs. */
export interface RoundCosts {
  /** Each way's total over the rounds, in the order given. */
  totals: Cost[];
  /** `rounds[r][w]`: way `w`'s cost in round `r`. */
  rounds: Cost[][];
}

/**
 * Measures several ways of doing the same work against each other: each runs once to warm up
 * (JIT, connection pool), then `rounds` times, the order rotating every round so a slow spell of
 * the machine does not always hit the same one. Returns each way's total wall and CPU time, in
 * the order given, and each round's, from which a ratio's spread across rounds shows how much
 * of it is the machine's noise.
 */
export async function rotatingRounds(
  ways: ReadonlyArray<() => Promise<void>>,
  rounds: number,
): Promise<RoundCosts> {
  for (const way of ways) await way();
  const totals: Cost[] = ways.map(() => ({ wallMs: 0, cpuMs: 0 }));
  const perRound: Cost[][] = [];
  for (let round = 0; round < rounds; round += 1) {
    const costs: Cost[] = [];
    for (let index = 0; index < ways.length; index += 1) {
      const which = (round + index) % ways.length;
      const cost = await measure(ways[which] as () => Promise<void>);
      costs[which] = cost;
      const total = totals[which] as Cost;
      total.wallMs += cost.wallMs;
      total.cpuMs += cost.cpuMs;
    }
    perRound.push(costs);
  }
  return { totals, rounds: perRound };
}

/**
 * The lowest and highest per-round ratio of way `over`'s cost to way `under`'s: the spread a
 * total ratio hides. One round's ratio is a noisier figure than the total's; a range that
 * straddles a target says the run cannot tell which side of it the code is.
 */
export function roundRatioRange(
  measured: RoundCosts,
  over: number,
  under: number,
  key: keyof Cost,
): [number, number] {
  const ratios = measured.rounds.map((costs) => (costs[over] as Cost)[key] / (costs[under] as Cost)[key]);
  return [round(Math.min(...ratios)), round(Math.max(...ratios))];
}
