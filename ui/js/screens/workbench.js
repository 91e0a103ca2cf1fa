// 工作台: today's counts, quick search, and the open cases coloured by
// deadline (红灯 overdue, 黄灯 due soon, 正常, 暂停计时).

import { call } from '../api.js';
import { h, fill, cnDate, shortTime, toast } from '../dom.js';
import { backupStatusLine } from './backup.js';

const LIGHT_CLASS = { red: 'red', yellow: 'yellow', green: 'green', paused: 'paused' };

export async function workbenchScreen(root, app, { focusSearch }) {
  const search = h('input', {
    id: 'search-input', type: 'search', autocomplete: 'off',
    placeholder: '姓名或其中一两个字、拼音首字母、村名、编号或身份证号/手机号的后几位，按 Enter 查询',
  });
  const results = h('div', { id: 'search-results' });
  const counts = h('div', { class: 'cards', id: 'today-counts' });
  const list = h('div', { id: 'open-cases' });
  const backup = h('div', { id: 'home-backup' });
  const calendarNotice = h('div', { id: 'home-calendar' });
  const centerNotice = h('div', { id: 'home-center' });
  const moved = h('div', { id: 'moved-due-dates' });
  const covering = h('div', { id: 'covering' });
  const form = h('form', { class: 'search', id: 'search-form' },
    h('label', { for: 'search-input' }, '快速查询'), search,
    h('button', { type: 'submit' }, '查询'));
  // Best matches first (numbers, then names, then addresses), a page at
  // a time (the core decides its length).
  const show = async (text, page) => {
    try {
      const { cases: found, first, more } = await call('cases_search', { text, page });
      const pager = (page > 0 || more) ? h('div', { class: 'actions', id: 'search-pager' },
        page > 0 ? h('button', { type: 'button', id: 'search-previous', onclick: () => show(text, page - 1) }, '上一页') : null,
        h('span', { class: 'hint' }, `第 ${page + 1} 页`),
        more ? h('button', { type: 'button', id: 'search-next', onclick: () => show(text, page + 1) }, '下一页') : null) : null;
      fill(results,
        h('h2', {}, page || more ? `查询“${text}”：第 ${first}–${first + found.length - 1} 件` : `查询“${text}”：找到 ${found.length} 件`),
        found.length ? caseTable(found, app) : h('p', { class: 'empty' }, '没有找到办件'),
        pager);
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = search.value.trim();
    if (!text) { fill(results); return; }
    await show(text, 0);
  });
  fill(root,
    h('section', { class: 'panel' }, h('h1', {}, '工作台'), counts, centerNotice, calendarNotice, backup, form, results),
    covering,
    moved,
    h('section', { class: 'panel' }, h('h2', {}, '在办件（按到期紧急程度）'), list));
  if (focusSearch) search.focus();
  try {
    const wb = await call('workbench');
    const c = wb.counts;
    fill(counts,
      card('今日接件', c.received, ''),
      card('受理', c.accepted, ''),
      card('即办', c.on_the_spot, ''),
      card('一次性告知', c.notice, ''),
      card('不予受理', c.refused, ''),
      card('今日办结', c.completed, ''),
      card('在办', wb.open_cases, ''),
      card('红灯（已超期）', wb.red, wb.red ? 'red' : ''),
      card('黄灯（即将到期）', wb.yellow, wb.yellow ? 'yellow' : ''));
    if (wb.backup) {
      fill(backup, h('div', { class: 'backup-line' }, h('strong', {}, '数据备份：'), backupStatusLine(wb.backup),
        h('button', { type: 'button', id: 'home-backup-open', onclick: () => app.go('backup') }, '备份设置…')));
    }
    if (wb.center_notice) {
      fill(centerNotice, h('div', { class: 'backup-line' },
        h('p', { class: 'message error', id: 'center-notice' }, wb.center_notice),
        h('button', { type: 'button', id: 'home-center-open', onclick: () => app.go('center') }, '中心设置…')));
    }
    if (wb.calendar_notice) {
      fill(calendarNotice, h('div', { class: 'backup-line' },
        h('p', { class: 'message error', id: 'calendar-notice' }, wb.calendar_notice),
        app.can('edit_calendar')
          ? h('button', { type: 'button', id: 'home-calendar-open', onclick: () => app.go('calendar') }, '节假日安排…')
          : null));
    }
    fill(covering, ...wb.covering.map((c) => h('section', { class: 'panel', dataset: { absent: c.absent_staff_no } },
      h('h2', {}, `AB 角：${c.absent_name}（工号 ${c.absent_staff_no}）不在岗，${cnDate(c.from)}至${cnDate(c.to)}由您代为办理（${c.cases.length} 件在办）`),
      c.cases.length ? caseTable(c.cases, app, 'covering-table') : h('p', { class: 'empty' }, `${c.absent_name}名下没有在办件`))));
    if (wb.moved.length) {
      fill(moved, h('section', { class: 'panel warning' },
        h('h2', {}, `办结期限已随节假日安排调整的在办件（${wb.moved.length} 件），请告知申请人，需要时补打受理通知书`),
        movedTable(wb.moved, app)));
    }
    fill(list, wb.watched.length ? watchTable(wb.watched, app) : h('p', { class: 'empty' }, '当前没有在办件'));
  } catch (err) {
    fill(list, h('p', { class: 'message error' }, err.message));
  }
}

function card(label, value, kind) {
  return h('div', { class: `card ${kind}` }, h('div', { class: 'value' }, String(value)), h('div', { class: 'label' }, label));
}

function watchTable(rows, app) {
  return h('table', { class: 'list', id: 'watch-table' },
    h('thead', {}, h('tr', {}, ...['状态', '剩余/逾期', '办件编号', '事项', '申请人', '承办人', '办结期限'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows.map((w) => {
      const days = w.overdue_days > 0 ? `逾期 ${w.overdue_days} 个工作日` : `剩余 ${w.days_left} 个工作日`;
      return h('tr', { tabindex: 0, class: `light-${LIGHT_CLASS[w.light] || ''}`, onclick: () => app.openCase(w.case_no), onkeydown: enter(() => app.openCase(w.case_no)) },
        h('td', {}, h('span', { class: `badge ${LIGHT_CLASS[w.light] || ''}` }, w.light_label)),
        h('td', {}, w.light === 'paused' ? '暂停计时' : days),
        h('td', { class: 'mono' }, w.case_no),
        h('td', {}, w.matter_name),
        h('td', {}, w.applicant_name),
        h('td', {}, w.handler),
        h('td', {}, cnDate(w.due_date), w.due_note || '', w.extended ? '（已延期）' : ''));
    })));
}

function movedTable(rows, app) {
  return h('table', { class: 'list', id: 'moved-table' },
    h('thead', {}, h('tr', {}, ...['办件编号', '事项', '申请人', '原办结期限', '调整后办结期限', '调整时间'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows.map((m) =>
      h('tr', { tabindex: 0, onclick: () => app.openCase(m.case_no), onkeydown: enter(() => app.openCase(m.case_no)) },
        h('td', { class: 'mono' }, m.case_no),
        h('td', {}, m.matter_name),
        h('td', {}, m.applicant_name),
        h('td', {}, cnDate(m.old_due_date)),
        h('td', {}, h('strong', {}, cnDate(m.new_due_date))),
        h('td', {}, shortTime(m.at))))));
}

export function caseTable(rows, app, id = 'case-table') {
  return h('table', { class: 'list', id },
    h('thead', {}, h('tr', {}, ...['办件编号', '查询码', '结果', '状态', '申请人', '身份证号', '事项', '接件时间', '办结期限'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows.map((c) =>
      h('tr', { tabindex: 0, onclick: () => app.openCase(c.case_no), onkeydown: enter(() => app.openCase(c.case_no)) },
        h('td', { class: 'mono' }, c.case_no),
        h('td', { class: 'mono' }, c.query_code),
        h('td', {}, c.outcome_label),
        h('td', {}, c.state_label),
        h('td', {}, c.applicant_name),
        h('td', { class: 'mono' }, c.applicant_id_number),
        h('td', {}, c.matter_name),
        h('td', {}, shortTime(c.received_at)),
        h('td', {}, cnDate(c.due_date), c.due_note || '', c.extended ? '（已延期）' : '')))));
}

function enter(f) {
  return (e) => { if (e.key === 'Enter') { e.preventDefault(); f(); } };
}
