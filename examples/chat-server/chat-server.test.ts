import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedQuestions } from '../shared/backend.js';
import { type ChatServer, startChatServer } from './chat-server.js';

// Debian's chromium (CI installs it with apt); Playwright's own browser downloads are not used.
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const { questions, records } = await recordedQuestions();
function recorded(id: string) {
  const question = questions.find((candidate) => candidate.id === id);
  const record = records.find((candidate) => candidate.id === id);
  if (!question || !record) throw new Error(`no recorded question ${id}`);
  return { prompt: question.prompt, output: record.output };
}
const loop = recorded('mmlu-pro/gpt-4o/computer science/10434');
const multipleChoice = recorded('mmlu-pro/gpt-4o/computer science/10632');
const arithmetic = recorded('gsm8k/gpt-4o-mini-2024-07-18/base-vanilla/113');
const short = recorded('mmlu-pro/gpt-4o/math/7814');

let browser: Browser | undefined;
let missing: Error | undefined;

beforeAll(async () => {
  // Not a skip: a machine without the browser must not pass this test. Each test fails with this.
  if (!existsSync(chromiumPath)) {
    missing = new Error(
      `No Chromium at ${chromiumPath}: the chat example's browser test needs Debian's chromium ` +
        '(apt-get install -y chromium), or CHROMIUM_PATH set to a Chromium binary.',
    );
    return;
  }
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
});

/** A new browser profile (so a new user id) on the chat page, loaded. */
async function openChat(server: ChatServer): Promise<{ context: BrowserContext; page: Page }> {
  if (missing || !browser) throw missing ?? new Error('Chromium did not start');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('body[data-ready="true"]').waitFor();
  return { context, page };
}

/** One text of the answer as the user saw it, whether the stop was shown then, and whether the answer was over. */
interface Update {
  text: string;
  stopped: boolean;
  done: boolean;
}

/**
 * Records each distinct text of the newest answer as the page changes it, and whether the answer
 * was over then: what the user saw stream in.
 */
async function watchAnswers(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Update[] = [];
    (window as unknown as { answerUpdates: typeof seen }).answerUpdates = seen;
    const answers = document.querySelector('#answers') as HTMLElement;
    new MutationObserver(() => {
      const article = answers.querySelector('.answer') as HTMLElement | null;
      const text = article?.querySelector('.text')?.textContent ?? '';
      if (article && text !== seen.at(-1)?.text) {
        const stopped = article.querySelector('.end')?.classList.contains('stopped') ?? false;
        seen.push({ text, stopped, done: article.dataset.state === 'done' });
      }
    }).observe(answers, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

async function answerUpdates(page: Page): Promise<Update[]> {
  return page.evaluate(() => (window as unknown as { answerUpdates: Update[] }).answerUpdates);
}

/** Types a question, asks it, waits for its answer to end; the newest answer's locator. */
async function ask(page: Page, question: string) {
  const before = await page.locator('#answers .answer').count();
  await page.locator('#question').fill(question);
  await page.locator('#ask').click();
  await expect.poll(() => page.locator('#answers .answer').count()).toBe(before + 1);
  const answer = page.locator('#answers .answer').first();
  await answer.and(page.locator('[data-state="done"]')).waitFor();
  return answer;
}

async function totals(page: Page, which: '#totals' | '#user-totals') {
  const list = page.locator(which);
  const data = await list.evaluate((element) => ({ ...(element as HTMLElement).dataset }));
  return { data, text: await list.textContent() };
}

async function pickPreset(page: Page, preset: string): Promise<void> {
  await page.locator('#preset').selectOption(preset);
  await expect
    .poll(() => page.locator('#preset-note').textContent())
    .toContain(`${preset} from your next question`);
}

describe('chat example in headless Chromium', () => {
  let server: ChatServer;
  beforeAll(async () => {
    // Fast enough for a short test, slow enough that the answer arrives over many events.
    server = await startChatServer({ tokensPerSecond: 400, apiKey: undefined });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('streams a recorded answer under the picked preset, shows the stop, the savings and the totals', async () => {
    expect(server.backend.mode).toBe('replay');
    const { context, page } = await openChat(server);
    await expect.poll(() => page.locator('#suggestions button').count()).toBe(questions.length);
    await pickPreset(page, 'realtime');
    await watchAnswers(page);

    const answer = await ask(page, loop.prompt);
    const updates = await answerUpdates(page);
    const final = (await answer.locator('.text').textContent()) ?? '';
    const streamed = updates.filter((update) => !update.done && !update.stopped && update.text !== '');
    expect(streamed.length).toBeGreaterThanOrEqual(2);
    // Until the stop, each update grew the text the user saw, from less than the final answer.
    for (const [i, update] of streamed.entries()) {
      if (i > 0) expect(update.text.startsWith((streamed[i - 1] as Update).text)).toBe(true);
    }
    expect((streamed[0] as Update).text.length).toBeLessThan(final.length);
    // The recorded answer loops to the provider's cap; the stop kept its start only.
    expect(final.length).toBeGreaterThan(500);
    expect(loop.output.startsWith(final)).toBe(true);
    expect(final.length).toBeLessThan(loop.output.length);

    // realtime's repetition policy (two repeats), not balanced's (three): the user's preset ran.
    expect(await answer.locator('.profile').textContent()).toBe('realtime');
    const end = answer.locator('.end');
    expect(await end.textContent()).toMatch(
      /^stopped by repetition\(400 chars x2\) at token \d+: repetition: a \d+-character block repeated \d+ times$/,
    );
    expect(await end.getAttribute('data-policy')).toBe('repetition(400 chars x2)');
    const atToken = Number(await end.getAttribute('data-at-token'));
    expect(atToken).toBeGreaterThan(100);

    // No calibration evidence yet: the headline saving is unestimated, shown with its reason.
    const savings = await answer.locator('dl.savings').textContent();
    expect(savings).not.toMatch(/null|undefined|NaN/);
    expect(await answer.locator('.saved-tokens').textContent()).toMatch(
      /^not estimated: no history for this bucket yet .*; at most \d+ \(the call's maxOutputTokens 1024\)$/,
    );
    expect(await answer.locator('.saved-dollars').textContent()).toMatch(/^not estimated/);
    expect(await answer.locator('.saved-seconds').textContent()).toMatch(/^not estimated/);
    expect(await answer.locator('.saved-tokens').getAttribute('data-value')).toBe('');

    // A question with no recording: an error with the hint, not a hang.
    const unknown = await ask(page, 'What is the capital of France?');
    expect(await unknown.locator('.end').textContent()).toMatch(/^error: .*replay: no recorded output/);
    expect(await unknown.locator('.hint').textContent()).toContain('only has answers for recorded questions');

    // One that ends on its own: nothing stopped, nothing saved.
    const finished = await ask(page, arithmetic.prompt);
    expect(await finished.locator('.text').textContent()).toBe(arithmetic.output);
    expect(await finished.locator('.end').textContent()).toMatch(/^the model finished on its own \(stop\)/);
    expect(await finished.locator('.saved-tokens').textContent()).toBe('0 tokens');

    const all = await totals(page, '#totals');
    expect(all.data).toMatchObject({ calls: '3', stops: '1', unestimatedStops: '1', tokensSaved: '0' });
    expect(all.text).toMatch(/3 answers, 1 stopped, 0 held out/);
    expect(all.text).toMatch(
      /0 tokens over 0 estimated stops; 1 stop not estimated yet \(at most \d+ tokens\)/,
    );
    expect(all.text).not.toMatch(/null|undefined|NaN/);
    expect((await totals(page, '#user-totals')).data).toMatchObject({ calls: '3', stops: '1' });

    // Another user, who picked nothing, gets the default preset and their own totals.
    const other = await openChat(server);
    expect(await other.page.locator('#preset').inputValue()).toBe('balanced');
    const theirs = await ask(other.page, short.prompt);
    expect(await theirs.locator('.profile').textContent()).toBe('balanced');
    expect(await theirs.locator('.end').textContent()).toMatch(/^stopped by stopOn\(/);
    expect((await totals(other.page, '#user-totals')).data).toMatchObject({ calls: '1', stops: '1' });
    expect((await totals(other.page, '#totals')).data).toMatchObject({ calls: '4', stops: '2' });
    await other.context.close();
    await context.close();
  });
});

describe('chat example with calibration calls', () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer({ tokensPerSecond: 400, calibrationCalls: 1, apiKey: undefined });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('holds the first stoppable call out, then shows a point estimate in tokens, dollars and seconds', async () => {
    const { context, page } = await openChat(server);
    await pickPreset(page, 'accurate');

    const calibration = await ask(page, multipleChoice.prompt);
    expect(await calibration.locator('.text').textContent()).toBe(multipleChoice.output);
    expect(await calibration.locator('.end').textContent()).toMatch(
      /^held out to calibrate savings: ran to its end; stopOn\(.*\) would have stopped it at token \d+$/,
    );

    const stopped = await ask(page, multipleChoice.prompt);
    expect(await stopped.locator('.profile').textContent()).toBe('accurate');
    expect(await stopped.locator('.end').textContent()).toMatch(
      /^stopped by stopOn\(.*\) at token \d+: stop pattern/,
    );
    const tokens = Number(await stopped.locator('.saved-tokens').getAttribute('data-value'));
    const dollars = Number(await stopped.locator('.saved-dollars').getAttribute('data-value'));
    const ms = Number(await stopped.locator('.saved-seconds').getAttribute('data-value'));
    // The same recording ran to its end in the holdout: the stop saved what came after the match.
    expect(tokens).toBeGreaterThan(0);
    expect(dollars).toBeGreaterThan(0);
    expect(ms).toBeGreaterThan(0);
    expect(await stopped.locator('.saved-tokens').textContent()).toMatch(
      /^\d+ tokens? \(holdout estimate\)$/,
    );
    expect(await stopped.locator('.saved-dollars').textContent()).toMatch(/^\$0\.0+\d+$/);
    expect(await stopped.locator('.saved-seconds').textContent()).toMatch(/^\d\.\d{3} s$/);

    const all = await totals(page, '#totals');
    expect(all.data).toMatchObject({ calls: '2', stops: '1', holdouts: '1', unestimatedStops: '0' });
    expect(Number(all.data.tokensSaved)).toBe(tokens);
    expect(Number(all.data.costSaved)).toBeCloseTo(dollars, 12);
    expect(Number(all.data.timeSavedMs)).toBeCloseTo(ms, 6);
    expect(all.text).toMatch(/2 answers, 1 stopped, 1 held out/);
    expect(all.text).toContain(`${tokens} token${tokens === 1 ? '' : 's'} over 1 estimated stop`);
    await context.close();
  });
});
