// 设置—局域网同步 (this PC): whether it syncs with the hall's hub over the
// LAN and where the hub is; on the hub itself, that it serves the hall.
// The core checks the address and who may change it; the sync restarts
// with the new choice at once.

import { call } from '../api.js';
import { h, fill, field, toast } from '../dom.js';

export async function syncPanel(app) {
  const panel = h('section', { class: 'panel', id: 'sync-panel' }, h('h2', {}, '局域网同步（本机）'));
  let o;
  try {
    o = await call('sync_settings');
  } catch (err) {
    panel.append(h('p', { class: 'message error' }, err.message));
    return panel;
  }
  const canEdit = app.can('edit_center');
  const enabled = h('input', { type: 'checkbox', id: 'sync-enabled', checked: o.settings.enabled, disabled: !canEdit });
  const address = h('input', { id: 'sync-hub-address', value: o.settings.hub_address, autocomplete: 'off', disabled: !canEdit, placeholder: '不填则自动在局域网中查找', maxlength: 260 });
  const found = h('div', { id: 'sync-found', class: 'hub-list' });
  const find = canEdit && !o.hub ? h('button', { type: 'button', id: 'sync-find', onclick: async () => {
    fill(found, h('p', { class: 'message' }, '正在局域网中查找中心汇总机…'));
    const list = await call('sync_discover');
    fill(found, ...(list.length
      ? list.map((f) => h('button', { type: 'button', class: 'lan-hub', onclick: () => { address.value = f.address; address.focus(); } },
        `${f.center_name}　汇总机 ${f.hub_code}　${f.address}　指纹 ${f.fingerprint}`))
      : [h('p', { class: 'empty' }, '没有找到中心汇总机')]));
  } }, '在局域网中查找') : null;
  const result = h('p', { class: 'message', id: 'sync-result', role: 'alert' });
  const save = canEdit ? h('button', { type: 'button', id: 'sync-save', onclick: async () => {
    try {
      const s = await call('sync_settings_save', { enabled: enabled.checked, hubAddress: address.value });
      result.className = 'message ok';
      result.textContent = !s.enabled ? '本机的局域网同步已关闭' : o.hub ? '本机作为中心汇总机提供同步服务' : s.hub_address ? `本机将与中心汇总机 ${s.hub_address} 同步` : '本机将在局域网中查找本中心的汇总机并与它同步';
      toast('局域网同步设置已保存');
    } catch (err) {
      result.className = 'message error';
      result.textContent = err.message;
    }
  } }, '保存') : null;
  panel.append(...[
    h('p', { class: 'lead' }, o.hub
      ? '本机是中心汇总机：开启后，大厅内各窗口电脑通过局域网连接本机（端口 47341），新办件和办理步骤几秒内在各窗口可见。局域网断开时各窗口照常受理，恢复后自动补齐；U 盘交换照常可用。'
      : '开启后，本机通过局域网与中心汇总机持续同步：本机受理的办件几秒内送到中心和其他窗口，其他窗口的办理步骤也会送到本机。网络断开时照常受理，恢复后自动补齐。'),
    h('label', { class: 'check' }, enabled, ' 开启局域网同步'),
    o.hub ? null : field('中心汇总机地址', address, 'IP 地址或电脑名，可带端口（默认 47341）；不填则自动在局域网中查找本中心登记的汇总机'),
    find ? h('div', { class: 'actions' }, find) : null,
    found,
    h('div', { class: 'actions' }, save),
    result,
  ].filter(Boolean));
  return panel;
}
