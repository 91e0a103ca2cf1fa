// 设置—打印机 (this PC): which printer each document goes to (80 mm slips to
// the receipt printer, A4 forms to the A4 printer) and whether it prints by
// itself right after an intake; the printers the print service has now and
// whether each can print. The core checks the printer exists and refuses
// automatic printing without one.

import { call } from '../api.js';
import { h, toast } from '../dom.js';

export async function printersPanel(app) {
  const panel = h('section', { class: 'panel', id: 'printers-panel' }, h('h2', {}, '打印机（本机）'));
  let o;
  try {
    o = await call('printers');
  } catch (err) {
    panel.append(h('p', { class: 'message error' }, err.message));
    return panel;
  }
  const canEdit = app.can('edit_center');
  const rows = o.choices.map((c) => {
    const select = h('select', { id: `printer-${c.kind}`, 'aria-label': `${c.label}的打印机` },
      h('option', { value: '' }, '不直接打印（只保存 PDF）'),
      ...o.printers.map((p) => h('option', { value: p.name, selected: p.name === c.printer },
        `${p.name}${p.description ? `（${p.description}）` : ''}${p.problem ? ' — 暂不能打印' : ''}`)));
    if (c.printer && !o.printers.some((p) => p.name === c.printer)) {
      select.append(h('option', { value: c.printer, selected: true }, `${c.printer}（本机已没有这台打印机）`));
    }
    const auto = h('input', { type: 'checkbox', id: `printer-auto-${c.kind}`, checked: c.auto, 'aria-label': `${c.label}受理后自动打印` });
    select.disabled = auto.disabled = !canEdit;
    const save = canEdit ? h('button', { type: 'button', id: `printer-save-${c.kind}`, onclick: async () => {
      try {
        const saved = await call('printer_choose', { kind: c.kind, printer: select.value || null, auto: auto.checked });
        toast(saved.printer
          ? `${saved.label}将打印到 ${saved.printer}${saved.auto ? '，受理后自动打印' : ''}`
          : `${saved.label}只保存为 PDF`);
        auto.checked = saved.auto;
      } catch (err) {
        // Refused: the boxes show again what is saved.
        select.value = c.printer || '';
        auto.checked = c.auto;
        toast(err.message, 'error');
        return;
      }
      c.printer = select.value || null;
      c.auto = !!c.printer && auto.checked;
    } }, '保存') : null;
    return h('tr', { dataset: { kind: c.kind } },
      h('td', {}, c.label), h('td', {}, c.paper), h('td', {}, select),
      h('td', {}, h('label', { class: 'check' }, auto, ' 受理后自动打印')), h('td', {}, save));
  });
  // DOM append would print a null as "null": leave out what is absent.
  panel.append(...[
    h('p', { class: 'lead' }, '打印机由本机的打印服务提供。为每种文书选择打印机：80 mm 小票选小票打印机，A4 文书选 A4 打印机。勾选“受理后自动打印”的文书在受理保存后立即打印。未选打印机的文书只保存为 PDF，可打开后打印。'),
    o.service_problem ? h('p', { class: 'message error', id: 'printers-problem' }, o.service_problem) : null,
    h('table', { class: 'list', id: 'printer-choices' },
      h('thead', {}, h('tr', {}, h('th', {}, '文书'), h('th', {}, '纸张'), h('th', {}, '打印机'), h('th', {}, '自动'), h('th', {}, ''))),
      h('tbody', {}, ...rows)),
    h('h3', {}, '本机的打印机'),
    o.printers.length
      ? h('ul', { id: 'printer-list' }, ...o.printers.map((p) => h('li', { dataset: { name: p.name } },
        `${p.name}${p.description ? `（${p.description}）` : ''}${p.is_default ? '［默认］' : ''}：`,
        h('span', { class: p.problem ? 'bad' : 'ok' }, p.problem || '可以打印'))))
      : h('p', { class: 'hint', id: 'printer-none' }, o.service_problem ? '' : '打印服务中还没有打印机，请管理员在系统的打印机设置中添加。'),
  ].filter(Boolean));
  return panel;
}
