// 备份 (managers and admins): how the backups stand, the settings (folder,
// how many to keep, daily on first start), a backup made now, and the
// backups in the folder — each can be checked and restored after the
// manager confirms with a password.

import { stickPicker } from '../sticks.js';
import { call, screenData } from '../api.js';
import { h, fill, field, toast } from '../dom.js';
import { choosePath } from '../chooser.js';

function size(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function backupStatusLine(status) {
  return h('p', { id: 'backup-status', class: status.red ? 'message error' : 'message ok' }, status.summary);
}

export async function backupScreen(root, app, { onRestored }) {
  const o = await screenData(root, 'backup_overview');
  if (!o) return;
  const s = o.status.settings;
  const folder = h('input', { id: 'backup-folder', placeholder: '备份文件夹（第二块硬盘或 U 盘），如 /media/usb/备份', value: s ? s.folder : '' });
  const keep = h('input', { id: 'backup-keep', type: 'number', min: 1, max: 365, value: s ? s.keep : 14 });
  const daily = h('input', { id: 'backup-daily', type: 'checkbox', checked: s ? s.daily : true });
  const result = h('div', { id: 'backup-result', class: 'message' });
  const confirmBox = h('div', { id: 'restore-confirm' });

  const reload = () => backupScreen(root, app, { onRestored });

  const choose = h('button', { type: 'button', id: 'backup-choose', onclick: async () => {
    const picked = await choosePath({ folder: true, title: '选择备份文件夹' });
    if (picked) folder.value = picked;
  } }, '选择文件夹…');

  const save = h('button', { type: 'button', id: 'backup-save', onclick: async () => {
    try {
      await call('backup_settings_save', { form: { folder: folder.value, keep: keep.value, daily: daily.checked } });
      toast('备份设置已保存');
      reload();
    } catch (err) {
      result.className = 'message error';
      result.textContent = err.message;
    }
  } }, '保存设置');

  const makeNow = h('button', { type: 'button', id: 'backup-now', onclick: async () => {
    result.className = 'message';
    result.textContent = '正在备份…';
    makeNow.disabled = true;
    try {
      const r = await call('backup_make');
      toast(`已备份到 ${r.path}（${size(r.bytes)}）`);
      await reload();
    } catch (err) {
      makeNow.disabled = false;
      await reload();
      const box = document.getElementById('backup-result');
      if (box) { box.className = 'message error'; box.textContent = `备份失败：${err.message}`; }
    }
  } }, '立即备份');

  const offerRestore = async (f) => {
    fill(confirmBox, h('p', { class: 'message' }, `正在检查 ${f.name}…`));
    let events;
    try {
      events = await call('backup_check', { path: f.path });
    } catch (err) {
      fill(confirmBox, h('p', { class: 'message error' }, `不能恢复：${err.message}`));
      return;
    }
    const user = h('input', { id: 'restore-user', autocomplete: 'off', value: app.state.user ? app.state.user.username : '' });
    const password = h('input', { id: 'restore-password', type: 'password', autocomplete: 'off' });
    const sure = h('input', { id: 'restore-sure', type: 'checkbox' });
    const outcome = h('p', { id: 'restore-outcome', class: 'message' });
    const go = h('button', { type: 'button', id: 'restore-go', class: 'danger', onclick: async () => {
      if (!sure.checked) { outcome.className = 'message error'; outcome.textContent = '请先勾选确认'; return; }
      try {
        const r = await call('backup_restore', { path: f.path, username: user.value, password: password.value });
        onRestored(r);
      } catch (err) {
        outcome.className = 'message error';
        outcome.textContent = err.message;
      }
    } }, '确认恢复');
    fill(confirmBox, h('section', { class: 'panel warning' },
      h('h2', {}, `恢复备份 ${f.made}`),
      h('p', {}, `校验通过：校验值、完整性检查和事件哈希链均正常，共 ${events} 条事件。`),
      h('p', { class: 'message error' }, '恢复后，本机当前的数据将被此备份替换；此备份之后在本机办理的业务不在恢复后的数据中（当前文件另存保留，不会删除，可据此核对）。恢复完成后需重新登录。'),
      h('div', { class: 'grid2' }, field('负责人账号（以备份中的账号核对）', user), field('密码', password)),
      h('label', { class: 'check' }, sure, ' 我确认用此备份替换本机当前数据'),
      h('div', { class: 'actions' }, go,
        h('button', { type: 'button', onclick: () => fill(confirmBox) }, '取消')),
      outcome));
    confirmBox.scrollIntoView({ block: 'center' });
  };

  const last = o.status.last_attempt;
  const list = o.folder_error
    ? h('p', { class: 'message error', id: 'backup-list' }, o.folder_error)
    : o.backups.length
      ? h('table', { class: 'list', id: 'backup-list' },
        h('thead', {}, h('tr', {}, ...['备份时间', '文件', '大小', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...o.backups.map((f) => h('tr', {},
          h('td', {}, f.made), h('td', { class: 'mono' }, f.name), h('td', {}, size(f.bytes)),
          h('td', {}, h('button', { type: 'button', class: 'restore-button', dataset: { name: f.name }, onclick: () => offerRestore(f) }, '恢复…'))))))
      : h('p', { class: 'empty', id: 'backup-list' }, s ? '备份文件夹中还没有本机的备份' : '请先设置备份文件夹');

  fill(root,
    h('section', { class: 'panel' },
      h('h1', {}, '备份与恢复'),
      backupStatusLine(o.status),
      last ? h('p', { id: 'backup-last' }, `最近一次尝试：${last.at.slice(0, 16).replace('T', ' ')}（${last.trigger_label}${last.by ? `，${last.by}` : ''}）${last.ok ? '成功' : '失败'}`) : null,
      h('div', { class: 'actions' }, makeNow),
      result),
    h('section', { class: 'panel' },
      h('h2', {}, '备份设置'),
      stickPicker('backup-sticks', (path) => { folder.value = path; }),
      h('div', { class: 'grid2' }, field('备份文件夹', folder), h('div', { class: 'actions' }, choose)),
      h('div', { class: 'grid2' }, field('保留最近几份', keep), h('label', { class: 'check' }, daily, ' 每天第一次启动时自动备份')),
      h('div', { class: 'actions' }, save),
      s ? h('p', { class: 'hint' }, `由 ${s.set_by} 于 ${s.set_at.slice(0, 16).replace('T', ' ')} 设置`) : null),
    h('section', { class: 'panel' }, h('h2', {}, '备份文件夹中的备份'), list, confirmBox));
}
