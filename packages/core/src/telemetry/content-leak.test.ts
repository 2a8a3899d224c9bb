import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import type { RunResult } from '../run-result.js';
import type { ProviderStreamPart } from '../stream-part.js';
import { scriptedProvider } from '../testing/scripted-provider.js';
import { serializeEvent } from './serialize-event.js';

/**
 * End to end: recorded outputs through the shipped presets, every telemetry event serialized as
 * an exporter writes it. Without `recordContent` no prompt or output text may appear in any
 * event; with it, the content is there.
 */

interface Fixture {
  id: string;
  output: string;
}

const fixtures: Fixture[] = readFileSync(
  new URL('../policies/__fixtures__/trace-sample.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Fixture);

const presets = ['realtime', 'balanced', 'accurate'] as const;

function pieces(text: string): string[] {
  return text.match(/[\s\S]{1,7}/g) ?? [];
}

/**
 * The record as an answer, or as reasoning (worked three times over, as a model re-checking
 * does, so answer convergence can fire and extract an answer) followed by its last line.
 */
function script(output: string, asReasoning: boolean): ProviderStreamPart[] {
  const answer = output.trim().split('\n').at(-1) ?? output;
  const reasoning = [output, output, output, output].join('\n\nLet me check that again.\n\n');
  return [
    { type: 'stream-start' },
    ...(asReasoning
      ? pieces(reasoning).map((delta): ProviderStreamPart => ({ type: 'reasoning-delta', delta }))
      : []),
    ...pieces(asReasoning ? answer : output).map(
      (delta): ProviderStreamPart => ({ type: 'text-delta', delta }),
    ),
    {
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 5, outputTokens: 50 },
    },
  ];
}

function strings(
  value: unknown,
  out: string[] = [],
  keys: string[] = [],
): { values: string[]; keys: string[] } {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out, keys);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      keys.push(key);
      strings(item, out, keys);
    }
  }
  return { values: out, keys };
}

async function runAll(recordContent: boolean) {
  const runs: Array<{
    fixture: Fixture;
    prompt: string;
    events: Record<string, unknown>[];
    result: RunResult;
  }> = [];
  for (const fixture of fixtures) {
    for (const profile of presets) {
      for (const asReasoning of [false, true]) {
        const events: Record<string, unknown>[] = [];
        const client = createClient({
          provider: scriptedProvider(script(fixture.output, asReasoning)),
          profile,
          telemetry: {
            recordContent,
            onEvent: (event) => {
              events.push(JSON.parse(JSON.stringify(serializeEvent(event))));
            },
          },
        });
        const prompt = `Question ${fixture.id}: solve this and put the final answer in \\boxed{}.`;
        const result = await client.generate({
          model: asReasoning ? 'deepseek-reasoner' : 'gpt-4o-mini',
          messages: [{ role: 'user', content: prompt }],
        });
        runs.push({ fixture, prompt, events, result });
      }
    }
  }
  return runs;
}

describe('telemetry content policy, end to end over recorded outputs and the presets', () => {
  it('without recordContent: no output, answer or prompt text in any serialized event', async () => {
    const runs = await runAll(false);
    // The runs must exercise answer extraction, or the test proves nothing.
    expect(runs.some((run) => run.result.answer !== undefined)).toBe(true);
    for (const { fixture, prompt, events, result } of runs) {
      const { values, keys } = strings(events);
      for (const key of ['answer', 'text', 'reasoning', 'messages']) expect(keys).not.toContain(key);
      for (const value of values) {
        if (value.length >= 12) {
          expect(fixture.output.includes(value), `${fixture.id}: ${value}`).toBe(false);
          expect(prompt.includes(value), `${fixture.id}: ${value}`).toBe(false);
        }
        if (result.answer) expect(value.includes(JSON.stringify(result.answer)), value).toBe(false);
      }
    }
  });

  it('with recordContent: the prompt, the kept text and the extracted answers are there', async () => {
    const runs = await runAll(true);
    for (const { prompt, events, result } of runs) {
      const start = events.find((event) => event.type === 'call-start');
      expect(JSON.stringify(start?.messages)).toContain(JSON.stringify(prompt));
      const end = events.find((event) => event.type === 'call-end');
      expect(end?.text).toBe(result.text);
      if (result.answer !== undefined) {
        const answers = events
          .filter((event) => event.type === 'policy-decision')
          .map((event) => (event.decision as { answer?: string }).answer);
        expect(answers).toContain(result.answer);
      }
    }
  });
});
