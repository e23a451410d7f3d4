/**
 * Chinese text is written with full-width punctuation (，：；（）？！), English with
 * half-width. This keeps it so where users read most: the importer's report over
 * the corpus, the label tables the pages and the ledger show, and `duban --help`.
 * A half-width , ; : ( ) ? ! directly next to a Chinese character is a slip.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as labels from '../../src/domain/labels.js';
import * as taskCommands from '../../src/domain/task-commands.js';
import { importPlanDocuments } from '../../src/importer/import-plan.js';
import { readDocument } from '../../src/importer/read-document.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CORPUS = join(ROOT, 'test/importer/corpus');
const run = promisify(execFile);

/** Han, CJK punctuation (。、「」…) and full-width forms (，：（）). */
const CJK = '[\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef]';
const HALF = '[,;:()?!]';
const SLIP = new RegExp(`${CJK}${HALF}|${HALF}${CJK}`, 'u');

/**
 * The texts with a half-width mark next to a Chinese character, each with where it
 * came from. What a text quotes in 「」 (the document's own words) is left as written.
 */
function slips(texts: Iterable<[where: string, text: string]>): string[] {
  const out: string[] = [];
  for (const [where, text] of texts) if (SLIP.test(text.replace(/「[^「」]*」/g, '「」'))) out.push(`${where}: ${text}`);
  return out;
}

/** Every string in a value (tables of { zh, en }, nested objects), with its key path. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (k !== 'en') yield* strings(v, `${path}.${k}`);
}

describe('Chinese text uses full-width punctuation', () => {
  it('in every item of the importer report over the corpus', async () => {
    const texts: Array<[string, string]> = [];
    for (const name of readdirSync(CORPUS)
      .filter((f) => /\.(txt|md|docx)$/.test(f))
      .sort()) {
      const doc = await readDocument(join(CORPUS, name));
      const { drafts, report } = importPlanDocuments(doc.text, { sourceName: basename(name) });
      for (const item of report) texts.push([`${name} ${item.path}`, item.zh]);
      for (const d of drafts) for (const item of d.report) texts.push([`${name} ${item.path}`, item.zh]);
    }
    expect(texts.length).toBeGreaterThan(100);
    expect(slips(texts)).toEqual([]);
  });

  it('in the label tables of the server and the pages', () => {
    const texts = [...strings(labels, 'labels'), ...strings(taskCommands, 'task-commands')];
    // The pages' own table, read as text: i18n.js is a browser module.
    const i18n = readFileSync(join(ROOT, 'src/web/public/i18n.js'), 'utf8');
    for (const m of i18n.matchAll(/\bzh:\s*(['`])((?:\\.|(?!\1).)*)\1/g)) texts.push([`i18n.js ${m[2]!.slice(0, 12)}`, m[2]!]);
    expect(texts.length).toBeGreaterThan(200);
    expect(slips(texts)).toEqual([]);
  });

  it('in duban --help and every command help', async () => {
    const help = async (args: string[]) => {
      const r = await run(process.execPath, [join(ROOT, 'bin/duban.js'), ...args], { cwd: ROOT, timeout: 120_000 });
      return `${r.stdout}${r.stderr}`;
    };
    const main = await help(['--help']);
    const commands = [...new Set([...main.matchAll(/^ {2}duban ([a-z]+)/gm)].map((m) => m[1]!))];
    expect(commands).toContain('import');
    const helps = await Promise.all(commands.map((c) => help([c, '--help'])));
    const texts: Array<[string, string]> = [
      ...main.split('\n').map((l): [string, string] => ['duban --help', l]),
      ...helps.flatMap((h, i) => h.split('\n').map((l): [string, string] => [`duban ${commands[i]} --help`, l])),
    ];
    expect(slips(texts)).toEqual([]);
  }, 180_000);

  it('in the example plan a new user copies: its comments and its title', () => {
    const lines = readFileSync(join(ROOT, 'examples/plan.yaml'), 'utf8').split('\n');
    // The Chinese a reader reads: comments (what follows #) and the plan's title; YAML's own , and : are syntax.
    const texts = lines.flatMap((l, i): [string, string][] => {
      const comment = /#(.*)$/.exec(l)?.[1];
      const title = /^title: (.*)$/.exec(l)?.[1];
      return [comment, title].filter((t): t is string => t !== undefined).map((t) => [`examples/plan.yaml:${i + 1}`, t]);
    });
    expect(texts.length).toBeGreaterThan(20);
    expect(slips(texts)).toEqual([]);
  });
});
