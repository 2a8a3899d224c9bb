import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDocs } from './check.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, as the real check is, so `stopwise` resolves through the root paths.
const dir = mkdtempSync(join(root, '.docs-check-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const page = [
  '# A page', // 1
  '<!-- docs-check prelude: declare const log: (e: unknown) => void; -->', // 2
  '```ts', // 3
  "import { stopOn } from 'stopwise';", // 4
  "const policy = stopOn(['\\n\\n']);", // 5
  '```', // 6
  '<!-- docs-check: continue -->', // 7
  '```ts', // 8
  'log(policy.name);', // 9
  'await Promise.resolve();', // 10
  '```', // 11
  '<!-- docs-check: skip pseudo-code -->', // 12
  '```ts', // 13
  'this is not TypeScript', // 14
  '```', // 15
  '- A list item:', // 16
  '  ```ts', // 17
  "  import { notExported } from 'stopwise';", // 18
  "  const n: number = 'one';", // 19
  '  ```', // 20
  '```ts', // 21
  "import { answer } from './helper';", // 22
  'const m: number = answer;', // 23
  '```', // 24
].join('\n');

describe('checkDocs', () => {
  const file = relative(root, join(dir, 'page.md')).replaceAll('\\', '/');
  writeFileSync(join(dir, 'page.md'), page);
  writeFileSync(join(dir, 'helper.ts'), 'export const answer = 42;\n');
  const result = checkDocs({ root, files: [file], outDir: join(dir, 'out') });

  it('counts checked and skipped blocks, a continued block sharing its module', () => {
    expect(result.checked).toBe(4);
    expect(result.modules).toBe(3);
    expect(result.skipped).toEqual([{ file, line: 13, reason: 'pseudo-code' }]);
  });

  it("resolves a relative import from the page's own folder", () => {
    expect(result.errors.filter((e) => e.line >= 22)).toEqual([]);
  });

  it('reports only the failing block, at its markdown line and column', () => {
    expect(result.errors.map((e) => [e.file, e.line, e.column, e.code])).toEqual([
      [file, 18, 12, 'TS2305'],
      [file, 19, 9, 'TS2322'],
    ]);
    expect(result.errors[0]?.message).toContain("has no exported member 'notExported'");
  });
});
