import type { DocBlock } from './scan.js';

/** Where one line of a generated module came from in the markdown. */
export interface SourceLine {
  /** 1-based markdown line. */
  line: number;
  /** Columns removed from the markdown line (a fence's indentation), added back when reporting. */
  column: number;
}

/** One generated TypeScript module: a block, or a block and the blocks that continue it. */
export interface DocModule {
  /** The markdown page, relative to the repository root with `/` separators. */
  file: string;
  /** The module's code: its preludes, its blocks, then `export {};`. */
  code: string;
  /** `lines[k]` is where line `k` (0-based) of {@link DocModule.code} came from. */
  lines: SourceLine[];
  /** How many blocks the module holds. */
  blocks: number;
}

/**
 * Groups a page's blocks into modules: each block starts its own module, with the page's preludes
 * above it, except a block marked `continue`, which is appended to the module before it (so a
 * fragment may use the `client` an earlier block made). Skipped blocks are left out.
 *
 * Every module ends with `export {};`: a block without an import would otherwise be a script, and
 * its top-level names would collide with other pages' in the one program.
 */
export function buildModules(file: string, blocks: readonly DocBlock[]): DocModule[] {
  const modules: DocModule[] = [];
  const code: string[][] = [];
  for (const block of blocks) {
    if (block.skip !== undefined) continue;
    const current = modules.at(-1);
    const lines = code.at(-1);
    if (block.continues && current && lines) {
      append(current, lines, block);
      continue;
    }
    const module: DocModule = { file, code: '', lines: [], blocks: 0 };
    const text: string[] = [];
    for (const prelude of block.preludes) {
      prelude.lines.forEach((line, k) => {
        text.push(line);
        module.lines.push({ line: prelude.line + k, column: 0 });
      });
    }
    append(module, text, block);
    modules.push(module);
    code.push(text);
  }
  modules.forEach((module, n) => {
    const text = code[n] ?? [];
    module.code = `${[...text, 'export {};'].join('\n')}\n`;
    module.lines.push(module.lines.at(-1) ?? { line: 1, column: 0 });
  });
  return modules;
}

function append(module: DocModule, text: string[], block: DocBlock): void {
  block.lines.forEach((line, k) => {
    text.push(line);
    module.lines.push({ line: block.line + k, column: block.indent });
  });
  module.blocks++;
}
