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
/** An address book as text: UTF-8, or the GB18030 that Excel writes for Chinese CSV. */
async function fileText(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const utf8 = new TextDecoder('utf-8').decode(bytes);
  return utf8.includes('\uFFFD') ? new TextDecoder('gb18030').decode(bytes) : utf8;
}

function labelled(label, input) {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

/**
 * 本单位人员 (#/office/people): the organisation's directory — one identity per person,
 * whatever plans they are in. The office adds and edits people and units, imports its
 * address book (all rows or none, every bad row named by its line) and marks people who
 * left (never deleted: records name them).
 */
export async function officeOrgPeopleView(session, target, _params, _query, flash = null) {
  const org = session.principal.org;
  if (!org) {
    clear(target).append(
      h('p', { class: 'card muted' }, ox('只有单位办公室有本单位人员名录。', 'Only an organisation’s office has its people list.')),
    );
    return;
  }
  const [{ people }, { units }, { organisation }] = await Promise.all([
    officeApi.orgPeople(org),
    officeApi.orgUnits(org),
    officeApi.organisation(org),
  ]);
  const unitName = (id) => units.find((u) => u.id === id)?.name ?? id ?? '';
  const status = h('div', { class: 'office-status', role: 'status' }, flash);
  const rerender = (next) => officeOrgPeopleView(session, target, [], null, next);
  const failed = (err) => clear(status).append(h('div', { class: 'card error-box' }, refusalNode(err)));
  const done = (zh, en) => h('p', { class: 'card ok' }, ox(zh, en));
  const unitOptions = (selected) => [
    h('option', { value: '' }, ox('（无）', '(none)')),
    ...units.map((u) => h('option', { value: u.id, selected: u.id === selected }, u.name)),
  ];

  // Add or edit a person: the same id edits them.
  const f = {
    id: h('input', { name: 'id', required: true, placeholder: 'p-wu' }),
    name: h('input', { name: 'name', required: true }),
    title: h('input', { name: 'title' }),
    unit: h('select', { name: 'unit' }, unitOptions('')),
    phone: h('input', { name: 'phone', inputmode: 'tel' }),
    email: h('input', { name: 'email', type: 'email' }),
  };
  const edit = (p) => {
    f.id.value = p.id;
    f.name.value = p.name;
    f.title.value = p.title ?? '';
    f.unit.value = p.unit ?? '';
    f.phone.value = p.contacts?.phone ?? '';
    f.email.value = p.contacts?.email ?? '';
    f.name.focus();
  };
  const personForm = h(
    'form',
    {
      class: 'card',
      id: 'person-form',
      onsubmit: async (e) => {
        e.preventDefault();
        const contacts = {
          ...(f.phone.value.trim() ? { phone: f.phone.value.trim() } : {}),
          ...(f.email.value.trim() ? { email: f.email.value.trim() } : {}),
        };
        const body = {
          name: f.name.value.trim(),
          ...(f.title.value.trim() ? { title: f.title.value.trim() } : {}),
          ...(f.unit.value ? { unit: f.unit.value } : {}),
          ...(Object.keys(contacts).length ? { contacts } : {}),
        };
        try {
          await officeApi.putPerson(org, f.id.value.trim(), body);
          await rerender(done(`已保存：${body.name}`, `Saved: ${body.name}`));
        } catch (err) {
          failed(err);
        }
      },
    },
    h('h2', {}, ox('添加或修改人员', 'Add or edit a person')),
    labelled(ox('编号', 'Id'), f.id),
    labelled(ox('姓名', 'Name'), f.name),
    labelled(ox('职务', 'Title'), f.title),
    labelled(ox('科室', 'Unit'), f.unit),
    labelled(ox('手机', 'Mobile'), f.phone),
    labelled(ox('邮箱', 'Email'), f.email),
    h('button', { type: 'submit', class: 'primary' }, ox('保存', 'Save')),
  );

  const file = h('input', { type: 'file', id: 'address-book', accept: '.csv,.txt,text/csv' });
  const importForm = h(
    'form',
    {
      class: 'card',
      id: 'import-people',
      onsubmit: async (e) => {
        e.preventDefault();
        if (!file.files?.[0]) return;
        try {
          const result = await officeApi.importPeople(org, await fileText(file.files[0]));
          const n = (k) => result.rows.filter((r) => r.outcome === k).length;
          await rerender(
            done(
              `通讯录已导入：新增 ${n('created')} 人，更新 ${n('updated')} 人，未变 ${n('unchanged')} 人。`,
              `Imported: ${n('created')} added, ${n('updated')} updated, ${n('unchanged')} unchanged.`,
            ),
          );
        } catch (err) {
          failed(err);
        }
      },
    },
    h('h2', {}, ox('导入通讯录', 'Import the address book')),
    h(
      'p',
      { class: 'muted small' },
      ox(
        'CSV 文件，列名：姓名、职务、科室、手机、邮箱（可选：编号）。有一行出错则整份不导入，并逐行说明。',
        'A CSV with columns 姓名, 职务, 科室, 手机, 邮箱 (optionally 编号). One bad row and nothing is imported; each problem names its line.',
      ),
    ),
    file,
    h('button', { type: 'submit' }, ox('导入', 'Import')),
  );

  const u = {
    id: h('input', { name: 'unit-id', required: true, placeholder: 'jjb' }),
    name: h('input', { name: 'unit-name', required: true }),
    head: h(
      'select',
      { name: 'unit-head' },
      h('option', { value: '' }, ox('（暂无）', '(none yet)')),
      people.filter((p) => p.active).map((p) => h('option', { value: p.id }, p.name)),
    ),
  };
  const unitForm = h(
    'form',
    {
      class: 'card',
      id: 'unit-form',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await officeApi.putUnit(org, u.id.value.trim(), { name: u.name.value.trim(), ...(u.head.value ? { head: u.head.value } : {}) });
          await rerender(done(`已保存科室：${u.name.value.trim()}`, `Unit saved: ${u.name.value.trim()}`));
        } catch (err) {
          failed(err);
        }
      },
    },
    h('h2', {}, ox('科室与负责人', 'Units and their heads')),
    h(
      'ul',
      { class: 'org-units' },
      units.map((x) =>
        h(
          'li',
          { dataset: { unit: x.id } },
          `${x.name}（${x.id}）`,
          x.head ? ` · ${ox('负责人', 'head')} ${people.find((p) => p.id === x.head)?.name ?? x.head}` : '',
        ),
      ),
    ),
    labelled(ox('编号', 'Id'), u.id),
    labelled(ox('名称', 'Name'), u.name),
    labelled(ox('负责人', 'Head'), u.head),
    h('button', { type: 'submit' }, ox('保存科室', 'Save the unit')),
  );

  // The organisation's leaders see its roll-up (and, for a bureau, its schools').
  const leaderBoxes = people
    .filter((p) => p.active)
    .map((p) => h('input', { type: 'checkbox', name: 'leader', value: p.id, checked: organisation.leaders.includes(p.id) }));
  const leadersForm = h(
    'form',
    {
      class: 'card',
      id: 'leaders-form',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await officeApi.setLeaders(
            org,
            leaderBoxes.filter((b) => b.checked).map((b) => b.value),
          );
          await rerender(done('已保存本单位领导', 'Leaders saved'));
        } catch (err) {
          failed(err);
        }
      },
    },
    h('h2', {}, ox('本单位领导（可查看汇总）', 'Leaders (see the roll-up)')),
    h(
      'div',
      { class: 'checks' },
      leaderBoxes.map((b) => h('label', {}, b, ' ', people.find((p) => p.id === b.value)?.name ?? b.value)),
    ),
    h('button', { type: 'submit' }, ox('保存', 'Save')),
  );

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
      status,
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
              '',
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
              h(
                'td',
                {},
                h('button', { type: 'button', class: 'link-button', dataset: { edit: p.id }, onclick: () => edit(p) }, ox('修改', 'Edit')),
                p.active
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'link-button',
                        dataset: { leave: p.id },
                        onclick: async () => {
                          if (!confirm(ox(`确认 ${p.name} 已离开本单位？其记录保留。`, `Mark ${p.name} as left? Their records stay.`)))
                            return;
                          try {
                            await officeApi.deactivate(org, p.id);
                            await rerender(done(`${p.name} 已标记为离开`, `${p.name} marked as left`));
                          } catch (err) {
                            failed(err);
                          }
                        },
                      },
                      ox('已离开', 'Left'),
                    )
                  : null,
              ),
            ),
          ),
        ),
      ),
      personForm,
      importForm,
      unitForm,
      leadersForm,
    ),
  );
}
