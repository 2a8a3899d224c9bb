import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../traces/trace-paths.js';

/** The folder of recorded provider streams shipped with this package. */
export const wireFixturesDir = join(packageRoot, 'fixtures', 'wire');

/** Names of the recorded streams (file names without `.chunks.txt`). */
export function wireFixtureNames(): string[] {
  return readdirSync(wireFixturesDir)
    .filter((file) => file.endsWith('.chunks.txt'))
    .map((file) => file.replace(/\.chunks\.txt$/, ''));
}

/** The chunks of a recorded stream, one parsed JSON value per non-empty line. */
export function loadWireFixture(name: string): unknown[] {
  const text = readFileSync(join(wireFixturesDir, `${name}.chunks.txt`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new Error(`${name}.chunks.txt line ${index + 1} is not JSON: ${(error as Error).message}`);
      }
    });
}
