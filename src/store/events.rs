//! The append-only event log: each device numbers its own events 1, 2, 3 …
//! without gaps and chains them by SHA-256, so a changed, removed or
//! reordered event is detected by [`super::verify`].
//!
//! `hash = SHA-256(canonical JSON of every field of the event, prev_hash
//! included)`; the first event of a device has `prev_hash` = 64 zeros.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{canonical, projection, StoreError};

/// `prev_hash` of a device's first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored event.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub event_id: String,
    pub device_id: String,
    pub seq: i64,
    pub ts: String,
    pub user_id: String,
    pub case_id: Option<String>,
    pub kind: String,
    pub payload: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// What a caller supplies to append an event; the log fills in the rest.
#[derive(Debug, Clone)]
pub struct Draft {
    pub user_id: String,
    pub case_id: Option<String>,
    pub kind: &'static str,
    pub payload: Value,
}

impl Draft {
    /// A draft whose payload is `payload` encoded as JSON.
    pub fn new<T: serde::Serialize>(
        user_id: &str,
        case_id: Option<&str>,
        kind: &'static str,
        payload: &T,
    ) -> Result<Draft, StoreError> {
        Ok(Draft {
            user_id: user_id.to_owned(),
            case_id: case_id.map(str::to_owned),
            kind,
            payload: serde_json::to_value(payload)
                .map_err(|e| StoreError::Encode(e.to_string()))?,
        })
    }
}

impl Event {
    /// The exact bytes that are hashed: every field but `hash`, as canonical
    /// JSON (keys in byte order: case_id, device_id, event_id, kind,
    /// payload, prev_hash, seq, ts, user_id). Written field by field rather
    /// than through a `json!` object, which would copy the payload; a unit
    /// test checks both give the same bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = String::with_capacity(256);
        self.write_canonical(&mut out, false);
        out.into_bytes()
    }

    /// Appends the event as canonical JSON: with its `hash` (between
    /// `event_id` and `kind`) as a batch carries it, or without, as it is
    /// hashed.
    pub fn write_canonical(&self, out: &mut String, with_hash: bool) {
        let text = |out: &mut String, key: &str, value: &str| {
            out.push_str(key);
            canonical::write_str(value, out);
        };
        out.push_str("{\"case_id\":");
        match &self.case_id {
            Some(c) => canonical::write_str(c, out),
            None => out.push_str("null"),
        }
        text(out, ",\"device_id\":", &self.device_id);
        text(out, ",\"event_id\":", &self.event_id);
        if with_hash {
            text(out, ",\"hash\":", &self.hash);
        }
        text(out, ",\"kind\":", &self.kind);
        out.push_str(",\"payload\":");
        canonical::write(&self.payload, out);
        text(out, ",\"prev_hash\":", &self.prev_hash);
        // `fmt::Write` into a `String` cannot fail.
        let _ = write!(out, ",\"seq\":{}", self.seq);
        text(out, ",\"ts\":", &self.ts);
        text(out, ",\"user_id\":", &self.user_id);
        out.push('}');
    }

    /// The hash this event should carry.
    pub fn compute_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_bytes()))
    }

    pub(crate) fn from_row(row: &Row<'_>) -> Result<Event, StoreError> {
        let device_id: String = row.get("device_id")?;
        let seq: i64 = row.get("seq")?;
        let payload: String = row.get("payload")?;
        let payload = serde_json::from_str(&payload).map_err(|e| StoreError::BadEvent {
            device: device_id.clone(),
            seq,
            reason: e.to_string(),
        })?;
        Ok(Event {
            event_id: row.get("event_id")?,
            device_id,
            seq,
            ts: row.get("ts")?,
            user_id: row.get("user_id")?,
            case_id: row.get("case_id")?,
            kind: row.get("kind")?,
            payload,
            prev_hash: row.get("prev_hash")?,
            hash: row.get("hash")?,
        })
    }
}

/// The newest (seq, hash) of a device, if it has any events.
pub fn head(conn: &Connection, device_id: &str) -> Result<Option<(i64, String)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM events WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
            [device_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Appends one event of this device and applies it to the projections, in
/// the caller's transaction.
pub fn append(
    tx: &Transaction<'_>,
    device_id: &str,
    now: DateTime<FixedOffset>,
    draft: Draft,
) -> crate::Result<Event> {
    let (seq, prev_hash) = match head(tx, device_id)? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let now = super::order::stamp(tx, device_id, now)?;
    let mut event = Event {
        event_id: uuid::Uuid::now_v7().to_string(),
        device_id: device_id.to_owned(),
        seq,
        ts: now.to_rfc3339_opts(SecondsFormat::Millis, false),
        user_id: draft.user_id,
        case_id: draft.case_id,
        kind: draft.kind.to_owned(),
        payload: draft.payload,
        prev_hash,
        hash: String::new(),
    };
    event.hash = event.compute_hash();
    insert(tx, &event)?;
    projection::apply(tx, &event)?;
    super::order::note_local(tx, &event)?;
    Ok(event)
}

/// Appends an event of this device (the identity `bianmin init` wrote).
pub fn append_here(
    tx: &Transaction<'_>,
    now: DateTime<FixedOffset>,
    draft: Draft,
) -> crate::Result<Event> {
    let dev = super::device::load(tx)?;
    append(tx, &dev.device_id, now, draft)
}

/// How many events [`insert_all`] makes payload texts for at once: a
/// whole number of statements.
const SLICE: usize = 64 * super::rows::PER_STATEMENT;

/// Inserts events that came from elsewhere, in the order given, several
/// to a statement ([`super::rows`]). In a large import, the next slice's
/// payload texts are made on another core while this slice is inserted
/// (making them was 4 % of an import).
pub(crate) fn insert_all<T: Sync>(
    tx: &Transaction<'_>,
    items: &[T],
    event: impl Fn(&T) -> &Event + Sync,
) -> Result<(), StoreError> {
    let texts = |slice: &[T]| -> Vec<String> {
        slice
            .iter()
            .map(|i| canonical::to_string(&event(i).payload))
            .collect()
    };
    let insert = |slice: &[T], payloads: Vec<String>| -> Result<(), StoreError> {
        let rows: Vec<(&Event, String)> = slice.iter().map(&event).zip(payloads).collect();
        super::rows::insert_all(
            tx,
            "INSERT INTO events (event_id, device_id, seq, ts, user_id, case_id, kind, payload, prev_hash, hash)",
            &rows,
            |(e, payload)| {
                [
                    &e.event_id,
                    &e.device_id,
                    &e.seq,
                    &e.ts,
                    &e.user_id,
                    &e.case_id,
                    &e.kind,
                    payload,
                    &e.prev_hash,
                    &e.hash,
                ]
            },
        )
    };
    if items.len() <= SLICE {
        return insert(items, texts(items));
    }
    std::thread::scope(|scope| {
        let mut slices = items.chunks(SLICE);
        let mut current = slices.next().map(|s| (s, texts(s)));
        while let Some((slice, payloads)) = current.take() {
            // Made elsewhere while this slice goes in; here if no thread
            // could be started.
            let next = slices.next().map(|s| {
                let made = std::thread::Builder::new().spawn_scoped(scope, move || texts(s));
                (s, made)
            });
            insert(slice, payloads)?;
            current = next.map(|(s, made)| {
                let payloads = made.ok().and_then(|h| h.join().ok());
                (s, payloads.unwrap_or_else(|| texts(s)))
            });
        }
        Ok(())
    })
}

/// Inserts one event (this device's, just appended): [`insert_all`] of one.
pub(crate) fn insert(tx: &Transaction<'_>, e: &Event) -> Result<(), StoreError> {
    insert_all(tx, std::slice::from_ref(e), |e| e)
}

const SELECT: &str =
    "SELECT event_id, device_id, seq, ts, user_id, case_id, kind, payload, prev_hash, hash FROM events";

/// Every event in this file's order of arrival.
pub fn all(conn: &Connection) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY pos"))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(Event::from_row(row)?);
    }
    Ok(out)
}

/// The event `seq` of a device, if this file holds it.
pub fn at(conn: &Connection, device_id: &str, seq: i64) -> Result<Option<Event>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE device_id = ?1 AND seq = ?2"))?;
    let mut rows = stmt.query(rusqlite::params![device_id, seq])?;
    match rows.next()? {
        Some(row) => Ok(Some(Event::from_row(row)?)),
        None => Ok(None),
    }
}

/// The events of one case in the canonical order, oldest first.
pub fn for_case(conn: &Connection, case_id: &str) -> Result<Vec<Event>, StoreError> {
    // In the canonical order (src/store/order.rs), the same on every
    // device whatever order the events arrived in.
    let mut stmt = conn.prepare_cached(
        "SELECT e.event_id, e.device_id, e.seq, e.ts, e.user_id, e.case_id, e.kind, e.payload, e.prev_hash, e.hash
         FROM events e LEFT JOIN event_order o ON o.device_id = e.device_id AND o.seq = e.seq
         WHERE e.case_id = ?1 ORDER BY o.ms, e.device_id, e.seq",
    )?;
    let mut rows = stmt.query([case_id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(Event::from_row(row)?);
    }
    Ok(out)
}

/// The hash of a device's event `seq`, if this file holds it.
pub fn hash_at(conn: &Connection, device_id: &str, seq: i64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT hash FROM events WHERE device_id = ?1 AND seq = ?2")?
        .query_row(params![device_id, seq], |r| r.get(0))
        .optional()?)
}

/// A device's events with seq in `first..=last`, in seq order.
pub fn range(
    conn: &Connection,
    device_id: &str,
    first: i64,
    last: i64,
) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE device_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq"
    ))?;
    let mut rows = stmt.query(params![device_id, first, last])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(Event::from_row(row)?);
    }
    Ok(out)
}

/// Every device this file holds events of, with its newest seq.
pub fn heads(conn: &Connection) -> Result<Vec<(String, i64)>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT device_id, max(seq) FROM events GROUP BY device_id ORDER BY device_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_hashed_bytes_are_the_canonical_json_of_every_field_but_the_hash() {
        for case_id in [None, Some("c-1\"𠮷".to_owned())] {
            let e = Event {
                event_id: "e".into(),
                device_id: "d\\".into(),
                seq: 42,
                ts: "2026-11-23T09:30:00.000+08:00".into(),
                user_id: "u".into(),
                case_id,
                kind: "case.received".into(),
                payload: json!({"b": [1, null, "x"], "a": {"z": true, "y": "😀\u{200f}"}}),
                prev_hash: GENESIS_HASH.into(),
                hash: String::new(),
            };
            let v = json!({
                "event_id": e.event_id,
                "device_id": e.device_id,
                "seq": e.seq,
                "ts": e.ts,
                "user_id": e.user_id,
                "case_id": e.case_id,
                "kind": e.kind,
                "payload": e.payload,
                "prev_hash": e.prev_hash,
            });
            assert_eq!(
                String::from_utf8(e.canonical_bytes()).unwrap(),
                canonical::to_string(&v)
            );
            // A batch's line: the same with the hash, as serde would write
            // the whole event.
            let mut line = String::new();
            e.write_canonical(&mut line, true);
            assert_eq!(
                line,
                canonical::to_string(&serde_json::to_value(&e).unwrap())
            );
        }
    }

    /// `n` events of one device, each with a payload of its own.
    fn numbered(n: usize) -> Vec<Event> {
        (1..=n as i64)
            .map(|seq| Event {
                event_id: format!("e{seq}"),
                device_id: "d".into(),
                seq,
                ts: "2026-11-23T09:30:00.000+08:00".into(),
                user_id: "u".into(),
                case_id: (seq % 3 != 0).then(|| format!("c{}", seq % 7)),
                kind: "case.received".into(),
                payload: json!({"n": seq, "名": format!("王芳{seq}"), "a": [seq % 2 == 0]}),
                prev_hash: GENESIS_HASH.into(),
                hash: format!("h{seq}"),
            })
            .collect()
    }

    #[test]
    fn insert_all_stores_every_event_in_order_with_its_canonical_payload() {
        // Below one slice, one slice plus one statement and a row, and
        // several slices (their payloads made on another thread).
        for n in [
            3,
            SLICE + super::super::rows::PER_STATEMENT + 1,
            2 * SLICE + 5,
        ] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = super::super::Store::open(&dir.path().join("e.db")).unwrap();
            let events = numbered(n);
            let keyed: Vec<(usize, Event)> = events.iter().cloned().enumerate().collect();
            store
                .write(|tx| insert_all(tx, &keyed, |(_, e)| e))
                .unwrap();
            let stored: Vec<(i64, String, String, Option<String>)> = store
                .conn()
                .prepare("SELECT pos, event_id, payload, case_id FROM events ORDER BY pos")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            // Stored in the order given, each with its own canonical payload.
            let expected: Vec<(i64, String, String, Option<String>)> = (1..)
                .zip(&events)
                .map(|(pos, e)| {
                    let payload = canonical::to_string(&e.payload);
                    (pos, e.event_id.clone(), payload, e.case_id.clone())
                })
                .collect();
            assert_eq!(stored.len(), n);
            assert_eq!(stored, expected, "{n} events");
            assert_eq!(all(store.conn()).unwrap(), events, "{n} events");
        }
    }
}
