/**
 * The directory from the command line, against a running server: an admin creates a
 * bureau and a school, the school's office imports the address book Excel saved (GBK)
 * and lists its people; a bad address book is refused line by line, nothing imported.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeAddressBook, orgCommand, peopleCommand } from '../../src/cli/directory-commands.js';
import { testRuntime } from '../helpers/runtime.js';

/** 姓名,职务,手机 / 张华,干事,13800138000 as Excel on a Chinese Windows saves it: GBK, CRLF. */
const GBK_BOOK = Buffer.concat([
  Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xd6, 0xb0, 0xce, 0xf1, 0x2c, 0xca, 0xd6, 0xbb, 0xfa, 0x0d, 0x0a]),
  Buffer.from([0xd5, 0xc5, 0xbb, 0xaa, 0x2c, 0xb8, 0xc9, 0xca, 0xc2, 0x2c]),
  Buffer.from('13800138000\r\n'),
]);

describe('duban org and duban people', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let server: string[];
  let admin: string;
  let school: string;
  const tmp = mkdtempSync(join(tmpdir(), 'duban-dir-'));
  let out: string[];
  let err: string[];

  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    server = ['--server', `http://127.0.0.1:${rt.port}`];
    admin = await rt.tokens.issue({ kind: 'admin' });
    school = await rt.tokens.issue({ kind: 'office', name: '一中办公室', org: 'qx-no1' });
  });
  afterAll(() => rt?.close());
  const capture = () => {
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  };
  afterEach(() => vi.restoreAllMocks());

  it('creates a bureau and its school with an admin token, and lists them', async () => {
    capture();
    expect(await orgCommand.run(['create', 'qx-bureau', '--name', '青溪区教育局', '--kind', 'bureau', '--token', admin, ...server])).toBe(
      0,
    );
    expect(
      await orgCommand.run([
        'create',
        'qx-no1',
        '--name',
        '青溪一中',
        '--kind',
        'school',
        '--parent',
        'qx-bureau',
        '--token',
        admin,
        ...server,
      ]),
    ).toBe(0);
    expect(out).toEqual(['✓ 已创建组织 / created: qx-bureau 青溪区教育局（教育局）', '✓ 已创建组织 / created: qx-no1 青溪一中（学校）']);
    expect(await orgCommand.run(['list', '--token', admin, ...server])).toBe(0);
    expect(out.slice(2)).toContain('qx-no1\t青溪一中\t学校\t上级 / parent: qx-bureau');
  });

  it('says why creating an organisation was refused, and exits non-zero', async () => {
    capture();
    expect(await orgCommand.run(['create', 'qx-no2', '--name', '青溪二中', '--kind', 'college', '--token', admin, ...server])).toBe(1);
    expect(err[0]).toBe('  kind: 应为 bureau（教育局）、school（学校）或 other（其他） / must be bureau, school or other');
    expect(err.at(-1)).toBe('400：请求内容有误：kind，未做任何更改 / Invalid request body: kind; nothing was changed');
    expect(await orgCommand.run(['create', 'qx-no2', '--name', '青溪二中', '--kind', 'school', '--token', school, ...server])).toBe(1);
    expect(err.at(-1)).toBe('403：只有管理员可以创建组织 / Only an admin may create organisations');
  });

  it('imports the address book Excel saved, in GBK, and lists the people', async () => {
    expect(decodeAddressBook(GBK_BOOK)).toBe('姓名,职务,手机\r\n张华,干事,13800138000\r\n');
    const file = join(tmp, '通讯录.csv');
    writeFileSync(file, GBK_BOOK);
    capture();
    expect(await peopleCommand.run(['import', file, '--org', 'qx-no1', '--token', school, ...server])).toBe(0);
    expect(out).toEqual(['✓ 已导入 1 人：新增 1，更新 0，未变 0 / imported 1: 1 new, 0 updated, 0 unchanged']);
    expect(await peopleCommand.run(['list', '--org', 'qx-no1', '--token', school, ...server])).toBe(0);
    expect(out[1]).toBe('qx-no1-1\t张华\t干事\t\t13800138000');
  });

  it('refuses an address book with a bad row, naming its line, and imports no one', async () => {
    const file = join(tmp, 'bad.csv');
    writeFileSync(file, '\uFEFF姓名,手机,邮箱\n李四,13900000000,\n王五,139,wang@\n');
    capture();
    expect(await peopleCommand.run(['import', file, '--org', 'qx-no1', '--token', school, ...server])).toBe(1);
    expect(err[0]).toMatch(/^ {2}第 3 行 \/ line 3 — people\[1\]\.contacts\.phone: 应为 11 位大陆手机号码/);
    expect(err[1]).toMatch(/^ {2}第 3 行 \/ line 3 — people\[1\]\.contacts\.email: 不是有效的邮箱地址/);
    expect(err.at(-1)).toBe('400：通讯录有 2 处问题，未导入任何人员 / The address book has 2 problem(s); no one was imported');
    capture();
    await peopleCommand.run(['list', '--org', 'qx-no1', '--token', school, ...server]);
    expect(out.map((l) => l.split('\t')[1])).toEqual(['张华']);
  });
});
