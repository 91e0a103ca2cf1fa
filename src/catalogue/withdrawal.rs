//! Stopping a matter from being taken in (停用) and re-enabling it (启用).
//!
//! A withdrawn matter keeps its versions, and its cases keep theirs; only a
//! new intake of it is refused, with the reason the manager gave. Consulting
//! on it stays possible. Both steps are events, so they travel to every
//! device like a new version does.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{versions, CatalogueError, Matter};
use crate::auth::{Action, Session};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// Payload of `matter.withdrawn`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterWithdrawn {
    pub code: String,
    pub reason: String,
}

/// Payload of `matter.reinstated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterReinstated {
    pub code: String,
}

/// A matter stopped from being taken in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    pub code: String,
    pub reason: String,
    pub at: String,
    pub by: String,
}

/// The withdrawal of `code`, if it is withdrawn.
pub fn of(conn: &Connection, code: &str) -> Result<Option<Withdrawal>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT code, reason, withdrawn_at, withdrawn_by FROM matter_withdrawals WHERE code = ?1",
        )?
        .query_row([code.trim()], |r| {
            Ok(Withdrawal {
                code: r.get(0)?,
                reason: r.get(1)?,
                at: r.get(2)?,
                by: r.get(3)?,
            })
        })
        .optional()?)
}

/// The current version of a matter that may be taken in; a withdrawn one
/// is refused with its reason. Intake asks this, never [`versions::current`].
pub fn open_for_intake(conn: &Connection, code: &str) -> crate::Result<(i64, Matter)> {
    let (version, matter) = versions::current(conn, code)?;
    if let Some(w) = of(conn, &matter.code)? {
        return Err(CatalogueError::Withdrawn {
            name: matter.name,
            reason: w.reason,
        }
        .into());
    }
    Ok((version, matter))
}

/// Stops a matter from being taken in; only a manager may, with a reason.
pub fn withdraw(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    code: &str,
    reason: &str,
) -> crate::Result<Withdrawal> {
    session.authorize(store.conn(), Action::EditCatalogue)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CatalogueError::NoReason.into());
    }
    store.write(|tx| {
        let (_, matter) = versions::current(tx, code)?;
        if of(tx, &matter.code)?.is_some() {
            return Err(CatalogueError::AlreadyWithdrawn(matter.name).into());
        }
        let payload = MatterWithdrawn {
            code: matter.code.clone(),
            reason: reason.to_owned(),
        };
        let draft = Draft::new(&session.user_id, None, MATTER_WITHDRAWN, &payload)?;
        events::append_here(tx, now, draft)?;
        of(tx, &matter.code)?.ok_or_else(|| CatalogueError::NoSuchMatter(matter.code).into())
    })
}

/// Lets a withdrawn matter be taken in again; only a manager may.
pub fn reinstate(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    code: &str,
) -> crate::Result<()> {
    session.authorize(store.conn(), Action::EditCatalogue)?;
    store.write(|tx| {
        let (_, matter) = versions::current(tx, code)?;
        if of(tx, &matter.code)?.is_none() {
            return Err(CatalogueError::NotWithdrawn(matter.name).into());
        }
        let payload = MatterReinstated { code: matter.code };
        let draft = Draft::new(&session.user_id, None, MATTER_REINSTATED, &payload)?;
        events::append_here(tx, now, draft)?;
        Ok(())
    })
}

/// A matter stopped from being taken in (payload [`MatterWithdrawn`]).
pub const MATTER_WITHDRAWN: &str = "matter.withdrawn";
/// A withdrawn matter taken in again (payload [`MatterReinstated`]).
pub const MATTER_REINSTATED: &str = "matter.reinstated";

/// catalogue::withdrawal's table follows its events.
pub const PROJECTOR: Projector = Projector {
    area: "catalogue::withdrawal",
    kinds: &[MATTER_WITHDRAWN, MATTER_REINSTATED],
    tables: &["matter_withdrawals"],
    apply: project,
};

fn project(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    if event.kind == MATTER_WITHDRAWN {
        let p: MatterWithdrawn = payload(event)?;
        tx.execute(
            "INSERT INTO matter_withdrawals (code, reason, withdrawn_at, withdrawn_by)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (code) DO UPDATE SET reason = excluded.reason,
                 withdrawn_at = excluded.withdrawn_at, withdrawn_by = excluded.withdrawn_by",
            params![p.code, p.reason, event.ts, event.user_id],
        )?;
    } else {
        let p: MatterReinstated = payload(event)?;
        tx.execute("DELETE FROM matter_withdrawals WHERE code = ?1", [p.code])?;
    }
    Ok(())
}
