import type { CallContext } from '../policy.js';
import { keywordText } from './keyword-context.js';
import { type PhraseMatcher, phraseMatcher } from './phrase-matcher.js';

/** The answer format a prompt asks for, as far as its words tell. */
export type AskedFormat = 'json' | 'code' | 'choice' | 'list' | 'short' | 'free';

/** What adaptive length reads from the input to pool a call with similar ones. */
export interface PromptFeatures {
  /** Task words found, sorted: `step-by-step`, `explain`, `detail`, `list`, `code`, ... */
  readonly task: readonly string[];
  readonly format: AskedFormat;
  /** Prompt length class: `xs` (< 200 characters), `s` (< 800), `m` (< 3,200), `l`. */
  readonly size: 'xs' | 's' | 'm' | 'l';
}

type FeatureTables = {
  taskWords: ReadonlyArray<[string, PhraseMatcher[]]>;
  formats: ReadonlyArray<[AskedFormat, Array<PhraseMatcher | RegExp>]>;
};

// Built on the first prompt read, not at import: two dozen phrase matchers cost a millisecond or
// so of a cold start, before any call needs them.
let featureTables: FeatureTables | undefined;

function tables(): FeatureTables {
  featureTables ??= { taskWords: buildTaskWords(), formats: buildFormats() };
  return featureTables;
}

const buildTaskWords = (): FeatureTables['taskWords'] => [
  ['step-by-step', [phraseMatcher('step by step'), phraseMatcher('step-by-step')]],
  ['explain', [phraseMatcher('explain'), phraseMatcher('why')]],
  ['detail', [phraseMatcher('in detail'), phraseMatcher('in depth'), phraseMatcher('detailed')]],
  ['list', [phraseMatcher('list'), phraseMatcher('enumerate')]],
  [
    'code',
    [phraseMatcher('code'), phraseMatcher('function'), phraseMatcher('program'), phraseMatcher('script')],
  ],
  ['summarize', [phraseMatcher('summarize'), phraseMatcher('summarise'), phraseMatcher('summary')]],
  ['translate', [phraseMatcher('translate')]],
  ['prove', [phraseMatcher('prove'), phraseMatcher('proof')]],
];

const buildFormats = (): FeatureTables['formats'] => [
  ['json', [phraseMatcher('json')]],
  ['code', [/```/, phraseMatcher('only the code'), phraseMatcher('code only')]],
  // Multiple choice: at least two lettered options.
  ['choice', [/(?:^|\s)\(?[A-D][).]\s[\s\S]*(?:^|\s)\(?[B-J][).]\s/m]],
  [
    'short',
    ['yes or no', 'one word', 'briefly', 'tl;dr', 'only the answer', 'just the answer'].map(phraseMatcher),
  ],
  ['list', [phraseMatcher('list all'), phraseMatcher('bullet points')]],
];

// Prompts recently read: a call reads its prompt's features more than once (the budget at start,
// the savings estimate at the end), and a dozen Unicode-aware patterns per read add up.
const recentFeatures = new Map<string, PromptFeatures>();

/** Reads the task words, asked-for format and size of a prompt. */
export function promptFeatures(text: string): PromptFeatures {
  let features = recentFeatures.get(text);
  if (features === undefined) {
    if (recentFeatures.size >= 64) recentFeatures.delete(recentFeatures.keys().next().value as string);
    features = readFeatures(text);
    recentFeatures.set(text, features);
  }
  return features;
}

function readFeatures(text: string): PromptFeatures {
  const { taskWords, formats } = tables();
  const task = taskWords.filter(([, patterns]) => patterns.some((p) => p.test(text))).map(([id]) => id);
  const format = formats.find(([, patterns]) => patterns.some((p) => p.test(text)))?.[0] ?? 'free';
  const size = text.length < 200 ? 'xs' : text.length < 800 ? 's' : text.length < 3200 ? 'm' : 'l';
  return Object.freeze({ task: Object.freeze(task.sort()), format, size });
}

/** The history keys a call's lengths are kept and looked up under, finest first. */
export interface LengthKeys {
  /** The bucket with the prompt's size class (or `metadata.bucket`). */
  readonly fine: string;
  /** The bucket without the size class; the same as `fine` for `metadata.bucket`. */
  readonly coarse: string;
  /** The user's own lengths in the fine bucket, when the call has a user. */
  readonly user: string | undefined;
  /** The features read, for `explain`. */
  readonly features: PromptFeatures | undefined;
}

/**
 * The keys of a call: `metadata.bucket` (a string the caller sets, e.g. a prompt template id)
 * when present, else derived from the prompt's task words, asked-for format and size. Always
 * prefixed by the model: lengths differ more between models than between anything else.
 */
export function lengthKeys(
  call: Pick<CallContext, 'model' | 'messages' | 'prompt' | 'metadata' | 'user'>,
): LengthKeys {
  const bucket = call.metadata.bucket;
  let fine: string;
  let coarse: string;
  let features: PromptFeatures | undefined;
  if (typeof bucket === 'string' && bucket !== '') {
    fine = `${call.model}|bucket=${bucket}`;
    coarse = fine;
  } else {
    features = promptFeatures(keywordText(call, 'latest'));
    coarse = `${call.model}|task=${features.task.join('+') || '-'}|format=${features.format}`;
    fine = `${coarse}|size=${features.size}`;
  }
  const user = call.user === undefined ? undefined : `${fine}|user=${call.user}`;
  return { fine, coarse, user, features };
}
