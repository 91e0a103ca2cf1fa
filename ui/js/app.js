// The window: start-up (set-up or login), the role-based menu, keyboard
// shortcuts, the idle lock, and switching screens.

import { call, onSessionError } from './api.js';
import { h, fill, toast } from './dom.js';
import { setupScreen } from './screens/setup.js';
import { loginScreen } from './screens/login.js';
import { workbenchScreen } from './screens/workbench.js';
import { intakeScreen } from './screens/intake.js';
import { consultScreen } from './screens/consult.js';
import { caseScreen } from './screens/case.js';
import { complaintsScreen } from './screens/complaints.js';
import { statsScreen } from './screens/stats.js';
import { exchangeScreen } from './screens/exchange.js';
import { backupScreen } from './screens/backup.js';
import { calendarScreen } from './screens/calendar.js';
import { usersScreen, passwordScreen } from './screens/users.js';
import { standInScreen } from './screens/standin.js';
import { centerScreen } from './screens/center.js';
import { catalogueScreen } from './screens/catalogue.js';
import { qualityScreen } from './screens/quality.js';

const screen = document.getElementById('screen');
const state = { status: null, user: null, idleMinutes: 10, current: null };

// Menu entries: the key, the label, the shortcut, the action the role needs.
// Screens marked `more` sit under "更多" so the bar fits 1366 px for a
// manager; their shortcuts work all the same.
const MENU = [
  { key: 'workbench', label: '工作台', shortcut: 'F1', needs: 'view_cases' },
  { key: 'intake', label: '受理', shortcut: 'F2', needs: 'intake' },
  { key: 'consult', label: '咨询登记', shortcut: 'F3', needs: 'service_desk' },
  { key: 'search', label: '查询', shortcut: 'F4', needs: 'view_cases' },
  { key: 'complaints', label: '投诉', shortcut: 'F6', needs: 'service_desk' },
  { key: 'stats', label: '统计', shortcut: 'F7', needs: 'view_reports' },
  { key: 'exchange', label: '数据交换', shortcut: 'F8', needs: 'exchange' },
  { key: 'backup', label: '备份', shortcut: 'F9', needs: 'maintain' },
  { key: 'catalogue', label: '事项清单', shortcut: null, needs: 'view_cases', more: true },
  { key: 'quality', label: '整改回访', shortcut: null, needs: 'manage_quality', more: true },
  { key: 'calendar', label: '节假日', shortcut: 'F10', needs: 'view_cases', more: true },
  { key: 'standin', label: 'AB角', shortcut: 'F12', needs: 'edit_center', more: true },
  { key: 'users', label: '人员', shortcut: 'F11', needs: 'manage_users', more: true },
  { key: 'center', label: '设置', shortcut: null, needs: 'edit_center', more: true },
];

export const app = {
  state,
  go,
  openCase: (caseNo) => go('case', { caseNo }),
  can: (action) => !!(state.user && state.user.actions.includes(action)),
};

async function start() {
  try {
    state.status = await call('app_status');
  } catch (e) {
    fill(screen, h('div', { class: 'panel error' }, `无法打开数据库：${e.message}`));
    return;
  }
  state.idleMinutes = state.status.idle_minutes || 10;
  // A missing or changed printing font is said from the start, on every
  // screen, not first when a receipt fails to print.
  const alert = document.getElementById('startup-alert');
  alert.textContent = state.status.fonts || '';
  alert.hidden = !state.status.fonts;
  if (!state.status.device) {
    showTopbar(false);
    setupScreen(screen, async () => { state.status = await call('app_status'); showLogin(); });
    return;
  }
  const brand = document.getElementById('brand');
  brand.textContent = `便民服务台 · ${state.status.device.device_code}`;
  brand.title = state.status.device.center_name;
  if (state.status.user && !state.status.locked) {
    loggedIn(state.status.user);
  } else {
    showLogin();
  }
}

// The screen the idle lock hid, with everything typed into it: the same
// user unlocking gets it back as she left it (a half-filled intake while
// the applicant went to make a copy); anyone else starts at 工作台.
let held = null;

function showLogin(locked = false) {
  if (locked && state.user && state.current !== 'login' && !held) {
    held = { key: state.current, userId: state.user.username, nodes: [...screen.childNodes], focus: document.activeElement };
  }
  if (!locked) held = null;
  showTopbar(false);
  state.current = 'login';
  loginScreen(screen, {
    device: state.status && state.status.device,
    encrypted: !!(state.status && state.status.encrypted),
    locked,
    user: state.user,
    onLogin: loggedIn,
  });
}

function loggedIn(user) {
  state.user = user;
  showTopbar(true);
  const who = document.getElementById('who');
  fill(who, `${user.display_name}（${user.role_label}）`);
  who.title = `修改密码（${state.status.device.center_name}　工号 ${user.staff_no}）`;
  const visible = MENU.filter((m) => app.can(m.needs));
  const item = (m) => h('button', { type: 'button', id: `menu-${m.key}`, dataset: { key: m.key }, onclick: () => go(m.key) },
    m.label, m.shortcut ? h('span', { class: 'key' }, m.shortcut) : null);
  fill(document.getElementById('menu'), ...visible.filter((m) => !m.more).map(item),
    moreMenu(visible.filter((m) => m.more).map(item)));
  resetIdle();
  loadSync();
  const back = held && held.userId === user.username && !user.must_change_password ? held : null;
  held = null;
  if (!back) { go('workbench'); return; }
  state.current = back.key;
  fill(screen, ...back.nodes);
  markMenu(back.key);
  if (back.focus && screen.contains(back.focus)) back.focus.focus();
}

// After a restore the window's data is gone: log in again to the restored file.
function restored(r) {
  state.user = null;
  showLogin();
  toast(`已从备份恢复（${r.events} 条事件），原数据库另存为 ${r.replaced_kept_as || '（无）'}，请重新登录`);
}

// "更多 ▾": a list that opens under its button; Enter or ↓ opens it with
// the first entry focused, ↑/↓ move, Esc closes it, and it closes when an
// entry is chosen or the focus leaves it.
function moreMenu(items) {
  if (!items.length) return null;
  const list = h('div', { class: 'menu-list', id: 'menu-more-list', role: 'menu', hidden: true }, items);
  const toggle = h('button', { type: 'button', id: 'menu-more', 'aria-haspopup': 'menu', 'aria-expanded': 'false' }, '更多 ▾');
  const group = h('div', { class: 'menu-group' }, toggle, list);
  const setOpen = (open, focusFirst) => {
    list.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open && focusFirst) items[0].focus();
  };
  toggle.addEventListener('click', () => setOpen(list.hidden, true));
  toggle.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true, true); }
  });
  list.addEventListener('click', () => setOpen(false));
  list.addEventListener('keydown', (e) => {
    const at = items.indexOf(document.activeElement);
    if (e.key === 'ArrowDown') { e.preventDefault(); items[(at + 1) % items.length].focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); items[(at - 1 + items.length) % items.length].focus(); }
    if (e.key === 'Escape') { e.preventDefault(); setOpen(false); toggle.focus(); }
  });
  group.addEventListener('focusout', (e) => {
    if (!group.contains(e.relatedTarget)) setOpen(false);
  });
  return group;
}

function showTopbar(on) {
  document.getElementById('topbar').hidden = !on;
}

function go(key, params = {}) {
  if (!state.user) return;
  // After an admin reset the password the core refuses everything else.
  if (state.user.must_change_password) key = 'password';
  state.current = key;
  state.params = params;
  markMenu(key);
  switch (key) {
    case 'workbench': return workbenchScreen(screen, app, {});
    case 'search': return workbenchScreen(screen, app, { focusSearch: true });
    case 'intake': return intakeScreen(screen, app, params);
    case 'consult': return consultScreen(screen, app);
    case 'case': return caseScreen(screen, app, params.caseNo);
    case 'complaints': return complaintsScreen(screen, app);
    case 'stats': return statsScreen(screen, app);
    case 'exchange': return exchangeScreen(screen, app);
    case 'backup': return backupScreen(screen, app, { onRestored: restored });
    case 'calendar': return calendarScreen(screen, app, params);
    case 'users': return usersScreen(screen, app);
    case 'standin': return standInScreen(screen, app);
    case 'center': return centerScreen(screen, app);
    case 'catalogue': return catalogueScreen(screen, app, params);
    case 'quality': return qualityScreen(screen, app);
    case 'password': return passwordScreen(screen, app, { forced: state.user.must_change_password });
    default: return workbenchScreen(screen, app, {});
  }
}

function markMenu(key) {
  for (const b of document.querySelectorAll('#menu button')) {
    b.classList.toggle('active', b.dataset.key === key);
  }
  const more = document.getElementById('menu-more');
  if (more) more.classList.toggle('active', !!MENU.find((m) => m.more && m.key === key));
}

// The idle lock: after the center's idle minutes without keys or clicks.
let idleTimer = null;
function resetIdle() {
  clearTimeout(idleTimer);
  if (!state.user || state.current === 'login') return;
  idleTimer = setTimeout(lockNow, state.idleMinutes * 60 * 1000);
}

async function lockNow() {
  if (!state.user) return;
  try { await call('lock_screen'); } catch (_) { /* the screen locks anyway */ }
  showLogin(true);
}

for (const ev of ['keydown', 'mousedown', 'wheel']) {
  window.addEventListener(ev, resetIdle, { capture: true, passive: true });
}

window.addEventListener('keydown', (e) => {
  if (!state.user || state.current === 'login') return;
  const entry = MENU.find((m) => m.shortcut === e.key);
  if (entry && app.can(entry.needs)) {
    e.preventDefault();
    go(entry.key);
  } else if (e.altKey && (e.key === 'l' || e.key === 'L')) {
    e.preventDefault();
    lockNow();
  } else if (e.key === 'Escape' && state.current !== 'workbench' && !e.defaultPrevented) {
    e.preventDefault();
    go('workbench');
  }
});

// 局域网同步: the top bar says where it stands; when another PC's events
// arrive, a screen that only shows data (工作台, a case, 统计, 数据交换) is
// drawn again — unless something was typed into it, which is never lost.
const REFRESHED = ['workbench', 'case', 'stats', 'exchange'];

function showSync(s) {
  const el = document.getElementById('sync-status');
  if (!s || s.state === 'off') { el.hidden = true; return; }
  el.hidden = false;
  el.textContent = s.label;
  el.title = s.reason || s.label;
  el.className = `sync ${s.state}`;
}

function edited() {
  return [...screen.querySelectorAll('input, textarea, select')].some((el) =>
    (el.type === 'checkbox' || el.type === 'radio') ? el.checked !== el.defaultChecked
      : el.tagName === 'SELECT' ? [...el.options].some((o) => o.selected !== o.defaultSelected)
        : el.value !== el.defaultValue);
}

let refreshing = null;
function refreshShown() {
  if (!state.user || !REFRESHED.includes(state.current) || edited()) return;
  // Several batches in a row: draw once.
  clearTimeout(refreshing);
  refreshing = setTimeout(async () => {
    if (!state.user || !REFRESHED.includes(state.current) || edited()) return;
    const focusedId = document.activeElement && screen.contains(document.activeElement) ? document.activeElement.id : '';
    const scroll = window.scrollY;
    await go(state.current, state.params || {});
    window.scrollTo(0, scroll);
    const again = focusedId && document.getElementById(focusedId);
    if (again) again.focus();
  }, 150);
}

const events = window.__TAURI__ && window.__TAURI__.event;
if (events) {
  events.listen('sync-status', (e) => { if (state.user) showSync(e.payload); });
  events.listen('sync-arrived', refreshShown);
}

async function loadSync() {
  try { showSync(await call('sync_status')); } catch (_) { showSync(null); }
}

document.getElementById('who').addEventListener('click', () => go('password'));
document.getElementById('lock-button').addEventListener('click', lockNow);
document.getElementById('logout-button').addEventListener('click', async () => {
  await call('logout');
  state.user = null;
  showLogin();
  toast('已退出登录');
});

onSessionError((err) => {
  if (err.code === 'locked') showLogin(true);
  else { state.user = null; showLogin(); toast(err.message, 'error'); }
});

start();
