//! Batch format version 3: a batch sealed to the devices it is for, so a
//! lost stick shows no applicant data (docs/batch-format.md).
//!
//! The sealed file is a zip of three members:
//!
//! - `envelope.json`: only what routing and the refusal messages need —
//!   center, writer, destination, batch number, time — the recipients, and
//!   the payload's SHA-256 and size;
//! - `envelope.sig`: the writer's ed25519 signature of those exact bytes;
//! - `payload.bin`: a whole plain batch (manifest, events, case summary),
//!   encrypted with ChaCha20-Poly1305 under a random content key used for
//!   this batch only;
//! - `scans/{sha256}`: each scanned file the payload's manifest lists,
//!   encrypted in chunks under a key derived from the content key
//!   (src/exchange/scan_files.rs), streamed to and from the stick.
//!
//! The content key is sealed (HPKE, src/seal.rs) once per recipient: each
//! registered device the batch is for, under the X25519 form of its
//! registered ed25519 key (the same birational map the LAN channel uses,
//! src/exchange/keys.rs), so every device that can check a batch's
//! signature can also be written to, with nothing new to register. Who a
//! batch is for is [`recipients`]: the device named by `--for`; for the
//! default destination the hub, and on the hub every registered device.
//!
//! A new device joining from the hub's batch has no key the hub knows yet:
//! that batch is sealed to a join code instead, shown once on the hub and
//! typed at the new PC (argon2id of the code, so guessing it costs what
//! guessing a password does).
//!
//! Reading one runs checks 1–5 on the envelope, then opens the payload and
//! runs every check on the batch inside, whose manifest must name the same
//! writer, batch and destination as the envelope.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Seek, SeekFrom, Write};
use std::rc::Rc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::manifest::{Manifest, MemberDigest, FORMAT};
use super::reader::{self, ScanMembers, Trust};
use super::scan_files::{self, Carried, Files, FilesKey};
use super::{devices, keys, ExchangeError};
use crate::seal::{self, Secret};
use crate::store::device::{self, Device, DeviceRole};

/// The envelope's format version.
pub const VERSION: u32 = 3;
pub const ENVELOPE: &str = "envelope.json";
pub const SIGNATURE: &str = "envelope.sig";
pub const PAYLOAD: &str = "payload.bin";
pub const MEMBERS: [&str; 3] = [ENVELOPE, SIGNATURE, PAYLOAD];

/// HPKE `info` of a content key sealed to a recipient.
const KEY_INFO: &[u8] = b"bianmin/batch-key/v3";
/// Associated data of the payload.
const PAYLOAD_AAD: &[u8] = b"bianmin/batch-payload/v3";
/// Letters of a join code: no 0/O, 1/I/L to misread.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 16;

/// What a sealed batch shows outside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub format: String,
    pub version: u32,
    pub center_code: String,
    pub device_id: String,
    pub device_code: String,
    pub public_key: String,
    pub key_fingerprint: String,
    pub destination: String,
    pub batch_no: i64,
    pub created_at: String,
    pub recipients: Vec<Recipient>,
    pub payload: MemberDigest,
}

/// The content key sealed for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// A registered device; absent for the join code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_code: Option<String>,
    /// The join code's argon2id parameters and salt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_kdf: Option<String>,
    /// HPKE encapsulated key and the sealed content key (hex).
    pub enc: String,
    pub sealed_key: String,
}

/// Who a batch is sealed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Device {
        device_id: String,
        device_code: String,
        public_key: String,
    },
    /// A device not registered yet, joining with a code.
    JoinCode,
}

impl Target {
    /// As a person reads it: the device code, or the new device.
    pub fn label(&self) -> String {
        match self {
            Target::Device { device_code, .. } => device_code.clone(),
            Target::JoinCode => "新设备（凭加入口令）".to_owned(),
        }
    }
}

/// The recipients of a batch to `destination` written by `own`: the device
/// named, or for the default destination the hub (on the hub, every
/// registered device). A code not registered yet is a device joining.
/// Refused when nobody could open the batch.
pub fn recipients(
    conn: &Connection,
    own: &Device,
    destination: &str,
) -> crate::Result<Vec<Target>> {
    let target = |d: devices::TrustedDevice| Target::Device {
        device_id: d.device_id,
        device_code: d.device_code,
        public_key: d.public_key,
    };
    if destination != super::export::DEFAULT_DESTINATION {
        return Ok(vec![devices::by_code(conn, destination)?
            .filter(|d| d.device_id != own.device_id)
            .map_or(Target::JoinCode, target)]);
    }
    let others: Vec<devices::TrustedDevice> = devices::list(conn)?
        .into_iter()
        .filter(|d| d.device_id != own.device_id && d.revoked_at.is_none())
        .collect();
    let hubs: Vec<Target> = others
        .iter()
        .filter(|d| d.role == DeviceRole::Hub.as_str())
        .cloned()
        .map(target)
        .collect();
    let targets: Vec<Target> = if own.role == DeviceRole::Hub || hubs.is_empty() {
        others.into_iter().map(target).collect()
    } else {
        hubs
    };
    if targets.is_empty() {
        return Err(ExchangeError::NoRecipients.into());
    }
    Ok(targets)
}

/// A fresh join code, grouped for reading aloud: `ABCD-EFGH-JKMN-PQRS`.
fn new_join_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let letters: Vec<char> = (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    letters
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A join code as typed: capitals, without spaces or dashes.
fn normalized_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn code_secret(code: &str, kdf: &str) -> Option<Secret> {
    crate::auth::password::unlock_secret(&normalized_code(code), kdf).ok()
}

fn key_aad(e: &Envelope, who: &str) -> Vec<u8> {
    format!(
        "{}\n{}\n{}\n{}\n{who}",
        e.center_code, e.device_id, e.batch_no, e.destination
    )
    .into_bytes()
}

/// A sealed batch ready to write, and the join code it was sealed to, if
/// any (shown once to whoever exported it).
pub struct SealedBatch {
    envelope: Vec<u8>,
    signature: String,
    payload: Vec<u8>,
    files: FilesKey,
    pub join_code: Option<String>,
}

impl SealedBatch {
    /// Writes the container to `out` (the temporary file of `path`): the
    /// envelope, its signature, the payload, then each file of `scans`,
    /// read from this device's store and sealed one at a time. A failed
    /// write (a full or pulled stick) is refused in words naming `path`.
    pub fn write(
        &self,
        out: std::fs::File,
        path: &std::path::Path,
        conn: &Connection,
        scans: &[Carried],
    ) -> crate::Result<std::fs::File> {
        let failure = Rc::new(RefCell::new(None));
        let mut zip = zip::ZipWriter::new(Failing::new(out, Rc::clone(&failure)));
        let result = self.write_members(&mut zip, conn, scans);
        // The first write that failed, in words, over whatever it caused
        // (read, not taken: the writer, dropped after, must still see it).
        let failed = || {
            failure.borrow().as_ref().map(|e: &std::io::Error| {
                crate::Error::from(ExchangeError::Write {
                    path: path.display().to_string(),
                    reason: crate::files::reason(e),
                })
            })
        };
        if let Err(e) = result {
            return Err(failed().unwrap_or(e));
        }
        let finished = zip.finish();
        if let Some(e) = failed() {
            return Err(e);
        }
        let out = finished.map_err(|e| ExchangeError::Seal(format!("无法打包批次：{e}")))?;
        Ok(out.file)
    }

    fn write_members(
        &self,
        zip: &mut zip::ZipWriter<Failing>,
        conn: &Connection,
        scans: &[Carried],
    ) -> crate::Result<()> {
        let fail = |e: &dyn std::fmt::Display| ExchangeError::Seal(format!("无法打包批次：{e}"));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default());
        for (name, bytes) in [
            (ENVELOPE, self.envelope.as_slice()),
            (SIGNATURE, self.signature.as_bytes()),
            (PAYLOAD, self.payload.as_slice()),
        ] {
            zip.start_file(name, options).map_err(|e| fail(&e))?;
            zip.write_all(bytes).map_err(|e| fail(&e))?;
        }
        for c in scans {
            zip.start_file(scan_files::member(&c.sha256), options)
                .map_err(|e| fail(&e))?;
            scan_files::write_sealed(zip, conn, &self.files, c)?;
        }
        Ok(())
    }
}

/// The container's file: after its first failed write it keeps that
/// failure and only pretends to take more (the position moving as if it
/// had), so the zip writer's own attempt to end the archive on a full
/// stick goes nowhere and the failure is told once.
struct Failing {
    file: std::fs::File,
    failure: Rc<RefCell<Option<std::io::Error>>>,
    /// Where writing is, and the furthest it went.
    pos: u64,
    end: u64,
}

impl Failing {
    fn new(file: std::fs::File, failure: Rc<RefCell<Option<std::io::Error>>>) -> Failing {
        Failing {
            file,
            failure,
            pos: 0,
            end: 0,
        }
    }

    fn keep<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        r.map_err(|e| {
            let kind = e.kind();
            self.failure.borrow_mut().get_or_insert(e);
            std::io::Error::from(kind)
        })
    }

    fn failed(&self) -> bool {
        self.failure.borrow().is_some()
    }

    fn moved_to(&mut self, pos: u64) -> u64 {
        self.pos = pos;
        self.end = self.end.max(pos);
        pos
    }
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed() {
            self.moved_to(self.pos + buf.len() as u64);
            return Ok(buf.len());
        }
        let r = self.file.write(buf);
        let n = self.keep(r)?;
        self.moved_to(self.pos + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed() {
            return Ok(());
        }
        let r = self.file.flush();
        self.keep(r)
    }
}

impl Seek for Failing {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        if self.failed() {
            let at = match to {
                SeekFrom::Start(n) => Some(n),
                SeekFrom::Current(d) => self.pos.checked_add_signed(d),
                SeekFrom::End(d) => self.end.checked_add_signed(d),
            };
            return at
                .map(|p| self.moved_to(p))
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput));
        }
        let r = self.file.seek(to);
        let p = self.keep(r)?;
        Ok(self.moved_to(p))
    }
}

/// Seals the plain batch `inner` (written by this device, described by
/// `m`) to `targets`, as [`recipients`] names them; its scanned files are
/// sealed as [`SealedBatch::write`] writes them.
pub fn seal(
    conn: &Connection,
    m: &Manifest,
    inner: &[u8],
    targets: &[Target],
) -> crate::Result<SealedBatch> {
    let sealing = |what: &str| ExchangeError::Seal(what.to_owned());
    let content_key = Secret::generate();
    let payload = payload_cipher(content_key.bytes(), inner, true)
        .ok_or_else(|| sealing("加密批次内容失败"))?;
    let mut envelope = Envelope {
        format: FORMAT.to_owned(),
        version: VERSION,
        center_code: m.center_code.clone(),
        device_id: m.device_id.clone(),
        device_code: m.device_code.clone(),
        public_key: m.public_key.clone(),
        key_fingerprint: m.key_fingerprint.clone(),
        destination: m.destination.clone(),
        batch_no: m.batch_no,
        created_at: m.created_at.clone(),
        recipients: Vec::new(),
        payload: MemberDigest {
            sha256: hex::encode(Sha256::digest(&payload)),
            bytes: payload.len() as u64,
        },
    };
    let mut join_code = None;
    for t in targets {
        let (public, who, device_id, device_code, code_kdf) = match t {
            Target::Device {
                device_id,
                device_code,
                public_key,
            } => (
                keys::channel_public(public_key)
                    .map(hex::encode)
                    .ok_or_else(|| sealing("收件设备的公钥无效"))?,
                device_id.clone(),
                Some(device_id.clone()),
                Some(device_code.clone()),
                None,
            ),
            Target::JoinCode => {
                let code = new_join_code();
                let unlock = crate::auth::password::unlock_key(&normalized_code(&code))?;
                join_code = Some(code);
                (
                    unlock.public_key,
                    "join".to_owned(),
                    None,
                    None,
                    Some(unlock.kdf),
                )
            }
        };
        let sealed = seal::seal(
            &public,
            KEY_INFO,
            &key_aad(&envelope, &who),
            content_key.bytes(),
        )
        .ok_or_else(|| sealing("封装内容密钥失败"))?;
        envelope.recipients.push(Recipient {
            device_id,
            device_code,
            code_kdf,
            enc: hex::encode(sealed.enc),
            sealed_key: hex::encode(sealed.ciphertext),
        });
    }
    let envelope_bytes =
        serde_json::to_vec_pretty(&envelope).map_err(|e| sealing(&e.to_string()))?;
    let signature = keys::sign(conn, &envelope_bytes)?;
    Ok(SealedBatch {
        envelope: envelope_bytes,
        signature,
        payload,
        files: FilesKey::new(content_key.bytes()),
        join_code,
    })
}

/// Whether the file at `path` is a sealed batch (a zip with an envelope).
pub fn is_sealed(path: &std::path::Path) -> bool {
    std::fs::File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok())
        .is_some_and(|z| z.index_for_name(ENVELOPE).is_some())
}

/// What was opened: the batch inside, the envelope it must match, and
/// where its scanned files are.
pub struct Unsealed {
    pub inner: Zeroizing<Vec<u8>>,
    pub envelope: Envelope,
    pub scans: Files,
}

impl Unsealed {
    /// The batch inside names the envelope's writer, batch and destination.
    pub fn check_matches(&self, m: &Manifest) -> Result<(), ExchangeError> {
        let e = &self.envelope;
        if (
            &m.center_code,
            &m.device_id,
            &m.public_key,
            m.batch_no,
            &m.destination,
        ) != (
            &e.center_code,
            &e.device_id,
            &e.public_key,
            e.batch_no,
            &e.destination,
        ) {
            return Err(ExchangeError::EnvelopeMismatch);
        }
        Ok(())
    }
}

/// Checks 1–5 on the envelope of the sealed batch at `path`, then opens
/// its payload with this device's key (or the join code). Its scanned
/// files are only listed here: each is read when it is kept.
pub fn unseal(
    conn: &Connection,
    file_name: &str,
    path: &std::path::Path,
    center_code: Option<&str>,
    trust: Trust<'_>,
) -> crate::Result<Unsealed> {
    let file = std::fs::File::open(path).map_err(|e| ExchangeError::Container {
        file: file_name.to_owned(),
        reason: crate::files::reason(&e),
    })?;
    let reader::Members {
        named: members,
        scans,
    } = reader::members(file_name, file, &MEMBERS, ScanMembers::List)?;
    let members: HashMap<String, Vec<u8>> = members;
    let get = |name: &str| members.get(name).map(Vec::as_slice).unwrap_or_default();
    let envelope = parse(get(ENVELOPE))?;
    let e = &envelope;
    if let Some(ours) = center_code {
        if e.center_code != ours {
            return Err(ExchangeError::OtherCenter {
                found: e.center_code.clone(),
                ours: ours.to_owned(),
            }
            .into());
        }
    }
    // 4. The writer's signature, and a recipient this machine can open.
    let signature = String::from_utf8_lossy(get(SIGNATURE)).into_owned();
    let opened_key = match trust {
        Trust::Registered => {
            reader::registered_writer(conn, &e.device_id, &e.device_code, &e.public_key)?;
            if !keys::verify(&e.public_key, get(ENVELOPE), &signature) {
                return Err(ExchangeError::BadSignature(e.device_code.clone()).into());
            }
            let own = device::load(conn)?;
            let secret = Secret::from_bytes(keys::channel_secret(conn)?);
            e.recipients
                .iter()
                .filter(|r| r.device_id.as_deref() == Some(own.device_id.as_str()))
                .find_map(|r| open_key(e, r, &secret, &own.device_id))
                .ok_or_else(|| ExchangeError::NotForThisDevice {
                    destination: super::export::destination_label(&e.destination),
                    own: own.device_code.clone(),
                })?
        }
        Trust::Joining { fingerprint, code } => {
            reader::expected_fingerprint(&e.public_key, fingerprint)?;
            if !keys::verify(&e.public_key, get(ENVELOPE), &signature) {
                return Err(ExchangeError::BadSignature(e.device_code.clone()).into());
            }
            let r = e
                .recipients
                .iter()
                .find(|r| r.code_kdf.is_some())
                .ok_or_else(|| ExchangeError::NotForThisDevice {
                    destination: super::export::destination_label(&e.destination),
                    own: "新设备".into(),
                })?;
            let code = code
                .filter(|c| !c.trim().is_empty())
                .ok_or(ExchangeError::JoinCodeNeeded)?;
            let secret = r
                .code_kdf
                .as_deref()
                .and_then(|kdf| code_secret(code, kdf))
                .ok_or(ExchangeError::JoinCodeWrong)?;
            open_key(e, r, &secret, "join").ok_or(ExchangeError::JoinCodeWrong)?
        }
    };
    // 5. The payload is the one the envelope names.
    let payload = get(PAYLOAD);
    if hex::encode(Sha256::digest(payload)) != e.payload.sha256.to_lowercase()
        || payload.len() as u64 != e.payload.bytes
    {
        return Err(ExchangeError::MemberHash(PAYLOAD.to_owned()).into());
    }
    let inner = payload_cipher(&opened_key, payload, false)
        .ok_or_else(|| ExchangeError::MemberHash(PAYLOAD.to_owned()))?;
    Ok(Unsealed {
        inner: Zeroizing::new(inner),
        envelope,
        scans: if scans.is_empty() {
            Files::None
        } else {
            Files::Sealed {
                path: path.to_path_buf(),
                key: FilesKey::new(&opened_key),
                stored: scans,
            }
        },
    })
}

/// The payload encrypted (`seal`) or decrypted under its content key;
/// the key serves this one payload, so a fixed nonce never repeats.
fn payload_cipher(key: &[u8], data: &[u8], seal: bool) -> Option<Vec<u8>> {
    if key.len() != 32 {
        return None;
    }
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
    let nonce = Nonce::from_slice(&[0u8; 12]);
    let payload = Payload {
        msg: data,
        aad: PAYLOAD_AAD,
    };
    if seal {
        cipher.encrypt(nonce, payload).ok()
    } else {
        cipher.decrypt(nonce, payload).ok()
    }
}

fn open_key(e: &Envelope, r: &Recipient, secret: &Secret, who: &str) -> Option<Vec<u8>> {
    let enc = hex::decode(&r.enc).ok()?;
    let sealed = hex::decode(&r.sealed_key).ok()?;
    let key = seal::open(secret, KEY_INFO, &key_aad(e, who), &enc, &sealed)?;
    (key.len() == 32).then(|| key.to_vec())
}

/// Parses and checks the envelope's own consistency (check 3).
fn parse(bytes: &[u8]) -> Result<Envelope, ExchangeError> {
    let e: Envelope =
        serde_json::from_slice(bytes).map_err(|e| ExchangeError::Envelope(e.to_string()))?;
    let bad = |what: &str| Err(ExchangeError::Envelope(what.to_owned()));
    if e.format != FORMAT || e.version != VERSION {
        return bad(&format!(
            "格式版本 {}，本程序只认识加密批次的版本 {VERSION}，请升级便民服务台",
            e.version
        ));
    }
    if device::check_center_code(&e.center_code).is_err()
        || device::check_device_code(&e.device_code).is_err()
        || uuid::Uuid::parse_str(&e.device_id).is_err()
        || e.public_key.len() != 64
        || hex::decode(&e.public_key).is_err()
        || e.batch_no < 1
    {
        return bad("中心编码、设备编号、设备标识、公钥或批次号无效");
    }
    if e.recipients.is_empty() {
        return bad("没有收件设备");
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_join_code_reads_aloud_and_is_typed_loosely() {
        let code = new_join_code();
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        assert!(code
            .chars()
            .all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8))));
        let loose = code.to_lowercase().replace('-', " ");
        assert_eq!(normalized_code(&loose), code.replace('-', ""));
        assert_ne!(new_join_code(), code);
    }
}
