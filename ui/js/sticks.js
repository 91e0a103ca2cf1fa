// The USB sticks plugged in, as buttons beside a folder box: choosing one
// fills the box, so nobody needs the system's folder dialog (which follows
// the PC's language and may not fit the screen). 刷新 looks again after a
// stick is plugged in.

import { call } from './api.js';
import { h, fill } from './dom.js';

/** Buttons for the sticks; `pick(path)` gets the chosen one's folder. */
export function stickPicker(id, pick) {
  const list = h('span', { class: 'sticks', id });
  const load = async () => {
    let sticks = [];
    try { sticks = await call('usb_sticks'); } catch (_) { /* none shown */ }
    fill(list,
      ...(sticks.length
        ? sticks.map((s) => h('button', { type: 'button', class: 'stick', dataset: { path: s.path }, title: s.path, onclick: () => pick(s.path) }, `U 盘：${s.label}`))
        : [h('span', { class: 'hint' }, '未检测到 U 盘')]),
      h('button', { type: 'button', class: 'small', onclick: load }, '刷新'));
  };
  load();
  return list;
}
