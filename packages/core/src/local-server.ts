/**
 * What adapters need to run against a server on this machine (the replay server, Ollama, vLLM,
 * llama.cpp) as they run against the provider: such servers check no key, while the official
 * SDKs refuse to send a request without one.
 */

/**
 * An environment variable, trimmed; undefined when unset or blank. The official SDKs read their
 * key and base URL from the environment when the settings leave them out; `process` is absent on
 * edge runtimes, where this is always undefined.
 */
export function environmentVariable(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value === '' ? undefined : value;
}

/** True for a URL on this machine (127.0.0.0/8, `[::1]`, `localhost`); false for anything else or no URL. */
export function isLoopbackURL(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** The key adapters give an SDK for a server on this machine when no key is set. */
export const localServerKey = 'no-key-local-server';

/**
 * The key an adapter gives its SDK: `apiKey` when set; else undefined when one of
 * `keyVariables` is set (the SDK reads it) or the server is elsewhere (the SDK looks for its own
 * credentials); else, for a server on this machine (`baseURL`, or `baseURLVariable`),
 * {@link localServerKey}: such a server checks none, and the SDK would send nothing without one.
 */
export function keyForLocalServer(options: {
  apiKey: string | undefined;
  keyVariables: readonly string[];
  baseURL: string | undefined;
  baseURLVariable: string;
}): string | undefined {
  if (options.apiKey !== undefined) return options.apiKey;
  if (options.keyVariables.some((name) => environmentVariable(name) !== undefined)) return undefined;
  return isLoopbackURL(options.baseURL ?? environmentVariable(options.baseURLVariable))
    ? localServerKey
    : undefined;
}
