import { describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { ConfigError } from './errors.js';
import { defineProfile } from './profiles/define-profile.js';
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
    expect(() => client.stream({ model: 'm', messages, temprature: 0 } as never)).toThrow(
      /Invalid `temprature`: is not an option \(did you mean `temperature`\?\); allowed: model, messages, maxOutputTokens,/,
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

  it("another SDK's name for a cap points to both of stopwise's caps, where each belongs", async () => {
    const source = provider();
    const client = createClient({ provider: source });
    for (const name of ['maxTokens', 'max_tokens', 'max_completion_tokens']) {
      expect(() => client.stream({ model: 'm', messages, [name]: 10 } as never)).toThrow(
        new RegExp(
          `Invalid \`${name}\`: is not an option \\(did you mean \`maxOutputTokens\` \\(sent to the provider\\), or \`policy.cutAtTokens\``,
        ),
      );
    }
    await expect(
      client.generate({ model: 'm', messages, policy: { maxTokens: 10 } as never }),
    ).rejects.toThrow(
      /Invalid `policy.maxTokens`: is not an option \(did you mean `cutAtTokens` \(a cut stopwise makes\)/,
    );
    expect(() => createClient({ provider: source, maxTokens: 10 } as never)).toThrow(
      /Invalid `maxTokens`: is not an option \(did you mean `maxOutputTokens` on each call/,
    );
    // A name that is no one's option gets no made-up hint, even one on Object.prototype.
    expect(() => client.stream({ model: 'm', messages, toString: 1 } as never)).toThrow(
      /Invalid `toString`: is not an option; allowed:/,
    );
    expect(source.requests).toHaveLength(0);
  });

  it('profiles: a misspelt profile name, setting or `extends` gets the name meant', async () => {
    expect(() => createClient({ provider: provider(), profile: 'balance' })).toThrow(
      /Invalid `profile`: unknown profile "balance" \(did you mean "balanced"\?\); known profiles:/,
    );
    const client = createClient({ provider: provider() });
    await expect(
      client.generate({ model: 'm', messages, policy: { overrides: { stopon: ['\n'] } as never } }),
    ).rejects.toThrow(
      /Invalid `policy.overrides.stopon`: is not a profile setting \(did you mean `stopOn`\?\)/,
    );
    expect(() => defineProfile('hint-test', { extend: 'accurate' } as never)).toThrow(
      /Invalid `profiles.hint-test.extend`: is not an option \(did you mean `extends`\?\); allowed: extends, description, keywords,/,
    );
  });

  it('shows NaN as NaN in the message, not as null', async () => {
    const client = createClient({ provider: provider() });
    await expect(
      client.generate({ model: 'm', messages, policy: { cutAtTokens: Number.NaN } }),
    ).rejects.toThrow(/`policy.cutAtTokens`: must be an integer of at least 1, got NaN/);
  });

  it("vote: its own options and a call's are allowed, others refused", async () => {
    const client = createClient({ provider: provider() });
    await expect(client.vote({ model: 'm', messages, samples: 2, sample: 3 } as never)).rejects.toThrow(
      /did you mean `samples`/,
    );
  });
});
