/**
 * The importer's scored evaluation over the hand-written corpus (test/importer/corpus):
 * every document beside its `NAME.truth.yaml`, facts right / wrong / missing / invented
 * per document and in total. `npm run eval:import` prints it and fails when anything is
 * invented or the share right falls under the threshold; test/importer/eval.test.ts runs
 * the same evaluation in CI.
 *
 *   npm run eval:import                 # the table
 *   npm run eval:import -- --verbose    # and every fact not right
 *   npm run eval:import -- DIR          # another corpus
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importPlanDocuments } from '../import-plan.js';
import { readDocument } from '../read-document.js';
import { emptyTally, parseTruth, scoreDocument, type DocScore, type Tally } from './score.js';

/** The share of facts that must come out right (right ÷ (right + wrong + missing)). */
export const RIGHT_THRESHOLD = 0.95;

export const DEFAULT_CORPUS = resolve(fileURLToPath(new URL('../../../test/importer/corpus', import.meta.url)));

export interface EvalResult {
  docs: Array<{ name: string; score: DocScore }>;
  total: Tally;
  share: number;
}

const DOC = /\.(txt|md|docx)$/;

export async function evaluateCorpus(dir = DEFAULT_CORPUS): Promise<EvalResult> {
  const docs: EvalResult['docs'] = [];
  const total = emptyTally();
  for (const name of readdirSync(dir)
    .filter((f) => DOC.test(f))
    .sort()) {
    const truthFile = join(dir, name.replace(DOC, '.truth.yaml'));
    if (!existsSync(truthFile)) continue;
    const truth = parseTruth(readFileSync(truthFile, 'utf8'));
    const doc = await readDocument(join(dir, name));
    const { drafts } = importPlanDocuments(doc.text, { sourceName: basename(name) });
    const score = scoreDocument(
      truth,
      drafts.map((d) => d.plan),
    );
    docs.push({ name, score });
    for (const k of Object.keys(total) as Array<keyof Tally>) total[k] += score[k];
  }
  const scored = total.right + total.wrong + total.missing;
  return { docs, total, share: scored === 0 ? 0 : total.right / scored };
}

export function formatEval(result: EvalResult, verbose = false): string {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const width = Math.max(8, ...result.docs.map((d) => d.name.length));
  const row = (name: string, t: Tally) =>
    `${name.padEnd(width)} ${pad(t.right, 6)} ${pad(t.wrong, 6)} ${pad(t.missing, 8)} ${pad(t.invented, 9)}`;
  const lines = [`${'document'.padEnd(width)}  right  wrong  missing  invented`];
  for (const { name, score } of result.docs) {
    lines.push(row(name, score));
    if (verbose) {
      for (const f of score.facts.filter((x) => x.verdict !== 'right')) {
        lines.push(`    ${f.verdict.padEnd(8)} ${f.key}: expected ${f.expected ?? '—'}, got ${f.actual ?? '—'}`);
      }
    }
  }
  lines.push(row('TOTAL', result.total));
  lines.push(
    `${result.docs.length} documents; right ${(result.share * 100).toFixed(1)}% of ${result.total.right + result.total.wrong + result.total.missing} facts ` +
      `(threshold ${RIGHT_THRESHOLD * 100}%), invented ${result.total.invented} (must be 0)`,
  );
  return lines.join('\n');
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose') || args.includes('-v');
  const dir = args.find((a) => !a.startsWith('-'));
  const result = await evaluateCorpus(dir ? resolve(dir) : DEFAULT_CORPUS);
  console.log(formatEval(result, verbose));
  const ok = result.total.invented === 0 && result.share >= RIGHT_THRESHOLD;
  if (!ok) console.error('✗ 评测未达标 / the evaluation fails: invented > 0 or right below the threshold');
  process.exit(ok ? 0 : 1);
}
