import { ConfigError, type ProviderRequest } from 'stopwise';
import { mapMessages } from './map-messages.js';
import { type AnthropicProviderOptions, providerOptionsBody } from './provider-options.js';

/**
 * The Messages API request body for a stopwise request (without `stream`, which the adapter
 * adds). Anthropic requires `max_tokens`: the call's `maxOutputTokens`, else
 * `defaultMaxTokens`. Throws a `ConfigError` for options the API would refuse.
 */
export function buildRequestBody(
  request: Omit<ProviderRequest<AnthropicProviderOptions>, 'signal'>,
  defaultMaxTokens: number,
): Record<string, unknown> {
  const { system, messages } = mapMessages(request.messages);
  const maxTokens = request.maxOutputTokens ?? defaultMaxTokens;
  const temperature = request.temperature;
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 1)) {
    throw new ConfigError(
      'temperature',
      `must be from 0 to 1 for Anthropic, got ${JSON.stringify(temperature)}`,
    );
  }
  const body: Record<string, unknown> = { model: request.model, max_tokens: maxTokens, messages };
  if (system !== undefined) body.system = system;
  // The 1.x SDK no longer types `temperature`; the API still reads it where the model allows it.
  if (temperature !== undefined) body.temperature = temperature;
  return { ...body, ...providerOptionsBody(request.providerOptions, { maxTokens, user: request.user }) };
}
