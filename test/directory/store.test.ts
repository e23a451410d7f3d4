/**
 * The directory on a real Redis: organisations and their rules, one identity per
 * person server-wide, people who leave are deactivated not deleted, an address-book
 * import is all or nothing, and the change log says who held a unit's head role when.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Directory } from '../../src/directory/store.js';
import { AlreadyExistsError, InvalidInputError, NotFoundError, RefusedError } from '../../src/errors.js';
import { keysFor } from '../../src/store/keys.js';
import { testPrefix, testRuntime } from '../helpers/runtime.js';

type Rt = Awaited<ReturnType<typeof testRuntime>>;

/** The error `work` throws, for asserting its class and content. */
async function refusal(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal, got success');
}

describe('the directory', () => {
  let rt: Rt;
  let dir: Directory;
  let clock: number;

  beforeAll(async () => {
    rt = await testRuntime();
  });
  afterAll(() => rt?.close());
  beforeEach(async () => {
    // Each test its own key prefix: a fresh, empty directory.
    clock = Date.parse('2026-03-01T08:00:00Z');
    dir = new Directory(rt.redis, keysFor(testPrefix()), () => clock);
    await dir.createOrg({ id: 'qx-bureau', name: '青溪区教育局', kind: 'bureau' }, 'admin');
    await dir.createOrg({ id: 'qx-no1', name: '青溪一中', kind: 'school', parent: 'qx-bureau' }, 'admin');
    await dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育办公室' }, 'office:陈静');
  });

  describe('organisations', () => {
    it('creates the default organisation once, however often it is asked', async () => {
      const first = await dir.ensureDefaultOrg();
      const second = await dir.ensureDefaultOrg();
      expect(first).toMatchObject({ id: 'default', name: '本单位', kind: 'other', leaders: [] });
      expect(second).toEqual(first);
      expect(await dir.history('default')).toHaveLength(1);
    });

    it('refuses an id in use with 409, leaving the first organisation as it was', async () => {
      const err = await refusal(dir.createOrg({ id: 'qx-no1', name: '另一所学校', kind: 'school' }, 'admin'));
      expect(err).toBeInstanceOf(AlreadyExistsError);
      expect((await dir.getOrg('qx-no1'))?.name).toBe('青溪一中');
    });

    it('takes a parent only if it exists and is a bureau, and lists a bureau’s schools', async () => {
      const missing = await refusal(dir.createOrg({ id: 'qx-no2', name: '青溪二中', kind: 'school', parent: 'nowhere' }, 'admin'));
      expect(missing).toBeInstanceOf(InvalidInputError);
      expect((missing as InvalidInputError).problems).toEqual([
        { path: 'parent', message: '没有组织 nowhere / there is no organisation nowhere' },
      ]);
      const school = await refusal(dir.createOrg({ id: 'qx-no2', name: '青溪二中', kind: 'school', parent: 'qx-no1' }, 'admin'));
      expect((school as InvalidInputError).problems[0]!.message).toMatch(/^上级组织须为教育局：青溪一中（qx-no1）是学校/);
      expect(await dir.getOrg('qx-no2')).toBeNull();

      await dir.createOrg({ id: 'qx-no2', name: '青溪二中', kind: 'school', parent: 'qx-bureau' }, 'admin');
      expect((await dir.childOrgs('qx-bureau')).map((o) => o.id)).toEqual(['qx-no1', 'qx-no2']);
      expect((await dir.listOrgs()).map((o) => o.id)).toEqual(['qx-bureau', 'qx-no1', 'qx-no2']);
    });

    it('names as leaders only active people of the organisation itself', async () => {
      await dir.putPerson({ id: 'p-wang', name: '王建国', org: 'qx-bureau', title: '局长' }, 'office:陈静');
      await dir.putPerson({ id: 'p-ma', name: '马校长', org: 'qx-no1' }, 'office:一中');
      const err = await refusal(dir.updateOrg('qx-bureau', { leaders: ['p-wang', 'p-ma', 'p-none'] }, 'admin'));
      expect((err as InvalidInputError).problems.map((p) => p.path)).toEqual(['leaders[1]', 'leaders[2]']);
      const org = await dir.updateOrg('qx-bureau', { leaders: ['p-wang'] }, 'admin');
      expect(org.leaders).toEqual(['p-wang']);
      expect((await dir.history('qx-bureau')).at(-1)).toMatchObject({
        subject: 'organisation',
        action: 'updated',
        by: 'admin',
        before: { leaders: [] },
        after: { leaders: ['p-wang'] },
      });
    });

    it('answers an unknown organisation with 404', async () => {
      expect(await refusal(dir.listPeople('nowhere'))).toBeInstanceOf(NotFoundError);
      expect(await refusal(dir.listUnits('nowhere'))).toBeInstanceOf(NotFoundError);
    });
  });

  describe('people', () => {
    it('checks contacts and the unit, naming every problem, and writes nothing', async () => {
      const err = await refusal(
        dir.putPerson(
          { id: 'p-zhao', name: '赵小红', org: 'qx-bureau', unit: 'nope', contacts: { phone: '0731-8888888', email: 'zhao@' } },
          'office:陈静',
        ),
      );
      expect(err).toBeInstanceOf(InvalidInputError);
      const problems = (err as InvalidInputError).problems;
      expect(problems.map((p) => p.path)).toEqual(['contacts.phone', 'contacts.email']);
      expect(problems[0]!.message).toContain('应为 11 位大陆手机号码');
      expect(problems[1]!.message).toContain('不是有效的邮箱地址');
      const unit = await refusal(dir.putPerson({ id: 'p-zhao', name: '赵小红', org: 'qx-bureau', unit: 'nope' }, 'office:陈静'));
      expect((unit as InvalidInputError).problems.map((p) => p.path)).toEqual(['unit']);
      expect(await dir.getPerson('p-zhao')).toBeNull();
    });

    it('keeps a phone number as its digits, whatever the address book wrote between them', async () => {
      const p = await dir.putPerson(
        { id: 'p-zhao', name: '赵小红', org: 'qx-bureau', unit: 'jjb', contacts: { phone: '138 0013-8000', dingtalk: 'zhaoxh' } },
        'office:陈静',
      );
      expect(p.contacts).toEqual({ phone: '13800138000', dingtalk: 'zhaoxh' });
      expect(await dir.getPerson('p-zhao')).toEqual(p);
    });

    it('keeps one identity per id server-wide: another organisation takes it only by transfer', async () => {
      await dir.putPerson({ id: 'p-ma', name: '马丽', org: 'qx-no1', title: '教师' }, 'office:一中');
      const taken = await refusal(dir.putPerson({ id: 'p-ma', name: '马丽', org: 'qx-bureau' }, 'office:陈静'));
      expect(taken).toBeInstanceOf(RefusedError);
      expect((taken as RefusedError).text.zh).toContain('已属于青溪一中');
      expect((await dir.getPerson('p-ma'))?.org).toBe('qx-no1');

      clock += 60_000;
      await dir.putPerson({ id: 'p-ma', name: '马丽', org: 'qx-bureau', unit: 'jjb' }, 'admin', { transfer: true });
      expect((await dir.listPeople('qx-no1')).map((p) => p.id)).toEqual([]);
      expect((await dir.listPeople('qx-bureau')).map((p) => p.id)).toEqual(['p-ma']);
      expect((await dir.history('qx-no1')).at(-1)).toMatchObject({ action: 'transferred-out', id: 'p-ma', after: { org: 'qx-bureau' } });
      expect((await dir.history('qx-bureau')).at(-1)).toMatchObject({ action: 'transferred-in', id: 'p-ma', before: { org: 'qx-no1' } });
    });

    it('deactivates a person who left instead of deleting them, once they hold no role', async () => {
      await dir.putPerson({ id: 'p-zhang', name: '张华', org: 'qx-bureau', unit: 'jjb' }, 'office:陈静');
      await dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育办公室', head: 'p-zhang' }, 'office:陈静');
      const held = await refusal(dir.deactivatePerson('p-zhang', 'office:陈静'));
      expect(held).toBeInstanceOf(RefusedError);
      expect((held as RefusedError).text.zh).toBe('张华（p-zhang）仍是基础教育办公室的负责人：请先把这些职务交给新的人员，再停用或调出');

      await dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育办公室' }, 'office:陈静');
      const gone = await dir.deactivatePerson('p-zhang', 'office:陈静');
      expect(gone.active).toBe(false);
      expect(await dir.getPerson('p-zhang')).toMatchObject({ name: '张华', active: false });
      expect((await dir.listPeople('qx-bureau')).map((p) => [p.id, p.active])).toEqual([['p-zhang', false]]);
      // A deactivated person is no unit's head and no leader.
      const head = await refusal(dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育办公室', head: 'p-zhang' }, 'office:陈静'));
      expect((head as InvalidInputError).problems[0]!.message).toContain('已停用');
      // Deactivating twice changes nothing; putting them back reactivates.
      await dir.deactivatePerson('p-zhang', 'office:陈静');
      await dir.putPerson({ id: 'p-zhang', name: '张华', org: 'qx-bureau', active: true }, 'office:陈静');
      expect((await dir.history('qx-bureau')).filter((e) => e.id === 'p-zhang').map((e) => e.action)).toEqual([
        'created',
        'deactivated',
        'reactivated',
      ]);
    });

    it('shows in the change log who headed a unit when, and who changed it', async () => {
      await dir.putPerson({ id: 'p-zhang', name: '张华', org: 'qx-bureau', unit: 'jjb' }, 'office:陈静');
      await dir.putPerson({ id: 'p-zhao', name: '赵小红', org: 'qx-bureau', unit: 'jjb' }, 'office:陈静');
      clock = Date.parse('2026-03-02T08:00:00Z');
      await dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育办公室', head: 'p-zhang' }, 'office:陈静');
      clock = Date.parse('2026-09-01T08:00:00Z');
      await dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育办公室', head: 'p-zhao' }, 'office:周敏');
      // The same again is no change and no entry.
      await dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育办公室', head: 'p-zhao' }, 'office:周敏');

      expect(await dir.unitHeads('qx-bureau', 'jjb')).toEqual([
        { head: null, from: '2026-03-01T08:00:00.000Z', until: '2026-03-02T08:00:00.000Z', by: 'office:陈静' },
        { head: 'p-zhang', from: '2026-03-02T08:00:00.000Z', until: '2026-09-01T08:00:00.000Z', by: 'office:陈静' },
        { head: 'p-zhao', from: '2026-09-01T08:00:00.000Z', until: null, by: 'office:周敏' },
      ]);
      expect((await dir.history('qx-bureau')).at(-1)).toEqual({
        at: '2026-09-01T08:00:00.000Z',
        by: 'office:周敏',
        subject: 'unit',
        id: 'jjb',
        action: 'updated',
        before: { id: 'jjb', name: '基础教育办公室', kind: 'department', head: 'p-zhang' },
        after: { id: 'jjb', name: '基础教育办公室', kind: 'department', head: 'p-zhao' },
      });
    });

    it('refuses a head from another organisation', async () => {
      await dir.putPerson({ id: 'p-ma', name: '马丽', org: 'qx-no1' }, 'office:一中');
      const err = await refusal(dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育办公室', head: 'p-ma' }, 'office:陈静'));
      expect((err as InvalidInputError).problems).toEqual([
        { path: 'head', message: 'head: 马丽（p-ma）不是本组织的人员 / p-ma is not a person of this organisation' },
      ]);
    });
  });

  describe('importing an address book', () => {
    it('writes no one when any row is wrong, and names each bad row', async () => {
      const err = await refusal(
        dir.bulkPut(
          'qx-bureau',
          [
            { name: '赵小红', unit: '基础教育办公室', contacts: { phone: '13800138001' } },
            { name: '钱多多', contacts: { phone: '12345' } },
            { name: '孙丽', unit: '教研中心' },
            { name: '' },
          ],
          'office:陈静',
        ),
      );
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).text.zh).toBe('通讯录有 3 处问题，未导入任何人员');
      expect((err as InvalidInputError).problems.map((p) => p.path)).toEqual([
        'people[1].contacts.phone',
        'people[2].unit',
        'people[3].name',
      ]);
      expect((err as InvalidInputError).problems[1]).toEqual({
        path: 'people[2].unit',
        message: 'people[2].unit: 本组织没有科室「教研中心」：请先添加该科室 / the organisation has no unit "教研中心": add it first',
      });
      expect(await dir.listPeople('qx-bureau')).toEqual([]);
      expect(await dir.history('qx-bureau')).toHaveLength(2);
    });

    it('registers new people with fresh ids, then updates them by name without wiping what a row leaves empty', async () => {
      const first = await dir.bulkPut(
        'qx-bureau',
        [
          { name: '赵小红', title: '干事', unit: '基础教育办公室', contacts: { phone: '13800138001' } },
          { id: 'p-sun', name: '孙丽', unit: 'jjb', contacts: { email: 'sunli@qx.edu.cn' } },
        ],
        'office:陈静',
      );
      expect(first.rows).toEqual([
        { id: 'qx-bureau-1', outcome: 'created' },
        { id: 'p-sun', outcome: 'created' },
      ]);
      const again = await dir.bulkPut('qx-bureau', [{ name: '赵小红', contacts: { email: 'zhao@qx.edu.cn' } }], 'office:陈静');
      expect(again.rows).toEqual([{ id: 'qx-bureau-1', outcome: 'updated' }]);
      expect(await dir.getPerson('qx-bureau-1')).toEqual({
        id: 'qx-bureau-1',
        name: '赵小红',
        org: 'qx-bureau',
        unit: 'jjb',
        title: '干事',
        contacts: { phone: '13800138001', email: 'zhao@qx.edu.cn' },
        active: true,
      });
      const same = await dir.bulkPut('qx-bureau', [{ name: '赵小红' }], 'office:陈静');
      expect(same.rows).toEqual([{ id: 'qx-bureau-1', outcome: 'unchanged' }]);
      expect((await dir.history('qx-bureau')).filter((e) => e.subject === 'person').map((e) => [e.id, e.action, e.source])).toEqual([
        ['qx-bureau-1', 'created', 'import'],
        ['p-sun', 'created', 'import'],
        ['qx-bureau-1', 'updated', 'import'],
      ]);
    });

    it('asks for the id when two people of the organisation share a name, and never moves someone of another', async () => {
      await dir.putPerson({ id: 'p-wangwei-1', name: '王伟', org: 'qx-bureau' }, 'office:陈静');
      await dir.putPerson({ id: 'p-wangwei-2', name: '王伟', org: 'qx-bureau' }, 'office:陈静');
      await dir.putPerson({ id: 'p-ma', name: '马丽', org: 'qx-no1' }, 'office:一中');
      const err = await refusal(
        dir.bulkPut(
          'qx-bureau',
          [
            { name: '王伟', contacts: { phone: '13900000000' } },
            { id: 'p-ma', name: '马丽' },
          ],
          'office:陈静',
        ),
      );
      expect((err as InvalidInputError).problems.map((p) => p.path)).toEqual(['people[0].name', 'people[1].id']);
      expect((err as InvalidInputError).problems[0]!.message).toContain('本组织有 2 位「王伟」（p-wangwei-1、p-wangwei-2）');
      expect((await dir.getPerson('p-ma'))?.org).toBe('qx-no1');
    });
  });
});
