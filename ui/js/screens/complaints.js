// 投诉登记: register a complaint (推诿、拖延、刁难…) and see the open ones
// with their deadlines. The complainant's name is shown only to managers.

import { call } from '../api.js';
import { h, fill, field, cnDate, toast } from '../dom.js';

export async function complaintsScreen(root, app) {
  let board;
  try {
    board = await call('complaints_open');
  } catch (err) {
    fill(root, h('section', { class: 'panel' }, h('p', { class: 'message error' }, err.message)));
    return;
  }
  const input = (id, attrs = {}) => h('input', { id, autocomplete: 'off', ...attrs });
  const name = input('complaint-name');
  const contact = input('complaint-contact');
  const channel = h('select', { id: 'complaint-channel' }, ...board.channels.map((c) => h('option', { value: c }, c)));
  const category = h('select', { id: 'complaint-category' }, ...board.categories.map((c) => h('option', { value: c }, c)));
  const target = input('complaint-target', { placeholder: '被投诉的窗口、人员或办件编号' });
  const content = h('textarea', { id: 'complaint-content', rows: 3 });
  const message = h('div', { class: 'message', role: 'alert' });
  const form = h('form', { class: 'panel', id: 'complaint-form' },
    h('h1', {}, '投诉登记'),
    h('div', { class: 'grid2' },
      field('投诉人', name), field('联系方式', contact),
      field('投诉方式', channel), field('投诉类别', category)),
    field('投诉对象', target), field('投诉内容', content), message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '登记投诉（Enter）')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const c = await call('complaint_register', { form: {
        complainant_name: name.value, complainant_contact: contact.value, channel: channel.value,
        target: target.value, category: category.value, content: content.value,
      } });
      toast(`投诉已登记，须在 ${cnDate(c.deadline)} 前答复`);
      complaintsScreen(root, app);
    } catch (err) {
      message.textContent = err.message;
      message.className = 'message error';
    }
  });
  fill(root, form, h('section', { class: 'panel' }, h('h2', {}, `未办结投诉（${board.open.length} 件）`),
    board.open.length ? h('table', { class: 'list', id: 'complaint-table' },
      h('thead', {}, h('tr', {}, ...['登记日期', '投诉人', '方式', '类别', '对象', '内容', '答复期限', '状态'].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...board.open.map((c) => h('tr', {},
        h('td', {}, cnDate(c.received_on)), h('td', {}, c.complainant_name), h('td', {}, c.channel),
        h('td', {}, c.category), h('td', {}, c.target), h('td', {}, c.content),
        h('td', {}, cnDate(c.deadline)), h('td', {}, c.state_label)))))
      : h('p', { class: 'empty' }, '没有未办结的投诉')));
  name.focus();
}
