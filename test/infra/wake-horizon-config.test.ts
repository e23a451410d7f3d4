/**
 * DUBAN_WAKE_HORIZON_MS: how far ahead wake-ups are armed as jobs. One shorter than two
 * reconciler periods could let a far-off wake-up be armed after it is due, so the
 * process refuses it at start, naming both variables.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('DUBAN_WAKE_HORIZON_MS', () => {
  it('defaults to ten minutes, twenty default reconciler periods', () => {
    const c = loadConfig({});
    expect(c.DUBAN_WAKE_HORIZON_MS).toBe(600_000);
    expect(c.DUBAN_RECONCILE_MS).toBe(30_000);
  });

  it('takes a horizon of at least two reconciler periods', () => {
    expect(loadConfig({ DUBAN_WAKE_HORIZON_MS: '60000', DUBAN_RECONCILE_MS: '30000' }).DUBAN_WAKE_HORIZON_MS).toBe(60_000);
  });

  it('refuses a shorter one, and says which variable and why', () => {
    expect(() => loadConfig({ DUBAN_WAKE_HORIZON_MS: '50000' })).toThrow(
      /DUBAN_WAKE_HORIZON_MS「50000」：须至少为 DUBAN_RECONCILE_MS（30000）的两倍.*must be at least twice DUBAN_RECONCILE_MS \(30000\)/,
    );
    expect(() => loadConfig({ DUBAN_WAKE_HORIZON_MS: '1h' })).toThrow(/DUBAN_WAKE_HORIZON_MS/);
  });
});
