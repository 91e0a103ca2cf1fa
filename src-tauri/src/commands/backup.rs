//! 备份: the backup settings (folder, how many to keep, daily or not), a
//! backup made now, the backups in the folder, checking one and restoring
//! it after the manager confirms with a password; and the daily automatic
//! backup started on the first start of the day.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use bianmin::backup::schedule::{self, Settings, Status};
use bianmin::backup::{self, BackupReport, Found, RestoreReport};
use bianmin::store::Store;
use serde::{Deserialize, Serialize};
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

/// What the screen shows when it opens.
#[derive(Serialize)]
pub struct Overview {
    pub status: Status,
    pub backups: Vec<Found>,
    /// Why the folder could not be listed (a pulled USB stick).
    pub folder_error: Option<String>,
}

#[tauri::command]
pub fn backup_overview(desk: State<'_, Desk>) -> UiResult<Overview> {
    desk.session(|store, session| {
        let conn = store.conn();
        let status = schedule::status(conn, session, now())?;
        let (backups, folder_error) = match &status.settings {
            None => (Vec::new(), None),
            Some(_) => match schedule::folder(conn).and_then(|dir| backup::list(conn, &dir)) {
                Ok(found) => (found, None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            },
        };
        Ok(Overview {
            status,
            backups,
            folder_error,
        })
    })
}

/// The settings form.
#[derive(Deserialize)]
pub struct SettingsForm {
    pub folder: String,
    pub keep: String,
    pub daily: bool,
}

#[tauri::command]
pub fn backup_settings_save(desk: State<'_, Desk>, form: SettingsForm) -> UiResult<Settings> {
    // What is not a number is out of range: the core refuses it with its own message.
    let keep: usize = form.keep.trim().parse().unwrap_or(0);
    desk.session(|store, session| {
        Ok(schedule::configure(
            store,
            session,
            now(),
            &form.folder,
            keep,
            form.daily,
        )?)
    })
}

#[tauri::command]
pub fn backup_make(desk: State<'_, Desk>) -> UiResult<BackupReport> {
    desk.session(|store, session| Ok(schedule::backup_now(store, session, now())?))
}

/// Checks a backup before a restore is offered: the number of events it holds.
#[tauri::command]
pub fn backup_check(desk: State<'_, Desk>, path: String) -> UiResult<i64> {
    desk.session(|store, session| {
        session.authorize(store.conn(), bianmin::auth::Action::Maintain)?;
        Ok(backup::check(&PathBuf::from(path), store.key())?)
    })
}

/// Restores a backup after the manager confirmed with a password (checked
/// against the backup's own users). The database is closed first and the
/// window logs out: the data it showed is gone.
#[tauri::command]
pub fn backup_restore(
    app: tauri::AppHandle,
    desk: State<'_, Desk>,
    path: String,
    username: String,
    password: String,
) -> UiResult<RestoreReport> {
    desk.session(|_, _| Ok(()))?;
    // The LAN sync has its own connections to the file: they close first,
    // and it starts again on the restored file (whatever came of it).
    super::sync::stop(&app);
    let restored = desk.with_database_closed(|db| {
        Ok(backup::restore(
            db,
            &PathBuf::from(path),
            username.trim(),
            &password,
            now(),
        )?)
    });
    super::sync::start(&app);
    restored
}

/// Starts the daily automatic backup once per run of the window, on a
/// thread of its own with its own connection, so the first screen does not
/// wait for the copy. The core records the outcome; the home screen shows it.
pub fn start_daily(desk: &Desk) {
    // An encrypted database is opened by the login: start after it.
    if desk.needs_unlock() || desk.daily_started.swap(true, Ordering::SeqCst) {
        return;
    }
    let db = desk.db.clone();
    let key = desk.key();
    std::thread::spawn(move || {
        let result = Store::open_again(&db, key.as_ref())
            .map_err(bianmin::Error::from)
            .and_then(|store| schedule::daily(&store, now()));
        match result {
            Ok(Some(r)) => eprintln!("每日自动备份完成：{}", r.path),
            Ok(None) => {}
            Err(e) => eprintln!("每日自动备份失败：{e}"),
        }
    });
}
