import { ConfigError } from '../errors.js';

/**
 * The deprecated name of the `cutAtTokens` setting. In 0.1 the client-side cut was called
 * `maxOutputTokens`, the name of the call's provider cap too, although one ends the stream on the
 * client (the provider keeps the rest of the request's budget) and the other is sent with the
 * request: the same words for two limits that act in different places. It is still accepted for
 * one release and moved to `cutAtTokens` on the way in, so nothing past the entry points sees it.
 */
export const deprecatedCutName = 'maxOutputTokens';

/**
 * `options` with the deprecated `maxOutputTokens` moved to `cutAtTokens` (the same object when it
 * does not use the old name). A {@link ConfigError} naming both when both are given: which one
 * the caller meant cannot be guessed. `field` prefixes the error's field, e.g. `policy`.
 */
export function withCutAlias<T extends object>(field: string, options: T): T {
  if (!Object.hasOwn(options, deprecatedCutName)) return options;
  const { [deprecatedCutName]: old, ...rest } = options as Record<string, unknown>;
  const prefix = field === '' ? '' : `${field}.`;
  if (old === undefined) return rest as T;
  if ((rest as { cutAtTokens?: unknown }).cutAtTokens !== undefined) {
    throw new ConfigError(
      `${prefix}${deprecatedCutName}`,
      `and \`${prefix}cutAtTokens\` are both given; \`${deprecatedCutName}\` is the deprecated name of \`cutAtTokens\`, so give only \`cutAtTokens\``,
    );
  }
  return { ...rest, cutAtTokens: old } as T;
}
