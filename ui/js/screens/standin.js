// AB角 (manager): who stands in for whom, from–to. The list shows the
// stand-ins running, ahead and lately ended; a form sets one (A角 and B角
// chosen from the center's clerks and managers); one running or ahead can
// be ended when the clerk is back. On those days the stand-in's 工作台
// lists the absent clerk's open cases. The rules (dates in order, not the
// same person, who may stand in) are the core's.

import { call, screenData } from '../api.js';
import { h, fill, field, toast, cnDate } from '../dom.js';

export async function standInScreen(root, app) {
  const o = await screenData(root, 'stand_ins');
  if (!o) return;
  const canEdit = app.can('edit_center');
  const message = h('p', { class: 'message', id: 'standin-message', role: 'alert' });
  const failed = (err) => {
    message.className = 'message error';
    message.textContent = err.message;
  };
  const reload = () => standInScreen(root, app);
  const person = (id) => h('select', { id },
    h('option', { value: '' }, '（请选择）'),
    o.candidates.map((u) => h('option', { value: u.username }, `${u.display_name}（工号 ${u.staff_no}）`)));
  const absent = person('standin-absent');
  const standIn = person('standin-by');
  const from = h('input', { id: 'standin-from', inputmode: 'numeric', placeholder: '如 2026-12-04', value: o.today, autocomplete: 'off' });
  const to = h('input', { id: 'standin-to', inputmode: 'numeric', placeholder: '如 2026-12-08', autocomplete: 'off' });

  const form = h('form', { class: 'panel', id: 'standin-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!absent.value || !standIn.value) {
      failed(new Error('请选择不在岗的人（A 角）和代为办理的人（B 角）'));
      (absent.value ? standIn : absent).focus();
      return;
    }
    try {
      await call('stand_in_set', { form: { absent: absent.value, stand_in: standIn.value, from: from.value, to: to.value } });
      toast(`已设置 AB 角：${absent.selectedOptions[0].textContent} 由 ${standIn.selectedOptions[0].textContent} 代为办理`);
      await reload();
    } catch (err) { failed(err); }
  } },
    h('h2', {}, '设置 AB 角'),
    h('div', { class: 'grid4' },
      field('不在岗的人（A 角）', absent),
      field('代为办理的人（B 角）', standIn),
      field('开始日期（YYYY-MM-DD）', from),
      field('结束日期（含）', to)),
    h('p', { class: 'hint' }, '在这些日子里，B 角可以办理 A 角名下办件的补正、恢复、办结、退回、撤回；B 角的工作台列出 A 角的在办件。每一步仍记为 B 角本人所办。'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'standin-save' }, '设置')));

  const end = async (s) => {
    try {
      const r = await call('stand_in_end', { absent: s.absent_username, standIn: s.stand_in_username, from: s.from });
      toast(`已结束：${s.stand_in_name} 代 ${s.absent_name} 办理至 ${cnDate(r.last_day)}`);
      await reload();
    } catch (err) { failed(err); }
  };
  const rows = o.list.map((s) => h('tr', { dataset: { absent: s.absent_username, by: s.stand_in_username } },
    h('td', {}, s.absent_name),
    h('td', {}, s.stand_in_name),
    h('td', {}, cnDate(s.from)),
    h('td', {}, cnDate(s.to)),
    h('td', { class: `standin-${s.status_label}` }, s.status_label),
    h('td', {}, canEdit && s.endable
      ? h('button', { type: 'button', class: 'small', onclick: () => end(s) }, s.status_label === '未开始' ? '取消' : '今天起结束')
      : null)));

  fill(root,
    h('section', { class: 'panel' },
      h('h1', {}, 'AB 角'),
      h('p', { class: 'lead' }, '窗口人员请假、外出时，由另一位工作人员（B 角）代为办理其名下的办件。'),
      message,
      o.list.length
        ? h('table', { class: 'list', id: 'standin-table' },
          h('thead', {}, h('tr', {}, ['A 角（不在岗）', 'B 角（代为办理）', '开始', '结束', '状态', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, rows))
        : h('p', { class: 'empty', id: 'standin-empty' }, '目前没有 AB 角安排')),
    canEdit ? form : null);
  (canEdit ? absent : root).focus();
}
