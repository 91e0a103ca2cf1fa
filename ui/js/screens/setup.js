// 初始设置: the first start of a device without a database. Either a new
// center (the hub, or a single counter PC) with its first admin, or joining
// an existing center (a counter PC or a village agent's laptop): over the
// LAN, approved by a manager on the hub, or from the batch its hub
// exported for this device on a stick. Either way the database may be
// kept encrypted — the default for an agent's laptop.

import { stickPicker } from '../sticks.js';
import { call } from '../api.js';
import { h, fill, field } from '../dom.js';
import { choosePath } from '../chooser.js';

export function setupScreen(root, done) {
  const input = (name, attrs = {}) => h('input', { name, id: `setup-${name}`, autocomplete: 'off', ...attrs });
  const message = h('div', { class: 'message', id: 'setup-message', role: 'alert' });
  const mode = h('select', { id: 'setup-mode' },
    h('option', { value: 'new' }, '新建服务中心（中心汇总机，或中心的第一台电脑）'),
    h('option', { value: 'lan' }, '加入已有服务中心（通过局域网，由中心负责人在汇总机上批准）'),
    h('option', { value: 'join' }, '加入已有服务中心（用中心电脑导出到 U 盘的批次）'));
  const encrypt = h('input', { type: 'checkbox', id: 'setup-encrypt', name: 'encrypt' });
  const encryptField = h('label', { class: 'check' }, encrypt,
    ' 加密本机数据库（村代办员笔记本建议勾选：电脑丢失也看不到申请人信息，登录后才能打开）');

  // A new center.
  const role = h('select', { name: 'role', id: 'setup-role' },
    h('option', { value: 'counter' }, '窗口电脑'),
    h('option', { value: 'agent' }, '村代办员笔记本'),
    h('option', { value: 'hub' }, '中心汇总机'));
  const newPart = h('div', { id: 'setup-new' },
    h('fieldset', {}, h('legend', {}, '服务中心与本机'),
      field('服务中心编码（6 位行政区划代码）', input('center_code', { maxlength: 12, placeholder: '如 330106' })),
      field('服务中心名称', input('center_name', { placeholder: '如 西湖区三墩镇便民服务中心' })),
      field('本机编号（字母加数字，如 A01、V03）', input('device_code', { maxlength: 8 })),
      field('设备类型', role)),
    h('fieldset', {}, h('legend', {}, '印在文书上的地址和电话（也可以稍后在“设置”中填写）'),
      field('中心地址', input('address', { maxlength: 200, placeholder: '如 三墩镇政府一楼便民服务大厅' })),
      h('div', { class: 'grid2' },
        field('咨询电话', input('phone', { maxlength: 50, placeholder: '如 0571-88888888' })),
        field('投诉电话', input('complaint_phone', { maxlength: 50, placeholder: '不填则为 12345' })))),
    h('fieldset', {}, h('legend', {}, '系统管理员'),
      field('用户名', input('admin_username')),
      field('姓名', input('admin_name')),
      field('工号', input('admin_staff_no')),
      field('密码（至少 8 位）', input('admin_password', { type: 'password' }))));

  // Joining from the hub's batch.
  const folder = h('input', { id: 'setup-join-folder', placeholder: 'U 盘文件夹，如 /media/usb' });
  const batch = h('select', { id: 'setup-join-batch' }, h('option', { value: '' }, '（先选择 U 盘文件夹）'));
  const joinRole = h('select', { id: 'setup-join-role' },
    h('option', { value: 'agent' }, '村代办员笔记本'),
    h('option', { value: 'counter' }, '窗口电脑'));
  const listBatches = async () => {
    if (!folder.value.trim()) return;
    try {
      const files = (await call('exchange_folder', { folder: folder.value })).filter((f) => f.name.endsWith('.bmb'));
      fill(batch, ...(files.length
        ? files.map((f) => h('option', { value: f.path }, f.name))
        : [h('option', { value: '' }, '该文件夹中没有批次文件（.bmb）')]));
    } catch (err) {
      fill(batch, h('option', { value: '' }, err.message));
    }
  };
  folder.addEventListener('change', listBatches);
  const pick = h('button', { type: 'button', id: 'setup-join-pick', onclick: async () => {
    const picked = await choosePath({ folder: true, title: '选择 U 盘文件夹' });
    if (picked) { folder.value = picked; await listBatches(); }
  } }, '选择文件夹…');
  const joinPart = h('div', { id: 'setup-join', hidden: true },
    h('fieldset', {}, h('legend', {}, '中心电脑导出的批次'),
      h('p', { class: 'lead' }, '请中心负责人在中心电脑“数据交换”页为本机导出加入批次（“新设备加入用”填本机编号），把 U 盘插到本机，并把导出时显示的 16 位加入口令告诉您（口令不要和 U 盘放在一起）。'),
      stickPicker('setup-sticks', async (path) => { folder.value = path; await listBatches(); }),
      field('U 盘文件夹', folder),
      h('div', { class: 'actions' }, pick),
      field('批次文件', batch),
      field('本机编号（如 V03，须与导出时填写的一致）', input('join_device_code', { maxlength: 8 })),
      field('设备类型', joinRole),
      field('加入口令（中心电脑导出时显示的 16 位口令）', input('join_code', { placeholder: '如 ABCD-EFGH-JKMN-PQRS', autocomplete: 'off', spellcheck: 'false' })),
      field('中心电脑指纹（可选：填写后自动核对）', input('join_fingerprint', { placeholder: '中心电脑“数据交换”页显示的指纹' }))));

  // Joining over the LAN: the hub found there (or its address typed in);
  // a manager approves on the hub after comparing fingerprints.
  const lanAddress = input('lan_address', { placeholder: '如 192.168.1.10，或在上面选择找到的汇总机' });
  const lanRole = h('select', { id: 'setup-lan-role' },
    h('option', { value: 'counter' }, '窗口电脑'),
    h('option', { value: 'agent' }, '村代办员笔记本'));
  const found = h('div', { id: 'setup-lan-found', class: 'hub-list' });
  const findHubs = async () => {
    fill(found, h('p', { class: 'message' }, '正在局域网中查找中心汇总机…'));
    let list = [];
    try { list = await call('setup_discover'); } catch (err) { fill(found, h('p', { class: 'message error' }, err.message)); return; }
    fill(found, ...(list.length
      ? list.map((f) => h('button', { type: 'button', class: 'lan-hub', dataset: { address: f.address }, onclick: () => {
        lanAddress.value = f.address;
        form.querySelector('#setup-lan_fingerprint').value = f.fingerprint;
        form.querySelector('#setup-lan_device_code').focus();
      } }, `${f.center_name}（${f.center_code}）　汇总机 ${f.hub_code}　${f.address}　指纹 ${f.fingerprint}`))
      : [h('p', { class: 'empty' }, '没有找到：请确认中心汇总机已开机并开启了局域网同步，或直接填写它的地址')]));
  };
  const lanPart = h('div', { id: 'setup-lan', hidden: true },
    h('fieldset', {}, h('legend', {}, '中心汇总机'),
      h('p', { class: 'lead' }, '本机与中心汇总机在同一局域网时，不用 U 盘即可加入：选择找到的汇总机，填写本机编号，申请后由中心负责人在汇总机“数据交换”页核对指纹并批准。'),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'setup-lan-find', onclick: findHubs }, '在局域网中查找')),
      found,
      field('中心汇总机地址', lanAddress),
      field('本机编号（字母加数字，如 A05、V03）', input('lan_device_code', { maxlength: 8 })),
      field('设备类型', lanRole),
      field('中心汇总机指纹（选择找到的汇总机时自动填写，连接时核对）', input('lan_fingerprint', { placeholder: '汇总机“数据交换”页显示的指纹' }))));
  const waiting = h('div', { id: 'setup-lan-waiting' });

  const submit = h('button', { type: 'submit', class: 'primary', id: 'setup-submit' }, '完成设置（Enter）');
  const result = h('div', { id: 'setup-result' });
  const form = h('form', { class: 'panel narrow', id: 'setup-form' },
    h('h1', {}, '首次使用：设置本机'),
    h('p', { class: 'lead' }, '新建服务中心时载入默认事项清单和节假日安排；加入已有中心时从中心电脑的批次取得用户、事项清单和节假日安排。'),
    field('设置方式', mode),
    newPart, lanPart, joinPart,
    encryptField,
    waiting,
    message,
    h('div', { class: 'actions' }, submit),
    result);

  const joining = () => mode.value === 'join';
  const overLan = () => mode.value === 'lan';
  const agentDefault = () => {
    encrypt.checked = (joining() ? joinRole.value : overLan() ? lanRole.value : role.value) === 'agent';
  };
  let searched = false;
  mode.addEventListener('change', () => {
    newPart.hidden = joining() || overLan();
    joinPart.hidden = !joining();
    lanPart.hidden = !overLan();
    submit.textContent = overLan() ? '申请加入（Enter）' : '完成设置（Enter）';
    agentDefault();
    if (overLan() && !searched) { searched = true; findHubs(); }
  });
  role.addEventListener('change', agentDefault);
  joinRole.addEventListener('change', agentDefault);
  lanRole.addEventListener('change', agentDefault);

  // While a request waits, the form is put away (a change would not
  // reach the hub); it comes back on a cancel or a refusal.
  const asking = (on) => {
    for (const el of [mode.closest('.field') || mode, lanPart, encryptField]) el.hidden = on;
    submit.hidden = on;
  };

  // Follows the request until the hub's manager decides.
  const follow = async () => {
    let p;
    try { p = await call('setup_join_lan_status'); } catch (err) { p = { state: 'failed', reason: err.message }; }
    if (p.state === 'connecting' || p.state === 'waiting') {
      if (p.state === 'waiting' && !document.getElementById('setup-lan-own-fingerprint')) {
        message.textContent = '';
        message.className = 'message';
        fill(waiting,
          h('p', {}, `已向 ${p.hub.center_name}（${p.hub.center_code}）的中心汇总机 ${p.hub.device_code}（${p.hub_address}）申请加入。`),
          h('p', { class: 'fingerprint-big' }, '本机指纹：', h('strong', { id: 'setup-lan-own-fingerprint', class: 'mono' }, p.own_fingerprint)),
          h('p', {}, '汇总机指纹：', h('span', { id: 'setup-lan-hub-fingerprint', class: 'mono' }, p.hub.fingerprint), '（应与汇总机屏幕上显示的一致）'),
          h('p', { class: 'lead' }, '请中心负责人在汇总机“数据交换”页核对上面的本机指纹，一致后点“批准”。批准后本机自动取得中心的用户、事项清单和节假日安排。'),
          h('div', { class: 'actions' }, h('button', { type: 'button', id: 'setup-lan-cancel', onclick: async () => {
            await call('setup_join_lan_cancel');
            fill(waiting);
            asking(false);
            message.textContent = '已取消加入申请';
            message.className = 'message';
          } }, '取消申请')));
        document.getElementById('setup-lan-cancel').focus();
      }
      if (document.getElementById('setup-lan-cancel') || p.state === 'connecting') setTimeout(follow, 500);
      return;
    }
    if (p.state === 'joined') {
      const r = p;
      message.textContent = `已加入：${r.device.center_name}，本机为 ${r.device.device_code}（${r.device.role === 'agent' ? '村代办员笔记本' : '窗口电脑'}），导入 ${r.import.added} 条事件；此后通过局域网与中心汇总机同步。`;
      message.className = 'message ok';
      fill(waiting, h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'setup-continue', onclick: () => done() }, '去登录')));
      document.getElementById('setup-continue').focus();
      return;
    }
    fill(waiting);
    asking(false);
    message.textContent = p.reason;
    message.className = 'message error';
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.textContent = '正在设置…';
    message.className = 'message';
    try {
      if (overLan()) {
        await call('setup_join_lan', { form: {
          hub_address: lanAddress.value,
          device_code: form.querySelector('#setup-lan_device_code').value,
          role: lanRole.value,
          fingerprint: form.querySelector('#setup-lan_fingerprint').value,
          encrypt: encrypt.checked,
        } });
        message.textContent = '正在连接中心汇总机…';
        asking(true);
        follow();
      } else if (joining()) {
        const r = await call('setup_join', { form: {
          batch: batch.value,
          device_code: form.querySelector('#setup-join_device_code').value,
          role: joinRole.value,
          fingerprint: form.querySelector('#setup-join_fingerprint').value,
          join_code: form.querySelector('#setup-join_code').value,
          encrypt: encrypt.checked,
        } });
        message.textContent = `已加入：${r.device.center_name}，本机为 ${r.device.device_code}（${r.device.role === 'agent' ? '村代办员笔记本' : '窗口电脑'}），导入 ${r.import.added} 条事件。`;
        message.className = 'message ok';
        submit.hidden = true;
        fill(result,
          h('p', { id: 'setup-hub-fingerprint' }, `中心电脑 ${r.hub_code} 的指纹：${r.hub_fingerprint}（请与中心电脑屏幕上显示的核对）`),
          h('p', { id: 'setup-key-file' }, `本机公钥已写到 U 盘：${r.key_file}。请中心负责人在中心电脑“数据交换”页登记信任，之后才能导入本机的批次。`),
          h('p', {}, `本机指纹：${r.fingerprint}`),
          h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'setup-continue', onclick: () => done() }, '去登录')));
        document.getElementById('setup-continue').focus();
      } else {
        const data = Object.fromEntries(new FormData(form).entries());
        data.encrypt = encrypt.checked;
        const r = await call('setup_device', { form: data });
        message.textContent = `设置完成：载入事项 ${r.matters} 个。`;
        await done();
      }
    } catch (err) {
      message.textContent = err.message;
      message.className = 'message error';
    }
  });
  fill(root, form);
  form.querySelector('input').focus();
}
