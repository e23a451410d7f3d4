/**
 * The directory over HTTP, as offices and people use it: an admin creates
 * organisations; an office manages its own organisation's units and people and reads
 * its schools'; a school's office cannot touch another school; a person sees their
 * colleagues' names but never their contacts; bad input is a 400 naming each field,
 * with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import { testRuntime } from '../helpers/runtime.js';

describe('the directory API', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let call: ReturnType<typeof client>;
  const t = { admin: '', bureau: '', no1: '', no2: '', person: '' };

  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    call = client(rt.port!);
    t.admin = await rt.tokens.issue({ kind: 'admin' });
    t.bureau = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'qx-bureau' });
    t.no1 = await rt.tokens.issue({ kind: 'office', name: '一中办公室', org: 'qx-no1' });
    t.no2 = await rt.tokens.issue({ kind: 'office', name: '二中办公室', org: 'qx-no2' });
    t.person = await rt.tokens.issue({ kind: 'person', personId: 'p-zhao' });
    for (const body of [
      { id: 'qx-bureau', name: '青溪区教育局', kind: 'bureau' },
      { id: 'qx-no1', name: '青溪一中', kind: 'school', parent: 'qx-bureau' },
      { id: 'qx-no2', name: '青溪二中', kind: 'school', parent: 'qx-bureau' },
    ]) {
      const res = await call('POST', '/api/v1/organisations', { token: t.admin, body });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
    }
    expect(
      (await call('PUT', '/api/v1/organisations/qx-bureau/units/jjb', { token: t.bureau, body: { name: '基础教育办公室' } })).status,
    ).toBe(200);
    const zhao = await call('PUT', '/api/v1/organisations/qx-bureau/people/p-zhao', {
      token: t.bureau,
      body: { name: '赵小红', title: '干事', unit: 'jjb', contacts: { phone: '13800138001', email: 'zhao@qx.edu.cn' } },
    });
    expect(zhao.status, JSON.stringify(zhao.json)).toBe(200);
  });
  afterAll(() => rt?.close());

  describe('organisations', () => {
    it('are created by an admin only, each id once', async () => {
      const office = await call('POST', '/api/v1/organisations', {
        token: t.bureau,
        body: { id: 'qx-no3', name: '青溪三中', kind: 'school' },
      });
      expect(office.status).toBe(403);
      expect(office.json.error).toEqual({
        code: 'forbidden',
        message: '只有管理员可以创建组织',
        message_en: 'Only an admin may create organisations',
      });
      const again = await call('POST', '/api/v1/organisations', {
        token: t.admin,
        body: { id: 'qx-no1', name: '青溪一中', kind: 'school' },
      });
      expect(again.status).toBe(409);
      expect(again.json.error.message).toBe('组织编号 qx-no1 已被使用');
    });

    it('answers bad input with 400 naming every field, creating nothing', async () => {
      const res = await call('POST', '/api/v1/organisations', { token: t.admin, body: { id: 'bad id', name: ' ', kind: 'university' } });
      expect(res.status).toBe(400);
      expect(res.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['id', 'name', 'kind']);
      const parent = await call('POST', '/api/v1/organisations', {
        token: t.admin,
        body: { id: 'qx-no3', name: '青溪三中', kind: 'school', parent: 'qx-no1' },
      });
      expect(parent.status).toBe(400);
      expect(parent.json.error.problems[0].path).toBe('parent');
      // `default` is the organisation of plans stored before organisations; the runtime makes sure it exists.
      expect((await call('GET', '/api/v1/organisations', { token: t.admin })).json.organisations.map((o: { id: string }) => o.id)).toEqual([
        'default',
        'qx-bureau',
        'qx-no1',
        'qx-no2',
      ]);
    });

    it('are listed to each caller as far as they may see', async () => {
      const ids = async (token: string) =>
        (await call('GET', '/api/v1/organisations', { token })).json.organisations.map((o: { id: string }) => o.id);
      expect(await ids(t.bureau)).toEqual(['qx-bureau', 'qx-no1', 'qx-no2']);
      expect(await ids(t.no1)).toEqual(['qx-no1']);
      expect(await ids(t.person)).toEqual(['qx-bureau']);
      const bureau = await call('GET', '/api/v1/organisations/qx-bureau', { token: t.bureau });
      expect(bureau.json.children.map((o: { id: string }) => o.id)).toEqual(['qx-no1', 'qx-no2']);
    });

    it('tells an admin an organisation does not exist, and an office only that it is not theirs', async () => {
      expect((await call('GET', '/api/v1/organisations/nowhere/people', { token: t.admin })).status).toBe(404);
      const office = await call('GET', '/api/v1/organisations/nowhere/people', { token: t.no1 });
      expect(office.status).toBe(403);
      expect(office.json.error.message).toBe('只能查看本组织的通讯录；办公室还可查看下级组织的');
    });
  });

  describe('an office', () => {
    it('manages its own people; a bad phone or email is a 400 at its field and nothing is written', async () => {
      const res = await call('PUT', '/api/v1/organisations/qx-bureau/people/p-qian', {
        token: t.bureau,
        body: { name: '钱多多', contacts: { phone: '12345', email: 'qian' }, unit: 'jjb' },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['contacts.phone', 'contacts.email']);
      const people = await call('GET', '/api/v1/organisations/qx-bureau/people', { token: t.bureau });
      expect(people.json.people.map((p: { id: string }) => p.id)).toEqual(['p-zhao']);
    });

    it('of a school reads and changes its own school only', async () => {
      const put = await call('PUT', '/api/v1/organisations/qx-no1/people/ma-li', { token: t.no1, body: { name: '马丽', title: '校长' } });
      expect(put.status).toBe(200);
      expect((await call('GET', '/api/v1/organisations/qx-no1/people', { token: t.no1 })).json.people[0].name).toBe('马丽');

      const sibling = await call('GET', '/api/v1/organisations/qx-no1/people', { token: t.no2 });
      expect(sibling.status).toBe(403);
      const intoBureau = await call('PUT', '/api/v1/organisations/qx-bureau/units/x', { token: t.no1, body: { name: '假科室' } });
      expect(intoBureau.status).toBe(403);
      expect(intoBureau.json.error.message).toBe('只有本组织的办公室可以管理本组织的科室和人员');
      const history = await call('GET', '/api/v1/organisations/qx-bureau/history', { token: t.no1 });
      expect(history.status).toBe(403);
    });

    it('of a bureau reads its schools but does not change them', async () => {
      await call('PUT', '/api/v1/organisations/qx-no2/people/he-jun', {
        token: t.no2,
        body: { name: '何军', contacts: { phone: '13900000002' } },
      });
      const read = await call('GET', '/api/v1/organisations/qx-no2/people', { token: t.bureau });
      expect(read.status).toBe(200);
      expect(read.json.people[0].contacts.phone).toBe('13900000002');
      const write = await call('PUT', '/api/v1/organisations/qx-no2/people/he-jun', { token: t.bureau, body: { name: '何俊' } });
      expect(write.status).toBe(403);
      expect((await call('GET', '/api/v1/organisations/qx-no2/history', { token: t.bureau })).status).toBe(200);
    });

    it('takes a person from its school only by transfer; a school cannot take one from another school', async () => {
      await call('PUT', '/api/v1/organisations/qx-no2/people/sun-li', { token: t.no2, body: { name: '孙丽' } });
      const plain = await call('PUT', '/api/v1/organisations/qx-bureau/people/sun-li', { token: t.bureau, body: { name: '孙丽' } });
      expect(plain.status).toBe(409);
      expect(plain.json.error.message).toContain('已属于青溪二中');
      const sideways = await call('PUT', '/api/v1/organisations/qx-no1/people/sun-li', {
        token: t.no1,
        body: { name: '孙丽', transfer: true },
      });
      expect(sideways.status).toBe(403);
      const up = await call('PUT', '/api/v1/organisations/qx-bureau/people/sun-li', {
        token: t.bureau,
        body: { name: '孙丽', unit: 'jjb', transfer: true },
      });
      expect(up.status).toBe(200);
      expect(up.json.person).toMatchObject({ id: 'sun-li', org: 'qx-bureau', unit: 'jjb' });
    });

    it('deactivates a person who left; they stay listed, inactive, and a unit head is kept until replaced', async () => {
      await call('PUT', '/api/v1/organisations/qx-bureau/people/p-zhou', { token: t.bureau, body: { name: '周敏', unit: 'jjb' } });
      await call('PUT', '/api/v1/organisations/qx-bureau/units/jjb', { token: t.bureau, body: { name: '基础教育办公室', head: 'p-zhou' } });
      const held = await call('DELETE', '/api/v1/organisations/qx-bureau/people/p-zhou', { token: t.bureau });
      expect(held.status).toBe(409);
      expect(held.json.error.message).toBe('周敏（p-zhou）仍是基础教育办公室的负责人：请先把这些职务交给新的人员，再停用或调出');
      await call('PUT', '/api/v1/organisations/qx-bureau/units/jjb', { token: t.bureau, body: { name: '基础教育办公室', head: 'p-zhao' } });
      const gone = await call('DELETE', '/api/v1/organisations/qx-bureau/people/p-zhou', { token: t.bureau });
      expect(gone.status).toBe(200);
      const people = (await call('GET', '/api/v1/organisations/qx-bureau/people', { token: t.bureau })).json.people;
      expect(people.find((p: { id: string }) => p.id === 'p-zhou')).toMatchObject({ name: '周敏', active: false });
      const history = (await call('GET', '/api/v1/organisations/qx-bureau/history', { token: t.bureau })).json.history;
      expect(
        history
          .filter((e: { subject: string; id: string }) => e.subject === 'unit' && e.id === 'jjb')
          .map((e: { after: { head?: string } }) => e.after.head ?? null),
      ).toEqual([null, 'p-zhou', 'p-zhao']);
      expect(history.at(-1)).toMatchObject({ by: 'office:陈静', subject: 'person', id: 'p-zhou', action: 'deactivated' });
    });

    it('imports an address book with Chinese headers, all or nothing, naming the bad row’s line', async () => {
      const bad = [
        '姓名,职务,单位（科室）,手机,邮箱,入职时间',
        '吴敏,干事,基础教育办公室,13800000011,,2019-09',
        '郑强,干事,教研中心,1380000,,2020-09',
      ].join('\n');
      const refused = await call('POST', '/api/v1/organisations/qx-bureau/people/import', { token: t.bureau, body: { csv: bad } });
      expect(refused.status).toBe(400);
      expect(refused.json.error.message).toBe('通讯录有 2 处问题，未导入任何人员');
      expect(refused.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['people[1].contacts.phone', 'people[1].unit']);
      expect(refused.json.error.problems[0].message).toMatch(/^第 3 行 \/ line 3 — people\[1\]\.contacts\.phone: 应为 11 位大陆手机号码/);
      const names = async () =>
        (await call('GET', '/api/v1/organisations/qx-bureau/people', { token: t.bureau })).json.people.map((p: { name: string }) => p.name);
      expect(await names()).not.toContain('吴敏');

      const good = bad.replace('教研中心,1380000', '基础教育办公室,13800000012');
      const imported = await call('POST', '/api/v1/organisations/qx-bureau/people/import', { token: t.bureau, body: { csv: good } });
      expect(imported.status, JSON.stringify(imported.json)).toBe(200);
      expect(imported.json).toEqual({
        rows: [
          { id: 'qx-bureau-1', outcome: 'created' },
          { id: 'qx-bureau-2', outcome: 'created' },
        ],
        ignoredColumns: ['入职时间'],
      });
      expect(await names()).toEqual(expect.arrayContaining(['吴敏', '郑强']));
    });
  });

  describe('a person', () => {
    it('sees their colleagues’ names, titles and units, never their contacts, and nothing of other organisations', async () => {
      const res = await call('GET', '/api/v1/organisations/qx-bureau/people', { token: t.person });
      expect(res.status).toBe(200);
      expect(res.json.people.find((p: { id: string }) => p.id === 'p-zhao')).toEqual({
        id: 'p-zhao',
        name: '赵小红',
        org: 'qx-bureau',
        unit: 'jjb',
        title: '干事',
        active: true,
      });
      expect(res.json.people.every((p: object) => !('contacts' in p))).toBe(true);
      expect((await call('GET', '/api/v1/organisations/qx-no1/people', { token: t.person })).status).toBe(403);
      expect((await call('GET', '/api/v1/organisations/qx-bureau/history', { token: t.person })).status).toBe(403);
      const write = await call('PUT', '/api/v1/organisations/qx-bureau/people/p-zhao', { token: t.person, body: { name: '赵小红' } });
      expect(write.status).toBe(403);
    });

    it('sees nothing once they have left', async () => {
      await call('PUT', '/api/v1/organisations/qx-bureau/people/p-left', { token: t.bureau, body: { name: '冯离' } });
      const token = await rt.tokens.issue({ kind: 'person', personId: 'p-left' });
      expect((await call('GET', '/api/v1/organisations/qx-bureau/people', { token })).status).toBe(200);
      await call('DELETE', '/api/v1/organisations/qx-bureau/people/p-left', { token: t.bureau });
      expect((await call('GET', '/api/v1/organisations/qx-bureau/people', { token })).status).toBe(403);
    });
  });
});
