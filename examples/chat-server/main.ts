/**
 * `pnpm example:chat`: the chat server. Offline against the replay server by default; against
 * OpenAI when OPENAI_API_KEY is set.
 *
 *   pnpm example:chat                       # http://127.0.0.1:8787
 *   pnpm example:chat --port 3000 --pace 200 --calibrate 1
 */
import { parseArgs } from 'node:util';
import { startChatServer } from './chat-server.js';
import { isChatPreset } from './presets.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    pace: { type: 'string', default: '60' },
    preset: { type: 'string', default: 'balanced' },
    calibrate: { type: 'string', default: '0' },
    'max-tokens': { type: 'string', default: '1024' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: pnpm example:chat [--port N] [--pace TOKENS_PER_S] [--preset realtime|balanced|accurate]
                         [--calibrate N] [--max-tokens N]
  --pace       replay speed (offline only; 0 = as fast as possible)
  --preset     the preset of users who have not picked one
  --calibrate  hold out the first N stoppable calls per model and preset to calibrate savings
OPENAI_API_KEY set: answers come from OpenAI (OPENAI_MODEL, default gpt-4o-mini).`);
  process.exit(0);
}
const count = (name: string, value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`--${name} must be a whole number ≥ 0, got ${value}`);
    process.exit(2);
  }
  return number;
};
if (!isChatPreset(values.preset)) {
  console.error(`--preset must be realtime, balanced or accurate, got ${values.preset}`);
  process.exit(2);
}

const server = await startChatServer({
  port: count('port', values.port),
  tokensPerSecond: count('pace', values.pace),
  defaultPreset: values.preset,
  calibrationCalls: count('calibrate', values.calibrate),
  maxOutputTokens: count('max-tokens', values['max-tokens']) || undefined,
  apiKey: process.env.OPENAI_API_KEY || undefined,
  model: process.env.OPENAI_MODEL || undefined,
});
console.log(`stopwise chat on ${server.url}`);
console.log(`answers from ${server.backend.description}`);
const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
