/**
 * `pnpm example:ai-sdk`: an AI SDK route (`streamText` over a model wrapped by stopwise's
 * middleware) served on 127.0.0.1. Offline against the replay server of recorded outputs by
 * default; against OpenAI when OPENAI_API_KEY is set.
 *
 *   pnpm example:ai-sdk                     # prints the URL and a curl command to try
 *   pnpm example:ai-sdk --port 3000 --pace 0 --preset realtime
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createOpenAI } from '@ai-sdk/openai';
import { serve } from '@hono/node-server';
import { startBackend } from '../shared/backend.js';
import { createChatRoute } from './route.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8788' },
    pace: { type: 'string', default: '60' },
    preset: { type: 'string', default: 'balanced' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: pnpm example:ai-sdk [--port N] [--pace TOKENS_PER_S] [--preset realtime|balanced|accurate]
  --pace    replay speed (offline only; 0 = as fast as possible)
  --preset  the preset of every user
OPENAI_API_KEY set: answers come from OpenAI (OPENAI_MODEL, default gpt-4o-mini).`);
  process.exit(0);
}
const port = Number(values.port);
const pace = Number(values.pace);
if (!Number.isInteger(port) || port < 0 || !Number.isInteger(pace) || pace < 0) {
  console.error('--port and --pace must be whole numbers ≥ 0');
  process.exit(2);
}

const apiKey = process.env.OPENAI_API_KEY || undefined;
const backend = await startBackend({
  apiKey,
  model: process.env.OPENAI_MODEL || undefined,
  tokensPerSecond: pace,
});
// The AI SDK's own OpenAI provider, pointed at the replay server offline (only the URL differs).
const openai = createOpenAI(
  backend.replay ? { apiKey: 'replay', baseURL: `${backend.replay.url}/v1` } : { apiKey },
);
const route = createChatRoute({
  profile: values.preset,
  modelFor: (question) => openai.chat(backend.modelFor([{ role: 'user', content: question }])),
});
const server = serve({ fetch: route, port, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(`stopwise AI SDK route on ${url}/api/chat, answers from ${backend.description}`);
const sample = backend.questions[0]?.prompt ?? 'How many r in strawberry?';
console.log(
  `try: curl -N ${url}/api/chat -H 'content-type: application/json' -d '${JSON.stringify({ question: sample, user: 'user-42' }).replaceAll("'", "'\\''")}'`,
);

const stop = () => {
  server.close();
  void backend.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
