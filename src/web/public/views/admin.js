// 系统管理 (#/admin): what an admin does — run the server, not the work. Organisations
// (a bureau and its schools) and the office accounts of each: an admin creates them and
// hands each office a one-time sign-in link; plans and their people are the offices'.
import { request } from '../api.js';
import { refusalNode } from '../refusals.js';
import { clear, h } from '../util.js';
import { ox } from './office-form.js';

const enc = encodeURIComponent;
const KIND = { bureau: ['教育局', 'Bureau'], school: ['学校', 'School'], other: ['其他单位', 'Other'] };
const kindName = (k) => ox(...(KIND[k] ?? [k, k]));

function field(label, input) {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

export async function adminView(session, target, _params, _query, flash = null) {
  const { organisations } = await request('/api/v1/organisations');
  const status = h('div', { class: 'admin-status', role: 'status' });
  const show = (node) => clear(status).append(node);
  const fail = (err) => show(h('div', { class: 'card error-box' }, refusalNode(err)));
  const rerender = (next = null) => adminView(session, target, [], null, next);
  if (flash) status.append(flash);

  const id = h('input', { name: 'id', required: true, placeholder: 'qx-edu' });
  const name = h('input', { name: 'name', required: true, placeholder: ox('青溪区教育局', 'Qingxi District Education Bureau') });
  const kind = h(
    'select',
    { name: 'kind' },
    Object.keys(KIND).map((k) => h('option', { value: k }, kindName(k))),
  );
  const parent = h(
    'select',
    { name: 'parent' },
    h('option', { value: '' }, ox('（无上级）', '(none)')),
    organisations.filter((o) => o.kind === 'bureau').map((o) => h('option', { value: o.id }, o.name)),
  );
  const createOrg = h(
    'form',
    {
      class: 'card admin-create-org',
      id: 'create-org',
      onsubmit: async (e) => {
        e.preventDefault();
        const body = { id: id.value.trim(), name: name.value.trim(), kind: kind.value, ...(parent.value ? { parent: parent.value } : {}) };
        try {
          await request('/api/v1/organisations', { method: 'POST', body });
          await rerender();
        } catch (err) {
          fail(err);
        }
      },
    },
    h('h2', {}, ox('新建单位', 'New organisation')),
    field(ox('编号', 'Id'), id),
    field(ox('名称', 'Name'), name),
    field(ox('类别', 'Kind'), kind),
    field(ox('上级单位', 'Parent'), parent),
    h('button', { type: 'submit', class: 'primary' }, ox('创建', 'Create')),
  );

  const cards = [];
  for (const org of organisations) {
    const { accounts } = await request(`/api/v1/organisations/${enc(org.id)}/office-accounts`);
    const officeName = h('input', {
      name: 'office-name',
      required: true,
      placeholder: ox('办公室账号名，如 教育督导室', 'Office account name'),
    });
    const logins = h('input', {
      name: 'logins',
      required: true,
      placeholder: ox('手机号或邮箱，逗号分隔', 'Phone or email, comma-separated'),
    });
    /** Issues a link and returns what shows it, once. */
    const linkNode = async (accountName, reset) => {
      const res = await request(`/api/v1/organisations/${enc(org.id)}/office-accounts/${enc(accountName)}/link`, {
        method: 'POST',
        body: { reset },
      });
      return h(
        'div',
        { class: 'card link-once', dataset: { org: org.id } },
        h(
          'p',
          {},
          ox(
            '登录链接只显示这一次，请交给该办公室（两小时内有效，用一次即失效）：',
            'Shown once: give it to the office (valid two hours, one use):',
          ),
        ),
        h('input', { class: 'link-value', readonly: true, value: res.link, onfocus: (e) => e.target.select() }),
        h('button', { type: 'button', onclick: () => navigator.clipboard?.writeText(res.link) }, ox('复制', 'Copy')),
      );
    };
    const issueLink = async (accountName, reset) => {
      try {
        show(await linkNode(accountName, reset));
      } catch (err) {
        fail(err);
      }
    };
    cards.push(
      h(
        'li',
        { class: 'card admin-org', dataset: { org: org.id } },
        h('h3', {}, org.name, ' ', h('span', { class: 'badge' }, kindName(org.kind))),
        h('p', { class: 'muted small' }, org.id, org.parent ? ` · ${ox('上级', 'parent')} ${org.parent}` : ''),
        h('h4', {}, ox('办公室账号', 'Office accounts')),
        accounts.length === 0
          ? h('p', { class: 'muted small' }, ox('尚无办公室账号。', 'No office account yet.'))
          : h(
              'ul',
              { class: 'office-accounts' },
              accounts.map((a) =>
                h(
                  'li',
                  { dataset: { account: a.principal.name } },
                  `${a.principal.name}（${a.logins.join('、')}）`,
                  ' ',
                  a.hasPassword ? ox('已设密码', 'password set') : ox('未设密码', 'no password yet'),
                  ' ',
                  h(
                    'button',
                    { type: 'button', class: 'link-button', onclick: () => issueLink(a.principal.name, a.hasPassword) },
                    a.hasPassword ? ox('重置并发登录链接', 'Reset and issue a link') : ox('发登录链接', 'Issue a sign-in link'),
                  ),
                ),
              ),
            ),
        h(
          'form',
          {
            class: 'inline-form add-office',
            onsubmit: async (e) => {
              e.preventDefault();
              try {
                const body = { logins: logins.value.split(/[,，、\s]+/).filter(Boolean) };
                await request(`/api/v1/organisations/${enc(org.id)}/office-accounts/${enc(officeName.value.trim())}`, {
                  method: 'PUT',
                  body,
                });
                await rerender(await linkNode(officeName.value.trim(), false));
              } catch (err) {
                fail(err);
              }
            },
          },
          officeName,
          logins,
          h('button', { type: 'submit' }, ox('添加并发登录链接', 'Add and issue a link')),
        ),
      ),
    );
  }

  clear(target).append(
    h(
      'div',
      { class: 'admin' },
      h('div', { class: 'toolbar' }, h('h1', {}, ox('系统管理', 'Administration'))),
      h(
        'p',
        { class: 'muted' },
        ox(
          '管理员管理单位和各单位办公室的账号；方案、人员和督办工作由各单位办公室负责，管理员不查看也不办理。',
          "Admins manage organisations and their offices' accounts; plans, people and supervision are the offices' work, which admins neither read nor run.",
        ),
      ),
      status,
      createOrg,
      h('ul', { class: 'admin-orgs', id: 'admin-orgs' }, cards),
    ),
  );
}
