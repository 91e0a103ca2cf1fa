// Calling the core through the window's commands. A refusal arrives as
// {message, code}; `call` throws it as an ApiError with the Chinese message.

import { h, fill } from './dom.js';

const invoke = window.__TAURI__.core.invoke;

export class ApiError extends Error {
  constructor(e) {
    super(typeof e === 'string' ? e : (e && e.message) || '操作失败');
    this.code = (e && e.code) || 'refused';
    // The form field the refusal concerns, when the core names one.
    this.field = (e && e.field) || null;
  }
}

const listeners = [];

/** Registers a handler for errors that need the whole window (locked, logged out). */
export function onSessionError(f) {
  listeners.push(f);
}

export async function call(command, args = {}) {
  try {
    return await invoke(command, args);
  } catch (e) {
    const err = new ApiError(e);
    if (err.code === 'locked' || err.code === 'auth') {
      // After the screen that called has shown the refusal, so that the
      // login screen is what stays.
      setTimeout(() => listeners.forEach((f) => f(err)), 0);
    }
    throw err;
  }
}

/**
 * What a screen shows, from `command`; when it is refused, the screen shows
 * the refusal instead and this returns null.
 */
export async function screenData(root, command, args = {}) {
  try {
    return await call(command, args);
  } catch (err) {
    fill(root, h('section', { class: 'panel' }, h('p', { class: 'message error' }, err.message)));
    return null;
  }
}
