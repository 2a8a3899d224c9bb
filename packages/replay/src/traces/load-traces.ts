import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from 'stopwise';
import { formatTraceProblem, readTraceFile, type TraceProblem } from './read-trace-file.js';
import type { TraceRecord } from './trace-record.js';

/** The valid records of one trace file, and the lines that were skipped. */
export interface TraceFile {
  /** Path of the file. */
  path: string;
  /** File name, e.g. `gsm8k-gpt-3.5-turbo-base.jsonl`: how reports name it. */
  name: string;
  records: TraceRecord[];
  problems: TraceProblem[];
}

/** Options of {@link loadTraces}. */
export interface LoadTracesOptions {
  /** A `.jsonl` trace file, or a folder whose `*.jsonl` files are all read (not recursively). */
  path: string;
  /** Keep at most this many records per file (the first ones). */
  limit?: number | undefined;
  /**
   * Called for each malformed line (which is skipped). Default: a warning on stderr in the form
   * `file:line: message`. The problems are also in each file's `problems`.
   */
  onProblem?: ((problem: TraceProblem) => void) | undefined;
}

/** The `.jsonl` files a trace path names: the file itself, or a folder's files sorted by name. */
export function traceFilePaths(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new ConfigError(
      'path',
      `${JSON.stringify(path)} does not exist; give a .jsonl trace file or a folder of them`,
    );
  }
  if (!isFolder) return [path];
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0)
    throw new ConfigError('path', `folder ${JSON.stringify(path)} holds no .jsonl trace file`);
  return files;
}

/**
 * Loads trace files, streaming each line by line. A malformed line is reported (file and line
 * number) and skipped; a file with no valid record is an error (`ConfigError`).
 */
export async function loadTraces(options: LoadTracesOptions): Promise<TraceFile[]> {
  if (typeof options !== 'object' || options === null || typeof options.path !== 'string') {
    throw new ConfigError('path', 'must be the path of a .jsonl trace file or of a folder of them');
  }
  const { limit } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new ConfigError('limit', `must be a positive integer, got ${String(limit)}`);
  }
  const report =
    options.onProblem ?? ((problem: TraceProblem) => console.warn(`warning: ${formatTraceProblem(problem)}`));
  const files: TraceFile[] = [];
  for (const path of traceFilePaths(options.path)) {
    const problems: TraceProblem[] = [];
    const records: TraceRecord[] = [];
    const onProblem = (problem: TraceProblem) => {
      problems.push(problem);
      report(problem);
    };
    for await (const record of readTraceFile({ path, limit, onProblem })) records.push(record);
    files.push({ path, name: basename(path), records, problems });
  }
  return files;
}
