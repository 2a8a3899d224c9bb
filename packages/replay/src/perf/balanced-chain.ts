import {
  anyOf,
  type CallContext,
  findProfile,
  type Profile,
  type StopPolicy,
  shadow,
  stopOn,
} from 'stopwise';

/**
 * The `balanced` profile's chain for one call, built lazily at `start` (profiles build per call),
 * wrapped in `shadow` so it does all its work on every chunk but never stops: overhead figures
 * then compare identical streams. Falls back to a stop-string chain when no `balanced` profile is
 * registered, and says so.
 */
export function shadowedProfileChain(profileName = 'balanced'): {
  create: () => StopPolicy;
  description: string;
} {
  const profile = findProfile(profileName);
  if (!profile) {
    return {
      create: () => shadow(stopOn(['\n\n\n\n', /Final answer: [^\n]+\n/])),
      description: `profile "${profileName}" is not registered: measured a stopOn chain instead`,
    };
  }
  // One policy object per call: concurrent calls must not share per-call state.
  return {
    create: () => shadow(lazyProfile(profileName, profile)),
    description: `the ${profileName} profile's chain, in shadow`,
  };
}

function lazyProfile(profileName: string, profile: Profile): StopPolicy {
  let inner: StopPolicy | undefined;
  return {
    name: `profile(${profileName})`,
    start(call: CallContext) {
      inner = anyOf(...profile.build(call));
      return inner.start?.(call);
    },
    step: (view) => inner?.step(view),
    nextCheckAt: () => inner?.nextCheckAt?.(),
    end: (end) => inner?.end?.(end),
  };
}
