import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder of recorded provider streams shipped with this package. */
export const wireFixturesDir = fileURLToPath(new URL('../../fixtures/wire/', import.meta.url));

/** Names of the recorded streams (file names without `.chunks.txt`). */
export function wireFixtureNames(): string[] {
  return readdirSync(wireFixturesDir)
    .filter((file) => file.endsWith('.chunks.txt'))
    .map((file) => file.replace(/\.chunks\.txt$/, ''));
}

/** The chunks of a recorded stream, one parsed JSON value per non-empty line. */
export function loadWireFixture(name: string): unknown[] {
  const text = readFileSync(new URL(`${name}.chunks.txt`, `file://${wireFixturesDir}`), 'utf8');
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
