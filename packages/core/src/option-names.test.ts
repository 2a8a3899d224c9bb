import { describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { ConfigError } from './errors.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const provider = () => scriptedProvider(textScript(['Hello.']));
const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('unknown option names are refused before any request', () => {
  it('createClient: a misspelt option names itself, the closest option and the allowed ones', () => {
    const attempt = () => createClient({ provider: provider(), profil: 'balanced' } as never);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /Invalid `profil`: is not an option \(did you mean `profile`\?\); allowed: provider, profile,/,
    );
  });

  it('stream and generate: a call option that does not exist', async () => {
    const source = provider();
    const client = createClient({ provider: source });
    expect(() => client.stream({ model: 'm', messages, maxTokens: 10 } as never)).toThrow(
      /Invalid `maxTokens`: is not an option; allowed: model, messages, maxOutputTokens,/,
    );
    await expect(client.generate({ model: 'm', messages, polcy: {} } as never)).rejects.toThrow(
      /did you mean `policy`/,
    );
    expect(source.requests).toHaveLength(0);
  });

  it("stream: a policy option given to the call itself is pointed to the call's policy", () => {
    const client = createClient({ provider: provider() });
    expect(() => client.stream({ model: 'm', messages, stopon: ['\n'] } as never)).toThrow(
      /Invalid `stopon`: is not an option \(did you mean `policy.stopOn`\?\)/,
    );
    expect(() => client.stream({ model: 'm', messages, profil: 'realtime' } as never)).toThrow(
      /did you mean `policy.profile`/,
    );
    // A call option near the typo wins over a policy option.
    expect(() => client.stream({ model: 'm', messages, mesages: messages } as never)).toThrow(
      /did you mean `messages`/,
    );
  });

  it('policy: stopon for stopOn', async () => {
    const source = provider();
    const client = createClient({ provider: source });
    await expect(
      client.generate({ model: 'm', messages, policy: { stopon: ['\n'] } as never }),
    ).rejects.toThrow(/Invalid `policy.stopon`: is not an option \(did you mean `stopOn`\?\)/);
    expect(source.requests).toHaveLength(0);
  });

  it("vote: its own options and a call's are allowed, others refused", async () => {
    const client = createClient({ provider: provider() });
    await expect(client.vote({ model: 'm', messages, samples: 2, sample: 3 } as never)).rejects.toThrow(
      /did you mean `samples`/,
    );
  });
});
