import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError } from 'stopwise';
import { parseTraceLine, type TraceRecord } from './trace-record.js';

/** A line of a trace file that was skipped, and why. */
export interface TraceProblem {
  /** Path of the file, as given. */
  file: string;
  /** 1-based line number. */
  line: number;
  message: string;
}

/** Options of {@link readTraceFile}. */
export interface ReadTraceFileOptions {
  /** Path of one `.jsonl` trace file. */
  path: string;
  /** Called for each malformed line, which is then skipped. */
  onProblem?: ((problem: TraceProblem) => void) | undefined;
  /** Stop after this many valid records. */
  limit?: number | undefined;
}

/** Formats a problem as `file:line: message`, the way compilers report. */
export function formatTraceProblem(problem: TraceProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

/**
 * Reads a trace file line by line (never the whole file at once) and yields its valid records.
 * A malformed line (not JSON, missing or mistyped field, duplicate id) goes to `onProblem` with
 * its line number and is skipped; blank lines are ignored. A file with no valid record throws a
 * `ConfigError` once read to the end.
 */
export async function* readTraceFile(options: ReadTraceFileOptions): AsyncGenerator<TraceRecord> {
  const { path, onProblem, limit } = options;
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const seen = new Set<string>();
  let lineNumber = 0;
  let problems = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      const parsed = parseTraceLine(line);
      let problem = 'problem' in parsed ? parsed.problem : undefined;
      if ('record' in parsed && seen.has(parsed.record.id))
        problem = `duplicate id ${JSON.stringify(parsed.record.id)}`;
      if (problem !== undefined || !('record' in parsed)) {
        problems += 1;
        onProblem?.({ file: path, line: lineNumber, message: problem ?? 'invalid record' });
        continue;
      }
      seen.add(parsed.record.id);
      yield parsed.record;
      if (limit !== undefined && seen.size >= limit) return;
    }
  } finally {
    lines.close();
  }
  if (seen.size === 0) {
    const why =
      lineNumber === 0 || problems === 0 ? 'it is empty' : `all ${problems} non-blank lines are malformed`;
    throw new ConfigError(
      'traces',
      `${basename(path)} has no valid trace record (${why}); each line must be a JSON object with id, model, messages and output (see the @stopwise/replay README)`,
    );
  }
}
