import type { AdaptiveLengthPolicy } from './adaptive/adaptive-length.js';
import { describePrediction } from './adaptive/adaptive-length.js';
import type { KeywordContextPolicy } from './adaptive/keyword-context.js';
import type { KeywordMatch } from './adaptive/keyword-rules.js';
import type { LengthPrediction } from './adaptive/length-prediction.js';
import type { CallOptions } from './call-options.js';
import type { CallTuning } from './learning/learning-loop.js';
import type { BudgetChange } from './policy.js';
import { budgetChanges } from './policy-guard.js';
import { findProfile } from './profiles/registry.js';
import { describeOptions } from './profiles/sections.js';
import {
  type ChainConfig,
  type ChainEntry,
  type ProfileSource,
  type ResolutionLayer,
  resolveChain,
} from './resolve-chain.js';
import { validateCallOptions } from './validate-call.js';

/** One policy of an explained chain. */
export interface ExplainedPolicy {
  /** The policy's name, as results and telemetry show it. */
  readonly name: string;
  /** `profile`: built from the resolved settings; `call`: one of the call's `policy.policies`. */
  readonly source: 'profile' | 'call';
  /** The profile setting that made it, e.g. `adaptiveLength`. */
  readonly setting: string | undefined;
  /** Its parameters (profile policies), after overrides and keyword switches. */
  readonly parameters: Readonly<Record<string, unknown>> | undefined;
}

/** A phase's predicted length budget, as `explain` shows it. */
export interface ExplainedBudget {
  /** The budget in tokens for this call (after keyword scaling), or undefined: no length cut. */
  readonly tokens: number | undefined;
  /** Where it came from, in words. */
  readonly basis: string;
  readonly prediction: LengthPrediction;
}

/** What `client.explain(options)` returns: the chain a call would run, without sending it. */
export interface ChainExplanation {
  /** The resolved profile, or undefined when none applies. */
  readonly profile: string | undefined;
  /** Which layer named it: the call, the user's preset, the client's default, or none. */
  readonly profileSource: ProfileSource;
  readonly description: string | undefined;
  /** Every layer of the resolution, with the overrides it gave and whether they applied. */
  readonly layers: readonly ResolutionLayer[];
  /** The chain, in order. */
  readonly policies: readonly ExplainedPolicy[];
  /** Keyword rules that matched the prompt. */
  readonly keywordMatches: readonly KeywordMatch[];
  /** Budget changes the profile's policies ask for at start (keyword rules). */
  readonly budgetChanges: readonly BudgetChange[];
  /** Their product: what length policies see as `view.budgetScale`. */
  readonly budgetScale: number;
  /** Predicted length budgets by phase, when the chain has adaptive length. */
  readonly lengthBudget:
    | { readonly reasoning: ExplainedBudget; readonly answer: ExplainedBudget }
    | undefined;
  /**
   * For a client that learns: the tuned step of the call's bucket (or its user), why, and the
   * evidence behind it (observations, answers lost, the bound on the loss rate per step).
   */
  readonly tuning: CallTuning | undefined;
}

function isAdaptive(entry: ChainEntry): boolean {
  return (
    entry.setting === 'adaptiveLength' && typeof (entry.policy as AdaptiveLengthPolicy).budget === 'function'
  );
}

function explainBudget(
  policy: AdaptiveLengthPolicy,
  phase: 'reasoning' | 'answer',
  scale: number,
): ExplainedBudget {
  const prediction = policy.predictions[phase] as LengthPrediction;
  return { tokens: policy.budget(phase, scale), basis: describePrediction(prediction), prediction };
}

/**
 * Resolves a call's chain exactly as `client.stream` would (same validation, same precedence,
 * same user lookup) and describes it, without sending anything. The profile's freshly built
 * policies are started, to collect the keyword budget changes and the length prediction; the
 * call's own `policy.policies` are not started (they may be serving another call) and nothing is
 * learned. Rejects with a `ConfigError` for invalid options or an unknown profile.
 */
export async function explainCall(
  options: CallOptions<unknown>,
  config: ChainConfig,
): Promise<ChainExplanation> {
  validateCallOptions(options);
  const chain = await resolveChain(options, config, () => {});
  const changes: BudgetChange[] = [];
  let keywordMatches: readonly KeywordMatch[] = [];
  for (const entry of chain.entries) {
    if (entry.source !== 'profile') continue;
    changes.push(...budgetChanges(entry.policy.start?.(chain.context)));
    if (entry.setting === 'keywords') {
      keywordMatches = (entry.policy as KeywordContextPolicy).matches.map((match) => ({
        ...match,
        endAfter: match.endAfter.map((pattern) => (pattern instanceof RegExp ? String(pattern) : pattern)),
      }));
    }
  }
  const budgetScale = changes.reduce((product, change) => product * change.scale, 1);
  const adaptive = chain.entries.find(isAdaptive)?.policy as AdaptiveLengthPolicy | undefined;
  return {
    profile: chain.profile,
    profileSource: chain.profileSource,
    description: chain.profile === undefined ? undefined : findProfile(chain.profile)?.description,
    layers: chain.layers.map((layer) => ({
      ...layer,
      overrides: layer.overrides && (describeOptions(layer.overrides) as ResolutionLayer['overrides']),
    })),
    policies: chain.entries.map((entry) => ({
      name: entry.policy.name,
      source: entry.source,
      setting: entry.setting,
      parameters: entry.parameters,
    })),
    keywordMatches,
    budgetChanges: changes,
    budgetScale,
    lengthBudget: adaptive && {
      reasoning: explainBudget(adaptive, 'reasoning', budgetScale),
      answer: explainBudget(adaptive, 'answer', budgetScale),
    },
    tuning: chain.tuning,
  };
}
