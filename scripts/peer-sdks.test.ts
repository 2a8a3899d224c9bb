/**
 * The official provider SDKs are the app's: every published package takes them as peer
 * dependencies, so an app that already has `openai` or `@anthropic-ai/sdk` keeps one copy of
 * each (two copies break `openai({ client: new OpenAI() })` at the type check, `#private` of
 * different declarations). Checked on the manifests, so a pinned SDK added to `dependencies`
 * fails here rather than in a user's app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const packagesDir = new URL('../packages/', import.meta.url);
const manifests: Manifest[] = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map(
    (entry) =>
      JSON.parse(readFileSync(new URL(`${entry.name}/package.json`, packagesDir), 'utf8')) as Manifest,
  )
  .filter((manifest) => manifest.private !== true);
const byName = new Map(manifests.map((manifest) => [manifest.name, manifest]));

// `@opentelemetry/api` too: its global tracer and meter providers live in the copy that set
// them, so a second copy inside @stopwise/otel recorded nothing at all.
const isProviderSdk = (name: string) =>
  name === 'openai' ||
  name === '@anthropic-ai/sdk' ||
  name === 'ai' ||
  name.startsWith('@ai-sdk/') ||
  name === '@opentelemetry/api';

/** The SDKs a package needs from the app: its own peers and those of the packages it depends on. */
function sdkPeersNeeded(manifest: Manifest): string[] {
  const needed = new Set(Object.keys(manifest.peerDependencies ?? {}).filter(isProviderSdk));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    for (const peer of Object.keys(byName.get(dependency)?.peerDependencies ?? {})) {
      if (isProviderSdk(peer)) needed.add(peer);
    }
  }
  return [...needed].sort();
}

describe('provider SDKs in the published manifests', () => {
  it('finds the packages (the checks below are not vacuous)', () => {
    expect(byName.has('@stopwise/openai')).toBe(true);
    expect(byName.get('@stopwise/openai')?.peerDependencies?.openai).toBeDefined();
  });

  it.each(manifests.map((manifest) => [manifest.name, manifest] as const))(
    '%s never pins a provider SDK as a dependency',
    (_, manifest) => {
      expect(Object.keys(manifest.dependencies ?? {}).filter(isProviderSdk)).toEqual([]);
    },
  );

  it.each(manifests.map((manifest) => [manifest.name, manifest] as const))(
    '%s lists as peers the SDKs its own dependencies need from the app',
    (_, manifest) => {
      const peers = Object.keys(manifest.peerDependencies ?? {})
        .filter(isProviderSdk)
        .sort();
      expect(peers).toEqual(sdkPeersNeeded(manifest));
    },
  );

  it('every package gives a shared SDK the same range', () => {
    const ranges = new Map<string, Set<string>>();
    for (const manifest of manifests) {
      for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
        if (!isProviderSdk(name)) continue;
        ranges.set(name, (ranges.get(name) ?? new Set()).add(range));
      }
    }
    for (const [name, seen] of ranges)
      expect({ name, ranges: [...seen] }).toEqual({ name, ranges: [[...seen][0]] });
  });
});
