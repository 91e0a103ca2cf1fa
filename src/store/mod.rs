//! The device's one SQLite file: opening it with the right pragmas, bringing
//! its schema up to date, and running every change as one transaction.
//!
//! - [`events`]: the append-only, hash-chained event log (the truth).
//! - [`projection`]: how each event updates the query tables, and rebuild.
//! - [`verify`]: checking every device's hash chain.
//! - [`dump`]: a canonical text dump of the query tables, for comparisons.
//! - [`device`]: this device's identity (`bianmin init`).
//! - [`order`]: the canonical order in which every device applies events.

pub mod canonical;
pub mod device;
pub mod dump;
pub mod events;
mod migrations;
pub mod order;
pub mod projection;
pub mod verify;

use std::path::Path;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use migrations::SCHEMA_VERSION;

/// Failures of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("无法打开数据库文件 {path}：{reason}")]
    Open { path: String, reason: String },
    #[error("数据库文件的版本（{found}）比本程序支持的版本（{supported}）新，请先升级便民服务台程序；文件未作任何改动")]
    NewerSchema { found: i64, supported: i64 },
    #[error("无法读写文件 {path}：{reason}")]
    File { path: String, reason: String },
    #[error("本机尚未初始化，请先运行 bianmin init 设置服务中心和设备信息")]
    NotInitialized,
    #[error("本机已经初始化过（设备编号 {0}），不能重复初始化")]
    AlreadyInitialized(String),
    #[error("事件内容无法编码：{0}")]
    Encode(String),
    #[error("事件日志中的记录无法读取（设备 {device} 第 {seq} 号）：{reason}")]
    BadEvent {
        device: String,
        seq: i64,
        reason: String,
    },
}

impl StoreError {
    /// A file that could not be read or written, with the system's reason.
    pub fn file(path: &Path, e: std::io::Error) -> StoreError {
        StoreError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}

/// An open device database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, applies the
    /// pragmas and upgrades the schema. A file written by a newer program is
    /// refused without being changed.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() && !parent.exists() {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
            }
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_connection(conn)
    }

    fn from_connection(mut conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Refuse a newer file before any pragma below writes to it.
        migrations::refuse_newer(&conn)?;
        // WAL for concurrent readers; FULL so that a committed acceptance
        // survives a power cut (the receipt is printed only after commit).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 32 MiB of page cache: an imported batch of 100 000 events stays in
        // memory until its commit instead of spilling pages mid-transaction.
        conn.pragma_update(None, "cache_size", -32_768)?;
        migrations::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// Read access for queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` inside one IMMEDIATE transaction and commits it; any error
    /// rolls everything back, so a refused operation changes nothing.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let value = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }
}
