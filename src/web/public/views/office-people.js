// 人员与账号 (#/office/people/<planId>): a plan's people with the state of their
// accounts. The office sets each person's logins (phone, email or login name), issues
// a one-time sign-in link — shown once, with a copy button — resets a password (which
// ends the person's sessions and issues a new link), and reads the sign-in attempts.
// The office never sets or sees a password.
import { C, paren } from '../i18n.js';
import { refusalNode } from '../refusals.js';
import { clear, fmtTime, h } from '../util.js';
import { officeApi } from './office-api.js';
import { ox } from './office-form.js';

const FAIL_REASONS = {
  password: ['密码错误', 'wrong password'],
  unknown: ['无此登录名', 'unknown login'],
  limited: ['尝试过多，已暂时锁定', 'too many attempts'],
  expired: ['链接已失效', 'link expired'],
};

function accountState(account, zone) {
  if (!account) return { key: 'none', text: ox('未开通账号', 'No account') };
  if (account.hasPassword)
    return {
      key: 'active',
      text: ox(
        `已设置密码（${fmtTime(Date.parse(account.passwordSetAt), zone)}）`,
        `Password set (${fmtTime(Date.parse(account.passwordSetAt), zone)})`,
      ),
    };
  if (account.linkPending)
    return { key: 'link', text: ox('已发登录链接，待本人设置密码', 'Link issued; waiting for the person to choose a password') };
  return { key: 'new', text: ox('已开通，尚未发登录链接', 'Account set up; no link issued yet') };
}

/** A link shown once: the server keeps only its hash, so this is the one chance to copy it. */
function linkOnce({ link, expiresAt }, zone) {
  const input = h('input', { type: 'text', readOnly: true, value: link, id: 'issued-link', class: 'link-value' });
  const copied = h('span', { class: 'muted small', role: 'status' });
  return h(
    'div',
    { class: 'link-once', role: 'alert' },
    h(
      'p',
      {},
      h('strong', {}, ox('一次性登录链接', 'One-time sign-in link')),
      ox(
        `（只显示这一次，${fmtTime(Date.parse(expiresAt), zone)} 前有效，只能使用一次；请通过可靠渠道发给本人）`,
        ` (shown only now, valid until ${fmtTime(Date.parse(expiresAt), zone)}, works once; send it to the person by a channel you trust)`,
      ),
    ),
    h(
      'div',
      { class: 'action-row' },
      input,
      h(
        'button',
        {
          type: 'button',
          id: 'copy-link',
          onclick: async () => {
            input.select();
            try {
              await navigator.clipboard.writeText(link);
            } catch {
              document.execCommand('copy');
            }
            copied.textContent = ox('已复制', 'Copied');
          },
        },
        ox('复制', 'Copy'),
      ),
      copied,
    ),
  );
}

export async function officePeopleView(session, target, [planId]) {
  const { people } = await officeApi.accounts(planId);
  const zone = session.def?.id === planId ? session.zone : 'Asia/Shanghai';
  const rerender = () => officePeopleView(session, target, [planId]).then(() => (target.dataset.ready = 'true'));

  const rows = people.map((person) => {
    const state = accountState(person.account, zone);
    const logins = h('input', {
      type: 'text',
      name: 'logins',
      value: (person.account?.logins ?? []).join(' '),
      placeholder: ox('手机号、邮箱或用户名，以空格分隔', 'phone, email or login name, space-separated'),
      spellcheck: 'false',
    });
    const out = h('div', { class: 'person-out', role: 'status' });
    const run = (fn) => async () => {
      clear(out);
      try {
        await fn();
      } catch (err) {
        out.append(h('div', { class: 'form-error' }, refusalNode(err)));
      }
    };
    const issue = (reset) =>
      run(async () => {
        const issued = await officeApi.issueLink(planId, person.personId, reset);
        // The row's state changes, but the link must stay in view: redraw only the state.
        stateCell.textContent = accountState(
          { ...person.account, linkPending: true, hasPassword: reset ? false : person.account?.hasPassword },
          zone,
        ).text;
        out.append(linkOnce(issued, zone));
      });
    const stateCell = h('td', { class: 'account-state', dataset: { state: state.key } }, state.text);
    return h(
      'tr',
      { dataset: { person: person.personId } },
      h('td', {}, person.name, person.title ? h('span', { class: 'muted small' }, paren(person.title)) : null),
      stateCell,
      h(
        'td',
        {},
        h(
          'form',
          {
            class: 'inline-form',
            onsubmit: (e) => {
              e.preventDefault();
              void run(async () => {
                await officeApi.setLogins(planId, person.personId, logins.value.split(/[\s,，、;；]+/).filter(Boolean));
                await rerender();
              })();
            },
          },
          logins,
          h('button', { type: 'submit', class: 'small', dataset: { act: 'logins' } }, ox('保存登录名', 'Save logins')),
        ),
        h(
          'div',
          { class: 'action-row' },
          h(
            'button',
            { type: 'button', class: 'small', dataset: { act: 'link' }, disabled: !person.account, onclick: issue(false) },
            ox('发放登录链接', 'Issue a sign-in link'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'small danger',
              dataset: { act: 'reset' },
              disabled: !person.account?.hasPassword,
              onclick: issue(true),
            },
            ox('重置密码', 'Reset the password'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'small link-button',
              dataset: { act: 'sign-ins' },
              disabled: !person.account,
              onclick: run(async () => {
                const { attempts } = await officeApi.signIns(planId, person.personId);
                out.append(attemptsTable(attempts, zone));
              }),
            },
            ox('登录记录', 'Sign-in attempts'),
          ),
        ),
        out,
      ),
    );
  });

  clear(target).append(
    h(
      'div',
      { class: 'office office-people', dataset: { plan: planId } },
      h(
        'div',
        { class: 'toolbar' },
        h(
          'h1',
          {},
          ox('人员与账号', 'People and accounts'),
          session.def?.id === planId ? h('span', { class: 'muted' }, ` · ${session.def.title}`) : null,
        ),
        h('a', { href: `#/office/plan/${encodeURIComponent(planId)}`, class: 'link-button' }, ox('返回方案', 'Back to the plan')),
      ),
      h(
        'p',
        { class: 'muted' },
        ox(
          '先为每人设置登录名，再发放一次性登录链接；本人用链接设置自己的密码。办公室不设置也看不到任何密码。重置密码会结束此人所有登录并发放新链接。',
          'Set each person’s logins, then issue a one-time link; the person chooses their own password with it. The office never sets or sees a password. A reset ends the person’s sessions and issues a new link.',
        ),
      ),
      h(
        'table',
        { class: 'table people-table', id: 'office-people' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [ox('人员', 'Person'), ox('账号状态', 'Account'), ox('登录名与操作', 'Logins and actions')].map((x) => h('th', {}, x)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  );
}

function attemptsTable(attempts, zone) {
  if (attempts.length === 0) return h('p', { class: 'muted small sign-ins' }, ox('还没有登录记录。', 'No sign-in attempts yet.'));
  const method = { password: ox('密码', 'password'), link: ox('登录链接', 'link'), token: ox('令牌', 'token') };
  return h(
    'table',
    { class: 'table small sign-ins' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [ox('时间', 'When'), ox('方式', 'How'), ox('登录名', 'Login'), ox('地址', 'Address'), ox('结果', 'Result')].map((x) =>
          h('th', {}, x),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      attempts.map((a) =>
        h(
          'tr',
          { dataset: { success: String(a.success) } },
          h('td', {}, fmtTime(Date.parse(a.at), zone)),
          h('td', {}, method[a.method] ?? a.method),
          h('td', {}, a.login),
          h('td', {}, a.ip),
          h(
            'td',
            {},
            a.success
              ? ox('成功', 'signed in')
              : `${ox('失败', 'failed')}${a.reason ? `${C()}${ox(...(FAIL_REASONS[a.reason] ?? [a.reason, a.reason]))}` : ''}`,
          ),
        ),
      ),
    ),
  );
}

/**
 * 本单位人员 (#/office/people): the office's organisation's people as the directory
 * holds them — one identity each, whatever plans they are in — with their unit and
 * contacts. Changing them is the directory's (duban directory, the address-book import).
 */
export async function officeOrgPeopleView(session, target) {
  const org = session.principal.org;
  if (!org) {
    clear(target).append(
      h('p', { class: 'card muted' }, ox('只有单位办公室有本单位人员名录。', 'Only an organisation’s office has its people list.')),
    );
    return;
  }
  const [{ people }, { units }] = await Promise.all([officeApi.orgPeople(org), officeApi.orgUnits(org)]);
  const unitName = (id) => units.find((u) => u.id === id)?.name ?? id ?? '';
  clear(target).append(
    h(
      'div',
      { class: 'office office-org-people', dataset: { org } },
      h(
        'div',
        { class: 'toolbar' },
        h('h1', {}, ox('本单位人员', 'Our people')),
        h('a', { href: '#/office', class: 'link-button' }, ox('返回办公室工作台', 'Back to the office')),
      ),
      h(
        'p',
        { class: 'muted' },
        ox(
          `通讯录中的人员：每人一个身份，无论参加几个方案。共 ${people.length} 人。`,
          `The directory's people: one identity each, whatever plans they are in. ${people.length} in all.`,
        ),
      ),
      h(
        'table',
        { class: 'table', id: 'org-people' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              ox('姓名', 'Name'),
              ox('职务', 'Title'),
              ox('科室', 'Unit'),
              ox('电话', 'Phone'),
              ox('邮箱', 'Email'),
              ox('状态', 'State'),
            ].map((x) => h('th', {}, x)),
          ),
        ),
        h(
          'tbody',
          {},
          people.map((p) =>
            h(
              'tr',
              { dataset: { person: p.id, active: String(p.active) } },
              h('td', {}, p.name),
              h('td', {}, p.title ?? ''),
              h('td', {}, unitName(p.unit)),
              h('td', {}, p.contacts?.phone ?? ''),
              h('td', {}, p.contacts?.email ?? ''),
              h('td', {}, p.active ? ox('在职', 'active') : ox('已离开', 'left')),
            ),
          ),
        ),
      ),
    ),
  );
}
