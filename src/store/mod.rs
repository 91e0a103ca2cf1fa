//! The device's one SQLite file: opening it with the right pragmas, bringing
//! its schema up to date, and running every change as one transaction.
//!
//! - [`events`]: the append-only, hash-chained event log (the truth).
//! - [`projection`]: how an event reaches the projector of the area that
//!   claims its kind (the list is `src/projections.rs`), and replay.
//! - [`verify`]: checking every device's hash chain.
//! - [`dump`]: a canonical text dump of the query tables, for comparisons.
//! - [`device`]: this device's identity (`bianmin init`).
//! - [`order`]: the canonical order in which every device applies events.
//! - [`checkpoint`]: WAL checkpoints on a thread of their own, off the commit.
//! - [`encryption`]: the encrypted database of agent laptops and its key
//!   (the key file it follows is auth's: `src/auth/key_file.rs`).

pub mod canonical;
pub mod checkpoint;
pub mod device;
pub mod dump;
pub mod encryption;
pub mod events;
mod migrations;
pub mod order;
pub mod projection;
pub mod rows;
pub mod verify;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use encryption::DbKey;
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
    #[error("设备信息不对：{0}")]
    BadDeviceInfo(String),
    #[error("“{0}”不是有效的设备类型，可选：counter（窗口电脑）、agent（村代办员电脑）、hub（中心汇总电脑）")]
    UnknownDeviceRole(String),
    #[error("数据库中记录的{what}“{value}”无法识别：文件可能已损坏，或由更新版本的程序写入")]
    Unreadable { what: &'static str, value: String },
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
    #[error("本机数据库已加密（{0}），请用本机登记的用户名和密码登录后再操作")]
    Encrypted(String),
    #[error("无法打开加密数据库 {0}：密钥不对，或文件不是便民服务台的数据库")]
    WrongKey(String),
    #[error("找不到加密数据库的钥匙文件 {0}：没有它无法打开本机数据库，请从备份恢复（备份旁的 .keys 文件）")]
    KeyFileMissing(String),
    #[error("加密数据库的钥匙文件 {path} 无法读取：{reason}")]
    KeyFileBroken { path: String, reason: String },
    #[error("数据库文件 {0} 已经存在，只能为新数据库启用加密")]
    EncryptExisting(String),
}

impl StoreError {
    /// A file that could not be read or written, with the system's reason.
    pub fn file(path: &Path, e: std::io::Error) -> StoreError {
        StoreError::File {
            path: path.display().to_string(),
            reason: crate::files::reason(&e),
        }
    }
}

/// Every file of the database at `path`: the file itself, its WAL and
/// shared-memory index, and the key file of an encrypted one.
pub fn files_of(path: &Path) -> [PathBuf; 4] {
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", path.display()));
    [
        path.to_path_buf(),
        with("-wal"),
        with("-shm"),
        encryption::key_file_path(path),
    ]
}

/// The page cache of every connection (negative: KiB), 32 MiB.
const CACHE_KIB: i64 = -32_768;
/// The page cache while one bulk transaction runs ([`Store::write_bulk`]),
/// 128 MiB: a batch of 100 000 events touches about that much.
const BULK_CACHE_KIB: i64 = -131_072;

/// An open device database.
pub struct Store {
    // Declared first so it is dropped first: its thread and connection are
    // gone before the store's own connection closes.
    checkpointer: Option<checkpoint::Checkpointer>,
    conn: Connection,
    encrypted: Option<Encrypted>,
    after_commit: Option<AfterCommit>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.conn.path())
            .field("encrypted", &self.encrypted.is_some())
            .finish()
    }
}

/// What an encrypted store keeps: its key (for backups and the key file).
struct Encrypted {
    key: DbKey,
}

/// Work that follows every commit (an encrypted store's key file follows
/// its users: src/auth/key_file.rs). It runs after the commit; a failure
/// there (a full disk) is tried again after the next one.
pub type AfterCommit = Box<dyn FnMut(&Connection) -> Result<(), StoreError> + Send>;

impl Store {
    /// Opens (creating if needed) the database at `path`, applies the
    /// pragmas and upgrades the schema. A file written by a newer program is
    /// refused without being changed.
    ///
    /// An encrypted file is refused ([`StoreError::Encrypted`]): it opens
    /// with [`Store::open_encrypted`], after a login unwrapped its key.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, None)
    }

    /// Opens the encrypted database at `path` with its key. A missing or
    /// empty file is refused (a key never creates a database here), and so
    /// is a plain one (a keyed read of it fails).
    pub fn open_encrypted(path: &Path, key: &DbKey) -> Result<Store, StoreError> {
        if !std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            return Err(StoreError::WrongKey(path.display().to_string()));
        }
        Self::open_with(path, Some(key))
    }

    /// Opens the database at `path` again beside one already open (a
    /// thread's own connection): with `key` when that one is encrypted.
    pub fn open_again(path: &Path, key: Option<&DbKey>) -> Result<Store, StoreError> {
        match key {
            Some(key) => Self::open_encrypted(path, key),
            None => Self::open(path),
        }
    }

    /// Creates a new encrypted database at `path` under `key`; an existing
    /// database is refused (it is not converted in place). The caller writes
    /// the key file once the device is set up ([`Store::write_key_file`]).
    pub fn create_encrypted(path: &Path, key: &DbKey) -> Result<Store, StoreError> {
        let non_empty = std::fs::metadata(path)
            .map(|m| m.len() > 0)
            .unwrap_or(false);
        if non_empty {
            return Err(StoreError::EncryptExisting(path.display().to_string()));
        }
        Self::open_with(path, Some(key))
    }

    fn open_with(path: &Path, key: Option<&DbKey>) -> Result<Store, StoreError> {
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
        if let Some(key) = key {
            key.apply(&conn)?;
        }
        // The first read tells whether this connection can read the file:
        // with a key, whether it fits; without one, an encrypted file is
        // "not a database".
        if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
            let shown = path.display().to_string();
            return Err(match (key, e.sqlite_error_code()) {
                (Some(_), _) => StoreError::WrongKey(shown),
                (None, Some(rusqlite::ErrorCode::NotADatabase)) => StoreError::Encrypted(shown),
                (None, _) => StoreError::Sqlite(e),
            });
        }
        let mut store = Self::from_connection(conn)?;
        store.checkpointer = checkpoint::Checkpointer::start(path, key);
        store.encrypted = key.map(|key| Encrypted { key: key.clone() });
        Ok(store)
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
        // 32 MiB of page cache for everyday work; an import raises it for
        // its own transaction (`write_bulk`).
        conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        // Checkpoints run on their own thread (see `checkpoint`); this is
        // only the backstop.
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::BACKSTOP_PAGES)?;
        // Applying a batch runs every area's projector, each with its own
        // statements: rusqlite's default of 16 cached statements was
        // re-preparing them for every event.
        conn.set_prepared_statement_cache_capacity(128);
        migrations::migrate(&mut conn)?;
        Ok(Store {
            checkpointer: None,
            conn,
            encrypted: None,
            after_commit: None,
        })
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
        if let Some(c) = &self.checkpointer {
            c.committed();
        }
        // The change is committed; a key file that could not be rewritten
        // now (full or read-only disk) keeps the old wraps, which still open
        // the database, and is tried again after the next commit.
        if let Some(after) = self.after_commit.as_mut() {
            let _ = after(&self.conn);
        }
        Ok(value)
    }

    /// As [`Store::write`], for one transaction that writes far more than
    /// a counter's step (an imported batch of a hundred thousand events):
    /// a larger page cache keeps its pages in memory until the commit
    /// instead of writing them to the log twice, and the checkpoint its
    /// size would trigger inside the commit is left to the checkpoint
    /// thread. Both settings are restored afterwards, also on failure.
    pub fn write_bulk<T, E>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let backstop = if self.checkpointer.is_some() {
            0
        } else {
            checkpoint::BACKSTOP_PAGES
        };
        let result = match self.cache_and_backstop(BULK_CACHE_KIB, backstop) {
            Ok(()) => self.write(f),
            Err(e) => Err(e.into()),
        };
        let restored = self.cache_and_backstop(CACHE_KIB, checkpoint::BACKSTOP_PAGES);
        let value = result?;
        restored?;
        Ok(value)
    }

    fn cache_and_backstop(&self, cache_kib: i64, backstop: i64) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "cache_size", cache_kib)?;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", backstop)?;
        Ok(())
    }

    /// Whether this database is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted.is_some()
    }

    /// The key of an encrypted database (backups are keyed with it).
    pub fn key(&self) -> Option<&DbKey> {
        self.encrypted.as_ref().map(|e| &e.key)
    }

    /// Runs `f` after every commit from now on (see [`AfterCommit`]).
    pub fn after_commit(&mut self, f: AfterCommit) {
        self.after_commit = Some(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(store: &Store) -> (i64, i64) {
        let get = |name: &str| {
            store
                .conn()
                .pragma_query_value(None, name, |r| r.get::<_, i64>(0))
                .unwrap()
        };
        (get("cache_size"), get("wal_autocheckpoint"))
    }

    #[test]
    fn a_bulk_write_runs_with_its_own_settings_and_restores_them_also_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("b.db")).unwrap();
        let normal = (CACHE_KIB, checkpoint::BACKSTOP_PAGES);
        assert_eq!(settings(&store), normal);
        let inside = store
            .write_bulk(|tx| -> Result<(i64, i64), StoreError> {
                tx.execute_batch("CREATE TABLE t (x);")?;
                let cache = tx.pragma_query_value(None, "cache_size", |r| r.get(0))?;
                let backstop = tx.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?;
                Ok((cache, backstop))
            })
            .unwrap();
        // The checkpoint thread takes the bulk commit's checkpoint.
        assert_eq!(inside, (BULK_CACHE_KIB, 0));
        assert_eq!(settings(&store), normal);
        let failed = store.write_bulk(|tx| -> Result<(), StoreError> {
            tx.execute_batch("INSERT INTO t VALUES (1);")?;
            Err(StoreError::Encode("refused".into()))
        });
        assert!(failed.is_err());
        assert_eq!(settings(&store), normal);
        let rows: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0, "the failed transaction left nothing");
    }
}
