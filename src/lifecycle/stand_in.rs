//! AB角: a manager names a stand-in (B角) for an absent clerk (A角) for a
//! date range. On those days the stand-in may take the steps reserved for
//! the case's handler; every event still records the stand-in as the
//! acting user.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use super::LifecycleError;
use crate::auth::{users, Action, Role, Session};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// A stand-in set for an absent clerk (payload [`StandIn`]).
pub const STAND_IN_SET: &str = "stand_in.set";

/// The stand-ins table follows its events.
pub const PROJECTOR: Projector = Projector {
    area: "lifecycle::stand_in",
    kinds: &[STAND_IN_SET],
    tables: &["stand_ins"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

/// Payload of `stand_in.set`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandIn {
    pub absent_user_id: String,
    pub stand_in_user_id: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Names `stand_in` as B角 for `absent` from `from` to `to` (inclusive); a manager's act.
pub fn set(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    absent: &str,
    stand_in: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> crate::Result<StandIn> {
    session.authorize(store.conn(), Action::EditCenter)?;
    if to < from {
        return Err(LifecycleError::BadRange(format!("结束日期 {to} 早于开始日期 {from}")).into());
    }
    store.write(|tx| {
        let find = |name: &str| -> crate::Result<String> {
            users::find(tx, name)?
                .filter(|u| !u.disabled && matches!(u.role, Role::Clerk | Role::Manager))
                .map(|u| u.user_id)
                .ok_or_else(|| LifecycleError::BadHandler(name.to_owned()).into())
        };
        let p = StandIn {
            absent_user_id: find(absent)?,
            stand_in_user_id: find(stand_in)?,
            from,
            to,
        };
        if p.absent_user_id == p.stand_in_user_id {
            return Err(LifecycleError::BadRange("A角和B角不能是同一人".into()).into());
        }
        events::append_here(
            tx,
            now,
            Draft::new(&session.user_id, None, STAND_IN_SET, &p)?,
        )?;
        Ok(p)
    })
}

/// Whether `actor` stands in for `absent` on `day`.
pub fn covers(
    conn: &Connection,
    actor: &str,
    absent: &str,
    day: NaiveDate,
) -> Result<bool, StoreError> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM stand_ins WHERE stand_in_user_id = ?1 AND absent_user_id = ?2
             AND from_day <= ?3 AND to_day >= ?3",
        )?
        .query_row(params![actor, absent, day], |r| r.get(0))?;
    Ok(n > 0)
}

fn project(tx: &Transaction<'_>, event: &Event, p: StandIn) -> crate::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO stand_ins (absent_user_id, stand_in_user_id, from_day, to_day, set_by, set_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![p.absent_user_id, p.stand_in_user_id, p.from, p.to, event.user_id, event.ts],
    )?;
    Ok(())
}
