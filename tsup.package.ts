import { defineConfig } from 'tsup';

/**
 * The build every package shares: ESM (`.js`) and CommonJS (`.cjs`) with declarations for each
 * (`.d.ts`, `.d.cts`), targeting Node 20 and edge runtimes, resolving sibling packages through
 * their built exports (tsconfig.build.json has no paths).
 *
 * `splitting` is on for both formats: without it the CommonJS build gives every entry (the root,
 * `stopwise/adapter`, `stopwise/sse`, ...) its own copy of the modules they share, so a
 * `ProviderError` thrown by `stopwise/sse` would not be an `instanceof` the root's class and the
 * profile registry would exist twice. `shims` maps `import.meta.url` to `__filename` in the
 * CommonJS output (only the replay package uses it, to find its fixtures).
 *
 * The output is ASCII (esbuild escapes other characters) and without indentation: one non-ASCII
 * character makes V8 hold a module's whole source as UTF-16, and the source text stays on the
 * heap for as long as the module is loaded. Together they cut the heap `@stopwise/openai` adds
 * at import by a fifth (`pnpm bench:perf --imports-only`); the source maps still point into the
 * sources. `pnpm check:require` checks the ASCII part on every build.
 *
 * Each package's own tsconfig.build.json includes only its `src`: without an `include`,
 * TypeScript takes every file under the root as input, other packages' `dist` too, which made a
 * declaration build fail when it ran while a sibling package was rebuilding its `dist`.
 */
export function packageConfig(entry: Record<string, string>) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    splitting: true,
    treeshake: true,
    shims: true,
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    esbuildOptions(options) {
      options.charset = 'ascii';
      options.minifyWhitespace = true;
    },
  });
}

/**
 * The build of a package's command-line programs (`bin`): ESM only, one file each, no
 * declarations, written beside the library build without cleaning it (run it after
 * {@link packageConfig}). A program is run by Node, never `require`d, and its top-level `await`
 * has no CommonJS form.
 */
export function binConfig(entry: Record<string, string>) {
  return defineConfig({
    entry,
    format: ['esm'],
    splitting: false,
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
  });
}
