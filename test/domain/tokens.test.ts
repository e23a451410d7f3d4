import { describe, expect, it } from 'vitest';
import { newToken } from '../../src/engine/engine.js';

describe('timer tokens (BullMQ job ids)', () => {
  it('never look like integers, carry no ":" and stay short enough for compact job options', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      const t = newToken();
      expect(t).toMatch(/^t[A-Za-z0-9_-]{11}$/);
      seen.add(t);
    }
    expect(seen.size).toBe(200_000);
    // {"jobId":"…","delay":<a three-year delay>,"attempts":0} must stay under Redis's 64-byte listpack value limit.
    expect(JSON.stringify({ jobId: newToken(), delay: 3 * 366 * 86_400_000, attempts: 0 }).length).toBeLessThanOrEqual(64);
  });
});
