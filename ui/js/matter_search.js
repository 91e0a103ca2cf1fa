// The counter's matter search, the same on 受理 and 咨询登记: the core finds
// matters by name, code or pinyin initials ("gljt" → 高龄津贴申请); the
// first eight are listed under the box. Enter takes the first, ↓/↑ move
// through the list, Enter on one takes it.

import { call } from './api.js';
import { h, fill, toast } from './dom.js';

/** Wires `query` and its `list`; `choose(code, summary)` is called with the matter taken. Returns the search. */
export function matterSearch(query, list, choose) {
  let shown = [];
  async function find() {
    try {
      shown = (await call('matters_find', { query: query.value })).slice(0, 8);
      fill(list, ...shown.map((m, i) => h('li', {
        role: 'option', tabindex: 0, class: i === 0 ? 'first' : '', dataset: { code: m.code },
        onclick: () => choose(m.code, m), onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); choose(m.code, m); } },
      }, h('span', { class: 'mono' }, m.code), ' ', m.name, h('span', { class: 'muted' }, ` ${m.case_type}，承诺 ${m.promised_days} 个工作日`))));
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  query.addEventListener('input', find);
  query.addEventListener('keydown', (e) => {
    const first = list.querySelector('li');
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
