import { defineConfig } from 'tsup';

/**
 * The build every package shares: ESM with declarations, targeting Node 20 and edge runtimes,
 * resolving sibling packages through their built exports (tsconfig.build.json has no paths).
 */
export function packageConfig(entry: Record<string, string>) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: '../../tsconfig.build.json',
  });
}
