//! What the window holds between commands: where the database is, the open
//! database, who is logged in, and whether the screen is locked. Commands
//! reach the core only through [`Desk::session`] or [`Desk::store`], so a
//! locked screen or a missing login refuses every action in one place.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use bianmin::auth::{unlock, Session};
use bianmin::store::{device, DbKey, Store};

use crate::error::{UiError, UiResult};

struct Inner {
    store: Option<Store>,
    session: Option<Session>,
    locked: bool,
}

impl Inner {
    /// Ends the session; an encrypted database closes with it, and its
    /// private documents folder is removed.
    fn end_session(&mut self, db: &Path) {
        self.session = None;
        self.locked = false;
        if self.store.as_ref().is_some_and(Store::is_encrypted) {
            self.store = None;
            let _ = std::fs::remove_dir_all(bianmin::paths::documents_root(db, true));
        }
    }
}

/// The window's state, shared by all commands.
pub struct Desk {
    pub db: PathBuf,
    inner: Mutex<Inner>,
    /// Whether this run of the window started the daily backup.
    pub daily_started: AtomicBool,
}

impl Desk {
    pub fn new(db: PathBuf) -> Desk {
        Desk {
            db,
            inner: Mutex::new(Inner {
                store: None,
                session: None,
                locked: false,
            }),
            daily_started: AtomicBool::new(false),
        }
    }

    fn lock_inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic in another command must not make the window unusable;
        // the store itself is transactional, so its state is consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with the open database, opening it on first use.
    pub fn store<T>(&self, f: impl FnOnce(&mut Store) -> UiResult<T>) -> UiResult<T> {
        let mut inner = self.lock_inner();
        if inner.store.is_none() {
            inner.store = Some(Store::open(&self.db)?);
        }
        match inner.store.as_mut() {
            Some(store) => f(store),
            None => Err(UiError::new("refused", "数据库未打开")),
        }
    }

    /// Opens a plain database that is there, ahead of the first command
    /// that needs it (encrypted ones wait for a login; a missing one for
    /// the set-up screen). A failure is left for that command to report.
    pub fn open_ahead(&self) {
        if self.db.exists() && !self.needs_unlock() {
            let _ = self.store(|_| Ok(()));
        }
    }

    /// Runs `f` with the database of a set-up device.
    pub fn device_store<T>(&self, f: impl FnOnce(&mut Store) -> UiResult<T>) -> UiResult<T> {
        self.store(|store| {
            device::load(store.conn())
                .map_err(|_| UiError::new("setup", "本机尚未完成初始设置"))?;
            f(store)
        })
    }

    /// Runs `f` for the logged-in user of an unlocked window.
    pub fn session<T>(&self, f: impl FnOnce(&mut Store, &Session) -> UiResult<T>) -> UiResult<T> {
        let mut inner = self.lock_inner();
        if inner.locked {
            return Err(UiError::screen_locked());
        }
        let session = inner.session.clone().ok_or_else(UiError::login_required)?;
        let store = inner.store.as_mut().ok_or_else(UiError::login_required)?;
        // A user an admin disabled (here or on another PC, arrived by
        // exchange) is logged out at her next click, reads included.
        match bianmin::auth::users::check_active(store.conn(), &session.user_id) {
            Ok(()) => {}
            Err(e @ bianmin::Error::Auth(_)) => {
                inner.end_session(&self.db);
                return Err(UiError::new("auth", e.to_string()));
            }
            Err(e) => return Err(e.into()),
        }
        let store = inner.store.as_mut().ok_or_else(UiError::login_required)?;
        f(store, &session)
    }

    /// The logged-in user, if any, and whether the screen is locked.
    pub fn current(&self) -> (Option<Session>, bool) {
        let inner = self.lock_inner();
        (inner.session.clone(), inner.locked)
    }

    /// Whether the database is encrypted and not open: only a login can
    /// open it (`auth::unlock`).
    pub fn needs_unlock(&self) -> bool {
        let inner = self.lock_inner();
        inner.store.is_none() && unlock::needs_login(&self.db)
    }

    /// Opens the encrypted database with a login and keeps it open.
    pub fn unlock(&self, username: &str, password: &str) -> UiResult<Session> {
        let mut inner = self.lock_inner();
        let (store, session) = unlock::login(&self.db, super::commands::now(), username, password)?;
        inner.store = Some(store);
        inner.session = Some(session.clone());
        inner.locked = false;
        Ok(session)
    }

    /// The key of the open database, if it is encrypted.
    pub fn key(&self) -> Option<DbKey> {
        self.lock_inner()
            .store
            .as_ref()
            .and_then(|s| s.key().cloned())
    }

    /// Logs out; an encrypted database is closed too, so its key leaves
    /// memory with the user, and the session's printed PDFs are removed.
    pub fn log_out(&self) {
        self.lock_inner().end_session(&self.db);
    }

    pub fn set_session(&self, session: Option<Session>) {
        let mut inner = self.lock_inner();
        inner.session = session;
        inner.locked = false;
    }

    /// Runs `f` on the database file with this window's connection closed
    /// and nobody logged in (a restore replaces the file). The next command
    /// opens the file again.
    pub fn with_database_closed<T>(&self, f: impl FnOnce(&Path) -> UiResult<T>) -> UiResult<T> {
        let mut inner = self.lock_inner();
        inner.store = None;
        inner.session = None;
        inner.locked = false;
        f(&self.db)
    }

    /// Sets the device up on a new database: this window's connection is
    /// closed first (set-up may replace the empty file with an encrypted
    /// one), and the store `f` opened is kept.
    pub fn set_up<T>(&self, f: impl FnOnce(&Path) -> UiResult<(Store, T)>) -> UiResult<T> {
        let mut inner = self.lock_inner();
        inner.store = None;
        inner.session = None;
        inner.locked = false;
        let (store, value) = f(&self.db)?;
        inner.store = Some(store);
        Ok(value)
    }

    pub fn set_locked(&self, locked: bool) {
        self.lock_inner().locked = locked;
    }
}
