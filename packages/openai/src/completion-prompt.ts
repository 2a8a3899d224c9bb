import type { Message } from 'stopwise';

/** A legacy Completions prompt built from chat messages. */
export interface CompletionPrompt {
  prompt: string;
  /** Stop sequences the transcript needs so the model does not write the user's next turn. */
  stop: string[] | undefined;
}

/**
 * Joins chat messages into one prompt for the legacy Completions API, which takes plain text:
 *
 * - one user message alone is sent verbatim (the usual case: `prompt` in, continuation out);
 * - otherwise a transcript: system messages as plain paragraphs, then `User: ...` and
 *   `Assistant: ...` turns, blank lines between, ending in `Assistant:` so the model writes the
 *   assistant's turn, with stop sequence `\nUser:` so it stops before inventing the next user
 *   turn. A final assistant message is a prefix to continue: the prompt ends with its text.
 */
export function completionPrompt(messages: readonly Message[]): CompletionPrompt {
  const [only] = messages;
  if (messages.length === 1 && only?.role === 'user') return { prompt: only.content, stop: undefined };
  const blocks = messages.map((message) => {
    if (message.role === 'system') return message.content;
    return `${message.role === 'user' ? 'User' : 'Assistant'}: ${message.content}`;
  });
  const last = messages[messages.length - 1];
  const prompt = last?.role === 'assistant' ? blocks.join('\n\n') : `${blocks.join('\n\n')}\n\nAssistant:`;
  return { prompt, stop: ['\nUser:'] };
}
