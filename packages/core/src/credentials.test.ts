import { describe, expect, it } from 'vitest';
import { collectCredentials, credentialsInHeaders, isCredentialHeader } from './credentials.js';
import { redactSecrets } from './errors.js';

describe('credentialsInHeaders', () => {
  it('finds the credential headers every provider and gateway uses, in any header shape', () => {
    const record = {
      'api-key': 'azure-0123456789',
      'X-Goog-Api-Key': 'AIzaNotReallyAKey',
      'x-api-key': 'gateway-abcdef',
      'Ocp-Apim-Subscription-Key': 'apim-key-123456',
      Authorization: 'Bearer opaque.token.value',
      'x-request-source': 'my-app-frontend',
      'x-trace': undefined,
    };
    const expected = [
      'azure-0123456789',
      'AIzaNotReallyAKey',
      'gateway-abcdef',
      'apim-key-123456',
      'Bearer opaque.token.value',
      'opaque.token.value',
    ];
    expect(credentialsInHeaders(record)).toEqual(expected);
    const defined = Object.entries(record).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    );
    expect(new Set(credentialsInHeaders(new Headers(defined)))).toEqual(new Set(expected));
    expect(credentialsInHeaders(defined)).toEqual(expected);
  });

  it('skips placeholders too short to be keys, and never throws on odd input', () => {
    expect(credentialsInHeaders({ authorization: 'none' })).toEqual([]);
    expect(credentialsInHeaders(undefined)).toEqual([]);
    expect(credentialsInHeaders(42 as never)).toEqual([]);
    expect(isCredentialHeader('content-type')).toBe(false);
    expect(isCredentialHeader('Cookie')).toBe(true);
  });
});

describe('collectCredentials', () => {
  it('joins keys and header credentials without duplicates, and they redact as one', () => {
    const secrets = collectCredentials({
      keys: ['key-from-settings-1', null, () => 'a function', 'key-from-settings-1'],
      headers: [{ 'api-key': 'azure-0123456789' }, undefined],
    });
    expect(secrets).toEqual(['key-from-settings-1', 'azure-0123456789']);
    expect(redactSecrets('echo azure-0123456789 and key-from-settings-1', secrets)).toBe(
      'echo [redacted] and [redacted]',
    );
  });
});
