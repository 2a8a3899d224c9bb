/**
 * Races, failing policies and hooks, and load, through the official SDKs against the loopback
 * server. Same invariants as the stream faults: one outcome, text kept, one call-end, no leaks.
 */

import { createClient, findProfile, type StopPolicy } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { syntheticAnthropicChunks } from '../wire/synthetic-anthropic.js';
import { syntheticChatChunks } from '../wire/synthetic-chat.js';
import { createWireServer } from '../wire/wire-server.js';
import { type AdapterName, providerFor, runAgainst } from './harness.js';
import { guardAgainstLeaks } from './leak-guard.js';

const words = Array.from({ length: 60 }, (_, index) => `word${index} `);
const scriptFor = (adapter: AdapterName) =>
  adapter === 'openai'
    ? {
        format: 'openai-chat' as const,
        chunks: syntheticChatChunks({ deltas: words, usage: { promptTokens: 9, completionTokens: 60 } }),
        paceMs: 1,
      }
    : { format: 'anthropic' as const, chunks: syntheticAnthropicChunks({ deltas: words }), paceMs: 1 };

guardAgainstLeaks();

/** Stops at the delta containing `word`; runs `onDecide` at the moment it decides. */
function stopAt(word: string, onDecide: () => void = () => {}): StopPolicy {
  return {
    name: `stopAt(${word})`,
    step(view) {
      if (!view.delta.includes(word)) return undefined;
      onDecide();
      return { reason: `reached ${word}` };
    },
  };
}

describe.each<AdapterName>(['openai', 'anthropic'])(
  'races and failing parts through the %s SDK',
  (adapter) => {
    it('the caller aborts in the same tick a policy decides, after it: the policy stop wins', async () => {
      const controller = new AbortController();
      const run = await runAgainst({
        adapter,
        script: scriptFor(adapter),
        call: { signal: controller.signal, policy: { policies: [stopAt('word20')] } },
        onPart: (part) => {
          if (part.type === 'policy-stop') controller.abort(new Error('user left'));
        },
      });
      expect(run.result.outcome).toBe('policy-stop');
      expect(run.callEnds).toHaveLength(1);
      expect(run.parts.filter((part) => part.type === 'abort' || part.type === 'policy-stop')).toHaveLength(
        1,
      );
    });

    it('the caller aborts while the policy is deciding, before it returns: the abort wins', async () => {
      const controller = new AbortController();
      const run = await runAgainst({
        adapter,
        script: scriptFor(adapter),
        call: {
          signal: controller.signal,
          policy: { policies: [stopAt('word20', () => controller.abort(new Error('user left')))] },
        },
      });
      expect(run.result.outcome).toBe('abort');
      expect(run.callEnds).toHaveLength(1);
      expect(run.parts.filter((part) => part.type === 'abort' || part.type === 'policy-stop')).toHaveLength(
        1,
      );
      expect(run.result.text.startsWith('word0 word1')).toBe(true);
    });

    it('a policy that throws is switched off; the stream runs to its end', async () => {
      const broken: StopPolicy = {
        name: 'broken',
        step(view) {
          if (view.delta.includes('word5')) throw new Error('policy bug');
          return undefined;
        },
      };
      const run = await runAgainst({
        adapter,
        script: scriptFor(adapter),
        call: { policy: { policies: [broken, stopAt('word50')] } },
      });
      expect(run.result.outcome).toBe('policy-stop');
      expect(run.result.stop?.policy).toBe('stopAt(word50)');
      expect(run.result.policyErrors).toHaveLength(1);
      expect(run.callEnds).toHaveLength(1);
    });

    it('telemetry hooks that throw or never resolve neither break nor delay the stream', async () => {
      const hookErrors: unknown[] = [];
      const run = await runAgainst({
        adapter,
        script: scriptFor(adapter),
        client: {
          telemetry: {
            onCallStart: () => {
              throw new Error('hook bug');
            },
            onPolicyStop: () => new Promise<void>(() => {}),
            onHookError: (error) => hookErrors.push(error),
          },
        },
        call: { policy: { policies: [stopAt('word30')] } },
      });
      expect(run.result.outcome).toBe('policy-stop');
      // No cutAt: the deciding delta is kept whole.
      expect(run.result.text).toBe(words.slice(0, 31).join(''));
      expect(run.callEnds).toHaveLength(1);
      expect(hookErrors).toHaveLength(1);
    });
  },
);

describe('load', () => {
  it('200 concurrent streams through one client: every run accounted for, nothing left open', async () => {
    const count = 200;
    const chunks = syntheticChatChunks({ deltas: words, usage: { promptTokens: 9, completionTokens: 60 } });
    const server = await createWireServer({ respond: () => ({ format: 'openai-chat', chunks }) });
    const ends: string[] = [];
    try {
      const client = createClient({
        provider: providerFor('openai', server.url),
        ...(findProfile('balanced') ? { profile: 'balanced' } : {}),
        telemetry: { onCallEnd: (event) => void ends.push(event.callId) },
      });
      const results = await Promise.all(
        Array.from({ length: count }, (_, index) =>
          client.generate({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: `Question ${index}: list sixty words.` }],
            policy: { policies: index % 2 === 0 ? [stopAt('word40')] : [] },
          }),
        ),
      );
      const outcomes = results.map((result) => result.outcome);
      expect(outcomes.filter((outcome) => outcome === 'error')).toEqual([]);
      expect(outcomes.filter((outcome) => outcome === 'policy-stop').length).toBeGreaterThanOrEqual(
        count / 2,
      );
      expect(new Set(ends).size).toBe(count);
      expect(ends).toHaveLength(count);
      expect(server.requests).toHaveLength(count);
    } finally {
      await server.close();
    }
  });
});
