import { finalAnswer } from '../learning/final-answer.js';

/** A built-in way to read a sample's answer, or a function of the sample's text. */
export type VoteExtractor =
  | 'final'
  | 'boxed'
  | 'answer-is'
  | 'choice'
  | 'date'
  | 'number'
  | ((text: string) => string | undefined);

/** The names of the built-in extractors. */
export const voteExtractors = ['final', 'boxed', 'answer-is', 'choice', 'date', 'number'] as const;

const date = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g;
const answerIs = /answer[ \t]+is[ \t]*:?[ \t]*([^\n]*)/gi;
const choice = /answer is \(?([A-J])\)?/;
const numberPattern = /-?\d[\d,]*(?:\.\d+)?/g;

/**
 * Reads a sample's answer with `extractor`; undefined when the sample states none (it then does
 * not vote). The built-ins:
 * - `final` (default): the last `\boxed{}`, else the last "answer is ..." / "Final answer: ...",
 *   normalised (white space, `$`, `\text{}`, thousands separators, a final period);
 * - `boxed`: the last closed `\boxed{...}` only;
 * - `answer-is`: the text after the last "answer is", to the line's end, without a final period;
 * - `choice`: the letter of the first "answer is (X)";
 * - `date`: the first MM/DD/YYYY after the last "answer is" or the last line starting `A:`,
 *   else the last one anywhere, month and day zero-padded (the `date` scorer's rule);
 * - `number`: the number after the last "answer is", else the last number, without separators.
 *
 * A function extractor's `undefined` or blank string means no answer; any other non-string it
 * returns throws a `TypeError` (`vote` reports it in `errors`, and the sample abstains).
 */
export function extractAnswer(extractor: VoteExtractor, text: string): string | undefined {
  if (typeof extractor === 'function') {
    const answer: unknown = extractor(text);
    if (answer === undefined) return undefined;
    if (typeof answer !== 'string')
      throw new TypeError(`extract returned ${typeof answer}, not a string or undefined`);
    return answer.trim() !== '' ? answer.trim() : undefined;
  }
  switch (extractor) {
    case 'final':
      return finalAnswer(text, { explicitOnly: true });
    case 'boxed':
      return text.includes('\\boxed{') ? finalAnswer(boxedOnly(text), { explicitOnly: true }) : undefined;
    case 'answer-is': {
      const last = [...text.matchAll(answerIs)].at(-1)?.[1]?.trim().replace(/\.$/, '');
      return last === undefined || last === '' ? undefined : last;
    }
    case 'choice':
      return choice.exec(text)?.[1];
    case 'date':
      return dateAnswer(text);
    case 'number': {
      const after = [...text.matchAll(answerIs)].at(-1)?.[1];
      const found =
        (after === undefined ? undefined : after.match(numberPattern)?.[0]) ??
        text.match(numberPattern)?.at(-1);
      return found?.replaceAll(',', '');
    }
  }
}

function boxedOnly(text: string): string {
  // Everything from the last box on: finalAnswer then reads that box, never a stated answer.
  return text.slice(text.lastIndexOf('\\boxed{'));
}

function dateAnswer(text: string): string | undefined {
  const lastA = [...text.matchAll(/^A:/gm)].at(-1)?.index ?? -1;
  const cut = Math.max(text.lastIndexOf('answer is'), lastA);
  let match: RegExpExecArray | null = null;
  if (cut >= 0) {
    date.lastIndex = cut;
    match = date.exec(text);
  }
  if (match === null) match = [...text.matchAll(date)].at(-1) ?? null;
  date.lastIndex = 0;
  if (match === null) return undefined;
  return `${String(Number(match[1])).padStart(2, '0')}/${String(Number(match[2])).padStart(2, '0')}/${match[3]}`;
}
