/**
 * `duban reassign`: personnel changes (人员调整) from the command line, through a
 * running server's API like `duban apply`. Asks for one change (applied now, or from
 * `--effective`), lists a plan's changes (`--list`) or cancels a pending one (`--cancel`).
 */
import { parseArgs } from 'node:util';
import { apiClient, CliError, command } from './command.js';

interface Answer {
  error?: { message: string; message_en: string; problems?: { path: string; message: string }[] };
  applied?: boolean;
  change?: Listed;
  changes?: Listed[];
  diff?: { handovers: { task: string; role: string; from: string; to: string }[] };
}

interface Listed {
  id: string;
  status: string;
  text: { zh: string; en: string };
}

const USAGE =
  'duban reassign PLAN --role ROLE --to P --reason R [--unit U] [--task T] [--from P] [--effective DATE] [--name N [--title T] [--person-unit U]] | --list | --cancel ID';

const HELP = `  更换某一角色的人员，立即生效或自某日起生效；列出或撤销人员调整。 / Replaces the holder of a role, now or from a date; lists or cancels personnel changes.
  --role ROLE        unitHead（需 --unit）、responsiblePerson / responsibleLeader（需 --task，或 --from：替换其全部未完成任务）、
                     groupLeader、groupDeputy / groupMember（需 --from）、officeDirector
                     unitHead (needs --unit), responsiblePerson / responsibleLeader (need --task, or --from: on all their open tasks),
                     groupLeader, groupDeputy / groupMember (need --from), officeDirector
  --to P             接任者的人员编号 / the new holder's person id
  --from P           被替换者（可选，用于核对） / whom it replaces (optional where the role has one holder: then it is checked)
  --unit U / --task T  单位或任务编号 / the unit or task
  --effective DATE   生效日期（如 2027-03-01），缺省或已过则立即生效 / from when (e.g. 2027-03-01); absent or past: now
  --reason R         原因（必填） / why (required)
  --name N           接任者不在方案中时，其姓名（及 --title 职务、--person-unit 单位） / a new person's name (with --title, --person-unit)
  --list             列出本方案的人员调整 / list the plan's personnel changes
  --cancel ID        撤销一项待生效的调整 / cancel a pending change
  --server URL       服务器地址 / server (default DUBAN_SERVER or http://127.0.0.1:3000)
  --token T          办公室令牌 / an office token (default DUBAN_TOKEN)`;

async function run(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        role: { type: 'string' },
        to: { type: 'string' },
        from: { type: 'string' },
        unit: { type: 'string' },
        task: { type: 'string' },
        effective: { type: 'string' },
        reason: { type: 'string' },
        name: { type: 'string' },
        title: { type: 'string' },
        'person-unit': { type: 'string' },
        list: { type: 'boolean' },
        cancel: { type: 'string' },
        server: { type: 'string' },
        token: { type: 'string' },
      },
    });
  } catch (err) {
    throw new CliError(`参数有误 / bad arguments: ${(err as Error).message}`);
  }
  const { values: v, positionals } = parsed;
  const plan = positionals[0];
  if (!plan) throw new CliError('缺少方案编号 / missing the plan id (PLAN)');
  const api = apiClient({ server: v.server, token: v.token });
  const base = `/plans/${encodeURIComponent(plan)}/personnel-changes`;
  const call = (method: string, path: string, body?: unknown) => api<Answer>(method, path, body);
  const line = (c: Listed) => `  ${c.id}  ${c.text.zh}\n  ${' '.repeat(c.id.length)}  ${c.text.en}`;

  if (v.list) {
    const { changes = [] } = await call('GET', base);
    console.log(changes.length === 0 ? '（没有人员调整 / no personnel changes）' : changes.map(line).join('\n'));
    return;
  }
  if (v.cancel !== undefined) {
    const { change } = await call('DELETE', `${base}/${encodeURIComponent(v.cancel)}`);
    console.log(`✓ 已撤销 / cancelled\n${line(change!)}`);
    return;
  }
  const missing = (['role', 'to', 'reason'] as const).filter((k) => v[k] === undefined);
  if (missing.length > 0) throw new CliError(`缺少 / missing: ${missing.map((k) => `--${k}`).join(' ')}`);
  if (v.name === undefined && (v.title !== undefined || v['person-unit'] !== undefined))
    throw new CliError('--title 和 --person-unit 需与 --name 一起使用 / --title and --person-unit go with --name');
  const body = {
    role: v.role,
    to: v.to,
    reason: v.reason,
    ...(v.from !== undefined ? { from: v.from } : {}),
    ...(v.unit !== undefined ? { unit: v.unit } : {}),
    ...(v.task !== undefined ? { task: v.task } : {}),
    ...(v.effective !== undefined ? { effective: v.effective } : {}),
    ...(v.name !== undefined
      ? {
          person: {
            name: v.name,
            ...(v.title !== undefined ? { title: v.title } : {}),
            ...(v['person-unit'] !== undefined ? { unit: v['person-unit'] } : {}),
          },
        }
      : {}),
  };
  const answer = await call('POST', base, body);
  console.log(`${answer.applied ? '✓ 已生效 / applied' : '✓ 已登记，到期生效 / scheduled'}\n${line(answer.change!)}`);
  for (const h of answer.diff?.handovers ?? []) console.log(`  ~ ${h.task} ${h.role}: ${h.from} → ${h.to}`);
}

export const reassignCommand = command('reassign', USAGE, HELP, run);
