//! Importing a batch (`bianmin import`): after every check of
//! [`super::reader`], the events are chained onto what this machine already
//! holds and applied in ONE transaction.
//!
//! - Events already held are skipped (after checking they are the same
//!   events): importing a batch twice, or overlapping batches, adds nothing.
//! - A gap in a device's seq (its batch 3 before its batch 2) holds the
//!   later events in `pending_events`, reported by name; they are applied
//!   as soon as the batch that fills the gap is imported.
//! - New events are applied in the canonical order (src/store/order.rs);
//!   when one sorts before events already applied, the projections are
//!   replayed from the log so every device ends with the same tables. An
//!   event the rules refuse in that order is kept and flagged as a conflict.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::reader::{self, Trust, Verified};
use super::{
    devices, envelope, forks, origin, scan_files, ExchangeError, OnProgress, Progress,
    PROGRESS_EVERY,
};
use crate::auth::{Action, Session};
use crate::store::events::{self, Event, GENESIS_HASH};
use crate::store::order::{self, Clocks, Head};
use crate::store::{device, projection, Store, StoreError};

/// The checks an import passed, in order, as the window lists them.
pub const CHECKS: [&str; 8] = [
    "读取文件",
    "检查文件清单",
    "检查批次说明",
    "核对签名",
    "核对文件校验值",
    "核对事件链",
    "核对来源签名",
    "核对扫描件",
];

/// A gap in a device's events that holds later events back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub device_code: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub held: i64,
    /// "缺少 V03 设备第 2 批（序号 41–77）"
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub file_name: String,
    pub from_device: String,
    pub batch_no: i64,
    pub events_in_batch: u64,
    /// Events new to this machine, applied now (including released ones).
    pub added: u64,
    pub already_present: u64,
    /// Events of this batch held back by a gap.
    pub held: u64,
    /// Earlier held events applied now that their gap is filled.
    pub released: u64,
    pub cases: usize,
    /// Scanned files new to this machine, kept now.
    pub scans: usize,
    /// The projections were replayed because a new event sorted early.
    pub replayed: bool,
    /// Conflicts flagged by this import.
    pub new_conflicts: i64,
    pub gaps: Vec<Gap>,
    /// Set when this very batch was imported before (nothing changed).
    pub already_imported_at: Option<String>,
}

/// Imports the batch at `path`.
pub fn import(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    path: &Path,
    progress: OnProgress<'_>,
) -> crate::Result<ImportReport> {
    session.authorize(store.conn(), Action::Exchange)?;
    let verified = read_verified(store.conn(), path, Trust::Registered, true)?;
    if let Some(at) = imported_at(store.conn(), &verified.opened.manifest_sha256)? {
        return Ok(ImportReport {
            file_name: verified.opened.file_name.clone(),
            from_device: verified.opened.manifest.device_code.clone(),
            batch_no: verified.opened.manifest.batch_no,
            events_in_batch: verified.opened.manifest.event_count,
            already_present: verified.opened.manifest.event_count,
            already_imported_at: Some(at),
            ..ImportReport::default()
        });
    }
    let (file, writer) = (
        verified.opened.file_name.clone(),
        verified.opened.manifest.device_code.clone(),
    );
    let result = store.write_bulk(move |tx| apply(tx, verified, now, progress));
    keep_fork(store, result, &file, &writer, now)
}

/// Records the fork an import was refused for (src/exchange/forks.rs).
fn keep_fork(
    store: &mut Store,
    result: crate::Result<ImportReport>,
    file: &str,
    writer: &str,
    now: DateTime<FixedOffset>,
) -> crate::Result<ImportReport> {
    if let Err(crate::Error::Exchange(ExchangeError::Fork { found, .. })) = &result {
        forks::record(store, found, file, writer, now)?;
    }
    result
}

/// Reads the file at `path` and runs every check of [`reader`].
pub(crate) fn read_verified(
    conn: &Connection,
    path: &Path,
    trust: Trust<'_>,
    this_center: bool,
) -> crate::Result<Verified> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let center = if this_center {
        Some(device::load(conn)?.center_code)
    } else {
        None
    };
    if !envelope::is_sealed(path) {
        // A plain batch of version 1 or 2 (an older program's).
        let bytes = std::fs::read(path).map_err(|e| ExchangeError::Container {
            file: file_name.clone(),
            reason: e.to_string(),
        })?;
        let opened = reader::open(&file_name, &bytes)?;
        return reader::verify(conn, center.as_deref(), opened, trust);
    }
    let unsealed = envelope::unseal(conn, &file_name, path, center.as_deref(), trust)?;
    let mut opened = reader::open(&file_name, &unsealed.inner)?;
    unsealed.check_matches(&opened.manifest)?;
    opened.scans = unsealed.scans;
    reader::verify(conn, center.as_deref(), opened, trust)
}

/// When the batch with this manifest hash was imported, if it was.
pub fn imported_at(conn: &Connection, manifest_sha256: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT imported_at FROM batch_imports WHERE manifest_sha256 = ?1")?
        .query_row([manifest_sha256], |r| r.get(0))
        .optional()?)
}

/// Imports a batch that came over the hall's LAN (src/sync) from the
/// device `peer_id`, authenticated by the channel: every check of a USB
/// batch, and it must be that device's own. Not listed among the imported
/// batch files: the LAN sends one every few seconds.
pub fn import_live(
    store: &mut Store,
    now: DateTime<FixedOffset>,
    peer_id: &str,
    bytes: &[u8],
) -> crate::Result<ImportReport> {
    let opened = reader::open("局域网同步", bytes)?;
    if opened.manifest.device_id != peer_id {
        return Err(ExchangeError::BadSignature(opened.manifest.device_code.clone()).into());
    }
    let center = device::load(store.conn())?.center_code;
    let verified = reader::verify(store.conn(), Some(&center), opened, Trust::Registered)?;
    let writer = verified.opened.manifest.device_code.clone();
    let result = store.write(move |tx| apply_events_of(tx, verified, now, &mut |_| {}, false));
    keep_fork(store, result, "局域网同步", &writer, now)
}

/// Chains and applies a verified batch in the caller's transaction.
pub(crate) fn apply(
    tx: &Transaction<'_>,
    verified: Verified,
    now: DateTime<FixedOffset>,
    progress: OnProgress<'_>,
) -> crate::Result<ImportReport> {
    apply_events_of(tx, verified, now, progress, true)
}

/// [`apply`]; `record`: list it among the imported batch files.
fn apply_events_of(
    tx: &Transaction<'_>,
    verified: Verified,
    now: DateTime<FixedOffset>,
    progress: OnProgress<'_>,
    record: bool,
) -> crate::Result<ImportReport> {
    let Verified {
        opened,
        events,
        heads,
    } = verified;
    let m = &opened.manifest;
    // Check 8's second half first: an altered file refuses the batch
    // before any event is applied (and the transaction keeps nothing).
    let scans = scan_files::keep_all(tx, m, &opened.scans, &events)?;
    origin::keep(tx, &heads)?;
    let source = format!("{}#{}", m.device_id, m.batch_no);
    let mut report = ImportReport {
        file_name: opened.file_name.clone(),
        from_device: m.device_code.clone(),
        batch_no: m.batch_no,
        events_in_batch: m.event_count,
        scans,
        ..ImportReport::default()
    };
    let mut to_insert: Vec<Event> = Vec::new();
    for (device_id, batch) in events {
        let code = m
            .sources
            .iter()
            .find(|s| s.device_id == device_id)
            .map_or_else(|| device_id.clone(), |s| s.device_code.clone());
        let (head_seq, head_hash) =
            events::head(tx, &device_id)?.unwrap_or((0, GENESIS_HASH.to_owned()));
        // Events this machine holds must be the very same events.
        // Events this machine holds must be the very same events; both
        // proven by the device itself, two different ones are a fork.
        if let Some(last_held) = batch.iter().rfind(|e| e.seq <= head_seq) {
            if events::hash_at(tx, &device_id, last_held.seq)?.as_deref() != Some(&last_held.hash) {
                let first_differing = batch
                    .iter()
                    .filter(|e| e.seq <= head_seq)
                    .map(|e| Ok((e, events::at(tx, &device_id, e.seq)?)))
                    .collect::<Result<Vec<_>, StoreError>>()?
                    .into_iter()
                    .find_map(|(e, held)| {
                        held.filter(|h| h.hash != e.hash).map(|h| (e.clone(), h))
                    });
                return Err(match first_differing {
                    Some((other, held)) => fork(&code, held, other),
                    // The batch's events differ only before its first one.
                    None => ExchangeError::Chain(format!(
                        "设备 {code} 第 {} 号事件与本机已有的记录不同（两份记录分叉）",
                        last_held.seq
                    )),
                }
                .into());
            }
        }
        report.already_present += batch.iter().filter(|e| e.seq <= head_seq).count() as u64;
        // Candidates: events held back earlier, and this batch's new ones.
        let mut available: BTreeMap<i64, (Event, bool)> = pending_of(tx, &device_id)?
            .into_iter()
            .map(|e| (e.seq, (e, false)))
            .collect();
        for e in batch.into_iter().filter(|e| e.seq > head_seq) {
            match available.get_mut(&e.seq) {
                Some((held, from_batch)) => {
                    if held.hash != e.hash {
                        return Err(fork(&code, held.clone(), e).into());
                    }
                    *from_batch = true;
                }
                None => {
                    available.insert(e.seq, (e, true));
                }
            }
        }
        let (mut seq, mut hash) = (head_seq, head_hash);
        while let Some((e, from_batch)) = available.remove(&(seq + 1)) {
            if e.prev_hash != hash {
                if from_batch {
                    return Err(ExchangeError::Chain(format!(
                        "设备 {code} 第 {} 号事件接不上本机已有的第 {seq} 号",
                        e.seq
                    ))
                    .into());
                }
                // A held event that does not fit is dropped with the rest
                // of its run; the right ones will come again.
                tx.execute(
                    "DELETE FROM pending_events WHERE device_id = ?1 AND seq > ?2",
                    params![device_id, seq],
                )
                .map_err(StoreError::from)?;
                available.retain(|_, (_, from_batch)| *from_batch);
                break;
            }
            if !from_batch {
                report.released += 1;
            }
            seq = e.seq;
            hash = e.hash.clone();
            to_insert.push(e);
        }
        tx.execute(
            "DELETE FROM pending_events WHERE device_id = ?1 AND seq <= ?2",
            params![device_id, seq],
        )
        .map_err(StoreError::from)?;
        let mut hold = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO pending_events (device_id, seq, event, source) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(StoreError::from)?;
        for (e, from_batch) in available.values() {
            if *from_batch {
                let text =
                    serde_json::to_string(e).map_err(|x| StoreError::Encode(x.to_string()))?;
                hold.execute(params![device_id, e.seq, text, source])
                    .map_err(StoreError::from)?;
                report.held += 1;
            }
        }
    }
    report.added = to_insert.len() as u64;
    report.cases = to_insert
        .iter()
        .filter_map(|e| e.case_id.as_deref())
        .collect::<BTreeSet<_>>()
        .len();
    let conflicts_before = count_conflicts(tx)?;
    apply_events(tx, to_insert, progress, &mut report)?;
    report.new_conflicts = count_conflicts(tx)? - conflicts_before;
    report.gaps = gaps(tx)?;
    if !record {
        return Ok(report);
    }
    tx.execute(
        "INSERT INTO batch_imports (manifest_sha256, file_name, device_id, device_code, batch_no, added, pending, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            opened.manifest_sha256,
            report.file_name,
            m.device_id,
            m.device_code,
            m.batch_no,
            report.added as i64,
            report.held as i64,
            now.to_rfc3339_opts(SecondsFormat::Millis, false)
        ],
    )
    .map_err(StoreError::from)?;
    Ok(report)
}

/// Stores the chained events and brings the projections up to date: in
/// the canonical order after what is applied, or by a replay when one of
/// them sorts earlier.
fn apply_events(
    tx: &Transaction<'_>,
    new: Vec<Event>,
    progress: OnProgress<'_>,
    report: &mut ImportReport,
) -> crate::Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    let total = new.len() as u64;
    let mut clocks = Clocks::load(tx)?;
    let mut keyed = Vec::with_capacity(new.len());
    for e in new {
        keyed.push((clocks.key(&e)?, e));
    }
    let stale = order::needs_replay(tx)?;
    let head = order::projection_head(tx)?;
    let late = head
        .as_ref()
        .is_some_and(|h| keyed.iter().any(|(k, _)| *k < h.key));
    events::insert_all(tx, &keyed, |(_, e)| e)?;
    if late || stale {
        progress(Progress { done: 0, total });
        projection::replay(tx)?;
        report.replayed = true;
        progress(Progress { done: total, total });
        return Ok(());
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    projection::apply_all_tolerant(tx, keyed.iter().map(|(_, e)| e), |i| {
        if (i as u64 + 1).is_multiple_of(PROGRESS_EVERY) {
            progress(Progress {
                done: i as u64 + 1,
                total,
            });
        }
        Ok(())
    })?;
    order::record_all(tx, &keyed, |(key, _)| key)?;
    clocks.save(tx)?;
    if let Some((key, _)) = keyed.last() {
        order::set_head(
            tx,
            &Head {
                key: key.clone(),
                stale: false,
            },
        )?;
    }
    progress(Progress { done: total, total });
    if keyed.len() >= FREE_ELSEWHERE_FROM {
        free_elsewhere(keyed);
    }
    Ok(())
}

/// From how many applied events [`free_elsewhere`] is worth a thread: a
/// large USB batch, not the LAN's batches of a few events every few seconds.
const FREE_ELSEWHERE_FROM: usize = 10_000;

/// Drops `value` on a thread of its own: freeing a hundred thousand
/// applied events took 2 % of an import, and the other core can do it
/// while this one commits. Dropped here if no thread can be started.
fn free_elsewhere<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("free-events".into())
        .spawn(move || drop(value));
}

/// The refusal for two different events at one place of `code`'s chain.
fn fork(code: &str, held: Event, other: Event) -> ExchangeError {
    ExchangeError::Fork {
        device: code.to_owned(),
        seq: other.seq,
        found: Box::new(forks::Detected {
            device_id: other.device_id.clone(),
            seq: other.seq,
            held,
            other,
        }),
    }
}

fn pending_of(conn: &Connection, device_id: &str) -> crate::Result<Vec<Event>> {
    let mut stmt = conn
        .prepare_cached("SELECT event FROM pending_events WHERE device_id = ?1 ORDER BY seq")
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([device_id], |r| r.get::<_, String>(0))
        .map_err(StoreError::from)?;
    let mut out = Vec::new();
    for text in rows {
        let text = text.map_err(StoreError::from)?;
        out.push(
            serde_json::from_str(&text).map_err(|e| StoreError::BadEvent {
                device: device_id.to_owned(),
                seq: 0,
                reason: e.to_string(),
            })?,
        );
    }
    Ok(out)
}

fn count_conflicts(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM conflicts", [], |r| r.get(0))?)
}

/// Every gap that holds events back, by device.
pub fn gaps(conn: &Connection) -> crate::Result<Vec<Gap>> {
    let mut stmt = conn
        .prepare(
            "SELECT device_id, min(seq), count(*),
                    (SELECT source FROM pending_events p2 WHERE p2.device_id = p.device_id ORDER BY seq LIMIT 1)
             FROM pending_events p GROUP BY device_id ORDER BY device_id",
        )
        .map_err(StoreError::from)?;
    let rows: Vec<(String, i64, i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(StoreError::from)?
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)?;
    let mut out = Vec::new();
    for (device_id, first_held, held, source) in rows {
        let head = events::head(conn, &device_id)?.map_or(0, |(s, _)| s);
        let code = devices::code_of(conn, &device_id)?;
        let (first, last) = (head + 1, first_held - 1);
        // The batch that held them was that device's own batch N: the
        // missing events were in its batch N − 1 to the same destination.
        let own_batch = source
            .split_once('#')
            .filter(|(signer, _)| *signer == device_id)
            .and_then(|(_, n)| n.parse::<i64>().ok())
            .filter(|n| *n > 1);
        let message = match own_batch {
            Some(n) => format!("缺少 {code} 设备第 {} 批（序号 {first}–{last}）", n - 1),
            None => format!("缺少 {code} 设备序号 {first}–{last} 的事件（请导入更早的批次）"),
        };
        out.push(Gap {
            device_code: code,
            first_seq: first,
            last_seq: last,
            held,
            message,
        });
    }
    Ok(out)
}

/// A conflict flagged for a manager.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub device_code: String,
    pub seq: i64,
    pub case_no: Option<String>,
    pub kind: String,
    pub reason: String,
}

/// Every flagged conflict.
pub fn conflicts(conn: &Connection) -> crate::Result<Vec<Conflict>> {
    let mut stmt = conn
        .prepare(
            "SELECT f.device_id, f.seq, c.case_no, f.kind, f.reason FROM conflicts f
             LEFT JOIN cases c ON c.case_id = f.case_id ORDER BY f.device_id, f.seq",
        )
        .map_err(StoreError::from)?;
    let rows: Vec<(String, i64, Option<String>, String, String)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(StoreError::from)?
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)?;
    rows.into_iter()
        .map(|(device, seq, case_no, kind, reason)| {
            Ok(Conflict {
                device_code: devices::code_of(conn, &device)?,
                seq,
                case_no,
                kind,
                reason,
            })
        })
        .collect()
}
