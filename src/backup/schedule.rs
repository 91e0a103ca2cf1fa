//! The window's backups: the settings a manager chose (folder, how many to
//! keep, whether to back up daily), the record of every attempt, the daily
//! automatic backup on the first start of a day, and the status the
//! manager's home screen shows — red when the last good backup is more than
//! a day old, when the last attempt failed, or when nothing is set up.
//!
//! Settings and attempts are local to this machine (migration 5): a folder
//! is a path here, and a backup says nothing about cases.

use std::path::PathBuf;

use chrono::{DateTime, Duration, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{BackupError, BackupReport};
use crate::auth::{Action, Session};
use crate::store::Store;

/// What a manager chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub folder: String,
    pub keep: usize,
    /// Back up automatically on the first start of each day.
    pub daily: bool,
    pub set_by: String,
    pub set_at: String,
}

/// What started a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A manager, from the window or `bianmin backup`.
    Manual,
    /// The automatic backup on the first start of a day.
    Daily,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Daily => "daily",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Trigger::Manual => "手动备份",
            Trigger::Daily => "每日自动备份",
        }
    }
}

/// One backup attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// RFC 3339 with offset.
    pub at: String,
    pub trigger: Trigger,
    pub trigger_label: &'static str,
    /// The user's display name; `None` for the daily backup.
    pub by: Option<String>,
    pub ok: bool,
    pub path: Option<String>,
    pub bytes: Option<i64>,
    /// Why it failed.
    pub message: Option<String>,
}

/// How the backups stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// A good backup within the last day, and the last attempt succeeded.
    Fresh,
    /// No backup folder chosen yet.
    NotSet,
    /// Set up, but no good backup yet, or the last is more than a day old.
    Stale,
    /// The last attempt failed.
    Failed,
}

/// What the manager's home screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub settings: Option<Settings>,
    pub last_made: Option<Run>,
    pub last_attempt: Option<Run>,
    pub standing: Standing,
    /// Shown in red.
    pub red: bool,
    /// One line in Chinese.
    pub summary: String,
}

/// The longest a good backup may be old before the status turns red.
pub fn max_age() -> Duration {
    Duration::days(1)
}

/// The settings, if a manager chose them.
pub fn settings(conn: &Connection) -> crate::Result<Option<Settings>> {
    let row = conn
        .query_row(
            "SELECT s.folder, s.keep, s.daily, coalesce(u.display_name, s.set_by), s.set_at
             FROM backup_settings s LEFT JOIN users u ON u.user_id = s.set_by
             WHERE s.singleton = 1",
            [],
            |r| {
                Ok(Settings {
                    folder: r.get(0)?,
                    keep: r
                        .get::<_, i64>(1)?
                        .try_into()
                        .unwrap_or(super::DEFAULT_KEEP),
                    daily: r.get(2)?,
                    set_by: r.get(3)?,
                    set_at: r.get(4)?,
                })
            },
        )
        .optional()
        .map_err(crate::store::StoreError::from)?;
    Ok(row)
}

/// The folder a manager typed or picked: an absolute path to a folder that
/// exists now (the USB stick is plugged in when it is chosen).
fn checked_folder(typed: &str) -> Result<PathBuf, BackupError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(BackupError::NoFolder);
    }
    let path = PathBuf::from(typed);
    if !path.is_absolute() || !path.is_dir() {
        return Err(BackupError::FolderMissing(typed.to_owned()));
    }
    Ok(path)
}

/// Saves the settings (managers and admins only). Nothing changes when a
/// value is refused.
pub fn configure(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    folder: &str,
    keep: usize,
    daily: bool,
) -> crate::Result<Settings> {
    session.authorize(store.conn(), Action::Maintain)?;
    let path = checked_folder(folder)?;
    if !(1..=365).contains(&keep) {
        return Err(BackupError::Keep.into());
    }
    let folder = path.display().to_string();
    store.write(|tx| {
        tx.execute(
            "INSERT INTO backup_settings (singleton, folder, keep, daily, set_by, set_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (singleton) DO UPDATE SET folder = excluded.folder, keep = excluded.keep,
                 daily = excluded.daily, set_by = excluded.set_by, set_at = excluded.set_at",
            params![
                folder,
                keep as i64,
                daily,
                session.user_id,
                now.to_rfc3339()
            ],
        )
        .map_err(crate::store::StoreError::from)?;
        Ok::<_, crate::Error>(())
    })?;
    settings(store.conn())?.ok_or_else(|| BackupError::NoFolder.into())
}

/// Runs `make` and records the attempt, made or failed, then returns what
/// `make` returned. A failure to record does not hide a made backup.
pub(super) fn recorded(
    store: &Store,
    now: DateTime<FixedOffset>,
    trigger: Trigger,
    session: Option<&Session>,
    make: impl FnOnce() -> crate::Result<BackupReport>,
) -> crate::Result<BackupReport> {
    let result = make();
    let (ok, path, sha, bytes, message) = match &result {
        Ok(r) => (
            true,
            Some(r.path.clone()),
            Some(r.sha256.clone()),
            Some(r.bytes as i64),
            None,
        ),
        Err(e) => (false, None, None, None, Some(e.to_string())),
    };
    let record = store.conn().execute(
        "INSERT INTO backup_runs (at, day, trigger, user_id, ok, path, sha256, bytes, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            now.to_rfc3339(),
            now.date_naive().to_string(),
            trigger.as_str(),
            session.map(|s| s.user_id.as_str()),
            ok,
            path,
            sha,
            bytes,
            message
        ],
    );
    let report = result?;
    record.map_err(crate::store::StoreError::from)?;
    Ok(report)
}

/// Backs up now into the chosen folder (the window's 立即备份).
pub fn backup_now(
    store: &Store,
    session: &Session,
    now: DateTime<FixedOffset>,
) -> crate::Result<BackupReport> {
    session.authorize(store.conn(), Action::Maintain)?;
    let set = settings(store.conn())?.ok_or(BackupError::NoFolder)?;
    recorded(store, now, Trigger::Manual, Some(session), || {
        let dir = checked_folder(&set.folder)?;
        super::make(store, now, &dir, set.keep)
    })
}

/// Whether the daily backup is due: chosen, and no good backup yet today.
pub fn daily_due(conn: &Connection, now: DateTime<FixedOffset>) -> crate::Result<bool> {
    let Some(set) = settings(conn)? else {
        return Ok(false);
    };
    if !set.daily {
        return Ok(false);
    }
    let done: i64 = conn
        .query_row(
            "SELECT count(*) FROM backup_runs WHERE ok = 1 AND day = ?1",
            [now.date_naive().to_string()],
            |r| r.get(0),
        )
        .map_err(crate::store::StoreError::from)?;
    Ok(done == 0)
}

/// The automatic backup on the first start of a day: made (and recorded)
/// when due, `None` when not. It acts for the manager who chose the
/// settings, so it needs no login. A failure is recorded and returned; the
/// next start of the day tries again.
pub fn daily(store: &Store, now: DateTime<FixedOffset>) -> crate::Result<Option<BackupReport>> {
    if !daily_due(store.conn(), now)? {
        return Ok(None);
    }
    let set = settings(store.conn())?.ok_or(BackupError::NoFolder)?;
    recorded(store, now, Trigger::Daily, None, || {
        let dir = checked_folder(&set.folder)?;
        super::make(store, now, &dir, set.keep)
    })
    .map(Some)
}

fn run_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<Run> {
    let trigger = match r.get::<_, String>(1)?.as_str() {
        "daily" => Trigger::Daily,
        _ => Trigger::Manual,
    };
    Ok(Run {
        at: r.get(0)?,
        trigger,
        trigger_label: trigger.label(),
        by: r.get(2)?,
        ok: r.get(3)?,
        path: r.get(4)?,
        bytes: r.get(5)?,
        message: r.get(6)?,
    })
}

fn last_run(conn: &Connection, only_made: bool) -> crate::Result<Option<Run>> {
    let sql = format!(
        "SELECT b.at, b.trigger, coalesce(u.display_name, b.user_id), b.ok, b.path, b.bytes, b.message
         FROM backup_runs b LEFT JOIN users u ON u.user_id = b.user_id
         {} ORDER BY b.run_id DESC LIMIT 1",
        if only_made { "WHERE b.ok = 1" } else { "" }
    );
    Ok(conn
        .query_row(&sql, [], run_from)
        .optional()
        .map_err(crate::store::StoreError::from)?)
}

/// How the backups stand at `now` (managers and admins: the home screen
/// of other roles does not show it).
pub fn status(
    conn: &Connection,
    session: &Session,
    now: DateTime<FixedOffset>,
) -> crate::Result<Status> {
    session.authorize(conn, Action::Maintain)?;
    let settings = settings(conn)?;
    let last_made = last_run(conn, true)?;
    let last_attempt = last_run(conn, false)?;
    let made_at = last_made
        .as_ref()
        .and_then(|r| DateTime::parse_from_rfc3339(&r.at).ok());
    let shown = |t: DateTime<FixedOffset>| t.format("%Y-%m-%d %H:%M").to_string();
    let (standing, summary) = match (&settings, &last_attempt, made_at) {
        (_, Some(a), _) if !a.ok => (
            Standing::Failed,
            format!(
                "最近一次备份失败（{}）：{}",
                DateTime::parse_from_rfc3339(&a.at)
                    .map(shown)
                    .unwrap_or_else(|_| a.at.clone()),
                a.message.as_deref().unwrap_or("原因未知")
            ),
        ),
        (None, _, None) => (
            Standing::NotSet,
            "尚未设置备份文件夹，数据只有本机一份".to_owned(),
        ),
        (_, _, None) => (Standing::Stale, "尚未做过备份".to_owned()),
        (_, _, Some(t)) if now - t > max_age() => (
            Standing::Stale,
            format!("最近一次成功备份在 {}，已超过一天", shown(t)),
        ),
        (_, _, Some(t)) => (Standing::Fresh, format!("最近一次成功备份：{}", shown(t))),
    };
    Ok(Status {
        red: standing != Standing::Fresh,
        settings,
        last_made,
        last_attempt,
        standing,
        summary,
    })
}

/// The chosen folder, checked now (for listing the backups in it).
pub fn folder(conn: &Connection) -> crate::Result<PathBuf> {
    let set = settings(conn)?.ok_or(BackupError::NoFolder)?;
    Ok(checked_folder(&set.folder)?)
}
