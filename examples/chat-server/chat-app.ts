import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { SavingsStatsCollector, type StopwiseClient } from 'stopwise';
import type { Backend } from '../shared/backend.js';
import { type ChatPreset, chatPresets, isChatPreset, type PresetStore } from './presets.js';
import { answerEvents, totalsView } from './run-events.js';

/** Options of {@link createChatApp}. */
export interface ChatAppOptions {
  client: StopwiseClient<unknown>;
  backend: Backend;
  presets: PresetStore;
  /** The preset of a user who has not picked one (the client's default profile). */
  defaultPreset: ChatPreset;
  /** The provider's output cap sent with every call, so a stop's saving is at least bounded. */
  maxOutputTokens: number;
}

const maxQuestionChars = 20_000;
const userIdPattern = /^[\w-]{1,64}$/;
/** What a user id must be, as the API's 400 says it. */
const userIdRule = 'user must be an id of 1-64 letters, digits, _ or -';

function isUserId(value: unknown): value is string {
  return typeof value === 'string' && userIdPattern.test(value);
}

const emptyTotals = new SavingsStatsCollector().snapshot().total;

async function asset(name: string): Promise<string> {
  return readFile(new URL(`./public/${name}`, import.meta.url), 'utf8');
}

/**
 * The chat: a static page, the user's preset, and answers streamed as server-sent events.
 *
 * - `GET /`: the page; `GET /app.js`: its script.
 * - `GET /api/config`: presets, the user's preset, offered questions, where answers come from.
 * - `PUT /api/preset` `{ user, preset }`: the user's preset, used from their next question on.
 * - `POST /api/chat` `{ user, question }`: the answer as events `text`, `reasoning`, `stop`,
 *   `done` (see `AnswerEvent`). POST rather than `EventSource`'s GET: asking costs money, and
 *   `EventSource` reconnects (asks again) whenever a stream ends.
 */
export async function createChatApp(options: ChatAppOptions): Promise<Hono> {
  const { client, backend, presets } = options;
  const [page, script] = await Promise.all([asset('index.html'), asset('app.js')]);
  const totals = (user: string) => {
    const stats = client.stats();
    return { all: stats.total, user: stats.byUser[user] ?? emptyTotals };
  };
  const app = new Hono();

  app.get('/', (c) => c.html(page));
  app.get('/app.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript; charset=utf-8' }));

  app.get('/api/config', (c) => {
    const user = c.req.query('user') ?? '';
    const { all, user: mine } = totals(user);
    return c.json({
      backend: backend.description,
      mode: backend.mode,
      presets: chatPresets,
      preset: presets.get(user) ?? options.defaultPreset,
      questions: backend.questions.map(({ id, label, prompt }) => ({ id, label, prompt })),
      totals: totalsView(all),
      userTotals: totalsView(mine),
    });
  });

  app.put('/api/preset', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as
      | { user?: unknown; preset?: unknown }
      | undefined;
    if (!isUserId(body?.user)) return c.json({ error: userIdRule }, 400);
    if (!isChatPreset(body.preset))
      return c.json({ error: `preset must be one of ${chatPresets.join(', ')}` }, 400);
    presets.set(body.user, body.preset);
    return c.json({ user: body.user, preset: body.preset });
  });

  app.post('/api/chat', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as
      | { user?: unknown; question?: unknown }
      | undefined;
    if (!isUserId(body?.user)) return c.json({ error: userIdRule }, 400);
    const { user, question } = body as { user: string; question: unknown };
    if (typeof question !== 'string' || question.trim() === '' || question.length > maxQuestionChars)
      return c.json(
        { error: `question must be a non-empty string of at most ${maxQuestionChars} characters` },
        400,
      );
    const messages = [{ role: 'user' as const, content: question }];
    return streamSSE(c, async (stream) => {
      // The reader went away (tab closed, new question): stop paying for the rest at once.
      const controller = new AbortController();
      stream.onAbort(() => controller.abort());
      const run = client.stream({
        model: backend.modelFor(messages),
        messages,
        user,
        maxOutputTokens: options.maxOutputTokens,
        signal: controller.signal,
      });
      for await (const { event, data } of answerEvents(run, {
        totals: () => totals(user),
        hintFor: backend.hintFor,
      })) {
        if (stream.aborted) break;
        await stream.writeSSE({ event, data: JSON.stringify(data) });
      }
    });
  });

  return app;
}
