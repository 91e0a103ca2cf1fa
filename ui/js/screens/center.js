// 中心设置 (manager): what every notice prints about the center (address,
// 咨询电话, 投诉电话), the supply days of a one-time notice, the yellow-light
// days, the login lockout, the idle lock and whether 容缺受理 is allowed. The form is built from the
// core's settings table (labels and limits); a refusal names its setting,
// and the message is shown next to that field. Others see the settings.

import { call, screenData } from '../api.js';
import { h, fill, field, toast } from '../dom.js';
import { printersPanel } from './printers.js';
import { syncPanel } from './lansync.js';

export async function centerScreen(root, app) {
  const o = await screenData(root, 'center_settings');
  if (!o) return;
  const canEdit = app.can('edit_center');
  const message = h('p', { class: 'message', id: 'center-message', role: 'alert' });
  const inputs = {};
  const fields = o.settings.map((s) => {
    if (s.switch) {
      const box = h('input', { id: `center-${s.key}`, type: 'checkbox', checked: !!o.profile[s.key] });
      box.disabled = !canEdit;
      inputs[s.key] = box;
      return h('div', { class: 'field' }, h('label', { class: 'check' }, box, ` ${s.label}`), h('div', { class: 'hint', id: `${box.id}-hint` }));
    }
    const input = s.number
      ? h('input', { id: `center-${s.key}`, type: 'number', min: s.min, max: s.max, step: 1, value: o.profile[s.key] })
      : h('input', { id: `center-${s.key}`, maxlength: s.max, value: o.profile[s.key], autocomplete: 'off' });
    input.disabled = !canEdit;
    inputs[s.key] = input;
    return field(s.label, input, s.number ? `${s.min}–${s.max}` : '');
  });
  const clearMarks = () => {
    for (const [key, input] of Object.entries(inputs)) {
      input.removeAttribute('aria-invalid');
      const s = o.settings.find((x) => x.key === key);
      const hint = document.getElementById(`${input.id}-hint`);
      if (hint) hint.className = 'hint';
      if (hint) hint.textContent = s.number ? `${s.min}–${s.max}` : '';
    }
  };
  const form = h('form', { class: 'panel', id: 'center-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    // A second Enter while the first is on its way saves nothing twice.
    if (form.dataset.busy) return;
    clearMarks();
    message.textContent = '';
    const profile = {};
    for (const s of o.settings) {
      const v = inputs[s.key].value;
      if (s.switch) profile[s.key] = inputs[s.key].checked;
      else profile[s.key] = s.number ? Number(v.trim() === '' ? NaN : v) : v;
    }
    const bad = o.settings.find((s) => s.number && !Number.isInteger(profile[s.key]));
    if (bad) {
      markField(bad, `${bad.label}应为 ${bad.min} 到 ${bad.max} 之间的整数`);
      return;
    }
    form.dataset.busy = '1';
    try {
      const saved = await call('center_save', { profile });
      app.state.idleMinutes = saved.idle_minutes;
      toast('中心设置已保存，此后打印的文书按新信息');
      await centerScreen(root, app);
    } catch (err) {
      // The core's refusal names the setting by its label.
      const s = o.settings.find((x) => err.message.includes(x.label));
      if (s) markField(s, err.message);
      else { message.className = 'message error'; message.textContent = err.message; }
    } finally {
      delete form.dataset.busy;
    }
  } },
    h('h1', {}, '中心设置'),
    h('p', { class: 'lead' }, '名称、地址和电话印在受理通知书、一次性告知单、办事指南等每份文书上；修改后随数据交换同步到本中心的每台电脑。'),
    h('div', { class: 'grid3' }, fields),
    message,
    canEdit
      ? h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'center-save' }, '保存（Enter）'))
      : h('p', { class: 'hint' }, '只有中心负责人可以修改。'));
  function markField(s, text) {
    const input = inputs[s.key];
    input.setAttribute('aria-invalid', 'true');
    const hint = document.getElementById(`${input.id}-hint`);
    hint.className = 'hint error';
    hint.textContent = text;
    input.focus();
  }
  fill(root, form);
  if (canEdit) inputs[o.settings[0].key].focus();
  root.append(await printersPanel(app));
  root.append(await syncPanel(app));
}
