/**
 * The final answer of an output, as the tuner compares them: did the text kept at a step's stop
 * still carry the answer of the full output? Read the way the benchmark's scorers read answers,
 * in order: the last closed `\boxed{...}`, the last "answer is ..." or "Final answer: ..." (up to
 * the line's end), else the last number. Normalised so that formatting does not count as a
 * different answer: white space, `$`, a trailing period, `\text{}` wrappers and thousands
 * separators are dropped. Undefined when the text states nothing of the kind.
 */
export function finalAnswer(text: string): string | undefined {
  const raw = lastBoxed(text) ?? lastStated(text) ?? lastNumber(text);
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

const stated = /(?:answer\s+(?:is|should be|would be)|final answer\s*(?:is)?\s*:?)\s*:?\s*([^\n]+)/gi;

function lastStated(text: string): string | undefined {
  let last: string | undefined;
  for (const match of text.matchAll(stated)) last = match[1];
  return last?.trim();
}

const numbers = /-?\d[\d,]*(?:\.\d+)?/g;

function lastNumber(text: string): string | undefined {
  let last: string | undefined;
  for (const match of text.matchAll(numbers)) last = match[0];
  return last;
}

function normalise(answer: string): string {
  return answer
    .replace(/\\text\{([^}]*)\}/g, '$1')
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/[$\s]/g, '')
    .replace(/^\(([A-Za-z])\)/, '$1')
    .replace(/\.+$/, '')
    .toLowerCase();
}
