// 投诉登记: register a complaint (推诿、拖延、刁难…) and see the open ones
// with their deadlines. The complainant's name is shown only to managers.

import { call, screenData } from '../api.js';
import { h, fill, field, cnDate, toast } from '../dom.js';

export async function complaintsScreen(root, app, { includeClosed = false } = {}) {
  const board = await screenData(root, 'complaints_open', { includeClosed });
  if (!board) return;
  // 已办结 complaints stay findable.
  const showClosed = h('input', { type: 'checkbox', id: 'complaints-closed', checked: includeClosed,
    onchange: () => complaintsScreen(root, app, { includeClosed: showClosed.checked }) });
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
      toast(`投诉 ${c.number} 已登记，须在 ${cnDate(c.deadline)} 前答复`);
      complaintsScreen(root, app);
    } catch (err) {
      message.textContent = err.message;
      message.className = 'message error';
    }
  });
  fill(root, form, h('section', { class: 'panel' }, h('h2', {}, `${includeClosed ? '全部投诉' : '未办结投诉'}（${board.open.length} 件）`),
    h('label', { class: 'check' }, showClosed, ' 显示已办结的投诉'),
    board.open.length ? h('table', { class: 'list', id: 'complaint-table' },
      h('thead', {}, h('tr', {}, ...['编号', '登记日期', '投诉人', '方式', '类别', '对象', '内容', '答复期限', '状态', app.can('manage_quality') ? '处理' : ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...board.open.map((c) => h('tr', { dataset: { number: c.number } },
        h('td', { class: 'mono' }, c.number), h('td', {}, cnDate(c.received_on)), h('td', {}, c.complainant_name), h('td', {}, c.channel),
        h('td', {}, c.category), h('td', {}, c.target), h('td', {}, c.content),
        h('td', {}, cnDate(c.deadline)), h('td', {}, c.state_label),
        h('td', {}, app.can('manage_quality') && c.state !== 'closed' ? handling(c) : '')))))
      : h('p', { class: 'empty' }, includeClosed ? '没有投诉' : '没有未办结的投诉')));
  name.focus();

  // A manager's steps: transfer, answer (result and feedback), and record
  // whether the complainant accepts the answer (not accepted: re-check).
  function handling(c) {
    const run = async (request) => {
      try {
        await call('complaint_step', { id: c.complaint_id, request });
        toast('已处理');
        complaintsScreen(root, app);
      } catch (err) {
        toast(err.message, 'error');
      }
    };
    const box = h('div', { class: 'complaint-steps' });
    const ask = (label, fields, submit) => {
      const inputs = fields.map(([key, text]) => h('input', { placeholder: text, dataset: { key } }));
      const form = h('form', { class: 'inline' }, ...inputs, h('button', { type: 'submit', class: 'primary' }, label));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        submit(Object.fromEntries(inputs.map((i) => [i.dataset.key, i.value])));
      });
      fill(box, form);
      inputs[0].focus();
    };
    if (c.state === 'answered') {
      box.append(
        h('button', { type: 'button', onclick: () => run({ step: 'review', accepted: true }) }, '投诉人满意，办结'),
        h('button', { type: 'button', class: 'danger', onclick: () => run({ step: 'review', accepted: false }) }, '不满意，重新核查'));
    } else {
      box.append(
        h('button', { type: 'button', onclick: () => ask('转交', [['to', '转交部门或人员']], (v) => run({ step: 'transfer', to: v.to })) }, '转交'),
        h('button', { type: 'button', onclick: () => ask('答复', [['result', '处理结果'], ['feedback', '向投诉人反馈的内容']], (v) => run({ step: 'answer', ...v })) }, '答复'));
    }
    return box;
  }
}
