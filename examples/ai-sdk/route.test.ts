import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedQuestions } from '../shared/backend.js';
import type { AnswerMetadata } from './route.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { questions, records } = await recordedQuestions();
const loop = questions.find((question) => question.id === 'mmlu-pro/gpt-4o/computer science/10434');
const loopOutput = records.find((record) => record.id === loop?.id)?.output ?? '';

let child: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  // What `pnpm example:ai-sdk` runs, on a free port, replaying as fast as possible, no key: offline.
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'examples/ai-sdk/main.ts', '--port', '0', '--pace', '0'],
    {
      cwd: root,
      env: { ...process.env, OPENAI_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child?.stdout?.on('data', (data: Buffer) => {
      out += data.toString();
      const found = /route on (http:\/\/\S+\/api\/chat)/.exec(out)?.[1];
      if (found) resolve(found);
    });
    child?.once('exit', (code) => reject(new Error(`example:ai-sdk exited with ${code}: ${out}`)));
  });
}, 30_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

/** POSTs a question and reads the UI message stream: the text deltas and the message metadata. */
async function ask(body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const events = (await response.text())
    .split('\n\n')
    .map((frame) => frame.replace(/^data: /, ''))
    .filter((data) => data.startsWith('{'))
    .map((data) => JSON.parse(data) as { type: string; delta?: string; messageMetadata?: AnswerMetadata });
  return {
    status: response.status,
    text: events.map((event) => (event.type === 'text-delta' ? event.delta : '')).join(''),
    metadata: events.find((event) => event.type === 'message-metadata')?.messageMetadata,
    types: events.map((event) => event.type),
  };
}

describe('pnpm example:ai-sdk', () => {
  it('streams the recorded answer, stops the loop and reports the stop and the savings', async () => {
    expect(loop).toBeDefined();
    const answer = await ask({ question: loop?.prompt, user: 'user-42' });
    expect(answer.status).toBe(200);
    expect(answer.types.at(-1)).toBe('finish');
    const stopwise = answer.metadata?.stopwise;
    expect(stopwise).toMatchObject({
      outcome: 'policy-stop',
      profile: 'balanced',
      stop: { kind: 'runaway' },
    });
    const stop = stopwise?.stop;
    if (!stop) throw new Error('no stop reported');
    expect(stop.policy).toMatch(/^repetition/);
    // What was streamed, less what the cut took back, is the kept text: the recording's start.
    const kept = answer.text.slice(0, answer.text.length - stop.retractedChars);
    expect(kept.length).toBe(stop.atChar);
    expect(loopOutput.startsWith(kept)).toBe(true);
    expect(answer.text.length).toBeLessThan(loopOutput.length / 4);
    expect(stopwise?.savings).toMatchObject({ boundSource: 'maxOutputTokens', stoppedBy: stop.policy });
    const savings = stopwise?.savings as { tokensSavedAtMost: number } | undefined;
    expect(savings?.tokensSavedAtMost).toBeGreaterThan(500);
    expect(stopwise?.usage.source).toBe('estimated');
  });

  it('refuses a body without a question', async () => {
    const answer = await ask({ user: 'user-42' });
    expect(answer.status).toBe(400);
  });
});
