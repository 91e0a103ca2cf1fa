//! AB角: a manager names a stand-in (B角) for an absent clerk (A角) for a
//! date range, and ends it early when the clerk is back. On those days the
//! stand-in may take the steps reserved for the case's handler, and her
//! workbench lists the absent clerk's open cases; every event still records
//! the stand-in as the acting user.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::LifecycleError;
use crate::auth::{users, Action, Role, Session};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// A stand-in set for an absent clerk (payload [`StandIn`]).
pub const STAND_IN_SET: &str = "stand_in.set";

/// A stand-in ended before its last day (payload [`StandInEnded`]).
pub const STAND_IN_ENDED: &str = "stand_in.ended";

/// The stand-ins table follows its events.
pub const PROJECTOR: Projector = Projector {
    area: "lifecycle::stand_in",
    kinds: &[STAND_IN_SET, STAND_IN_ENDED],
    tables: &["stand_ins"],
    apply: |tx, event| match event.kind.as_str() {
        STAND_IN_ENDED => project_end(tx, payload(event)?),
        _ => project(tx, event, payload(event)?),
    },
};

/// Payload of `stand_in.ended`: the stand-in (named by its A角, B角 and
/// first day) covers no day after `last_day`; one ended before its first
/// day is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandInEnded {
    pub absent_user_id: String,
    pub stand_in_user_id: String,
    pub from: NaiveDate,
    pub last_day: NaiveDate,
}

/// Who may be an A角 or a B角: an active clerk or manager (the people who
/// handle cases).
pub fn eligible(user: &users::UserInfo) -> bool {
    !user.disabled && matches!(user.role, Role::Clerk | Role::Manager)
}

/// The users the AB角 form offers, as [`users::list`] orders them.
pub fn candidates(conn: &Connection) -> Result<Vec<users::UserInfo>, StoreError> {
    Ok(users::list(conn)?.into_iter().filter(eligible).collect())
}

/// A stand-in as the AB角 screen lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub absent_username: String,
    pub absent_name: String,
    pub stand_in_username: String,
    pub stand_in_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// 进行中, 未开始 or 已结束, as of the day asked about.
    pub status_label: &'static str,
    /// Whether it can still be ended (it has not ended yet).
    pub endable: bool,
}

/// How long an ended stand-in stays on the list.
pub const ENDED_SHOWN_DAYS: i64 = 30;

/// Payload of `stand_in.set`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandIn {
    pub absent_user_id: String,
    pub stand_in_user_id: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The user id of `username`, refused unless [`eligible`] when `eligible_only`.
fn user_id(conn: &Connection, username: &str, eligible_only: bool) -> crate::Result<String> {
    users::find(conn, username)?
        .filter(|u| !eligible_only || eligible(u))
        .map(|u| u.user_id)
        .ok_or_else(|| LifecycleError::BadHandler(username.to_owned()).into())
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
        let p = StandIn {
            absent_user_id: user_id(tx, absent, true)?,
            stand_in_user_id: user_id(tx, stand_in, true)?,
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

/// Ends the stand-in of `stand_in` for `absent` that began on `from`: the
/// A角 is back on `today`, so the stand-in covers up to yesterday (one that
/// had not begun is removed); a manager's act.
pub fn end(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    absent: &str,
    stand_in: &str,
    from: NaiveDate,
) -> crate::Result<StandInEnded> {
    session.authorize(store.conn(), Action::EditCenter)?;
    let today = now.date_naive();
    store.write(|tx| {
        // Ending one still works after a user left.
        let (absent_user_id, stand_in_user_id) =
            (user_id(tx, absent, false)?, user_id(tx, stand_in, false)?);
        let to: Option<NaiveDate> = tx
            .query_row(
                "SELECT to_day FROM stand_ins
                 WHERE absent_user_id = ?1 AND stand_in_user_id = ?2 AND from_day = ?3",
                params![absent_user_id, stand_in_user_id, from],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::from)?;
        let to = to.ok_or_else(|| {
            LifecycleError::BadRange(format!(
                "没有 {from} 起由 {stand_in} 代 {absent} 的 AB 角安排"
            ))
        })?;
        let last_day = today.pred_opt().unwrap_or(today);
        if to <= last_day {
            return Err(LifecycleError::BadRange(format!("这项安排已于 {to} 结束")).into());
        }
        let p = StandInEnded {
            absent_user_id,
            stand_in_user_id,
            from,
            last_day,
        };
        events::append_here(
            tx,
            now,
            Draft::new(&session.user_id, None, STAND_IN_ENDED, &p)?,
        )?;
        Ok(p)
    })
}

/// The stand-ins that are running or ahead on `today`, and those ended in
/// the last [`ENDED_SHOWN_DAYS`]: running first, then by first day.
pub fn list(conn: &Connection, session: &Session, today: NaiveDate) -> crate::Result<Vec<Listed>> {
    session.authorize(conn, Action::ViewCases)?;
    let shown_from = today - chrono::Duration::days(ENDED_SHOWN_DAYS);
    let mut stmt = conn
        .prepare_cached(
            "SELECT a.username, a.display_name, b.username, b.display_name, s.from_day, s.to_day
             FROM stand_ins s
             JOIN users a ON a.user_id = s.absent_user_id
             JOIN users b ON b.user_id = s.stand_in_user_id
             WHERE s.to_day >= ?1
             ORDER BY s.from_day > ?2, s.to_day < ?2, s.from_day, a.username",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map(params![shown_from, today], |r| {
            let (from, to): (NaiveDate, NaiveDate) = (r.get(4)?, r.get(5)?);
            Ok(Listed {
                absent_username: r.get(0)?,
                absent_name: r.get(1)?,
                stand_in_username: r.get(2)?,
                stand_in_name: r.get(3)?,
                from,
                to,
                status_label: if to < today {
                    "已结束"
                } else if from > today {
                    "未开始"
                } else {
                    "进行中"
                },
                endable: to >= today,
            })
        })
        .map_err(StoreError::from)?;
    Ok(rows.collect::<Result<_, _>>().map_err(StoreError::from)?)
}

/// An absent clerk `actor` stands in for today, with her open cases.
#[derive(Debug, Clone, Serialize)]
pub struct Covering {
    pub absent_name: String,
    pub absent_staff_no: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cases: Vec<crate::intake::lookup::CaseSummary>,
}

/// Whom `actor` stands in for on `today`, each with the open cases the
/// absent clerk is responsible for (her workbench lists them).
pub fn covering(conn: &Connection, actor: &str, today: NaiveDate) -> crate::Result<Vec<Covering>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT s.absent_user_id, a.display_name, a.staff_no, s.from_day, s.to_day
             FROM stand_ins s JOIN users a ON a.user_id = s.absent_user_id
             WHERE s.stand_in_user_id = ?1 AND s.from_day <= ?2 AND s.to_day >= ?2
             ORDER BY a.staff_no",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map(params![actor, today], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })
        .map_err(StoreError::from)?
        .collect::<Result<Vec<(String, String, String, NaiveDate, NaiveDate)>, _>>()
        .map_err(StoreError::from)?;
    rows.into_iter()
        .map(|(absent, absent_name, absent_staff_no, from, to)| {
            Ok(Covering {
                cases: crate::intake::lookup::open_of(conn, &absent)?,
                absent_name,
                absent_staff_no,
                from,
                to,
            })
        })
        .collect()
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

fn project_end(tx: &Transaction<'_>, p: StandInEnded) -> crate::Result<()> {
    let key = params![p.absent_user_id, p.stand_in_user_id, p.from, p.last_day];
    tx.execute(
        "DELETE FROM stand_ins WHERE absent_user_id = ?1 AND stand_in_user_id = ?2
         AND from_day = ?3 AND from_day > ?4",
        key,
    )?;
    tx.execute(
        "UPDATE stand_ins SET to_day = ?4 WHERE absent_user_id = ?1 AND stand_in_user_id = ?2
         AND from_day = ?3 AND to_day > ?4",
        key,
    )?;
    Ok(())
}

fn project(tx: &Transaction<'_>, event: &Event, p: StandIn) -> crate::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO stand_ins (absent_user_id, stand_in_user_id, from_day, to_day, set_by, set_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![p.absent_user_id, p.stand_in_user_id, p.from, p.to, event.user_id, event.ts],
    )?;
    Ok(())
}
