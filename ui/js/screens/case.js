// 办件详情: the case, its materials (容缺 ones with their day, or when they
// were supplied), its timeline from the audit trail, the steps this user
// may take now (补齐容缺材料 among them), and reprinting (补打) any of its
// documents.

import { call } from '../api.js';
import { h, fill, cnDate, shortTime, toast } from '../dom.js';
import { openPdf } from './intake.js';
import { choosePath } from '../chooser.js';

// The scanners SANE found, asked once per run of the window (looking for
// network scanners takes seconds); a failed look is asked again next time.
let scannersAsked = null;
function foundScanners() {
  if (!scannersAsked) {
    scannersAsked = call('scan_scanners').catch((err) => { scannersAsked = null; throw err; });
  }
  return scannersAsked;
}

// The values each step asks for: [name, label, kind, options]; a select's
// options are the name of a word list the core sends with the case.
const STEP_FIELDS = {
  confirm_bag: [['bag', '材料袋编号（一事一袋）', 'text']],
  assign: [['to', '承办人', 'handler'], ['forward', '转办部门（选填）', 'text']],
  suspend: [['kind', '暂停原因类型', 'select', 'suspend_kinds'], ['reason', '说明', 'text']],
  resume: [],
  complete: [['result', '办理结果', 'select', 'decisions'], ['reason', '不予许可的理由', 'text']],
  notify_pickup: [],
  collect: [['in_person', '申请人本人领取（已核对身份证与办件一致）', 'checkbox', 'checked'], ['name', '领取人姓名（他人代领时填写）', 'text'], ['id_number', '领取人身份证号', 'text'], ['proxy', '他人代领', 'checkbox']],
  mail: [['tracking', '邮件单号', 'text']],
  archive: [],
  return: [['reason', '退回原因', 'text']],
  withdraw: [['reason', '撤回原因', 'text']],
  extend: [['to', '延期至（YYYY-MM-DD）', 'date'], ['reason', '延期理由', 'text']],
  supply: [['material', '申请人补交的容缺材料', 'outstanding']],
  verify: [['note', '核查说明（核查了什么、怎样核查，选填）', 'text']],
  revoke: [['reason', '撤销理由（承诺与实际不符之处，印在撤销决定书上）', 'text']],
};

export async function caseScreen(root, app, caseNo) {
  fill(root, h('section', { class: 'panel' }, h('p', {}, '正在读取…')));
  let shown;
  try {
    shown = await call('case_detail', { caseNo });
  } catch (err) {
    fill(root, h('section', { class: 'panel' }, h('p', { class: 'message error' }, err.message),
      h('button', { type: 'button', onclick: () => app.go('workbench') }, '返回工作台（Esc）')));
    return;
  }
  const d = shown.detail;
  const f = shown.figures;
  const stepArea = h('div', { id: 'step-area' });
  const rows = [
    ['办件编号', d.case_no], ['查询码', d.query_code],
    ['事项', `${d.matter_code} ${d.matter_name}（第 ${d.matter_version} 版，${d.case_type}）`],
    ['受理结果', d.outcome_label], ['当前状态', `${d.state_label}（办件状态代码 ${d.national.code}：${d.national.label}）`],
    ['申请人', d.applicant_name], ['证件号码', d.applicant_id_number], ['联系电话', d.applicant_phone],
    ['住址', d.applicant_address],
    d.proxy_name ? ['代办人', `${d.proxy_name}（${d.proxy_relation || ''}）`] : null,
    ['接件时间', shortTime(d.received_at)], ['经办人', `${d.clerk_name}（工号 ${d.clerk_staff_no}）`],
    d.due_date ? ['办结期限', `${cnDate(d.due_date)}${d.due_note || ''}${d.extended ? '（已延期）' : ''}`] : null,
    d.handler_name ? ['承办人', d.handler_name + (d.forwarded_to ? `，已转办 ${d.forwarded_to}` : '')] : null,
    shown.outstanding.length ? ['容缺材料', `${shown.outstanding.length} 项待补齐，最早 ${cnDate(d.tolerance_due)} 前（补齐之前不能准予办结）`] : null,
    d.verify_due ? ['告知承诺核查', `待核查，${cnDate(d.verify_due)}前完成`] : null,
    d.verify_result ? ['告知承诺核查', `${d.verify_result}（${cnDate(d.verified_on)}）`] : null,
    d.suspended_days ? ['暂停计时', `共 ${d.suspended_days} 个工作日`] : null,
    d.extension_reason ? ['延期理由', d.extension_reason] : null,
    d.refusal_reason ? ['不予受理理由', d.refusal_reason] : null,
    d.result ? ['办理结果', `${d.result}${d.result_reason ? `（${d.result_reason}）` : ''}${d.completed_on ? `，${cnDate(d.completed_on)} 办结` : ''}`] : null,
    f.on_time !== null && f.on_time !== undefined ? ['时效', `${f.on_time ? '按时办结' : '超期办结'}，比承诺${f.days_saved >= 0 ? '提前' : '超出'} ${Math.abs(f.days_saved)} 个工作日`] : null,
    d.delivery ? ['送达', d.delivery] : null,
    d.closed_reason ? ['退回/撤回原因', d.closed_reason] : null,
    d.previous_case_no ? ['重新提交自', d.previous_case_no] : null,
    d.next_case_no ? ['已重新提交为', d.next_case_no] : null,
  ].filter(Boolean);

  fill(root,
    h('section', { class: 'panel' },
      h('h1', {}, `办件详情 ${d.case_no}`),
      h('dl', { class: 'facts', id: 'case-facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      d.bundle ? bundlePart(d.bundle) : null,
      h('h2', {}, '可进行的操作'),
      h('div', { class: 'actions', id: 'case-steps' },
        ...(shown.steps.length
          ? shown.steps.map((s, i) => h('button', { type: 'button', accesskey: String(i + 1), dataset: { step: s.step }, onclick: () => stepForm(s) }, `${s.label}（Alt+${i + 1}）`))
          : [h('span', { class: 'muted' }, '当前状态下您没有可进行的操作')])),
      stepArea,
      ratingsList(),
      app.can('service_desk') && shown.ratable ? ratingBox() : null,
      h('h2', {}, '文书（打印、补打）'),
      h('div', { class: 'actions', id: 'case-documents' },
        ...shown.documents.map((doc, i) => h('button', { type: 'button', accesskey: 'pqrst'[i], dataset: { kind: doc.kind }, onclick: () => reprint(doc.kind) }, `${doc.printed ? '补打' : '打印'} ${doc.title}（Alt+${'PQRST'[i]}）`))),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => app.go('workbench') }, '返回工作台（Esc）'))),
    h('section', { class: 'panel' },
      h('h2', {}, '申请材料'),
      h('table', { class: 'list', id: 'case-materials' },
        h('thead', {}, h('tr', {}, ...['序号', '材料', '形式', '份数', '要求', '提交情况', '扫描件'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...d.materials.map((m) => h('tr', {},
          h('td', {}, String(m.position)), h('td', {}, m.name), h('td', {}, m.form), h('td', {}, `${m.copies} 份`),
          h('td', {}, m.required ? '必交' : '选交'), materialState(m),
          h('td', { class: 'scans' }, ...shown.scans.filter((x) => x.position === m.position).map(scanButton)))))),
      app.can('intake') ? scanForm() : null,
      h('h2', {}, '办理记录（审计轨迹）'),
      h('table', { class: 'list', id: 'case-timeline' },
        h('thead', {}, h('tr', {}, ...['时间', '操作人', '事项'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...shown.timeline.map((e) => h('tr', {},
          h('td', {}, shortTime(e.ts)), h('td', {}, `${e.user}（工号 ${e.staff_no}）`), h('td', {}, e.what, e.national ? h('span', { class: 'muted national-code' }, `（${e.national.code} ${e.national.label}）`) : '', e.refused ? h('span', { class: 'refused-step' }, ` ${e.refused}`) : '')))))));

  // 一件事: the cases taken in together with this one; each opens.
  function bundlePart(b) {
    return h('div', { id: 'case-bundle' },
      h('h2', {}, `一件事：${b.name}（${b.label}）`),
      h('table', { class: 'list', id: 'bundle-siblings' },
        h('thead', {}, h('tr', {}, ...['办件编号', '事项', '受理结果', '当前状态', '办结期限'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...b.cases.map((c) => h('tr', { class: c.case_no === d.case_no ? 'current' : '' },
          h('td', {}, c.case_no === d.case_no ? h('span', { class: 'mono' }, `${c.case_no}（本件）`)
            : h('button', { type: 'button', class: 'link mono', dataset: { caseNo: c.case_no }, onclick: () => app.openCase(c.case_no) }, c.case_no)),
          h('td', {}, c.matter_name), h('td', {}, c.outcome_label), h('td', {}, c.state_label),
          h('td', {}, c.due_date ? cnDate(c.due_date) : '—'))))),
      b.lead_case_no !== d.case_no ? h('p', { class: 'hint' }, `一件事的受理回执和通知书在办件 ${b.lead_case_no} 上打印、补打。`) : null);
  }

  // 扫描件: a thumbnail of an image (full size on Enter or click), a PDF
  // by name (opened in the viewer); a file on another device says where.
  function scanButton(x) {
    const label = `${x.file_name}（${x.kind_label}，${Math.max(1, Math.round(x.bytes / 1024))} KB，${x.attached_by}）`;
    if (!x.here) return h('div', { class: 'muted scan-away' }, `${x.file_name}：文件在 ${x.device_code} 上`);
    const b = h('button', { type: 'button', class: 'thumb', title: label, dataset: { sha: x.sha256 }, onclick: () => openScan(x) },
      x.kind === 'pdf' ? `PDF ${x.file_name}` : h('img', { alt: label }));
    if (x.kind !== 'pdf') {
      call('scan_thumbnail', { caseNo: d.case_no, sha256: x.sha256 }).then((bytes) => {
        b.querySelector('img').src = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
      }).catch((err) => toast(err.message, 'error'));
    }
    return b;
  }

  async function openScan(x) {
    try {
      if (x.kind === 'pdf') {
        const e = await call('scan_extract', { caseNo: d.case_no, sha256: x.sha256 });
        await openPdf(e.path);
        return;
      }
      const bytes = await call('scan_content', { caseNo: d.case_no, sha256: x.sha256 });
      const url = URL.createObjectURL(new Blob([bytes], { type: x.kind === 'png' ? 'image/png' : 'image/jpeg' }));
      const back = document.activeElement;
      const close = () => { URL.revokeObjectURL(url); view.remove(); if (back) back.focus(); };
      const shut = h('button', { type: 'button', id: 'scan-close', onclick: close }, '关闭（Esc）');
      const view = h('div', { class: 'scan-view', id: 'scan-view', role: 'dialog', 'aria-label': x.file_name },
        h('div', { class: 'actions' }, h('strong', {}, `${x.material}：${x.file_name}`), shut),
        h('img', { src: url, alt: x.file_name, id: 'scan-full' }));
      view.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); } });
      document.body.append(view);
      shut.focus();
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  // 添加扫描件 (受理后补扫): a material line, a file of this PC.
  function scanForm() {
    // The first line is the default (selected as an attribute): an
    // untouched form does not count as edited, so the page still follows
    // what the hall's sync brings.
    const line = h('select', { id: 'scan-line' }, ...d.materials.map((m, i) => h('option', { value: String(m.position), selected: i === 0 }, `${m.position}. ${m.name}`)));
    const path = h('input', { id: 'scan-path', autocomplete: 'off', placeholder: '扫描仪文件夹或 U 盘中的 JPEG、PNG 或 PDF 文件' });
    const message = h('p', { class: 'message', id: 'scan-message', role: 'alert' });
    const choose = h('button', { type: 'button', id: 'scan-choose', onclick: async () => {
      const picked = await choosePath({ title: '选择扫描件（JPEG、PNG 或 PDF）', extensions: ['jpg', 'jpeg', 'png', 'pdf'] });
      if (picked) path.value = picked;
    } }, '选择文件…');
    const add = h('button', { type: 'button', id: 'scan-add', onclick: async () => {
      try {
        const a = await call('scan_attach', { caseNo: d.case_no, position: Number(line.value), path: path.value });
        toast(`已添加扫描件：第 ${a.position} 项“${a.material}”`);
        caseScreen(root, app, d.case_no);
      } catch (err) {
        message.className = 'message error';
        message.textContent = err.message;
      }
    } }, '添加扫描件');
    path.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add.click(); } });
    // A flatbed at the counter (SANE): offered only when one is found.
    const scanners = h('div', { class: 'actions', id: 'scan-scanners' });
    foundScanners().then((found) => {
      if (!found.length) return;
      const device = h('select', { id: 'scan-device' }, ...found.map((s, i) => h('option', { value: s.device, selected: i === 0 }, `${s.label}（${s.device}）`)));
      const go = h('button', { type: 'button', id: 'scan-scanner', onclick: async () => {
        go.disabled = true;
        message.className = 'message';
        message.textContent = '正在扫描，请稍候…';
        try {
          const a = await call('scan_from_scanner', { caseNo: d.case_no, position: Number(line.value), device: device.value });
          toast(`已扫描并添加：第 ${a.position} 项“${a.material}”`);
          caseScreen(root, app, d.case_no);
        } catch (err) {
          go.disabled = false;
          message.className = 'message error';
          message.textContent = err.message;
        }
      } }, '从扫描仪扫描');
      fill(scanners, h('div', { class: 'field grow' }, h('label', { for: device.id }, '扫描仪'), device), go);
    }).catch((err) => toast(err.message, 'error'));
    return h('div', { id: 'scan-form' },
      h('h3', {}, `添加扫描件（每个文件不超过 ${shown.scan_max_mb} MB）`),
      h('div', { class: 'actions' }, h('div', { class: 'field' }, h('label', { for: line.id }, '材料'), line),
        h('div', { class: 'field grow' }, h('label', { for: path.id }, '文件'), path), choose, add),
      scanners,
      message);
  }

  // 提交情况: brought at intake, 容缺 with its day, or supplied later (补齐).
  function materialState(m) {
    if (m.provided) return h('td', {}, '已交');
    if (m.promised) return h('td', {}, '告知承诺（以承诺书代替）');
    if (m.supplied_on) return h('td', {}, `已补齐（${cnDate(m.supplied_on)}，${m.supplied_by || ''}）`);
    if (m.tolerated_until) return h('td', { class: 'warn' }, `容缺，${cnDate(m.tolerated_until)}前补齐`);
    return h('td', { class: 'warn' }, '未交');
  }

  function stepForm(s) {
    const inputs = {};
    const fields = (STEP_FIELDS[s.step] || []).map(([name, label, kind, options]) => {
      let input;
      if (kind === 'handler') return handlerPicker(name, label, inputs);
      if (kind === 'select') input = h('select', { name }, ...shown.choices[options].map((o) => h('option', { value: o }, o)));
      else if (kind === 'outstanding') input = h('select', { name }, ...shown.outstanding.map((o) => h('option', { value: String(o.position) }, `${o.name}（${cnDate(o.until)}前补齐）`)));
      else if (kind === 'checkbox') input = h('input', { type: 'checkbox', name, checked: options === 'checked' });
      // A date is typed as written (2026-12-04) and read by the core: the
      // web view's date box follows the PC's locale (mm/dd/yyyy).
      else if (kind === 'date') input = h('input', { type: 'text', name, autocomplete: 'off', inputmode: 'numeric', maxlength: 10, placeholder: '如 2026-12-04' });
      else input = h('input', { type: 'text', name, autocomplete: 'off' });
      input.id = `step-${name}`;
      inputs[name] = input;
      return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
    });
    const message = h('div', { class: 'message', role: 'alert' });
    const form = h('form', { class: 'step-form', id: 'step-form' }, h('h3', {}, s.label), ...fields, message,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, `确认${s.label}（Enter）`),
        h('button', { type: 'button', onclick: () => fill(stepArea) }, '取消（Esc）')));
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); fill(stepArea); }
      // Enter on a list confirms the step, as it does in a text field.
      if (e.key === 'Enter' && e.target.tagName === 'SELECT' && e.target.size <= 1) { e.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const request = { step: s.step };
      for (const [name, input] of Object.entries(inputs)) {
        request[name] = input.type === 'checkbox' ? input.checked : input.value;
      }
      try {
        const done = await call('case_step', { caseNo: d.case_no, request });
        toast(`${done.case_no}：已${done.step_label}，当前状态“${done.state_label}”`);
        caseScreen(root, app, d.case_no);
      } catch (err) {
        message.textContent = err.message;
        message.className = 'message error';
      }
    });
    fill(stepArea, form);
    // 领取: the applicant in person needs nothing typed; a proxy is typed.
    if (inputs.in_person) {
      const typed = ['name', 'id_number', 'proxy'].map((n) => inputs[n].closest('.field'));
      const sync = () => typed.forEach((f) => { f.hidden = inputs.in_person.checked; });
      inputs.in_person.addEventListener('change', sync);
      sync();
    }
    const first = form.querySelector('input, select, button');
    if (first) first.focus();
  }

  // 承办人: typed letters (name, pinyin initials such as "wf", 工号) narrow
  // the list of active clerks the core sends; the first fit is chosen, so
  // "wf" and Enter assigns to 王芳. ↓ moves into the list.
  function handlerPicker(name, label, inputs) {
    const query = h('input', { type: 'search', id: `step-${name}-query`, autocomplete: 'off', placeholder: '输入姓名、拼音首字母或工号', 'aria-label': `查找${label}` });
    const list = h('select', { id: `step-${name}`, name, size: 5, 'aria-label': label });
    inputs[name] = list;
    const load = async () => {
      try {
        const found = await call('handlers_find', { query: query.value });
        fill(list, ...found.map((p, i) => h('option', { value: p.username, selected: i === 0 },
          `${p.display_name}（工号 ${p.staff_no}，${p.role_label}，在办 ${p.open_cases} 件）`)));
        if (!found.length) fill(list, h('option', { value: '', disabled: true }, '没有符合的人员'));
      } catch (err) {
        toast(err.message, 'error');
      }
    };
    query.addEventListener('input', load);
    query.addEventListener('keydown', (e) => { if (e.key === 'ArrowDown') { e.preventDefault(); list.focus(); } });
    load();
    return h('div', { class: 'field' }, h('label', { for: query.id }, label), query, list);
  }

  // 好差评: the ratings the case has, and the form for the applicant's
  // rating at the counter: a level, reasons, a comment, then one save.
  function ratingsList() {
    if (!shown.ratings.length) return null;
    return h('div', { id: 'case-ratings' }, h('h2', {}, '好差评'),
      h('ul', {}, ...shown.ratings.map((r) => h('li', { class: r.level <= 2 ? 'bad' : '' },
        `${r.level_label}（${r.channel_label}，${shortTime(r.evaluated_at)}）`,
        r.reasons.length ? `　原因：${r.reasons.join('、')}` : '',
        r.comment ? `　意见：${r.comment}` : ''))));
  }

  function ratingBox() {
    const box = h('form', { id: 'rating-box' }, h('h2', {}, '好差评（请申请人评价）'));
    call('rating_choices').then((choices) => {
      let chosen = null;
      const reasons = choices.reasons.map((r) => h('label', { class: 'check inline' }, h('input', { type: 'checkbox', value: r }), r));
      const comment = h('input', { id: 'rating-comment', placeholder: '意见建议（选填）' });
      const message = h('div', { class: 'message', role: 'alert' });
      const levels = choices.levels.map(([level, label]) => h('button', {
        type: 'button', class: level <= 2 ? 'danger' : '', dataset: { level: String(level) }, 'aria-pressed': 'false',
        onclick: () => {
          chosen = level;
          for (const b of levels) b.setAttribute('aria-pressed', String(b.dataset.level === String(level)));
          message.textContent = `已选：${label}。可勾选原因、填写意见，然后保存评价。`;
          message.className = 'message';
        },
      }, label));
      const save = h('button', { type: 'submit', class: 'primary', id: 'rating-save' }, '保存评价（Enter）');
      box.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (chosen === null) {
          message.textContent = '请先选择评价等级';
          message.className = 'message error';
          return;
        }
        save.disabled = true;
        try {
          const r = await call('evaluate_case', { caseNo: d.case_no, form: {
            level: chosen, channel: 'keypad', comment: comment.value,
            reasons: reasons.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
          } });
          toast(`已评价：${r.level_label}${r.rectification_id ? `；已生成整改单，${cnDate(r.rectification_due)} 前整改` : ''}`);
          caseScreen(root, app, d.case_no);
        } catch (err) {
          message.textContent = err.message;
          message.className = 'message error';
          save.disabled = false;
        }
      });
      box.append(h('div', { class: 'actions', role: 'group', 'aria-label': '评价等级' }, ...levels),
        h('div', { class: 'reasons' }, ...reasons), comment, message, h('div', { class: 'actions' }, save));
    }).catch((err) => box.append(h('p', { class: 'message error' }, err.message)));
    return box;
  }

  async function reprint(kind) {
    try {
      const w = await call('reprint', { caseNo: d.case_no, kind });
      const what = `${w.label}${w.copy > 1 ? `（补打第 ${w.copy - 1} 次）` : ''}`;
      if (w.sent_to) {
        toast(`${what}已发送到打印机 ${w.sent_to.printer}`);
      } else {
        toast(`${what}已生成`);
        openPdf(w.path, true);
      }
      caseScreen(root, app, d.case_no);
    } catch (err) {
      toast(err.message, 'error');
    }
  }
}
