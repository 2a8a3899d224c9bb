import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { chunks, type Delta, feed } from './policy-harness.test-util.js';
import { RepeatDetector } from './repeat-detector.js';
import { type RepetitionOptions, repetition } from './repetition.js';

function stopIn(text: string, options: RepetitionOptions = {}, phase: Delta['phase'] = 'answer') {
  return feed(
    repetition(options),
    chunks(text, 5).map((delta) => ({ phase, delta })),
  ).decision;
}

const paragraph = [
  'Let me compute the sum of the first ten terms again, carefully this time.',
  'The first term is 3 and the common difference is 4, so the tenth term is 39.',
  'The sum is 10 * (3 + 39) / 2 = 210, which matches what I found before.',
].join('\n');

describe('repetition', () => {
  it('stops a paragraph looping back to back and keeps one copy', () => {
    const intro = 'We want the sum of an arithmetic series.\n';
    const text = `${intro}${`${paragraph}\n`.repeat(6)}`;
    const decision = stopIn(text);
    expect(decision?.reason).toMatch(/block repeated/);
    expect(decision?.cutAt).toBe(intro.length + paragraph.length + 1);
    expect(text.slice(0, decision?.cutAt)).toBe(`${intro}${paragraph}\n`);
  });

  it('finds a loop inside a line and cuts at a word boundary', () => {
    const text = `The pattern is ${'one two three four five six seven eight, '.repeat(20)}and so on.`;
    const decision = stopIn(text);
    expect(decision).toBeDefined();
    const kept = text.slice(0, decision?.cutAt);
    expect(kept.startsWith('The pattern is one two three four five six seven eight,')).toBe(true);
    expect(kept.length).toBeLessThan('The pattern is '.length + 2 * 41);
    expect(/\w$/.test(kept) && /^\w/.test(text.slice(kept.length))).toBe(false);
  });

  it('does not stop on a restated equation or a repeated "Let me check" with work in between', () => {
    const eq = '\\[ T_3 = \\binom{5}{3} (10x^3)^2 \\left(-\\frac{1}{2x^2}\\right)^3 = -125 \\]';
    const text = [
      eq,
      'Let me check this step by step.',
      'The binomial coefficient is 10, and 100 times -1/8 is -12.5, so 10 times that is -125.',
      eq,
      'Let me check this step by step.',
      'Both factors are right: the powers of x cancel, leaving a constant.',
      eq,
      'Let me check this step by step.',
      'So the constant term is -125.',
    ].join('\n\n');
    expect(stopIn(text)).toBeUndefined();
  });

  it('does not stop on a table with repeated cells or a long rule line', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `| ${i} | yes | yes | yes | no | ${i * i} |`).join(
      '\n',
    );
    const text = `| n | a | b | c | d | n^2 |\n|---|---|---|---|---|---|\n${rows}\n${'='.repeat(200)}\nDone.`;
    expect(stopIn(text)).toBeUndefined();
  });

  it('treats a very short block as a loop only over a much longer run', () => {
    expect(stopIn(`Total: ${'ha'.repeat(300)} end`)).toBeUndefined();
    expect(stopIn(`Total: ${'ha'.repeat(1000)} end`)).toBeDefined();
  });

  it('waits for minRepeats copies', () => {
    const text = `${paragraph}\n${paragraph}\n${'Something new and different happens now, for a while.\n'.repeat(1)}`;
    expect(stopIn(text, { minRepeatChars: 100, minRepeats: 2 })).toBeDefined();
    expect(stopIn(text, { minRepeatChars: 100, minRepeats: 3 })).toBeUndefined();
  });

  it('misses loops longer than its window, by design', () => {
    const block = Array.from(
      { length: 30 },
      (_, i) => `Line ${i}: a fairly long sentence about step number ${i} of the work.`,
    ).join('\n');
    const text = `${block}\n${block}\n${block}\n`;
    expect(stopIn(text, { windowChars: 1024 })).toBeUndefined();
    expect(stopIn(text, { windowChars: 8192 })).toBeDefined();
  });

  it('watches both phases by default and one when told', () => {
    const loop = `${paragraph}\n`.repeat(5);
    expect(stopIn(loop, {}, 'reasoning')?.cutAt).toBe(paragraph.length + 1);
    expect(stopIn(loop, { phase: 'answer' }, 'reasoning')).toBeUndefined();
  });

  it('validates its options with ConfigErrors naming the field', () => {
    const field = (options: RepetitionOptions) => {
      try {
        repetition(options);
      } catch (error) {
        return ConfigError.isInstance(error) ? error.field : 'other';
      }
      return 'none';
    };
    expect(field({ minRepeatChars: 4 })).toBe('repetition.minRepeatChars');
    expect(field({ minRepeats: 1 })).toBe('repetition.minRepeats');
    expect(field({ windowChars: 10 })).toBe('repetition.windowChars');
    expect(field({ minRepeatChars: 5000, windowChars: 4096 })).toBe('repetition.minRepeatChars');
    expect(field({ phase: 'all' as never })).toBe('repetition.phase');
  });
});

describe('repetition across calls', () => {
  it('one policy object finds each call’s own loop, its arrays reused after each call ends', async () => {
    const policy = repetition({ minRepeatChars: 100 });
    const loopOf = (word: string) => `${word} is the word we keep on saying here. `.repeat(12);
    for (const [intro, word] of [
      ['A first call with its own words.\n', 'Alpha'],
      ['Then a second, shorter intro.\n', 'Beta'],
      ['A third.\n', 'Alpha'],
    ] as const) {
      const text = `${intro}${loopOf(word)}`;
      const { decision } = feed(
        policy,
        chunks(text, 7).map((delta) => ({ phase: 'answer' as const, delta })),
      );
      policy.end?.({ outcome: 'policy-stop', outputTokens: 100, natural: false, stoppedBy: policy.name });
      const kept = text.slice(0, decision?.cutAt);
      expect(kept).toBe(`${intro}${loopOf(word).slice(0, loopOf(word).length / 12)}`);
    }
  });
});

describe('RepeatDetector', () => {
  it('reports where the repeat starts, extended back past a spurious shorter period', () => {
    // "abcabc" inside the block gives a period-3 candidate first; the real period is longer.
    const block = 'abcabc then a long distinct tail of text number one; ';
    const detector = new RepeatDetector({ minRepeatChars: 40, minRepeats: 2, windowChars: 4096 });
    const text = `start\n${block}${block}${block}`;
    let loop: ReturnType<RepeatDetector['push']>;
    for (let i = 0; i < text.length && !loop; i += 1) loop = detector.push(text.charCodeAt(i));
    expect(loop?.period).toBe(block.length);
    expect(loop?.start).toBe('start\n'.length + block.length);
  });

  it('finds a loop whose copies straddle the points where its buffers grow', () => {
    // Buffers start at 1024 characters and grow four-fold: a 1500-character block repeated from
    // offset 700 crosses 1024 and 4096, and must be found as if the window had been full size.
    const words = Array.from({ length: 400 }, (_, i) => `w${(i * 7919) % 1000}`).join(' ');
    const block = `${words.slice(0, 1499)}\n`;
    const intro = `${words.slice(1000, 1699)}:`;
    const text = `${intro}${block}${block}${block}`;
    for (const windowChars of [16_384, 4096, 5000]) {
      const detector = new RepeatDetector({ minRepeatChars: 400, minRepeats: 2, windowChars });
      let loop: ReturnType<RepeatDetector['push']>;
      for (let i = 0; i < text.length && !loop; i += 1) loop = detector.push(text.charCodeAt(i));
      expect(loop?.period).toBe(block.length);
      expect(loop?.start).toBe(intro.length + block.length);
      expect(detector.heldChars).toBeLessThanOrEqual(windowChars);
    }
  });

  it('finds the same loops with arrays handed down from released detectors as with fresh ones', () => {
    // Released arrays (of every size a detector grew to) are reused without clearing the text
    // buffer: stale characters from another output must never be read as this one's.
    const settings = { minRepeatChars: 400, minRepeats: 2, windowChars: 16_384 };
    const firstLoop = (text: string) => {
      const detector = new RepeatDetector(settings);
      let loop: ReturnType<RepeatDetector['push']>;
      for (let i = 0; i < text.length && !loop; i += 1) loop = detector.push(text.charCodeAt(i));
      detector.release();
      return loop;
    };
    const words = Array.from({ length: 900 }, (_, i) => `v${(i * 104_729) % 9973}`).join(' ');
    const block = `${words.slice(0, 1100)}\n`;
    const looping = `${words.slice(2000, 2900)}:${block}${block}${block}`;
    const before = firstLoop(looping);
    expect(before?.period).toBe(block.length);
    // Fill the pool with arrays of every size, holding text that repeats the same block at
    // another offset and with other neighbours: a stale read would find a different loop.
    for (let round = 0; round < 3; round += 1) {
      firstLoop(`${words.slice(0, 6000)} ${block}${words.slice(3000, 9000)}${block.repeat(3)}`);
      firstLoop(words.slice(round * 100, round * 100 + 1500));
    }
    expect(firstLoop(looping)).toEqual(before);
  });
});
