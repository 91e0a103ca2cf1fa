//! Opening a batch and every check made before anything is applied, in
//! this order, each refusing with its own message (src/exchange/mod.rs):
//!
//! 1. the container is a readable zip;
//! 2. every member name is safe (no `..`, absolute path or backslash), none
//!    is repeated, none is unexpected or missing, none is oversized;
//! 3. `manifest.json` has the documented shape and is for this center;
//! 4. `manifest.sig` is the signature of a device this machine trusts;
//! 5. each member's SHA-256 is the one the manifest names;
//! 6. every event's own hash is right and each device's events chain
//!    together, matching the manifest's ranges (the chain against what this
//!    machine already holds is checked in src/exchange/import.rs);
//! 7. each source's events end at a head signed by that source itself,
//!    checked against its registered key, whoever wrote the batch
//!    (src/exchange/origin.rs);
//! 8. the batch holds exactly the scanned files its manifest lists, each
//!    named by one of its events; each file's size and hash are checked as
//!    it is kept (src/exchange/scan_files.rs).
//!
//! Nothing here panics on any input: a property test feeds it arbitrary
//! bytes and mutated batches (tests/exchange.rs).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::manifest::{self, Manifest};
use super::scan_files::{self, Files};
use super::{devices, keys, origin, ExchangeError};
use crate::store::events::Event;

/// The largest member accepted, uncompressed (a day of a busy center is a
/// few megabytes; this stops a zip bomb).
pub const MAX_MEMBER_BYTES: u64 = 512 * 1024 * 1024;

/// A batch whose container, member names and manifest passed (checks 1–3).
#[derive(Debug, Clone)]
pub struct Opened {
    pub file_name: String,
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub manifest_sha256: String,
    pub members: HashMap<String, Vec<u8>>,
    /// The scanned files the batch carries (check 8).
    pub scans: Files,
}

/// Whom to believe for check 4.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// A device registered on this machine (every ordinary import).
    Registered,
    /// The key the batch itself carries, when joining a center from the
    /// hub's batch; optionally its fingerprint as read from the hub's
    /// screen, and the join code it was sealed to (src/exchange/envelope.rs).
    Joining {
        fingerprint: Option<&'a str>,
        code: Option<&'a str>,
    },
}

/// A batch that passed every check of this file.
#[derive(Debug, Clone)]
pub struct Verified {
    pub opened: Opened,
    /// Per source device, its events in seq order.
    pub events: BTreeMap<String, Vec<Event>>,
    /// Each source's head as its origin signed it (version 2).
    pub heads: Vec<origin::SignedHead>,
}

/// Checks 1–3 of a plain batch in memory (the LAN channel's, an older
/// program's file, a sealed batch's payload): it carries no scanned files
/// (a sealed batch carries them beside its payload; the LAN sends them
/// apart).
pub fn open(file_name: &str, bytes: &[u8]) -> Result<Opened, ExchangeError> {
    let Members { mut named, .. } = members(
        file_name,
        std::io::Cursor::new(bytes),
        &manifest::MEMBERS,
        ScanMembers::Refuse,
    )?;
    let manifest_bytes = named.remove(manifest::MANIFEST).unwrap_or_default();
    let manifest = Manifest::parse(&manifest_bytes)?;
    Ok(Opened {
        file_name: file_name.to_owned(),
        manifest_sha256: hex::encode(Sha256::digest(&manifest_bytes)),
        manifest,
        manifest_bytes,
        members: named,
        scans: Files::None,
    })
}

/// What check 2 does with the scanned files of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScanMembers {
    /// None may be there.
    Refuse,
    /// Note their sizes only (a sealed container on a stick: each is read
    /// when it is kept, one at a time).
    List,
}

/// A container's members after checks 1 and 2.
pub(crate) struct Members {
    /// The expected members, read.
    pub named: HashMap<String, Vec<u8>>,
    /// The scanned files' sizes in the container, by SHA-256.
    pub scans: BTreeMap<String, u64>,
}

/// Checks 1 and 2 of a zip that must hold exactly `expected` and, as
/// `mode` says, scanned files (`scans/{sha256}`).
pub(crate) fn members<R: Read + Seek>(
    file_name: &str,
    mut source: R,
    expected: &[&'static str],
    mode: ScanMembers,
) -> Result<Members, ExchangeError> {
    let container = |reason: String| ExchangeError::Container {
        file: file_name.to_owned(),
        reason,
    };
    // The zip library keeps only one entry per name, so repeated names are
    // looked for in the central directory itself.
    let mut listed = HashSet::new();
    for name in central_directory_names(&mut source) {
        if !listed.insert(name.clone()) {
            return Err(ExchangeError::DuplicateMember(name));
        }
    }
    let mut zip = zip::ZipArchive::new(source)
        .map_err(|_| container("不是 ZIP 文件，或文件末尾缺失".into()))?;
    let mut named: HashMap<String, Vec<u8>> = HashMap::new();
    let mut scans: BTreeMap<String, u64> = BTreeMap::new();
    let mut names = HashSet::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|_| container(format!("第 {} 个成员无法读取", i + 1)))?;
        let name = entry.name().to_owned();
        let safe = !name.is_empty()
            && !name.contains('\\')
            && !name.starts_with('/')
            && !name.split('/').any(|part| part == ".." || part.is_empty())
            && entry.enclosed_name().is_some();
        if !safe {
            return Err(ExchangeError::UnsafePath(name));
        }
        if !names.insert(name.clone()) {
            return Err(ExchangeError::DuplicateMember(name));
        }
        let scan = scan_files::sha_of(&name)
            .filter(|_| mode != ScanMembers::Refuse)
            .map(str::to_owned);
        if !expected.contains(&name.as_str()) && scan.is_none() {
            return Err(ExchangeError::UnexpectedMember(name));
        }
        if entry.size() > MAX_MEMBER_BYTES {
            return Err(ExchangeError::MemberTooLarge(name));
        }
        if let Some(sha) = scan {
            scans.insert(sha, entry.size());
            continue;
        }
        let mut data = Vec::with_capacity(entry.size().min(64 << 20) as usize);
        (&mut entry)
            .take(MAX_MEMBER_BYTES + 1)
            .read_to_end(&mut data)
            .map_err(|_| container(format!("“{name}”的数据损坏，校验失败")))?;
        if data.len() as u64 > MAX_MEMBER_BYTES {
            return Err(ExchangeError::MemberTooLarge(name));
        }
        named.insert(name, data);
    }
    for &name in expected {
        if !named.contains_key(name) {
            return Err(ExchangeError::MissingMember(name));
        }
    }
    Ok(Members { named, scans })
}

/// Checks 3 (this center), 4, 5 and 6.
pub fn verify(
    conn: &Connection,
    center_code: Option<&str>,
    opened: Opened,
    trust: Trust<'_>,
) -> crate::Result<Verified> {
    let m = &opened.manifest;
    if let Some(ours) = center_code {
        if m.center_code != ours {
            return Err(ExchangeError::OtherCenter {
                found: m.center_code.clone(),
                ours: ours.to_owned(),
            }
            .into());
        }
    }
    // 4. The signature.
    let key = match trust {
        Trust::Registered => {
            registered_writer(conn, &m.device_id, &m.device_code, &m.public_key)?;
            m.public_key.clone()
        }
        Trust::Joining { fingerprint, .. } => {
            expected_fingerprint(&m.public_key, fingerprint)?;
            m.public_key.clone()
        }
    };
    let signature = opened
        .members
        .get(manifest::SIGNATURE)
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .unwrap_or_default();
    if !keys::verify(&key, &opened.manifest_bytes, &signature) {
        return Err(ExchangeError::BadSignature(m.device_code.clone()).into());
    }
    // 5. The members (the scanned files at check 8).
    for (name, digest) in m
        .members
        .iter()
        .filter(|(name, _)| scan_files::sha_of(name).is_none())
    {
        let data = opened
            .members
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if hex::encode(Sha256::digest(data)) != digest.sha256.to_lowercase()
            || data.len() as u64 != digest.bytes
        {
            return Err(ExchangeError::MemberHash(name.clone()).into());
        }
    }
    // 6. The events: each hash right, each device's events consecutive and
    // chained, exactly the manifest's ranges and kinds.
    let text = opened
        .members
        .get(manifest::EVENTS)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let text = std::str::from_utf8(text)
        .map_err(|_| ExchangeError::Chain("events.jsonl 不是 UTF-8 文本".into()))?;
    let mut by_device: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for event in parse_events(text)? {
        *kinds.entry(event.kind.clone()).or_default() += 1;
        by_device
            .entry(event.device_id.clone())
            .or_default()
            .push(event);
    }
    if kinds != m.kinds {
        return Err(ExchangeError::Chain("事件类型数量与批次说明不符".into()).into());
    }
    if by_device.len() != m.sources.len() {
        return Err(ExchangeError::Chain("事件所属设备与批次说明不符".into()).into());
    }
    for range in &m.sources {
        let events = by_device
            .get(&range.device_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return Err(
                ExchangeError::Chain(format!("缺少设备 {} 的事件", range.device_code)).into(),
            );
        };
        if first.seq != range.first_seq
            || last.seq != range.last_seq
            || events.len() as u64 != range.events
            || last.hash != range.last_hash
        {
            return Err(ExchangeError::Chain(format!(
                "设备 {} 的事件范围与批次说明不符",
                range.device_code
            ))
            .into());
        }
        for pair in events.windows(2) {
            if pair[1].seq != pair[0].seq + 1 || pair[1].prev_hash != pair[0].hash {
                return Err(ExchangeError::Chain(format!(
                    "设备 {} 第 {} 号事件没有接上第 {} 号（顺序被打乱或缺失）",
                    range.device_code, pair[1].seq, pair[0].seq
                ))
                .into());
            }
        }
    }
    // 7. Each source's events proven by that source.
    let writer_key = match trust {
        Trust::Registered => None,
        Trust::Joining { .. } => Some(key.as_str()),
    };
    let heads = origin::check(conn, &opened.manifest, &by_device, writer_key)?;
    // 8. The scanned files: exactly those listed (their content as kept).
    scan_files::check_listed(&opened.manifest, &opened.scans, &by_device)?;
    Ok(Verified {
        opened,
        events: by_device,
        heads,
    })
}

/// Check 4's writer: a device registered here with exactly `public_key`,
/// not revoked.
pub(crate) fn registered_writer(
    conn: &Connection,
    device_id: &str,
    device_code: &str,
    public_key: &str,
) -> crate::Result<()> {
    match devices::find(conn, device_id)? {
        Some(d) if d.public_key == public_key => match &d.revoked_at {
            Some(at) => Err(ExchangeError::RevokedWriter {
                device: d.device_code,
                at: origin::short_time(at),
                reason: d.revoked_reason.unwrap_or_default(),
            }
            .into()),
            None => Ok(()),
        },
        _ => Err(ExchangeError::UntrustedDevice {
            device: device_code.to_owned(),
            fingerprint: keys::fingerprint(public_key),
        }
        .into()),
    }
}

/// Check 4 when joining: the hub's key has the fingerprint read from its
/// screen, when one was typed in.
pub(crate) fn expected_fingerprint(
    public_key: &str,
    expected: Option<&str>,
) -> Result<(), ExchangeError> {
    let found = keys::fingerprint(public_key);
    let norm = |s: &str| s.replace(' ', "").to_lowercase();
    match expected {
        Some(expected) if norm(expected) != norm(&found) => {
            Err(ExchangeError::FingerprintMismatch {
                found,
                expected: expected.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// Parses every line of `events.jsonl` and checks each event's own hash,
/// on every core (the hashing dominates an import's checks).
fn parse_events(text: &str) -> Result<Vec<Event>, ExchangeError> {
    let lines: Vec<&str> = text.lines().collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let chunk = lines.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<Event>, ExchangeError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = lines
            .chunks(chunk)
            .enumerate()
            .map(|(n, part)| scope.spawn(move || parse_lines(part, n * chunk)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(ExchangeError::Chain("事件无法读取".into())))
            })
            .collect()
    });
    let mut events = Vec::with_capacity(lines.len());
    for part in parts {
        events.extend(part?);
    }
    Ok(events)
}

fn parse_lines(lines: &[&str], first: usize) -> Result<Vec<Event>, ExchangeError> {
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let event: Event = serde_json::from_str(line).map_err(|e| {
            ExchangeError::Chain(format!(
                "events.jsonl 第 {} 行无法读取（{e}）",
                first + i + 1
            ))
        })?;
        if event.compute_hash() != event.hash {
            return Err(ExchangeError::Chain(format!(
                "设备 {} 第 {} 号事件的哈希不符（内容被改动）",
                short(&event.device_id),
                event.seq
            )));
        }
        out.push(event);
    }
    Ok(out)
}

/// The file names listed in a zip's central directory, read directly
/// (bounds-checked; an unreadable directory gives what was read so far).
fn central_directory_names<R: Read + Seek>(source: &mut R) -> Vec<String> {
    let Ok(len) = source.seek(SeekFrom::End(0)) else {
        return Vec::new();
    };
    // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
    let low = len.saturating_sub(22 + 65_535);
    let tail = read_at(source, low, (len - low) as usize);
    let u16_in = |b: &[u8], at: usize| -> Option<usize> {
        b.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
    };
    let u32_in = |b: &[u8], at: usize| -> Option<usize> {
        b.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let Some(end) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail.get(i..i + 4) == Some(b"PK\x05\x06".as_slice()))
    else {
        return Vec::new();
    };
    let (Some(count), Some(size), Some(offset)) = (
        u16_in(&tail, end + 10),
        u32_in(&tail, end + 12),
        u32_in(&tail, end + 16),
    ) else {
        return Vec::new();
    };
    // A directory larger than the file is a lie; read what is there.
    let dir = read_at(source, offset as u64, size.min(len as usize));
    let mut names = Vec::new();
    let mut at = 0;
    for _ in 0..count {
        if dir.get(at..at + 4) != Some(b"PK\x01\x02".as_slice()) {
            break;
        }
        let (Some(name_len), Some(extra), Some(comment)) = (
            u16_in(&dir, at + 28),
            u16_in(&dir, at + 30),
            u16_in(&dir, at + 32),
        ) else {
            break;
        };
        let Some(name) = dir.get(at + 46..at + 46 + name_len) else {
            break;
        };
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + name_len + extra + comment;
    }
    names
}

/// Up to `len` bytes of `source` from `offset` (fewer at its end or on a
/// read error).
fn read_at<R: Read + Seek>(source: &mut R, offset: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    if source.seek(SeekFrom::Start(offset)).is_ok() {
        let _ = source.take(len as u64).read_to_end(&mut out);
    }
    out
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}
