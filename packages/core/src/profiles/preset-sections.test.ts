import { describe, expect, it } from 'vitest';
import { completionSettings, convergenceSettings, repetitionSettings } from './preset-sections.js';
import { accurateSettings, balancedSettings, realtimeSettings } from './presets.js';

const presets = { realtime: realtimeSettings, balanced: balancedSettings, accurate: accurateSettings };

describe('per-policy preset tables are the presets, not a second copy', () => {
  it.each(Object.entries(presets))('%s: every table says what the preset runs', (name, settings) => {
    const preset = name as keyof typeof presets;
    expect(repetitionSettings[preset]).toEqual(settings.repetition);
    expect(completionSettings[preset]).toEqual(settings.answerComplete);
    expect(convergenceSettings[preset]).toEqual(settings.answerConvergence);
  });

  it('the tables are frozen copies: changing one cannot change a preset', () => {
    const table = repetitionSettings.balanced as { minRepeats?: number };
    expect(Object.isFrozen(table)).toBe(true);
    expect(table).not.toBe(balancedSettings.repetition);
  });
});
