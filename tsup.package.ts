import { defineConfig } from 'tsup';

/**
 * The build every package shares: ESM with declarations, targeting Node 20 and edge runtimes,
 * resolving sibling packages through their built exports (tsconfig.build.json has no paths).
 * Each package's own tsconfig.build.json includes only its `src`: without an `include`,
 * TypeScript takes every file under the root as input, other packages' `dist` too, which made a
 * declaration build fail when it ran while a sibling package was rebuilding its `dist`.
 */
export function packageConfig(entry: Record<string, string>) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
  });
}
