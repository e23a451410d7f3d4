// Signing in: a login (phone, email or login name) and password; a one-time link from
// the office, which asks the person to choose their own password before anything
// else; or, folded away, an API token (office and admin tokens have no account yet).
// Each ends in a session cookie the server sets; nothing secret is kept by the page.
import { api } from '../api.js';
import { pick, t } from '../i18n.js';
import { clear, h } from '../util.js';

const TEXT = {
  title: { zh: '登录督办', en: 'Sign in to Duban' },
  help: {
    zh: '使用领导小组办公室为你设置的登录名（手机号、邮箱或用户名）和你自己设置的密码登录。',
    en: 'Use the login the leadership group office set up for you (phone number, email or login name) and the password you chose.',
  },
  login: { zh: '登录名', en: 'Login' },
  password: { zh: '密码', en: 'Password' },
  badPassword: { zh: '登录名或密码不正确。', en: 'Wrong login or password.' },
  useToken: { zh: '使用 API 令牌登录（管理员、办公室）', en: 'Sign in with an API token (admins, the office)' },
  badToken: { zh: '令牌无效、已过期或已撤销，请核对后重试。', en: 'The token is unknown, expired or revoked; check it and try again.' },
  linkTitle: { zh: '设置你的密码', en: 'Choose your password' },
  linkHelp: {
    zh: '这是一次性登录链接，只能使用一次。请设置你自己的密码（至少 8 个字符）；以后用登录名和这个密码登录。',
    en: 'This sign-in link works once. Choose your own password (at least 8 characters); from now on, sign in with your login and this password.',
  },
  linkFor: { zh: '账号', en: 'Account' },
  newPassword: { zh: '新密码', en: 'New password' },
  repeat: { zh: '再次输入新密码', en: 'Repeat the new password' },
  mismatch: { zh: '两次输入的密码不一致。', en: 'The two passwords differ.' },
  setAndSignIn: { zh: '设置密码并登录', en: 'Set password and sign in' },
  badLink: {
    zh: '登录链接无效、已使用或已过期：请向领导小组办公室索取新的链接。',
    en: 'The sign-in link is unknown, used or expired: ask the leadership group office for a new one.',
  },
};
const tx = (key) => pick(TEXT[key]);

/** The server's own words for a refusal, else `fallback`. */
const reason = (err, fallback) =>
  err?.status === 401 || !err?.body?.error ? tx(fallback) : pick({ zh: err.body.error.message, en: err.body.error.message_en });

function field(id, label, attrs) {
  return [h('label', { for: id }, label), h('input', { id, name: id, required: true, spellcheck: 'false', ...attrs })];
}

export function signInView(view, onSignedIn) {
  const [loginLabel, login] = field('login', tx('login'), { type: 'text', autocomplete: 'username', inputmode: 'email' });
  const [passwordLabel, password] = field('password', tx('password'), { type: 'password', autocomplete: 'current-password' });
  const remember = h('input', { id: 'remember', type: 'checkbox' });
  const message = h('p', { class: 'form-error', role: 'alert', id: 'signin-error' });
  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: async (e) => {
        e.preventDefault();
        message.textContent = '';
        try {
          await api.signIn(login.value.trim(), password.value, remember.checked);
        } catch (err) {
          message.textContent = reason(err, 'badPassword');
          password.select();
          return;
        }
        await onSignedIn();
      },
    },
    h('h1', {}, tx('title')),
    h('p', { class: 'muted' }, tx('help')),
    loginLabel,
    login,
    passwordLabel,
    password,
    h('label', { class: 'check' }, remember, t('remember')),
    message,
    h('button', { type: 'submit', class: 'primary', id: 'signin-button' }, t('signIn')),
  );

  const [tokenLabel, token] = field('token', t('token'), { type: 'password', autocomplete: 'off', placeholder: 'dbn_…' });
  const tokenMessage = h('p', { class: 'form-error', role: 'alert' });
  const tokenForm = h(
    'form',
    {
      class: 'signin-token',
      onsubmit: async (e) => {
        e.preventDefault();
        tokenMessage.textContent = '';
        try {
          await api.signInWithToken(token.value.trim(), remember.checked);
        } catch (err) {
          tokenMessage.textContent = reason(err, 'badToken');
          return;
        }
        await onSignedIn();
      },
    },
    tokenLabel,
    token,
    tokenMessage,
    h('button', { type: 'submit', id: 'token-button' }, t('signIn')),
  );
  const other = h('details', { class: 'card signin', id: 'use-token' }, h('summary', {}, tx('useToken')), tokenForm);
  clear(view).append(form, other);
  login.focus();
}

/** The page a one-time link opens: whose account, then a new password, then signed in. */
export async function linkView(view, secret, onSignedIn) {
  let info;
  try {
    info = await api.linkInfo(secret);
  } catch (err) {
    clear(view).append(
      h('div', { class: 'card signin', role: 'alert', id: 'link-error' }, h('h1', {}, tx('linkTitle')), h('p', {}, reason(err, 'badLink'))),
    );
    return;
  }
  const [pLabel, password] = field('new-password', tx('newPassword'), { type: 'password', autocomplete: 'new-password', minlength: 8 });
  const [rLabel, repeat] = field('repeat-password', tx('repeat'), { type: 'password', autocomplete: 'new-password', minlength: 8 });
  const message = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: async (e) => {
        e.preventDefault();
        message.textContent = '';
        if (password.value !== repeat.value) {
          message.textContent = tx('mismatch');
          return;
        }
        try {
          await api.useLink(secret, password.value, false);
        } catch (err) {
          message.textContent = err?.status === 400 ? err.message : reason(err, 'badLink');
          return;
        }
        // The secret must not linger in the address bar or the history.
        history.replaceState(null, '', '#/');
        await onSignedIn();
      },
    },
    h('h1', {}, tx('linkTitle')),
    h('p', { class: 'muted' }, tx('linkHelp')),
    h('p', {}, `${tx('linkFor')}${pick({ zh: '：', en: ': ' })}${info.name} · ${info.logins.join(' / ')}`),
    // For password managers: the login this password belongs to.
    h('input', { type: 'text', autocomplete: 'username', value: info.logins[0] ?? '', hidden: true, readonly: true }),
    pLabel,
    password,
    rLabel,
    repeat,
    message,
    h('button', { type: 'submit', class: 'primary', id: 'link-button' }, tx('setAndSignIn')),
  );
  clear(view).append(form);
  password.focus();
}
