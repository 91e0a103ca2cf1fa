// 事项清单: the catalogue as the counter's search finds it (name, code,
// pinyin initials), withdrawn (停用) matters marked. Opening a matter shows
// its form; a manager edits it — materials with form, copies, required,
// 核心材料 and 可容缺 (its supply time in working days), legal basis lines, conditions, steps, limits, case type, fee
// and its basis, 本人亲办, pickup methods, the province's national codes —
// and saving makes a new version (older cases keep theirs). The core
// checks every rule and names the field, and the message is shown beside
// it. A manager also stops a matter from being taken in and re-enables it,
// imports a catalogue file (a refused line is named) and exports one.
// Everyone prints a matter's 办事指南, or the whole catalogue as a booklet.
// The 一件事 panel lists the bundles; a manager edits one or adds one (its
// matters as codes in order) and the core checks them.

import { call, screenData } from '../api.js';
import { h, fill, field, toast, shortTime } from '../dom.js';
import { choosePath } from '../chooser.js';

export async function catalogueScreen(root, app, params = {}) {
  if (params.code !== undefined) return matterForm(root, app, params.code);
  const list = await screenData(root, 'catalogue_browse', { query: params.query || '' });
  if (!list) return;
  const canEdit = app.can('edit_catalogue');
  const message = h('p', { class: 'message', id: 'catalogue-message', role: 'alert' });
  const failed = (el, err) => { el.className = 'message error'; el.textContent = err.message; };
  const open = (code) => catalogueScreen(root, app, { code, query: search.value });
  const body = h('tbody', {});
  const show = (rows) => fill(body, rows.map((m) => h('tr', {
    tabindex: 0,
    dataset: { code: m.code },
    class: m.withdrawn ? 'withdrawn' : null,
    onclick: () => open(m.code),
    onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); open(m.code); } },
  },
    h('td', {}, m.code),
    h('td', {}, m.name),
    h('td', {}, m.case_type),
    h('td', {}, `${m.promised_days} / ${m.statutory_days}`),
    h('td', {}, `第 ${m.version} 版`),
    h('td', { class: m.withdrawn ? 'bad' : null }, m.withdrawn ? '已停用' : '可受理'))));
  const count = h('span', { id: 'catalogue-count', class: 'hint' }, `共 ${list.length} 个事项`);
  const search = h('input', {
    id: 'catalogue-search', type: 'search', autocomplete: 'off', value: params.query || '',
    placeholder: '事项名称、编码或拼音首字母（如 gljt）',
    oninput: async () => {
      try {
        const rows = await call('catalogue_browse', { query: search.value });
        show(rows);
        count.textContent = `找到 ${rows.length} 个事项`;
      } catch (err) { failed(message, err); }
    },
    onkeydown: (e) => {
      if (e.key === 'ArrowDown' || e.key === 'Enter') {
        const first = body.querySelector('tr');
        if (first) { e.preventDefault(); if (e.key === 'Enter') open(first.dataset.code); else first.focus(); }
      }
    },
  });
  body.addEventListener('keydown', (e) => {
    const row = e.target.closest('tr');
    if (!row) return;
    if (e.key === 'ArrowDown' && row.nextElementSibling) { e.preventDefault(); row.nextElementSibling.focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); (row.previousElementSibling || search).focus(); }
  });
  show(list);

  const booklet = h('button', { type: 'button', id: 'guide-booklet', onclick: async () => {
    try {
      const g = await call('guide_print', { code: null });
      message.className = 'message';
      message.textContent = `已生成${g.title}（${g.matters} 个事项，${g.pages} 页）：${g.path}`;
      await call('open_document', { path: g.path });
    } catch (err) { failed(message, err); }
  } }, '打印办事指南汇编（公示）');

  fill(root,
    h('section', { class: 'panel' },
      h('h1', {}, '事项清单'),
      h('p', { class: 'lead' }, canEdit
        ? '打开一个事项可修改其材料、时限、收费和依据；保存后生成新版本，已受理的办件仍按原版本办理。'
        : '打开一个事项可查看并打印办事指南。只有中心负责人可以修改事项清单。'),
      h('div', { class: 'actions' },
        field('查找事项', search),
        count,
        canEdit ? h('button', { type: 'button', id: 'catalogue-new', onclick: () => open('') }, '新增事项') : null,
        booklet),
      message,
      h('table', { class: 'list', id: 'catalogue-table' },
        h('thead', {}, h('tr', {}, ['编码', '事项名称', '办件类型', '承诺 / 法定时限（工作日）', '版本', '状态'].map((t) => h('th', {}, t)))),
        body)),
    await bundlesPanel(canEdit),
    canEdit ? fileExchange(app, () => catalogueScreen(root, app, { query: search.value })) : null);
  search.focus();
}

// 一件事: the bundles, and a manager's form to change or add one.
async function bundlesPanel(canEdit) {
  const list = await call('bundles_list');
  const formArea = h('div', { id: 'bundle-form-area' });
  const body = h('tbody', {}, ...list.map((b) => h('tr', { dataset: { bundle: b.code } },
    h('td', {}, b.code), h('td', {}, b.name), h('td', {}, b.matter_names.join('、')),
    canEdit ? h('td', {}, h('button', { type: 'button', id: `bundle-edit-${b.code}`, onclick: () => edit(b) }, '修改')) : null)));
  function edit(b) {
    const code = text('bundle-code', b ? b.code : '', { readonly: !!b });
    const name = text('bundle-name', b ? b.name : '');
    const note = text('bundle-note', b ? b.note : '');
    const matters = text('bundle-matters', b ? b.matter_codes.join('，') : '', { placeholder: '如 WJ-001，YB-001，RS-005' });
    const message = h('p', { class: 'message', id: 'bundle-message', role: 'alert' });
    const form = h('form', { id: 'bundle-form', class: 'step-form' },
      h('h3', {}, b ? `修改一件事 ${b.code}` : '新增一件事'),
      h('div', { class: 'grid2' }, field('一件事编码', code), field('名称', name)),
      field('包含的事项编码（按办理顺序，用逗号分隔）', matters),
      field('说明（适用对象、办成什么）', note),
      message,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'bundle-save' }, '保存（Enter）'),
        h('button', { type: 'button', onclick: () => fill(formArea) }, '取消（Esc）')));
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); fill(formArea); } });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const changed = await call('bundle_save', { code: code.value, name: name.value, note: note.value, matters: matters.value });
        toast(changed ? `一件事 ${code.value.trim().toUpperCase()} 已保存` : '内容没有变化，未保存新版本');
        const fresh = await bundlesPanel(canEdit);
        document.getElementById('catalogue-bundles').replaceWith(fresh);
      } catch (err) {
        message.className = 'message error';
        message.textContent = err.message;
      }
    });
    fill(formArea, form);
    (b ? name : code).focus();
  }
  return h('section', { class: 'panel', id: 'catalogue-bundles' },
    h('h2', {}, '一件事'),
    h('p', { class: 'hint' }, '一件事把几个事项合并受理：相同名称的材料只收一次，每个事项各生成一个办件，一张回执、一份通知书。'),
    h('table', { class: 'list', id: 'bundles-table' },
      h('thead', {}, h('tr', {}, ...['编码', '名称', '包含事项', canEdit ? '' : null].filter((t) => t !== null).map((t) => h('th', {}, t)))),
      body),
    canEdit ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'bundle-new', onclick: () => edit(null) }, '新增一件事')) : null,
    formArea);
}

// Importing a catalogue file (checked whole: the refused line is named and
// nothing is imported) and exporting the current one to a folder.
function fileExchange(app, reload) {
  const result = h('p', { class: 'message', id: 'catalogue-file-result', role: 'alert' });
  const said = (text, error) => { result.className = error ? 'message error' : 'message'; result.textContent = text; };
  const path = h('input', { id: 'catalogue-import-path', autocomplete: 'off', placeholder: '事项清单文件（.toml）的位置' });
  const folder = h('input', { id: 'catalogue-export-folder', autocomplete: 'off', placeholder: 'U 盘或导出文件夹' });
  const chooseFile = h('button', { type: 'button', id: 'catalogue-import-choose', onclick: async () => {
    const picked = await choosePath({ title: '选择事项清单文件（.toml）', extensions: ['toml'] });
    if (picked) path.value = picked;
  } }, '选择文件…');
  const chooseFolder = h('button', { type: 'button', id: 'catalogue-export-choose', onclick: async () => {
    const picked = await choosePath({ folder: true, title: '选择导出文件夹（U 盘）' });
    if (picked) folder.value = picked;
  } }, '选择文件夹…');
  const doImport = h('button', { type: 'button', id: 'catalogue-import', onclick: async () => {
    try {
      const r = await call('catalogue_import', { path: path.value });
      toast(`事项清单已导入：新增 ${r.added.length} 个，更新 ${r.updated.length} 个，未变 ${r.unchanged} 个`);
      await reload();
    } catch (err) { said(err.message, true); }
  } }, '导入');
  const doExport = h('button', { type: 'button', id: 'catalogue-export', onclick: async () => {
    try {
      const r = await call('catalogue_export', { folder: folder.value });
      said(`已导出 ${r.matters} 个事项到 ${r.path}`);
    } catch (err) { said(err.message, true); }
  } }, '导出');
  return h('section', { class: 'panel', id: 'catalogue-files' },
    h('h2', {}, '导入、导出事项清单文件'),
    h('p', { class: 'hint' }, '导入前整份文件逐项校验；有一行不合规则，整份文件不导入，并指出第几行。'),
    h('div', { class: 'actions' }, field('导入文件', path), chooseFile, doImport),
    h('div', { class: 'actions' }, field('导出到文件夹', folder), chooseFolder, doExport),
    result);
}

const text = (id, value, attrs = {}) => h('input', { id, value: value ?? '', autocomplete: 'off', ...attrs });
const whole = (id, value) => h('input', { id, type: 'number', min: 0, step: 1, value: value ?? '', inputmode: 'numeric' });
const area = (id, value, rows = 3) => {
  const el = h('textarea', { id, rows });
  el.value = value ?? '';
  return el;
};

// One matter's form; `code` '' is a new matter.
async function matterForm(root, app, code) {
  const o = await screenData(root, 'catalogue_matter', { code });
  if (!o) return;
  const canEdit = app.can('edit_catalogue');
  const m = o.matter || {
    code: '', name: '', department: '', case_type: o.choices.case_types[1], promised_days: '', statutory_days: '',
    fee: '0', fee_basis: '', in_person_only: false, pickup_methods: [o.choices.pickup_methods[0]], conditions: '',
    steps: [], legal_basis: [{ law: '', article: '' }], materials: [{ name: '', form: o.choices.forms[0], copies: 1, required: true, note: '' }],
  };
  const back = () => catalogueScreen(root, app, {});
  const message = h('p', { class: 'message', id: 'matter-message', role: 'alert' });
  const said = (t, error) => { message.className = error ? 'message error' : 'message'; message.textContent = t; };

  // The national codes' lengths are the core's.
  const [basicLen, implLen, itemLen] = o.choices.code_lengths;
  // Every field the core may name, with the place its message goes.
  const slots = {};
  const slot = (key) => { slots[key] = h('div', { class: 'hint', id: `matter-${key}-error` }); return slots[key]; };
  const at = (key, label, input) => h('div', { class: 'field', dataset: { field: key } },
    h('label', { for: input.id }, label), input, slot(key));

  const inputs = {
    code: text('matter-code', m.code, { readonly: o.version ? true : null, placeholder: '如 MZ-010' }),
    name: text('matter-name', m.name),
    department: text('matter-department', m.department),
    case_type: h('select', { id: 'matter-case_type' }, o.choices.case_types.map((t) => h('option', { value: t, selected: t === m.case_type }, t))),
    promised_days: whole('matter-promised_days', m.promised_days),
    statutory_days: whole('matter-statutory_days', m.statutory_days),
    verify_days: whole('matter-verify_days', m.verify_days ?? ''),
    fee: text('matter-fee', m.fee, { inputmode: 'decimal' }),
    fee_basis: text('matter-fee_basis', m.fee_basis),
    conditions: area('matter-conditions', m.conditions),
    steps: area('matter-steps', (m.steps || []).join('\n'), 4),
    basic_code: text('matter-basic_code', m.basic_code, { maxlength: basicLen, placeholder: `${basicLen} 位，可不填` }),
    implementation_code: text('matter-implementation_code', m.implementation_code, { maxlength: implLen, placeholder: `最多 ${implLen} 位，可不填` }),
    handling_item_code: text('matter-handling_item_code', m.handling_item_code, { maxlength: itemLen, placeholder: `最多 ${itemLen} 位，可不填` }),
  };
  const inPerson = h('input', { type: 'checkbox', id: 'matter-in_person_only', checked: m.in_person_only });
  const pickups = o.choices.pickup_methods.map((p, i) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', id: `matter-pickup-${i}`, value: p, checked: (m.pickup_methods || []).includes(p) }), p));

  // Repeated rows: the legal basis lines and the materials.
  const basisBody = h('tbody', {});
  const addBasis = (b) => basisBody.append(h('tr', {},
    h('td', {}, text('', b.law, { class: 'basis-law', 'aria-label': '法规名称', placeholder: '如《社会救助暂行办法》' })),
    h('td', {}, text('', b.article, { class: 'basis-article', 'aria-label': '条款', placeholder: '如 第十一条' })),
    h('td', {}, removeButton('删除此条依据'))));
  (m.legal_basis || []).forEach(addBasis);
  const materialBody = h('tbody', {});
  const addMaterial = (x) => materialBody.append(h('tr', {},
    h('td', {}, text('', x.name, { class: 'material-name', 'aria-label': '材料名称' })),
    h('td', {}, h('select', { class: 'material-form', 'aria-label': '形式' },
      o.choices.forms.map((f) => h('option', { value: f, selected: f === x.form }, f)))),
    h('td', {}, h('input', { class: 'material-copies', type: 'number', min: 1, step: 1, value: x.copies, 'aria-label': '份数' })),
    h('td', {}, h('input', { class: 'material-required', type: 'checkbox', checked: x.required, 'aria-label': '必交' })),
    h('td', {}, h('input', { class: 'material-core', type: 'checkbox', checked: !!x.core, 'aria-label': '核心材料（不可容缺）' })),
    h('td', {}, h('input', { class: 'material-tolerance', type: 'number', min: 1, step: 1, value: x.tolerance_days ?? '', placeholder: '—', 'aria-label': '可容缺：补齐期限（工作日），空为不可容缺' })),
    h('td', {}, text('', x.note, { class: 'material-note', 'aria-label': '备注' })),
    h('td', {}, text('', x.commitment || '', { class: 'material-commitment', 'aria-label': '可告知承诺：承诺内容，空为不可告知承诺', placeholder: '—' })),
    h('td', {}, removeButton('删除此项材料'))));
  (m.materials || []).forEach(addMaterial);

  const numberOr = (v) => (String(v).trim() === '' ? null : Number(v));
  const read = () => ({
    code: inputs.code.value.trim(),
    name: inputs.name.value.trim(),
    department: inputs.department.value.trim(),
    case_type: inputs.case_type.value,
    promised_days: numberOr(inputs.promised_days.value),
    statutory_days: numberOr(inputs.statutory_days.value),
    verify_days: numberOr(inputs.verify_days.value),
    fee: inputs.fee.value,
    fee_basis: inputs.fee_basis.value.trim(),
    in_person_only: inPerson.checked,
    pickup_methods: pickups.map((l) => l.querySelector('input')).filter((c) => c.checked).map((c) => c.value),
    conditions: inputs.conditions.value.trim(),
    steps: inputs.steps.value.split('\n').map((s) => s.trim()).filter(Boolean),
    legal_basis: [...basisBody.rows].map((r) => ({
      law: r.querySelector('.basis-law').value.trim(),
      article: r.querySelector('.basis-article').value.trim(),
    })).filter((b) => b.law || b.article),
    materials: [...materialBody.rows].map((r) => ({
      name: r.querySelector('.material-name').value.trim(),
      form: r.querySelector('.material-form').value,
      copies: numberOr(r.querySelector('.material-copies').value),
      required: r.querySelector('.material-required').checked,
      core: r.querySelector('.material-core').checked,
      tolerance_days: numberOr(r.querySelector('.material-tolerance').value),
      note: r.querySelector('.material-note').value.trim(),
      commitment: r.querySelector('.material-commitment').value.trim() || null,
    })).filter((x) => x.name || x.note),
    basic_code: inputs.basic_code.value.trim(),
    implementation_code: inputs.implementation_code.value.trim(),
    handling_item_code: inputs.handling_item_code.value.trim(),
  });
  const clearMarks = () => {
    for (const s of Object.values(slots)) { s.className = 'hint'; s.textContent = ''; }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  };
  const mark = (key, text) => {
    const s = slots[key];
    if (!s) { said(text, true); return; }
    s.className = 'hint error';
    s.textContent = text;
    const control = s.parentElement.querySelector('input, select, textarea');
    if (control) { control.setAttribute('aria-invalid', 'true'); control.focus(); }
  };

  const form = h('form', { class: 'panel', id: 'matter-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (!canEdit || form.dataset.busy) return;
    clearMarks();
    said('');
    form.dataset.busy = '1';
    try {
      const saved = await call('catalogue_save', { matter: read() });
      toast(saved === null ? '没有改动，未生成新版本' : `已保存为第 ${saved} 版；此后受理的办件按新版本办理`);
      if (saved !== null) await matterForm(root, app, read().code);
    } catch (err) {
      if (err.field) mark(err.field, err.message); else said(err.message, true);
    } finally {
      delete form.dataset.busy;
    }
  } },
    h('h2', {}, '基本信息'),
    h('div', { class: 'grid3' },
      at('code', '事项编码', inputs.code),
      at('name', '事项名称', inputs.name),
      at('department', '实施部门', inputs.department),
      at('case_type', '办件类型', inputs.case_type),
      at('promised_days', '承诺时限（工作日）', inputs.promised_days),
      at('statutory_days', '法定时限（工作日）', inputs.statutory_days),
      at('verify_days', '告知承诺核查期限（工作日，有可告知承诺材料时填写）', inputs.verify_days),
      at('fee', '收费标准（元）', inputs.fee),
      at('fee_basis', '收费依据', inputs.fee_basis),
      h('div', { class: 'field' }, h('span', { class: 'label' }, '办理方式'),
        h('label', { class: 'check' }, inPerson, '须本人亲自办理（不可代办）'))),
    h('div', { class: 'field', dataset: { field: 'pickup_methods' } },
      h('span', { class: 'label' }, '结果领取方式'), h('div', { class: 'checks' }, pickups), slot('pickup_methods')),
    h('div', { class: 'grid2' },
      at('conditions', '受理条件', inputs.conditions),
      at('steps', '办理流程（每行一步）', inputs.steps)),
    h('h2', {}, '申请材料'),
    h('table', { class: 'list edit', id: 'matter-materials' },
      h('thead', {}, h('tr', {}, ['材料名称', '形式', '份数', '必交', '核心', '可容缺（工作日）', '备注', '可告知承诺（承诺内容）', ''].map((t) => h('th', {}, t)))),
      materialBody),
    h('div', { class: 'actions', dataset: { field: 'materials' } },
      h('button', { type: 'button', id: 'matter-add-material', onclick: () => {
        addMaterial({ name: '', form: o.choices.forms[0], copies: 1, required: true, note: '' });
        materialBody.lastElementChild.querySelector('input').focus();
      } }, '添加材料'),
      slot('materials')),
    h('h2', {}, '设定依据'),
    h('table', { class: 'list edit', id: 'matter-basis' },
      h('thead', {}, h('tr', {}, ['法规名称', '条款', ''].map((t) => h('th', {}, t)))),
      basisBody),
    h('div', { class: 'actions', dataset: { field: 'legal_basis' } },
      h('button', { type: 'button', id: 'matter-add-basis', onclick: () => {
        addBasis({ law: '', article: '' });
        basisBody.lastElementChild.querySelector('input').focus();
      } }, '添加依据'),
      slot('legal_basis')),
    h('h2', {}, '省级实施清单编码'),
    h('div', { class: 'grid3' },
      at('basic_code', '基本编码', inputs.basic_code),
      at('implementation_code', '实施编码', inputs.implementation_code),
      at('handling_item_code', '业务办理项编码', inputs.handling_item_code)),
    message,
    canEdit ? h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'matter-save' }, o.version ? '保存为新版本' : '保存新事项'),
      h('button', { type: 'button', onclick: back }, '返回列表')) : null);
  if (!canEdit) for (const el of form.querySelectorAll('input, select, textarea, #matter-add-material, #matter-add-basis, td button')) el.disabled = true;

  const w = o.withdrawal;
  const printGuide = o.version && !w ? h('button', { type: 'button', id: 'guide-print', onclick: async () => {
    try {
      const g = await call('guide_print', { code: m.code });
      said(`已生成${g.title}（${g.pages} 页）：${g.path}`);
      await call('open_document', { path: g.path });
    } catch (err) { said(err.message, true); }
  } }, '打印办事指南') : null;
  const reason = text('matter-withdraw-reason', '', { placeholder: '如：已并入“一件事”办理' });
  const withdrawBox = h('div', { class: 'actions', id: 'matter-withdraw-box', hidden: true },
    field('停用原因', reason),
    h('button', { type: 'button', class: 'danger', id: 'matter-withdraw-confirm', onclick: async () => {
      try {
        await call('catalogue_withdraw', { code: m.code, reason: reason.value });
        toast(`事项“${m.name}”已停用，不再受理`);
        await matterForm(root, app, m.code);
      } catch (err) { said(err.message, true); reason.focus(); }
    } }, '确认停用'));
  const status = o.version && canEdit
    ? (w
      ? h('button', { type: 'button', id: 'matter-reinstate', onclick: async () => {
        try {
          await call('catalogue_reinstate', { code: m.code });
          toast(`事项“${m.name}”已重新启用`);
          await matterForm(root, app, m.code);
        } catch (err) { said(err.message, true); }
      } }, '重新启用')
      : h('button', { type: 'button', id: 'matter-withdraw', onclick: () => { withdrawBox.hidden = false; reason.focus(); } }, '停用（不再受理）'))
    : null;

  // Esc in a matter's form goes back to the list, not to the workbench.
  const onEsc = (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    back();
  };
  fill(root, h('div', { class: 'stack', onkeydown: onEsc },
    h('section', { class: 'panel' },
      h('h1', {}, o.version ? `${m.name}（第 ${o.version} 版）` : '新增事项'),
      w ? h('p', { class: 'message error', id: 'matter-withdrawn' },
        `已停用：${w.reason}（${shortTime(w.at)}）。不再受理，已受理的办件照常办理。`) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'matter-back', onclick: back }, '返回列表（Esc）'),
        printGuide, status),
      withdrawBox),
    form));
  (canEdit ? (o.version ? inputs.name : inputs.code) : root).focus();
}

function removeButton(label) {
  return h('button', { type: 'button', class: 'small', 'aria-label': label, onclick: (e) => {
    const row = e.target.closest('tr');
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    if (next) next.querySelector('input').focus();
  } }, '删除');
}
