//! The scanned files a batch carries (format version 3), so the center can
//! look at what an agent scanned in the village before the paper arrives.
//!
//! - A batch carries, once each, the files its `case.scan_attached` events
//!   name and its writer keeps ([`to_carry`]); the signed manifest lists
//!   each as `scans/{sha256}` with its size.
//! - In a sealed batch (every USB batch) each is a member of the outer
//!   container, beside the payload, encrypted in 64 KiB chunks under a key
//!   of its own derived from the batch's content key: writing and reading
//!   hold one chunk, or one file to keep it, never the batch. A plain batch
//!   carries none: the LAN channel sends each file apart ([`keep_one`]).
//! - Check 8, after the events' checks: the batch holds exactly the files
//!   its manifest lists, each named by an event of the batch
//!   ([`check_listed`]); each file's size and SHA-256 are checked as it is
//!   kept, in the import's one transaction ([`keep_all`]), so an altered
//!   file refuses the batch and changes nothing.
//!
//! The files themselves are kept by src/scans (`scan_files`).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use rusqlite::{Connection, Transaction};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::manifest::Manifest;
use super::ExchangeError;
use crate::scans::{self, ScanAttached};
use crate::store::events::Event;
use crate::store::projection::payload;
use crate::store::{Store, StoreError};

/// The folder of the scanned files in a batch.
pub const DIR: &str = "scans/";
/// The largest file a batch may carry: the largest a center may allow.
pub const MAX_BYTES: u64 = scans::LARGEST_MAX_MB as u64 * 1024 * 1024;
/// Plain bytes per encrypted chunk.
const CHUNK: usize = 64 * 1024;
/// The authentication tag after each chunk.
const TAG: usize = 16;
/// HKDF `info` prefix of a file's key (the file's SHA-256 follows).
const KEY_INFO: &[u8] = b"bianmin/batch-scan/v3\n";

/// The member name of the file `sha256`.
pub fn member(sha256: &str) -> String {
    format!("{DIR}{sha256}")
}

/// The SHA-256 a member name `scans/{sha256}` names (64 lowercase hex).
pub fn sha_of(name: &str) -> Option<&str> {
    let sha = name.strip_prefix(DIR)?;
    (sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(sha)
}

/// A file a batch carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    pub sha256: String,
    pub bytes: u64,
}

/// The attachments `events` record, in order.
fn attached<'a, I>(events: I) -> impl Iterator<Item = Result<ScanAttached, StoreError>> + 'a
where
    I: IntoIterator<Item = &'a Event>,
    I::IntoIter: 'a,
{
    events
        .into_iter()
        .filter(|e| e.kind == scans::SCAN_ATTACHED)
        .map(payload::<ScanAttached>)
}

/// The files `events` name that this device keeps, each once, in the
/// order first named (a file not kept here is named by its event only).
pub fn to_carry(conn: &Connection, events: &[Event]) -> crate::Result<Vec<Carried>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for p in attached(events) {
        let p = p?;
        if !seen.insert(p.sha256.clone()) {
            continue;
        }
        if let Some(bytes) = scans::kept_bytes(conn, &p.sha256)? {
            out.push(Carried {
                sha256: p.sha256,
                bytes,
            });
        }
    }
    Ok(out)
}

/// The key a sealed batch's files are derived from (its content key).
#[derive(Clone)]
pub struct FilesKey(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for FilesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FilesKey(…)")
    }
}

impl FilesKey {
    pub fn new(content_key: &[u8]) -> FilesKey {
        FilesKey(Zeroizing::new(content_key.to_vec()))
    }

    /// The cipher of the file `sha256`.
    fn cipher(&self, sha256: &str) -> Option<ChaCha20Poly1305> {
        let mut key = Zeroizing::new([0u8; 32]);
        let info = [KEY_INFO, sha256.as_bytes()].concat();
        Hkdf::<Sha256>::new(None, &self.0)
            .expand(&info, key.as_mut())
            .ok()?;
        Some(ChaCha20Poly1305::new(Key::from_slice(key.as_ref())))
    }
}

/// Chunk `index`'s nonce; the last chunk is marked, so a file cut short
/// or run on does not open.
fn nonce(index: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[..8].copy_from_slice(&index.to_be_bytes());
    n[8] = u8::from(last);
    n
}

/// The chunks of a file of `bytes` (an empty file is one empty chunk).
fn chunks(bytes: u64) -> u64 {
    bytes.div_ceil(CHUNK as u64).max(1)
}

/// The size of the file `bytes` long as sealed.
pub fn sealed_len(bytes: u64) -> u64 {
    bytes + chunks(bytes) * TAG as u64
}

/// Writes the file `c`, read from this device's store, sealed under `key`.
pub fn write_sealed(
    out: &mut dyn Write,
    conn: &Connection,
    key: &FilesKey,
    c: &Carried,
) -> crate::Result<()> {
    let content = scans::content_by_hash(conn, &c.sha256)?
        .ok_or_else(|| StoreError::Encode(format!("扫描件 {} 已不在本机", short(&c.sha256))))?;
    let cipher = key
        .cipher(&c.sha256)
        .ok_or_else(|| ExchangeError::Seal("派生扫描件密钥失败".into()))?;
    Ok(seal(&cipher, &content, out)?)
}

/// `plain` sealed chunk by chunk under `cipher`, written to `out`.
fn seal(cipher: &ChaCha20Poly1305, plain: &[u8], out: &mut dyn Write) -> Result<(), ExchangeError> {
    let total = chunks(plain.len() as u64);
    let mut parts = plain.chunks(CHUNK);
    for index in 0..total {
        let part = parts.next().unwrap_or_default();
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce(index, index + 1 == total)), part)
            .map_err(|_| ExchangeError::Seal("加密扫描件失败".into()))?;
        out.write_all(&sealed)
            .map_err(|e| ExchangeError::Seal(format!("无法写入扫描件：{e}")))?;
    }
    Ok(())
}

/// Reads a sealed file of `bytes` plain bytes from `from` (exactly
/// [`sealed_len`] of them); `None` when it does not open.
fn read_sealed(from: &mut dyn Read, cipher: &ChaCha20Poly1305, bytes: u64) -> Option<Vec<u8>> {
    let total = chunks(bytes);
    let mut plain = Vec::with_capacity(bytes as usize);
    let mut buf = vec![0u8; CHUNK + TAG];
    for index in 0..total {
        let len = if index + 1 == total {
            (bytes - index * CHUNK as u64) as usize + TAG
        } else {
            CHUNK + TAG
        };
        from.read_exact(&mut buf[..len]).ok()?;
        let part = cipher
            .decrypt(
                Nonce::from_slice(&nonce(index, index + 1 == total)),
                &buf[..len],
            )
            .ok()?;
        plain.extend_from_slice(&part);
    }
    Some(plain)
}

/// Where a batch's files are, as checks 1 and 2 found them.
#[derive(Debug, Clone, Default)]
pub enum Files {
    /// None (a plain batch, or a sealed one that carries none).
    #[default]
    None,
    /// In the sealed container at `path`, encrypted: their sizes there.
    Sealed {
        path: PathBuf,
        key: FilesKey,
        stored: BTreeMap<String, u64>,
    },
}

impl Files {
    fn names(&self) -> BTreeSet<&str> {
        match self {
            Files::None => BTreeSet::new(),
            Files::Sealed { stored, .. } => stored.keys().map(String::as_str).collect(),
        }
    }
}

/// How a person knows a file: the name it was attached under and the
/// start of its hash, from the batch's own event naming it.
fn label(events: &BTreeMap<String, Vec<Event>>, sha256: &str) -> String {
    let name = attached(events.values().flatten())
        .filter_map(Result::ok)
        .find(|p| p.sha256 == sha256)
        .map(|p| p.file_name);
    match name {
        Some(n) => format!("“{n}”（{}）", short(sha256)),
        None => format!(" {} ", short(sha256)),
    }
}

fn short(sha256: &str) -> String {
    sha256.chars().take(12).collect()
}

/// Check 8's first half: the batch holds exactly the files its manifest
/// lists, and each is named by one of its events.
pub fn check_listed(
    m: &Manifest,
    files: &Files,
    events: &BTreeMap<String, Vec<Event>>,
) -> Result<(), ExchangeError> {
    let listed: BTreeSet<&str> = m.scans().map(|(sha, _)| sha).collect();
    let present = files.names();
    if let Some(extra) = present.difference(&listed).next() {
        return Err(ExchangeError::ScanExtra(label(events, extra)));
    }
    if let Some(missing) = listed.difference(&present).next() {
        return Err(ExchangeError::ScanMissing(label(events, missing)));
    }
    let named: HashSet<String> = attached(events.values().flatten())
        .filter_map(Result::ok)
        .map(|p| p.sha256)
        .collect();
    if let Some(unclaimed) = listed.iter().find(|sha| !named.contains(**sha)) {
        return Err(ExchangeError::ScanUnclaimed(short(unclaimed)));
    }
    Ok(())
}

/// Check 8's second half, in the import's transaction: reads each file
/// the manifest lists, one at a time, checks its size and SHA-256 and
/// keeps it (src/scans). Returns how many were new here.
pub fn keep_all(
    tx: &Transaction<'_>,
    m: &Manifest,
    files: &Files,
    events: &BTreeMap<String, Vec<Event>>,
) -> crate::Result<usize> {
    let mut archive = match files {
        Files::Sealed { path, .. } => Some(
            std::fs::File::open(path)
                .ok()
                .and_then(|f| zip::ZipArchive::new(f).ok())
                .ok_or_else(|| ExchangeError::Container {
                    file: path.display().to_string(),
                    reason: "读取扫描件时文件已不可用".into(),
                })?,
        ),
        _ => None,
    };
    let mut new = 0;
    for (sha, bytes) in m.scans() {
        let altered = || ExchangeError::ScanAltered(label(events, sha));
        let content = match (files, archive.as_mut()) {
            (Files::Sealed { key, stored, .. }, Some(zip)) => {
                if stored.get(sha) != Some(&sealed_len(bytes)) {
                    return Err(altered().into());
                }
                let cipher = key.cipher(sha).ok_or_else(altered)?;
                read_member(zip, &member(sha), &cipher, bytes)
            }
            _ => None,
        }
        .ok_or_else(altered)?;
        if content.len() as u64 != bytes || hex::encode(Sha256::digest(&content)) != sha {
            return Err(altered().into());
        }
        if scans::keep_received(tx, sha, &content)? {
            new += 1;
        }
    }
    Ok(new)
}

/// Keeps one file that came alone (the LAN channel's answer to a want),
/// after checking its size and SHA-256; whether it was new here.
pub fn keep_one(store: &mut Store, sha256: &str, content: &[u8]) -> crate::Result<bool> {
    if sha_of(&member(sha256)).is_none()
        || content.len() as u64 > MAX_BYTES
        || hex::encode(Sha256::digest(content)) != sha256
    {
        return Err(ExchangeError::ScanAltered(format!(" {} ", short(sha256))).into());
    }
    store.write(|tx| scans::keep_received(tx, sha256, content))
}

fn read_member<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    cipher: &ChaCha20Poly1305,
    bytes: u64,
) -> Option<Vec<u8>> {
    let mut entry = zip.by_name(name).ok()?;
    read_sealed(&mut entry, cipher, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(len: usize) -> Option<Vec<u8>> {
        let plain: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let key = FilesKey::new(&[9u8; 32]);
        let sha = hex::encode(Sha256::digest(&plain));
        let cipher = key.cipher(&sha)?;
        let mut sealed = Vec::new();
        seal(&cipher, &plain, &mut sealed).ok()?;
        assert_eq!(sealed.len() as u64, sealed_len(len as u64));
        read_sealed(&mut sealed.as_slice(), &cipher, len as u64)
    }

    #[test]
    fn files_of_every_length_open_as_written() {
        for len in [1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let back = roundtrip(len).expect("opens");
            assert_eq!(back.len(), len);
        }
    }

    #[test]
    fn a_file_cut_at_a_chunk_or_under_another_key_does_not_open() {
        let plain = vec![5u8; 2 * CHUNK];
        let sha = hex::encode(Sha256::digest(&plain));
        let key = FilesKey::new(&[1u8; 32]);
        let cipher = key.cipher(&sha).expect("key");
        let mut sealed = Vec::new();
        seal(&cipher, &plain, &mut sealed).expect("seals");
        // Whole: opens.
        assert!(read_sealed(&mut sealed.as_slice(), &cipher, plain.len() as u64).is_some());
        // Cut after the first chunk, claimed one chunk long: its chunk is
        // not marked last.
        let first = &sealed[..CHUNK + TAG];
        assert!(read_sealed(&mut &first[..], &cipher, CHUNK as u64).is_none());
        // Another file's key.
        let other = FilesKey::new(&[1u8; 32])
            .cipher(&"0".repeat(64))
            .expect("key");
        assert!(read_sealed(&mut sealed.as_slice(), &other, plain.len() as u64).is_none());
        // One bit changed.
        let mut bad = sealed.clone();
        bad[10] ^= 1;
        assert!(read_sealed(&mut bad.as_slice(), &cipher, plain.len() as u64).is_none());
    }

    #[test]
    fn a_member_name_is_a_lowercase_hash() {
        let sha = "ab".repeat(32);
        assert_eq!(sha_of(&member(&sha)), Some(sha.as_str()));
        assert_eq!(sha_of(&format!("scans/{}", "AB".repeat(32))), None);
        assert_eq!(sha_of("scans/abc"), None);
        assert_eq!(sha_of(&format!("other/{sha}")), None);
    }
}
