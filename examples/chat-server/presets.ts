import type { UserProfiles } from 'stopwise';

/** The presets a user of the chat can pick. */
export const chatPresets = ['realtime', 'balanced', 'accurate'] as const;

/** One of {@link chatPresets}. */
export type ChatPreset = (typeof chatPresets)[number];

/** True for a name in {@link chatPresets}. */
export function isChatPreset(value: unknown): value is ChatPreset {
  return typeof value === 'string' && (chatPresets as readonly string[]).includes(value);
}

/** Each user's picked preset, and the resolver that hands it to the stopwise client. */
export interface PresetStore {
  set(user: string, preset: ChatPreset): void;
  get(user: string): ChatPreset | undefined;
  /**
   * For `createClient({ profiles })`: the client asks it on every call with the call's `user`,
   * so a change of preset applies from the next question on. Unknown users get the client's
   * default profile.
   */
  readonly profiles: UserProfiles;
}

/**
 * Presets by user id, in memory: what a real app would keep in its user table (the resolver may
 * then be async, a database lookup). Bounded, so a page that makes up user ids cannot grow it
 * without end: the oldest user is dropped first.
 */
export function createPresetStore(maxUsers = 10_000): PresetStore {
  const byUser = new Map<string, ChatPreset>();
  return {
    set(user, preset) {
      byUser.delete(user);
      byUser.set(user, preset);
      if (byUser.size > maxUsers) byUser.delete(byUser.keys().next().value as string);
    },
    get: (user) => byUser.get(user),
    profiles: (user) => byUser.get(user),
  };
}
