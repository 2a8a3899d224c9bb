import { SavingsStatsCollector } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { describeTotals, formatSeconds, formatUsd } from './savings-text.js';

describe('savings text', () => {
  it('shows the tiny dollar sums of one call with two significant digits, never in exponent form', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.00001)).toBe('$0.000010');
    expect(formatUsd(0.000123456)).toBe('$0.00012');
    expect(formatUsd(1.5e-9)).toBe('$0.0000000015');
    expect(formatUsd(0.0051)).toBe('$0.0051');
    expect(formatUsd(12.345)).toBe('$12.35');
  });

  it('shows milliseconds saved below a second, one decimal above', () => {
    expect(formatSeconds(52)).toBe('0.052 s');
    expect(formatSeconds(12_345)).toBe('12.3 s');
  });

  it('says what the totals leave out: stops with no estimate yet, with their bound, and unpriced calls', () => {
    const empty = new SavingsStatsCollector().snapshot().total;
    expect(describeTotals(empty)).toEqual({
      calls: '0 answers, 0 stopped, 0 held out',
      tokens: '0 tokens over 0 estimated stops',
      dollars: '$0',
      seconds: '0.000 s',
    });
    const text = describeTotals({
      ...empty,
      calls: 5,
      stops: 3,
      unestimatedStops: 2,
      tokensSaved: 1,
      tokensSavedAtMost: 1500,
      costSaved: 0.00002,
      unpricedCalls: 1,
      timeSavedMs: 1500,
    });
    expect(text).toEqual({
      calls: '5 answers, 3 stopped, 0 held out',
      tokens: '1 token over 1 estimated stop; 2 stops not estimated yet (at most 1,500 tokens)',
      dollars: '$0.000020; 1 call(s) of a model with no known price left out',
      seconds: '1.5 s',
    });
  });
});
