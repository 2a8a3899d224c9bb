import { ConfigError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { mapMessages } from './map-messages.js';

describe('mapMessages', () => {
  it('lifts every system message into one system prompt, joined by blank lines', () => {
    const prompt = mapMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'How are you?' },
    ]);
    expect(prompt.system).toBe('Be brief.\n\nAnswer in French.');
    expect(prompt.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'How are you?' },
    ]);
  });

  it('leaves system out when there is none', () => {
    expect(mapMessages([{ role: 'user', content: 'Hi' }])).toEqual({
      system: undefined,
      messages: [{ role: 'user', content: 'Hi' }],
    });
  });

  it('refuses a conversation with only system messages', () => {
    const attempt = () => mapMessages([{ role: 'system', content: 'Be brief.' }]);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/`messages`/);
  });
});
