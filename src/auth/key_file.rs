//! The key file beside an encrypted database (`<database>.keys`): the
//! database key wrapped once for every active user, the center's lockout
//! rule, and the failed logins counted while the database is shut. It
//! follows the users table after every commit ([`follow`]); see
//! src/store/encryption.rs for the key itself and the design notes.

use std::path::Path;

use argon2::password_hash::PasswordHash;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::store::device::{self, Device};
use crate::store::encryption::{key_file_path, DbKey};
use crate::store::{Store, StoreError};

/// The key file's format version.
pub const KEY_FILE_FORMAT: u32 = 1;

/// Domain separation of the key-wrapping key.
const WRAP_DOMAIN: &[u8] = b"bianmin/database-key-wrap/v1";

/// A failed login recorded in the key file while the database was locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// When it happened (RFC 3339).
    pub at: String,
    /// Consecutive failures including this one.
    pub failures: u32,
    /// Set when this failure locked the account.
    pub locked_until: Option<String>,
}

/// One user's wrap of the database key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub user_id: String,
    pub username: String,
    /// The user's argon2id parameters and salt (a PHC string without the
    /// hash), from which a login recomputes the hash.
    pub kdf: String,
    /// ChaCha20-Poly1305 nonce (hex).
    pub nonce: String,
    /// The wrapped database key with its tag (hex).
    pub wrapped: String,
    /// Failed logins since the last successful one.
    #[serde(default)]
    pub failures: Vec<Failure>,
}

impl Entry {
    /// When the account stays locked until, if it is locked at `now`.
    pub fn locked_until(
        &self,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.failures
            .last()
            .and_then(|f| f.locked_until.as_deref())
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .filter(|t| *t > now)
    }
}

/// The key file beside an encrypted database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    pub format: u32,
    /// The device this database belongs to (shown before login).
    pub device: Device,
    /// The center's lockout rule, copied at each refresh so that it holds
    /// while the database cannot be read.
    pub lockout_attempts: u32,
    pub lockout_minutes: u32,
    pub entries: Vec<Entry>,
}

impl KeyFile {
    /// Reads the key file at `path`.
    pub fn read(path: &Path) -> Result<KeyFile, StoreError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|_| StoreError::KeyFileMissing(shown.clone()))?;
        let file: KeyFile =
            serde_json::from_slice(&bytes).map_err(|e| StoreError::KeyFileBroken {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
        if file.format != KEY_FILE_FORMAT {
            return Err(StoreError::KeyFileBroken {
                path: shown,
                reason: format!("格式版本 {} 不受支持", file.format),
            });
        }
        Ok(file)
    }

    /// Writes it atomically (a pulled disk leaves the old file).
    pub fn write(&self, path: &Path) -> Result<(), StoreError> {
        let bytes =
            serde_json::to_vec_pretty(self).map_err(|e| StoreError::Encode(e.to_string()))?;
        crate::files::write_atomic(path, &bytes)
    }

    /// The entry of `username`.
    pub fn entry(&self, username: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.username == username.trim())
    }

    pub fn entry_mut(&mut self, username: &str) -> Option<&mut Entry> {
        self.entries
            .iter_mut()
            .find(|e| e.username == username.trim())
    }
}

/// The key that wraps the database key for the holder of an argon2 hash.
fn wrapping_key(hash_output: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(WRAP_DOMAIN);
    h.update(hash_output);
    Zeroizing::new(h.finalize().into())
}

fn aad(user_id: &str, device_id: &str) -> Vec<u8> {
    format!("{user_id}\n{device_id}").into_bytes()
}

fn bad_hash(user: &str) -> StoreError {
    StoreError::KeyFileBroken {
        path: String::new(),
        reason: format!("用户 {user} 的密码摘要无法解析"),
    }
}

/// Wraps `key` for a user with stored PHC hash `phc`.
fn wrap(
    key: &DbKey,
    user_id: &str,
    username: &str,
    phc: &str,
    device_id: &str,
) -> Result<Entry, StoreError> {
    let parsed = PasswordHash::new(phc).map_err(|_| bad_hash(username))?;
    let output = parsed.hash.ok_or_else(|| bad_hash(username))?;
    let kdf = PasswordHash {
        hash: None,
        ..parsed.clone()
    }
    .to_string();
    let wk = wrapping_key(output.as_bytes());
    let cipher = ChaCha20Poly1305::new(Key::from_slice(wk.as_ref()));
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let wrapped = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: key.bytes().as_ref(),
                aad: &aad(user_id, device_id),
            },
        )
        .map_err(|_| StoreError::Encode("无法封装数据库密钥".into()))?;
    Ok(Entry {
        user_id: user_id.to_owned(),
        username: username.to_owned(),
        kdf,
        nonce: hex::encode(nonce),
        wrapped: hex::encode(wrapped),
        failures: Vec::new(),
    })
}

/// Unwraps the database key with a typed password: `Ok(None)` when the
/// password is wrong. Costs one argon2id hash.
pub fn unwrap(entry: &Entry, device_id: &str, password: &str) -> Result<Option<DbKey>, StoreError> {
    use argon2::password_hash::PasswordHasher;
    let parsed = PasswordHash::new(&entry.kdf).map_err(|_| bad_hash(&entry.username))?;
    let salt = parsed.salt.ok_or_else(|| bad_hash(&entry.username))?;
    let params = argon2::Params::try_from(&parsed).map_err(|_| bad_hash(&entry.username))?;
    let recomputed = argon2::Argon2::default()
        .hash_password_customized(
            password.as_bytes(),
            Some(parsed.algorithm),
            parsed.version,
            params,
            salt,
        )
        .map_err(|_| bad_hash(&entry.username))?;
    let output = recomputed.hash.ok_or_else(|| bad_hash(&entry.username))?;
    let wk = wrapping_key(output.as_bytes());
    let (Ok(nonce), Ok(wrapped)) = (hex::decode(&entry.nonce), hex::decode(&entry.wrapped)) else {
        return Err(bad_hash(&entry.username));
    };
    if nonce.len() != 12 {
        return Err(bad_hash(&entry.username));
    }
    let cipher = ChaCha20Poly1305::new(Key::from_slice(wk.as_ref()));
    let Ok(plain) = cipher.decrypt(
        Nonce::from_slice(&nonce),
        Payload {
            msg: &wrapped,
            aad: &aad(&entry.user_id, device_id),
        },
    ) else {
        return Ok(None);
    };
    let plain = Zeroizing::new(plain);
    let bytes: [u8; 32] = plain
        .as_slice()
        .try_into()
        .map_err(|_| bad_hash(&entry.username))?;
    Ok(Some(DbKey::from_bytes(Zeroizing::new(bytes))))
}

/// A cheap fingerprint of the users table: it changes whenever a user is
/// added, disabled or enabled, or a password changes — the only changes to
/// who may open the database with what.
pub fn users_fingerprint(conn: &Connection) -> Result<[u8; 32], StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT user_id, password_hash, disabled FROM users ORDER BY user_id")?;
    let mut rows = stmt.query([])?;
    let mut digest = Sha256::new();
    while let Some(r) = rows.next()? {
        digest.update(r.get::<_, String>(0)?.as_bytes());
        digest.update([0]);
        digest.update(r.get::<_, String>(1)?.as_bytes());
        digest.update([r.get::<_, bool>(2)? as u8]);
    }
    Ok(digest.finalize().into())
}

/// Rewrites the key file of the database at `db` from its users table:
/// one wrap per active user, a disabled user's wrap removed, the failed
/// logins of users still there kept. Does nothing before the device is set
/// up (there is nobody to log in yet). Writes only when something changed.
pub fn refresh(conn: &Connection, key: &DbKey, db: &Path) -> Result<(), StoreError> {
    let Ok(dev) = device::load(conn) else {
        return Ok(());
    };
    let path = key_file_path(db);
    let old = KeyFile::read(&path).ok();
    let profile = crate::center::load(conn).map_err(|e| StoreError::KeyFileBroken {
        path: key_file_path(db).display().to_string(),
        reason: e.to_string(),
    })?;
    let (lockout_attempts, lockout_minutes) = (profile.lockout_attempts, profile.lockout_minutes);
    let mut stmt = conn.prepare(
        "SELECT user_id, username, password_hash FROM users WHERE disabled = 0 ORDER BY username",
    )?;
    let users = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut entries = Vec::with_capacity(users.len());
    for (user_id, username, phc) in users {
        let kept = old.as_ref().and_then(|o| {
            o.entries
                .iter()
                .find(|e| e.user_id == user_id && phc.starts_with(&format!("{}$", e.kdf)))
        });
        match kept {
            // Same user, same hash: the old wrap still opens the key.
            Some(e) if same_device(old.as_ref(), &dev) => entries.push(e.clone()),
            _ => entries.push(wrap(key, &user_id, &username, &phc, &dev.device_id)?),
        }
    }
    let file = KeyFile {
        format: KEY_FILE_FORMAT,
        device: dev,
        lockout_attempts,
        lockout_minutes,
        entries,
    };
    if old.as_ref() != Some(&file) {
        file.write(&path)?;
    }
    Ok(())
}

fn same_device(old: Option<&KeyFile>, dev: &Device) -> bool {
    old.is_some_and(|o| o.device.device_id == dev.device_id)
}

/// Makes the key file of an encrypted `store` at `db` follow its users
/// after every commit, and writes it now. Does nothing for a plain store.
pub fn follow(store: &mut Store, db: &Path) -> Result<(), StoreError> {
    let Some(key) = store.key().cloned() else {
        return Ok(());
    };
    let db = db.to_path_buf();
    let mut seen = None;
    let mut keep = move |conn: &Connection| -> Result<(), StoreError> {
        let now = users_fingerprint(conn)?;
        if seen == Some(now) {
            return Ok(());
        }
        refresh(conn, &key, &db)?;
        seen = Some(now);
        Ok(())
    };
    keep(store.conn())?;
    store.after_commit(Box::new(keep));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_for(key: &DbKey, password: &str) -> Entry {
        let phc = super::super::password::hash(password).unwrap();
        wrap(key, "u1", "agent", &phc, "dev-1").unwrap()
    }

    #[test]
    fn the_right_password_unwraps_the_key_and_a_wrong_one_does_not() {
        let key = DbKey::generate();
        let e = entry_for(&key, "代办密码2026");
        let back = unwrap(&e, "dev-1", "代办密码2026").unwrap().unwrap();
        assert_eq!(back.bytes(), key.bytes());
        assert!(unwrap(&e, "dev-1", "代办密码2027").unwrap().is_none());
        // A wrap is bound to its device and user.
        assert!(unwrap(&e, "dev-2", "代办密码2026").unwrap().is_none());
        let mut other = e.clone();
        other.user_id = "u2".into();
        assert!(unwrap(&other, "dev-1", "代办密码2026").unwrap().is_none());
    }

    #[test]
    fn the_key_file_holds_no_key_or_hash_in_clear() {
        let key = DbKey::generate();
        let phc = super::super::password::hash("代办密码2026").unwrap();
        let e = wrap(&key, "u1", "agent", &phc, "dev-1").unwrap();
        let text = serde_json::to_string(&e).unwrap();
        assert!(!text.contains(&hex::encode(key.bytes())));
        let output = phc.rsplit('$').next().unwrap();
        assert!(!text.contains(output), "the hash output is not stored");
        assert!(phc.starts_with(&e.kdf));
    }

    #[test]
    fn a_changed_wrap_is_a_wrong_password_not_a_panic() {
        let key = DbKey::generate();
        let mut e = entry_for(&key, "代办密码2026");
        let mut bytes = hex::decode(&e.wrapped).unwrap();
        bytes[3] ^= 1;
        e.wrapped = hex::encode(bytes);
        assert!(unwrap(&e, "dev-1", "代办密码2026").unwrap().is_none());
        e.nonce = "zz".into();
        assert!(unwrap(&e, "dev-1", "代办密码2026").is_err());
        e.kdf = "not a phc string".into();
        assert!(unwrap(&e, "dev-1", "代办密码2026").is_err());
    }
}
