/**
 * `pnpm example:cli`: ask one question with a profile, stream the answer, print what the stop
 * saved. Offline against the replay server by default (only recorded questions have answers:
 * `--list` shows them, `--pick N` asks one); against OpenAI when OPENAI_API_KEY is set.
 *
 *   pnpm example:cli --list
 *   pnpm example:cli --profile realtime --pick 4
 *   pnpm example:cli --profile accurate "$(cat question.txt)"
 */
import { parseArgs } from 'node:util';
import { createClient, findProfile, profileNames, type StreamPart } from 'stopwise';
import { recordedQuestions, startBackend } from '../shared/backend.js';
import { describeEnd, describeSavings } from '../shared/savings-text.js';

const usage = `usage: pnpm example:cli [--profile NAME] [--pace TOKENS_PER_S] (--pick N | "question")
       pnpm example:cli --list
  --profile  a stopwise profile (default balanced): ${profileNames().join(', ')}
  --pace     replay speed, offline only (default 60; 0 = as fast as possible)
OPENAI_API_KEY set: the answer comes from OpenAI (OPENAI_MODEL, default gpt-4o-mini).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    profile: { type: 'string', default: 'balanced' },
    pace: { type: 'string', default: '60' },
    pick: { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!findProfile(values.profile))
  fail(`unknown profile ${values.profile}; registered: ${profileNames().join(', ')}`, 2);
const pace = Number(values.pace);
if (!Number.isFinite(pace) || pace < 0) fail(`--pace must be a number ≥ 0, got ${values.pace}`, 2);

if (values.list) {
  const { questions } = await recordedQuestions();
  for (const [index, question] of questions.entries()) console.log(`${index + 1}. ${question.label}`);
  process.exit(0);
}

const backend = await startBackend({
  apiKey: process.env.OPENAI_API_KEY || undefined,
  model: process.env.OPENAI_MODEL || undefined,
  tokensPerSecond: pace,
});
try {
  let question = positionals.join(' ');
  if (values.pick !== undefined) {
    const picked = backend.questions[Number(values.pick) - 1];
    if (!picked) fail(`--pick takes 1 to ${backend.questions.length} (see --list)`, 2);
    question = picked.prompt;
  }
  if (question.trim() === '') fail(usage, 2);

  const client = createClient({ provider: backend.provider, profile: values.profile });
  const messages = [{ role: 'user' as const, content: question }];
  console.log(`profile ${values.profile}; answers from ${backend.description}\n`);
  const run = client.stream({ model: backend.modelFor(messages), messages, maxOutputTokens: 1024 });
  for await (const part of run as AsyncIterable<StreamPart>) {
    if (part.type === 'text-delta' || part.type === 'reasoning-delta') process.stdout.write(part.delta);
    else if (part.type === 'policy-stop' && part.retractedChars > 0) {
      // A terminal cannot take back what it printed: say how much of it the cut removed.
      process.stdout.write(`\n(the last ${part.retractedChars} characters above were cut)`);
    }
  }
  const result = await run.result;
  console.log(`\n\n■ ${describeEnd(result)}`);
  if (result.outcome === 'error') {
    const status = (result.error as { status?: number }).status;
    const hint = backend.hintFor(status);
    if (hint) console.error(`${hint} (pnpm example:cli --list shows them)`);
    process.exitCode = 1;
  } else {
    const saved = describeSavings(result);
    console.log(`saved: tokens ${saved.tokens} · dollars ${saved.dollars} · seconds ${saved.seconds}`);
    console.log(`output tokens: ${result.usage.outputTokens ?? '?'} (${result.usage.source})`);
  }
} finally {
  await backend.close();
}
