import { keptTexts, scoreText, type TraceRecord } from '@stopwise/replay';
import type { RunResult, StreamPart } from 'stopwise';
import { formatSeconds, formatUsd } from '../shared/savings-text.js';
import { paint } from './paint.js';
import type { Adapter } from './setup.js';

/** One question's outcome, for the summary. */
export interface Answer {
  label: string;
  scorer: string | undefined;
  dataset: string;
  stoppedBy: string | undefined;
  /** Output tokens of the recording (replay only). */
  fullTokens: number | undefined;
  keptTokens: number;
  /** stopwise's own estimate; null when it had none. */
  tokensSaved: number | null;
  /** Right by the dataset's reference scorer: the full recorded output, and the text kept. */
  fullRight: boolean | undefined;
  keptRight: boolean | undefined;
}

const integer = new Intl.NumberFormat('en-US');

/** `gsm8k/gpt-4o-mini-2024-07-18/base-cot/117` as `gsm8k gpt-4o-mini #117`. */
function label(record: TraceRecord): string {
  const [dataset, model = ''] = record.id.split('/');
  const number = /(\d+)$/.exec(record.id)?.[1] ?? '';
  return `${dataset} ${model.replace(/-\d{4}-\d{2}-\d{2}$/, '').replace(/-math-correct-5K/, '')} #${number}`;
}

function scored(record: TraceRecord, texts: { text: string; reasoning?: string | undefined }) {
  if (record.gold === undefined || record.scorer === undefined) return undefined;
  return scoreText({ record: { scorer: record.scorer, gold: record.gold }, ...texts });
}

/** Prints a streamed part (verbose mode): text as it comes, the stop where it lands. */
function printPart(part: StreamPart, phase: { current?: string }): void {
  if (part.type === 'reasoning-delta' || part.type === 'text-delta') {
    if (phase.current !== part.type) {
      const head = part.type === 'reasoning-delta' ? paint.dim('[thinking] ') : paint.bold('A: ');
      process.stdout.write(`${phase.current ? '\n' : ''}${head}`);
      phase.current = part.type;
    }
    process.stdout.write(part.type === 'reasoning-delta' ? paint.dim(part.delta) : part.delta);
  } else if (part.type === 'policy-stop') {
    process.stdout.write(`\n${paint.red(`■ ${part.reason}`)}\n`);
  }
}

/** What stopwise says the answer saved, tokens, dollars, seconds; the bound when it has no estimate. */
function savedText(result: RunResult): string {
  const { savings } = result;
  if (result.outcome !== 'policy-stop') return 'saved 0';
  if (savings.tokensSaved === null) {
    const most = savings.tokensSavedAtMost;
    return `no estimate yet${most === null ? '' : ` (at most ${integer.format(most)} tok)`}`;
  }
  const usd = savings.costSaved === null ? '$?' : formatUsd(savings.costSaved);
  const time = savings.timeSavedMs === null ? '? s' : formatSeconds(savings.timeSavedMs);
  return `saved ~${integer.format(savings.tokensSaved)} tok ${usd} ${time}`;
}

function verdictText(answer: Answer, gold: string | undefined): string {
  if (answer.keptRight === undefined) return '';
  if (answer.keptRight) return paint.green(answer.fullRight === false ? '✓ (full output wrong)' : '✓');
  const why = answer.fullRight === false ? 'wrong in the full output too' : 'lost by the stop';
  return paint.red(`✗ ${why}, gold ${gold ?? '?'}`);
}

/** Options of {@link ask}. */
export interface AskOptions {
  index: number;
  total: number;
  record: TraceRecord;
  adapter: Adapter;
  fullTokens: number | undefined;
  verbose: boolean | undefined;
}

/** Streams one question and prints its line: where it stopped, what it saved, right or wrong. */
export async function ask(options: AskOptions): Promise<Answer> {
  const { record, adapter, fullTokens } = options;
  const number = `${String(options.index + 1).padStart(2)}/${options.total}`;
  if (options.verbose) {
    const question = record.messages.at(-1)?.content.replace(/\s+/g, ' ') ?? '';
    console.log(paint.bold(`\n[${number}] ${record.id} via ${adapter.name}`));
    console.log(paint.dim(`Q: ${question.length > 160 ? `${question.slice(0, 157)}...` : question}`));
  }
  const run = adapter.client.stream({ model: adapter.model(record), messages: record.messages });
  const phase: { current?: string } = {};
  for await (const part of run) if (options.verbose) printPart(part, phase);
  const result = await run.result;
  const keptTokens =
    result.outcome === 'policy-stop' ? result.stop.atToken : (result.usage.outputTokens ?? 0);
  const answer: Answer = {
    label: label(record),
    scorer: record.scorer,
    dataset: record.id.split('/')[0] ?? '',
    stoppedBy: result.stop?.policy.replace(/\(.*$/, ''),
    fullTokens,
    keptTokens,
    tokensSaved: result.outcome === 'policy-stop' ? result.savings.tokensSaved : 0,
    fullRight:
      fullTokens === undefined
        ? undefined
        : scored(record, { text: record.output, reasoning: record.reasoning }),
    keptRight: scored(record, keptTexts(result)),
  };
  const of = fullTokens === undefined ? '' : ` of ${integer.format(fullTokens)}`;
  const end =
    result.outcome === 'policy-stop'
      ? `${answer.stoppedBy} at ${integer.format(keptTokens)}${of} tok`
      : result.outcome === 'error'
        ? paint.red(`error: ${result.error.message}`)
        : `finished at ${integer.format(keptTokens)} tok`;
  const line = [
    paint.dim(number),
    answer.label.padEnd(29),
    adapter.name.padEnd(9),
    end.padEnd(36),
    savedText(result).padEnd(34),
    verdictText(answer, record.gold),
  ];
  console.log(line.join(' '));
  return answer;
}
