/**
 * Directory commands: organisations and their people, on a running server through
 * the API with a token (an admin's to create organisations, an office's for its
 * people). Each prints what went wrong in Chinese then English, every problem on its
 * own line, and exits non-zero on failure.
 *
 *   duban org create ID --name 名称 --kind school --parent BUREAU
 *   duban org list
 *   duban people import FILE.csv --org ORG
 *   duban people list --org ORG
 */
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ImportResult } from '../directory/import.js';
import type { OrganisationT, PersonT } from '../directory/schema.js';
import { apiClient, CliError, command } from './command.js';

const CONNECTION = {
  server: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The text of an address book: UTF-8 (with or without a byte-order mark), or GB18030
 * — what Excel on a Chinese Windows saves as "CSV" — when it is not valid UTF-8.
 */
export function decodeAddressBook(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

const KIND_LABELS: Record<OrganisationT['kind'], string> = { bureau: '教育局', school: '学校', other: '其他' };

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function args(argv: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...CONNECTION, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`参数有误 / bad arguments: ${(err as Error).message}`);
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const orgCommand = command(
  'org',
  'duban org create ID --name 名称 --kind bureau|school|other [--parent BUREAU] | duban org list',
  `  创建或列出组织（教育局、学校）。创建须用管理员令牌。 / Creates or lists organisations (bureaus, schools); creating takes an admin token.
  --name 名称      组织名称 / the organisation's name
  --kind K         bureau（教育局）、school（学校）或 other / bureau, school or other
  --parent ID      上级教育局 / the bureau it reports to
  --server URL     服务器地址 / server (default DUBAN_SERVER or http://127.0.0.1:3000)
  --token T        令牌 / token (default DUBAN_TOKEN)`,
  async (argv) => {
    const { values, positionals } = args(argv, { name: { type: 'string' }, kind: { type: 'string' }, parent: { type: 'string' } });
    const api = apiClient({ server: text(values.server), token: text(values.token) });
    const [action, id] = positionals;
    if (action === 'list') {
      const { organisations } = await api<{ organisations: OrganisationT[] }>('GET', '/organisations');
      if (organisations.length === 0) console.log('（没有可查看的组织 / no organisations you may see）');
      for (const o of organisations) {
        console.log([o.id, o.name, KIND_LABELS[o.kind], o.parent ? `上级 / parent: ${o.parent}` : ''].join('\t').trimEnd());
      }
      return;
    }
    if (action !== 'create') throw new CliError(`未知操作 / unknown action: ${action ?? ''}（create 或 list / create or list）`);
    if (!id) throw new CliError('缺少组织编号 / missing the organisation id (ID)');
    const name = text(values.name);
    const kind = text(values.kind);
    const parent = text(values.parent);
    const body = { id, name, kind, ...(parent !== undefined ? { parent } : {}) };
    const { organisation } = await api<{ organisation: OrganisationT }>('POST', '/organisations', body);
    console.log(`✓ 已创建组织 / created: ${organisation.id} ${organisation.name}（${KIND_LABELS[organisation.kind]}）`);
  },
  { argsRequired: true },
);

export const peopleCommand = command(
  'people',
  'duban people import FILE.csv --org ORG | duban people list --org ORG',
  `  导入通讯录或列出组织的人员。须用该组织办公室的令牌。 / Imports an address book into an organisation, or lists its people; takes that organisation's office token.
  通讯录为 CSV（UTF-8 或 Excel 的 GBK），表头可用：姓名、职务、单位（科室）、手机、邮箱、编号、微信、钉钉、企业微信、飞书。
  任何一行有误则一人也不导入，并逐行列出问题。 / Any bad row and no one is imported; every problem is listed with its line.
  --org ORG        组织编号 / the organisation's id
  --server URL     服务器地址 / server (default DUBAN_SERVER or http://127.0.0.1:3000)
  --token T        令牌 / token (default DUBAN_TOKEN)`,
  async (argv) => {
    const { values, positionals } = args(argv, { org: { type: 'string' } });
    const org = text(values.org);
    if (!org) throw new CliError('缺少 --org：哪个组织？ / missing --org: which organisation?');
    const api = apiClient({ server: text(values.server), token: text(values.token) });
    const base = `/organisations/${encodeURIComponent(org)}/people`;
    const [action, file] = positionals;
    if (action === 'list') {
      const { people } = await api<{ people: (Partial<PersonT> & { id: string; name: string; active: boolean })[] }>('GET', base);
      if (people.length === 0) console.log('（没有人员 / no people）');
      for (const p of people) {
        const cells = [p.id, p.name, p.title ?? '', p.unit ?? '', p.contacts?.phone ?? '', p.active ? '' : '已停用 / deactivated'];
        console.log(cells.join('\t').trimEnd());
      }
      return;
    }
    if (action !== 'import') throw new CliError(`未知操作 / unknown action: ${action ?? ''}（import 或 list / import or list）`);
    if (!file) throw new CliError('缺少通讯录文件 / missing the address book (FILE.csv)');
    const bytes = await readFile(file).catch((err: unknown) => {
      throw new CliError(`无法读取 / cannot read ${file}: ${(err as Error).message}`);
    });
    const result = await api<ImportResult & { ignoredColumns: string[] }>('POST', `${base}/import`, { csv: decodeAddressBook(bytes) });
    const count = (outcome: string) => result.rows.filter((r) => r.outcome === outcome).length;
    console.log(
      `✓ 已导入 ${result.rows.length} 人：新增 ${count('created')}，更新 ${count('updated')}，未变 ${count('unchanged')}` +
        ` / imported ${result.rows.length}: ${count('created')} new, ${count('updated')} updated, ${count('unchanged')} unchanged`,
    );
    if (result.ignoredColumns.length > 0) {
      console.log(`  未导入的列 / columns not kept: ${result.ignoredColumns.join('、')}`);
    }
  },
  { argsRequired: true },
);
