/**
 * What npmjs.com shows of each published package: its README (relative links there point
 * nowhere, since the repository's other files are not in the tarball) and its description.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const packagesDir = new URL('../packages/', import.meta.url);
const published = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({
    folder: entry.name,
    manifest: JSON.parse(readFileSync(new URL(`${entry.name}/package.json`, packagesDir), 'utf8')) as {
      name: string;
      private?: boolean;
      description?: string;
    },
  }))
  .filter(({ manifest }) => manifest.private !== true);

describe('published package pages', () => {
  it('finds the packages (the checks below are not vacuous)', () => {
    expect(published.map(({ manifest }) => manifest.name)).toContain('stopwise');
  });

  it.each(published.map(({ folder, manifest }) => [manifest.name, folder, manifest] as const))(
    '%s has a description and a README without relative links',
    (_, folder, manifest) => {
      expect(manifest.description?.length ?? 0).toBeGreaterThan(20);
      const readme = readFileSync(new URL(`${folder}/README.md`, packagesDir), 'utf8');
      const relative = [...readme.matchAll(/\]\((?!https?:\/\/|#|mailto:)([^)]+)\)/g)].map(
        (match) => match[1],
      );
      expect(relative).toEqual([]);
    },
  );
});
