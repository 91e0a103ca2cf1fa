//! 分叉: two different events, each proven by its device's own signature,
//! claiming the same place (device, seq) in that device's chain. Only the
//! device itself — or someone holding its key — can make both, so this is
//! never a conflict to resolve but a device to look into: the batch is
//! refused, both events are kept here for a manager (the 数据交换 screen,
//! `bianmin device forks`), who revokes the key
//! ([`super::devices::revoke`]) and lets the laptop join again with a new
//! one.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::{params, Connection};
use serde::Serialize;

use super::devices;
use crate::store::events::Event;
use crate::store::{Store, StoreError};

/// The two events of a fork, found while chaining a batch.
#[derive(Debug, Clone)]
pub struct Detected {
    pub device_id: String,
    pub seq: i64,
    /// The event this machine holds (or holds back for a gap).
    pub held: Event,
    /// The other one, from the batch being imported.
    pub other: Event,
}

/// One side of a fork as a manager sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub at: String,
    pub kind: String,
    pub what: &'static str,
    pub hash: String,
}

/// A fork recorded on this machine.
#[derive(Debug, Clone, Serialize)]
pub struct Fork {
    pub device_code: String,
    pub seq: i64,
    pub held: Side,
    pub other: Side,
    /// The batch that brought the other event, and who wrote it.
    pub batch_file: String,
    pub writer_code: String,
    pub detected_at: String,
    /// Whether that device's key has been revoked since.
    pub revoked: bool,
}

/// Records `fork`, in its own transaction (the import that found it was
/// refused and rolled back). A fork already recorded is kept as it was.
pub fn record(
    store: &mut Store,
    fork: &Detected,
    batch_file: &str,
    writer_code: &str,
    now: DateTime<FixedOffset>,
) -> crate::Result<()> {
    let encode =
        |e: &Event| serde_json::to_string(e).map_err(|x| StoreError::Encode(x.to_string()));
    let (held, other) = (encode(&fork.held)?, encode(&fork.other)?);
    store.write(|tx| {
        tx.execute(
            "INSERT OR IGNORE INTO forks (device_id, seq, held_event, other_event, batch_file, writer_code, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                fork.device_id,
                fork.seq,
                held,
                other,
                batch_file,
                writer_code,
                now.to_rfc3339_opts(SecondsFormat::Millis, false)
            ],
        )
        .map_err(StoreError::from)?;
        Ok(())
    })
}

fn side(text: &str) -> Result<Side, StoreError> {
    let e: Event = serde_json::from_str(text).map_err(|x| StoreError::Encode(x.to_string()))?;
    Ok(Side {
        what: crate::lifecycle::timeline::describe(&e.kind),
        at: e.ts,
        kind: e.kind,
        hash: e.hash,
    })
}

/// Every fork recorded here, newest first.
pub fn list(conn: &Connection) -> crate::Result<Vec<Fork>> {
    let mut stmt = conn
        .prepare(
            "SELECT device_id, seq, held_event, other_event, batch_file, writer_code, detected_at
             FROM forks ORDER BY detected_at DESC, device_id, seq",
        )
        .map_err(StoreError::from)?;
    type Row = (String, i64, String, String, String, String, String);
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .map_err(StoreError::from)?
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)?;
    let mut out = Vec::with_capacity(rows.len());
    for (device_id, seq, held, other, batch_file, writer_code, detected_at) in rows {
        let revoked = devices::find(conn, &device_id)?.is_some_and(|d| d.revoked_at.is_some());
        out.push(Fork {
            device_code: devices::code_of(conn, &device_id)?,
            seq,
            held: side(&held)?,
            other: side(&other)?,
            batch_file,
            writer_code,
            detected_at,
            revoked,
        });
    }
    Ok(out)
}
