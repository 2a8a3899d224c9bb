import Anthropic from '@anthropic-ai/sdk';
import type { LanguageModelProvider, ProviderRequest, ProviderStreamPart } from 'stopwise';
import { collectCredentials, type HeadersInput, keyForLocalServer } from 'stopwise/adapter';
import { type SdkRequestOptions, streamMessage } from './message-stream.js';
import type { AnthropicProviderOptions } from './provider-options.js';
import { buildRequestBody } from './request-body.js';
import { type AnthropicSettings, resolveSettings } from './settings.js';

/**
 * Anthropic's Messages API as a stopwise provider, over the official `@anthropic-ai/sdk`
 * (`client.messages.create({ stream: true })`, its body read by stopwise's SSE reader). Text streams as `text-delta`, extended thinking as
 * `reasoning-delta`; system messages become the `system` prompt; `max_tokens` is the call's
 * `maxOutputTokens` or `defaultMaxTokens` (4096). A stop or an abort closes the HTTP request.
 *
 * Throws a `ConfigError` naming the field for invalid settings.
 *
 * @example
 * ```ts
 * import { createClient } from 'stopwise';
 * import { anthropic } from '@stopwise/anthropic';
 *
 * const client = createClient({ provider: anthropic({ apiKey: process.env.ANTHROPIC_API_KEY }) });
 * const result = await client.generate({
 *   model: 'claude-haiku-4-5',
 *   messages: [{ role: 'user', content: 'Name three primes. One line.' }],
 *   policy: { stopOn: ['\n'] },
 * });
 * ```
 */
export function anthropic(settings: AnthropicSettings = {}): LanguageModelProvider<AnthropicProviderOptions> {
  const resolved = resolveSettings(settings);
  const client =
    settings.client ??
    new Anthropic({
      // Else the SDK finds its own (`ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN`, its default
      // credential chain); a server on this machine with no key set gets a placeholder.
      apiKey: keyForLocalServer({
        apiKey: settings.apiKey,
        keyVariables: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'],
        baseURL: settings.baseURL,
        baseURLVariable: 'ANTHROPIC_BASE_URL',
      }),
      baseURL: settings.baseURL,
    });
  const secrets = secretsOf(settings, client);
  const requestOptions: SdkRequestOptions = {};
  if (resolved.maxRetries !== undefined) requestOptions.maxRetries = resolved.maxRetries;
  if (resolved.timeoutMs !== undefined) requestOptions.timeout = resolved.timeoutMs;
  if (resolved.headers !== undefined) requestOptions.headers = resolved.headers;

  return {
    name: resolved.name,
    // The SDK is given the signal: its fetch and body reads end on the abort.
    endsReadsOnAbort: true,
    // The body's own checks (providerOptions, temperature, a prompt with no turn), thrown at the
    // call; building it is cheap, and the stream builds it again to send it.
    checkRequest: (request) => {
      buildRequestBody(request, resolved.defaultMaxTokens);
    },
    stream: (request: ProviderRequest<AnthropicProviderOptions>): AsyncIterable<ProviderStreamPart> =>
      // Started on the first read (the body too, so that a ConfigError surfaces like any other
      // stream error); streamMessage maps the SDK's errors itself.
      streamMessage({
        client,
        body: () => buildRequestBody(request, resolved.defaultMaxTokens),
        signal: request.signal,
        requestOptions,
        provider: resolved.name,
        secrets,
      }),
  };
}

/**
 * Every credential this provider may send, so error messages that echo one can be scrubbed: the
 * keys, and the credential headers of our settings and of the client's own `defaultHeaders`.
 */
function secretsOf(settings: AnthropicSettings, client: Anthropic): string[] {
  // `_options` is protected in the SDK's types; a caller's own client keeps its default headers there.
  const clientOptions = (client as unknown as { _options?: { defaultHeaders?: unknown } })._options;
  return collectCredentials({
    keys: [settings.apiKey, client.apiKey, client.authToken],
    headers: [settings.headers, clientOptions?.defaultHeaders as HeadersInput],
  });
}
