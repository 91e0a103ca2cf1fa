//! Scanned materials kept with the case (扫描件): files of the materials
//! an applicant brought — JPEG, PNG or PDF from a scanner folder or a phone
//! — attached to a case's material lines at intake or later (补扫).
//!
//! - [`content`]: what a file is, by its content (never its name), and the
//!   thumbnail of an image;
//! - [`scanner`]: a flatbed at the counter through SANE's `scanimage`.
//!
//! Where the files live: inside the database, content-addressed by SHA-256
//! in the table `scan_files` (this device's own, like the log's bytes).
//! Inside, because then an attachment and its event commit in one
//! transaction (a file is never half kept nor kept without its record),
//! every backup holds them with no second path to copy, and on an
//! encrypted laptop they are encrypted with the database, never in clear
//! on its disk. A file attached twice is stored once. The attachment
//! itself is the event `case.scan_attached` (case, line, SHA-256, size,
//! type, the name it had). The USB batches carry the files their events
//! name (src/exchange/scan_files.rs), kept here on import
//! ([`keep_received`]); until one arrives, a device lists the line and
//! says where the file is.

pub mod content;
pub mod scanner;

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::{Action, Session};
use crate::intake::{lookup, IntakeError};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{device, Store, StoreError};
pub use content::Kind;

/// Refusals of a scanned file; nothing is kept when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("文件“{name}”有 {size_mb} MB，超过本中心允许的 {limit_mb} MB；请降低扫描分辨率或分页扫描后再添加")]
    TooLarge {
        name: String,
        size_mb: String,
        limit_mb: u32,
    },
    #[error("文件“{0}”是空文件，不能作为扫描件")]
    Empty(String),
    #[error(
        "文件“{0}”不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断，与扩展名无关），不能作为扫描件"
    )]
    NotAScan(String),
    #[error("图片“{name}”无法读取（{reason}），文件可能已损坏；请重新扫描")]
    BrokenImage { name: String, reason: String },
    #[error("办件 {case_no} 的申请材料中没有第 {position} 项；材料请用序号 1 到 {count}")]
    NoSuchLine {
        case_no: String,
        position: u32,
        count: u32,
    },
    #[error("办件 {case_no} 没有这个扫描件")]
    NoSuchScan { case_no: String },
    #[error("本机没有可用的扫描仪（需要安装 SANE 的 scanimage 并连接扫描仪）；也可以选择扫描仪保存的文件")]
    NoScanner,
    #[error(
        "扫描仪 {device} 扫描失败（{reason}）。请检查扫描仪是否开机、连好，材料是否放好后重试"
    )]
    ScannerFailed { device: String, reason: String },
    #[error("扫描仪 {device} 在 {seconds} 秒内没有完成扫描，已停止。请检查扫描仪后重试")]
    ScannerTimeout { device: String, seconds: u64 },
    #[error("扫描件 {file_name} 的内容在设备 {device} 上，尚未传到本机；导入该设备之后导出的批次即可查看")]
    NotHere { file_name: String, device: String },
}

/// The default largest file, in MB (a center setting may change it).
pub const DEFAULT_MAX_MB: u32 = 10;
/// The largest limit a center may set, in MB (and the largest file a
/// batch may carry).
pub const LARGEST_MAX_MB: u32 = 50;

/// Payload of `case.scan_attached`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanAttached {
    /// The case's material line, 1-based.
    pub position: u32,
    pub sha256: String,
    pub bytes: u64,
    pub kind: Kind,
    /// The file's name when it was attached (for the clerk, not trusted).
    pub file_name: String,
}

/// A scan attached to a case, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanLine {
    pub position: u32,
    pub material: String,
    pub sha256: String,
    pub bytes: u64,
    pub kind: Kind,
    pub kind_label: &'static str,
    pub file_name: String,
    pub attached_at: String,
    pub attached_by: String,
    /// Its content is on this device.
    pub here: bool,
    /// The device that attached it (where the content is).
    pub device_code: String,
}

/// What an attachment recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attached {
    pub case_no: String,
    pub position: u32,
    pub material: String,
    pub sha256: String,
    pub bytes: u64,
    pub kind: Kind,
    /// The same content was already kept (attached before): stored once.
    pub already_kept: bool,
}

/// The refusal of a file of `size` bytes over `limit_mb`, or none.
fn over_limit(name: &str, size: u64, limit_mb: u32) -> Result<(), ScanError> {
    if size <= u64::from(limit_mb) * 1024 * 1024 {
        return Ok(());
    }
    Err(ScanError::TooLarge {
        name: name.to_owned(),
        size_mb: format!("{:.1}", size as f64 / 1024.0 / 1024.0),
        limit_mb,
    })
}

/// Reads a file of at most `limit_mb`; a larger one is refused before it
/// is read whole.
fn read_limited(path: &Path, limit_mb: u32) -> crate::Result<Vec<u8>> {
    let name = display_name(path);
    let file = std::fs::File::open(path).map_err(|e| StoreError::file(path, e))?;
    let size = file
        .metadata()
        .map_err(|e| StoreError::file(path, e))?
        .len();
    over_limit(&name, size, limit_mb)?;
    let mut bytes = Vec::with_capacity(size as usize);
    // One byte past the limit tells a file that grew while being read.
    file.take(u64::from(limit_mb) * 1024 * 1024 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::file(path, e))?;
    over_limit(&name, bytes.len() as u64, limit_mb)?;
    Ok(bytes)
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Attaches the file at `path` to the material line `position` of a case
/// (at intake or later, 补扫): its type is checked by content, its size
/// against the center's limit, an image gets its thumbnail; the content
/// and the event commit in one transaction.
pub fn attach(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    position: u32,
    path: &Path,
) -> crate::Result<Attached> {
    session.authorize(store.conn(), Action::Intake)?;
    let limit = crate::center::load(store.conn())?.scan_max_mb;
    let bytes = read_limited(path, limit)?;
    attach_bytes(
        store,
        session,
        now,
        case_no,
        position,
        &display_name(path),
        &bytes,
    )
}

/// Scans one page on the scanner `device` ([`scanner`]) and attaches it
/// to the material line `position` of a case, as [`attach`] does a file;
/// nothing is kept when the scan or the attachment fails.
pub fn attach_scanned(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    position: u32,
    device: &str,
) -> crate::Result<Attached> {
    session.authorize(store.conn(), Action::Intake)?;
    // The line is checked before the scanner is asked to work.
    let summary = lookup::summary(store.conn(), case_no)?
        .ok_or_else(|| IntakeError::NoSuchCase(case_no.trim().to_owned()))?;
    line_name(store.conn(), &summary.case_id, &summary.case_no, position)?;
    let page = scanner::scan_page(device)?;
    attach_page(store, session, now, case_no, position, &page)
}

/// Attaches a page a scanner gave ([`scanner::scan_page`]) under the name
/// `扫描仪 {when}.jpg` (the window scans without holding the database, so
/// a slow scanner never holds up its other screens).
pub fn attach_page(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    position: u32,
    page: &[u8],
) -> crate::Result<Attached> {
    let name = format!("扫描仪 {}.jpg", now.format("%Y%m%d-%H%M%S"));
    attach_bytes(store, session, now, case_no, position, &name, page)
}

/// [`attach`] of content already read (the window's drop, tests, benches).
pub fn attach_bytes(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    position: u32,
    file_name: &str,
    bytes: &[u8],
) -> crate::Result<Attached> {
    session.authorize(store.conn(), Action::Intake)?;
    let limit = crate::center::load(store.conn())?.scan_max_mb;
    over_limit(file_name, bytes.len() as u64, limit)?;
    if bytes.is_empty() {
        return Err(ScanError::Empty(file_name.to_owned()).into());
    }
    let kind = content::sniff(bytes).ok_or_else(|| ScanError::NotAScan(file_name.to_owned()))?;
    let thumbnail = content::thumbnail(kind, bytes).map_err(|reason| ScanError::BrokenImage {
        name: file_name.to_owned(),
        reason,
    })?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    store.write(|tx| {
        let summary = lookup::summary(tx, case_no)?
            .ok_or_else(|| IntakeError::NoSuchCase(case_no.trim().to_owned()))?;
        let material = line_name(tx, &summary.case_id, &summary.case_no, position)?;
        let already_kept = !keep(tx, &sha256, kind, bytes, thumbnail.as_deref())?;
        let payload = ScanAttached {
            position,
            sha256: sha256.clone(),
            bytes: bytes.len() as u64,
            kind,
            file_name: file_name.chars().take(200).collect(),
        };
        let draft = Draft::new(
            &session.user_id,
            Some(&summary.case_id),
            SCAN_ATTACHED,
            &payload,
        )?;
        events::append_here(tx, now, draft)?;
        Ok(Attached {
            case_no: summary.case_no,
            position,
            material,
            sha256: sha256.clone(),
            bytes: bytes.len() as u64,
            kind,
            already_kept,
        })
    })
}

/// Keeps a file by its SHA-256 once; whether it was new here.
fn keep(
    tx: &Transaction<'_>,
    sha256: &str,
    kind: Kind,
    bytes: &[u8],
    thumbnail: Option<&[u8]>,
) -> crate::Result<bool> {
    let added = tx
        .prepare_cached(
            "INSERT INTO scan_files (sha256, kind, bytes, content, thumbnail) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (sha256) DO NOTHING",
        )?
        .execute(params![sha256, kind.code(), bytes.len() as i64, bytes, thumbnail])?;
    Ok(added == 1)
}

/// Keeps a file that came in a batch or over the LAN, its SHA-256 already
/// checked (src/exchange/scan_files.rs), with its type by content; whether
/// it was new here. No thumbnail is made now: decoding every image of a
/// day's batch was about half of its import; [`thumbnail_of`] draws one
/// when a case is shown.
pub(crate) fn keep_received(
    tx: &Transaction<'_>,
    sha256: &str,
    bytes: &[u8],
) -> crate::Result<bool> {
    let kind = content::sniff(bytes)
        .ok_or_else(|| ScanError::NotAScan(sha256[..12.min(sha256.len())].to_owned()))?;
    keep(tx, sha256, kind, bytes, None)
}

/// The files of scan lines this device holds without the file (to ask
/// for over the LAN), by SHA-256.
pub fn missing(conn: &Connection) -> crate::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT s.sha256 FROM case_scans s
         WHERE NOT EXISTS (SELECT 1 FROM scan_files f WHERE f.sha256 = s.sha256)
         ORDER BY s.sha256",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)?)
}

/// The size of the file `sha256` when this device keeps it.
pub fn kept_bytes(conn: &Connection, sha256: &str) -> crate::Result<Option<u64>> {
    Ok(conn
        .prepare_cached("SELECT bytes FROM scan_files WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get::<_, i64>(0))
        .optional()
        .map_err(StoreError::from)?
        .map(|b| b as u64))
}

/// The content of the file `sha256` as kept here (for a batch to carry).
pub fn content_by_hash(conn: &Connection, sha256: &str) -> crate::Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached(CONTENT)?
        .query_row([sha256], |r| r.get::<_, Vec<u8>>(0))
        .optional()
        .map_err(StoreError::from)?)
}

/// The name of a case's material line, or the refusal naming the range.
fn line_name(
    conn: &Connection,
    case_id: &str,
    case_no: &str,
    position: u32,
) -> crate::Result<String> {
    let name: Option<String> = conn
        .prepare_cached("SELECT name FROM case_materials WHERE case_id = ?1 AND position = ?2")?
        .query_row(params![case_id, position], |r| r.get(0))
        .optional()
        .map_err(StoreError::from)?;
    match name {
        Some(n) => Ok(n),
        None => {
            let count: u32 = conn
                .prepare_cached("SELECT count(*) FROM case_materials WHERE case_id = ?1")?
                .query_row([case_id], |r| r.get(0))
                .map_err(StoreError::from)?;
            Err(ScanError::NoSuchLine {
                case_no: case_no.to_owned(),
                position,
                count,
            }
            .into())
        }
    }
}

/// Every scan of a case, by material line then time.
pub fn list(conn: &Connection, case_no: &str) -> crate::Result<Vec<ScanLine>> {
    let summary = lookup::summary(conn, case_no)?
        .ok_or_else(|| IntakeError::NoSuchCase(case_no.trim().to_owned()))?;
    let here = device::load(conn)?.device_id;
    let mut stmt = conn.prepare_cached(
        "SELECT s.position, m.name, s.sha256, s.bytes, s.kind, s.file_name, s.attached_at,
                coalesce(u.display_name, s.attached_by), f.sha256 IS NOT NULL,
                coalesce(d.device_code, CASE WHEN s.device_id = ?2 THEN (SELECT device_code FROM device) END, '其他设备')
         FROM case_scans s
         JOIN case_materials m ON m.case_id = s.case_id AND m.position = s.position
         LEFT JOIN users u ON u.user_id = s.attached_by
         LEFT JOIN scan_files f ON f.sha256 = s.sha256
         LEFT JOIN devices d ON d.device_id = s.device_id
         WHERE s.case_id = ?1 ORDER BY s.position, s.attached_at",
    )?;
    let rows = stmt.query_map(params![summary.case_id, here], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, bool>(8)?,
            r.get::<_, String>(9)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (position, material, sha256, bytes, kind, file_name, attached_at, by, here, dev) =
            row.map_err(StoreError::from)?;
        let kind = Kind::parse(&kind).ok_or_else(|| StoreError::BadEvent {
            device: dev.clone(),
            seq: 0,
            reason: format!("未知的扫描件类型 {kind}"),
        })?;
        out.push(ScanLine {
            position,
            material,
            sha256,
            bytes: bytes as u64,
            kind,
            kind_label: kind.label(),
            file_name,
            attached_at,
            attached_by: by,
            here,
            device_code: dev,
        });
    }
    Ok(out)
}

/// The scan `sha256` of the case `case_no`: its line, refused when the
/// case has no such scan (a file is opened through its case only).
fn of_case(conn: &Connection, case_no: &str, sha256: &str) -> crate::Result<ScanLine> {
    list(conn, case_no)?
        .into_iter()
        .find(|s| s.sha256 == sha256)
        .ok_or_else(|| {
            ScanError::NoSuchScan {
                case_no: case_no.trim().to_owned(),
            }
            .into()
        })
}

/// The content of a scan of a case, as kept.
pub fn content_of(
    conn: &Connection,
    case_no: &str,
    sha256: &str,
) -> crate::Result<(Kind, Vec<u8>)> {
    let line = of_case(conn, case_no, sha256)?;
    let bytes = kept(conn, &line, CONTENT)?.ok_or_else(|| away(&line))?;
    Ok((line.kind, bytes))
}

/// The thumbnail of an image scan of a case (PNG, at most
/// [`content::THUMB_PX`] on its longer side); `None` for a PDF. A file
/// that came in a batch keeps none: its thumbnail is drawn when shown.
pub fn thumbnail_of(
    conn: &Connection,
    case_no: &str,
    sha256: &str,
) -> crate::Result<Option<Vec<u8>>> {
    let line = of_case(conn, case_no, sha256)?;
    if !line.here {
        return Err(away(&line).into());
    }
    if let Some(thumb) = kept(conn, &line, THUMBNAIL)? {
        return Ok(Some(thumb));
    }
    let bytes = kept(conn, &line, CONTENT)?.ok_or_else(|| away(&line))?;
    Ok(
        content::thumbnail(line.kind, &bytes).map_err(|reason| ScanError::BrokenImage {
            name: line.file_name.clone(),
            reason,
        })?,
    )
}

const CONTENT: &str = "SELECT content FROM scan_files WHERE sha256 = ?1";
const THUMBNAIL: &str = "SELECT thumbnail FROM scan_files WHERE sha256 = ?1";

/// What `query` ([`CONTENT`] or [`THUMBNAIL`]) reads of the file a listed
/// scan keeps here; `None` when the file is not here or has none.
fn kept(conn: &Connection, line: &ScanLine, query: &str) -> crate::Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached(query)?
        .query_row([&line.sha256], |r| r.get::<_, Option<Vec<u8>>>(0))
        .optional()
        .map_err(StoreError::from)?
        .flatten())
}

/// The refusal for a scan whose file is on another device.
fn away(line: &ScanLine) -> ScanError {
    ScanError::NotHere {
        file_name: line.file_name.clone(),
        device: line.device_code.clone(),
    }
}

/// A scan written out to a file.
#[derive(Debug, Clone, Serialize)]
pub struct Extracted {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Writes every scan of a case kept here into `dir` (made, private, if
/// missing) as `{case}-{line}-{first 8 of the hash}.{ext}`, each checked
/// against its SHA-256 first; returns what was written.
pub fn extract(
    store: &Store,
    session: &Session,
    case_no: &str,
    dir: &Path,
) -> crate::Result<Vec<Extracted>> {
    session.authorize(store.conn(), Action::ViewCases)?;
    let mut out: Vec<Extracted> = Vec::new();
    for line in list(store.conn(), case_no)? {
        if !line.here || out.iter().any(|e| e.sha256 == line.sha256) {
            continue;
        }
        out.push(write_one(store.conn(), case_no, &line, dir)?);
    }
    Ok(out)
}

/// Writes one scan of a case into `dir` (to open a PDF in a viewer: the
/// day's documents folder, in memory on an encrypted laptop).
pub fn extract_one(
    store: &Store,
    session: &Session,
    case_no: &str,
    sha256: &str,
    dir: &Path,
) -> crate::Result<Extracted> {
    session.authorize(store.conn(), Action::ViewCases)?;
    let line = of_case(store.conn(), case_no, sha256)?;
    write_one(store.conn(), case_no, &line, dir)
}

fn write_one(
    conn: &Connection,
    case_no: &str,
    line: &ScanLine,
    dir: &Path,
) -> crate::Result<Extracted> {
    crate::paths::create_private_dir(dir).map_err(|e| StoreError::file(dir, e))?;
    let bytes = kept(conn, line, CONTENT)?.ok_or_else(|| away(line))?;
    if hex::encode(Sha256::digest(&bytes)) != line.sha256 {
        return Err(StoreError::BadEvent {
            device: line.device_code.clone(),
            seq: 0,
            reason: format!("扫描件 {} 的内容与其 SHA-256 不符", line.file_name),
        }
        .into());
    }
    let path = dir.join(file_name_for(case_no, line));
    crate::files::write_atomic(&path, &bytes)?;
    Ok(Extracted {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
        sha256: line.sha256.clone(),
    })
}

/// The file name a scan is written out under.
pub fn file_name_for(case_no: &str, line: &ScanLine) -> String {
    format!(
        "{}-{}-{}.{}",
        case_no.trim(),
        line.position,
        &line.sha256[..8.min(line.sha256.len())],
        line.kind.extension()
    )
}

/// A scan attached to a case's material line (payload [`ScanAttached`]).
pub const SCAN_ATTACHED: &str = "case.scan_attached";

/// scans's table follows its events (the content is this device's own:
/// `scan_files`, written with the event).
pub const PROJECTOR: Projector = Projector {
    area: "scans",
    kinds: &[SCAN_ATTACHED],
    tables: &["case_scans"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: ScanAttached) -> crate::Result<()> {
    let case_id = event.case_id.clone().ok_or_else(|| StoreError::BadEvent {
        device: event.device_id.clone(),
        seq: event.seq,
        reason: "扫描件事件缺少办件标识".into(),
    })?;
    tx.prepare_cached(
        "INSERT INTO case_scans (case_id, position, sha256, bytes, kind, file_name, attached_at, attached_by, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (case_id, position, sha256) DO NOTHING",
    )?
    .execute(params![
        case_id,
        p.position,
        p.sha256,
        p.bytes as i64,
        p.kind.code(),
        p.file_name,
        event.ts,
        event.user_id,
        event.device_id
    ])?;
    Ok(())
}
