/**
 * Plan-file commands: validate, apply, import, simulate. Each prints what is wrong
 * in one line (Chinese / English) and exits non-zero on failure.
 */
import { taskDefinitionOf } from '../domain/children.js';
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config.js';
import { apiClient, CliError, command } from './command.js';
import type { PlanDiff } from '../engine/amend.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { resolvePlanDate } from '../domain/time.js';
import { formatReport, importPlanDocuments, readDocument, writePlanYaml } from '../importer/index.js';
import { formatProblems, readPlanFile } from '../plan-files/index.js';
import { formatIcs, formatJson, formatTable } from '../simulate/format.js';
import { actionsFor, simulate, type Lateness } from '../simulate/simulate.js';

/** A command beside start/api/worker: its name, one usage line, and a run that returns the exit code. */
export type { CliCommand } from './command.js';

/** Prints `label…` on stderr only if `work` takes longer than a moment. */
async function withProgress<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  const timer = setTimeout(() => process.stderr.write(`${label}…\n`), 400);
  try {
    return await work();
  } finally {
    clearTimeout(timer);
  }
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function args(argv: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`参数有误 / bad arguments: ${(err as Error).message}`);
  }
}

async function loadPlan(file: string | undefined): Promise<PlanDefinition> {
  if (!file) throw new CliError('缺少方案文件 / missing the plan file (FILE)');
  const result = await withProgress(`读取 / reading ${file}`, () => readPlanFile(file));
  if (!result.ok) {
    console.error(formatProblems(result.problems, { lang: 'both' }));
    throw new CliError(`${file}: 方案有 ${result.problems.length} 处问题 / the plan has ${result.problems.length} problem(s)`);
  }
  return result.plan;
}

export const validateCommand = command(
  'validate',
  'duban validate FILE',
  '  检查方案文件（YAML 或 JSON），逐条列出问题及其行号。 / Checks a plan file (YAML or JSON) and lists every problem with its line.',
  async (argv) => {
    const { positionals } = args(argv, {});
    const plan = await loadPlan(positionals[0]);
    console.log(
      `✓ ${positionals[0]}: 方案「${plan.title}」有效，${plan.tasks.length} 项任务 / plan "${plan.id}" is valid, ${plan.tasks.length} tasks`,
    );
  },
);

/** A diff of an amendment as the office reads it. */
function describeDiff(diff: PlanDiff): string[] {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const lines: string[] = [];
  for (const id of diff.tasksAdded) lines.push(`  + 新增任务 / new task ${id}`);
  for (const d of diff.deadlines) lines.push(`  ~ ${d.task} 完成时限 / deadline ${day(d.from)} → ${day(d.to)}`);
  for (const h of diff.handovers) lines.push(`  ~ ${h.task} ${h.role}: ${h.from} → ${h.to}`);
  for (const id of diff.tasksEdited) lines.push(`  ~ ${id} 内容修改 / edited`);
  for (const p of diff.phasesMoved) lines.push(`  ~ 阶段日期 / phase boundary ${p}`);
  if (diff.policyChanged)
    lines.push(
      `  ~ 督办规则 / escalation policy${diff.policyMigrated ? '（运行中的任务一并改用 / running ladders move too）' : '（运行中的任务沿用原规则 / running ladders keep theirs）'}`,
    );
  if (diff.leadershipChanged) lines.push('  ~ 领导小组 / leadership group');
  if (diff.peopleChanged) lines.push('  ~ 人员 / people');
  if (diff.unitsChanged) lines.push('  ~ 单位 / units');
  return lines.length > 0 ? lines : ['  （无变化 / no change）'];
}

export const applyCommand = command(
  'apply',
  'duban apply FILE [--server URL] [--token T] [--publish] [--reason R] [--dry-run] [--migrate-policy]',
  `  在运行中的服务器上创建方案、更新草案，或修订已发布的方案（显示差异）。 / Creates the plan on a running server, updates its draft, or amends it once published (showing the diff).
  --server URL      服务器地址 / server (default DUBAN_SERVER or http://127.0.0.1:3000)
  --token T         办公室或管理员令牌 / an office or admin token (default DUBAN_TOKEN)
  --publish         创建后立即发布 / publish right after creating
  --reason R        修订理由（修订已发布方案时必填） / why (required to amend a published plan)
  --dry-run         只显示差异，不作更改 / show the diff only
  --migrate-policy  运行中的任务也改用新的督办规则 / move running ladders to the new policy too`,
  async (argv) => {
    const { values, positionals } = args(argv, {
      server: { type: 'string' },
      token: { type: 'string' },
      publish: { type: 'boolean' },
      reason: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'migrate-policy': { type: 'boolean' },
    });
    const plan = await loadPlan(positionals[0]);
    const config = loadConfig();
    const server = String(values.server ?? config.DUBAN_SERVER).replace(/\/$/, '');
    const token = (values.token as string | undefined) ?? config.DUBAN_TOKEN;
    if (!token) throw new CliError('缺少令牌：用 --token 或 DUBAN_TOKEN / no token: pass --token or set DUBAN_TOKEN');
    type Answer = {
      error?: { message: string; message_en: string; problems?: { path: string; message: string }[] };
      stage?: string;
      diff?: PlanDiff;
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).catch((err: unknown) => {
        throw new CliError(`无法连接服务器 / cannot reach ${server}: ${(err as Error).message}`);
      });
      return { status: res.status, json: (await res.json().catch(() => ({}))) as Answer };
    };
    const failed = (res: { status: number; json: Answer }) => {
      for (const p of res.json.error?.problems ?? []) console.error(`  ${p.path}: ${p.message}`);
      return new CliError(`${res.status}: ${res.json.error?.message ?? ''} / ${res.json.error?.message_en ?? 'failed'}`);
    };
    const current = await call('GET', `/plans/${plan.id}`);
    const exists = current.status === 200;
    if (exists && current.json.stage !== 'draft') {
      const reason = values.reason as string | undefined;
      if (!reason) throw new CliError('修订已发布的方案须用 --reason 说明理由 / amending a published plan needs --reason');
      const dryRun = values['dry-run'] === true;
      const res = await call('POST', `/plans/${plan.id}/amendments`, {
        plan,
        reason,
        dryRun,
        migratePolicy: values['migrate-policy'] === true,
      });
      if (res.status >= 300) throw failed(res);
      console.log(`${dryRun ? '修订预览（未作更改） / amendment preview (nothing changed)' : '✓ 已修订 / amended'}：${plan.id}`);
      for (const line of describeDiff(res.json.diff!)) console.log(line);
      return;
    }
    const res = exists
      ? await call('PUT', `/plans/${plan.id}`, plan)
      : await call('POST', `/plans${values.publish ? '?publish=true' : ''}`, plan);
    if (res.status >= 300) throw failed(res);
    if (exists && values.publish) {
      const published = await call('POST', `/plans/${plan.id}/events`, { type: 'plan.publish' });
      if (published.status >= 300) throw failed(published);
    }
    console.log(
      `✓ ${exists ? '已更新草案 / draft updated' : '已创建 / created'}：${plan.id}${values.publish ? '，已发布 / published' : ''}`,
    );
  },
);

/** `-o DIR/` or an existing folder: one draft and one report per plan go there. */
async function isFolder(out: string): Promise<boolean> {
  if (/[\\/]$/.test(out)) return true;
  return stat(out).then(
    (st) => st.isDirectory(),
    () => false,
  );
}

const countLine = (tasks: number, items: number) => `${tasks} 项任务，${items} 条报告 / ${tasks} tasks, ${items} report items`;

export const importCommand = command(
  'import',
  'duban import DOC [--year YYYY] [-o plan.yaml | -o DIR/]',
  `  从 .txt / .md / .docx 方案文档生成方案草稿和问题报告。 / Drafts a plan file from a .txt, .md or .docx plan document, with a report of what could not be resolved.
  --year YYYY    未写年份的日期所属年份 / the year for dates written without one
  -o FILE        写入草稿 / write the draft here (default: standard output)
  -o DIR/        文档含多个方案时，每个方案在此目录写一份草稿（方案编号.yaml）和一份报告（方案编号.report.txt）
                 / one draft (ID.yaml) and one report (ID.report.txt) per plan of the document, in this folder`,
  async (argv) => {
    const { values, positionals } = args(argv, { year: { type: 'string' }, out: { type: 'string', short: 'o' } });
    const doc = positionals[0];
    if (!doc) throw new CliError('缺少文档 / missing the document (DOC)');
    const year = values.year === undefined ? undefined : Number(values.year);
    if (year !== undefined && !(Number.isInteger(year) && year >= 1990 && year <= 2100)) {
      throw new CliError(`--year 应为年份，如 2023 / --year must be a year such as 2023, got "${String(values.year)}"`);
    }
    const text = await withProgress(`读取 / reading ${doc}`, () => readDocument(doc)).catch((err: unknown) => {
      throw new CliError(`无法读取 / cannot read ${doc}: ${(err as Error).message}`);
    });
    const sourceName = basename(doc);
    const all = await withProgress('提取 / extracting', () =>
      importPlanDocuments(text.text, { sourceName, ...(year !== undefined ? { year } : {}) }),
    );
    if (all.drafts.length === 0) {
      // Nothing is written: the document-level items say why (an essay, a meeting notice, a site header).
      if (all.report.length > 0) console.error(formatReport(all.report, 'both'));
      throw new CliError(
        `${sourceName} 不是方案文档：没有找到方案标题、任务责任、目标指标或阶段安排，未生成草稿 / ${sourceName} is not a plan: no plan title, responsibilities, goals or phases were found; nothing was written`,
      );
    }
    const out = values.out === undefined ? undefined : String(values.out);
    const folder = out !== undefined && (await isFolder(out));
    const drafts = all.drafts.map((d) => ({ ...d, report: [...all.report, ...d.report] }));
    if (drafts.length > 1 && !folder) {
      const titles = drafts.map((d) => `「${d.plan.title}」`).join('、');
      throw new CliError(
        `${sourceName} 含 ${drafts.length} 个方案（${titles}），一个文件写不下：请用 -o 目录/ 为每个方案各写一份草稿和报告，未写入任何文件` +
          ` / ${sourceName} holds ${drafts.length} plans; give a folder (-o DIR/) for one draft and one report each. Nothing was written`,
      );
    }
    if (folder) {
      await mkdir(out, { recursive: true });
      for (const d of drafts) {
        const id = d.plan.id ?? 'plan';
        const yamlPath = join(out, `${id}.yaml`);
        const reportPath = join(out, `${id}.report.txt`);
        await writeFile(yamlPath, writePlanYaml(d.plan, d.report, { sources: d.sources, sourceName }));
        await writeFile(reportPath, `${formatReport(d.report, 'both')}\n`);
        console.error(`✓ 「${d.plan.title}」：${countLine(d.plan.tasks?.length ?? 0, d.report.length)} → ${yamlPath}, ${reportPath}`);
      }
      return;
    }
    const result = drafts[0]!;
    const yaml = writePlanYaml(result.plan, result.report, { sources: result.sources, sourceName });
    if (out !== undefined) await writeFile(out, yaml);
    else process.stdout.write(yaml);
    console.error(formatReport(result.report, 'both'));
    console.error(`✓ ${countLine(result.plan.tasks?.length ?? 0, result.report.length)}` + (out !== undefined ? ` → ${out}` : ''));
  },
);

/** TASK=DAYS pairs of a repeated flag; `never` where the flag allows it. */
function parsePairs(flag: string, items: string[], allowNever: boolean): Record<string, number | 'never'> {
  const out: Record<string, number | 'never'> = {};
  for (const item of items) {
    const m = /^([^=]+)=(never|-?\d+(\.\d+)?)$/.exec(item);
    if (!m || (m[2] === 'never' && !allowNever)) {
      throw new CliError(
        `${flag} 应为 任务=天数${allowNever ? ' 或 任务=never' : ''} / ${flag} must be TASK=DAYS${allowNever ? ' or TASK=never' : ''}, got "${item}"`,
      );
    }
    out[m[1]!] = m[2] === 'never' ? 'never' : Number(m[2]);
  }
  return out;
}

export const simulateCommand = command(
  'simulate',
  'duban simulate FILE [--from D] [--until D] [--late T=N] [--review T=N] [--extend T=N] [--return T=N] [--ack T=N] [--outage D..D] [--format table|json|ics]',
  `  不连接 Redis，在虚拟时钟上运行方案，列出每次阶段变化、提醒、验收和督办升级。 / Runs the plan on a virtual clock without Redis and prints every phase change, reminder, review and escalation.
  --from D        发布时间（默认启动阶段开始） / when the plan is published (default: the launch phase's start)
  --until D       截止时间 / stop at this date
  --late T=N      任务 T 逾期 N 天提交（T 可为 *，N 可为 never）；其余按时提交 / task T is submitted N days late (T may be *, N may be never); others on time
  --review T=N    任务 T 提交后 N 天才验收（N 可为 never） / task T's reviewer takes N days (or never)
  --extend T=N    任务 T 在时限前一周申请延期 N 天并获批准 / task T asks a week before its deadline for N more days, approved
  --return T=N    任务 T 首次提交被退回，限 N 天整改 / task T's first submission is returned with N days to rectify
  --ack T=N       任务 T 下达后 N 天才签收（N 可为 never；默认一小时内） / task T is signed for N days after issue (or never; default within the hour)
  --outage D..D   系统在这段时间停机，期间到期的定时在恢复时补发 / Duban is down over this window; timers due meanwhile run when it is back
  --format F      table（默认）| json | ics`,
  async (argv) => {
    const { values, positionals } = args(argv, {
      from: { type: 'string' },
      until: { type: 'string' },
      late: { type: 'string', multiple: true },
      review: { type: 'string', multiple: true },
      extend: { type: 'string', multiple: true },
      return: { type: 'string', multiple: true },
      ack: { type: 'string', multiple: true },
      outage: { type: 'string' },
      format: { type: 'string' },
    });
    const format = values.format ?? 'table';
    if (!['table', 'json', 'ics'].includes(String(format)))
      throw new CliError(`--format 应为 table、json 或 ics / --format must be table, json or ics, got "${String(format)}"`);
    const def = await loadPlan(positionals[0]);
    const date = (flag: string, text: string | undefined) => {
      if (text === undefined) return undefined;
      const at = resolvePlanDate(text, def.timeZone, 'start');
      if (at === null) throw new CliError(`${flag} 不是日期 / ${flag} is not a date: "${text}"`);
      return at;
    };
    const list = (name: string) => (values[name] as string[] | undefined) ?? [];
    const late = parsePairs('--late', list('late'), true);
    const review = parsePairs('--review', list('review'), true);
    const extend = parsePairs('--extend', list('extend'), false) as Record<string, number>;
    const returns = parsePairs('--return', list('return'), false) as Record<string, number>;
    for (const [flag, table] of Object.entries({
      '--late': late,
      '--review': review,
      '--extend': extend,
      '--return': returns,
      '--ack': parsePairs('--ack', list('ack'), true),
    })) {
      for (const id of Object.keys(table)) {
        // A part (t3~2027-1, t3~m1, t3~s1, t3~co-jyzx) is named like a task; a part not named follows its task.
        if (id !== '*' && !taskDefinitionOf(def, id)) throw new CliError(`${flag}: 没有任务 / no task "${id}"`);
      }
    }
    let outage: { from: number; to: number } | undefined;
    if (values.outage !== undefined) {
      const [a, b] = String(values.outage).split('..');
      const from = date('--outage', a);
      const to = date('--outage', b);
      if (from === undefined || to === undefined || to <= from) {
        throw new CliError(
          `--outage 应为 开始..结束 且结束晚于开始 / --outage must be FROM..TO with TO after FROM, got "${String(values.outage)}"`,
        );
      }
      outage = { from, to };
    }
    const publishAt = date('--from', values.from as string | undefined);
    const until = date('--until', values.until as string | undefined);
    const ack = parsePairs('--ack', list('ack'), true);
    const actions = actionsFor(def, { ack, late: late as Lateness, review, extend, returns }, publishAt);
    const timeline = await withProgress('模拟 / simulating', () =>
      simulate(def, {
        actions,
        ...(publishAt !== undefined ? { publishAt } : {}),
        ...(until !== undefined ? { until } : {}),
        ...(outage ? { outage } : {}),
      }),
    );
    if (format === 'json') console.log(formatJson(def, timeline));
    else if (format === 'ics') process.stdout.write(formatIcs(def, timeline, publishAt ?? Date.now()));
    else console.log(formatTable(def, timeline));
  },
);

interface ArchiveAnswer {
  id: string;
  title: string;
  file: string;
  sha256: string;
  size: number;
  keys: number;
  entries: number;
}

/** `path` if a file can be written there (its folder exists and can be written, and it is not a folder), else a CliError saying why. */
async function writableFile(path: string): Promise<string> {
  const refuse = (zh: string, en: string) =>
    new CliError(`--out ${path}：${zh}，方案未归档 / --out ${path}: ${en}; the plan was not archived`);
  const found = await stat(path).catch(() => null);
  if (found?.isDirectory()) throw refuse('这是一个文件夹，请给出文件名', 'is a folder, name a file');
  const folder = dirname(resolve(path));
  const dir = await stat(folder).catch(() => null);
  if (!dir?.isDirectory()) throw refuse(`文件夹 ${folder} 不存在`, `the folder ${folder} does not exist`);
  try {
    await access(folder, constants.W_OK);
    if (found) await access(path, constants.W_OK);
  } catch {
    throw refuse('没有写入权限', 'cannot be written');
  }
  return path;
}

export const archiveCommand = command(
  'archive',
  'duban archive PLAN [--server URL] [--token T] [--out FILE]',
  `  归档已结束的方案：全部记录（定义各版本、任务、留痕记录及哈希链、通知、送达记录、证据文件信息）导出为一份 JSON 文件并校验，然后从 Redis 中移除。运行中的方案不能归档。 / Archives a closed plan: its whole record (definition revisions, tasks, the hash-chained history, notices, deliveries, evidence records) is exported as one JSON document and checked, then removed from Redis. A running plan is refused.
  --server URL  服务器地址 / server (default DUBAN_SERVER or http://127.0.0.1:3000)
  --token T     本单位办公室令牌 / the office token of the plan's organisation (default DUBAN_TOKEN)
  --out FILE    同时把归档文件保存到本地 / also save the archive document here`,
  async (argv) => {
    const { values, positionals } = args(argv, { server: { type: 'string' }, token: { type: 'string' }, out: { type: 'string' } });
    const planId = positionals[0];
    if (!planId || positionals.length > 1) throw new CliError('请给出一个方案编号 / name one plan: duban archive PLAN');
    const call = apiClient({ server: values.server as string | undefined, token: values.token as string | undefined });
    // Archiving removes the plan from Redis: a place the document cannot be saved is refused before it.
    const out = values.out === undefined ? undefined : await writableFile(String(values.out));
    const record = await call<ArchiveAnswer>('POST', `/plans/${encodeURIComponent(planId)}/archive`);
    console.log(`✓ 已归档 / archived：${record.id} ${record.title}`);
    console.log(`  归档文件 / archive file：${record.file}（${record.size} 字节 / bytes，sha256 ${record.sha256}）`);
    console.log(
      `  ${record.keys} 个 Redis 键已移除，${record.entries} 条留痕记录已校验 / ${record.keys} Redis keys removed, ${record.entries} history entries verified`,
    );
    if (out) {
      const doc = await call<unknown>('GET', `/archives/${encodeURIComponent(planId)}`);
      try {
        await writeFile(out, JSON.stringify(doc, null, 1));
      } catch (err) {
        throw new CliError(
          `方案已归档，但归档文件未能保存到 ${out}：${(err as Error).message}；可从 /api/v1/archives/${planId} 下载 / the plan was archived, but the document could not be saved to ${out}: ${(err as Error).message}; download it from /api/v1/archives/${planId}`,
        );
      }
      console.log(`  已保存 / saved：${out}`);
    }
  },
  { argsRequired: true },
);
