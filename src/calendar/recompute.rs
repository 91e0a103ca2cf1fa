//! When a year's schedule is loaded or replaced (the official 2027 notice
//! after the provisional 2027), an open case's due date follows it: the
//! case keeps as many working days from its clock's start as it had, now
//! counted on the new calendar. Each moved case gets one
//! `case.due_date_recomputed` event in the same transaction as the year's
//! `calendar.loaded`, so it travels to every device, and the workbench lists
//! the moved cases for the clerk to tell the applicant (and reprint the
//! notice with 补打).
//!
//! Left as they are: a date a manager set by 延期 (a person chose it), and
//! a case whose new date would fall in a year not loaded yet.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use super::Calendar;
use crate::lifecycle::state::OPEN_SQL;
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::StoreError;

/// Payload of `case.due_date_recomputed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDateRecomputed {
    pub year: i32,
    pub old_due_date: NaiveDate,
    pub new_due_date: NaiveDate,
}

/// A case whose due date a loaded year moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub case_no: String,
    pub matter_name: String,
    pub applicant_name: String,
    pub year: i32,
    pub old_due_date: NaiveDate,
    pub new_due_date: NaiveDate,
    pub at: String,
}

/// Appends one event per open case whose due date moves from `before` to
/// `after` because `year` changed; returns the moved cases.
pub(crate) fn follow(
    tx: &Transaction<'_>,
    user_id: &str,
    now: DateTime<FixedOffset>,
    year: i32,
    before: &Calendar,
    after: &Calendar,
) -> crate::Result<Vec<Moved>> {
    let sql = format!(
        "SELECT case_id, case_no, matter_name, applicant_name, coalesce(accepted_on, received_on), due_date
         FROM cases
         WHERE {OPEN_SQL} AND due_date IS NOT NULL AND extension_reason IS NULL
           AND CAST(substr(coalesce(accepted_on, received_on), 1, 4) AS INTEGER) <= ?1
           AND CAST(substr(due_date, 1, 4) AS INTEGER) >= ?1
         ORDER BY due_date, case_no"
    );
    let open: Vec<(String, String, String, String, NaiveDate, NaiveDate)> = {
        let mut stmt = tx.prepare(&sql)?;
        let rows = stmt.query_map([year], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        rows.collect::<Result<_, _>>().map_err(StoreError::from)?
    };
    let mut moved = Vec::new();
    for (case_id, case_no, matter_name, applicant_name, start, old) in open {
        let Ok(n) = before.working_days_between(start, old) else {
            continue;
        };
        let Ok(new) = after.add_working_days(start, n.max(0)) else {
            continue;
        };
        if new == old {
            continue;
        }
        let p = DueDateRecomputed {
            year,
            old_due_date: old,
            new_due_date: new,
        };
        let draft = Draft::new(user_id, Some(&case_id), DUE_DATE_RECOMPUTED, &p)?;
        let event = events::append_here(tx, now, draft)?;
        moved.push(Moved {
            case_no,
            matter_name,
            applicant_name,
            year,
            old_due_date: old,
            new_due_date: new,
            at: event.ts,
        });
    }
    Ok(moved)
}

/// The open cases whose due dates a loaded year moved, latest first: the
/// workbench's list of applicants to tell.
pub fn open_moved(conn: &Connection) -> Result<Vec<Moved>, StoreError> {
    let sql = format!(
        "SELECT c.case_no, c.matter_name, c.applicant_name, m.year, m.old_due_date, m.new_due_date, m.at
         FROM due_date_changes m JOIN cases c ON c.case_id = m.case_id
         WHERE c.{OPEN_SQL}
         ORDER BY m.at DESC, c.case_no"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(Moved {
            case_no: r.get(0)?,
            matter_name: r.get(1)?,
            applicant_name: r.get(2)?,
            year: r.get(3)?,
            old_due_date: r.get(4)?,
            new_due_date: r.get(5)?,
            at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An open case's due date moved by a newly loaded year (payload
/// [`DueDateRecomputed`]).
pub const DUE_DATE_RECOMPUTED: &str = "case.due_date_recomputed";

/// calendar::recompute's table and the case's due date follow its events.
pub const PROJECTOR: Projector = Projector {
    area: "calendar::recompute",
    kinds: &[DUE_DATE_RECOMPUTED],
    tables: &["due_date_changes"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: DueDateRecomputed) -> crate::Result<()> {
    let case_id = event.case_id.as_deref().unwrap_or_default();
    tx.execute(
        "INSERT OR IGNORE INTO due_date_changes (event_id, case_id, year, old_due_date, new_due_date, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![event.event_id, case_id, p.year, p.old_due_date, p.new_due_date, event.ts],
    )?;
    // Only the date it was computed from: a step that moved the date since
    // (on another device, earlier in the canonical order) is not undone.
    tx.execute(
        "UPDATE cases SET due_date = ?1 WHERE case_id = ?2 AND due_date = ?3",
        params![p.new_due_date, case_id, p.old_due_date],
    )?;
    Ok(())
}
