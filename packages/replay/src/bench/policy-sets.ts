import {
  type CallPolicyOptions,
  ConfigError,
  findProfile,
  maxTokens,
  profileNames,
  type StopPolicy,
} from 'stopwise';

/**
 * One configuration the benchmark runs every output through: no policy, a registered profile,
 * a fixed client-side token cap (the naive baseline), or policies of your own.
 */
export type PolicySet =
  | { kind: 'none'; name: string }
  | { kind: 'profile'; name: string; profile: string }
  | {
      kind: 'cap';
      name: string;
      /** Output tokens kept (reasoning plus answer) before the cap stops the stream. */
      maxTokens: number;
      /** The preset whose token reduction this cap was set to equal, for equal-cut caps. */
      matches?: string | undefined;
    }
  | { kind: 'policies'; name: string; policies: () => StopPolicy[] }
  | {
      /**
       * The profile with the tuner on (`createClient({ learn })`): starts cold, calls in a
       * fixed-seed shuffled order, every call counted, those it learned from included.
       */
      kind: 'tuned';
      name: string;
      profile: string;
      /**
       * The `--feedback` simulation: calls dealt among simulated users who give verdicts by
       * their habits (see `simulated-users.ts`); the row reports each user's settings.
       */
      feedback?: boolean | undefined;
    };

/** The policy set with no policy: the full outputs. */
export const noPolicy: PolicySet = { kind: 'none', name: 'none' };

/** The set running the registered profile `profile` (a `ConfigError` if none is registered). */
export function profileSet(profile: string): PolicySet {
  if (!findProfile(profile)) {
    throw new ConfigError(
      'profile',
      `unknown profile ${JSON.stringify(profile)}; registered: ${profileNames().join(', ')}`,
    );
  }
  return { kind: 'profile', name: profile, profile };
}

/**
 * The set running `profile` with the online tuner on, named `tuned:<profile>`; with `feedback`,
 * simulated users give verdicts too (`tuned:<profile>+feedback`).
 */
export function tunedSet(profile: string, feedback = false): PolicySet {
  profileSet(profile);
  return feedback
    ? { kind: 'tuned', name: `tuned:${profile}+feedback`, profile, feedback: true }
    : { kind: 'tuned', name: `tuned:${profile}`, profile };
}

/** A fixed cap of `maxTokens` output tokens, named `name`. */
export function capSet(name: string, maxTokens: number, matches?: string): PolicySet {
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new ConfigError('maxTokens', `must be a positive integer, got ${String(maxTokens)}`);
  }
  return { kind: 'cap', name, maxTokens, matches };
}

/** The per-call policy options that apply `set` to a call (fresh policy objects every call). */
export function callPolicyFor(set: PolicySet): CallPolicyOptions | undefined {
  switch (set.kind) {
    case 'none':
      return undefined;
    case 'profile':
    case 'tuned':
      return { profile: set.profile };
    case 'cap':
      // A cut evaluated as a stop policy, not a budget's safety cap: like a preset's stops, its
      // stops are only recorded in the holdout fifth, so their savings can be calibrated.
      return { policies: [maxTokens(set.maxTokens, { safety: false })] };
    case 'policies':
      return { policies: set.policies() };
  }
}

/**
 * Parses a `--policies` list: `none`, profile names, `all` (every registered profile), caps
 * as `cap:<tokens>`, `tuned:<profile>` (the profile with the online tuner on) and
 * `tuned:<profile>+feedback` (the same with simulated users giving verdicts). Caps at quantiles of the file's lengths (`cap-p50`) and equal-cut caps are
 * computed per file by the benchmark, not named here.
 */
export function parsePolicyList(list: string): PolicySet[] {
  const sets: PolicySet[] = [];
  for (const raw of list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    if (raw === 'none') sets.push(noPolicy);
    else if (raw === 'all') sets.push(...profileNames().map(profileSet));
    else if (raw.startsWith('cap:')) {
      const tokens = Number(raw.slice(4));
      sets.push(capSet(`cap-${raw.slice(4)}`, tokens));
    } else if (raw.startsWith('tuned:')) {
      const name = raw.slice('tuned:'.length);
      const feedback = name.endsWith('+feedback');
      sets.push(tunedSet(feedback ? name.slice(0, -'+feedback'.length) : name, feedback));
    } else if (findProfile(raw)) sets.push(profileSet(raw));
    else {
      throw new ConfigError(
        '--policies',
        `unknown entry ${JSON.stringify(raw)}; use none, all, cap:<tokens>, tuned:<profile>, tuned:<profile>+feedback or a registered profile (${profileNames().join(', ')})`,
      );
    }
  }
  const seen = new Set<string>();
  return sets.filter((set) => !seen.has(set.name) && seen.add(set.name));
}

/**
 * `--feedback`: every `tuned:<profile>` set becomes its feedback simulation; with no tuned set,
 * `tuned:balanced+feedback` is added.
 */
export function withFeedback(sets: readonly PolicySet[]): PolicySet[] {
  const tuned = sets.filter((set) => set.kind === 'tuned');
  if (tuned.length === 0) return [...sets, tunedSet('balanced', true)];
  return sets.map((set) => (set.kind === 'tuned' ? tunedSet(set.profile, true) : set));
}
