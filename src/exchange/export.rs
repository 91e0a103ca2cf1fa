//! Writing a batch (`bianmin export`): every event of this device — and, on
//! the hub, of every device it relays for — not yet sent to the destination,
//! up to the end of the chosen day, as one `.bmb` zip:
//! `{center}-{device}-{YYYYMMDD}-{first seq}-{last seq}.bmb` (this device's
//! own seq range; `0-0` when it carries only relayed events).
//!
//! The events are composed and sealed in memory; the container is streamed
//! under a temporary name in the target folder with each scanned file the
//! events name sealed one at a time (src/exchange/scan_files.rs), flushed
//! to disk and only then renamed: a stick pulled mid-write leaves no file
//! that looks complete. The export is recorded only after the rename, so a
//! failed export is simply exported again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::manifest::{self, Manifest, MemberDigest, SourceRange};
use super::scan_files::{self, Carried};
use super::{devices, envelope, keys, origin, ExchangeError, OnProgress, Progress, PROGRESS_EVERY};
use crate::auth::{Action, Session};
use crate::store::device::{self, DeviceRole};
use crate::store::events::{self, Event};
use crate::store::{Store, StoreError};

/// The default destination (the hub, or whoever collects the batches).
pub const DEFAULT_DESTINATION: &str = "*";

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    pub out_dir: PathBuf,
    /// A device code (`--for V03`), or the default destination.
    pub destination: Option<String>,
    /// Send again everything after this batch to the destination (0: all).
    pub since_batch: Option<i64>,
    /// Events up to the end of this day (default: today).
    pub date: Option<NaiveDate>,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub file_name: String,
    pub path: String,
    pub destination: String,
    pub batch_no: i64,
    pub events: u64,
    pub cases: usize,
    /// Scanned files carried, and their plain size.
    pub scans: usize,
    pub scan_bytes: u64,
    pub bytes: u64,
    pub sources: Vec<SourceRange>,
    pub manifest_sha256: String,
    /// Who can open the batch: device codes, or 新设备（凭加入口令）.
    pub sealed_for: Vec<String>,
    /// The code a device joining from this batch types (shown once).
    pub join_code: Option<String>,
}

/// Writes the batch for `request`.
pub fn export(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    request: &ExportRequest,
    progress: OnProgress<'_>,
) -> crate::Result<ExportReport> {
    session.authorize(store.conn(), Action::Exchange)?;
    let conn = store.conn();
    if !request.out_dir.is_dir() {
        return Err(write_error(&request.out_dir, "文件夹不存在或不可用").into());
    }
    let destination = match request.destination.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_DESTINATION.to_owned(),
        Some(code) => {
            device::check_device_code(code).map_err(ExchangeError::Manifest)?;
            code.to_owned()
        }
    };
    let date = request.date.unwrap_or(now.date_naive());
    let dev = device::load(conn)?;
    let targets = envelope::recipients(conn, &dev, &destination)?;
    let (last_batch, previous_manifest) = last_export(conn, &destination)?;
    let sent = already_sent(conn, &destination, request.since_batch)?;
    let last_day = date.to_string();
    let Some(c) = compose(
        conn,
        now,
        &Compose {
            destination: &destination,
            batch_no: last_batch + 1,
            previous_manifest,
            date,
            from: &|source| sent.get(source).copied().unwrap_or(0) + 1,
            last_day: Some(&last_day),
            scans: Scans::Beside,
        },
        &mut *progress,
    )?
    else {
        return Err(ExchangeError::NothingToExport(format!(
            "发往{}的数据截至 {date} 都已导出过",
            destination_label(&destination)
        ))
        .into());
    };
    let Composed {
        zip_bytes,
        manifest,
        manifest_sha256,
        ranges,
        total,
        cases,
        batch_no,
        scans,
    } = c;
    // Sealed to its recipients: the stick never holds the batch in clear.
    let sealed = envelope::seal(conn, &manifest, &zip_bytes, &targets)?;
    drop(zip_bytes);
    let own = ranges.iter().find(|r| r.device_id == dev.device_id);
    let stem = format!(
        "{}-{}-{}-{}-{}",
        dev.center_code,
        dev.device_code,
        date.format("%Y%m%d"),
        own.map_or(0, |r| r.first_seq),
        own.map_or(0, |r| r.last_seq)
    );
    let path = free_name(&request.out_dir, &stem);
    let mut bytes = 0;
    crate::files::write_atomic_with(&path, |f| {
        let f = sealed.write(f, &path, conn, &scans)?;
        bytes = f.metadata().map(|m| m.len()).unwrap_or_default();
        Ok(f)
    })
    .map_err(|e| match e {
        crate::Error::Store(StoreError::File { reason, .. }) => {
            crate::Error::from(write_error(&path, &reason))
        }
        other => other,
    })?;
    progress(Progress { done: total, total });
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sent_ranges: Vec<(String, i64)> = ranges
        .iter()
        .map(|r| (r.device_id.clone(), r.last_seq))
        .collect();
    store.write(|tx| -> crate::Result<()> {
        tx.execute(
            "INSERT INTO batch_exports (destination, batch_no, file_name, manifest_sha256, ranges, events, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                destination,
                batch_no,
                file_name,
                manifest_sha256,
                serde_json::to_string(&sent_ranges).map_err(|e| StoreError::Encode(e.to_string()))?,
                total as i64,
                now.to_rfc3339_opts(SecondsFormat::Millis, false)
            ],
        )
        .map_err(StoreError::from)?;
        Ok(())
    })?;
    Ok(ExportReport {
        path: path.display().to_string(),
        file_name,
        destination,
        batch_no,
        events: total,
        cases,
        scans: scans.len(),
        scan_bytes: scans.iter().map(|c| c.bytes).sum(),
        bytes,
        sources: ranges,
        manifest_sha256,
        sealed_for: targets.iter().map(envelope::Target::label).collect(),
        join_code: sealed.join_code,
    })
}

/// What a batch is composed for.
pub(crate) struct Compose<'a> {
    /// A device code, or [`DEFAULT_DESTINATION`].
    pub destination: &'a str,
    pub batch_no: i64,
    pub previous_manifest: Option<String>,
    /// The day the batch is for (its name and manifest).
    pub date: NaiveDate,
    /// Per source device, the first seq to send.
    pub from: &'a dyn Fn(&str) -> i64,
    /// Events up to the end of this day (`YYYY-MM-DD`), or all of them.
    pub last_day: Option<&'a str>,
    /// Where the scanned files the events name go.
    pub scans: Scans,
}

/// Where a batch's scanned files go (src/exchange/scan_files.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scans {
    /// Listed in the manifest and carried beside the payload of the sealed
    /// container ([`envelope::SealedBatch::write`]).
    Beside,
    /// Not carried: the events name them, the files stay where they are.
    Left,
}

/// A signed batch in memory.
pub(crate) struct Composed {
    pub zip_bytes: Vec<u8>,
    pub manifest: Manifest,
    pub manifest_sha256: String,
    pub ranges: Vec<SourceRange>,
    pub total: u64,
    pub cases: usize,
    pub batch_no: i64,
    /// The scanned files listed, to carry beside it.
    pub scans: Vec<Carried>,
}

/// The devices whose events this device passes on: its own; on the hub,
/// every device's (the destination's own are skipped by the caller's
/// `from`, or below when the destination is a registered device).
pub(crate) fn sources(conn: &Connection) -> Result<Vec<String>, crate::Error> {
    let dev = device::load(conn)?;
    Ok(if dev.role == DeviceRole::Hub {
        events::heads(conn)?.into_iter().map(|(d, _)| d).collect()
    } else {
        vec![dev.device_id]
    })
}

/// Builds and signs the batch of `c`: every event of [`sources`] from
/// `c.from` on (up to `c.last_day`), as the same zip a USB stick carries.
/// `None` when there is nothing to send.
pub(crate) fn compose(
    conn: &Connection,
    now: DateTime<FixedOffset>,
    c: &Compose<'_>,
    progress: OnProgress<'_>,
) -> crate::Result<Option<Composed>> {
    let dev = device::load(conn)?;
    let public_key = keys::public_key(conn)?;
    let dest_device = devices::by_code(conn, c.destination)?.map(|d| d.device_id);
    let mut chosen: Vec<Event> = Vec::new();
    let mut ranges = Vec::new();
    for source in sources(conn)? {
        if dest_device.as_deref() == Some(source.as_str()) {
            continue;
        }
        let Some((head, _)) = events::head(conn, &source)? else {
            continue;
        };
        let from = (c.from)(&source);
        if from > head {
            continue;
        }
        let mut batch: Vec<Event> = events::range(conn, &source, from, head)?;
        let wanted = batch
            .iter()
            .take_while(|e| {
                c.last_day
                    .is_none_or(|day| e.ts.get(..10).is_some_and(|d| d <= day))
            })
            .count();
        let Some((wanted_seq, wanted_hash)) = wanted
            .checked_sub(1)
            .and_then(|i| batch.get(i))
            .map(|e| (e.seq, e.hash.clone()))
        else {
            continue;
        };
        // This device signs its own head; another device's events go up to
        // a head that device signed (src/exchange/origin.rs).
        let signature = if source == dev.device_id {
            batch.truncate(wanted);
            origin::sign_own(conn, &source, wanted_seq, &wanted_hash)?
        } else {
            let Some(end) = origin::relay_end(conn, &source, from, wanted_seq)? else {
                continue;
            };
            batch.retain(|e| e.seq <= end.seq);
            if batch.last().is_none_or(|e| e.hash != end.hash) {
                continue;
            }
            end.signature
        };
        if let (Some(first), Some(last)) = (batch.first(), batch.last()) {
            ranges.push(SourceRange {
                device_id: source.clone(),
                device_code: devices::code_of(conn, &source)?,
                first_seq: first.seq,
                last_seq: last.seq,
                events: batch.len() as u64,
                last_hash: last.hash.clone(),
                head_signature: Some(signature),
            });
        }
        chosen.extend(batch);
    }
    if chosen.is_empty() {
        return Ok(None);
    }
    let total = chosen.len() as u64;
    let mut events_text = String::with_capacity(chosen.len() * 600);
    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for (i, e) in chosen.iter().enumerate() {
        e.write_canonical(&mut events_text, true);
        events_text.push('\n');
        *kinds.entry(e.kind.clone()).or_default() += 1;
        if (i as u64 + 1).is_multiple_of(PROGRESS_EVERY) {
            progress(Progress {
                done: i as u64 + 1,
                total,
            });
        }
    }
    let (cases_text, cases) = cases_csv(conn, &chosen)?;
    let digest = |b: &[u8]| MemberDigest {
        sha256: hex::encode(Sha256::digest(b)),
        bytes: b.len() as u64,
    };
    let mut members = BTreeMap::new();
    members.insert(manifest::EVENTS.to_owned(), digest(events_text.as_bytes()));
    members.insert(manifest::CASES.to_owned(), digest(cases_text.as_bytes()));
    let scans = match c.scans {
        Scans::Beside => scan_files::to_carry(conn, &chosen)?,
        Scans::Left => Vec::new(),
    };
    for s in &scans {
        members.insert(
            scan_files::member(&s.sha256),
            MemberDigest {
                sha256: s.sha256.clone(),
                bytes: s.bytes,
            },
        );
    }
    let m = Manifest {
        format: manifest::FORMAT.to_owned(),
        version: manifest::VERSION,
        center_code: dev.center_code.clone(),
        center_name: dev.center_name.clone(),
        device_id: dev.device_id.clone(),
        device_code: dev.device_code.clone(),
        device_role: dev.role,
        key_fingerprint: keys::fingerprint(&public_key),
        public_key,
        destination: c.destination.to_owned(),
        batch_no: c.batch_no,
        date: c.date,
        created_at: now.to_rfc3339_opts(SecondsFormat::Millis, false),
        previous_manifest_sha256: c.previous_manifest.clone(),
        sources: ranges.clone(),
        event_count: total,
        kinds,
        members,
    };
    let manifest_bytes =
        serde_json::to_vec_pretty(&m).map_err(|e| StoreError::Encode(e.to_string()))?;
    let manifest_sha256 = hex::encode(Sha256::digest(&manifest_bytes));
    let signature = keys::sign(conn, &manifest_bytes)?;
    let zip_bytes = zip_members(&[
        (manifest::MANIFEST, &manifest_bytes),
        (manifest::SIGNATURE, signature.as_bytes()),
        (manifest::EVENTS, events_text.as_bytes()),
        (manifest::CASES, cases_text.as_bytes()),
    ])?;
    Ok(Some(Composed {
        zip_bytes,
        manifest: m,
        manifest_sha256,
        ranges,
        total,
        cases,
        batch_no: c.batch_no,
        scans,
    }))
}

/// "中心" for the default destination, else the device code.
pub fn destination_label(destination: &str) -> String {
    if destination == DEFAULT_DESTINATION {
        "中心".to_owned()
    } else {
        format!("设备 {destination}")
    }
}

fn write_error(path: &Path, reason: &str) -> ExchangeError {
    ExchangeError::Write {
        path: path.display().to_string(),
        reason: reason.to_owned(),
    }
}

/// The number and manifest hash of the last batch sent to `destination`.
fn last_export(conn: &Connection, destination: &str) -> Result<(i64, Option<String>), StoreError> {
    Ok(conn
        .query_row(
            "SELECT batch_no, manifest_sha256 FROM batch_exports WHERE destination = ?1
             ORDER BY batch_no DESC LIMIT 1",
            [destination],
            |r| Ok((r.get(0)?, Some(r.get(1)?))),
        )
        .optional()?
        .unwrap_or((0, None)))
}

/// Per source device, the last seq already sent to `destination` (in
/// batches up to `since_batch`, when given; since the revocation of the
/// device that last held the code, if any).
fn already_sent(
    conn: &Connection,
    destination: &str,
    since_batch: Option<i64>,
) -> Result<HashMap<String, i64>, StoreError> {
    // A code whose laptop was revoked starts afresh: the laptop joining
    // again under it has nothing yet (src/exchange/devices.rs `revoke`).
    let mut stmt = conn.prepare(
        "SELECT ranges FROM batch_exports WHERE destination = ?1 AND batch_no <= ?2
           AND created_at > coalesce((SELECT max(revoked_at) FROM devices WHERE device_code = ?1), '')",
    )?;
    let rows = stmt.query_map(params![destination, since_batch.unwrap_or(i64::MAX)], |r| {
        r.get::<_, String>(0)
    })?;
    let mut sent: HashMap<String, i64> = HashMap::new();
    for text in rows {
        let ranges: Vec<(String, i64)> = serde_json::from_str(&text?).unwrap_or_default();
        for (device, last) in ranges {
            let e = sent.entry(device).or_insert(0);
            *e = (*e).max(last);
        }
    }
    Ok(sent)
}

/// A name in `dir` not yet taken: `{stem}.bmb`, else `{stem}-2.bmb` …
fn free_name(dir: &Path, stem: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.bmb"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.bmb"));
        n += 1;
    }
    path
}

/// A zip (deflate) of `members` in order, in memory.
pub(crate) fn zip_members(members: &[(&str, &[u8])]) -> crate::Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| StoreError::Encode(format!("无法打包批次：{e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in members {
        zip.start_file(*name, options).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

/// `cases.csv`: one row per case the batch touches, for a person to read
/// (UTF-8 with BOM so Excel and WPS show the Chinese text).
fn cases_csv(conn: &Connection, events: &[Event]) -> crate::Result<(String, usize)> {
    let mut per_case: BTreeMap<&str, (u64, &str)> = BTreeMap::new();
    for e in events {
        if let Some(case) = e.case_id.as_deref() {
            let entry = per_case.entry(case).or_insert((0, ""));
            entry.0 += 1;
            entry.1 = &e.kind;
        }
    }
    let mut out = String::from("\u{feff}");
    crate::reports::csv::line(
        &mut out,
        &[
            "办件编号",
            "事项",
            "申请人",
            "受理日期",
            "承诺办结日期",
            "当前状态",
            "本批事件数",
            "最后一步",
        ]
        .map(str::to_owned),
    );
    let mut stmt = conn.prepare_cached(
        "SELECT case_no, matter_name, applicant_name, received_on, coalesce(due_date, ''), state
         FROM cases WHERE case_id = ?1",
    )?;
    let mut written = BTreeSet::new();
    for (case_id, (count, last_kind)) in &per_case {
        let row = stmt
            .query_row([case_id], |r| {
                Ok([
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ])
            })
            .optional()
            .map_err(StoreError::from)?;
        let Some([no, matter, name, received, due, state]) = row else {
            continue;
        };
        let state = crate::lifecycle::State::parse(&state).map_or(state, |s| s.label().to_owned());
        crate::reports::csv::line(
            &mut out,
            &[
                no,
                matter,
                crate::applicant::mask::name(&name),
                received,
                due,
                state,
                count.to_string(),
                (*last_kind).to_owned(),
            ],
        );
        written.insert(*case_id);
    }
    Ok((out, written.len()))
}
