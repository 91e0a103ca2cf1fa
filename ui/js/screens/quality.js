// 整改与回访 (manager). 整改: the items a bad rating opened, by due date,
// overdue ones marked; one is closed with a written result. 回访: draw a
// sample of the cases completed in a period (the center's share; every
// named bad rating is always included), then record each call — reached
// or not, and what the applicant said. 告知承诺核查: the cases taken in on
// a promise whose 核查 is open, the overdue ones first, and the share of
// promises found false. The rules (who may, the share's range, a result
// written) are the core's.

import { call, screenData } from '../api.js';
import { h, fill, field, toast, cnDate, shortTime } from '../dom.js';

export async function qualityScreen(root, app, { allClosed = false } = {}) {
  const o = await screenData(root, 'quality_overview', { allClosed });
  if (!o) return;
  const reload = () => qualityScreen(root, app, { allClosed });
  // 已办结 stay findable: every closed item, not only the last 30 days'.
  const showAll = h('input', { type: 'checkbox', id: 'quality-all-closed', checked: allClosed,
    onchange: () => qualityScreen(root, app, { allClosed: showAll.checked }) });
  const message = h('p', { class: 'message', id: 'quality-message', role: 'alert' });
  const failed = (err, focus) => {
    message.className = 'message error';
    message.textContent = err.message;
    if (focus) focus.focus();
  };

  // 整改
  const result = h('textarea', { id: 'rectify-result', rows: 3, placeholder: '如：已与申请人电话沟通致歉，高峰期增开综合窗口分流' });
  const which = h('p', { id: 'rectify-which', class: 'hint' });
  let chosen = null;
  const rectifyForm = h('form', { id: 'rectify-form', hidden: true, novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (!chosen || rectifyForm.dataset.busy) return;
    rectifyForm.dataset.busy = '1';
    try {
      await call('rectification_close', { id: chosen.rectification_id, result: result.value });
      toast(`整改 ${chosen.number} 已关闭：${chosen.case_no || '咨询评价'}`);
      await reload();
    } catch (err) { failed(err, result); } finally { delete rectifyForm.dataset.busy; }
  } },
    which,
    field('整改结果', result),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'rectify-close' }, '关闭整改'),
      h('button', { type: 'button', onclick: () => { rectifyForm.hidden = true; chosen = null; } }, '取消')));
  const openRectify = (r) => {
    chosen = r;
    which.textContent = `${r.number}　${r.case_no || '咨询评价'}　${r.matter_name || ''}　${r.level_label}：${r.comment || r.reasons.join('、') || '（未写意见）'}`;
    rectifyForm.hidden = false;
    result.value = '';
    result.focus();
  };
  const rectRows = o.rectifications.map((r) => h('tr', { dataset: { id: r.rectification_id, number: r.number, case: r.case_no || '' }, class: r.overdue ? 'overdue' : null },
    h('td', { class: 'mono' }, r.number),
    h('td', {}, r.case_no || '（咨询）'),
    h('td', {}, r.matter_name || '—'),
    h('td', {}, r.applicant_name || '—'),
    h('td', {}, r.level_label),
    h('td', {}, [r.reasons.join('、'), r.comment].filter(Boolean).join('；') || '—'),
    h('td', {}, r.assigned_to),
    h('td', { class: r.overdue ? 'bad' : null }, cnDate(r.due_date), r.overdue ? '（已超期）' : ''),
    h('td', {}, r.result
      ? h('span', { class: 'hint' }, `已关闭（${shortTime(r.closed_at)}）：${r.result}`)
      : h('button', { type: 'button', class: 'small', onclick: () => openRectify(r) }, '填写整改结果'))));

  // 回访
  const from = h('input', { id: 'followup-from', value: o.from, inputmode: 'numeric', autocomplete: 'off' });
  const to = h('input', { id: 'followup-to', value: o.to, inputmode: 'numeric', autocomplete: 'off' });
  const percent = h('input', { id: 'followup-percent', type: 'number', min: 1, max: 100, step: 1, value: o.sample_percent });
  const drawForm = h('form', { id: 'followup-draw-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (drawForm.dataset.busy) return;
    drawForm.dataset.busy = '1';
    try {
      const share = percent.value.trim() === '' ? null : Number(percent.value);
      const drawn = await call('followup_sample', { form: { from: from.value, to: to.value, percent: share } });
      toast(drawn.length ? `已抽取 ${drawn.length} 件待回访` : '这段时间没有可抽取的办件');
      await reload();
    } catch (err) { failed(err, from); } finally { delete drawForm.dataset.busy; }
  } },
    h('div', { class: 'grid4' },
      field('办结日期起（YYYY-MM-DD）', from),
      field('办结日期止', to),
      field('抽样比例（%）', percent),
      h('div', { class: 'field' }, h('span', { class: 'label' }, '\u00a0'),
        h('button', { type: 'submit', class: 'primary', id: 'followup-draw' }, '抽取回访'))),
    h('p', { class: 'hint' }, '按比例随机抽取这段时间办结的办件；实名差评的办件全部纳入回访，不占比例。'));

  const reached = h('input', { type: 'radio', name: 'followup-reached', id: 'followup-reached', value: 'yes', checked: true });
  const unreached = h('input', { type: 'radio', name: 'followup-reached', id: 'followup-unreached', value: 'no' });
  const outcome = h('textarea', { id: 'followup-outcome', rows: 3, placeholder: '如：申请人表示满意，津贴已到账' });
  const whom = h('p', { id: 'followup-whom', class: 'hint' });
  let callee = null;
  const callForm = h('form', { id: 'followup-form', hidden: true, novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (!callee || callForm.dataset.busy) return;
    callForm.dataset.busy = '1';
    try {
      await call('followup_record', { callId: callee.call_id, reached: reached.checked, outcome: outcome.value });
      toast(`已记录回访 ${callee.number}：${callee.case_no}`);
      await reload();
    } catch (err) { failed(err, outcome); } finally { delete callForm.dataset.busy; }
  } },
    whom,
    h('div', { class: 'checks' },
      h('label', { class: 'check' }, reached, '已联系上申请人'),
      h('label', { class: 'check' }, unreached, '未联系上（空号、无人接听等）')),
    field('回访情况', outcome),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'followup-save' }, '保存回访记录'),
      h('button', { type: 'button', onclick: () => { callForm.hidden = true; callee = null; } }, '取消')));
  const openCall = (f) => {
    callee = f;
    whom.textContent = `${f.number}　${f.case_no}　${f.matter_name}　${f.applicant_name}　电话 ${f.applicant_phone}`;
    callForm.hidden = false;
    outcome.value = '';
    reached.checked = true;
    reached.focus();
  };
  const callRows = o.followups.map((f) => h('tr', { dataset: { call: f.call_id, number: f.number, case: f.case_no } },
    h('td', { class: 'mono' }, f.number),
    h('td', {}, f.case_no),
    h('td', {}, f.matter_name),
    h('td', {}, f.applicant_name),
    h('td', { class: 'mono' }, f.applicant_phone),
    h('td', {}, cnDate(f.completed_on)),
    h('td', { class: f.bad_rating ? 'bad' : null }, f.bad_rating ? '差评必访' : '抽样'),
    h('td', {}, f.called_at
      ? h('span', { class: 'hint' }, `${f.reached ? '已联系上' : '未联系上'}（${shortTime(f.called_at)}）：${f.outcome}`)
      : h('button', { type: 'button', class: 'small', onclick: () => openCall(f) }, '记录回访'))));

  const overdue = o.rectifications.filter((r) => r.overdue).length;
  const open = o.rectifications.filter((r) => !r.result).length;
  const pending = o.followups.filter((f) => !f.called_at).length;
  fill(root,
    h('section', { class: 'panel' },
      h('h1', {}, '整改与回访'),
      h('p', { class: 'lead' }, '差评（不满意、非常不满意）自动生成整改事项，由中心负责人在整改期限内处理并写明结果；回访按比例抽取已办结的办件，实名差评全部回访。'),
      h('label', { class: 'check' }, showAll, ' 显示全部已办结（默认只显示近 30 天关闭的）'),
      message,
      h('h2', { id: 'rectify-heading' }, `整改事项（未关闭 ${open} 件${overdue ? `，其中已超期 ${overdue} 件` : ''}）`),
      o.rectifications.length
        ? h('table', { class: 'list', id: 'rectify-table' },
          h('thead', {}, h('tr', {}, ['编号', '办件', '事项', '申请人', '评价', '原因和意见', '负责人', '整改期限', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, rectRows))
        : h('p', { class: 'empty', id: 'rectify-empty' }, '没有整改事项'),
      rectifyForm),
    checksPanel(o.checks, app),
    h('section', { class: 'panel' },
      h('h2', { id: 'followup-heading' }, `回访（待回访 ${pending} 件）`),
      drawForm,
      o.followups.length
        ? h('table', { class: 'list', id: 'followup-table' },
          h('thead', {}, h('tr', {}, ['编号', '办件', '事项', '申请人', '电话', '办结日期', '来源', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, callRows))
        : h('p', { class: 'empty', id: 'followup-empty' }, '没有待回访的办件'),
      callForm));
  const first = root.querySelector('#rectify-table button, #followup-table button');
  (first || from).focus();
}

/** 告知承诺核查: the figures and every open check; a row opens its case. */
function checksPanel(c, app) {
  const f = c.figures;
  const share = f.false_share === null || f.false_share === undefined ? '—' : `${f.false_share.toFixed(1)}%`;
  return h('section', { class: 'panel', id: 'checks' },
    h('h2', { id: 'checks-heading' }, `告知承诺核查（待核查 ${f.open} 件${f.overdue ? `，其中已逾期 ${f.overdue} 件` : ''}）`),
    h('p', { class: 'hint', id: 'checks-figures' }, `以告知承诺受理 ${f.cases} 件；已核查 ${f.checked} 件，其中不实 ${f.found_false} 件（不实比例 ${share}）。核查结果在办件详情中记录：属实由窗口人员记录，不实由中心负责人撤销。`),
    c.open.length
      ? h('table', { class: 'list', id: 'checks-table' },
        h('thead', {}, h('tr', {}, ['办件', '事项', '申请人', '承诺代替的材料', '受理日期', '核查期限'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...c.open.map((o) => h('tr', {
          tabindex: 0, class: o.overdue ? 'light-red' : '', dataset: { case: o.case_no },
          onclick: () => app.openCase(o.case_no),
          onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); app.openCase(o.case_no); } },
        },
        h('td', { class: 'mono' }, o.case_no), h('td', {}, o.matter_name), h('td', {}, o.applicant_name),
        h('td', {}, o.promised.join('、')), h('td', {}, cnDate(o.received_on)),
        h('td', { class: o.overdue ? 'warn' : '' }, `${cnDate(o.due)}${o.overdue ? '（已逾期）' : ''}`)))))
      : h('p', { class: 'empty', id: 'checks-empty' }, '没有待核查的告知承诺'));
}
