import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { findProfile, registerProfile } from './registry.js';

describe('registerProfile', () => {
  it.each(['realtime', 'balanced', 'accurate', 'off'])('refuses to replace the shipped preset %s', (name) => {
    const before = findProfile(name);
    let error: unknown;
    try {
      registerProfile({ name, description: 'impostor', build: () => [] });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toMatch(/extends/);
    expect(findProfile(name)).toBe(before);
  });

  it('replaces a custom profile of the same name (the last definition wins)', () => {
    registerProfile({ name: 'registry-test', description: 'first', build: () => [] });
    const second = registerProfile({ name: 'registry-test', description: 'second', build: () => [] });
    expect(findProfile('registry-test')).toBe(second);
  });
});
