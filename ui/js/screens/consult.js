// 咨询登记: record an enquiry (首问负责制), see today's, and turn one into
// an intake in one step.

import { call } from '../api.js';
import { matterSearch } from '../matter_search.js';
import { h, fill, field, shortTime, toast, codePointInput } from '../dom.js';

export async function consultScreen(root, app) {
  const input = (id, attrs = {}) => h('input', { id, name: id, autocomplete: 'off', ...attrs });
  const channel = h('select', { id: 'consult-channel' }, h('option', { value: 'walk_in' }, '当面'), h('option', { value: 'phone' }, '电话'));
  const askerName = codePointInput(input('consult-name'));
  const askerPhone = input('consult-phone');
  const question = h('textarea', { id: 'consult-question', rows: 2, required: true });
  // The matter asked about, found as on 受理 (name, code, pinyin initials).
  let matterCode = null;
  const matterQuery = input('consult-matter', { type: 'search', placeholder: '事项名称、编码或拼音首字母（选填）' });
  const matterList = h('ul', { class: 'choices', id: 'consult-matter-choices', role: 'listbox' });
  matterSearch(matterQuery, matterList, (code, m) => {
    matterCode = code;
    matterQuery.value = m ? `${m.code} ${m.name}` : code;
    fill(matterList);
    question.focus();
  });
  // Typing again after a choice drops it until another is taken.
  matterQuery.addEventListener('input', () => { matterCode = null; });
  const answer = h('textarea', { id: 'consult-answer', rows: 2, required: true });
  const dept = input('consult-followup', { placeholder: '需其他部门答复时填写部门' });
  const message = h('div', { class: 'message', role: 'alert' });
  const list = h('div', { id: 'consult-list' });
  const form = h('form', { class: 'panel', id: 'consult-form' },
    h('h1', {}, '咨询登记'),
    h('div', { class: 'grid2' }, field('咨询方式', channel), h('div', {}, field('咨询的事项（选填）', matterQuery), matterList),
      field('咨询人姓名（选填）', askerName), field('联系电话（选填）', askerPhone)),
    field('咨询内容', question), field('答复内容', answer), field('转其他部门答复（选填）', dept),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '保存咨询（Ctrl+Enter）')));
  async function save() {
    if (matterQuery.value.trim() && !matterCode) {
      message.textContent = '请从列表中选择咨询的事项（Enter 选第一个），或清空事项一栏';
      message.className = 'message error';
      matterQuery.focus();
      return;
    }
    try {
      await call('consultation_record', { form: {
        channel: channel.value, asker_name: askerName.value, asker_phone: askerPhone.value,
        question: question.value, matter_code: matterCode, answer: answer.value,
        follow_up_department: dept.value.trim() || null, follow_up_days: null,
      } });
      toast('咨询已登记');
      consultScreen(root, app);
    } catch (err) {
      message.textContent = err.message;
      message.className = 'message error';
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); save(); });
  form.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.ctrlKey) { e.preventDefault(); save(); } });
  fill(root, form, h('section', { class: 'panel' }, h('h2', {}, '今日咨询'), list));
  question.focus();
  try {
    const today = await call('consultations_today');
    fill(list, today.length ? h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ...['时间', '方式', '咨询人', '内容', '答复', '首问负责人', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...today.map((c) => h('tr', {},
        h('td', {}, shortTime(c.asked_at)), h('td', {}, c.channel === 'phone' ? '电话' : '当面'),
        h('td', {}, c.asker_name || '—'), h('td', {}, c.question), h('td', {}, c.answer), h('td', {}, c.owner),
        h('td', {}, c.case_no
          ? h('button', { type: 'button', onclick: () => app.openCase(c.case_no) }, `已受理 ${c.case_no}`)
          : app.can('intake') ? h('button', { type: 'button', onclick: () => app.go('intake', { consultation: c }) }, '转为受理') : ''))))) 
      : h('p', { class: 'empty' }, '今天还没有咨询登记'));
  } catch (err) {
    toast(err.message, 'error');
  }
}
