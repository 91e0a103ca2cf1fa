//! The encrypted database of agent laptops: its key and where its key file
//! lives. What the key file holds and how it follows the users who may open
//! the database is auth's (src/auth/key_file.rs).
//!
//! A device set up with `--encrypt` keeps its SQLite file encrypted by
//! SQLCipher (AES-256, every page and the WAL) under a random 256-bit
//! database key made at set-up. The key is never stored in clear: the key
//! file `<database>.keys` beside the database holds it wrapped
//! (ChaCha20-Poly1305) once for every active user, each under a key derived
//! from that user's argon2id password hash. Logging in recomputes the
//! argon2id hash from the typed password and unwraps the key (see
//! `auth::unlock`); a wrong password fails the authentication tag.
//!
//! Wrapping under the *hash* rather than the password means the device can
//! wrap the key for every user it holds — also users added on the hub and
//! arriving in a batch — without knowing their passwords. So whoever holds a
//! user's password hash can open the laptop's file; the hashes live only in
//! the hub's database and in the daily batches, which carry the applicants'
//! data themselves in clear (batches are signed, not encrypted). A lost
//! laptop alone gives neither: its file is ciphertext, its key file needs a
//! password guessed through argon2id.
//!
//! The key file is not secret beyond the wraps: it also names the device
//! (so the login screen can say which center it is) and records failed
//! logins while the database cannot be opened to record them.

use std::path::{Path, PathBuf};

use rand::RngCore;
use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use super::StoreError;

/// A database key (256 bits), wiped from memory when dropped.
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    /// A fresh random key from the operating system.
    pub fn generate() -> DbKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        DbKey(bytes)
    }

    /// A key from its 32 bytes (unwrapped from the key file).
    pub fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> DbKey {
        DbKey(bytes)
    }

    /// The key's bytes, for wrapping it in the key file.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Keys a freshly opened connection; must come before anything reads
    /// the file. A raw key skips SQLCipher's own passphrase derivation.
    pub(crate) fn apply(&self, conn: &Connection) -> Result<(), StoreError> {
        // SQLCipher's own log would print a wrong key's page errors on
        // stderr; the caller reports it in Chinese instead.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        let pragma = Zeroizing::new(format!(
            "PRAGMA key = \"x'{}'\";",
            Zeroizing::new(hex::encode(self.0.as_ref())).as_str()
        ));
        conn.execute_batch(pragma.as_str())?;
        Ok(())
    }
}

/// Whether the file at `path` is an encrypted database: it exists, is not
/// empty, and SQLite cannot read it without a key ("not a database").
///
/// It asks SQLite rather than reading the header itself: closing any file
/// descriptor of a database drops every POSIX lock this process holds on it
/// — also those of its open connections — after which another process
/// closing its own connection believes it is the last one and deletes the
/// WAL under them. SQLite's own file handling keeps the locks.
pub fn is_encrypted(path: &Path) -> bool {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0) {
        return false;
    }
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return false;
    };
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
        Ok(()) => false,
        Err(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase),
    }
}

/// The key file of the database at `db`.
pub fn key_file_path(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}.keys", db.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_file_sqlite_cannot_read_is_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.db");
        assert!(!is_encrypted(&p), "missing");
        std::fs::write(&p, b"").unwrap();
        assert!(!is_encrypted(&p), "empty");
        std::fs::remove_file(&p).unwrap();
        Connection::open(&p)
            .unwrap()
            .execute_batch("CREATE TABLE t (x);")
            .unwrap();
        assert!(!is_encrypted(&p), "a plain database");
        let q = dir.path().join("b.db");
        let keyed = Connection::open(&q).unwrap();
        DbKey::generate().apply(&keyed).unwrap();
        keyed.execute_batch("CREATE TABLE t (x);").unwrap();
        drop(keyed);
        assert!(is_encrypted(&q), "a keyed database");
        std::fs::write(&p, [7u8; 4096]).unwrap();
        assert!(is_encrypted(&p), "no SQLite header");
    }
}
