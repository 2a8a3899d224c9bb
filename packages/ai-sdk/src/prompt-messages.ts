import type { Message } from 'stopwise';
import type { CallParams } from './v3-types.js';

/**
 * The AI SDK prompt as the chat messages stopwise's input-side policies read (keyword context,
 * adaptive length's similar calls, the input-token estimate): each system, user and assistant
 * turn's text. Files, tool calls and tool results carry no words those policies use, so they
 * are left out, and so are turns with no text at all.
 */
export function promptMessages(prompt: CallParams['prompt']): Message[] {
  const messages: Message[] = [];
  for (const message of prompt) {
    if (message.role === 'system') {
      messages.push({ role: 'system', content: message.content });
      continue;
    }
    if (message.role === 'tool') continue;
    const text = message.content
      .map((part) => (part.type === 'text' ? part.text : ''))
      .filter((piece) => piece !== '')
      .join('\n');
    if (text !== '') messages.push({ role: message.role, content: text });
  }
  // stopwise needs one message at least; a prompt of files alone still gets a run.
  return messages.length > 0 ? messages : [{ role: 'user', content: '' }];
}
