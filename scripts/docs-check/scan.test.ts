import { describe, expect, it } from 'vitest';
import { buildModules } from './modules.js';
import { scanMarkdown } from './scan.js';

const page = [
  '# Title', // 1
  '<!-- docs-check prelude: declare const log: (e: unknown) => void; -->', // 2
  '```ts', // 3
  'const a = 1;', // 4
  'log(a);', // 5
  '```', // 6
  '', // 7
  '<!-- docs-check: continue -->', // 8
  '', // 9
  '```typescript', // 10
  'log(a + 1);', // 11
  '```', // 12
  '<!-- docs-check: skip a diff, not code -->', // 13
  '```ts', // 14
  '- old', // 15
  '```', // 16
  '```sh', // 17
  'pnpm test', // 18
  '```', // 19
  '1. A step:', // 20
  '   ```ts', // 21
  '   const b: number = 2;', // 22
  '   ```', // 23
  '````md', // 24
  '```ts', // 25
  'not a block: inside a longer fence', // 26
  '```', // 27
  '````', // 28
].join('\n');

describe('scanMarkdown', () => {
  const { blocks, problems } = scanMarkdown(page);

  it('finds ts and typescript blocks at the line after their fence, and no others', () => {
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.line, b.lines])).toEqual([
      [4, ['const a = 1;', 'log(a);']],
      [11, ['log(a + 1);']],
      [15, ['- old']],
      [22, ['const b: number = 2;']],
    ]);
  });

  it('reads the skip reason and the continue marker across blank lines', () => {
    expect(blocks.map((b) => [b.continues, b.skip])).toEqual([
      [false, undefined],
      [true, undefined],
      [false, 'a diff, not code'],
      [false, undefined],
    ]);
  });

  it('strips a list item fence indentation and remembers it for columns', () => {
    expect(blocks[3]?.indent).toBe(3);
  });

  it('keeps a prelude at its own markdown line, columns intact', () => {
    const prelude = blocks[0]?.preludes[0];
    expect(prelude?.line).toBe(2);
    expect(prelude?.lines[0]?.trim()).toBe('declare const log: (e: unknown) => void;');
    expect(prelude?.lines[0]?.indexOf('declare')).toBe(page.split('\n')[1]?.indexOf('declare'));
  });

  it('reports a directive without a reason, a typo, and one not followed by a block', () => {
    const found = scanMarkdown(
      [
        '<!-- docs-check: skip -->',
        '```ts',
        'x',
        '```',
        '<!-- docs-check: skp why -->',
        '<!-- docs-check: continue -->',
        'text',
      ].join('\n'),
    ).problems;
    expect(found).toEqual([
      { line: 1, message: 'docs-check: skip needs a reason' },
      { line: 5, message: 'docs-check: unknown directive "skp"' },
      { line: 6, message: 'docs-check: continue is not followed by a ts block' },
    ]);
  });

  it('reads a prelude spanning several lines', () => {
    const {
      blocks: [block],
    } = scanMarkdown(
      ['<!-- docs-check prelude:', 'declare const x: number;', '-->', '```ts', 'x;', '```'].join('\n'),
    );
    expect(block?.preludes[0]?.line).toBe(1);
    expect(block?.preludes[0]?.lines.map((l) => l.trim())).toEqual(['', 'declare const x: number;', '']);
  });
});

describe('buildModules', () => {
  const modules = buildModules('docs/page.md', scanMarkdown(page).blocks);

  it('joins a continued block to the one before, leaves the skipped one out', () => {
    expect(modules.map((m) => m.blocks)).toEqual([2, 1]);
    expect(modules[0]?.code).toContain('const a = 1;\nlog(a);\nlog(a + 1);\nexport {};');
    expect(modules.some((m) => m.code.includes('- old'))).toBe(false);
  });

  it('maps every generated line back to its markdown line', () => {
    const [first, second] = modules;
    const lines = first?.code.split('\n') ?? [];
    expect(first?.lines[lines.indexOf('log(a + 1);')]).toEqual({ line: 11, column: 0 });
    expect(first?.lines[0]).toEqual({ line: 2, column: 0 });
    const at = second?.code.split('\n').indexOf('const b: number = 2;') ?? -1;
    expect(second?.lines[at]).toEqual({ line: 22, column: 3 });
  });
});
