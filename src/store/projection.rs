//! The query tables as a function of the event log: [`apply`] sends each
//! event to the area that owns its table, and [`rebuild`] empties every
//! projection and replays the whole log in arrival order.

use rusqlite::Transaction;
use serde::de::DeserializeOwned;

use super::events::{self, kinds, Event};
use super::{Store, StoreError};
use crate::service::{complaints, consultation, evaluation};
use crate::{auth, calendar, catalogue, center, documents, intake, lifecycle};

/// Every projection table, children before parents (the order to empty them).
pub const TABLES: &[&str] = &[
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
    serde_json::from_value(event.payload.clone()).map_err(|e| StoreError::BadEvent {
        device: event.device_id.clone(),
        seq: event.seq,
        reason: e.to_string(),
    })
}

/// Empties every projection and replays the log, in one transaction; a
/// manager's or admin's act. Returns how many events were replayed.
pub fn rebuild(store: &mut Store, session: &crate::auth::Session) -> crate::Result<usize> {
    session.authorize(store.conn(), crate::auth::Action::Maintain)?;
    store.write(|tx| {
        // Deferred so that rows can be emptied and refilled in any order.
        tx.pragma_update(None, "defer_foreign_keys", "ON")
            .map_err(StoreError::from)?;
        for table in TABLES {
            tx.execute(&format!("DELETE FROM {table}"), [])
                .map_err(StoreError::from)?;
        }
        let all = events::all(tx)?;
        for event in &all {
            apply(tx, event)?;
        }
        Ok(all.len())
    })
}
