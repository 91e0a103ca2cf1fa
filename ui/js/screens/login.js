// 登录, and the lock screen after idle minutes.

import { call } from '../api.js';
import { h, fill, field } from '../dom.js';

export function loginScreen(root, { device, encrypted, locked, user, onLogin }) {
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  if (locked && user) username.value = user.username;
  const message = h('div', { class: 'message', id: 'login-message', role: 'alert' });
  const form = h('form', { class: 'panel login', id: 'login-form' },
    h('h1', {}, locked ? '屏幕已锁定' : '便民服务台'),
    h('p', { class: 'lead' }, device ? `${device.center_name}（本机 ${device.device_code}）` : ''),
    locked ? h('p', { class: 'lead' }, '长时间无操作，已自动锁定。请输入密码继续。') : null,
    encrypted && !locked ? h('p', { class: 'lead', id: 'login-encrypted' }, '本机数据库已加密，登录后才能打开。') : null,
    field('用户名', username),
    field('密码', password),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, locked ? '解锁（Enter）' : '登录（Enter）')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.textContent = '';
    try {
      const command = locked ? 'unlock' : 'login';
      const who = await call(command, { username: username.value, password: password.value });
      onLogin(who);
    } catch (err) {
      message.textContent = err.message;
      message.className = 'message error';
      password.value = '';
      password.focus();
    }
  });
  fill(root, form);
  (locked && user ? password : username).focus();
}
