// 人员 (admin): the center's users with 工号, role and status; adding a
// user; and per user: reset the password (the user sets a new one at next
// login), change the role, unlock, disable or enable. And 修改密码, which
// every user reaches from their name in the top bar; after an admin's reset
// the window opens it before anything else.
//
// The rules (not the last admin, not oneself, the password policy) are the
// core's: the screen shows its refusals as they come.

import { call, screenData } from '../api.js';
import { h, fill, field, toast } from '../dom.js';

export async function usersScreen(root, app) {
  const o = await screenData(root, 'users_roster');
  if (!o) return;
  const reload = () => usersScreen(root, app);
  const work = h('div', { id: 'users-work' });
  const message = h('p', { class: 'message', id: 'users-message', role: 'alert' });
  const failed = (err) => {
    message.className = 'message error';
    message.textContent = err.message;
  };
  // Runs one act on a user; the list is reloaded and the row focused again.
  const act = async (u, payload, done) => {
    try {
      await call('user_act', { username: u.username, act: payload });
      toast(done);
      await reload();
      const again = document.querySelector(`#users-table tr[data-username="${CSS.escape(u.username)}"] button`);
      if (again) again.focus();
    } catch (err) {
      failed(err);
    }
  };
  const open = (panel) => {
    message.textContent = '';
    fill(work, panel);
    const first = panel.querySelector('input, select, button.primary');
    if (first) first.focus();
  };
  const roleSelect = (id, selected) => h('select', { id },
    o.roles.map((r) => h('option', { value: r.code, selected: r.code === selected }, r.label)));

  const resetPanel = (u) => {
    const pw = h('input', { id: 'users-reset-password', type: 'password', autocomplete: 'new-password' });
    const again = h('input', { id: 'users-reset-again', type: 'password', autocomplete: 'new-password' });
    const note = h('p', { class: 'message', role: 'alert' });
    return h('form', { class: 'panel', id: 'users-reset-form', onsubmit: async (e) => {
      e.preventDefault();
      if (pw.value !== again.value) {
        note.className = 'message error';
        note.textContent = '两次输入的新密码不一致';
        again.focus();
        return;
      }
      await act(u, { act: 'reset_password', password: pw.value },
        `已重置 ${u.display_name} 的密码，下次登录时须设置新密码`);
    } },
      h('h2', {}, `重置密码：${u.display_name}（${u.username}）`),
      h('p', { class: 'hint' }, '请把临时密码当面告知本人；本人下次登录时须先设置自己的新密码。'),
      h('div', { class: 'grid2' }, field('临时密码', pw), field('再次输入', again)),
      note,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, '重置密码'),
        h('button', { type: 'button', onclick: () => fill(work) }, '取消')));
  };

  const rolePanel = (u) => {
    const role = roleSelect('users-role', u.role);
    return h('form', { class: 'panel', id: 'users-role-form', onsubmit: async (e) => {
      e.preventDefault();
      const label = role.options[role.selectedIndex].textContent;
      await act(u, { act: 'change_role', role: role.value }, `${u.display_name} 的角色已改为${label}`);
    } },
      h('h2', {}, `更改角色：${u.display_name}（${u.username}）`),
      h('p', { class: 'hint' }, `现为${u.role_label}。改为要求更长密码的角色时，本人下次登录须设置新密码。`),
      field('新角色', role),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, '更改角色'),
        h('button', { type: 'button', onclick: () => fill(work) }, '取消')));
  };

  const disablePanel = (u) => h('section', { class: 'panel warning', id: 'users-disable-confirm' },
    h('p', {}, `停用后 ${u.display_name}（${u.username}）不能再登录，已登录的窗口也随即失效；其经办的案件和记录保留。`),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'users-disable-yes',
        onclick: () => act(u, { act: 'disable' }, `已停用 ${u.display_name}`) }, '确认停用'),
      h('button', { type: 'button', onclick: () => fill(work) }, '取消')));

  const addPanel = () => {
    const username = h('input', { id: 'users-new-username', autocomplete: 'off', placeholder: '如 wangfang' });
    const name = h('input', { id: 'users-new-name', autocomplete: 'off' });
    const staffNo = h('input', { id: 'users-new-staff', autocomplete: 'off' });
    const role = roleSelect('users-new-role', 'clerk');
    const pw = h('input', { id: 'users-new-password', type: 'password', autocomplete: 'new-password' });
    const again = h('input', { id: 'users-new-again', type: 'password', autocomplete: 'new-password' });
    const note = h('p', { class: 'message', role: 'alert', id: 'users-new-message' });
    return h('form', { class: 'panel', id: 'users-new-form', onsubmit: async (e) => {
      e.preventDefault();
      if (pw.value !== again.value) {
        note.className = 'message error';
        note.textContent = '两次输入的密码不一致';
        again.focus();
        return;
      }
      try {
        const u = await call('user_add', { form: {
          username: username.value, display_name: name.value, staff_no: staffNo.value,
          role: role.value, password: pw.value,
        } });
        toast(`已新增 ${u.display_name}（${u.username}）`);
        await reload();
      } catch (err) {
        note.className = 'message error';
        note.textContent = err.message;
      }
    } },
      h('h2', {}, '新增人员'),
      h('div', { class: 'grid2' },
        field('姓名', name), field('工号', staffNo),
        field('用户名（登录用）', username), field('角色', role),
        field('初始密码', pw), field('再次输入', again)),
      note,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'users-new-submit' }, '新增'),
        h('button', { type: 'button', onclick: () => fill(work) }, '取消')));
  };

  const row = (u) => {
    const self = u.username === app.state.user.username;
    const buttons = [
      h('button', { type: 'button', class: 'small', dataset: { act: 'reset' }, onclick: () => open(resetPanel(u)) }, '重置密码…'),
      self ? null : h('button', { type: 'button', class: 'small', dataset: { act: 'role' }, onclick: () => open(rolePanel(u)) }, '改角色…'),
      u.locked ? h('button', { type: 'button', class: 'small', dataset: { act: 'unlock' },
        onclick: () => act(u, { act: 'unlock' }, `已解锁 ${u.display_name}`) }, '解锁') : null,
      self ? null : u.disabled
        ? h('button', { type: 'button', class: 'small', dataset: { act: 'enable' },
          onclick: () => act(u, { act: 'enable' }, `已启用 ${u.display_name}`) }, '启用')
        : h('button', { type: 'button', class: 'small danger', dataset: { act: 'disable' }, onclick: () => open(disablePanel(u)) }, '停用…'),
    ];
    return h('tr', { dataset: { username: u.username }, class: u.disabled ? 'muted' : null },
      h('td', {}, u.staff_no),
      h('td', {}, u.display_name, self ? h('span', { class: 'hint' }, '（本人）') : null),
      h('td', {}, u.username),
      h('td', {}, u.role_label),
      h('td', { class: `status-${u.status_label}` }, u.status_label),
      h('td', {}, h('div', { class: 'row-actions' }, buttons)));
  };

  const active = o.users.filter((u) => !u.disabled).length;
  fill(root,
    h('section', { class: 'panel' },
      h('div', { class: 'heading-row' },
        h('h1', {}, '人员'),
        h('span', { class: 'lead' }, `共 ${o.users.length} 人，在用 ${active} 人`),
        h('button', { type: 'button', class: 'primary', id: 'users-add', onclick: () => open(addPanel()) }, '新增人员…')),
      message,
      h('table', { class: 'list', id: 'users-table' },
        h('thead', {}, h('tr', {}, ['工号', '姓名', '用户名', '角色', '状态', '操作'].map((t) => h('th', {}, t)))),
        h('tbody', {}, o.users.map(row))),
      h('p', { class: 'hint' }, '人员的增减、停用和密码重置随数据交换（U 盘或局域网）同步到本中心的每台电脑。')),
    work);
  const first = root.querySelector('#users-add');
  if (first) first.focus();
}

// 修改密码: the old password, the new one twice. `forced` after an admin's
// reset: the window offers nothing else until it is done.
export function passwordScreen(root, app, { forced = false } = {}) {
  const old = h('input', { id: 'password-old', type: 'password', autocomplete: 'current-password' });
  const pw = h('input', { id: 'password-new', type: 'password', autocomplete: 'new-password' });
  const again = h('input', { id: 'password-again', type: 'password', autocomplete: 'new-password' });
  const message = h('p', { class: 'message', id: 'password-message', role: 'alert' });
  const form = h('form', { class: 'panel narrow', id: 'password-form', onsubmit: async (e) => {
    e.preventDefault();
    if (pw.value !== again.value) {
      message.className = 'message error';
      message.textContent = '两次输入的新密码不一致';
      again.value = '';
      again.focus();
      return;
    }
    try {
      await call('password_change', { oldPassword: old.value, newPassword: pw.value });
      app.state.user.must_change_password = false;
      toast('密码已修改，下次登录请使用新密码');
      app.go('workbench');
    } catch (err) {
      message.className = 'message error';
      message.textContent = err.message;
      old.value = '';
      old.focus();
    }
  } },
    h('h1', {}, '修改密码'),
    forced ? h('p', { class: 'message error', id: 'password-forced' }, '管理员已重置您的密码。请先设置自己的新密码，然后才能继续办理业务。') : null,
    h('p', { class: 'lead' }, `${app.state.user.display_name}（${app.state.user.username}）`),
    field(forced ? '管理员告知的临时密码' : '原密码', old),
    field('新密码', pw),
    field('再次输入新密码', again),
    message,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'password-submit' }, '修改密码（Enter）'),
      forced ? null : h('button', { type: 'button', onclick: () => app.go('workbench') }, '取消')));
  fill(root, form);
  old.focus();
}
