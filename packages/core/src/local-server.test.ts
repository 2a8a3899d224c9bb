import { afterEach, describe, expect, it, vi } from 'vitest';
import { isLoopbackURL, keyForLocalServer, localServerKey } from './local-server.js';

describe('keyForLocalServer', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const options = (change: Partial<Parameters<typeof keyForLocalServer>[0]> = {}) => ({
    apiKey: undefined,
    keyVariables: ['X_API_KEY', 'X_TOKEN'],
    baseURL: 'http://127.0.0.1:8080/v1',
    baseURLVariable: 'X_BASE_URL',
    ...change,
  });

  it('gives the placeholder only for a server on this machine with no key anywhere', () => {
    vi.stubEnv('X_API_KEY', '');
    vi.stubEnv('X_TOKEN', ' ');
    expect(keyForLocalServer(options())).toBe(localServerKey);
    expect(keyForLocalServer(options({ baseURL: 'https://api.example.com' }))).toBeUndefined();
    vi.stubEnv('X_BASE_URL', 'http://localhost:11434');
    expect(keyForLocalServer(options({ baseURL: undefined }))).toBe(localServerKey);
  });

  it('leaves a set key, or a key in any of the variables, to the SDK', () => {
    expect(keyForLocalServer(options({ apiKey: 'sk-1' }))).toBe('sk-1');
    vi.stubEnv('X_TOKEN', 'tok');
    expect(keyForLocalServer(options())).toBeUndefined();
  });
});

describe('isLoopbackURL', () => {
  it('knows this machine by name and address only', () => {
    expect(['http://localhost', 'http://127.0.0.2:1', 'http://[::1]:8'].map(isLoopbackURL)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['http://127.example.com', 'not a url', undefined].map(isLoopbackURL)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
