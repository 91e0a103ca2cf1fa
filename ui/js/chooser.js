// The window's own file and folder chooser, in place of the system's dialog
// (which follows the PC's language and opened taller than a 768-pixel
// screen). A modal box inside the window: the places to start (U 盘 first),
// the folder's path (type one and press Enter), its subfolders and the
// files asked for. Keyboard: Tab between the parts, ↑/↓ in the list, Enter
// opens a folder or takes a file, Backspace goes up, Esc cancels.

import { call } from './api.js';
import { h, fill } from './dom.js';

let lastFolder = null;

/**
 * Asks for a file (`extensions`, e.g. ['toml']) or, with `folder: true`, a
 * folder. Resolves to the chosen path, or null when cancelled.
 */
export function choosePath({ title, extensions = [], folder = false }) {
  return new Promise((resolve) => {
    const message = h('p', { class: 'message', id: 'chooser-message', role: 'alert' });
    const places = h('div', { class: 'chooser-places', id: 'chooser-places' });
    const path = h('input', { id: 'chooser-path', autocomplete: 'off', 'aria-label': '文件夹位置' });
    const up = h('button', { type: 'button', id: 'chooser-up', title: 'Backspace' }, '上一级');
    const body = h('tbody', {});
    const list = h('div', { class: 'chooser-list' },
      h('table', { class: 'list', id: 'chooser-table' },
        h('thead', {}, h('tr', {}, h('th', {}, '名称'), h('th', {}, '类型'), h('th', {}, '大小'), h('th', {}, '修改时间'))),
        body));
    const pick = folder ? h('button', { type: 'button', class: 'primary', id: 'chooser-pick' }, '选择此文件夹') : null;
    const cancel = h('button', { type: 'button', id: 'chooser-cancel' }, '取消（Esc）');
    const box = h('dialog', { id: 'chooser', class: 'chooser', 'aria-label': title },
      h('h2', {}, title),
      places,
      h('div', { class: 'chooser-path' }, path, up),
      message,
      list,
      h('div', { class: 'actions' },
        h('span', { class: 'hint' }, folder ? '打开要用的文件夹，再按“选择此文件夹”。' : `单击或按 Enter 选择文件（${extensions.map((e) => `.${e}`).join('、')}）。`),
        pick, cancel));
    let current = null;

    let finished = false;
    const opener = document.activeElement;
    const done = (chosen) => {
      if (finished) return;
      finished = true;
      if (chosen) lastFolder = folder ? chosen : current;
      box.close();
      box.remove();
      // The keyboard goes on from the button that opened the chooser.
      if (opener && opener.isConnected) opener.focus();
      resolve(chosen);
    };
    const size = (n) => (n === null || n === undefined ? '' : n < 1024 ? `${n} 字节` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`);
    const rows = () => [...body.querySelectorAll('tr[tabindex]')];

    async function open(dir, focusList = true) {
      try {
        const l = await call('chooser_list', { path: dir, extensions });
        current = l.path;
        path.value = l.path;
        up.disabled = !l.parent;
        up.dataset.parent = l.parent || '';
        message.className = 'message';
        message.textContent = l.entries.length ? '' : (folder ? '此文件夹中没有子文件夹。' : '此文件夹中没有可选的文件。');
        fill(body, l.entries.map((e) => h('tr', {
          tabindex: 0, dataset: { path: e.path, folder: e.folder ? '1' : '' },
          onclick: () => act(e),
          onkeydown: (ev) => {
            if (ev.key === 'Enter') { ev.preventDefault(); act(e); }
          },
        }, h('td', {}, e.name), h('td', {}, e.folder ? '文件夹' : '文件'), h('td', {}, size(e.size)), h('td', {}, e.modified || ''))));
        const first = rows()[0];
        if (focusList && first) first.focus();
        else if (focusList) (pick || path).focus();
        return true;
      } catch (err) {
        message.className = 'message error';
        message.textContent = err.message;
        path.focus();
        return false;
      }
    }
    function act(e) {
      if (e.folder) open(e.path);
      else if (!folder) done(e.path);
    }

    path.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') { ev.preventDefault(); open(path.value.trim()); }
    });
    up.addEventListener('click', () => { if (up.dataset.parent) open(up.dataset.parent); });
    if (pick) pick.addEventListener('click', () => { if (current) done(current); });
    cancel.addEventListener('click', () => done(null));
    // Esc: the dialog's own cancel; it closes without choosing.
    box.addEventListener('cancel', (ev) => { ev.preventDefault(); done(null); });
    body.addEventListener('keydown', (ev) => {
      const all = rows();
      const at = all.indexOf(document.activeElement);
      if (ev.key === 'ArrowDown' && at < all.length - 1) { ev.preventDefault(); all[at + 1].focus(); }
      if (ev.key === 'ArrowUp' && at > 0) { ev.preventDefault(); all[at - 1].focus(); }
    });
    // Esc cancels (the dialog's own cancel does not come in every web view);
    // Backspace goes up, except while typing a path.
    box.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') { ev.preventDefault(); done(null); return; }
      if (ev.key === 'Backspace' && ev.target !== path && up.dataset.parent) { ev.preventDefault(); open(up.dataset.parent); }
    });

    document.body.append(box);
    box.showModal();
    (async () => {
      let ps = [];
      try {
        ps = await call('chooser_places');
        fill(places, ps.map((p) => h('button', { type: 'button', class: 'stick', dataset: { path: p.path }, title: p.path, onclick: () => open(p.path) }, p.label)));
      } catch (err) {
        message.className = 'message error';
        message.textContent = err.message;
      }
      // Where the last choice was made, unless that stick is gone.
      if (lastFolder && await open(lastFolder)) return;
      if (ps.length) open(ps[0].path);
    })();
  });
}
