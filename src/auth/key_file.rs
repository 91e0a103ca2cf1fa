//! The key file beside an encrypted database (`<database>.keys`): the
//! database key wrapped once for every active user, the center's lockout
//! rule, and the failed logins counted while the database is shut. It
//! follows the users table after every commit ([`follow`]); see
//! src/store/encryption.rs for the key itself and the design notes.
//!
//! Format 2 seals the key to each user's unlock key (src/auth/password.rs,
//! HPKE by src/seal.rs): nothing that travels in a batch opens it, only the
//! password does. A user whose password predates unlock keys keeps a
//! format-1 wrap (under their login hash) until their next login anywhere
//! gives them an unlock key; then the old wrap is replaced.

use std::path::Path;

use argon2::password_hash::PasswordHash;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::password::UnlockKey;
use crate::store::device::{self, Device};
use crate::store::encryption::{key_file_path, DbKey};
use crate::store::{Store, StoreError};

/// The key file's format version this program writes.
pub const KEY_FILE_FORMAT: u32 = 2;
/// The oldest it reads (its wraps are upgraded as users log in).
const OLDEST_KEY_FILE_FORMAT: u32 = 1;

/// Domain separation of the format-1 key-wrapping key.
const WRAP_DOMAIN: &[u8] = b"bianmin/database-key-wrap/v1";
/// HPKE `info` of the database key sealed to a user's unlock key.
const SEAL_INFO: &[u8] = b"bianmin/database-key-seal/v2";

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
    /// The argon2id parameters and salt (a PHC string without the hash)
    /// from which a login recomputes the secret: the unlock key's when
    /// `enc` is there, else (format 1) the login hash's.
    pub kdf: String,
    /// The HPKE encapsulated key (hex) of a wrap sealed to the user's
    /// unlock key; absent for a format-1 wrap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enc: Option<String>,
    /// Format 1: the ChaCha20-Poly1305 nonce (hex).
    #[serde(default, skip_serializing_if = "String::is_empty")]
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
        if !(OLDEST_KEY_FILE_FORMAT..=KEY_FILE_FORMAT).contains(&file.format) {
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

/// Seals `key` to a user's unlock key (format 2).
fn seal(
    key: &DbKey,
    user_id: &str,
    username: &str,
    unlock: &UnlockKey,
    device_id: &str,
) -> Result<Entry, StoreError> {
    let sealed = crate::seal::seal(
        &unlock.public_key,
        SEAL_INFO,
        &aad(user_id, device_id),
        key.bytes().as_ref(),
    )
    .ok_or_else(|| bad_hash(username))?;
    Ok(Entry {
        user_id: user_id.to_owned(),
        username: username.to_owned(),
        kdf: unlock.kdf.clone(),
        enc: Some(hex::encode(sealed.enc)),
        nonce: String::new(),
        wrapped: hex::encode(sealed.ciphertext),
        failures: Vec::new(),
    })
}

/// Wraps `key` for a user with stored PHC hash `phc` (format 1: only for
/// a user without an unlock key yet).
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
        enc: None,
        nonce: hex::encode(nonce),
        wrapped: hex::encode(wrapped),
        failures: Vec::new(),
    })
}

/// Unwraps the database key with a typed password: `Ok(None)` when the
/// password is wrong. Costs one argon2id hash.
pub fn unwrap(entry: &Entry, device_id: &str, password: &str) -> Result<Option<DbKey>, StoreError> {
    let plain = match &entry.enc {
        Some(enc) => {
            let secret = super::password::unlock_secret(password, &entry.kdf)
                .map_err(|_| bad_hash(&entry.username))?;
            let (Ok(enc), Ok(sealed)) = (hex::decode(enc), hex::decode(&entry.wrapped)) else {
                return Err(bad_hash(&entry.username));
            };
            crate::seal::open(
                &secret,
                SEAL_INFO,
                &aad(&entry.user_id, device_id),
                &enc,
                &sealed,
            )
        }
        None => {
            let output = super::password::rehash(password, &entry.kdf)
                .map_err(|_| bad_hash(&entry.username))?;
            unwrap_v1(entry, device_id, &output)?
        }
    };
    let Some(plain) = plain else {
        return Ok(None);
    };
    let bytes: [u8; 32] = plain
        .as_slice()
        .try_into()
        .map_err(|_| bad_hash(&entry.username))?;
    Ok(Some(DbKey::from_bytes(Zeroizing::new(bytes))))
}

/// Opens a format-1 wrap with the argon2id output of the login hash.
fn unwrap_v1(
    entry: &Entry,
    device_id: &str,
    hash_output: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
    let wk = wrapping_key(hash_output);
    let (Ok(nonce), Ok(wrapped)) = (hex::decode(&entry.nonce), hex::decode(&entry.wrapped)) else {
        return Err(bad_hash(&entry.username));
    };
    if nonce.len() != 12 {
        return Err(bad_hash(&entry.username));
    }
    let cipher = ChaCha20Poly1305::new(Key::from_slice(wk.as_ref()));
    Ok(cipher
        .decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &wrapped,
                aad: &aad(&entry.user_id, device_id),
            },
        )
        .ok()
        .map(Zeroizing::new))
}

/// A cheap fingerprint of the users table: it changes whenever a user is
/// added, disabled or enabled, or a password changes — the only changes to
/// who may open the database with what.
pub fn users_fingerprint(conn: &Connection) -> Result<[u8; 32], StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, password_hash, disabled, coalesce(unlock_public, '') FROM users
         ORDER BY user_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut digest = Sha256::new();
    while let Some(r) = rows.next()? {
        digest.update(r.get::<_, String>(0)?.as_bytes());
        digest.update([0]);
        digest.update(r.get::<_, String>(1)?.as_bytes());
        digest.update([r.get::<_, bool>(2)? as u8]);
        digest.update(r.get::<_, String>(3)?.as_bytes());
    }
    Ok(digest.finalize().into())
}

/// Rewrites the key file of the database at `db` from its users table:
/// one wrap per active user (sealed to their unlock key when they have
/// one), a disabled user's wrap removed, the failed
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
        "SELECT user_id, username, password_hash, unlock_kdf, unlock_public FROM users
         WHERE disabled = 0 ORDER BY username",
    )?;
    let users = stmt
        .query_map([], |r| {
            let unlock = match (r.get::<_, Option<String>>(3)?, r.get(4)?) {
                (Some(kdf), Some(public_key)) => Some(UnlockKey { kdf, public_key }),
                _ => None,
            };
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                unlock,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut entries = Vec::with_capacity(users.len());
    for (user_id, username, phc, unlock) in users {
        // Same user, same secret, same device: the old wrap still opens.
        let kept = old
            .as_ref()
            .filter(|_| same_device(old.as_ref(), &dev))
            .and_then(|o| {
                o.entries.iter().find(|e| {
                    e.user_id == user_id
                        && match &unlock {
                            Some(u) => e.enc.is_some() && e.kdf == u.kdf,
                            None => e.enc.is_none() && phc.starts_with(&format!("{}$", e.kdf)),
                        }
                })
            });
        match (kept, &unlock) {
            (Some(e), _) => entries.push(e.clone()),
            (None, Some(u)) => entries.push(seal(key, &user_id, &username, u, &dev.device_id)?),
            (None, None) => entries.push(wrap(key, &user_id, &username, &phc, &dev.device_id)?),
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
