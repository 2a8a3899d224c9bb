import { describe, expect, it } from 'vitest';
import * as adapter from './adapter/index.js';
import * as root from './index.js';

// The root is the application's API (issue 13): at most 45 values, none of the helpers that only
// an adapter, a store or an exporter needs. The full list is in api/stopwise.api.md (api:check).
describe('the stopwise root', () => {
  it('exports at most 45 values', () => {
    expect(Object.keys(root).length).toBeLessThanOrEqual(45);
  });

  it('leaves the adapter helpers to stopwise/adapter', () => {
    const both = Object.keys(adapter).filter((name) => name in root);
    expect(both).toEqual([]);
  });
});
