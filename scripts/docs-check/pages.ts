import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pages whose ```ts blocks are checked, relative to `root` with `/` separators, sorted:
 * `README.md`, `docs/**\/*.md`, `packages/*\/README.md` and `examples/**\/README.md`.
 */
export function docPages(root: string): string[] {
  const pages: string[] = [];
  if (existsSync(join(root, 'README.md'))) pages.push('README.md');
  pages.push(...walk(root, 'docs', (name) => name.endsWith('.md')));
  for (const name of list(root, 'packages')) {
    if (existsSync(join(root, 'packages', name, 'README.md'))) pages.push(`packages/${name}/README.md`);
  }
  pages.push(...walk(root, 'examples', (name) => name === 'README.md'));
  return pages.sort();
}

/** Files under `dir` (recursively, skipping node_modules and dot folders) whose name matches. */
function walk(root: string, dir: string, match: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...walk(root, path, match));
    else if (match(entry.name)) found.push(path);
  }
  return found;
}

function list(root: string, dir: string): string[] {
  return existsSync(join(root, dir)) ? readdirSync(join(root, dir)) : [];
}
