// Building the page without ever parsing data as HTML: every text goes in
// through textContent, so a name like <script>… is shown, never run.

/** Creates an element: h('div', {class: 'x', onclick: f}, 'text', child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  // Forms are checked by the core, which answers in Chinese; the web view's
  // own bubbles ("Fill out this field") would speak the PC's language.
  if (tag === 'form') el.noValidate = true;
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A labelled form field; `input` is the control. */
export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2)}`;
  input.id = id;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : h('div', { class: 'hint', id: `${id}-hint` }));
}

/** Shows a short message at the bottom of the window. */
export function toast(text, kind = 'info') {
  const el = document.getElementById('toast');
  el.className = kind;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 8000 : 4000);
}

/** A date as 2026年11月23日. */
export function cnDate(iso) {
  if (!iso) return '—';
  const [y, m, d] = String(iso).slice(0, 10).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** A time stamp as 2026-11-23 09:30. */
export function shortTime(rfc3339) {
  if (!rfc3339) return '—';
  return String(rfc3339).slice(0, 16).replace('T', ' ');
}

/**
 * Turns code points typed as "U+20BB7" into the character, so rare name
 * characters can be entered without an input method that has them. While
 * typing, a code point is taken once a space follows it ("U+20BB7 "), so
 * "U+20BB" is not taken early; `all` also takes one at the end of the text.
 */
export function expandCodePoints(text, all = false) {
  const pattern = all ? /[Uu]\+([0-9A-Fa-f]{4,6})(?![0-9A-Fa-f]) ?/g : /[Uu]\+([0-9A-Fa-f]{4,6}) /g;
  return text.replace(pattern, (whole, hex) => {
    const cp = parseInt(hex, 16);
    return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) ? String.fromCodePoint(cp) : whole;
  });
}

/** Characters outside the common CJK set (Ext A, Ext B and beyond) a clerk should confirm by code point. */
export function rareCharacters(text) {
  return [...new Set([...text].filter((c) => {
    const cp = c.codePointAt(0);
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x3FFFF);
  }))];
}

/**
 * Under a text field: the rare characters it holds with their code points
 * ("含生僻字 𠮷 U+20BB7"), so the clerk can confirm what looks like 吉, and
 * how many characters of the core's limit are used ("12/200"), red when
 * over. Counted in characters, as the core counts (not UTF-16 units).
 */
export function textHints(input, max, advice = '') {
  const show = () => {
    const hint = document.getElementById(`${input.id}-hint`);
    if (!hint) return;
    const n = [...input.value].length;
    const rare = rareCharacters(input.value)
      .map((c) => `${c} U+${c.codePointAt(0).toString(16).toUpperCase()}`);
    const parts = [];
    if (rare.length) parts.push(`含生僻字 ${rare.join('，')}`);
    else if (advice) parts.push(advice);
    if (max && (n > 0 || !advice)) parts.push(`${n}/${max} 字`);
    hint.textContent = parts.join('　');
    hint.className = n > max ? 'hint error' : rare.length ? 'hint rare' : 'hint';
  };
  input.addEventListener('input', show);
  input.addEventListener('blur', show);
  // The field's hint exists once the field is built.
  setTimeout(show, 0);
  return input;
}

/** Makes an input expand U+XXXX as it is typed (after a space) and when left. */
export function codePointInput(input) {
  const expand = (all) => {
    const expanded = expandCodePoints(input.value, all);
    if (expanded !== input.value) {
      input.value = expanded;
    }
  };
  input.addEventListener('input', () => expand(false));
  input.addEventListener('blur', () => expand(true));
  return input;
}
