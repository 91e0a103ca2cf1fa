//! Backups and restore.
//!
//! `backup` copies the live database with SQLite's online backup API (a
//! consistent copy even while the counter is working) into a folder — a
//! second disk or a USB stick — as `bianmin-{center}-{device}-{date}-{time}.db`
//! with its SHA-256 in a `.sha256` file beside it, keeping the newest N.
//! The copy is written under a temporary name, flushed and renamed, so a
//! full or pulled disk never leaves a file that looks like a backup.
//!
//! `restore` checks a backup before touching anything — its checksum,
//! `PRAGMA integrity_check`, and every device's hash chain — then moves the
//! live file aside (kept as `….replaced-{time}`) and puts the backup in its
//! place. The restoring user logs in against the backup's own users (the
//! live file may be the broken one) and must be a manager or admin.
//!
//! The backup of an encrypted database (an agent laptop) is encrypted under
//! the same key, with a key file of its own beside it (`….db.keys`, the
//! live users' wraps): it opens with a login, like the live file. Restoring
//! it puts both back.
//!
//! The window's settings, the daily automatic backup and the record of
//! every attempt are in [`schedule`].

pub mod schedule;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::key_file::{self, KeyFile};
use crate::auth::{users, Action, Session};
use crate::store::encryption;
use crate::store::{device, verify, DbKey, Store, StoreError};

/// Refusals of backup and restore.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    #[error("备份文件 {0} 缺少校验文件（.sha256），不能确认它完整，未恢复")]
    NoChecksum(String),
    #[error("备份文件 {0} 的校验值不符（文件已损坏或被修改），未恢复")]
    ChecksumMismatch(String),
    #[error("备份文件 {file} 未通过完整性检查（{detail}），未恢复")]
    Integrity { file: String, detail: String },
    #[error("备份文件 {file} 的事件记录哈希链损坏（{detail}），未恢复")]
    Chain { file: String, detail: String },
    #[error("要保留的备份份数应在 1 到 365 之间")]
    Keep,
    #[error("尚未设置备份文件夹，请负责人在“备份”页选择文件夹")]
    NoFolder,
    #[error("找不到备份文件夹“{0}”，请插入 U 盘或重新选择文件夹（须为完整路径）")]
    FolderMissing(String),
    #[error("备份文件 {0} 已加密：请在本机登录后检查，或用备份中的负责人账号恢复")]
    Encrypted(String),
    #[error(
        "无法把备份写入 {folder}：{reason}。没有留下不完整的备份文件，请换一个 U 盘或文件夹再试"
    )]
    Target {
        folder: String,
        reason: &'static str,
    },
}

/// What went wrong writing a backup into `folder`, in the manager's words.
fn target_error(folder: &Path, e: &rusqlite::Error) -> crate::Error {
    use rusqlite::ErrorCode;
    let reason = match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => "U 盘或磁盘空间不足",
        Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied) => "U 盘或文件夹只读，或没有写入权限",
        _ => "写入失败（U 盘可能已拔出或损坏）",
    };
    BackupError::Target {
        folder: folder.display().to_string(),
        reason,
    }
    .into()
}

/// The default number of backups kept.
pub const DEFAULT_KEEP: usize = 14;

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupReport {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub removed: Vec<String>,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub restored_from: String,
    pub replaced_kept_as: Option<String>,
    pub events: i64,
}

fn file_err(path: &Path, e: std::io::Error) -> crate::Error {
    StoreError::file(path, e).into()
}

fn sha256_of(path: &Path) -> crate::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| file_err(path, e))?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

/// Backs the live database up into `dir`, keeping the newest `keep` backups,
/// and records the attempt, made or failed (see [`schedule::runs`]).
pub fn backup(
    store: &Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    dir: &Path,
    keep: usize,
) -> crate::Result<BackupReport> {
    session.authorize(store.conn(), Action::Maintain)?;
    schedule::recorded(store, now, schedule::Trigger::Manual, Some(session), || {
        make(store, now, dir, keep)
    })
}

/// The copy itself: no role check and no record (callers do both).
fn make(
    store: &Store,
    now: DateTime<FixedOffset>,
    dir: &Path,
    keep: usize,
) -> crate::Result<BackupReport> {
    if !(1..=365).contains(&keep) {
        return Err(BackupError::Keep.into());
    }
    let dev = device::load(store.conn())?;
    std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
    let name = format!(
        "bianmin-{}-{}-{}.db",
        dev.center_code,
        dev.device_code,
        now.format("%Y%m%d-%H%M%S")
    );
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let result = (|| -> crate::Result<String> {
        {
            let mut dest = Connection::open(&tmp).map_err(|e| target_error(dir, &e))?;
            if let Some(key) = store.key() {
                key.apply(&dest)?;
                // The backup's own key file: the live users' wraps.
                key_file::refresh(store.conn(), key, &tmp_keys_base(&path))?;
            }
            let backup = rusqlite::backup::Backup::new(store.conn(), &mut dest)
                .map_err(|e| target_error(dir, &e))?;
            backup
                .run_to_completion(256, Duration::from_millis(5), None)
                .map_err(|e| target_error(dir, &e))?;
        }
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| file_err(&tmp, e))?;
        let sum = sha256_of(&tmp)?;
        let sum_path = dir.join(format!("{name}.sha256"));
        crate::files::write_atomic(&sum_path, format!("{sum}  {name}\n").as_bytes())?;
        if store.is_encrypted() {
            let keys = encryption::key_file_path(&tmp_keys_base(&path));
            std::fs::rename(&keys, encryption::key_file_path(&path))
                .map_err(|e| file_err(&keys, e))?;
        }
        std::fs::rename(&tmp, &path).map_err(|e| file_err(&path, e))?;
        Ok(sum)
    })();
    let sha256 = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            let _ = std::fs::remove_file(dir.join(format!("{name}.sha256")));
            let _ = std::fs::remove_file(encryption::key_file_path(&tmp_keys_base(&path)));
            let _ = std::fs::remove_file(encryption::key_file_path(&path));
            return Err(e);
        }
    };
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let removed = prune(dir, &dev.center_code, &dev.device_code, keep)?;
    Ok(BackupReport {
        path: path.display().to_string(),
        sha256,
        bytes,
        removed,
    })
}

/// Where a backup's key file is written before the backup has its name.
fn tmp_keys_base(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// This device's backups in `dir`, oldest first (the names sort by time).
fn own_backups(dir: &Path, center: &str, device_code: &str) -> crate::Result<Vec<PathBuf>> {
    let prefix = format!("bianmin-{center}-{device_code}-");
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| file_err(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            n.starts_with(&prefix) && n.ends_with(".db")
        })
        .collect();
    backups.sort();
    Ok(backups)
}

/// A backup file found in a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    pub name: String,
    pub path: String,
    pub bytes: u64,
    /// When it was made, read from its name (`YYYY-MM-DD HH:MM:SS`).
    pub made: String,
}

/// This device's backups in `dir`, newest first.
pub fn list(conn: &Connection, dir: &Path) -> crate::Result<Vec<Found>> {
    let dev = device::load(conn)?;
    let mut found = Vec::new();
    for path in own_backups(dir, &dev.center_code, &dev.device_code)?
        .into_iter()
        .rev()
    {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stamp = name
            .trim_end_matches(".db")
            .rsplitn(3, '-')
            .take(2)
            .collect::<Vec<_>>();
        let made = match stamp.as_slice() {
            [time, date] if date.len() == 8 && time.len() == 6 => format!(
                "{}-{}-{} {}:{}:{}",
                &date[..4],
                &date[4..6],
                &date[6..],
                &time[..2],
                &time[2..4],
                &time[4..]
            ),
            _ => String::new(),
        };
        found.push(Found {
            bytes: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            path: path.display().to_string(),
            name,
            made,
        });
    }
    Ok(found)
}

/// Removes all but the newest `keep` backups of this device in `dir`.
fn prune(dir: &Path, center: &str, device_code: &str, keep: usize) -> crate::Result<Vec<String>> {
    let backups = own_backups(dir, center, device_code)?;
    let mut removed = Vec::new();
    let excess = backups.len().saturating_sub(keep);
    for old in backups.into_iter().take(excess) {
        std::fs::remove_file(&old).map_err(|e| file_err(&old, e))?;
        let _ = std::fs::remove_file(PathBuf::from(format!("{}.sha256", old.display())));
        let _ = std::fs::remove_file(encryption::key_file_path(&old));
        removed.push(old.display().to_string());
    }
    Ok(removed)
}

/// Opens a backup read-only, keyed when it is encrypted.
fn open_backup(file: &Path, key: Option<&DbKey>) -> crate::Result<Connection> {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(StoreError::from)?;
    if encryption::is_encrypted(file) {
        let key = key.ok_or_else(|| BackupError::Encrypted(file.display().to_string()))?;
        key.apply(&conn)?;
    }
    Ok(conn)
}

/// Checks a backup file without changing it: checksum, integrity, hash
/// chain. An encrypted backup needs its key (this device's, from the
/// logged-in store, or unwrapped from the backup's key file at restore).
pub fn check(file: &Path, key: Option<&DbKey>) -> crate::Result<i64> {
    let shown = file.display().to_string();
    let sum_path = PathBuf::from(format!("{}.sha256", file.display()));
    let expected =
        std::fs::read_to_string(&sum_path).map_err(|_| BackupError::NoChecksum(shown.clone()))?;
    let expected = expected
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    if sha256_of(file)? != expected {
        return Err(BackupError::ChecksumMismatch(shown).into());
    }
    let conn = open_backup(file, key)?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| BackupError::Integrity {
            file: shown.clone(),
            detail: e.to_string(),
        })?;
    if integrity != "ok" {
        return Err(BackupError::Integrity {
            file: shown,
            detail: integrity,
        }
        .into());
    }
    let report = verify::verify(&conn).map_err(|e| BackupError::Chain {
        file: shown.clone(),
        detail: e.to_string(),
    })?;
    if let Some(b) = report.broken {
        return Err(BackupError::Chain {
            file: shown,
            detail: b.to_string(),
        }
        .into());
    }
    device::load(&conn)?;
    Ok(report.events())
}

/// Restores `file` over the live database at `live`, after checking it.
/// `username`/`password` are checked against the backup's users.
pub fn restore(
    live: &Path,
    file: &Path,
    username: &str,
    password: &str,
    now: DateTime<FixedOffset>,
) -> crate::Result<RestoreReport> {
    // An encrypted backup opens with the restoring user's own wrap in the
    // backup's key file: a wrong password is refused like a wrong login.
    let backup_keys = encryption::key_file_path(file);
    let key = if encryption::is_encrypted(file) {
        let keys = KeyFile::read(&backup_keys)?;
        let entry = keys
            .entry(username)
            .ok_or(crate::auth::AuthError::BadCredentials)?;
        Some(
            key_file::unwrap(entry, &keys.device.device_id, password)?
                .ok_or(crate::auth::AuthError::BadCredentials)?,
        )
    } else {
        None
    };
    let events = check(file, key.as_ref())?;
    {
        let conn = open_backup(file, key.as_ref())?;
        let session = users::verify_credentials(&conn, username, password)?;
        crate::auth::roles::require(session.role, Action::Maintain)?;
    }
    let live_keys = encryption::key_file_path(live);
    let mut replaced_kept_as = None;
    if live.exists() {
        // Fold the live WAL into the file so that what is kept is complete
        // (an encrypted live file keeps its WAL beside it instead).
        if !encryption::is_encrypted(live) {
            if let Ok(conn) = Connection::open(live) {
                let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
            }
        }
        let kept = PathBuf::from(format!(
            "{}.replaced-{}",
            live.display(),
            now.format("%Y%m%d-%H%M%S")
        ));
        std::fs::rename(live, &kept).map_err(|e| file_err(live, e))?;
        for suffix in ["-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", live.display()));
            if from.exists() {
                let _ = std::fs::rename(&from, format!("{}{suffix}", kept.display()));
            }
        }
        if live_keys.exists() {
            std::fs::rename(&live_keys, encryption::key_file_path(&kept))
                .map_err(|e| file_err(&live_keys, e))?;
        }
        replaced_kept_as = Some(kept.display().to_string());
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(PathBuf::from(format!("{}{suffix}", live.display())));
    }
    let bytes = std::fs::read(file).map_err(|e| file_err(file, e))?;
    let tmp = PathBuf::from(format!("{}.restoring", live.display()));
    let write = (|| -> std::io::Result<()> {
        if key.is_some() {
            let keys = std::fs::read(&backup_keys)?;
            let mut f = std::fs::File::create(&live_keys)?;
            f.write_all(&keys)?;
            f.sync_all()?;
        }
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, live)
    })();
    if let Err(e) = write {
        let _ = std::fs::remove_file(&tmp);
        // Put the live file back rather than leave nothing.
        if let Some(kept) = &replaced_kept_as {
            let _ = std::fs::rename(kept, live);
            let kept_keys = encryption::key_file_path(Path::new(kept));
            if kept_keys.exists() {
                let _ = std::fs::rename(kept_keys, &live_keys);
            } else if key.is_some() {
                let _ = std::fs::remove_file(&live_keys);
            }
        }
        return Err(file_err(live, e));
    }
    Ok(RestoreReport {
        restored_from: file.display().to_string(),
        replaced_kept_as,
        events,
    })
}
