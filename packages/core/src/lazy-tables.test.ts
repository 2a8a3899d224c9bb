import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it, vi } from 'vitest';
import type { StopPolicy } from './policy.js';
import { scriptedProvider, textScript } from './testing/scripted-provider.js';

const run = promisify(execFile);
const coreDir = fileURLToPath(new URL('..', import.meta.url));
const asText = { disallowedSpecial: new Set<string>() };
const question = 'How many r in strawberry? One word.';
const messages = [{ role: 'user' as const, content: question }];
const deltas = [
  'Three',
  '.',
  ' The word',
  ' straw',
  'berry has',
  ' r at 3,',
  ' 8 and 9 🎉',
  ' naïvely',
  ' STOP',
  ' more',
];

/** What the eager counter of earlier versions said: each delta counted on its own, summed. */
const eagerTokens = (texts: readonly string[]) =>
  texts.reduce((sum, text) => sum + countTokens(text, asText), 0);

/** Records every running count the chain sees, and stops at the first delta holding `STOP`. */
function recordingStop(seen: number[]): StopPolicy {
  return {
    name: 'stopAtSTOP',
    step: (view) => {
      seen.push(view.tokens);
      const index = view.delta.indexOf('STOP');
      return index < 0 ? undefined : { reason: 'saw STOP', cutAt: view.deltaOffset + index };
    },
  };
}

/** Modules of a fresh graph: nothing in it has loaded a table yet. */
async function freshModules() {
  vi.resetModules();
  const [{ createClient }, { tokenCounterFor }, { priceDataReady }] = await Promise.all([
    import('./client.js'),
    import('./token-counter.js'),
    import('./telemetry/prices.js'),
  ]);
  return { createClient, tokenCounterFor, priceDataReady };
}

describe('tables loaded on first use, in the run', () => {
  it('counts the first call of a process exactly: the chain sees the counts the loaded table gives', async () => {
    const { createClient, tokenCounterFor, priceDataReady } = await freshModules();
    expect(tokenCounterFor('gpt-4o-mini').ready).toBe(false);
    expect(priceDataReady()).toBe(false);
    const seen: number[] = [];
    // No usage from the provider: the output is counted locally, and the input too.
    const script = textScript(deltas).map((part) =>
      part.type === 'finish' ? { ...part, usage: { inputTokens: undefined, outputTokens: undefined } } : part,
    );
    const result = await createClient({ provider: scriptedProvider(script) }).generate({
      model: 'gpt-4o-mini',
      messages,
      policy: { policies: [recordingStop(seen)] },
    });
    expect(result.outcome).toBe('policy-stop');
    const stopAt = deltas.findIndex((delta) => delta.includes('STOP'));
    // Running counts, delta by delta: what the eager tokenizer gave, never an approximation.
    expect(seen).toEqual(deltas.slice(0, stopAt + 1).map((_, i) => eagerTokens(deltas.slice(0, i + 1))));
    expect(result.usage).toMatchObject({
      source: 'estimated',
      outputTokens: eagerTokens(deltas.slice(0, stopAt + 1)),
      inputTokens: countTokens(question, asText) + 4,
    });
    // Kept tokens: the whole deltas' counts, and the cut delta's kept part (" ") counted exactly.
    expect(result.stop?.atToken).toBe(eagerTokens([...deltas.slice(0, stopAt), ' ']));
    // A call that can stop loaded the price data too, for its savings figure at the end.
    expect(priceDataReady()).toBe(true);
  });

  it('a call that cannot stop never loads the price data', async () => {
    const { createClient, priceDataReady } = await freshModules();
    const result = await createClient({ provider: scriptedProvider(textScript(deltas)) }).generate({
      model: 'gpt-4o-mini',
      messages,
      policy: { profile: 'off' },
    });
    expect(result.outcome).toBe('finish');
    expect(priceDataReady()).toBe(false);
  });

  it('settles a run that ended before its first read once the table it counts the input with has loaded', async () => {
    const { createClient, tokenCounterFor } = await freshModules();
    // Text whose count is far from the four-characters-a-token approximation.
    const content = 'strawberry '.repeat(40);
    const run = createClient({ provider: scriptedProvider(textScript(deltas)) }).stream({
      model: 'gpt-3.5-turbo',
      messages: [{ role: 'user', content }],
    });
    // The consumer gives up before reading: the run ends at once, without a request.
    await run[Symbol.asyncIterator]().return?.();
    const result = await run.result;
    expect(result.outcome).toBe('abort');
    const counter = tokenCounterFor('gpt-3.5-turbo');
    expect(counter.ready).toBe(true);
    expect(counter.count(content)).not.toBe(Math.ceil(content.length / 4));
    expect(result.usage).toMatchObject({ inputTokens: counter.count(content) + 4, inputSource: 'estimated' });
  });
});

// The child records every module an ES import resolves to, through a resolve hook registered in
// its own loader chain (after tsx, so it sees the final URL), and answers a flush with every URL
// posted before it: messages on one port arrive in order.
const hooks = `
let port;
export function initialize(data) {
  port = data.port;
  port.on('message', () => port.postMessage({ flushed: true }));
}
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  port.postMessage({ url: resolved.url });
  return resolved;
}`;

const esmChild = (root: string, adapter: string, testing: string, adapters: readonly string[] = []) => `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = [];
let flushed;
port1.on('message', (message) => (message.url ? urls.push(message.url) : flushed()));
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: { port: port2 }, transferList: [port2] });
const flush = () => new Promise((resolve) => { flushed = resolve; port1.postMessage('flush'); });
const tables = () => urls.filter((url) => /gpt-tokenizer|genai-prices|re2js/.test(url)).map((url) => url.replace(/.*node_modules\\//, ''));

const { createClient } = await import(${JSON.stringify(root)});
await import(${JSON.stringify(adapter)});
for (const entry of ${JSON.stringify(adapters)}) await import(entry);
await flush();
const atImport = tables();

const { scriptedProvider, textScript } = await import(${JSON.stringify(testing)});
const deltas = ${JSON.stringify(deltas)};
const script = textScript(deltas).map((part) => (part.type === 'finish' ? { ...part, usage: {} } : part));
const stop = { name: 'stopAtSTOP', step: (view) => (view.delta.includes('STOP') ? { reason: 'STOP' } : undefined) };
const result = await createClient({ provider: scriptedProvider(script) }).generate({
  model: 'gpt-4o-mini', messages: ${JSON.stringify(messages)}, policy: { policies: [stop] },
});
await flush();
process.stdout.write(JSON.stringify({ atImport, afterCall: tables(), outputTokens: result.usage.outputTokens }));
process.exit(0);
`;

const cjsChild = (root: string) => `
const loaded = () => Object.keys(require.cache).filter((path) => /gpt-tokenizer|genai-prices|re2js/.test(path));
require(${JSON.stringify(root)});
process.stdout.write(JSON.stringify({ atImport: loaded() }));
`;

describe('importing stopwise, in a fresh process', () => {
  const src = (path: string) => `${coreDir}src/${path}`;
  const expectLazy = (figures: { atImport: string[]; afterCall: string[]; outputTokens: number }) => {
    expect(figures.atImport).toEqual([]);
    // First use: the table of the one encoding the model needs (gpt-tokenizer keeps each in
    // `bpeRanks/`), the prices (a call that can stop), and the count is the eager one.
    expect(figures.afterCall.some((url) => url.includes('bpeRanks/o200k_base'))).toBe(true);
    expect(figures.afterCall.filter((url) => url.includes('bpeRanks/'))).toHaveLength(1);
    expect(figures.afterCall.some((url) => url.includes('genai-prices'))).toBe(true);
    // The regex engine loads for a pattern that needs it (see linear-engine.test.ts); this call has none.
    expect(figures.afterCall.some((url) => url.includes('re2js'))).toBe(false);
    const stopAt = deltas.findIndex((delta) => delta.includes('STOP'));
    expect(figures.outputTokens).toBe(eagerTokens(deltas.slice(0, stopAt + 1)));
  };

  it('loads no tokenizer table, no price data and no regex engine until a call needs them (sources)', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        esmChild(src('index.ts'), src('adapter/index.ts'), src('testing/scripted-provider.ts')),
      ],
      { cwd: coreDir },
    );
    expectLazy(JSON.parse(stdout));
  });

  // The build is what users import: its bundler must have kept each `import()` lazy, in both
  // formats, and the adapters (which import `stopwise/adapter`) must not load a table either.
  const adapters = ['openai', 'anthropic'].map((name) => `${coreDir}../${name}/dist/index`);
  const built = [`${coreDir}dist/index`, ...adapters].every(
    (entry) => existsSync(`${entry}.js`) && existsSync(`${entry}.cjs`),
  );
  // CI builds before testing and sets STOPWISE_CHECK_BUILT=1: there a missing build fails.
  const required = process.env.STOPWISE_CHECK_BUILT === '1';
  it.skipIf(!built && !required)(
    'loads none of them from the built ESM and CommonJS entry points, adapters included',
    async () => {
      if (!built)
        throw new Error('STOPWISE_CHECK_BUILT=1 but the packages are not built: run pnpm build first');
      const esm = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          esmChild(
            `${coreDir}dist/index.js`,
            `${coreDir}dist/adapter/index.js`,
            src('testing/scripted-provider.ts'),
            adapters.map((entry) => `${entry}.js`),
          ),
        ],
        { cwd: coreDir },
      );
      expectLazy(JSON.parse(esm.stdout));
      for (const entry of [`${coreDir}dist/index`, ...adapters]) {
        const cjs = await run(process.execPath, ['-e', cjsChild(`${entry}.cjs`)], { cwd: coreDir });
        expect(JSON.parse(cjs.stdout), entry).toEqual({ atImport: [] });
      }
    },
  );
});
