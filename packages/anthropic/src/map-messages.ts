import { ConfigError, type Message } from 'stopwise';

/** A stopwise conversation in the shape of Anthropic's Messages API. */
export interface AnthropicPrompt {
  /** The `system` parameter: every system message's text, joined by blank lines. */
  system: string | undefined;
  /** The user and assistant turns, in order. */
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
}

/**
 * Splits a stopwise conversation into Anthropic's `system` parameter and `messages`. The API takes
 * its system prompt apart from the turns, so system messages are lifted out (wherever they stood)
 * and joined with blank lines; user and assistant turns keep their order. Consecutive turns of one
 * role are sent as they are: the API merges them into one turn itself.
 *
 * Throws a `ConfigError` when no user or assistant message is left, which the API would refuse.
 */
export function mapMessages(messages: readonly Message[]): AnthropicPrompt {
  const system: string[] = [];
  const turns: AnthropicPrompt['messages'] = [];
  for (const message of messages) {
    if (message.role === 'system') system.push(message.content);
    else turns.push({ role: message.role, content: message.content });
  }
  if (turns.length === 0) {
    throw new ConfigError(
      'messages',
      'needs at least one user or assistant message: Anthropic takes system messages as a separate `system` prompt',
    );
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: turns };
}
