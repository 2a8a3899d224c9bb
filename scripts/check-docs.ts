/**
 * `pnpm docs:check` (CI): type-checks every ```ts and ```typescript block of the README, docs/,
 * the packages' and the examples' READMEs against the current sources, so a doc cannot drift
 * from the API. Errors are printed at their markdown line (`docs/telemetry.md:42:7`); the exit
 * code is 1 when there is one.
 *
 * Each block is its own module (the root tsconfig's options and `paths`, strict, top-level await
 * allowed; a relative import resolves from the page's folder), all of them in one program.
 * Directives, HTML comments on the page:
 * - `<!-- docs-check: continue -->` right before a block: checked together with the block
 *   before it, for a fragment that uses a name an earlier block made (`client`, `run`);
 * - `<!-- docs-check prelude: CODE -->`: CODE is checked above every later block of the page,
 *   for placeholders the page assumes (`declare const log: (e: unknown) => void;`);
 * - `<!-- docs-check: skip REASON -->` right before a block: not checked (a diff, a sketch).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDocs } from './docs-check/check.js';
import { docPages } from './docs-check/pages.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
const pages = docPages(root);
// Inside the repository (and gitignored), so the blocks resolve imports as the sources do.
const result = checkDocs({ root, files: pages, outDir: join(root, '.docs-check') });

for (const error of result.errors) {
  console.error(`${error.file}:${error.line}:${error.column} - error ${error.code}: ${error.message}`);
}
for (const skip of result.skipped) console.log(`skipped ${skip.file}:${skip.line}: ${skip.reason}`);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `docs:check: ${result.checked} blocks in ${result.modules} modules from ${pages.length} pages, ` +
    `${result.skipped.length} skipped, ${result.errors.length} errors (${seconds} s)`,
);
process.exitCode = result.errors.length > 0 ? 1 : 0;
