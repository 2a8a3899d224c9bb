import { describe, expect, it } from 'vitest';
import { retryAfterFromHeaders } from './retry-after.js';

describe('retryAfterFromHeaders', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads retry-after-ms first, then retry-after in seconds', () => {
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(
      250,
    );
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
  });

  it('reads retry-after as an HTTP date, never negative', () => {
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(
      30_000,
    );
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(
      0,
    );
  });

  it('is undefined without a usable header', () => {
    expect(retryAfterFromHeaders(new Headers(), now)).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
  });
});
