/**
 * Plans against the directory: a plan that misspells a directory person is told so
 * at the person's path; a bureau plan may name a school's principal; the people and
 * units the directory lacks are registered in the plan's organisation; plans stored
 * before the directory are adopted deterministically, twice changing nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlanDefinitionShape, type PlanDefinition } from '../../src/domain/plan.schema.js';
import { Directory } from '../../src/directory/store.js';
import { InvalidInputError } from '../../src/errors.js';
import { keysFor } from '../../src/store/keys.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testPrefix, testRuntime } from '../helpers/runtime.js';

const plan = (edit: (def: PlanDefinition) => void = () => undefined, id = 'qx-2026'): PlanDefinition => {
  const def = PlanDefinitionShape.parse(fixturePlan({ id, start: Date.parse('2026-03-01T00:00:00Z') }));
  edit(def);
  return def;
};
const index = (def: PlanDefinition, id: string) => def.people.findIndex((p) => p.id === id);

describe('plans and the directory', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let dir: Directory;

  beforeAll(async () => {
    rt = await testRuntime();
  });
  afterAll(() => rt?.close());
  beforeEach(async () => {
    dir = new Directory(rt.redis, keysFor(testPrefix()));
    await dir.createOrg({ id: 'qx-bureau', name: '青溪区教育局', kind: 'bureau' }, 'admin');
    await dir.createOrg({ id: 'qx-no1', name: '青溪一中', kind: 'school', parent: 'qx-bureau' }, 'admin');
  });

  describe('matching a plan', () => {
    it('registers what the directory lacks, in the plan’s organisation, with the plan’s units, titles and contacts', async () => {
      const def = plan((d) => {
        d.people[index(d, 'p-zhang')]!.contacts = { phone: '13800138000', email: 'zhang@qx.edu.cn' };
      });
      const match = await dir.matchPlan(def, 'qx-bureau');
      expect(match.problems).toEqual([]);
      expect(match.additions.units.map((u) => [u.id, u.head])).toEqual([
        ['jjb', 'p-zhang'],
        ['rsg', 'p-liu'],
        ['jyzx', 'p-sun'],
        ['bgs', 'p-chen'],
      ]);
      expect(match.additions.people.find((p) => p.id === 'p-zhang')).toEqual({
        id: 'p-zhang',
        name: '张华',
        org: 'qx-bureau',
        unit: 'jjb',
        title: '基教办主任',
        contacts: { phone: '13800138000', email: 'zhang@qx.edu.cn' },
        active: true,
      });
      // The fixture's 000-0000 is no mobile number: the person is registered without it, and the plan is told.
      expect(match.notCarried.map((p) => p.path)).toEqual([`people[${index(def, 'p-wang')}].contacts.phone`]);
      expect(match.additions.people.find((p) => p.id === 'p-wang')?.contacts).toEqual({});

      expect(await dir.registerPlan(match, 'office:陈静')).toEqual({
        units: ['jjb', 'rsg', 'jyzx', 'bgs'],
        people: def.people.map((p) => p.id),
      });
      expect((await dir.listUnits('qx-bureau')).find((u) => u.id === 'jjb')?.head).toBe('p-zhang');
      expect((await dir.history('qx-bureau')).at(-1)).toMatchObject({ by: 'office:陈静', source: 'plan:qx-2026', action: 'created' });
      // Matched again, the plan is the directory's: nothing to add, nothing written.
      const again = await dir.matchPlan(def, 'qx-bureau');
      expect(again.additions).toEqual({ units: [], people: [] });
      expect(await dir.registerPlan(again, 'office:陈静')).toEqual({ units: [], people: [] });
    });

    it('names each person and unit written differently from the directory, at its path, and registers nothing', async () => {
      await dir.putUnit('qx-bureau', { id: 'jjb', name: '基础教育股' }, 'office:陈静');
      await dir.putPerson({ id: 'p-zhang', name: '张华', org: 'qx-bureau', unit: 'jjb' }, 'office:陈静');
      await dir.putPerson({ id: 'p-zhao', name: '赵晓红', org: 'qx-bureau', unit: 'jjb' }, 'office:陈静');
      const def = plan();
      const match = await dir.matchPlan(def, 'qx-bureau');
      const i = index(def, 'p-zhao');
      expect(match.problems).toEqual([
        {
          path: 'units[0].name',
          message:
            'units[0].name: 目录中科室 jjb 是「基础教育股」，方案中写作「基础教育办公室」：请改用目录中的名称；如是另一个科室，请用 ref 写明其编号' +
            ' / in the directory unit jjb is "基础教育股", the plan writes "基础教育办公室": use the directory\'s name, or for another unit set ref to its id',
        },
        {
          path: `people[${i}].name`,
          message:
            `people[${i}].name: 目录中 p-zhao 是 赵晓红，方案中写作 赵小红：请改用目录中的姓名；如是另一个人，请用 ref 写明其在目录中的编号` +
            ` / in the directory p-zhao is 赵晓红, the plan writes 赵小红: use the directory's name, or for someone else set ref to their directory id`,
        },
      ]);
      const err = await dir.registerPlan(match, 'office:陈静').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((await dir.listPeople('qx-bureau')).map((p) => p.id)).toEqual(['p-zhang', 'p-zhao']);
    });

    it('lets a bureau plan name a school’s principal by ref, registering no one twice', async () => {
      await dir.putPerson({ id: 'ma-li', name: '马丽', org: 'qx-no1', title: '校长' }, 'office:一中');
      const def = plan((d) => {
        d.people.push({ id: 'p-ma', ref: 'ma-li', name: '马丽', title: '一中校长' });
        d.units.push({ id: 'no1', name: '青溪一中', kind: 'school', head: 'p-ma' });
      });
      const match = await dir.matchPlan(def, 'qx-bureau');
      expect(match.problems).toEqual([]);
      expect(match.people['p-ma']).toBe('ma-li');
      expect(match.additions.people.map((p) => p.id)).not.toContain('ma-li');
      expect(match.additions.people.map((p) => p.id)).not.toContain('p-ma');
      // The school's principal stays in their school: the bureau's unit for it has no head in the bureau.
      expect(match.additions.units.find((u) => u.id === 'no1')).toEqual({ id: 'no1', name: '青溪一中', kind: 'school' });
      await dir.registerPlan(match, 'office:陈静');
      expect((await dir.getPerson('ma-li'))?.org).toBe('qx-no1');
    });

    it('says so when the plan’s organisation does not exist', async () => {
      const match = await dir.matchPlan(plan(), 'nowhere');
      expect(match.problems).toEqual([
        { path: 'organisation', message: 'organisation: 没有组织 nowhere / there is no organisation nowhere' },
      ]);
    });
  });

  describe('adopting plans stored before the directory', () => {
    it('registers each person once; a name clash gets a fresh id; a second run changes nothing', async () => {
      await dir.ensureDefaultOrg();
      // Another plan's 王建国 was p-wang already; this old plan's p-wang is someone else.
      await dir.putPerson({ id: 'p-wang', name: '王建国', org: 'default' }, 'system');
      const old = plan((d) => {
        d.people[index(d, 'p-wang')]!.name = '王敏';
      }, 'old-plan');

      const first = await dir.adoptLegacyPeople('old-plan', old, 'default');
      expect(first.people['p-wang']).toBe('p-wang-2');
      expect(first.people['p-zhang']).toBe('p-zhang');
      expect(first.units).toEqual({ jjb: 'jjb', rsg: 'rsg', jyzx: 'jyzx', bgs: 'bgs' });
      expect(first.registered.people).toContain('p-wang-2');
      expect(first.registered.people).not.toContain('p-wang');
      expect(await dir.getPerson('p-wang-2')).toMatchObject({ name: '王敏', org: 'default', title: '局长', active: true });
      expect(await dir.getPerson('p-wang')).toMatchObject({ name: '王建国' });
      expect((await dir.getUnit('default', 'jjb'))?.head).toBe('p-zhang');
      expect((await dir.history('default')).at(-1)).toMatchObject({ by: 'system', source: 'migration:old-plan' });

      const log = await dir.history('default');
      const second = await dir.adoptLegacyPeople('old-plan', old, 'default');
      expect(second.people).toEqual(first.people);
      expect(second.units).toEqual(first.units);
      expect(second.registered).toEqual({ units: [], people: [] });
      expect(await dir.history('default')).toEqual(log);

      // Another old plan with the same people under the same names: the same identities.
      const other = await dir.adoptLegacyPeople('other-plan', plan(undefined, 'other-plan'), 'default');
      expect(other.people['p-wang']).toBe('p-wang');
      expect(other.people['p-zhang']).toBe('p-zhang');
      expect(other.registered).toEqual({ units: [], people: [] });
    });

    it('keeps the plan’s ref when the migration runs after the ref was written', async () => {
      await dir.ensureDefaultOrg();
      await dir.putPerson({ id: 'p-wang', name: '王建国', org: 'default' }, 'system');
      const old = plan((d) => {
        d.people[index(d, 'p-wang')]!.name = '王敏';
      }, 'old-plan');
      const { people } = await dir.adoptLegacyPeople('old-plan', old, 'default');
      old.people[index(old, 'p-wang')]!.ref = people['p-wang'];
      const rerun = await dir.adoptLegacyPeople('old-plan', old, 'default');
      expect(rerun.people['p-wang']).toBe('p-wang-2');
      expect(rerun.registered).toEqual({ units: [], people: [] });
    });
  });
});
