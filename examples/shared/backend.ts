import { openai } from '@stopwise/openai';
import {
  createReplayServer,
  loadTraces,
  type ReplayServer,
  sampleTracesDir,
  type TraceRecord,
} from '@stopwise/replay';
import type { LanguageModelProvider, Message } from 'stopwise';

/** Where the examples' calls go: the offline replay server, or OpenAI itself. */
export interface Backend {
  /** `replay`: recorded outputs from a loopback server; `openai`: the real API. */
  readonly mode: 'replay' | 'openai';
  /** What to show a user about where answers come from. */
  readonly description: string;
  readonly provider: LanguageModelProvider<unknown>;
  /** The model to ask for these messages: the recorded one in replay, the configured one live. */
  modelFor(messages: readonly Message[]): string;
  /** Recorded questions that have an answer offline (also offered live, as sample questions). */
  readonly questions: readonly RecordedQuestion[];
  /** The replay server in `replay` mode: its request log says what a provider would have billed. */
  readonly replay: ReplayServer | undefined;
  /** A hint for an error, e.g. why the replay server had no answer; undefined when none applies. */
  hintFor(status: number | undefined): string | undefined;
  close(): Promise<void>;
}

/** A recorded question the examples offer. */
export interface RecordedQuestion {
  /** The trace record id, e.g. `mmlu-pro/gpt-4o/math/7814`. */
  id: string;
  /** A one-line label for a list. */
  label: string;
  /** The exact user message the recording was made with: the replay server matches it exactly. */
  prompt: string;
  /** The model that answered it in the recording. */
  model: string;
}

/** Options of {@link startBackend}. */
export interface BackendOptions {
  /** Use OpenAI with this key; without one, replay offline. */
  apiKey?: string | undefined;
  /** The model to ask live (default `gpt-4o-mini`). */
  model?: string | undefined;
  /** Replay pace in output tokens per second (0: as fast as possible). Default 60, a hosted model's pace. */
  tokensPerSecond?: number | undefined;
}

/**
 * The recorded questions offered: a few short multiple-choice answers that every preset stops
 * once "the answer is (X)" is written, one that loops until a repetition stop catches it, and a
 * grade-school one that finishes on its own (not every call has something to stop).
 */
const offeredIds = [
  'mmlu-pro/gpt-4o/math/7814',
  'mmlu-pro/gpt-4o/math/8795',
  'mmlu-pro/gpt-4o/computer science/10632',
  'mmlu-pro/gpt-4o/computer science/10434',
  'gsm8k/gpt-4o-mini-2024-07-18/base-vanilla/113',
];

/** `Question: Solve the equation 14 = w + 23.\nOptions: ...` as `Solve the equation 14 = w + 23.` */
function labelOf(record: TraceRecord): string {
  const prompt = record.messages.at(-1)?.content ?? '';
  const question = /(?:^|\n)(?:Question|Q): ([^\n]+)/.exec(prompt)?.[1] ?? prompt;
  const oneLine = question.replace(/\s+/g, ' ').trim();
  return oneLine.length > 90 ? `${oneLine.slice(0, 87)}...` : oneLine;
}

/** The offered questions, read from the committed sample of recorded outputs. */
export async function recordedQuestions(): Promise<{
  questions: RecordedQuestion[];
  records: TraceRecord[];
}> {
  const records = (await loadTraces({ path: sampleTracesDir })).flatMap((file) => file.records);
  const questions = offeredIds.map((id) => {
    const record = records.find((candidate) => candidate.id === id);
    // The sample is committed; a missing record means it changed and this list must follow.
    if (!record) throw new Error(`recorded question ${id} is not in ${sampleTracesDir}`);
    return {
      id,
      label: labelOf(record),
      prompt: record.messages.at(-1)?.content ?? '',
      model: record.model,
    };
  });
  return { questions, records };
}

/**
 * Starts what the examples talk to: OpenAI when a key is given, else a replay server on a free
 * loopback port serving every recorded output of the committed sample, through the same
 * OpenAI adapter and official SDK (only the base URL differs).
 */
export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const { questions, records } = await recordedQuestions();
  if (options.apiKey) {
    const model = options.model ?? 'gpt-4o-mini';
    return {
      mode: 'openai',
      description: `OpenAI, model ${model}`,
      provider: openai({ apiKey: options.apiKey }),
      modelFor: () => model,
      questions,
      replay: undefined,
      hintFor: () => undefined,
      close: async () => {},
    };
  }
  const server = await createReplayServer({
    traces: records,
    tokensPerSecond: options.tokensPerSecond ?? 60,
  });
  return {
    mode: 'replay',
    description: `offline replay of recorded outputs (${server.url})`,
    provider: openai({ apiKey: 'replay', baseURL: `${server.url}/v1` }),
    // Without a model the index falls back to the first recording of these messages, and looking
    // it up this way does not count as drawing a sample.
    modelFor: (messages) => server.index.find({ messages })?.model ?? 'gpt-4o-mini',
    questions,
    replay: server,
    hintFor: (status) =>
      status === 404
        ? 'Offline, the replay server only has answers for recorded questions, asked exactly as recorded: pick one of them.'
        : undefined,
    close: () => server.close(),
  };
}
