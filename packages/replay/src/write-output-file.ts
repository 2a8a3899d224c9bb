import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why `path` cannot be written as a command's output file (its folder is missing, or it is a
 * folder itself), or undefined when it can. The commands check this before their work, which
 * takes minutes: finding out at the end, with a stack trace, would throw the whole run away.
 */
export function outputFileProblem(flag: string, path: string): string | undefined {
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) return `${flag} ${path}: the folder ${folder} does not exist; create it first`;
  if (!statSync(folder).isDirectory()) return `${flag} ${path}: ${folder} is not a folder`;
  if (existsSync(path) && statSync(path).isDirectory())
    return `${flag} ${path} is a folder; give a file path`;
  return undefined;
}

/**
 * Writes `text` to `path` atomically: to a temporary file beside it, then renamed over it. A run
 * that fails or is killed mid-write leaves the previous file (or none), never half a JSON
 * document that a later `JSON.parse` or `defineProfile` would choke on.
 */
export function writeOutputFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
