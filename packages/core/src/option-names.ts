import { ConfigError } from './errors.js';

/** What else {@link rejectUnknownOptions} can point a wrong name to. */
export interface OptionHints {
  /**
   * Paths of options that belong in another object (`policy.stopOn` for a call), so a key near
   * one of them (`stopon` given to the call itself) is pointed there.
   */
  readonly elsewhere?: readonly string[] | undefined;
  /**
   * Names other SDKs use for an option, and what to use here instead: `maxTokens` (OpenAI's
   * `max_tokens`, the AI SDK's old name) is no typo of `maxOutputTokens`, but means it.
   */
  readonly synonyms?: Readonly<Record<string, string>> | undefined;
}

/**
 * Throws a {@link ConfigError} for the first key of `options` that is not in `allowed`, naming
 * it, what was probably meant (a name within two edits, `profil`; a name of another SDK,
 * `maxTokens`; see {@link OptionHints}), and every allowed name. A misspelt option silently
 * ignored is a stop policy that silently never runs.
 *
 * Written here rather than taken from a library: it is a dozen lines, and the schema libraries
 * that do it would add a dependency to every runtime stopwise supports.
 */
export function rejectUnknownOptions(
  field: string,
  options: object,
  allowed: readonly string[],
  hints: OptionHints = {},
): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const near = nearestName(key, allowed) ?? closestPath(key, hints.elsewhere ?? []);
    const synonym = hints.synonyms && Object.hasOwn(hints.synonyms, key) ? hints.synonyms[key] : undefined;
    const meant = near === undefined ? synonym : `\`${near}\``;
    const path = field === '' ? key : `${field}.${key}`;
    throw new ConfigError(
      path,
      `is not an option${meant ? ` (did you mean ${meant}?)` : ''}; allowed: ${allowed.join(', ')}`,
    );
  }
}

/** The path in `paths` whose last name is within two edits of `key`, if one is. */
function closestPath(key: string, paths: readonly string[]): string | undefined {
  const names = paths.map((path) => path.slice(path.lastIndexOf('.') + 1));
  const near = nearestName(key, names);
  return near === undefined ? undefined : paths[names.indexOf(near)];
}

/** The name of `allowed` within two edits of `key` (case aside), if one is: the likely typo. */
export function nearestName(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of allowed) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
