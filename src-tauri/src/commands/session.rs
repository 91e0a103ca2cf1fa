//! 登录: logging in and out, and the idle lock.

use bianmin::auth::{roles, users, Action, Session};
use serde::Serialize;
use tauri::{AppHandle, State};

use super::now;
use crate::error::{UiError, UiResult};
use crate::state::Desk;

/// The logged-in user as the window shows them, with what their role may do
/// (the window builds its menus from `actions`; the core still checks).
#[derive(Serialize)]
pub struct LoggedIn {
    pub username: String,
    pub display_name: String,
    pub staff_no: String,
    pub role: bianmin::auth::Role,
    pub role_label: &'static str,
    pub actions: Vec<Action>,
    /// An admin reset the password: the window asks for a new one first.
    pub must_change_password: bool,
}

impl From<Session> for LoggedIn {
    fn from(s: Session) -> LoggedIn {
        LoggedIn {
            actions: roles::actions_of(s.role),
            role_label: s.role.label(),
            username: s.username,
            display_name: s.display_name,
            staff_no: s.staff_no,
            role: s.role,
            must_change_password: false,
        }
    }
}

#[tauri::command]
pub fn login(
    app: AppHandle,
    desk: State<'_, Desk>,
    username: String,
    password: String,
) -> UiResult<LoggedIn> {
    let session = if desk.needs_unlock() {
        // An encrypted database opens only with a login.
        desk.unlock(username.trim(), &password)?
    } else {
        let session = desk.device_store(|store| {
            Ok(users::authenticate(
                store,
                now(),
                username.trim(),
                &password,
            )?)
        })?;
        desk.set_session(Some(session.clone()));
        session
    };
    // The first receipt after a login should not wait for the fonts.
    bianmin::documents::fonts::preload_in_background();
    // On an encrypted device the daily backup and the LAN sync can start
    // only now, with the login's key.
    super::backup::start_daily(&desk);
    if !super::sync::running(&app) {
        super::sync::start(&app);
    }
    let must_change =
        desk.session(|store, s| Ok(users::must_change_password(store.conn(), &s.user_id)?))?;
    Ok(LoggedIn {
        must_change_password: must_change,
        ..session.into()
    })
}

#[tauri::command]
pub fn logout(app: AppHandle, desk: State<'_, Desk>) {
    // An encrypted laptop's sync holds the login's key: it goes too.
    if desk.key().is_some() {
        super::sync::stop(&app);
    }
    desk.log_out();
}

#[tauri::command]
pub fn lock_screen(desk: State<'_, Desk>) {
    if desk.current().0.is_some() {
        desk.set_locked(true);
    }
}

/// Unlocks with the locked user's password (counted against the lockout
/// like any login); another user may log in instead.
#[tauri::command]
pub fn unlock(
    app: AppHandle,
    desk: State<'_, Desk>,
    username: String,
    password: String,
) -> UiResult<LoggedIn> {
    if desk.current().0.is_none() {
        return Err(UiError::login_required());
    }
    login(app, desk, username, password)
}
