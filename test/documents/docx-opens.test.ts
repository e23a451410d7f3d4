/**
 * The generated .docx opened by a real word processor: LibreOffice, headless, turns it
 * into text, and the 文号, addressees and dates read as an office wrote them. Skipped,
 * with the reason, where LibreOffice is not installed (Debian: libreoffice-writer-nogui).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { noticeDocx } from '../../src/documents/notice-docx.js';
import { notice, plan } from '../delivery/fixtures.js';

const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'duban-docx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!SOFFICE)(`a word processor opens the notice${SOFFICE ? '' : ' (skipped: LibreOffice is not installed)'}`, () => {
  it('reads the 文号, the addressees once and the dates from the .docx', async () => {
    const file = join(dir, 'notice.docx');
    writeFileSync(file, await noticeDocx(plan(), notice(1), { number: 'X教督〔2026〕7号' }));
    // A profile of its own, so a desktop LibreOffice or another test run does not hold its lock.
    await promisify(execFile)(
      SOFFICE!,
      [
        `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
        '--headless',
        '--convert-to',
        'txt:Text',
        '--outdir',
        dir,
        file,
      ],
      { timeout: 90_000 },
    );
    const lines = readFileSync(join(dir, 'notice.txt'), 'utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter((l) => l !== '');
    expect(lines.slice(0, 2)).toEqual(['青溪区教育局质量提升工作领导小组办公室', 'X教督〔2026〕7号']);
    expect(lines.filter((l) => l.includes('赵小红'))).toEqual(['赵小红、张华：']);
    expect(lines).toContain('整改时限：2026年12月16日17时');
    expect(lines.slice(-2)).toEqual(['青溪区教育局质量提升工作领导小组办公室', '2026年12月9日']);
  });
});
