import { describe, expect, it } from 'vitest';
import { ConfigError, ProviderError, redactSecrets, StopwiseError } from './errors.js';

describe('errors', () => {
  it('isInstance recognises errors from another copy of the package', () => {
    // A second copy has its own classes but the same registered symbol marker.
    const foreign = Object.assign(new Error('x'), { [Symbol.for('stopwise.error')]: true, kind: 'provider' });
    expect(StopwiseError.isInstance(foreign)).toBe(true);
    expect(ProviderError.isInstance(foreign)).toBe(true);
    expect(ConfigError.isInstance(foreign)).toBe(false);
    expect(StopwiseError.isInstance(new Error('plain'))).toBe(false);
  });

  it('ProviderError defaults retryable from the status', () => {
    expect(new ProviderError({ provider: 'p', message: 'm', status: 429 }).retryable).toBe(true);
    expect(new ProviderError({ provider: 'p', message: 'm', status: 529 }).retryable).toBe(true);
    expect(new ProviderError({ provider: 'p', message: 'm', status: 401 }).retryable).toBe(false);
    expect(new ProviderError({ provider: 'p', message: 'm' }).retryable).toBe(true);
  });

  it('never carries an API key in its message', () => {
    const error = new ProviderError({
      provider: 'openai',
      status: 401,
      message: 'Incorrect API key provided: sk-proj-abcdef123456.',
    });
    expect(error.message).toBe('openai 401: Incorrect API key provided: [redacted].');
    expect(redactSecrets('Authorization: Bearer abc.def-ghi_jkl')).toBe('Authorization: [redacted]');
  });

  it('a ConfigError names the field to fix', () => {
    const error = new ConfigError('messages[1].role', 'must be one of system, user, assistant');
    expect(error.message).toBe('Invalid `messages[1].role`: must be one of system, user, assistant');
    expect(error.kind).toBe('config');
  });
});
