import OpenAI from 'openai';
import { ConfigError, type LanguageModelProvider, type ProviderStreamPart } from 'stopwise';
import {
  collectCredentials,
  type HeadersInput,
  keyForLocalServer,
  providerStream,
  reasoningTagsOption,
} from 'stopwise/adapter';
import { streamChat } from './chat-stream.js';
import { streamCompletions } from './completions-stream.js';
import { mapOpenAIError } from './map-error.js';
import { type OpenAIProviderOptions, validateProviderOptions } from './provider-options.js';
import { streamResponses } from './responses-stream.js';
import { type OpenAIApi, type OpenAISettings, validateSettings } from './settings.js';
import { compact, type SdkRequestOptions, type StreamContext } from './stream-context.js';

const generatorStreamers: Record<
  Exclude<OpenAIApi, 'chat'>,
  (context: StreamContext) => AsyncGenerator<ProviderStreamPart>
> = {
  responses: streamResponses,
  completions: streamCompletions,
};

/**
 * A stopwise provider over the official `openai` SDK: OpenAI's Chat Completions (default),
 * Responses or legacy Completions API, or any OpenAI-compatible server through `baseURL`.
 * Invalid settings throw a `ConfigError` naming the field. Each call streams; aborting the
 * request's signal (a policy stop, the caller's abort) aborts the SDK's `fetch`, which closes
 * the HTTP connection so the server stops generating.
 *
 * @example
 * ```ts
 * const client = createClient({ provider: openai({ apiKey: process.env.OPENAI_API_KEY }) });
 * const local = openai({ baseURL: 'http://localhost:11434/v1', apiKey: 'ollama', name: 'ollama' });
 * ```
 */
export function openai(settings: OpenAISettings = {}): LanguageModelProvider<OpenAIProviderOptions> {
  validateSettings(settings);
  const client = settings.client ?? createSdkClient(settings);
  const name = settings.name ?? 'openai';
  const api = settings.api ?? 'chat';
  const maxTokensParam =
    settings.maxTokensParam ?? (isOpenAIHost(client.baseURL) ? 'max_completion_tokens' : 'max_tokens');
  const reasoningTags = reasoningTagsOption('reasoningTags', settings.reasoningTags);
  // A caller's own client keeps its configuration; our settings then apply per request.
  const perRequest =
    settings.client === undefined
      ? {}
      : compact({
          maxRetries: settings.maxRetries,
          timeout: settings.timeoutMs,
          headers: settings.headers && { ...settings.headers },
        });
  return {
    name,
    // The SDK is given the signal: its fetch and body reads end on the abort.
    endsReadsOnAbort: true,
    checkRequest(request) {
      validateProviderOptions(request.providerOptions, api, request.logprobs === true);
    },
    stream(request) {
      // Made on the first read, so that a ConfigError surfaces like any other stream error.
      const context = (): StreamContext => {
        const options = validateProviderOptions(request.providerOptions, api, request.logprobs === true);
        const sdkOptions: SdkRequestOptions = { ...perRequest, signal: request.signal };
        const secrets = credentialsOf(client, settings);
        return {
          client,
          request,
          options,
          sdkOptions,
          provider: name,
          secrets,
          maxTokensParam,
          reasoningTags,
        };
      };
      // After an abort (a stop, the caller) nothing is wrong: the runner ignores what follows.
      // Credentials are read when an error happens: a key given as a function is resolved by the
      // SDK only when the request is sent.
      const mapError = (error: unknown) =>
        request.signal.aborted
          ? error
          : mapOpenAIError(error, {
              provider: name,
              secrets: credentialsOf(client, settings),
              url: client.baseURL,
            });
      if (api === 'chat') return streamChat(context, mapError);
      const streamer = generatorStreamers[api];
      return providerStream(() => streamer(context()), mapError);
    },
  };
}

/**
 * Every credential this provider may send, so an error that echoes one back can be scrubbed: the
 * client's key, and the credential headers (`api-key` as Azure uses it, `Authorization`,
 * `x-api-key`, ...) of our settings and of the client's own `defaultHeaders`.
 */
function credentialsOf(client: OpenAI, settings: OpenAISettings): string[] {
  // `_options` is protected in the SDK's types; a client built by the caller keeps its default
  // headers there (every 4.x-6.x release), and they are sent with every request.
  const clientOptions = (client as unknown as { _options?: { defaultHeaders?: unknown } })._options;
  return collectCredentials({
    keys: [client.apiKey, settings.apiKey],
    headers: [settings.headers, clientOptions?.defaultHeaders as HeadersInput],
  });
}

function createSdkClient(settings: OpenAISettings): OpenAI {
  try {
    return new OpenAI(
      compact({
        // A server on this machine (the replay server, Ollama, vLLM, llama.cpp) checks no key,
        // but the SDK refuses to start without one: a placeholder then, so code written for
        // OpenAI runs against a local server with only `OPENAI_BASE_URL` set.
        apiKey: keyForLocalServer({
          apiKey: settings.apiKey,
          keyVariables: ['OPENAI_API_KEY'],
          baseURL: settings.baseURL,
          baseURLVariable: 'OPENAI_BASE_URL',
        }),
        baseURL: settings.baseURL,
        organization: settings.organization,
        project: settings.project,
        defaultHeaders: settings.headers && { ...settings.headers },
        maxRetries: settings.maxRetries,
        timeout: settings.timeoutMs,
      }),
    );
  } catch (error) {
    // The SDK throws when no key is given and OPENAI_API_KEY is unset.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      'apiKey',
      `is required: pass apiKey or set OPENAI_API_KEY (a server on this machine needs none; other servers that check no key accept any string, e.g. 'ollama'). The SDK said: ${reason}`,
    );
  }
}

/**
 * OpenAI's own API (and Azure's) takes `max_completion_tokens` and rejects `max_tokens` for
 * reasoning models; most compatible servers know only `max_tokens`.
 */
function isOpenAIHost(baseURL: string): boolean {
  try {
    const host = new URL(baseURL).hostname;
    return host === 'api.openai.com' || host.endsWith('.openai.azure.com');
  } catch {
    return false;
  }
}
