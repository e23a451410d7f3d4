/**
 * DUBAN_DEFINITION_CACHE_MB: how much plan-definition text each process holds parsed
 * (src/engine/definitions.ts). A bad value stops the start with the variable named.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('DUBAN_DEFINITION_CACHE_MB', () => {
  it('defaults to 64 MiB of definition text, and takes a whole number of MiB', () => {
    expect(loadConfig({}).DUBAN_DEFINITION_CACHE_MB).toBe(64);
    expect(loadConfig({ DUBAN_DEFINITION_CACHE_MB: '512' }).DUBAN_DEFINITION_CACHE_MB).toBe(512);
  });

  it('refuses nothing, a fraction or words, naming the variable', () => {
    for (const bad of ['0', '1.5', 'lots'])
      expect(() => loadConfig({ DUBAN_DEFINITION_CACHE_MB: bad })).toThrow(/DUBAN_DEFINITION_CACHE_MB/);
  });
});
