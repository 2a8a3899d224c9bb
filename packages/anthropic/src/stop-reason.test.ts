import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from './stop-reason.js';

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
    ['some_future_reason', 'other'],
    ['', 'other'],
  ] as const)('maps %s to %s', (raw, unified) => {
    expect(mapAnthropicStopReason(raw)).toBe(unified);
  });

  it('maps a missing reason to other', () => {
    expect(mapAnthropicStopReason(null)).toBe('other');
    expect(mapAnthropicStopReason(undefined)).toBe('other');
  });
});
