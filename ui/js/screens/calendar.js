// 节假日: a year as twelve month grids (放假, 调休上班, weekends), the loaded
// years, and for a manager: enter the official schedule in a form (holiday
// ranges and make-up days), import a file, or compute a provisional year
// from the statutory rules, look at it, and confirm it. Whatever is loaded
// moves the open cases' due dates the core says it moves; they are listed.

import { call, screenData } from '../api.js';
import { h, fill, field, toast, cnDate, shortTime } from '../dom.js';
import { choosePath } from '../chooser.js';

const WEEK = ['一', '二', '三', '四', '五', '六', '日'];
const KIND_MARK = { holiday: '休', workday: '班' };

export async function calendarScreen(root, app, { year, loaded } = {}) {
  const o = await screenData(root, 'calendar_overview', { year: year ?? null });
  if (!o) return;
  const show = (y) => calendarScreen(root, app, { year: y });
  const canEdit = app.can('edit_calendar');
  const result = h('div', { id: 'calendar-result' });
  const work = h('div', { id: 'calendar-work' });

  const loadedBanner = (r) => {
    const s = r.schedule;
    const kind = s.provisional ? '暂定' : '正式';
    fill(result, h('section', { class: r.moved.length ? 'panel warning' : 'panel' },
      h('p', { class: 'message ok', id: 'calendar-loaded' },
        `已载入 ${s.year} 年${kind}节假日安排。${r.moved.length ? `${r.moved.length} 件在办件的办结期限随之调整：` : '没有在办件的办结期限需要调整。'}`),
      r.moved.length ? movedList(r.moved, app) : null));
  };
  const done = (r) => {
    toast(`已载入 ${r.schedule.year} 年节假日安排`);
    return calendarScreen(root, app, { year: r.schedule.year, loaded: r });
  };
  const failed = (err) => {
    fill(result, h('p', { class: 'message error', id: 'calendar-error' }, err.message));
    result.scrollIntoView({ block: 'nearest' });
  };

  const prev = h('button', { type: 'button', id: 'calendar-prev', onclick: () => show(o.year - 1) }, `‹ ${o.year - 1} 年`);
  const next = h('button', { type: 'button', id: 'calendar-next', onclick: () => show(o.year + 1) }, `${o.year + 1} 年 ›`);

  const provisionalButton = h('button', { type: 'button', id: 'calendar-provisional', onclick: async () => {
    try {
      const v = await call('calendar_provisional', { year: o.year });
      const confirm = h('button', { type: 'button', id: 'calendar-provisional-confirm', class: 'primary', onclick: async () => {
        try { await done(await call('calendar_provisional_apply', { year: o.year })); } catch (err) { failed(err); }
      } }, `确认载入 ${o.year} 年暂定安排`);
      fill(work, h('section', { class: 'panel', id: 'calendar-preview' },
        h('h2', {}, `${o.year} 年暂定安排（预览，尚未载入）`),
        h('p', {}, v.source),
        h('p', { class: 'hint' }, '暂定安排只含法定节日及其周末补休，不含调休上班日；据此计算的办结期限标注“按暂定节假日计算”。国务院办公厅正式通知发布后，请在本页录入正式安排，在办件的期限随之调整。'),
        periodList(v),
        h('div', { class: 'actions' }, confirm,
          h('button', { type: 'button', onclick: () => fill(work) }, '取消')),
        months(v)));
      confirm.focus();
    } catch (err) { failed(err); }
  } }, '按法定规则推算暂定安排…');

  const entryButton = h('button', { type: 'button', id: 'calendar-enter', onclick: () => {
    fill(work, entryForm(o, async (entry) => {
      try { await done(await call('calendar_enter', { entry })); } catch (err) { failed(err); }
    }));
    const first = work.querySelector('input');
    if (first) first.focus();
  } }, o.view && !o.view.provisional ? '修改正式安排…' : '录入正式安排…');

  const importButton = h('button', { type: 'button', id: 'calendar-import', onclick: async () => {
    const picked = await choosePath({ title: '选择节假日安排文件（.toml）', extensions: ['toml'] });
    if (!picked) return;
    try { await done(await call('calendar_import', { path: picked })); } catch (err) { failed(err); }
  } }, '从文件导入…');

  const v = o.view;
  const status = v
    ? h('p', { id: 'calendar-status', class: v.provisional ? 'message error' : 'message ok' },
      `${o.year} 年：${v.provisional ? '暂定安排（按法定规则推算，待正式通知发布后替换）' : '正式安排'}；依据：${v.source}；全年工作日 ${v.working_days} 天`)
    : h('p', { id: 'calendar-status', class: 'message error' },
      `${o.year} 年的节假日安排尚未载入：办结期限落在 ${o.year} 年的事项无法受理。${canEdit ? '请录入正式安排；正式通知尚未发布时，可先推算暂定安排。' : '请联系中心负责人载入。'}`);

  fill(root,
    h('section', { class: 'panel' },
      h('div', { class: 'calendar-head' }, prev, h('h1', { id: 'calendar-year' }, `${o.year} 年节假日安排`), next),
      status,
      canEdit && !(v && !v.provisional) ? h('div', { class: 'actions' }, entryButton, importButton, provisionalButton) : null,
      canEdit && v && !v.provisional ? h('div', { class: 'actions' }, entryButton, importButton) : null,
      result, work),
    v ? h('section', { class: 'panel' }, h('div', { class: 'legend' },
      h('span', { class: 'cal-day holiday' }, '休'), ' 放假　',
      h('span', { class: 'cal-day workday' }, '班'), ' 调休上班　',
      h('span', { class: 'cal-day weekend' }, '六'), ' 周末'), periodList(v), months(v)) : null,
    h('section', { class: 'panel' }, h('h2', {}, '已载入的年份'), yearsTable(o.years, show)));
  if (loaded) loadedBanner(loaded);
}

function periodList(v) {
  const items = [
    ...v.holidays.map((p) => `${p.name}：${cnDate(p.from)}${p.to !== p.from ? ` 至 ${cnDate(p.to)}` : ''} 放假`),
    ...v.workdays.map((w) => `${w.name}：${cnDate(w.date)} 调休上班`),
  ];
  return h('ul', { class: 'periods' }, ...items.map((t) => h('li', {}, t)));
}

// Twelve month grids, Monday first.
function months(v) {
  const byMonth = Array.from({ length: 12 }, () => []);
  for (const c of v.days) byMonth[Number(c.day.slice(5, 7)) - 1].push(c);
  return h('div', { class: 'months', id: 'calendar-months' }, ...byMonth.map((cells, i) => {
    const rows = [];
    let row = Array(cells[0].weekday - 1).fill(null);
    for (const c of cells) {
      row.push(c);
      if (row.length === 7) { rows.push(row); row = []; }
    }
    if (row.length) rows.push(row.concat(Array(7 - row.length).fill(null)));
    return h('table', { class: 'month', dataset: { month: i + 1 } },
      h('caption', {}, `${i + 1} 月`),
      h('thead', {}, h('tr', {}, ...WEEK.map((d) => h('th', {}, d)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => c
        ? h('td', { class: `cal-day ${c.kind}`, title: c.name ? `${c.name}${c.kind === 'holiday' ? '放假' : '调休上班'}` : '', dataset: { day: c.day } },
          String(Number(c.day.slice(8, 10))), KIND_MARK[c.kind] ? h('small', {}, KIND_MARK[c.kind]) : null)
        : h('td', {}))))));
  }));
}

function yearsTable(years, show) {
  if (!years.length) return h('p', { class: 'empty' }, '尚未载入任何年份');
  return h('table', { class: 'list', id: 'calendar-years' },
    h('thead', {}, h('tr', {}, ...['年份', '状态', '放假天数', '调休上班', '依据', '载入时间'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...years.map((y) => h('tr', { tabindex: 0, onclick: () => show(y.year), onkeydown: (e) => { if (e.key === 'Enter') show(y.year); } },
      h('td', {}, `${y.year} 年`),
      h('td', {}, y.provisional ? h('span', { class: 'badge yellow' }, '暂定') : '正式'),
      h('td', {}, String(y.holidays)),
      h('td', {}, String(y.workdays)),
      h('td', {}, y.source),
      h('td', {}, shortTime(y.loaded_at))))));
}

function movedList(moved, app) {
  return h('table', { class: 'list', id: 'calendar-moved' },
    h('thead', {}, h('tr', {}, ...['办件编号', '事项', '申请人', '原办结期限', '调整后'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...moved.map((m) => h('tr', { tabindex: 0, onclick: () => app.openCase(m.case_no), onkeydown: (e) => { if (e.key === 'Enter') app.openCase(m.case_no); } },
      h('td', { class: 'mono' }, m.case_no), h('td', {}, m.matter_name), h('td', {}, m.applicant_name),
      h('td', {}, cnDate(m.old_due_date)), h('td', {}, h('strong', {}, cnDate(m.new_due_date)))))));
}

// The official notice typed in: its title, holiday ranges and make-up
// days. Rows start from what is loaded (an official year being corrected)
// or from the festivals' names; the core checks it all.
function entryForm(o, submit) {
  const v = o.view && !o.view.provisional ? o.view : null;
  const source = h('input', { id: 'entry-source', value: v ? v.source : '', placeholder: `国务院办公厅关于${o.year}年部分节假日安排的通知` });
  const holidayRows = h('tbody', { id: 'entry-holidays' });
  const workdayRows = h('tbody', { id: 'entry-workdays' });
  const holidayRow = (p = {}) => h('tr', {},
    h('td', {}, h('input', { class: 'entry-name', 'aria-label': '节日名称', value: p.name || '' })),
    h('td', {}, h('input', { class: 'entry-from mono', 'aria-label': '放假开始日期', placeholder: `${o.year}-01-01`, value: p.from || '' })),
    h('td', {}, h('input', { class: 'entry-to mono', 'aria-label': '放假结束日期', placeholder: `${o.year}-01-03`, value: p.to || '' })));
  const workdayRow = (w = {}) => h('tr', {},
    h('td', {}, h('input', { class: 'entry-name', 'aria-label': '所属节日', value: w.name || '' })),
    h('td', {}, h('input', { class: 'entry-date mono', 'aria-label': '调休上班日期', placeholder: `${o.year}-02-07`, value: w.date || '' })));
  for (const p of v ? v.holidays : o.festivals.map((name) => ({ name }))) holidayRows.append(holidayRow(p));
  for (const w of v ? v.workdays : [{}, {}, {}]) workdayRows.append(workdayRow(w));
  const value = (tr, cls) => tr.querySelector(cls).value;
  const save = h('button', { type: 'submit', id: 'entry-save', class: 'primary' }, `保存 ${o.year} 年正式安排`);
  const form = h('form', { class: 'panel', id: 'calendar-entry' },
    h('h2', {}, `录入 ${o.year} 年正式安排（按国务院办公厅放假通知）`),
    field('依据（通知名称）', source),
    h('h3', {}, '放假'),
    h('table', { class: 'entry' }, h('thead', {}, h('tr', {}, h('th', {}, '节日'), h('th', {}, '从（年-月-日）'), h('th', {}, '到（年-月-日）'))), holidayRows),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'entry-add-holiday', onclick: () => holidayRows.append(holidayRow()) }, '添加一行放假')),
    h('h3', {}, '调休上班（周末上班的日子）'),
    h('table', { class: 'entry' }, h('thead', {}, h('tr', {}, h('th', {}, '节日'), h('th', {}, '日期（年-月-日）'))), workdayRows),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'entry-add-workday', onclick: () => workdayRows.append(workdayRow()) }, '添加一行调休上班')),
    h('p', { class: 'hint' }, '只填了节日名称、没有填日期的行不保存。保存后在办件的办结期限按新安排重新计算。'),
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const holidays = [...holidayRows.rows]
      .map((tr) => ({ name: value(tr, '.entry-name'), from: value(tr, '.entry-from'), to: value(tr, '.entry-to') }));
    const workdays = [...workdayRows.rows]
      .map((tr) => ({ name: value(tr, '.entry-name'), date: value(tr, '.entry-date') }));
    submit({ year: o.year, source: source.value, holidays, workdays });
  });
  return form;
}
