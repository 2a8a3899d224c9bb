import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { maxTokens } from './max-tokens.js';

const words = Array.from({ length: 40 }, (_, i) => `w${i} `);
const call = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'go' }] };

describe('maxTokens safety', () => {
  it('acts in a holdout call by default, and is only recorded there with safety: false', async () => {
    const client = createClient({ provider: scriptedProvider(textScript(words)), holdout: { fraction: 1 } });
    const safe = await client.generate({ ...call, policy: { policies: [maxTokens(10)] } });
    expect(safe.outcome).toBe('policy-stop');
    const cut = await client.generate({ ...call, policy: { policies: [maxTokens(10, { safety: false })] } });
    expect(cut.outcome).toBe('finish');
    expect(cut.text).toBe(words.join(''));
    expect(cut.savings.holdout?.wouldStopAtToken).toBeGreaterThanOrEqual(10);
  });

  it('refuses a safety flag that is not a boolean', () => {
    expect(() => maxTokens(10, { safety: 'no' as never })).toThrow(ConfigError);
  });
});
