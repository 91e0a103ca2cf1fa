// 数据交换: export this device's batch to a USB folder with a progress bar
// and a summary; import the batches found there with the six checks shown
// one by one (a refusal marks the failed check and says why); the gaps
// still waiting for a batch, the conflicts; (managers) registering
// another device's key, and approving the PCs that ask over the LAN to
// join the center.

import { stickPicker } from '../sticks.js';
import { call, screenData } from '../api.js';
import { h, fill, field, toast, shortTime } from '../dom.js';
import { choosePath } from '../chooser.js';

function kib(bytes) {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export async function exchangeScreen(root, app) {
  let o = await screenData(root, 'exchange_overview');
  if (!o) return;
  const folder = h('input', { id: 'exchange-folder', placeholder: 'U 盘文件夹，如 /media/usb', value: app.state.exchangeFolder || '' });
  const files = h('div', { id: 'exchange-files' });
  const bar = h('progress', { id: 'exchange-progress', max: 1, value: 0 });
  const barText = h('span', { id: 'exchange-progress-text' });
  const result = h('div', { id: 'exchange-result', class: 'message' });
  const checks = h('ol', { id: 'exchange-checks', class: 'checks' });

  let unlisten = null;
  const events = window.__TAURI__ && window.__TAURI__.event;
  if (events) {
    unlisten = await events.listen('exchange-progress', (e) => {
      const p = e.payload;
      bar.max = Math.max(1, p.total);
      bar.value = p.done;
      barText.textContent = `${p.what === 'export' ? '导出' : '导入'} ${p.done}/${p.total} 条事件`;
    });
  }
  const observer = new MutationObserver(() => {
    if (!root.contains(folder)) { if (unlisten) unlisten(); observer.disconnect(); }
  });
  observer.observe(root, { childList: true });

  const showChecks = (failedAt, message) => {
    fill(checks, ...o.checks.map((name, i) => {
      const n = i + 1;
      let mark = '✓'; let cls = 'ok';
      if (failedAt) {
        if (n === failedAt) { mark = '✗'; cls = 'failed'; } else if (n > failedAt) { mark = '—'; cls = 'skipped'; }
      }
      return h('li', { class: cls, dataset: { step: String(n) } }, `${mark} 第 ${n} 步 ${name}`,
        n === failedAt ? h('div', { class: 'reason' }, message) : null);
    }));
  };

  const refreshFiles = async () => {
    app.state.exchangeFolder = folder.value;
    if (!folder.value.trim()) { fill(files); return; }
    let list;
    try {
      list = await call('exchange_folder', { folder: folder.value });
    } catch (err) {
      fill(files, h('p', { class: 'message error' }, err.message));
      return;
    }
    const batches = list.filter((f) => f.name.endsWith('.bmb'));
    const keys = list.filter((f) => f.name.endsWith('.key'));
    fill(files,
      batches.length ? h('table', { class: 'list', id: 'batch-table' },
        h('thead', {}, h('tr', {}, h('th', {}, '批次文件'), h('th', {}, '大小'), h('th', {}, ''))),
        h('tbody', {}, ...batches.map((f) => h('tr', {},
          h('td', { class: 'mono' }, f.name), h('td', {}, kib(f.bytes)),
          h('td', {}, h('button', { type: 'button', class: 'import-button', dataset: { name: f.name }, onclick: () => importFile(f) }, '导入'))))))
        : h('p', { class: 'empty' }, '该文件夹中没有批次文件（.bmb）'),
      app.can('trust_device') && keys.length ? h('table', { class: 'list', id: 'key-table' },
        h('thead', {}, h('tr', {}, h('th', {}, '设备公钥文件'), h('th', {}, ''))),
        h('tbody', {}, ...keys.map((f) => h('tr', {},
          h('td', { class: 'mono' }, f.name),
          h('td', {}, h('button', { type: 'button', class: 'trust-button', dataset: { name: f.name }, onclick: () => trust(f.path) }, '登记信任')))))) : null);
  };

  const importFile = async (f) => {
    bar.value = 0; barText.textContent = '';
    result.className = 'message';
    result.textContent = `正在导入 ${f.name}…`;
    try {
      const r = await call('exchange_import', { path: f.path });
      showChecks(0);
      if (r.already_imported_at) {
        result.textContent = `${r.file_name}（${r.from_device} 第 ${r.batch_no} 批）已导入过，没有新的数据，本机未作改动`;
      } else {
        const lines = [`已导入 ${r.file_name}（${r.from_device} 第 ${r.batch_no} 批）：新增事件 ${r.added} 条，涉及办件 ${r.cases} 件；已有 ${r.already_present} 条`];
        if (r.scans) lines.push(`收到扫描件 ${r.scans} 个`);
        if (r.released) lines.push(`补齐缺口后写入先前暂存的 ${r.released} 条`);
        if (r.held) lines.push(`暂存 ${r.held} 条，等待更早的批次`);
        if (r.new_conflicts) lines.push(`发现 ${r.new_conflicts} 条冲突记录，已保留，未改变办件`);
        result.textContent = lines.join('；');
      }
      o = await call('exchange_overview');
      showStatus();
    } catch (err) {
      const m = /第 (\d) 步/.exec(err.message);
      showChecks(m ? Number(m[1]) : 1, err.message);
      result.textContent = `未导入：${err.message}`;
      result.className = 'message error';
    }
    result.scrollIntoView({ block: 'center' });
  };

  const trust = async (key) => {
    try {
      const d = await call('device_trust', { key });
      toast(`已登记信任设备 ${d.device_code}（指纹 ${d.fingerprint}）`);
      o = await call('exchange_overview');
      showStatus();
    } catch (err) {
      toast(err.message, 'error');
    }
  };

  const destination = h('select', { id: 'export-destination' }, h('option', { value: '' }, '中心（默认）'));
  // A device not registered yet (a new PC or laptop joining from the
  // stick): its batch is sealed to a join code shown once here.
  const newDevice = h('input', { id: 'export-new-device', maxlength: 8, placeholder: '如 A05（留空则发往上面所选）' });
  const exportResult = h('div', { id: 'export-result', class: 'message' });
  const doExport = h('button', { type: 'button', id: 'export-button', onclick: async () => {
    bar.value = 0; barText.textContent = '';
    exportResult.className = 'message';
    exportResult.textContent = '正在导出…';
    try {
      const to = newDevice.value.trim() || destination.value;
      const r = await call('exchange_export', { form: { folder: folder.value, destination: to } });
      fill(exportResult,
        h('p', {}, `已导出第 ${r.batch_no} 批：${r.file_name}（事件 ${r.events} 条，办件 ${r.cases} 件，`
          + (r.scans ? `扫描件 ${r.scans} 个，` : '') + `${kib(r.bytes)}）`),
        h('p', { id: 'export-sealed-for' }, `已加密：只有${r.sealed_for.join('、')}能打开，U 盘丢失也看不到办件内容`),
        r.join_code ? h('p', { class: 'fingerprint-big' }, '加入口令：', h('strong', { id: 'export-join-code', class: 'mono' }, r.join_code),
          '（只显示这一次：请抄给新设备的安装人员，在新设备上“加入已有中心”时填写；不要和 U 盘放在一起）') : null);
      newDevice.value = '';
      refreshFiles();
    } catch (err) {
      exportResult.textContent = err.message;
      exportResult.className = 'message error';
    }
  } }, '导出批次');
  const choose = h('button', { type: 'button', id: 'exchange-choose', onclick: async () => {
    const picked = await choosePath({ folder: true, title: '选择 U 盘文件夹' });
    if (picked) { folder.value = picked; refreshFiles(); }
  } }, '选择文件夹…');
  folder.addEventListener('change', refreshFiles);

  // A conflict: the refused step beside the one that stands, and (for a
  // manager) keeping what stands or applying the other step, with a reason.
  const conflictCard = (c) => {
    const side = (title, st) => h('div', { class: 'conflict-side' },
      h('h3', {}, title),
      st ? h('dl', {},
        h('dt', {}, '哪一步'), h('dd', {}, st.what, st.note ? `（${st.note}）` : ''),
        h('dt', {}, '谁'), h('dd', {}, st.user),
        h('dt', {}, '何时'), h('dd', {}, shortTime(st.at)),
        h('dt', {}, '哪台设备'), h('dd', {}, `${st.device_code}（第 ${st.seq} 号）`))
        : h('p', { class: 'empty' }, '—'));
    const key = `${c.refused.device_code}-${c.seq}`;
    const reason = h('input', { id: `conflict-reason-${key}`, class: 'conflict-reason', autocomplete: 'off', placeholder: '处理理由，如：申请人已撤回，以撤回为准' });
    const said = h('p', { class: 'message', role: 'alert' });
    const resolve = async (resolution) => {
      try {
        const r = await call('conflict_resolve', { device: c.refused.device_code, seq: c.seq, resolution, reason: reason.value });
        toast(`冲突已处理（${r.label}）${r.case_no ? `：办件 ${r.case_no} 现为“${r.case_state}”` : ''}`);
        await exchangeScreen(root, app);
      } catch (err) { said.className = 'message error'; said.textContent = err.message; reason.focus(); }
    };
    return h('div', { class: 'conflict panel', dataset: { key } },
      h('p', {}, h('strong', {}, `办件 ${c.case_no || '—'}`), c.case_state ? `　现为“${c.case_state}”` : '', `　原因：${c.reason}`),
      h('div', { class: 'grid2' }, side('被拒绝的一步', c.refused), side('现行的一步', c.standing)),
      app.can('resolve_conflicts') ? h('div', { class: 'actions' },
        field('处理理由', reason),
        h('button', { type: 'button', class: 'conflict-keep', onclick: () => resolve('keep') }, '保留现状'),
        h('button', { type: 'button', class: 'conflict-apply', onclick: () => resolve('apply') }, '采用被拒绝的一步')) : null,
      said);
  };

  // A manager revokes a device's key in its row: the reason, then confirm.
  const revokeCell = (d) => {
    if (d.own || d.revoked_at || !app.can('trust_device')) return h('td', {});
    const cell = h('td', {});
    const ask = () => {
      const reason = h('input', { class: 'revoke-reason', id: `revoke-reason-${d.device_code}`, autocomplete: 'off', placeholder: '吊销原因，如：笔记本电脑丢失', 'aria-label': `吊销 ${d.device_code} 的原因` });
      const said = h('span', { class: 'message error', role: 'alert' });
      const confirm = h('button', { type: 'button', class: 'revoke-confirm', onclick: async () => {
        try {
          const r = await call('device_revoke', { code: d.device_code, reason: reason.value });
          toast(`已吊销设备 ${r.device_code} 的密钥：此后拒绝它的批次，该电脑需以新密钥重新加入`);
          await exchangeScreen(root, app);
        } catch (err) { said.textContent = err.message; reason.focus(); }
      } }, '确认吊销');
      const cancel = h('button', { type: 'button', class: 'revoke-cancel', onclick: () => { fill(cell, start); start.focus(); } }, '取消');
      reason.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') { e.preventDefault(); confirm.click(); }
        if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); cancel.click(); }
      });
      fill(cell, reason, ' ', confirm, ' ', cancel, said);
      reason.focus();
    };
    const start = h('button', { type: 'button', class: 'small revoke-device', onclick: ask }, '吊销密钥…');
    fill(cell, start);
    return cell;
  };

  // A fork: two events signed by one device for one place of its chain.
  const forkItem = (f) => h('li', { dataset: { code: f.device_code, seq: String(f.seq) } },
    `设备 ${f.device_code} 第 ${f.seq} 号事件：本机记录为 ${shortTime(f.held.at)} ${f.held.what}，`
    + `另一份为 ${shortTime(f.other.at)} ${f.other.what}（${f.writer_code} 的批次 ${f.batch_file}，${shortTime(f.detected_at)} 发现）　`,
    h('strong', {}, f.revoked ? '已吊销' : '未吊销：请核实该设备，并在下表吊销它的密钥'));

  const status = h('div', { id: 'exchange-status' });
  const showStatus = () => {
    fill(destination, h('option', { value: '' }, '中心（默认）'),
      ...o.devices.filter((d) => d.device_code !== o.device_code && !d.revoked_at)
        .map((d) => h('option', { value: d.device_code }, `${d.device_code}（${d.role_label}）`)));
    fill(status,
      h('h2', {}, '待补的批次'),
      o.gaps.length ? h('ul', { id: 'gap-list' }, ...o.gaps.map((g) => h('li', {}, `${g.message}，已暂存 ${g.held} 条`)))
        : h('p', { class: 'empty', id: 'gap-list' }, '没有缺口'),
      h('h2', { id: 'conflict-heading' }, `未处理的冲突（${o.conflicts.length}）`),
      o.conflicts.length ? h('div', { id: 'conflict-list' }, ...o.conflicts.map(conflictCard))
        : h('p', { class: 'empty', id: 'conflict-empty' }, '没有冲突'),
      o.forks.length ? [h('h2', { id: 'fork-heading' }, `分叉（${o.forks.length}）：同一设备同一序号有两个都带签名的不同事件`),
        h('p', {}, '只有该设备本身或拿到它密钥的人才能做出两份记录：请核实这台设备是否丢失或被复制，然后吊销它的密钥，让它以新密钥重新加入。'),
        h('ul', { id: 'fork-list' }, ...o.forks.map(forkItem))] : null,
      h('h2', {}, '信任的设备'),
      h('table', { class: 'list', id: 'device-table' },
        h('thead', {}, h('tr', {}, ...['设备', '类型', '指纹', '登记时间', '最近的数据', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...o.devices.map((d) => h('tr', { dataset: { device: d.device_id, code: d.device_code }, class: d.revoked_at ? 'revoked' : d.quiet ? 'quiet' : null },
          h('td', {}, d.device_code), h('td', {}, d.role_label), h('td', { class: 'mono' }, d.fingerprint),
          h('td', {}, d.trusted_at.slice(0, 16).replace('T', ' ')), h('td', {}, d.note), revokeCell(d))))),
      ...liveSync(live));
  };
  let live = null;
  try { live = await call('sync_status'); } catch (_) { /* shown as not running */ }
  showStatus();

  // PCs asking over the LAN to join the center (on the hub): a manager
  // compares the fingerprint with the one on that PC's screen.
  let requests = [];
  try { requests = await call('join_requests', { all: false }); } catch (_) { /* not the hub's business */ }
  const decideRequest = async (r, approve) => {
    try {
      if (approve) {
        const d = await call('join_request_approve', { no: r.request_no });
        toast(`已批准 ${d.device_code} 加入（指纹 ${d.fingerprint}），中心数据正发往该电脑`);
      } else {
        await call('join_request_decline', { no: r.request_no });
        toast(`已拒绝 ${r.device_code} 的加入申请`);
      }
    } catch (err) {
      toast(err.message, 'error');
    }
    await exchangeScreen(root, app);
  };
  const requestPanel = requests.length ? h('section', { class: 'panel', id: 'join-requests' },
    h('h2', {}, `通过局域网申请加入的电脑（${requests.length}）`),
    h('p', {}, '请到申请的电脑前，核对它屏幕上显示的“本机指纹”与下表一致后再批准；不认识的电脑请拒绝。'),
    h('table', { class: 'list', id: 'join-request-table' },
      h('thead', {}, h('tr', {}, ...['编号', '设备', '类型', '指纹', '来自', '申请时间', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...requests.map((r) => h('tr', { dataset: { no: String(r.request_no), code: r.device_code } },
        h('td', {}, String(r.request_no)), h('td', {}, r.device_code), h('td', {}, r.role_label),
        h('td', { class: 'mono fingerprint' }, r.fingerprint), h('td', { class: 'mono' }, r.peer_address),
        h('td', {}, shortTime(r.requested_at)),
        h('td', {}, app.can('trust_device') ? [
          h('button', { type: 'button', class: 'join-approve', onclick: () => decideRequest(r, true) }, '核对无误，批准'),
          ' ',
          h('button', { type: 'button', class: 'join-decline', onclick: () => decideRequest(r, false) }, '拒绝'),
        ] : '待负责人批准')))))) : null;

  const keyLine = h('input', { id: 'trust-line', placeholder: 'bianmin-device-key 1 …（对方设备 device key 显示的一行）' });
  const trustPanel = app.can('trust_device') ? h('section', { class: 'panel', id: 'trust-panel' },
    h('h2', {}, '登记信任设备（负责人）'),
    h('p', {}, '把新窗口电脑或村代办电脑的公钥行粘贴到下面，或在上面的文件夹中选择它的 .key 文件。登记前请与对方屏幕上的指纹核对。'),
    field('公钥行', keyLine),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'trust-button', onclick: () => trust(keyLine.value) }, '登记信任'))) : null;

  fill(root,
    h('section', { class: 'panel' },
      h('h1', {}, `数据交换（本机 ${o.device_code}）`),
      o.conflicts.length ? h('p', { class: 'message error', id: 'conflict-alert' },
        `有 ${o.conflicts.length} 条冲突待${app.can('resolve_conflicts') ? '处理' : '中心负责人处理'}　`,
        h('button', { type: 'button', class: 'small', id: 'conflict-show', onclick: () => {
          const list = document.getElementById('conflict-list');
          list.scrollIntoView({ block: 'start' });
          const input = list.querySelector('input');
          if (input) input.focus({ preventScroll: true });
        } }, '查看冲突')) : null,
      o.forks.some((f) => !f.revoked) ? h('p', { class: 'message error', id: 'fork-alert' },
        `发现 ${o.forks.filter((f) => !f.revoked).length} 处分叉：有设备的密钥可能被他人使用，请查看下方“分叉”`) : null,
      h('p', {}, `本机指纹：${o.fingerprint}`),
      stickPicker('exchange-sticks', (path) => { folder.value = path; refreshFiles(); }),
      h('div', { class: 'grid2' }, field('U 盘文件夹', folder), h('div', { class: 'actions' }, choose,
        h('button', { type: 'button', id: 'refresh-folder', onclick: refreshFiles }, '刷新'),
        h('button', { type: 'button', id: 'write-key', onclick: async () => {
          try { toast(`已写出本机公钥：${await call('device_key_write', { folder: folder.value })}`); refreshFiles(); } catch (err) { toast(err.message, 'error'); }
        } }, '写出本机公钥'))),
      h('div', { class: 'progress' }, bar, barText)),
    requestPanel,
    h('section', { class: 'panel' }, h('h2', {}, '导入'), files, checks, result),
    h('section', { class: 'panel' }, h('h2', {}, '导出'),
      h('div', { class: 'grid2' }, field('发往', destination), field('或：新设备加入用（填新设备编号）', newDevice)),
      h('div', { class: 'actions' }, doExport), exportResult),
    h('section', { class: 'panel' }, status),
    trustPanel);
  refreshFiles();
}

// 局域网同步 as this PC sees it: on the hub, the devices that connected
// (connected now or not, last contact, new data received, a refusal) and
// the connections refused; on a counter, where its sync stands.
function liveSync(s) {
  const out = [h('h2', {}, '局域网同步')];
  if (!s || s.state === 'off') {
    out.push(h('p', { class: 'empty', id: 'sync-state' }, '本机的局域网同步未开启（设置 ▸ 局域网同步）'));
    return out;
  }
  out.push(h('p', { id: 'sync-state', class: s.state === 'refused' ? 'message error' : 'message' }, s.label));
  if (s.state === 'serving') {
    out.push(s.peers.length
      ? h('table', { class: 'list', id: 'sync-peers' },
        h('thead', {}, h('tr', {}, ...['设备', '连接', '最近联系', '收到的新数据', '待送达', '拒绝原因'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...s.peers.map((p) => h('tr', { dataset: { code: p.device_code } },
          h('td', {}, p.device_code), h('td', {}, p.connected ? '已连接' : '未连接'), h('td', {}, p.last_contact),
          h('td', {}, `${p.events_received} 条`), h('td', {}, p.behind ? `${p.behind} 条` : '已一致'), h('td', {}, p.refusal || '')))))
      : h('p', { class: 'empty', id: 'sync-peers' }, '还没有电脑连接'));
    if (s.refusals.length) {
      out.push(h('h3', {}, '被拒绝的连接'), h('ul', { id: 'sync-refusals' }, ...s.refusals.map((r) => h('li', {}, r))));
    }
  }
  return out;
}
