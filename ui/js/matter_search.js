// The counter's matter search, the same on 受理 and 咨询登记: the core finds
// matters by name, code or pinyin initials ("gljt" → 高龄津贴申请); the
// first eight are listed under the box. Enter takes the first, ↓/↑ move
// through the list, Enter on one takes it. Given `chooseBundle`, the 一件事
// bundles the core finds for the query are listed first ("出生", "一件事").

import { call } from './api.js';
import { h, fill, toast } from './dom.js';

/** Wires `query` and its `list`; `choose(code, summary)` is called with the matter taken. Returns the search. */
export function matterSearch(query, list, choose, chooseBundle = null) {
  let shown = [];
  async function find() {
    try {
      const bundles = chooseBundle ? await call('bundles_find', { query: query.value }) : [];
      shown = (await call('matters_find', { query: query.value })).slice(0, 8);
      fill(list, ...bundles.map((b, i) => h('li', {
        role: 'option', tabindex: 0, class: i === 0 ? 'first bundle' : 'bundle', dataset: { bundle: b.code },
        onclick: () => chooseBundle(b.code), onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); chooseBundle(b.code); } },
      }, h('span', { class: 'mono' }, b.code), ' ', h('strong', {}, '一件事 '), b.name, h('span', { class: 'muted' }, ` ${b.matter_names.join('、')}`))),
      ...shown.map((m, i) => h('li', {
        role: 'option', tabindex: 0, class: i === 0 && !bundles.length ? 'first' : '', dataset: { code: m.code },
        onclick: () => choose(m.code, m), onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); choose(m.code, m); } },
      }, h('span', { class: 'mono' }, m.code), ' ', m.name, h('span', { class: 'muted' }, ` ${m.case_type}，承诺 ${m.promised_days} 个工作日`))));
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  query.addEventListener('input', find);
  query.addEventListener('keydown', (e) => {
    const first = list.querySelector('li');
    if (e.key === 'Enter' && first && first.dataset.bundle) { e.preventDefault(); chooseBundle(first.dataset.bundle); return; }
    if (e.key === 'Enter' && first) { e.preventDefault(); choose(first.dataset.code, shown[0]); }
    if (e.key === 'ArrowDown' && first) { e.preventDefault(); first.focus(); }
  });
  list.addEventListener('keydown', (e) => {
    const li = document.activeElement;
    if (e.key === 'ArrowDown' && li.nextElementSibling) { e.preventDefault(); li.nextElementSibling.focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); (li.previousElementSibling || query).focus(); }
  });
  return find;
}
