import OpenAI from 'openai';
import { ConfigError } from 'stopwise';
import { describe, expect, it } from 'vitest';
import { openai } from './openai-provider.js';
import type { OpenAISettings } from './settings.js';

function configErrorOf(settings: unknown): ConfigError {
  try {
    openai(settings as OpenAISettings);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('openai() settings', () => {
  it('builds a provider named openai by default, or by `name`', () => {
    expect(openai({ apiKey: 'sk-test-1' }).name).toBe('openai');
    expect(openai({ apiKey: 'sk-test-1', baseURL: 'http://localhost:8000/v1', name: 'vllm' }).name).toBe(
      'vllm',
    );
  });

  it.each([
    [null, 'settings'],
    [{ apiKey: '' }, 'apiKey'],
    [{ apiKey: 42 }, 'apiKey'],
    [{ apiKey: 'k', baseURL: 'localhost:8000' }, 'baseURL'],
    [{ apiKey: 'k', baseURL: 'ftp://example.com' }, 'baseURL'],
    [{ apiKey: 'k', organization: '' }, 'organization'],
    [{ apiKey: 'k', headers: { 'x-a': 1 } }, 'headers.x-a'],
    [{ apiKey: 'k', headers: 'x' }, 'headers'],
    [{ apiKey: 'k', maxRetries: -1 }, 'maxRetries'],
    [{ apiKey: 'k', maxRetries: 1.5 }, 'maxRetries'],
    [{ apiKey: 'k', timeoutMs: 0 }, 'timeoutMs'],
    [{ apiKey: 'k', api: 'assistants' }, 'api'],
    [{ apiKey: 'k', name: '' }, 'name'],
    [{ apiKey: 'k', maxTokensParam: 'max_output_tokens' }, 'maxTokensParam'],
    [{ apiKey: 'k', apiKye: 'typo' }, 'apiKye'],
    [{ client: {} }, 'client'],
  ])('%j -> ConfigError on %s', (settings, field) => {
    const error = configErrorOf(settings);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`\`${field}\``);
  });

  it('names the setting a misspelt one was meant to be', () => {
    expect(configErrorOf({ apikey: 'k' }).message).toMatch(/did you mean `apiKey`/);
    expect(configErrorOf({ apiKey: 'k', baseUrl: 'http://localhost:1/v1' }).message).toMatch(
      /did you mean `baseURL`/,
    );
    // The SDK's own name of the cap is a per-call option here.
    expect(configErrorOf({ apiKey: 'k', max_tokens: 100 }).message).toMatch(
      /Invalid `max_tokens`: is not an option \(did you mean each call's `maxOutputTokens`\?\)/,
    );
  });

  it('rejects connection settings next to a client, which already has its own', () => {
    const client = new OpenAI({ apiKey: 'sk-test-1' });
    expect(configErrorOf({ client, baseURL: 'http://localhost:1/v1' }).field).toBe('baseURL');
    expect(openai({ client, maxRetries: 1, timeoutMs: 1000, headers: { 'x-a': 'b' } }).name).toBe('openai');
  });

  it('asks for an API key when none is given and OPENAI_API_KEY is unset', () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const error = configErrorOf({});
      expect(error.field).toBe('apiKey');
      expect(error.message).toMatch(/OPENAI_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('needs no key for a server on this machine (the replay server, Ollama, vLLM), and only there', () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      for (const baseURL of ['http://127.0.0.1:8787/v1', 'http://localhost:11434/v1', 'http://[::1]:8000/v1'])
        expect(openai({ baseURL }).name).toBe('openai');
      // Through the SDK's own variable too: code written for OpenAI, pointed at a local server.
      process.env.OPENAI_BASE_URL = 'http://127.0.0.1:8787/v1';
      expect(openai({}).name).toBe('openai');
      process.env.OPENAI_BASE_URL = 'https://api.example.com/v1';
      expect(configErrorOf({}).field).toBe('apiKey');
      expect(configErrorOf({ baseURL: 'http://127.0.0.1.example.com/v1' }).field).toBe('apiKey');
    } finally {
      delete process.env.OPENAI_BASE_URL;
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key;
      if (saved.url !== undefined) process.env.OPENAI_BASE_URL = saved.url;
    }
  });
});
