//! The canonical order of events. Every device applies the events it holds
//! to its projections in this order, whatever order they arrived in, so two
//! devices holding the same events hold the same projections.
//!
//! The key of an event is (effective time, device id, seq). A device's
//! effective time is the time of its event, but never earlier than that of
//! its own previous event: a clock set back cannot move a device's events
//! before their causes. And a device never stamps a new event earlier than
//! an event of another device it has already applied ([`stamp`]): a step
//! taken on a case received elsewhere sorts after the intake, even when
//! this machine's clock is behind.
//!
//! [`projection_head`] remembers the greatest key applied; an event that
//! sorts before it (a late batch) makes the next import replay the log.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::events::Event;
use super::StoreError;

/// Where an event stands in the canonical order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub ms: i64,
    pub device_id: String,
    pub seq: i64,
}

/// Milliseconds since the epoch of an event's RFC 3339 time.
pub fn event_ms(event: &Event) -> Result<i64, StoreError> {
    DateTime::parse_from_rfc3339(&event.ts)
        .map(|t| t.timestamp_millis())
        .map_err(|e| StoreError::BadEvent {
            device: event.device_id.clone(),
            seq: event.seq,
            reason: format!("时间“{}”无法识别：{e}", event.ts),
        })
}

/// Running per-device clocks: the effective time of each device's latest event.
#[derive(Debug, Default, Clone)]
pub struct Clocks(HashMap<String, i64>);

impl Clocks {
    /// The clocks stored in this file.
    pub fn load(conn: &Connection) -> Result<Clocks, StoreError> {
        let mut stmt = conn.prepare("SELECT device_id, max_ms FROM device_clocks")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut map = HashMap::new();
        for row in rows {
            let (device, ms): (String, i64) = row?;
            map.insert(device, ms);
        }
        Ok(Clocks(map))
    }

    /// The key of `event`, which must be its device's next event after
    /// those already seen; advances that device's clock.
    pub fn key(&mut self, event: &Event) -> Result<Key, StoreError> {
        let ms = event_ms(event)?;
        let clock = self.0.entry(event.device_id.clone()).or_insert(i64::MIN);
        *clock = (*clock).max(ms);
        Ok(Key {
            ms: *clock,
            device_id: event.device_id.clone(),
            seq: event.seq,
        })
    }

    /// Takes `key`'s time as its device's clock when it is later.
    pub fn advance(&mut self, key: &Key) {
        let clock = self.0.entry(key.device_id.clone()).or_insert(i64::MIN);
        *clock = (*clock).max(key.ms);
    }

    /// Writes every clock back.
    pub fn save(&self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO device_clocks (device_id, max_ms) VALUES (?1, ?2)
             ON CONFLICT (device_id) DO UPDATE SET max_ms = excluded.max_ms",
        )?;
        for (device, ms) in &self.0 {
            stmt.execute(params![device, ms])?;
        }
        Ok(())
    }
}

/// The greatest key applied and whether a replay is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub key: Key,
    pub stale: bool,
}

/// Where the projections stand; `None` for a file without events, or one
/// made before the canonical order existed (then it has events but no head).
pub fn projection_head(conn: &Connection) -> Result<Option<Head>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT ms, device_id, seq, stale FROM projection_head WHERE singleton = 1",
        )?
        .query_row([], |r| {
            Ok(Head {
                key: Key {
                    ms: r.get(0)?,
                    device_id: r.get(1)?,
                    seq: r.get(2)?,
                },
                stale: r.get(3)?,
            })
        })
        .optional()?)
}

/// Records where the projections stand.
pub fn set_head(tx: &Transaction<'_>, head: &Head) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO projection_head (singleton, ms, device_id, seq, stale) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (singleton) DO UPDATE SET ms = excluded.ms, device_id = excluded.device_id,
             seq = excluded.seq, stale = excluded.stale",
    )?
    .execute(params![
        head.key.ms,
        head.key.device_id,
        head.key.seq,
        head.stale
    ])?;
    Ok(())
}

/// Whether the projections must be replayed before new events are applied
/// after those keys: a late event was applied, or the file predates the head.
pub fn needs_replay(conn: &Connection) -> Result<bool, StoreError> {
    match projection_head(conn)? {
        Some(head) => Ok(head.stale),
        None => {
            let any: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
            Ok(any > 0)
        }
    }
}

/// The time to stamp on a new event of `device_id`: `now`, unless an event
/// of another device already applied here is later; then one millisecond
/// after it (kept in `now`'s offset).
pub fn stamp(
    conn: &Connection,
    device_id: &str,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, StoreError> {
    let others: Option<i64> = conn
        .prepare_cached("SELECT max(max_ms) FROM device_clocks WHERE device_id <> ?1")?
        .query_row([device_id], |r| r.get(0))?;
    match others {
        Some(ms) if ms >= now.timestamp_millis() => {
            Ok(now + Duration::milliseconds(ms + 1 - now.timestamp_millis()))
        }
        _ => Ok(now),
    }
}

/// Remembers where an event stands (`event_order`), for reading a case's
/// history in this order ([`super::events::for_case`]).
pub fn record(tx: &Transaction<'_>, key: &Key) -> Result<(), StoreError> {
    record_all(tx, std::slice::from_ref(key), |k| k)
}

/// [`record`] for many events at once, several to a statement.
pub fn record_all<T>(
    tx: &Transaction<'_>,
    items: &[T],
    key: impl Fn(&T) -> &Key,
) -> Result<(), StoreError> {
    super::rows::insert_all(
        tx,
        "INSERT OR REPLACE INTO event_order (device_id, seq, ms)",
        items,
        |i| {
            let k = key(i);
            [&k.device_id, &k.seq, &k.ms]
        },
    )
}

/// The key of every event held, in the canonical order.
pub fn keyed(all: Vec<Event>) -> Result<Vec<(Key, Event)>, StoreError> {
    let mut all = all;
    all.sort_by(|a, b| (&a.device_id, a.seq).cmp(&(&b.device_id, b.seq)));
    let mut clocks = Clocks::default();
    let mut keyed = Vec::with_capacity(all.len());
    for event in all {
        keyed.push((clocks.key(&event)?, event));
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed)
}

/// Fills `event_order` from the events already held (schema step 10).
pub fn fill(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("DELETE FROM event_order", [])?;
    record_all(tx, &keyed(super::events::all(tx)?)?, |(key, _)| key)
}

/// Notes that `event` (this device's own, just appended) was applied.
pub fn note_local(tx: &Transaction<'_>, event: &Event) -> Result<(), StoreError> {
    let ms = event_ms(event)?;
    let clock: Option<i64> = tx
        .prepare_cached("SELECT max_ms FROM device_clocks WHERE device_id = ?1")?
        .query_row([&event.device_id], |r| r.get(0))
        .optional()?;
    let ms = clock.map_or(ms, |c| c.max(ms));
    tx.prepare_cached(
        "INSERT INTO device_clocks (device_id, max_ms) VALUES (?1, ?2)
         ON CONFLICT (device_id) DO UPDATE SET max_ms = excluded.max_ms",
    )?
    .execute(params![event.device_id, ms])?;
    let key = Key {
        ms,
        device_id: event.device_id.clone(),
        seq: event.seq,
    };
    record(tx, &key)?;
    let head = match projection_head(tx)? {
        Some(head) if head.key < key => Head {
            key,
            stale: head.stale,
        },
        Some(head) => Head {
            key: head.key,
            stale: true,
        },
        // The first event of a new file, or the first since migration 4 of
        // a file that has others: those were applied in arrival order.
        None => Head {
            key,
            stale: event.seq > 1 || needs_replay_without_head(tx, event)?,
        },
    };
    set_head(tx, &head)
}

fn needs_replay_without_head(conn: &Connection, event: &Event) -> Result<bool, StoreError> {
    let others: i64 = conn.query_row(
        "SELECT count(*) FROM events WHERE NOT (device_id = ?1 AND seq = ?2)",
        params![event.device_id, event.seq],
        |r| r.get(0),
    )?;
    Ok(others > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn ev(device: &str, seq: i64, ts: &str) -> Event {
        Event {
            event_id: format!("{device}-{seq}"),
            device_id: device.into(),
            seq,
            ts: ts.into(),
            user_id: "u".into(),
            case_id: None,
            kind: "x".into(),
            payload: Value::Null,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn time_then_device_then_seq() {
        let mut c = Clocks::default();
        let a = c.key(&ev("A", 1, "2026-11-23T09:30:00.000+08:00")).unwrap();
        let b = c.key(&ev("B", 1, "2026-11-23T09:30:00.000+08:00")).unwrap();
        let c1 = c.key(&ev("C", 1, "2026-11-23T01:29:59.999Z")).unwrap();
        assert!(a < b, "same time: device id decides");
        assert!(c1 < a, "offsets are compared as instants");
    }

    #[test]
    fn a_clock_set_back_does_not_reorder_a_devices_own_events() {
        let mut c = Clocks::default();
        let k1 = c.key(&ev("A", 1, "2026-11-23T10:00:00.000+08:00")).unwrap();
        let k2 = c.key(&ev("A", 2, "2026-11-23T09:00:00.000+08:00")).unwrap();
        assert!(k1 < k2);
        assert_eq!(k1.ms, k2.ms);
    }

    #[test]
    fn a_bad_time_is_an_error_not_a_panic() {
        let mut c = Clocks::default();
        assert!(c.key(&ev("A", 1, "yesterday")).is_err());
    }
}
