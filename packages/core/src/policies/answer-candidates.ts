/**
 * Reading candidate answers out of single lines of visible reasoning, conservatively: only
 * statements that present a final value count, and only on lines without second thoughts.
 */
import { isValueLike } from './answer-normalize.js';

/** How a line stated its candidate. `boxed` and `answer-is` are explicit. */
export type StatementForm = 'boxed' | 'answer-is' | 'conclusion' | 'endorsement';

/** A candidate answer stated on one line. */
export interface Statement {
  form: StatementForm;
  /** The value as written; absent for an endorsement ("I think that's the answer."). */
  value?: string | undefined;
}

// Second thoughts: a line with any of these is re-checking, not concluding.
const hedges =
  /\b(?:wait|but|hmm+|alternatively|double[- ]?check\w*|verify\w*|let me check|let's check|maybe|perhaps|suppose|assume|assuming|if|unless|not sure)\b|\?/i;
const answerPhrase = /\banswer\s*(?:is|should be|would be|will be|:|=)\s*:?\s*(.*)$/i;
const conclusionStart =
  /^(?:and\s+)?(?:so|therefore|thus|hence|consequently|finally|in conclusion|this means|that means|which means|this gives|that gives)\b/i;
// Greedy `.*` picks the last connector, so the value is what ends the sentence.
const conclusionValue = /^.*(?:\bis|\bare|=|\bequals|\bbe)\s+(.+?)\s*$/i;
// "x = 2 or x = 3", "a = 1 and b = 2": a list of values is not one answer.
const listOfValues = /(?:=|\bis\b|\bare\b)[^=]*\b(?:and|or)\b[^=]*=|\bor\b/i;
const fillerWords = /^(?:indeed|exactly|just|simply|also|still|then|now|again|clearly|correct|:)\s+/i;
const endorsement =
  /^(?:(?:so|yes|okay|ok|alright|great|good|therefore|thus),?\s+)?(?:i think\s+|i believe\s+|i'm confident\s+|i am confident\s+)?(?:that's|that is|this is|it's|it is)\s+(?:the|my|our)\s+(?:final\s+|correct\s+|right\s+)?answer[.!]?$/i;
const confidentIn =
  /^(?:so,?\s+)?i(?:'m| am) (?:confident|sure) (?:with|in|about|of) (?:this|that|the|my) (?:final\s+)?answer[.!]?$/i;

/**
 * True when the sentence's "=" signs do not make one chain of computation ending in a value:
 * words between two "=" make a description ("ranges from 0 at x = 0 to -1 at x = -1"), and an
 * expression with a variable set to zero is an equation to solve ("(x - 6)(x + 2) = 0").
 */
function notAChain(sentence: string): boolean {
  const parts = sentence.split('=');
  if (parts.length < 2) return false;
  const prose = (part: string) => /(?:^|[^\\a-z])[a-z]{2,}\b/i.test(part.replace(/\\[a-z]+/gi, ''));
  if (parts.slice(1, -1).some(prose)) return true;
  const last = (parts[parts.length - 1] ?? '').replace(/\\[()]|\$/g, '').trim();
  const before = (parts[parts.length - 2] ?? '').replace(/\\[a-z]+/gi, '');
  return last === '0' && /[a-z]/i.test(before) && /[-+*^/(]/.test(before);
}

/** True when the line re-checks or doubts ("wait", "but", "let me check", a question...). */
export function isHedged(line: string): boolean {
  return hedges.test(line);
}

/** Content of the last `\boxed{...}` on the line (balanced braces), if closed there. */
export function lastBoxed(line: string): string | undefined {
  const at = line.lastIndexOf('\\boxed{');
  if (at < 0) return undefined;
  let depth = 0;
  for (let i = at + 6; i < line.length; i += 1) {
    if (line[i] === '{') depth += 1;
    else if (line[i] === '}') {
      depth -= 1;
      if (depth === 0) return line.slice(at + 7, i);
    }
  }
  return undefined;
}

/** `text` up to its first sentence end (a `.`, `!` followed by a space or the end). */
function firstSentence(text: string): string {
  const end = /[.!](?:\s|$)/.exec(text);
  return end ? text.slice(0, end.index) : text;
}

/** The value part of a statement, without filler words, `$`/`\(` wrappers or bold. */
function cleanValue(raw: string): string {
  let value = raw.trim().replace(/^\*+|\*+$/g, '');
  while (fillerWords.test(value)) value = value.replace(fillerWords, '');
  return value
    .replace(/[.!,;:]+$/, '')
    .replace(/^(?:\\\(|\\\[|\$+)\s*/, '')
    .replace(/\s*(?:\\\)|\\\]|\$+)$/, '')
    .replace(/[.!,;:]+$/, '')
    .trim();
}

function lastSentence(line: string): string {
  const sentences = line.trim().split(/(?<=[.!])\s+/);
  return (sentences[sentences.length - 1] ?? '').slice(-300);
}

/**
 * The candidate a line states, if it plainly states one: a closed `\boxed{}`; "the answer is
 * X" with X a value; a concluding sentence ("So/Therefore/Thus ... is X." or "... = X.") ending
 * in a value; or an endorsement of the previous candidate ("I think that's the answer.").
 * Hedged lines state nothing.
 */
export function statementIn(line: string): Statement | undefined {
  if (line.trim().length === 0 || isHedged(line)) return undefined;
  const boxed = lastBoxed(line);
  if (boxed !== undefined)
    return boxed.trim().length > 0 ? { form: 'boxed', value: boxed.trim() } : undefined;
  const phrase = answerPhrase.exec(line);
  if (phrase) {
    const value = cleanValue(firstSentence(phrase[1] ?? ''));
    if (isValueLike(value)) return { form: 'answer-is', value };
  }
  const sentence = lastSentence(line);
  const plain = sentence.replace(/[.!]+$/, '');
  if (
    conclusionStart.test(sentence) &&
    !listOfValues.test(sentence) &&
    !notAChain(plain.replace(conclusionStart, ''))
  ) {
    const found = conclusionValue.exec(plain);
    const value = found ? cleanValue(found[1] ?? '') : '';
    if (isValueLike(value)) return { form: 'conclusion', value };
  }
  const bare = line.trim();
  if (endorsement.test(bare) || confidentIn.test(bare)) return { form: 'endorsement' };
  return undefined;
}
