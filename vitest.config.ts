import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

// Tests run against the packages' sources, not their builds, so a test never sees a stale dist/.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^stopwise\/adapter$/, replacement: src('core/src/adapter/index.ts') },
      { find: /^stopwise\/sse$/, replacement: src('core/src/sse/index.ts') },
      { find: /^stopwise\/node$/, replacement: src('core/src/node/index.ts') },
      { find: /^stopwise$/, replacement: src('core/src/index.ts') },
      { find: /^@stopwise\/openai$/, replacement: src('openai/src/index.ts') },
      { find: /^@stopwise\/anthropic$/, replacement: src('anthropic/src/index.ts') },
      { find: /^@stopwise\/replay$/, replacement: src('replay/src/index.ts') },
      { find: /^@stopwise\/redis$/, replacement: src('redis/src/index.ts') },
      { find: /^@stopwise\/otel$/, replacement: src('otel/src/index.ts') },
      { find: /^@stopwise\/ai-sdk$/, replacement: src('ai-sdk/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
