// 初始设置: the first start of a device without a database.

import { call } from '../api.js';
import { h, fill, field } from '../dom.js';

export function setupScreen(root, done) {
  const input = (name, attrs = {}) => h('input', { name, id: `setup-${name}`, autocomplete: 'off', ...attrs });
  const message = h('div', { class: 'message', id: 'setup-message', role: 'alert' });
  const form = h('form', { class: 'panel narrow', id: 'setup-form' },
    h('h1', {}, '首次使用：设置本机'),
    h('p', { class: 'lead' }, '请填写服务中心和本机信息，并设置系统管理员账号。完成后将自动载入事项清单和节假日安排。'),
    h('fieldset', {}, h('legend', {}, '服务中心与本机'),
      field('服务中心编码（6 位行政区划代码）', input('center_code', { required: true, maxlength: 12, placeholder: '如 330106' })),
      field('服务中心名称', input('center_name', { required: true, placeholder: '如 西湖区三墩镇便民服务中心' })),
      field('本机编号（字母加数字，如 A01、V03）', input('device_code', { required: true, maxlength: 8 })),
      field('设备类型', h('select', { name: 'role', id: 'setup-role' },
        h('option', { value: 'counter' }, '窗口电脑'),
        h('option', { value: 'agent' }, '村代办员笔记本'),
        h('option', { value: 'hub' }, '中心汇总机')))),
    h('fieldset', {}, h('legend', {}, '系统管理员'),
      field('用户名', input('admin_username', { required: true })),
      field('姓名', input('admin_name', { required: true })),
      field('工号', input('admin_staff_no', { required: true })),
      field('密码（至少 8 位）', input('admin_password', { type: 'password', required: true }))),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'setup-submit' }, '完成设置（Enter）')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form).entries());
    message.textContent = '正在设置…';
    message.className = 'message';
    try {
      const r = await call('setup_device', { form: data });
      message.textContent = `设置完成：载入事项 ${r.matters} 个。`;
      await done();
    } catch (err) {
      message.textContent = err.message;
      message.className = 'message error';
    }
  });
  fill(root, form);
  form.querySelector('input').focus();
}
