//! The query tables as a function of the event log: [`apply`] sends each
//! event to the area that owns its table, and [`rebuild`] empties every
//! projection and replays the whole log in arrival order.

use rusqlite::Transaction;
use serde::de::DeserializeOwned;

use super::events::{self, kinds, Event};
use super::order;
use super::{Store, StoreError};
use crate::service::{complaints, consultation, evaluation};
use crate::{auth, calendar, catalogue, center, documents, intake, lifecycle};

/// Every projection table, children before parents (the order to empty them).
pub const TABLES: &[&str] = &[
    "conflicts",
    "devices",
    "complaints",
    "follow_up_calls",
    "rectifications",
    "evaluations",
    "consultations",
    "printed_documents",
    "stand_ins",
    "center_profile",
    "case_materials",
    "cases",
    "daily_serials",
    "calendar_days",
    "calendar_years",
    "matters",
    "matter_versions",
    "users",
];

/// Applies one event to the projections.
pub fn apply(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    match event.kind.as_str() {
        kinds::USER_ADDED => auth::users::project_added(tx, event, payload(event)?),
        kinds::USER_DISABLED => auth::users::project_disabled(tx, payload(event)?),
        // Audit only: a manager saw a full ID number; no table changes.
        intake::lookup::ID_VIEWED => Ok(()),
        auth::users::LOGIN_FAILED | auth::users::LOGIN_RESET => {
            auth::users::project_attempt(tx, payload(event)?)
        }
        kinds::MATTER_PUBLISHED => catalogue::versions::project(tx, event, payload(event)?),
        kinds::CALENDAR_LOADED => calendar::schedule::project(tx, event, payload(event)?),
        kinds::CASE_RECEIVED => intake::record::project(tx, event, payload(event)?),
        kinds::CENTER_PROFILE_SET => center::project(tx, event, payload(event)?),
        kinds::DOCUMENT_PRINTED => documents::project(tx, event, payload(event)?),
        kinds::DEVICE_TRUSTED => crate::exchange::devices::project(tx, event, payload(event)?),
        kind if kind.starts_with("consultation.") => consultation::project(tx, event),
        kind if kind.starts_with("evaluation.")
            || kind.starts_with("rectification.")
            || kind.starts_with("followup.") =>
        {
            evaluation::project(tx, event)
        }
        kind if kind.starts_with("complaint.") => complaints::project(tx, event),
        lifecycle::stand_in::STAND_IN_SET => {
            lifecycle::stand_in::project(tx, event, payload(event)?)
        }
        kind if lifecycle::handling::is_lifecycle_kind(kind) => {
            lifecycle::handling::project(tx, event)
        }
        _ => Err(unknown_kind(event)),
    }
}

/// The error for an event whose kind no part of this program projects.
pub fn unknown_kind(event: &Event) -> crate::Error {
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

/// Whether an error applying an event is the event's fault (a rule or a
/// constraint it breaks in this order) rather than the storage's.
fn is_conflict(e: &crate::Error) -> bool {
    match e {
        crate::Error::Store(StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))) => {
            f.code == rusqlite::ErrorCode::ConstraintViolation
        }
        crate::Error::Store(StoreError::BadEvent { .. }) => true,
        crate::Error::Store(_) => false,
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
    for table in TABLES {
        tx.execute(&format!("DELETE FROM {table}"), [])
            .map_err(StoreError::from)?;
    }
    tx.execute("DELETE FROM device_clocks", [])
        .map_err(StoreError::from)?;
    let mut all = events::all(tx)?;
    all.sort_by(|a, b| (&a.device_id, a.seq).cmp(&(&b.device_id, b.seq)));
    let mut clocks = order::Clocks::default();
    let mut keyed = Vec::with_capacity(all.len());
    for event in all {
        keyed.push((clocks.key(&event)?, event));
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, event) in &keyed {
        apply_tolerant(tx, event)?;
    }
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

/// Empties every projection and replays the log, in one transaction; a
/// manager's or admin's act. Returns how many events were replayed.
pub fn rebuild(store: &mut Store, session: &crate::auth::Session) -> crate::Result<usize> {
    session.authorize(store.conn(), crate::auth::Action::Maintain)?;
    store.write(replay)
}
