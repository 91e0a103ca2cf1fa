//! This device's signing key (ed25519). It is made once, at `bianmin init`
//! or when joining a center, and kept in this device's database; batches
//! carry only the public key. Other machines know a device by its key line:
//!
//! ```text
//! bianmin-device-key 1 <center code> <device code> <role> <device id> <public key hex>
//! ```
//!
//! and a person compares the short fingerprint (SHA-256 of the key, first
//! 16 hex digits in groups of four) read out on both screens.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::ExchangeError;
use crate::store::device::{self, DeviceRole};
use crate::store::StoreError;

const LINE_TAG: &str = "bianmin-device-key";

/// The short fingerprint of a public key: "3f2a 9c01 77be 04d2".
pub fn fingerprint(public_key_hex: &str) -> String {
    let bytes = hex::decode(public_key_hex).unwrap_or_default();
    let digest = hex::encode(Sha256::digest(bytes));
    digest.as_bytes()[..16]
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Makes and stores this device's key, in the caller's transaction.
pub(crate) fn create(conn: &Connection, now: DateTime<FixedOffset>) -> Result<String, StoreError> {
    keep(conn, &SigningKey::generate(&mut rand::rngs::OsRng), now)
}

/// Keeps `key` as this device's key (made before the device existed, as
/// when joining over the LAN), in the caller's transaction.
pub(crate) fn keep(
    conn: &Connection,
    key: &SigningKey,
    now: DateTime<FixedOffset>,
) -> Result<String, StoreError> {
    let public = hex::encode(key.verifying_key().to_bytes());
    conn.execute(
        "INSERT INTO device_key (singleton, secret_key, public_key, created_at) VALUES (1, ?1, ?2, ?3)",
        params![
            hex::encode(key.to_bytes()),
            public,
            now.to_rfc3339_opts(SecondsFormat::Millis, false)
        ],
    )?;
    Ok(public)
}

fn load_secret(conn: &Connection) -> crate::Result<SigningKey> {
    let secret: String = conn
        .query_row(
            "SELECT secret_key FROM device_key WHERE singleton = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?
        .ok_or(ExchangeError::NoKey)?;
    let bytes: [u8; 32] = hex::decode(secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(ExchangeError::NoKey)?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// This device's public key (hex).
pub fn public_key(conn: &Connection) -> crate::Result<String> {
    Ok(conn
        .query_row(
            "SELECT public_key FROM device_key WHERE singleton = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?
        .ok_or(ExchangeError::NoKey)?)
}

/// Makes the key of a device set up before the exchange existed.
pub fn create_if_missing(conn: &Connection, now: DateTime<FixedOffset>) -> crate::Result<String> {
    match public_key(conn) {
        Ok(k) => Ok(k),
        Err(crate::Error::Exchange(ExchangeError::NoKey)) => Ok(create(conn, now)?),
        Err(e) => Err(e),
    }
}

/// Signs `bytes` with this device's key; the signature in hex.
pub fn sign(conn: &Connection, bytes: &[u8]) -> crate::Result<String> {
    Ok(hex::encode(load_secret(conn)?.sign(bytes).to_bytes()))
}

/// This device's key for the hall's LAN channel (src/sync): the X25519
/// secret of its ed25519 key (the standard birational map), so the channel
/// is authenticated by the very key `device trust` registered.
pub fn channel_secret(conn: &Connection) -> crate::Result<zeroize::Zeroizing<[u8; 32]>> {
    Ok(zeroize::Zeroizing::new(
        load_secret(conn)?.to_scalar_bytes(),
    ))
}

/// The channel secret of a key not stored yet (a PC asking to join).
pub(crate) fn channel_secret_of(key: &SigningKey) -> zeroize::Zeroizing<[u8; 32]> {
    zeroize::Zeroizing::new(key.to_scalar_bytes())
}

/// The X25519 public key a registered device's channel shows, from its
/// ed25519 public key (hex); `None` for a malformed key.
pub fn channel_public(public_key_hex: &str) -> Option<[u8; 32]> {
    let bytes: [u8; 32] = hex::decode(public_key_hex).ok()?.try_into().ok()?;
    Some(
        VerifyingKey::from_bytes(&bytes)
            .ok()?
            .to_montgomery()
            .to_bytes(),
    )
}

/// Whether `signature_hex` is `public_key_hex`'s signature of `bytes`.
pub fn verify(public_key_hex: &str, bytes: &[u8], signature_hex: &str) -> bool {
    let key = hex::decode(public_key_hex)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok());
    let sig = hex::decode(signature_hex.trim())
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b));
    match (key, sig) {
        (Some(k), Some(s)) => k.verify(bytes, &s).is_ok(),
        _ => false,
    }
}

/// A device as its key line describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyLine {
    pub center_code: String,
    pub device_code: String,
    pub role: DeviceRole,
    pub device_id: String,
    pub public_key: String,
    pub fingerprint: String,
}

impl KeyLine {
    /// The key line of `device` with `public_key`.
    pub fn of(device: &device::Device, public_key: String) -> KeyLine {
        KeyLine {
            center_code: device.center_code.clone(),
            device_code: device.device_code.clone(),
            role: device.role,
            device_id: device.device_id.clone(),
            fingerprint: fingerprint(&public_key),
            public_key,
        }
    }

    pub fn to_line(&self) -> String {
        format!(
            "{LINE_TAG} 1 {} {} {} {} {}",
            self.center_code,
            self.device_code,
            self.role.as_str(),
            self.device_id,
            self.public_key
        )
    }

    /// Reads a key line (surrounding blank lines and spaces are ignored).
    pub fn parse(text: &str) -> Result<KeyLine, ExchangeError> {
        let bad = || ExchangeError::BadKeyLine(text.trim().chars().take(80).collect());
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or_else(bad)?;
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [tag, "1", center, code, role, id, key] = parts.as_slice() else {
            return Err(bad());
        };
        if *tag != LINE_TAG
            || device::check_center_code(center).is_err()
            || device::check_device_code(code).is_err()
            || uuid::Uuid::parse_str(id).is_err()
        {
            return Err(bad());
        }
        let role = DeviceRole::parse(role).map_err(|_| bad())?;
        let valid_key = hex::decode(key)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .is_some_and(|b| VerifyingKey::from_bytes(&b).is_ok());
        if !valid_key {
            return Err(bad());
        }
        Ok(KeyLine {
            center_code: center.to_string(),
            device_code: code.to_string(),
            role,
            device_id: id.to_string(),
            public_key: key.to_lowercase(),
            fingerprint: fingerprint(key),
        })
    }
}

/// What a manager gave to register a device: the key line itself, or the
/// path of a key file (`bianmin device key --out`) holding it.
pub fn key_text(given: &str) -> Result<String, StoreError> {
    let path = std::path::Path::new(given.trim());
    if !given.trim_start().starts_with(LINE_TAG) && path.is_file() {
        std::fs::read_to_string(path).map_err(|e| StoreError::file(path, e))
    } else {
        Ok(given.to_owned())
    }
}

/// Writes `line` to `{device code}.key` in `dir` (for the hub's manager to
/// register, carried on the USB stick); returns the file's path.
pub fn write_line_file(
    dir: &std::path::Path,
    line: &KeyLine,
) -> Result<std::path::PathBuf, StoreError> {
    let path = dir.join(format!("{}.key", line.device_code));
    crate::files::write_atomic(&path, format!("{}\n", line.to_line()).as_bytes())?;
    Ok(path)
}

/// This device's key line (`bianmin device key`).
pub fn own_line(conn: &Connection) -> crate::Result<KeyLine> {
    Ok(KeyLine::of(&device::load(conn)?, public_key(conn)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_bytes_and_key() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE device_key (singleton INTEGER PRIMARY KEY, secret_key TEXT, public_key TEXT, created_at TEXT);",
        )
        .unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-23T09:30:00+08:00").unwrap();
        let public = create(&conn, now).unwrap();
        let sig = sign(&conn, b"manifest").unwrap();
        assert!(verify(&public, b"manifest", &sig));
        assert!(!verify(&public, b"manifesT", &sig));
        let other = hex::encode(
            SigningKey::generate(&mut rand::rngs::OsRng)
                .verifying_key()
                .to_bytes(),
        );
        assert!(!verify(&other, b"manifest", &sig));
        assert!(!verify(&public, b"manifest", "zz"));
        assert_eq!(fingerprint(&public).len(), 19);
    }

    #[test]
    fn key_lines_round_trip_and_garbage_is_refused() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let line = KeyLine {
            center_code: "371402101".into(),
            device_code: "V03".into(),
            role: DeviceRole::Agent,
            device_id: uuid::Uuid::now_v7().to_string(),
            public_key: hex::encode(key.verifying_key().to_bytes()),
            fingerprint: String::new(),
        };
        let parsed = KeyLine::parse(&format!("\n  {}  \n", line.to_line())).unwrap();
        assert_eq!(parsed.device_code, "V03");
        assert_eq!(parsed.public_key, line.public_key);
        for bad in [
            "",
            "hello",
            &line.to_line().replace(" 1 ", " 2 "),
            &line.to_line().replace("V03", "v3"),
            &line.to_line()[..line.to_line().len() - 2],
        ] {
            assert!(KeyLine::parse(bad).is_err(), "{bad}");
        }
    }
}
