// 统计 (managers): the queue by deadline colour, today's counts, this
// month's rates, a chart drawn as SVG from the core's numbers, the most
// overdue cases, and exporting the daily ledger to a folder (USB).

import { call, screenData } from '../api.js';
import { h, fill, field, cnDate } from '../dom.js';
import { choosePath } from '../chooser.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

/** Horizontal bars, one per [label, value, colour]. */
function bars(items, title) {
  const width = 520;
  const row = 34;
  const max = Math.max(1, ...items.map((i) => i[1]));
  const chart = svg('svg', { width, height: items.length * row + 30, role: 'img', 'aria-label': title, class: 'chart' });
  chart.append(svg('text', { x: 0, y: 16, class: 'chart-title' }, title));
  items.forEach(([label, value, colour], i) => {
    const y = 26 + i * row;
    const w = Math.round((value / max) * (width - 200));
    chart.append(
      svg('text', { x: 0, y: y + 18 }, label),
      svg('rect', { x: 130, y: y + 4, width: Math.max(w, 1), height: 20, fill: colour }),
      svg('text', { x: 136 + w, y: y + 19 }, value));
  });
  return chart;
}

const pct = (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

export async function statsScreen(root, app) {
  const d = await screenData(root, 'dashboard_today');
  if (!d) return;
  const card = (label, value, kind = '') => h('div', { class: `card ${kind}` }, h('div', { class: 'value' }, String(value)), h('div', { class: 'label' }, label));
  const folder = h('input', { id: 'ledger-folder', placeholder: '导出文件夹，如 U 盘：/media/usb' });
  const day = h('input', { id: 'ledger-day', value: d.today, placeholder: '2026-11-23', maxlength: 10 });
  const format = h('select', { id: 'ledger-format' }, h('option', { value: 'xlsx' }, 'Excel（XLSX）'), h('option', { value: 'csv' }, 'CSV'), h('option', { value: 'pdf' }, 'PDF（打印签字）'));
  const result = h('div', { id: 'ledger-result', class: 'message' });
  const choose = h('button', { type: 'button', id: 'ledger-choose', onclick: async () => {
    const picked = await choosePath({ folder: true, title: '选择导出文件夹（U 盘）' });
    if (picked) folder.value = picked;
  } }, '选择文件夹…');
  const form = h('form', { id: 'ledger-form', class: 'panel' },
    h('h2', {}, '导出日台账'),
    h('div', { class: 'grid2' }, field('导出到', folder), field('日期', day), field('格式', format)),
    h('div', { class: 'actions' }, choose, h('button', { type: 'submit', class: 'primary' }, '导出（Enter）')),
    result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const w = await call('ledger_export', { form: { folder: folder.value, day: day.value, format: format.value } });
      result.textContent = `已导出 ${w.path}（${w.rows} 件，${w.bytes} 字节）`;
      result.className = 'message';
    } catch (err) {
      result.textContent = err.message;
      result.className = 'message error';
    }
  });
  const month = h('input', { id: 'monthly-month', value: String(d.today).slice(0, 7), placeholder: '2026-11', maxlength: 7 });
  const monthFormat = h('select', { id: 'monthly-format' }, h('option', { value: 'pdf' }, 'PDF（含图表）'), h('option', { value: 'xlsx' }, 'Excel（XLSX）'));
  const monthResult = h('div', { id: 'monthly-result', class: 'message' });
  const monthly = h('button', { type: 'button', id: 'monthly-export', onclick: async () => {
    try {
      const w = await call('monthly_export', { form: { folder: folder.value, month: month.value, format: monthFormat.value } });
      monthResult.textContent = `已导出 ${w.path}（${w.bytes} 字节）`;
      monthResult.className = 'message';
    } catch (err) {
      monthResult.textContent = err.message;
      monthResult.className = 'message error';
    }
  } }, '导出月报');
  form.append(h('h2', {}, '导出月报（导出到上面的文件夹）'),
    h('div', { class: 'grid2' }, field('月份', month), field('格式', monthFormat)),
    h('div', { class: 'actions' }, monthly), monthResult);
  const m = d.month;
  fill(root,
    h('section', { class: 'panel' },
      h('h1', {}, `统计（${cnDate(d.today)}）`),
      h('div', { class: 'cards', id: 'stats-queue' },
        card('红灯（已超期）', d.queue.red, d.queue.red ? 'red' : ''),
        card('黄灯（即将到期）', d.queue.yellow, d.queue.yellow ? 'yellow' : ''),
        card('正常', d.queue.green), card('暂停计时', d.queue.paused),
        card('今日接件', d.counts.received), card('今日办结', d.counts.completed)),
      h('div', { class: 'cards', id: 'stats-month' },
        card('本月接件', m.received), card('本月办结', m.completed),
        card('按时办结率', pct(m.on_time_rate)), card('现场办结率', pct(m.on_the_spot_rate)),
        card('满意率', pct(m.satisfaction_rate)), card('本月评价', m.evaluations)),
      h('div', { class: 'charts' },
        bars([['红灯', d.queue.red, '#b02020'], ['黄灯', d.queue.yellow, '#e0a800'], ['正常', d.queue.green, '#1e7b34'], ['暂停计时', d.queue.paused, '#8a949e']], '在办件'),
        bars([['受理', d.counts.accepted, '#1e7b34'], ['即办', d.counts.on_the_spot, '#3b82c4'], ['一次性告知', d.counts.notice, '#e0a800'], ['不予受理', d.counts.refused, '#b02020']], '今日接件'))),
    form,
    h('section', { class: 'panel' }, h('h2', {}, '超期最久的办件'),
      d.most_overdue.length ? h('table', { class: 'list', id: 'overdue-table' },
        h('thead', {}, h('tr', {}, ...['逾期', '办件编号', '事项', '申请人', '承办人', '办结期限'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...d.most_overdue.map((w) => h('tr', { onclick: () => app.openCase(w.case_no) },
          h('td', {}, `${w.overdue_days} 个工作日`), h('td', { class: 'mono' }, w.case_no), h('td', {}, w.matter_name),
          h('td', {}, w.applicant_name), h('td', {}, w.handler), h('td', {}, cnDate(w.due_date))))))
        : h('p', { class: 'empty' }, '没有超期的办件')));
}
