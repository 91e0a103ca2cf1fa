// 受理: find the matter (name, code or pinyin initials such as "ylbx"),
// enter the applicant with live checks, tick the materials brought, and
// submit. The core decides 受理 / 即办 / 一次性告知; 不予受理 needs a reason.
// Where the center allows 容缺受理 and the matter has 可容缺 materials, the
// clerk may ask for it; the core accepts only when every missing required
// material is 可容缺, and prints the 承诺书 the applicant signs.
// The case is committed before its documents are written and opened.
// A 一件事 (bundle) is chosen instead of a matter: its matters' materials
// come as one list (a material several need is ticked once), and one
// intake makes a case per matter with one receipt and one notice.

import { call } from '../api.js';
import { matterSearch } from '../matter_search.js';
import { h, fill, field, cnDate, toast, codePointInput, textHints } from '../dom.js';

const ID_TYPES = [
  ['resident_id', '居民身份证'],
  ['hk_macao_permit', '港澳居民来往内地通行证'],
  ['taiwan_permit', '台湾居民来往大陆通行证'],
  ['passport', '护照'],
  ['foreign_permanent_residence', '外国人永久居留身份证'],
];

export function intakeScreen(root, app, { consultation } = {}) {
  let matter = null;
  let bundle = null;
  let tolerateBox = null;
  const matterQuery = h('input', { id: 'matter-query', type: 'search', autocomplete: 'off', placeholder: '输入事项或一件事的名称、编码或拼音首字母（如 ylbx、一件事）' });
  const matterList = h('ul', { class: 'choices', id: 'matter-choices', role: 'listbox' });
  const matterInfo = h('div', { id: 'matter-info' });
  const materials = h('div', { id: 'materials' });
  const result = h('div', { id: 'intake-result' });
  const message = h('div', { class: 'message', id: 'intake-message', role: 'alert' });

  const text = (id, attrs = {}) => h('input', { id, name: id, autocomplete: 'off', ...attrs });
  const name = codePointInput(text('applicant-name', { required: true, placeholder: '可直接粘贴' }));
  const idType = h('select', { id: 'applicant-id-type' }, ...ID_TYPES.map(([v, l]) => h('option', { value: v }, l)));
  const idNumber = text('applicant-id-number', { required: true, maxlength: 32 });
  const phone = text('applicant-phone', { required: true, maxlength: 20 });
  const address = codePointInput(text('applicant-address', { required: true }));
  const withProxy = h('input', { type: 'checkbox', id: 'with-proxy' });
  const proxyName = codePointInput(text('proxy-name'));
  const proxyIdType = h('select', { id: 'proxy-id-type' }, ...ID_TYPES.map(([v, l]) => h('option', { value: v }, l)));
  const proxyId = text('proxy-id-number');
  const proxyPhone = text('proxy-phone');
  const proxyRelation = text('proxy-relation', { placeholder: '如 子女、配偶、村代办员' });
  const proxyBox = h('fieldset', { id: 'proxy-box', hidden: true }, h('legend', {}, '代办人'),
    h('div', { class: 'grid2' },
      field('代办人姓名', proxyName), field('与申请人关系', proxyRelation),
      field('证件类型', proxyIdType), field('证件号码', proxyId), field('联系电话', proxyPhone)));
  withProxy.addEventListener('change', () => { proxyBox.hidden = !withProxy.checked; });
  const refusal = h('textarea', { id: 'refusal-reason', rows: 2, placeholder: '仅在不予受理时填写：不符合受理条件的理由' });
  const resubmit = text('resubmission-of', { placeholder: '补齐材料后重新提交时，填写原一次性告知单的办件编号' });

  // The core's length limits and rare characters, shown under each text field.
  const rareAdvice = '生僻字可输入编码，如 U+20BB7 加空格';
  call('intake_limits').then((l) => {
    textHints(name, l.name, rareAdvice);
    textHints(address, l.address, rareAdvice);
    textHints(proxyName, l.name, rareAdvice);
    textHints(proxyRelation, l.relation);
    textHints(refusal, l.refusal_reason);
  }).catch((err) => toast(err.message, 'error'));

  // Live checks: the core says whether the ID number and phone are valid.
  liveCheck(idNumber, async () => {
    const r = await call('id_check', { idType: idType.value, number: idNumber.value });
    offerResubmission();
    return r.detail ? `✓ ${r.detail}` : '✓ 号码格式正确';
  });
  idType.addEventListener('change', () => idNumber.dispatchEvent(new Event('blur')));
  liveCheck(phone, async () => { await call('phone_check', { number: phone.value }); return '✓'; });

  const applicantHeading = h('h2', {}, '申请人');
  const form = h('form', { id: 'intake-form', class: 'intake' },
    h('section', { class: 'panel' },
      h('h1', {}, consultation ? `受理（由咨询转入：${consultation.question}）` : '受理'),
      field('办理事项', matterQuery), matterList, matterInfo, materials),
    h('section', { class: 'panel' },
      applicantHeading,
      h('div', { class: 'grid2' },
        field('姓名', name), field('证件类型', idType),
        field('证件号码', idNumber), field('联系电话', phone)),
      field('住址', address),
      h('label', { class: 'check' }, withProxy, ' 由他人代办'),
      proxyBox,
      field('重新提交（选填）', resubmit),
      field('不予受理理由', refusal),
      message,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', id: 'intake-submit' }, '提交受理（Enter）'),
        h('button', { type: 'button', class: 'danger', id: 'intake-refuse', title: 'Alt+R' }, '不予受理（Alt+R）'),
        h('button', { type: 'button', id: 'intake-clear', title: 'Esc' }, '清空（Esc）')),
      result));

  const findMatters = matterSearch(matterQuery, matterList, choose, chooseBundle);

  // 一件事: found by the same search ("出生", "一件事"), listed first.
  async function chooseBundle(code) {
    try {
      const b = await call('bundle_show', { code });
      bundle = b;
      matter = null;
      matterQuery.value = `${b.code} ${b.name}`;
      fill(matterList);
      fill(matterInfo, h('div', { class: 'matter-card', id: 'bundle-card' },
        h('div', {}, h('strong', {}, b.name), `（一件事，共 ${b.matters.length} 个事项，每个事项一个办件）`),
        b.note ? h('div', {}, b.note) : null,
        h('ol', { id: 'bundle-matters' }, ...b.matters.map((m) => h('li', {}, `${m.code} ${m.name}（${m.case_type}${m.promised_days ? `，承诺 ${m.promised_days} 个工作日` : ''}）`)))));
      tolerateBox = null;
      fill(materials,
        h('h2', {}, '申请材料（同一材料只需提交一次，勾选申请人已提交的）'),
        h('table', { class: 'list materials', id: 'materials-table' },
          h('thead', {}, h('tr', {}, ...['已收', '材料', '形式', '份数', '要求', '用于'].map((t) => h('th', {}, t)))),
          h('tbody', {}, ...b.pool.map((m, i) => {
            const box = h('input', { type: 'checkbox', id: `material-${i + 1}`, dataset: { position: String(i + 1) } });
            return h('tr', {},
              h('td', {}, box),
              h('td', {}, h('label', { for: box.id }, m.name), m.note ? h('div', { class: 'muted' }, m.note) : null),
              h('td', {}, m.form),
              h('td', {}, `${m.copies} 份`),
              h('td', {}, m.requirement),
              h('td', {}, m.matters.join('、')));
          }))),
        b.tolerable ? tolerancePart() : null,
        h('p', { class: 'hint', id: 'materials-keys' }, 'Tab 逐项移动，空格勾选或取消，Alt+A 全部已收；勾选完按 Tab 到申请人姓名。'),
        h('div', { class: 'actions' }, h('button', { type: 'button', id: 'all-materials', title: 'Alt+A', onclick: allReceived }, '全部已收（Alt+A）')));
      // A bundle is taken in or told what is missing, never refused whole.
      form.querySelector('#intake-refuse').hidden = true;
      const first = materials.querySelector('input[data-position]');
      (first || name).focus();
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  async function choose(code) {
    try {
      const shown = await call('matter_show', { code });
      matter = shown.matter;
      bundle = null;
      form.querySelector('#intake-refuse').hidden = false;
      matterQuery.value = `${matter.code} ${matter.name}`;
      fill(matterList);
      fill(matterInfo, h('div', { class: 'matter-card' },
        h('div', {}, h('strong', {}, matter.name), `（${matter.department}，第 ${shown.version} 版）`),
        h('div', {}, `${matter.case_type}；承诺时限 ${matter.promised_days} 个工作日，法定时限 ${matter.statutory_days} 个工作日；收费 ${matter.fee} 元`),
        matter.conditions ? h('div', { id: 'matter-conditions' }, `受理条件：${matter.conditions}`) : null,
        matter.in_person_only ? h('div', { class: 'warn' }, '须本人亲自办理，不可代办') : null,
        h('div', { class: 'muted' }, `设定依据：${shown.legal_basis}`)));
      tolerateBox = null;
      fill(materials,
        h('h2', {}, '申请材料（勾选申请人已提交的）'),
        h('table', { class: 'list materials', id: 'materials-table' },
          h('thead', {}, h('tr', {}, ...['已收', '材料', '形式', '份数', '要求'].map((t) => h('th', {}, t)))),
          h('tbody', {}, ...matter.materials.map((m, i) => {
            const box = h('input', { type: 'checkbox', id: `material-${i + 1}`, dataset: { position: String(i + 1) } });
            // 告知承诺: the applicant signs the promise instead of bringing it.
            const promise = m.commitment ? h('input', { type: 'checkbox', id: `promise-${i + 1}`, dataset: { promise: String(i + 1) } }) : null;
            return h('tr', {},
              h('td', {}, box),
              h('td', {}, h('label', { for: box.id }, m.name), m.note ? h('div', { class: 'muted' }, m.note) : null,
                promise ? h('label', { class: 'check promise', for: promise.id, title: m.commitment }, promise, ' 申请人承诺（以告知承诺书代替）') : null),
              h('td', {}, m.form),
              h('td', {}, `${m.copies} 份`),
              h('td', {}, shown.requirements[i]));
          }))),
        shown.tolerance_offered ? tolerancePart() : null,
        h('p', { class: 'hint', id: 'materials-keys' }, 'Tab 逐项移动，空格勾选或取消，Alt+A 全部已收；勾选完按 Tab 到申请人姓名。'),
        h('div', { class: 'actions' }, h('button', { type: 'button', id: 'all-materials', title: 'Alt+A', onclick: allReceived }, '全部已收（Alt+A）')));
      offerResubmission();
      // Materials come next in the clerk's order: they decide the outcome.
      const first = materials.querySelector('input[data-position]');
      (first || name).focus();
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  // 咨询转受理: the enquirer may be asking for someone else (孙丽 for her
  // father). Ask; the enquirer becomes the applicant or the proxy.
  function askWhoApplies(c) {
    const who = `${c.asker_name}${c.asker_phone ? `（${c.asker_phone}）` : ''}`;
    const self = h('button', { type: 'button', id: 'asker-is-applicant', onclick: () => {
      name.value = c.asker_name;
      phone.value = c.asker_phone || '';
      bar.remove();
      name.dispatchEvent(new Event('input'));
      idNumber.focus();
    } }, `${c.asker_name}本人是申请人`);
    const proxy = h('button', { type: 'button', id: 'asker-is-proxy', onclick: () => {
      withProxy.checked = true;
      proxyBox.hidden = false;
      proxyName.value = c.asker_name;
      proxyPhone.value = c.asker_phone || '';
      bar.remove();
      name.focus();
    } }, `${c.asker_name}为他人代办（填写申请人）`);
    const bar = h('div', { class: 'message warn', id: 'who-applies', role: 'group' },
      `咨询人：${who}。谁是申请人？`, self, proxy);
    applicantHeading.after(bar);
  }

  // 重新提交: when this applicant has an open one-time notice of the same
  // matter, offer to link it instead of asking for the old number.
  const declined = new Set();
  async function offerResubmission() {
    const old = document.getElementById('resubmit-offer');
    if (!matter || !idNumber.value.trim() || resubmit.value.trim()) { if (old) old.remove(); return; }
    let o;
    try {
      o = await call('resubmission_offer', { matterCode: matter.code, idNumber: idNumber.value });
    } catch (_) {
      return;
    }
    if (document.getElementById('resubmit-offer')) document.getElementById('resubmit-offer').remove();
    if (!o || declined.has(o.case_no)) return;
    const link = h('button', { type: 'button', id: 'resubmit-link', onclick: () => {
      resubmit.value = o.case_no;
      bar.remove();
      toast(`已关联原一次性告知单 ${o.case_no}`);
    } }, '是，关联原告知单');
    const no = h('button', { type: 'button', id: 'resubmit-decline', onclick: () => { declined.add(o.case_no); bar.remove(); } }, '不是');
    const bar = h('div', { class: 'message warn', id: 'resubmit-offer', role: 'group' },
      `该申请人 ${cnDate(o.received_on)} 办理本事项时收到一次性告知单（办件 ${o.case_no}${o.missing.length ? `，缺：${o.missing.join('、')}` : ''}），尚未重新提交。这次是补齐材料后重新提交吗？`,
      link, no);
    resubmit.closest('.field').before(bar);
  }

  // 容缺受理: offered when the core says so for this matter here.
  function tolerancePart() {
    tolerateBox = h('input', { type: 'checkbox', id: 'tolerate' });
    return h('label', { class: 'check', id: 'tolerate-choice' }, tolerateBox,
      ' 容缺受理：缺少的必交材料都“可容缺”时先受理，申请人签署容缺受理承诺书、按期补齐（缺核心材料时仍一次性告知）');
  }

  function allReceived() {
    materials.querySelectorAll('input[data-position]').forEach((b) => { b.checked = true; });
  }

  /** Whether anything was typed or ticked, which Esc must not wipe unasked. */
  function hasContent() {
    const typed = [name, idNumber, phone, address, proxyName, proxyId, proxyPhone, proxyRelation, refusal, resubmit]
      .some((i) => i.value.trim() !== '');
    return typed || !!matter || !!bundle || withProxy.checked || !!materials.querySelector('input[type=checkbox]:checked');
  }

  // Esc on a form with content asks first; the question's 清空 has the
  // focus (Enter clears), Esc again or 继续填写 keeps everything.
  function askClear() {
    if (document.getElementById('clear-confirm')) return;
    const back = document.activeElement;
    const close = () => { bar.remove(); if (back && form.contains(back)) back.focus(); };
    const yes = h('button', { type: 'button', class: 'danger', id: 'clear-yes', onclick: () => app.go('intake', consultation ? { consultation } : {}) }, '清空（Enter）');
    const no = h('button', { type: 'button', id: 'clear-no', onclick: close }, '继续填写（Esc）');
    const bar = h('div', { class: 'message warn', id: 'clear-confirm', role: 'alertdialog', 'aria-label': '清空受理表单' },
      '清空已填写的全部内容？此操作不能撤销。', yes, no);
    bar.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
    });
    message.after(bar);
    yes.focus();
  }

  function clearAsked() {
    if (hasContent()) askClear();
    else app.go('intake');
  }

  function application(refusing) {
    const provided = [...materials.querySelectorAll('input[data-position]:checked')].map((b) => b.dataset.position);
    const person = (n, t, id, p, a) => ({ name: n.value, id_type: t.value, id_number: id.value, phone: p.value, address: a });
    return {
      matter_code: matter ? matter.code : (consultation && consultation.matter_code) || '',
      applicant: person(name, idType, idNumber, phone, address.value),
      proxy: withProxy.checked ? { person: person(proxyName, proxyIdType, proxyId, proxyPhone, address.value), relation: proxyRelation.value } : null,
      provided,
      refusal_reason: refusing ? refusal.value : null,
      resubmission_of: resubmit.value.trim() || null,
      tolerate: !!(tolerateBox && tolerateBox.checked) && !refusing,
      promised: [...materials.querySelectorAll('input[data-promise]:checked')].map((b) => b.dataset.promise),
    };
  }

  async function submitBundle() {
    const a = application(false);
    const button = form.querySelector('#intake-submit');
    button.disabled = true;
    try {
      const done = await call('bundle_submit', { application: {
        bundle_code: bundle.code, applicant: a.applicant, proxy: a.proxy,
        provided: a.provided, tolerate: a.tolerate, promised: [],
      } });
      showBundleResult(done);
    } catch (err) {
      message.textContent = err.message;
      message.className = 'message error';
    } finally {
      button.disabled = false;
    }
  }

  function showBundleResult(done) {
    const lead = done.cases.length ? done.cases[0].case_no : '';
    fill(result, h('div', { class: `result ${done.missing.length ? 'warn' : 'ok'}`, id: 'result-box' },
      h('div', { class: 'outcome', id: 'result-outcome' }, `${done.bundle.name}：${done.cases.length} 个事项`),
      h('table', { class: 'list', id: 'result-cases' },
        h('thead', {}, h('tr', {}, ...['事项', '结果', '办件编号', '查询码', '承诺办结日期'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...done.cases.map((c) => h('tr', {},
          h('td', {}, c.matter_name), h('td', {}, c.outcome_label),
          h('td', { class: 'mono' }, c.case_no), h('td', { class: 'mono' }, c.query_code),
          h('td', {}, c.due_date ? `${cnDate(c.due_date)}${c.due_note || ''}` : (c.outcome === 'on_the_spot' ? '当场办结' : '—')))))),
      done.missing.length ? h('div', {}, h('div', {}, '需一次补齐以下全部材料（同一材料只需提交一次）：'),
        h('ol', { id: 'result-missing' }, ...done.missing.map((m) => h('li', {}, `${m.name}（${m.form}，${m.copies} 份）用于：${m.matters.join('、')}`)))) : null,
      done.print_error ? h('div', { class: 'message error', id: 'result-print-error' }, `办件已保存，但文书未能打印：${done.print_error}。请在办件 ${lead} 的详情中补打。`) : null,
      h('div', { class: 'documents', id: 'result-documents' }, ...done.documents.map((d) => documentRow(d.case_no, d))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'result-detail', onclick: () => app.openCase(lead) }, '查看办件详情'),
        h('button', { type: 'button', class: 'primary', id: 'next-intake', onclick: () => app.go('intake') }, '受理下一件'))));
    if (done.documents.length && !done.documents.some((d) => d.sent_to)) openPdf(done.documents[0].path, true);
    result.scrollIntoView({ block: 'nearest' });
    form.querySelector('#next-intake').focus();
  }

  async function submit(refusing) {
    message.textContent = '';
    message.className = 'message';
    if (bundle && !refusing) return submitBundle();
    if (bundle) {
      message.textContent = '一件事不能整体不予受理：请按单个事项受理并说明理由';
      message.className = 'message error';
      return;
    }
    if (!matter && !(consultation && consultation.matter_code)) {
      message.textContent = '请先选择办理事项';
      message.className = 'message error';
      matterQuery.focus();
      return;
    }
    const button = form.querySelector('#intake-submit');
    button.disabled = true;
    try {
      const done = consultation
        ? await call('consultation_convert', { consultationId: consultation.consultation_id, application: application(refusing) })
        : await call('intake_submit', { application: application(refusing) });
      showResult(done);
    } catch (err) {
      message.textContent = err.message;
      message.className = 'message error';
    } finally {
      button.disabled = false;
    }
  }

  function showResult(done) {
    const kind = { accepted: 'ok', on_the_spot: 'ok', notice: 'warn', refused: 'bad' }[done.outcome] || '';
    fill(result, h('div', { class: `result ${kind}`, id: 'result-box' },
      h('div', { class: 'outcome', id: 'result-outcome' }, done.outcome_label),
      h('div', {}, '办件编号：', h('span', { class: 'mono big', id: 'result-case-no' }, done.case_no), '　查询码：', h('span', { class: 'mono big', id: 'result-query-code' }, done.query_code)),
      done.due_date ? h('div', { id: 'result-due' }, `承诺办结日期：${cnDate(done.due_date)}${done.due_note || ''}`) : null,
      done.via_agent ? h('div', { id: 'result-agent' }, '代办受理，送交中心：材料装袋带回中心，中心确认收件后开始计算承诺办结时限') : null,
      done.tolerated.length ? h('div', {}, h('div', {}, '容缺材料（请申请人在容缺受理承诺书两联上签字，一联留存）：'),
        h('ol', { id: 'result-tolerated' }, ...done.tolerated.map((m) => h('li', {}, `${m.name}（${m.form}，${m.copies} 份）${cnDate(m.tolerated_until)}前补齐`)))) : null,
      done.promised.length ? h('div', { id: 'result-promised' }, `告知承诺：${done.promised.map((m) => m.name).join('、')}（请申请人在告知承诺书两联上签字）；${cnDate(done.verify_due)}前核查`) : null,
      done.missing.length ? h('div', {}, h('div', {}, '需一次补齐以下全部材料：'),
        h('ol', { id: 'result-missing' }, ...done.missing.map((m) => h('li', {}, `${m.name}（${m.form}，${m.copies} 份）`)))) : null,
      done.refusal_reason ? h('div', { id: 'result-refusal' }, `不予受理理由：${done.refusal_reason}`) : null,
      done.print_error ? h('div', { class: 'message error', id: 'result-print-error' }, `办件已保存，但文书未能打印：${done.print_error}。请在办件详情中补打。`) : null,
      h('div', { class: 'documents', id: 'result-documents' }, ...done.documents.map((d) => documentRow(done.case_no, d))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'result-detail', onclick: () => app.openCase(done.case_no) }, '查看办件详情'),
        h('button', { type: 'button', class: 'primary', id: 'next-intake', onclick: () => app.go('intake') }, '受理下一件'))));
    // Opening the PDF is the second choice: only when nothing went to a printer.
    if (done.documents.length && !done.documents.some((d) => d.sent_to)) openPdf(done.documents[0].path, true);
    result.scrollIntoView({ block: 'nearest' });
    form.querySelector('#next-intake').focus();
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); submit(false); });
  form.querySelector('#intake-refuse').addEventListener('click', () => submit(true));
  form.querySelector('#intake-clear').addEventListener('click', clearAsked);
  form.addEventListener('keydown', (e) => {
    if (e.altKey && (e.key === 'r' || e.key === 'R')) { e.preventDefault(); submit(true); }
    if (e.altKey && (e.key === 'a' || e.key === 'A') && (matter || bundle)) { e.preventDefault(); allReceived(); }
    if (e.key === 'Escape' && !e.defaultPrevented) { e.preventDefault(); e.stopPropagation(); clearAsked(); }
  });

  fill(root, form);
  if (consultation) {
    if (consultation.asker_name) askWhoApplies(consultation);
    if (consultation.matter_code) choose(consultation.matter_code);
  }
  matterQuery.focus();
  findMatters();
}

/** Runs `check` when the field is left or Enter-free typing pauses; shows ✓ or the core's message. */
function liveCheck(input, check) {
  let timer = null;
  const run = async () => {
    const hint = document.getElementById(`${input.id}-hint`);
    if (!hint) return;
    if (!input.value.trim()) { hint.textContent = ''; hint.className = 'hint'; input.removeAttribute('aria-invalid'); return; }
    try {
      hint.textContent = await check();
      hint.className = 'hint ok';
      input.removeAttribute('aria-invalid');
    } catch (err) {
      hint.textContent = err.message;
      hint.className = 'hint error';
      input.setAttribute('aria-invalid', 'true');
    }
  };
  input.addEventListener('blur', run);
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 400); });
}

/**
 * A printed paper on the intake result: where it went; 打印 sends a saved
 * copy to this PC's printer once (another paper is a 补打, on the case);
 * 打开 PDF is the second choice.
 */
function documentRow(caseNo, d) {
  const status = h('span', { class: 'sent' }, sentText(d));
  const print = d.sent_to ? null : h('button', { type: 'button', class: 'send', onclick: async () => {
    print.disabled = true;
    try {
      const sent = await call('send_document', { caseNo, kind: d.kind });
      status.textContent = sentText(sent);
      toast(sentText(sent));
      print.remove();
    } catch (err) {
      toast(err.message, 'error');
      print.disabled = false;
    }
  } }, '打印');
  return h('div', { class: 'document', dataset: { kind: d.kind, path: d.path } },
    `${d.label}（${d.pages} 页）`, status, print,
    h('button', { type: 'button', class: 'open', onclick: () => openPdf(d.path) }, '打开 PDF'));
}

function sentText(d) {
  return d.sent_to ? `已发送到打印机 ${d.sent_to.printer}（任务 ${d.sent_to.job}）` : '已保存为 PDF';
}

export async function openPdf(path, quiet = false) {
  try {
    const opened = await call('open_document', { path });
    if (!opened && !quiet) toast(`文书已保存：${path}`);
  } catch (err) {
    toast(err.message, 'error');
  }
}
