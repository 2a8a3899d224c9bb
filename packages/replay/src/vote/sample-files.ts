import { readFileSync } from 'node:fs';
import type { Message } from 'stopwise';
import { mathAnswer, normalizeMath } from '../scoring/math-scorer.js';
import type { TraceRecord } from '../traces/trace-record.js';

/** One question of a samples file (`../shared/samples/`): many sampled outputs and a gold answer. */
export interface SampledQuestion {
  id: string;
  model: string;
  messages: Message[];
  gold: string;
  scorer: 'date' | 'math';
  outputs: string[];
}

/** Reads a samples file (format in `shared/samples/README.md`), keeping the first `samples` outputs of each question. */
export function loadSampledQuestions(path: string, samples?: number): SampledQuestion[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        // Say where: a bare JSON.parse error names neither the file nor the line.
        throw new Error(`${path} line ${index + 1}: not JSON (${(error as Error).message})`);
      }
      const raw = parsed as {
        id?: string;
        model?: string;
        messages?: Message[];
        gold?: string;
        scorer?: string;
        samples?: Array<{ output?: string }>;
      } | null;
      if (!raw?.id || !raw.model || !raw.messages || raw.gold === undefined || !Array.isArray(raw.samples)) {
        throw new Error(
          `${path} line ${index + 1}: not a samples record (id, model, messages, gold, samples)`,
        );
      }
      if (raw.scorer !== 'date' && raw.scorer !== 'math') {
        throw new Error(`${path} line ${index + 1}: scorer ${String(raw.scorer)} is not date or math`);
      }
      const outputs = raw.samples.map((sample) => sample.output ?? '');
      return {
        id: raw.id,
        model: raw.model,
        messages: raw.messages,
        gold: raw.gold,
        scorer: raw.scorer,
        outputs: samples === undefined ? outputs : outputs.slice(0, samples),
      };
    });
}

/** The questions' samples as replay records: sample k of a question is the k-th record of its messages. */
export function sampleRecords(questions: readonly SampledQuestion[]): TraceRecord[] {
  return questions.flatMap((question) =>
    question.outputs.map((output, k) => ({
      id: `${question.id}#${k}`,
      model: question.model,
      messages: question.messages,
      output,
    })),
  );
}

/** The answer a question's scorer reads from a text: the `date` rule, or `math`'s normalised box. */
export function scorerAnswer(scorer: SampledQuestion['scorer'], text: string): string | undefined {
  if (scorer === 'math') return normalizeMath(mathAnswer(text));
  return undefined; // `date` uses the SDK's built-in extractor, the scorer's rule
}
