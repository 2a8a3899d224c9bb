import { describe, expect, it } from 'vitest';
import { createClient } from '../client.js';
import { ConfigError } from '../errors.js';
import { createMemoryStore } from '../store/memory-store.js';
import { eventLoopTurnsDuring } from '../testing/event-loop-turns.js';
import { scriptedProvider, textScript } from '../testing/scripted-provider.js';
import { learningIdle } from './learning-loop.js';
import { createMemoryTunerEvidence, type TunerEvidence } from './tuner-evidence.js';

/** An answer stated early, then a long recheck that keeps it (or, with `changes`, changes it). */
function answerScript(n: number, changes = false) {
  const recheck = 'Let me verify this once more, step by step, to be sure of every detail here. '.repeat(12);
  const text = `We add the numbers. So the answer is ${n}.\n\n${recheck}Final check done: the answer is ${changes ? n + 1 : n}.`;
  return textScript(text.match(/[\s\S]{1,12}/g) ?? []);
}

function learningClient(options: { changes?: (call: number) => boolean } = {}) {
  let calls = 0;
  const errors: unknown[] = [];
  const client = createClient({
    provider: {
      name: 'openai',
      stream: (request) => {
        const call = calls++;
        return scriptedProvider(answerScript(call % 9, options.changes?.(call) ?? false)).stream(request);
      },
    },
    profile: 'balanced',
    learn: {
      risk: 0.05,
      confidence: 0.9,
      minSamples: 40,
      minUsers: 3,
      holdoutFloor: 1,
      onError: (e) => errors.push(e),
    },
  });
  return { client, errors };
}

const users = ['ann', 'bob', 'cy'];
const ask = (user: string | undefined) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Add 2 and 3. End with "the answer is".' }],
  user,
});

/**
 * Evidence that reads the same standing for every step (no loss), from `contributors` users;
 * `add` hears what the client records.
 */
function uniformEvidence(options: {
  observations: number;
  contributors: number;
  add?: TunerEvidence['add'];
}): TunerEvidence {
  return {
    add: options.add ?? (() => {}),
    read: (_bucket, steps) =>
      Array.from({ length: steps }, () => ({ observations: options.observations, lost: 0, tokensSaved: 0 })),
    contributors: () => options.contributors,
  };
}
describe('createClient({ learn })', () => {
  it('climbs one step at a time once holdout calls from several users certify the steps, and explains why', async () => {
    const { client, errors } = learningClient();
    expect((await client.explain(ask(undefined))).tuning).toMatchObject({
      step: 1,
      home: 1,
      scope: 'profile',
    });
    const steps: number[] = [];
    for (let i = 0; i < 60; i++) {
      const result = await client.generate(ask(users[i % 3]));
      steps.push(result.tuning?.step ?? -1);
      await learningIdle(client); // the replay of the ladder runs on later tasks
    }
    expect(errors).toEqual([]);
    // Home until 40 observations from 3 users, then one step a call up to the top.
    expect(steps.slice(0, 39).every((step) => step === 1)).toBe(true);
    expect(steps.slice(-3)).toEqual([4, 4, 4]);
    const explained = await client.explain(ask(undefined));
    expect(explained.tuning).toMatchObject({ step: 4, scope: 'bucket' });
    expect(explained.tuning?.evidence[4]).toMatchObject({ lost: 0, passes: true });
    expect(explained.layers.map((layer) => layer.layer)).toContain('learned');
    expect(explained.policies.find((p) => p.setting === 'answerComplete')?.parameters).toMatchObject({
      graceChars: 40,
    });
  });

  it('stays at the most conservative step where stopping early loses answers', async () => {
    const { client } = learningClient({ changes: (call) => call % 4 === 0 });
    let last: number | undefined;
    for (let i = 0; i < 60; i++) {
      last = (await client.generate(ask(users[i % 3]))).tuning?.step;
      await learningIdle(client);
    }
    expect(last).toBe(0);
  });

  it('applies the learned step under every override a person wrote, those next to the profile name included', async () => {
    // Evidence that certifies every step, from enough users: the tuner moves off the profile's step.
    const evidence = uniformEvidence({ observations: 10_000, contributors: 3 });
    const client = createClient({
      provider: scriptedProvider(answerScript(1)),
      profile: 'balanced',
      profiles: { ann: { profile: 'balanced', answerComplete: { graceChars: 555 } } },
      learn: { evidence, holdoutFloor: 0 },
    });
    const grace = async (options: Parameters<typeof client.explain>[0]) => {
      const explained = await client.explain(options);
      expect(explained.tuning?.step).toBe(2);
      expect(explained.layers.map((layer) => layer.layer)).toContain('learned');
      return explained.policies.find((p) => p.setting === 'answerComplete')?.parameters?.graceChars;
    };
    // Nothing else set: the learned step's grace (step 2 of the ladder).
    expect(await grace(ask('bob'))).toBe(120);
    // The profile named with overrides, in the call or in the user's preset: theirs win.
    expect(
      await grace({
        ...ask('bob'),
        policy: { profile: 'balanced', overrides: { answerComplete: { graceChars: 777 } } },
      }),
    ).toBe(777);
    expect(await grace(ask('ann'))).toBe(555);
  });

  it('takes a verdict once, for a stopped call of a named user, and says why otherwise', async () => {
    const client = createClient({
      provider: { name: 'openai', stream: (request) => scriptedProvider(answerScript(5)).stream(request) },
      profile: 'balanced',
      learn: { holdoutFloor: 0 },
    });
    const stopped = await client.generate(ask('ann'));
    expect(stopped.outcome).toBe('policy-stop');
    expect(client.feedback(stopped.callId, { thumbs: 'down' })).toEqual({ accepted: true });
    expect(client.feedback(stopped.callId, { correct: true })).toMatchObject({
      accepted: false,
      reason: /already/,
    });
    expect(client.feedback('no-such-call', { correct: true })).toMatchObject({
      accepted: false,
      reason: /unknown call id/,
    });
    // A call still streaming is not judged yet: the reason says feedback waits for the end.
    const running = client.stream(ask('ann'));
    expect(client.feedback(running.callId, { correct: true })).toMatchObject({
      accepted: false,
      reason: /feedback is taken once the call ends/,
    });
    await running.result;
    const anonymous = await client.generate(ask(undefined));
    expect(client.feedback(anonymous.callId, { continued: true })).toMatchObject({ reason: /named no user/ });
    expect(() => client.feedback(stopped.callId, { thumbs: 'sideways' } as never)).toThrow(ConfigError);
    const plain = createClient({ provider: scriptedProvider(answerScript(1)) });
    expect(plain.feedback('x', { correct: false })).toMatchObject({
      accepted: false,
      reason: /does not learn/,
    });
  });

  it('replays the ladder over a long holdout output in slices, letting the event loop run between them', async () => {
    // A long reasoning-like output that states its answer at the end: every step replays it all.
    const long = `${'Let me think about the numbers again and recheck every partial sum carefully. '.repeat(1500)}So the answer is 5.`;
    const client = createClient({
      provider: scriptedProvider(textScript(long.match(/[\s\S]{1,400}/g) ?? [])),
      profile: 'balanced',
      learn: { holdoutFloor: 1, onError: (error) => expect.unreachable(String(error)) },
    });
    const result = await client.generate({ ...ask('ann'), policy: { overrides: { cutAtTokens: false } } });
    expect(result.savings.holdout).toBeDefined();
    const turns = await eventLoopTurnsDuring(() => learningIdle(client));
    // Each of the ladder's five steps is at least one task of its own; in one go, as it was, the
    // replay of this output held the event loop for all of them.
    expect(turns).toBeGreaterThanOrEqual(4);
    const explained = await client.explain(ask('ann'));
    expect(explained.tuning?.evidence.some((step) => step.observations > 0)).toBe(true);
  });

  it("judges holdout outputs with the length budgets of the client's store, as its calls ran", async () => {
    // Fifty short answers teach the store's length history a small budget (balanced's q0.95 at
    // 90% confidence needs 45); then a long output that states its answer only at its end (no
    // repeats, so only a length budget cuts it): every step, with that budget, cuts it first.
    const short = 'We add them. So the answer is 5.';
    const sums = Array.from(
      { length: 60 },
      (_, i) => `Step ${i + 1} checks the partial sum ${(i * 37) % 101} again.`,
    );
    const long = `${sums.join(' ')} So the answer is 5.`;
    let calls = 0;
    const client = createClient({
      provider: {
        name: 'openai',
        stream: (request) =>
          scriptedProvider(textScript((calls++ < 50 ? short : long).match(/[\s\S]{1,20}/g) ?? [])).stream(
            request,
          ),
      },
      profile: 'balanced',
      store: createMemoryStore(),
      learn: { holdoutFloor: 1, onError: (error) => expect.unreachable(String(error)) },
    });
    // A bucket of its own: the other tests of this file fill the process-wide history.
    const call = { ...ask('zoe'), metadata: { bucket: 'length-store-replay' } };
    for (let i = 0; i < 51; i++) {
      const result = await client.generate(call);
      if (i === 50) expect(result.savings.holdout?.policy).toMatch(/^adaptiveLength/);
      await learningIdle(client);
    }
    const explained = await client.explain(call);
    // Replayed with the process-wide history instead (empty for this bucket), no step had a
    // budget and none was charged the loss.
    expect(explained.tuning?.evidence.map((step) => step.lost)).toEqual([1, 1, 1, 1, 1]);
  });

  it('refuses a verdict on a holdout call that only a safety limit stopped', async () => {
    const client = createClient({
      provider: scriptedProvider(answerScript(5)),
      profile: 'balanced',
      learn: { holdoutFloor: 1 },
    });
    const capped = await client.generate({ ...ask('ann'), policy: { cutAtTokens: 8 } });
    expect(capped.savings.holdout).toBeDefined();
    expect(capped.outcome).toBe('policy-stop');
    expect(client.feedback(capped.callId, { thumbs: 'down' })).toMatchObject({
      accepted: false,
      reason: /held out/,
    });
  });

  it('refuses a verdict on a call that a token cap cut, not its tuned settings', async () => {
    const added: string[] = [];
    const evidence = uniformEvidence({
      observations: 0,
      contributors: 0,
      add: (bucket) => added.push(bucket),
    });
    const client = createClient({
      provider: scriptedProvider(answerScript(5)),
      profile: 'balanced',
      learn: { evidence, holdoutFloor: 0 },
    });
    // Not held out: the cap is what ended it, before any tuned policy could judge the answer.
    const capped = await client.generate({ ...ask('ann'), policy: { cutAtTokens: 8 } });
    expect(capped.savings.holdout).toBeUndefined();
    expect(capped.stop?.kind).toBe('cap');
    expect(client.feedback(capped.callId, { thumbs: 'down' })).toMatchObject({
      accepted: false,
      reason: /cap/,
    });
    expect(added).toEqual([]);
  });

  it('refuses bad learn options when the client is made', () => {
    const provider = scriptedProvider(answerScript(1));
    expect(() => createClient({ provider, learn: { risk: 0 } })).toThrow(/learn.risk/);
    expect(() => createClient({ provider, learn: { holdoutFloor: 2 } })).toThrow(/learn.holdoutFloor/);
    // Not a TunerEvidence: said now, not by every call failing to read it.
    expect(() => createClient({ provider, learn: { evidence: {} as never } })).toThrow(/learn.evidence/);
    expect(() => createClient({ provider, learn: { rsk: 0.1 } as never })).toThrow(
      /Invalid `learn.rsk`: is not an option \(did you mean `risk`\?\)/,
    );
  });
});

describe('the ladder replay of a holdout call', () => {
  /** A client that learns from every call, and the deltas its replays add, by bucket. */
  function recordingClient() {
    const added: Array<{ bucket: string; deltas: unknown }> = [];
    const evidence = uniformEvidence({
      observations: 0,
      contributors: 0,
      add: (bucket, deltas) => added.push({ bucket, deltas }),
    });
    const client = createClient({
      provider: { name: 'openai', stream: (request) => scriptedProvider(answerScript(5)).stream(request) },
      profile: 'balanced',
      learn: { evidence, holdoutFloor: 1, onError: (error) => expect.unreachable(String(error)) },
    });
    return { client, added };
  }

  it('replays the prompt the call was made with, even when the app appends the next turn to the same messages', async () => {
    const first = 'Add 2 and 3. End with "the answer is".';
    // The usual chat loop: one messages array, the reply and the next question pushed onto it
    // as soon as the call resolves (before the replay, which runs on a later task).
    const chat = recordingClient();
    const messages: Array<{ role: 'user' | 'assistant'; content: string }> = [
      { role: 'user', content: first },
    ];
    const metadata: Record<string, unknown> = {};
    const result = await chat.client.generate({ model: 'gpt-4o-mini', messages, metadata, user: 'ann' });
    messages.push({ role: 'assistant', content: result.text });
    // A problem in parts switches the answer markers off: replayed with it, no step would stop.
    messages.push({ role: 'user', content: 'Part 1: now multiply them. Part 2: divide.' });
    metadata.bucket = 'another-template';
    await learningIdle(chat.client);

    const untouched = recordingClient();
    await untouched.client.generate({ ...ask('ann'), messages: [{ role: 'user', content: first }] });
    await learningIdle(untouched.client);

    expect(untouched.added).toHaveLength(1);
    expect(chat.added).toEqual(untouched.added);
  });
});

describe('a tuner whose evidence cannot be read', () => {
  it("runs the call at the profile's own settings and reports the failure, never failing the call", async () => {
    const errors: unknown[] = [];
    // A remote backend behind `learn.evidence` (or a custom store) that is down: reads throw.
    const evidence: TunerEvidence = {
      add: () => {},
      read: () => {
        throw new Error('evidence backend unreachable');
      },
      contributors: () => 0,
    };
    const client = createClient({
      provider: scriptedProvider(answerScript(5)),
      profile: 'balanced',
      learn: { evidence, holdoutFloor: 0, onError: (error) => errors.push(error) },
    });
    const result = await client.generate(ask('ann'));
    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe('policy-stop');
    expect(result.text).toMatch(/the answer is 5/);
    expect(result.tuning).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ message: 'evidence backend unreachable' })]);
  });

  it('answers a verdict it could not record instead of throwing, and takes it when sent again', async () => {
    const errors: unknown[] = [];
    const inner = createMemoryTunerEvidence();
    let down = false;
    const evidence: TunerEvidence = {
      add: (...args) => {
        if (down) throw new Error('evidence backend unreachable');
        inner.add(...args);
      },
      read: (...args) => inner.read(...args),
      contributors: (...args) => inner.contributors(...args),
    };
    const client = createClient({
      provider: scriptedProvider(answerScript(5)),
      profile: 'balanced',
      learn: { evidence, holdoutFloor: 0, onError: (error) => errors.push(error) },
    });
    const stopped = await client.generate(ask('ann'));
    expect(stopped.outcome).toBe('policy-stop');
    down = true;
    expect(client.feedback(stopped.callId, { thumbs: 'down' })).toMatchObject({
      accepted: false,
      reason: /could not be recorded \(evidence backend unreachable\); nothing changed/,
    });
    expect(errors).toHaveLength(1);
    down = false;
    expect(client.feedback(stopped.callId, { thumbs: 'down' })).toEqual({ accepted: true });
  });
});
