import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above this file holding `name` for which `accept` is true. */
function findUp(name: string, accept: (path: string) => boolean): string | undefined {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(folder, name)) && accept(join(folder, name))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

// Found by walking up rather than by a fixed `../..`: this file runs from src/ and bundled in dist/.
/** The root folder of this package, whether running from src/ or bundled in dist/. */
export const packageRoot =
  findUp('package.json', (path) => {
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === '@stopwise/replay';
    } catch {
      return false;
    }
  }) ?? fileURLToPath(new URL('../..', import.meta.url));

/**
 * The committed sample of recorded outputs (about 40 per shared trace file): what tests and
 * `pnpm demo` use, so both run on a fresh clone with nothing else present.
 */
export const sampleTracesDir = join(packageRoot, 'fixtures', 'traces');

/** The root of the stopwise repository this file sits in, or undefined outside a checkout. */
export function repoRoot(): string | undefined {
  return findUp('pnpm-workspace.yaml', () => true);
}

/**
 * The full shared trace set, `../shared/traces/` beside the repository (where CI puts it), when
 * it exists; undefined otherwise. Resolved from this file's location, never a machine path.
 */
export function sharedTracesDir(): string | undefined {
  const root = repoRoot();
  if (root === undefined) return undefined;
  const folder = resolve(root, '..', 'shared', 'traces');
  return existsSync(folder) ? folder : undefined;
}
