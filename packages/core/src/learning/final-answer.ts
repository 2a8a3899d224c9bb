/**
 * The final answer of an output, as the tuner compares them: did the text kept at a step's stop
 * still carry the answer of the full output? Read the way the benchmark's scorers read answers,
 * in order: the last closed `\boxed{...}`, the last "answer is ..." or "Final answer: ..." (up to
 * the line's end), else the last number. Normalised so that formatting does not count as a
 * different answer: white space, `$`, a trailing period, `\text{}` wrappers and thousands
 * separators and `\\(`/`\\)` delimiters are dropped. Undefined when the text states nothing of the kind. `explicitOnly`
 * leaves out the last-number fallback: for thinking that never reached an answer, the last
 * number is whatever the loop was computing, not an answer.
 */
export function finalAnswer(text: string, options: { explicitOnly?: boolean } = {}): string | undefined {
  const raw = lastBoxed(text) ?? lastStated(text) ?? (options.explicitOnly ? undefined : lastNumber(text));
  if (raw === undefined) return undefined;
  const normalised = normalise(raw);
  return normalised === '' ? undefined : normalised;
}

function lastBoxed(text: string): string | undefined {
  const start = text.lastIndexOf('\\boxed{');
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start + 6; i < text.length; i++) {
    const char = text[i];
    if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(start + 7, i);
    }
  }
  // An unclosed box is an answer still being written: look for an earlier statement instead.
  return lastBoxed(text.slice(0, start));
}

// On one line: "the correct answer is:" followed by a line break states nothing yet (the next
// line usually restates it), and a capture that ran on would swallow that restatement.
const stated =
  /(?:answer[ \t]+(?:is|should be|would be)|final answer[ \t]*(?:is)?[ \t]*:?)[ \t]*:?[ \t]*([^\n]+)/gi;

// A choice letter, alone or before the option's text: "(C)", "J. true, true", "A) 4".
const choiceLetter = /^\(?([A-J])\)?(?=[.:)\s]|$)/;

function lastStated(text: string): string | undefined {
  let last: string | undefined;
  for (const match of text.matchAll(stated)) last = match[1];
  if (last === undefined) return undefined;
  const statement = last.trim();
  const letter = choiceLetter.exec(statement);
  if (letter) return letter[1];
  // The sentence that states it, not the explanation after it.
  return statement.split(/\.\s/)[0];
}

const numbers = /-?\d[\d,]*(?:\.\d+)?/g;

function lastNumber(text: string): string | undefined {
  let last: string | undefined;
  for (const match of text.matchAll(numbers)) last = match[0];
  return last;
}

function normalise(answer: string): string {
  return answer
    .replace(/\\text\{([^}]*)\}?/g, '$1')
    .replace(/\*+/g, '')
    .replace(/\\[()[\]]/g, '')
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/[$\s]/g, '')
    .replace(/^\(([A-Za-z])\)/, '$1')
    .replace(/\.+$/, '')
    .toLowerCase();
}
