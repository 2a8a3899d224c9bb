import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { consoleExporter } from '../telemetry/console-exporter.js';
import { fileStore } from './file-store.js';
import { jsonlFileExporter } from './jsonl-exporter.js';

// A misspelt exporter or store option would silently keep its default (per-call lines printed,
// content not recorded, the flush interval unchanged).
describe('exporters and the file store refuse option names they do not take', () => {
  it.each([
    [
      'consoleExporter',
      () => consoleExporter({ perCal: false } as never),
      /`perCal`.*did you mean `perCall`/,
    ],
    [
      'jsonlFileExporter',
      () => jsonlFileExporter({ path: '/tmp/x.jsonl', recordContents: true } as never),
      /`recordContents`.*did you mean `recordContent`/,
    ],
    [
      'fileStore',
      () => fileStore({ path: '/tmp/x.json', flushEveryMS: 10 } as never),
      /`flushEveryMS`.*did you mean `flushEveryMs`/,
    ],
  ])('%s', (_, make, message) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });
});
