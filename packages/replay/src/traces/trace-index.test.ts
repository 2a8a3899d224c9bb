import { describe, expect, it } from 'vitest';
import { createTraceIndex } from './trace-index.js';
import type { TraceRecord } from './trace-record.js';

const record = (id: string, model: string, content: string): TraceRecord => ({
  id,
  model,
  messages: [{ role: 'user', content }],
  output: id,
});

describe('createTraceIndex', () => {
  it('serves the samples of one question in turn, per model, and a single record every time', () => {
    const index = createTraceIndex([
      record('q#0', 'm', 'Q'),
      record('q#1', 'm', 'Q'),
      record('q#2', 'm', 'Q'),
      record('other-model', 'n', 'Q'),
      record('single', 'm', 'R'),
    ]);
    const ask = (model: string, content: string) =>
      index.find({ model, messages: [{ role: 'user', content }] })?.id;
    expect([1, 2, 3, 4].map(() => ask('m', 'Q'))).toEqual(['q#0', 'q#1', 'q#2', 'q#0']);
    expect(ask('n', 'Q')).toBe('other-model');
    expect([ask('m', 'R'), ask('m', 'R')]).toEqual(['single', 'single']);
    expect(index.find({ id: 'q#2' })?.id).toBe('q#2');
  });
});
