import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { quantile, round } from './measure.js';

const run = promisify(execFile);

/** The median cost of importing one package in a fresh process. */
export interface ImportCost {
  specifier: string;
  /** Milliseconds the `import()` took (node's own start-up excluded). */
  importMs: number;
  /** Heap in use after the import and a garbage collection, in MB. */
  heapMB: number;
  /** Resident set size after the import, in MB (node itself included). */
  rssMB: number;
}

/** One stopwise package against the official SDK it wraps (or stands beside). */
export interface ImportComparison {
  stopwise: ImportCost;
  sdk: ImportCost;
  timeRatio: number;
  heapRatio: number;
  rssRatio: number;
}

/** Import costs of `stopwise`, `@stopwise/openai` and `@stopwise/anthropic` against the SDKs. */
export interface ImportFigures {
  runs: number;
  /** An empty process: what node costs before any import. */
  node: ImportCost;
  comparisons: ImportComparison[];
}

// The replay package depends on every package measured, so bare specifiers resolve from here,
// through the workspace links, to each package's exports map: the built `dist`, as an app sees it.
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const coreDist = fileURLToPath(new URL('../../../core/dist/index.js', import.meta.url));

// Run as an ES module from `packageDir`: the time is taken around the import alone, and the
// memory after a full collection (`--expose-gc`), so garbage the import left is not counted.
const probe = (specifier: string) => `
const started = performance.now();
${specifier === '' ? '' : `await import(${JSON.stringify(specifier)});`}
const importMs = performance.now() - started;
globalThis.gc();
const { heapUsed, rss } = process.memoryUsage();
process.stdout.write(JSON.stringify({ importMs, heapUsed, rss }));
`;

async function importOnce(specifier: string): Promise<{ importMs: number; heapUsed: number; rss: number }> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--input-type=module', '-e', probe(specifier)],
    { cwd: packageDir },
  );
  return JSON.parse(stdout) as { importMs: number; heapUsed: number; rss: number };
}

/** Median import time and memory of `specifier` over `runs` fresh processes, run one at a time. */
export async function measureImport(specifier: string, runs: number): Promise<ImportCost> {
  const samples: Array<{ importMs: number; heapUsed: number; rss: number }> = [];
  // Sequential: processes started together would compete for the same cores and disk cache.
  for (let i = 0; i < runs; i += 1) samples.push(await importOnce(specifier));
  return {
    specifier: specifier === '' ? '(nothing)' : specifier,
    importMs: round(
      quantile(
        samples.map((s) => s.importMs),
        0.5,
      ),
      1,
    ),
    heapMB: round(
      quantile(
        samples.map((s) => s.heapUsed),
        0.5,
      ) / 1e6,
      1,
    ),
    rssMB: round(
      quantile(
        samples.map((s) => s.rss),
        0.5,
      ) / 1e6,
      1,
    ),
  };
}

/**
 * Imports each stopwise package and the official SDK beside it, each in `runs` fresh child
 * processes, and compares medians: the cold-start cost a serverless function pays. Ratios are of
 * the whole import (`@stopwise/openai` imports `openai` too); memory ratios are of the heap and
 * the RSS after import. Measured only when the packages are built (`pnpm build`): the sources
 * run through a TypeScript loader, whose cost would swamp what is measured.
 */
export async function measureImportCost(options: { runs: number }): Promise<ImportFigures | undefined> {
  if (!existsSync(coreDist)) return undefined;
  const { runs } = options;
  const pairs: Array<[string, string]> = [
    ['stopwise', 'openai'],
    ['@stopwise/openai', 'openai'],
    ['@stopwise/anthropic', '@anthropic-ai/sdk'],
  ];
  const sdks = new Map<string, ImportCost>();
  const comparisons: ImportComparison[] = [];
  for (const [ours, theirs] of pairs) {
    const stopwise = await measureImport(ours, runs);
    let sdk = sdks.get(theirs);
    if (sdk === undefined) {
      sdk = await measureImport(theirs, runs);
      sdks.set(theirs, sdk);
    }
    comparisons.push({
      stopwise,
      sdk,
      timeRatio: round(stopwise.importMs / sdk.importMs, 2),
      heapRatio: round(stopwise.heapMB / sdk.heapMB, 2),
      rssRatio: round(stopwise.rssMB / sdk.rssMB, 2),
    });
  }
  return { runs, node: await measureImport('', runs), comparisons };
}
