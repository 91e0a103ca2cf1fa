//! The query tables as a function of the event log. The store names no
//! area of the program: each area declares one [`Projector`] (the event
//! kinds it claims, the tables it owns, how an event changes them), and
//! the list of them lives at the crate root (`src/projections.rs`). [`apply`]
//! hands an event to the projector that claims its kind; [`replay`] empties
//! every projection and applies the whole log again in the canonical order.

use std::collections::HashMap;
use std::sync::OnceLock;

use rusqlite::Transaction;
use serde::de::DeserializeOwned;

use super::events::{self, Event};
use super::order;
use super::StoreError;

/// What one area owns of the query tables.
pub struct Projector {
    /// The area, as a reader finds it (`lifecycle`, `service::evaluation` …).
    pub area: &'static str,
    /// The event kinds this area appends and projects; no other area claims them.
    pub kinds: &'static [&'static str],
    /// The tables this area fills from its events; emptied on rebuild.
    pub tables: &'static [&'static str],
    /// Applies one event of the claimed kinds, in the caller's transaction.
    pub apply: fn(&Transaction<'_>, &Event) -> crate::Result<()>,
}

/// Tables the store itself fills while projecting: the conflicts found on
/// import (see [`apply_tolerant`]).
pub const STORE_TABLES: &[&str] = &["conflicts"];

/// The projectors of every area, as the crate root lists them.
fn projectors() -> &'static [&'static Projector] {
    crate::projections::ALL
}

/// The projector that claims `kind`, if any.
pub fn claiming(kind: &str) -> Option<&'static Projector> {
    static BY_KIND: OnceLock<HashMap<&'static str, &'static Projector>> = OnceLock::new();
    BY_KIND
        .get_or_init(|| {
            let mut map = HashMap::new();
            for p in projectors() {
                for kind in p.kinds {
                    map.insert(*kind, *p);
                }
            }
            map
        })
        .get(kind)
        .copied()
}

/// Every projection table: the store's own, then each area's.
pub fn tables() -> Vec<&'static str> {
    let mut out = STORE_TABLES.to_vec();
    for p in projectors() {
        out.extend_from_slice(p.tables);
    }
    out
}

/// Applies one event to the projections: the projector that claims its
/// kind applies it; a kind nobody claims is refused.
pub fn apply(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    match claiming(&event.kind) {
        Some(p) => (p.apply)(tx, event),
        None => Err(unknown_kind(event)),
    }
}

/// The error for an event whose kind no part of this program projects.
pub fn unknown_kind(event: &Event) -> crate::error::Error {
    StoreError::BadEvent {
        device: event.device_id.clone(),
        seq: event.seq,
        reason: format!("未知的事件类型 {}", event.kind),
    }
    .into()
}

/// Decodes an event's payload into the struct its kind names.
pub fn payload<T: DeserializeOwned>(event: &Event) -> Result<T, StoreError> {
    T::deserialize(&event.payload).map_err(|e| StoreError::BadEvent {
        device: event.device_id.clone(),
        seq: event.seq,
        reason: e.to_string(),
    })
}

/// Applies one event that came from elsewhere (an import, a replay): an
/// event the rules refuse in the canonical order — a second 办结 of the same
/// case from another device — is kept in the log, recorded in `conflicts`
/// for a manager, and changes nothing else. A storage failure still aborts.
pub fn apply_tolerant(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    let run = |sql: &str| -> Result<(), StoreError> {
        tx.prepare_cached(sql)?.execute([])?;
        Ok(())
    };
    run("SAVEPOINT apply_one")?;
    match apply(tx, event) {
        Ok(()) => {
            run("RELEASE apply_one")?;
            Ok(())
        }
        Err(e) => {
            run("ROLLBACK TO apply_one")?;
            run("RELEASE apply_one")?;
            if !is_conflict(&e) {
                return Err(e);
            }
            tx.prepare_cached(
                "INSERT OR REPLACE INTO conflicts (device_id, seq, case_id, kind, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    event.device_id,
                    event.seq,
                    event.case_id,
                    event.kind,
                    e.to_string()
                ])
            })
            .map_err(StoreError::from)?;
            Ok(())
        }
    }
}

/// How many events [`apply_all_tolerant`] applies under one savepoint.
const CHUNK: usize = 256;

/// Applies `events` in order as [`apply_tolerant`] would, one savepoint
/// per chunk instead of per event (a savepoint per event was 15 % of an
/// import): a chunk in which any event fails is rolled back and applied
/// again event by event, so what stands and what is flagged is the same.
pub fn apply_all_tolerant<'e>(
    tx: &Transaction<'_>,
    events: impl IntoIterator<Item = &'e Event>,
    mut after_each: impl FnMut(usize) -> crate::Result<()>,
) -> crate::Result<()> {
    let run = |sql: &str| -> Result<(), StoreError> {
        tx.prepare_cached(sql)?.execute([])?;
        Ok(())
    };
    let events: Vec<&Event> = events.into_iter().collect();
    for (n, chunk) in events.chunks(CHUNK).enumerate() {
        run("SAVEPOINT apply_chunk")?;
        let clean = chunk.iter().try_for_each(|e| apply(tx, e)).is_ok();
        if !clean {
            run("ROLLBACK TO apply_chunk")?;
        }
        run("RELEASE apply_chunk")?;
        if !clean {
            for e in chunk {
                apply_tolerant(tx, e)?;
            }
        }
        for i in 0..chunk.len() {
            after_each(n * CHUNK + i)?;
        }
    }
    Ok(())
}

/// Whether an error applying an event is the event's fault (a rule or a
/// constraint it breaks in this order) rather than the storage's.
fn is_conflict(e: &crate::error::Error) -> bool {
    match e {
        crate::error::Error::Store(StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))) => {
            f.code == rusqlite::ErrorCode::ConstraintViolation
        }
        crate::error::Error::Store(StoreError::BadEvent { .. }) => true,
        crate::error::Error::Store(_) => false,
        _ => true,
    }
}

/// Empties every projection and applies the whole log again in the
/// canonical order ([`super::order`]), inside the caller's transaction.
/// Returns how many events were replayed.
pub fn replay(tx: &Transaction<'_>) -> crate::Result<usize> {
    // Deferred so that rows can be emptied and refilled in any order.
    tx.pragma_update(None, "defer_foreign_keys", "ON")
        .map_err(StoreError::from)?;
    for table in tables() {
        tx.execute(&format!("DELETE FROM {table}"), [])
            .map_err(StoreError::from)?;
    }
    tx.execute("DELETE FROM device_clocks", [])
        .map_err(StoreError::from)?;
    tx.execute("DELETE FROM event_order", [])
        .map_err(StoreError::from)?;
    let keyed = order::keyed(events::all(tx)?)?;
    let mut clocks = order::Clocks::default();
    apply_all_tolerant(tx, keyed.iter().map(|(_, e)| e), |i| {
        clocks.advance(&keyed[i].0);
        Ok(())
    })?;
    order::record_all(tx, &keyed, |(key, _)| key)?;
    clocks.save(tx)?;
    if let Some((key, _)) = keyed.last() {
        order::set_head(
            tx,
            &order::Head {
                key: key.clone(),
                stale: false,
            },
        )?;
    }
    Ok(keyed.len())
}
