import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import { scriptedProvider } from '../testing/scripted-provider.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('bad input', () => {
  const provider = scriptedProvider([]);
  const fieldOf = (make: () => unknown) => {
    try {
      make();
    } catch (error) {
      if (ConfigError.isInstance(error)) return error.field;
      throw error;
    }
    return undefined;
  };

  it.each([
    ['negative holdout fraction', { holdout: { fraction: -0.1 } }, 'holdout.fraction'],
    ['NaN holdout fraction', { holdout: { fraction: Number.NaN } }, 'holdout.fraction'],
    ['infinite holdout fraction', { holdout: { fraction: Number.POSITIVE_INFINITY } }, 'holdout.fraction'],
    ['holdout fraction above 1', { holdout: { fraction: 1.5 } }, 'holdout.fraction'],
    ['holdout fraction as text', { holdout: { fraction: '0.1' } }, 'holdout.fraction'],
    ['holdout not an object', { holdout: 0.1 }, 'holdout'],
    ['fractional warm-up', { holdout: { fraction: 0.1, warmup: 2.5 } }, 'holdout.warmup'],
    [
      'warm-up with a custom estimator',
      { holdout: { fraction: 0.1, warmup: 5 }, savings: () => ({}) },
      'holdout.warmup',
    ],
    ['random not a function', { holdout: { fraction: 0.1, random: 0.5 } }, 'holdout.random'],
    ['price without a unit', { prices: { 'gpt-x': { price: 0.6 } } }, 'prices["gpt-x"].price'],
    ['price as a bare number', { prices: { 'gpt-x': 0.6 } }, 'prices["gpt-x"]'],
    ['price without currency', { prices: { 'gpt-x': { outputPerMTok: 0.6 } } }, 'prices["gpt-x"].currency'],
    ['hook not a function', { telemetry: { onCallEnd: 'log' } }, 'telemetry.onCallEnd'],
    ['hook in a list not a function', { telemetry: [{}, { onError: 42 }] }, 'telemetry[1].onError'],
    ['misspelt hook', { telemetry: { onCallend: () => {} } }, 'telemetry.onCallend'],
    ['recordContent not a boolean', { telemetry: { recordContent: 'yes' } }, 'telemetry.recordContent'],
    ['minSamples not an integer', { savingsModel: { minSamples: 0 } }, 'savingsModel.minSamples'],
  ])('%s is a ConfigError naming the field', (_name, options, field) => {
    expect(fieldOf(() => createClient({ provider, ...(options as object) }))).toBe(field);
  });

  it("a class exporter's misspelt hook method is a ConfigError naming it", () => {
    // Methods live on the prototype: a check of own keys alone never saw this one.
    class Exporter {
      calls = 0;
      onCalEnd(): void {
        this.calls += 1;
      }
    }
    expect(fieldOf(() => createClient({ provider, telemetry: new Exporter() as never }))).toBe(
      'telemetry.onCalEnd',
    );
    class Spelt {
      onCallEnd(): void {}
      flush(): void {}
      // A getter of the exporter's own is not run by the check.
      get summary(): string {
        throw new Error('summary read during validation');
      }
    }
    class Derived extends Spelt {}
    expect(fieldOf(() => createClient({ provider, telemetry: new Derived() }))).toBeUndefined();
  });

  it('a per-call hook that is not a function is a ConfigError naming the field', () => {
    const client = createClient({ provider });
    expect(
      fieldOf(() => client.stream({ model: 'm', messages, telemetry: { onPolicyStop: {} as never } })),
    ).toBe('telemetry.onPolicyStop');
  });
});
