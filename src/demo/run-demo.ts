/**
 * Runs the demo plan end to end on a live runtime: creates and publishes it, gives
 * each person an account (login = their id, a password made up for this run, set the
 * way a person sets theirs: through a one-time link), plays the story through the
 * real HTTP API with API tokens, and prints every phase change, reminder and rung as
 * it lands.
 */
import { randomBytes } from 'node:crypto';
import { accountIdOf } from '../auth/accounts.js';
import { authOf } from '../auth/index.js';
import { eventText } from '../domain/task-commands.js';
import { PHASE_TEXT } from '../domain/notices.js';
import { formatPlanTime } from '../domain/time.js';
import type { Runtime } from '../runtime.js';
import { PLAN_ENTITY } from '../store/keys.js';
import { DEMO_STORY, demoPlan } from './demo-plan.js';

export interface DemoOptions {
  /** Seconds per beat; the plan lasts 15 beats. */
  beat: number;
  out: (line: string) => void;
}

export async function runDemo(rt: Runtime, options: DemoOptions): Promise<{ planId: string }> {
  const { out, beat } = options;
  const start = Date.now() + 1500;
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(2, 14);
  const planId = `demo-${stamp}`;
  const plan = demoPlan(planId, start, beat);
  await rt.engine.createPlan(plan, { kind: 'office', name: '演示 demo', org: 'default' }, { publish: true });

  const base = `http://127.0.0.1:${rt.port}`;
  const { accounts } = authOf(rt.tokens);
  const tokens: Record<string, string> = {};
  const passwords: Record<string, string> = {};
  for (const p of ['zhang', 'zhao', 'liu', 'sun', 'li', 'wang', 'chen']) {
    tokens[p] = await rt.tokens.issue({ kind: 'person', personId: p }, { label: 'demo', ttlMs: 86_400_000 });
    // A login is unique on the server, and the demo keeps its data between runs: each run gets its own.
    const login = `${p}-${stamp}`;
    const principal = { kind: 'person', personId: p } as const;
    await accounts.upsert(principal, [login], 'office:演示 demo');
    const { secret } = await accounts.issueLink(accountIdOf(principal), 'office:演示 demo');
    passwords[p] = `${p}-${randomBytes(3).toString('hex')}`;
    await accounts.useLink(secret, passwords[p]);
  }

  out('');
  out(`演示方案 / demo plan: ${plan.title}（${planId}），共 ${plan.tasks.length} 项任务，约 ${Math.round(15 * beat)} 秒走完四个阶段。`);
  out(`Web 工作台 / web workspace: ${base}/  （用下面的登录名和密码登录 / sign in with a login and password below）`);
  out('登录名 / login  密码 / password:');
  for (const [p, password] of Object.entries(passwords))
    out(`  ${`${p}-${stamp}`.padEnd(20)} ${password.padEnd(14)} ${plan.people.find((x) => x.id === p)?.title ?? ''}`);
  out('API 令牌（脚本用）/ API tokens for scripts, e.g.:');
  out(`  curl -s -H "Authorization: Bearer ${tokens.wang}" ${base}/api/v1/plans/${planId}/tasks?overdue=true`);
  out(`  curl -s -H "Authorization: Bearer ${tokens.sun}" ${base}/api/v1/inbox?open=true`);
  out('');

  const timers = DEMO_STORY.map((s) => setTimeout(() => void send(s), Math.max(0, start + s.beat * beat * 1000 - Date.now())));
  async function send(s: (typeof DEMO_STORY)[number]): Promise<void> {
    const body: Record<string, unknown> = { ...s.command };
    if ('deadlineBeats' in body) {
      body.deadline = new Date(start + (body.deadlineBeats as number) * beat * 1000).toISOString();
      delete body.deadlineBeats;
    }
    const res = await fetch(`${base}/api/v1/plans/${planId}/tasks/${s.task}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[s.by]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch((err: unknown) => ({ ok: false, status: 0, text: () => Promise.resolve(String(err)) }));
    if (!res.ok) out(`  ! ${s.task} ${s.command.type}: HTTP ${res.status} ${await res.text()}`);
  }

  const seen = new Map<string, number>();
  const names = new Map(plan.people.map((p) => [p.id, p.name]));
  const titles = new Map(plan.tasks.map((t) => [t.id, t.title]));
  const zone = 'Asia/Shanghai';
  const feed = async () => {
    for (const entity of [PLAN_ENTITY, ...plan.tasks.map((t) => t.id)]) {
      const history = await rt.queries.history(planId, entity);
      for (const h of history.slice(seen.get(entity) ?? 0)) {
        const time = formatPlanTime(h.at, zone).slice(11).padEnd(8, ':00');
        if (entity === PLAN_ENTITY) {
          const to = PHASE_TEXT[String(h.to)];
          if (h.event !== 'plan.created') out(`[${time}] 方案 / plan → ${to?.zh ?? String(h.to)} / ${to?.en ?? String(h.to)}`);
          continue;
        }
        const who = h.by === 'system' ? '' : ` (${names.get(h.by) ?? h.by})`;
        const what = eventText(h.event);
        out(`[${time}] ${entity} ${titles.get(entity)}: ${what ? `${what.zh} / ${what.en}` : h.event}${who}`);
        for (const id of h.notices ?? []) {
          const n = await rt.queries.notice(planId, id);
          out(`           ✉ ${n.title.zh}`);
          out(
            `             → ${n.recipients.map((r) => r.name).join('、')}${n.rectificationDeadline ? `；整改期限 / rectify by ${formatPlanTime(n.rectificationDeadline, zone)}` : ''}`,
          );
        }
      }
      seen.set(entity, history.length);
    }
  };

  for (;;) {
    await feed();
    const summary = await rt.queries.planSummary(planId);
    const tasks = await rt.queries.listTasks(planId);
    // Settled: every task accepted or at the top rung, where nothing more will happen.
    const topRung = plan.escalation!.rungs.length;
    const settled = tasks.every((t) => t.work === 'accepted' || t.rung === topRung);
    if (summary.stage === 'closed' && settled) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  timers.forEach(clearTimeout);

  out('');
  out('结果 / outcome:');
  for (const t of await rt.queries.listTasks(planId)) {
    const { record } = await rt.queries.task(planId, t.id);
    const [zh, en] =
      t.work === 'accepted'
        ? ['已验收', 'accepted']
        : t.work === 'unfinished'
          ? ['方案结束时未完成', 'unfinished when the plan closed']
          : t.supervision === 'withReviewer'
            ? ['待验收', 'awaiting acceptance']
            : [`逾期第 ${t.rung} 级`, `overdue, rung ${t.rung}`];
    const top = record.highestRung;
    const returns = record.returns.length;
    out(
      `  ${t.id} ${t.title}：${zh}${top > 0 ? `，最高督办第 ${top} 级` : ''}，退回 ${returns} 次 / ` +
        `${en}${top > 0 ? `, highest rung ${top}` : ''}, returned ${returns}×`,
    );
  }
  return { planId };
}
