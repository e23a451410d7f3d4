/**
 * The importer's scored evaluation over the hand-written corpus (npm run eval:import),
 * as a guard: nothing invented, and at least RIGHT_THRESHOLD of the facts right.
 */
import { describe, it, expect } from 'vitest';
import { evaluateCorpus, formatEval, RIGHT_THRESHOLD } from '../../src/importer/eval/run-eval.js';

describe('importer evaluation over test/importer/corpus', () => {
  it('invents nothing and gets the threshold of facts right', async () => {
    const result = await evaluateCorpus();
    expect(result.docs.length).toBeGreaterThanOrEqual(30);
    const table = formatEval(result, true);
    expect(result.total.invented, table).toBe(0);
    expect(result.share, table).toBeGreaterThanOrEqual(RIGHT_THRESHOLD);
  });
});
