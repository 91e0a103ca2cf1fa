//! `manifest.json`: what a batch declares about itself. The device signs
//! these exact bytes (`manifest.sig`); every other member is bound to it by
//! its SHA-256. The fields are documented in docs/batch-format.md.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{scan_files, ExchangeError};
use crate::store::device::{self, DeviceRole};

/// The value of `format`.
pub const FORMAT: &str = "bianmin-batch";
/// The format version this program writes. Version 3 carries the scanned
/// files the batch's events name (src/exchange/scan_files.rs); version 2
/// added each source's head signed by its origin (src/exchange/origin.rs);
/// version 1 batches still import when they carry only their writer's own
/// events.
pub const VERSION: u32 = 3;
/// The oldest version this program reads.
pub const OLDEST_VERSION: u32 = 1;

/// The members of a batch, all required; besides them only the scanned
/// files the manifest lists (`scans/{sha256}`, version 3).
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";
pub const EVENTS: &str = "events.jsonl";
pub const CASES: &str = "cases.csv";
pub const MEMBERS: [&str; 4] = [MANIFEST, SIGNATURE, EVENTS, CASES];

/// The batch's own description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub center_code: String,
    pub center_name: String,
    /// The device that wrote and signed the batch.
    pub device_id: String,
    pub device_code: String,
    pub device_role: DeviceRole,
    pub public_key: String,
    pub key_fingerprint: String,
    /// Who the batch is for ("*" for the default destination, the hub).
    pub destination: String,
    /// 1, 2, 3 … per (device, destination).
    pub batch_no: i64,
    /// The day the batch covers: events up to the end of this day.
    pub date: NaiveDate,
    pub created_at: String,
    /// SHA-256 of the previous batch's manifest to the same destination.
    pub previous_manifest_sha256: Option<String>,
    /// Per source device (the writer's own and, on the hub, relayed ones).
    pub sources: Vec<SourceRange>,
    pub event_count: u64,
    pub kinds: BTreeMap<String, u64>,
    /// SHA-256 and size of each member except the manifest and signature,
    /// and (version 3) of each scanned file the batch carries, under
    /// `scans/{sha256}` (in the sealed container, outside the payload).
    pub members: BTreeMap<String, MemberDigest>,
}

/// The events of one source device in a batch: seq `first_seq..=last_seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRange {
    pub device_id: String,
    pub device_code: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub events: u64,
    /// The hash of the device's event `last_seq`.
    pub last_hash: String,
    /// Version 2: the source device's own signature of its head
    /// (`last_seq`, `last_hash`), hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_signature: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberDigest {
    pub sha256: String,
    pub bytes: u64,
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Manifest {
    /// Parses and checks the manifest's own consistency (check 3).
    pub fn parse(bytes: &[u8]) -> Result<Manifest, ExchangeError> {
        let m: Manifest =
            serde_json::from_slice(bytes).map_err(|e| ExchangeError::Manifest(e.to_string()))?;
        let bad = |what: &str| Err(ExchangeError::Manifest(what.to_owned()));
        if m.format != FORMAT {
            return bad("format 不是 bianmin-batch");
        }
        if !(OLDEST_VERSION..=VERSION).contains(&m.version) {
            return bad(&format!(
                "格式版本 {}，本程序只认识版本 {OLDEST_VERSION}–{VERSION}，请升级便民服务台",
                m.version
            ));
        }
        if device::check_center_code(&m.center_code).is_err()
            || device::check_device_code(&m.device_code).is_err()
            || uuid::Uuid::parse_str(&m.device_id).is_err()
        {
            return bad("中心编码、设备编号或设备标识无效");
        }
        if m.public_key.len() != 64 || hex::decode(&m.public_key).is_err() {
            return bad("公钥无效");
        }
        if m.batch_no < 1 {
            return bad("批次号应从 1 开始");
        }
        if m.previous_manifest_sha256
            .as_deref()
            .is_some_and(|h| !is_hex64(h))
        {
            return bad("上一批次的校验值无效");
        }
        let mut total = 0u64;
        let mut seen = std::collections::HashSet::new();
        for s in &m.sources {
            if !seen.insert(&s.device_id) {
                return bad("同一设备的事件范围出现了两次");
            }
            if s.first_seq < 1
                || s.last_seq < s.first_seq
                || s.events != (s.last_seq - s.first_seq + 1) as u64
                || !is_hex64(&s.last_hash)
            {
                return bad("事件范围无效");
            }
            // The signature itself is checked at check 7.
            if s.head_signature.is_some() != (m.version >= 2) {
                return bad("来源签名缺失或多余");
            }
            total += s.events;
        }
        if total != m.event_count || m.kinds.values().sum::<u64>() != m.event_count {
            return bad("事件数量与各设备范围或各类型数量之和不符");
        }
        for name in [EVENTS, CASES] {
            match m.members.get(name) {
                Some(d) if is_hex64(&d.sha256) => {}
                _ => return bad(&format!("缺少 {name} 的校验值")),
            }
        }
        for (name, d) in &m.members {
            if name == EVENTS || name == CASES {
                continue;
            }
            // A scanned file is named by its own hash, never empty, never
            // larger than the largest file a center may allow.
            let scan_ok = m.version >= 3
                && scan_files::sha_of(name).is_some_and(|sha| sha == d.sha256)
                && (1..=scan_files::MAX_BYTES).contains(&d.bytes);
            if !scan_ok {
                return bad("文件校验值列表中有多余的文件");
            }
        }
        Ok(m)
    }

    /// The scanned files the batch carries (version 3), by SHA-256.
    pub fn scans(&self) -> impl Iterator<Item = (&str, u64)> {
        self.members
            .iter()
            .filter_map(|(name, d)| scan_files::sha_of(name).map(|sha| (sha, d.bytes)))
    }
}
