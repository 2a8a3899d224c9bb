import { describe, expect, it } from 'vitest';
import { generationLimit } from './generation-limits.js';

describe('generationLimit', () => {
  it('is the documented max_tokens of a listed source, by the start of the record source', () => {
    expect(
      generationLimit({ source: 'TIGER-AI-Lab/MMLU-Pro@ff991b5:eval_results/gpt4o/math_result.json' }),
    ).toBe(4096);
  });

  it('is undefined for a source with no documented limit, another commit, or no source', () => {
    expect(
      generationLimit({ source: 'NovaSky-AI/SkyThought@6840eb7:skythought/outputs/x.json' }),
    ).toBeUndefined();
    expect(
      generationLimit({ source: 'TIGER-AI-Lab/MMLU-Pro@0000000:eval_results/gpt4o/math.json' }),
    ).toBeUndefined();
    expect(generationLimit({})).toBeUndefined();
  });
});
