/**
 * `pnpm bench:patterns`: the wall time of adversarial stop patterns, each on a 5,000-character
 * answer streamed one character per event through `stopOn`, and as a keyword rule on a
 * 5,000-character prompt, next to a plain pattern. These are the patterns that froze a stream
 * on JS RegExp (`/\d*\d*x/` took 61 s on one 5,000-character delta); on the linear-time engine
 * each should take well under 2 s. Prints figures; asserts nothing (the machines are shared).
 */
import { type CallContext, keywordContext, type StreamView, stopOn } from 'stopwise';
import { loadRegexEngine } from 'stopwise/adapter';

// The policies run here outside a client: load the regex engine first, as a client would.
await loadRegexEngine();

const length = 5_000;

/** [pattern, the character it backtracks on, repeated to `length`]. */
const corpus: ReadonlyArray<[RegExp, string]> = [
  [/Final answer: \d+\n/, 'a'], // plain, for comparison
  [/\d*\d*x/, '1'],
  [/\d*\d*\d*x/, '1'],
  [/a*a*a*a*a*b/, 'a'],
  [/.*.*.*=/, 'a'],
  [/.*.*.*.*=/, 'a'],
  [/\s*\s*\s*;/, ' '],
  [/[a-z]+[a-z]+[a-z]+\d/, 'a'],
  [/(a|a)*b/, 'a'],
  [/(x+x+)+y/, 'x'],
  [/(a+)+b/, 'a'],
  [/(\w+\s?)+;/, 'a '],
];

const textOf = (unit: string) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Milliseconds `stopOn([regex])` takes over `text`, one character per step. */
function streamed(regex: RegExp, text: string): number {
  const started = performance.now();
  const policy = stopOn([regex]);
  for (let i = 0; i < text.length; i++) {
    const view = { phase: 'answer', delta: text[i], deltaOffset: i } as unknown as StreamView;
    if (policy.step(view)) break;
  }
  return performance.now() - started;
}

/**
 * Milliseconds a keyword rule matching `regex` takes on `prompt` (compiled fresh), through the
 * public `keywordContext` policy as a profile runs it: its `start` matches the rules on the prompt.
 */
function keyword(regex: RegExp, prompt: string): number {
  const started = performance.now();
  const policy = keywordContext({ defaults: false, rules: [{ id: 'bench', match: regex, scale: 2 }] });
  const call = { messages: [{ role: 'user', content: prompt }], prompt } as unknown as CallContext;
  policy.start?.(call);
  return performance.now() - started;
}

console.log(`stopwise bench:patterns: ${length.toLocaleString('en')} characters; node ${process.version}\n`);
console.log(`${'pattern'.padEnd(26)} ${'stopOn, 1 char/event'.padStart(22)} ${'keyword rule'.padStart(14)}`);
let worst = 0;
for (const [regex, unit] of corpus) {
  const text = textOf(unit);
  const stream = streamed(regex, text);
  const rule = keyword(regex, `${text}!`);
  if (regex.source !== corpus[0]?.[0].source) worst = Math.max(worst, stream, rule);
  console.log(
    `${String(regex).padEnd(26)} ${`${stream.toFixed(0)} ms`.padStart(22)} ${`${rule.toFixed(1)} ms`.padStart(14)}`,
  );
}
console.log(`\nslowest adversarial pattern: ${worst.toFixed(0)} ms (target: under 2,000 ms)`);
