/** The roles a chat message may have. Tool calls are out of scope for stop policies. */
export type MessageRole = 'system' | 'user' | 'assistant';

/** One chat message, provider-neutral. */
export interface Message {
  role: MessageRole;
  content: string;
}

/** Every role {@link Message} allows, for validation and error messages. */
export const messageRoles: readonly MessageRole[] = ['system', 'user', 'assistant'];

/** The text of the user's turns joined by blank lines: what input-side policies read. */
export function userPrompt(messages: readonly Message[]): string {
  return messages
    .filter((message) => message.role === 'user')
    .map((message) => message.content)
    .join('\n\n');
}
