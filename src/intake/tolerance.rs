//! 容缺受理: accepting an application while a secondary material is still
//! missing, on the applicant's signed promise to supply it by a set day.
//!
//! - A matter's material is 可容缺 when the catalogue gives it a supply
//!   time (`tolerance_days`); a core material (核心材料) never is, nor is any
//!   material of a 即办件 (src/catalogue/matter.rs checks both).
//! - At intake the clerk may ask for it; it applies only when the center
//!   allows it ([`check_allowed`], a setting), not on a village agent's
//!   laptop, and when every missing required material is 可容缺
//!   ([`may_tolerate`]) — a missing core material is still a 一次性告知
//!   listing everything missing (src/intake/decision.rs).
//! - Each such material is due `tolerance_days` working days after the
//!   acceptance ([`due_dates`]); the applicant signs a 容缺受理承诺书
//!   (src/documents/tolerance_commitment.rs).
//! - Supplying one later (补齐) is a lifecycle step, `Step::Supply`,
//!   recorded as `case.tolerance_supplied` ([`Supplied`], [`apply_supplied`]).
//! - A case is not approved (办结，准予) while one is outstanding
//!   ([`refuse_approval`]); an outstanding one past its day puts the case on
//!   the red list as 容缺材料逾期 (src/lifecycle/deadline.rs, which reads
//!   `cases.tolerance_due`, the earliest outstanding day).

use chrono::NaiveDate;
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use super::IntakeError;
use crate::calendar::Calendar;
use crate::catalogue::{CaseType, Matter};
use crate::lifecycle::LifecycleError;
use crate::store::{device::DeviceRole, StoreError};

/// What an intake's result is called when a material was tolerated: the
/// outcome is 受理 (the clock runs), named for what happened.
pub const OUTCOME_LABEL: &str = "容缺受理";

/// An outcome as lists and papers name it: [`OUTCOME_LABEL`] for a case
/// accepted with 容缺 materials.
pub fn outcome_label(outcome: super::Outcome, tolerated: bool) -> &'static str {
    if tolerated && outcome == super::Outcome::Accepted {
        OUTCOME_LABEL
    } else {
        outcome.label()
    }
}

/// SQL over `cases` aliased `c`: the case was accepted with 容缺 materials.
pub const TOLERATED_SQL: &str = "EXISTS (SELECT 1 FROM case_materials tm
    WHERE tm.case_id = c.case_id AND tm.tolerated_until IS NOT NULL)";

/// Whether the missing required materials (positions in the matter's list)
/// may all be tolerated: there is at least one, and each is 可容缺.
pub fn may_tolerate(matter: &Matter, missing: &[usize]) -> bool {
    !missing.is_empty()
        && matter.case_type != CaseType::OnTheSpot
        && missing.iter().all(|&i| {
            matter
                .materials
                .get(i)
                .is_some_and(|m| !m.core && m.tolerance_days.is_some())
        })
}

/// Refuses a request for 容缺受理 the center does not allow, or on a
/// village agent's laptop (the center's clock and papers start with the bag).
pub fn check_allowed(conn: &Connection, role: DeviceRole) -> crate::Result<()> {
    if role == DeviceRole::Agent {
        return Err(IntakeError::ToleranceAtAgent.into());
    }
    if !crate::center::load(conn)?.tolerance_allowed {
        return Err(IntakeError::ToleranceNotAllowed.into());
    }
    Ok(())
}

/// Whether the intake form offers 容缺受理 for `matter` here: it has a
/// 可容缺 material, and [`check_allowed`] would let it through.
pub fn offered(conn: &Connection, matter: &Matter) -> crate::Result<bool> {
    let tolerable = matter.materials.iter().any(|m| m.tolerance_days.is_some());
    let role = crate::store::device::load(conn)?.role;
    Ok(tolerable && check_allowed(conn, role).is_ok())
}

/// The day each tolerated material (by position) is due: its supply time
/// in working days after `accepted_on`.
pub fn due_dates(
    cal: &Calendar,
    accepted_on: NaiveDate,
    matter: &Matter,
    tolerated: &[usize],
) -> crate::Result<Vec<(usize, NaiveDate)>> {
    tolerated
        .iter()
        .map(|&i| {
            let days = matter
                .materials
                .get(i)
                .and_then(|m| m.tolerance_days)
                .unwrap_or(0);
            Ok((i, cal.add_working_days(accepted_on, i64::from(days))?))
        })
        .collect()
}

/// A 容缺 material of a case not supplied yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outstanding {
    /// 1-based position in the case's material list.
    pub position: i64,
    pub name: String,
    pub until: NaiveDate,
}

/// The case's 容缺 materials not supplied yet, in list order.
pub fn outstanding(conn: &Connection, case_id: &str) -> Result<Vec<Outstanding>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT position, name, tolerated_until FROM case_materials
         WHERE case_id = ?1 AND tolerated_until IS NOT NULL AND supplied_on IS NULL ORDER BY position",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Outstanding {
            position: r.get(0)?,
            name: r.get(1)?,
            until: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// "户口簿（2026年12月14日前）、…"
fn listed(items: &[Outstanding]) -> String {
    items
        .iter()
        .map(|o| {
            format!(
                "{}（{}前补齐）",
                o.name,
                crate::documents::facts::chinese_date(o.until)
            )
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// Refuses approving (办结，准予) a case while a 容缺 material is outstanding,
/// naming each one.
pub fn refuse_approval(conn: &Connection, case_no: &str, case_id: &str) -> crate::Result<()> {
    let open = outstanding(conn, case_id)?;
    if open.is_empty() {
        return Ok(());
    }
    Err(LifecycleError::ToleranceOutstanding {
        case_no: case_no.to_owned(),
        items: listed(&open),
    }
    .into())
}

/// Payload of `case.tolerance_supplied`: a 容缺 material supplied (补齐).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplied {
    pub position: i64,
    pub name: String,
    pub on: NaiveDate,
    /// Supplied no later than its day.
    pub on_time: bool,
}

/// What supplying `given` (a position or the material's full name) on
/// `case` records on `on`; refused when it is not an outstanding 容缺
/// material of the case.
pub fn supplying(
    conn: &Connection,
    case_no: &str,
    case_id: &str,
    given: &str,
    on: NaiveDate,
) -> crate::Result<Supplied> {
    let open = outstanding(conn, case_id)?;
    if open.is_empty() {
        return Err(IntakeError::NothingToSupply(case_no.to_owned()).into());
    }
    let g = given.trim();
    let found = open
        .iter()
        .find(|o| o.name == g || g.parse::<i64>().is_ok_and(|n| n == o.position))
        .ok_or_else(|| IntakeError::NotTolerated {
            case_no: case_no.to_owned(),
            given: g.to_owned(),
            outstanding: listed(&open),
        })?;
    Ok(Supplied {
        position: found.position,
        name: found.name.clone(),
        on,
        on_time: on <= found.until,
    })
}

/// Applies a 补齐 to the case's rows: the material line, then the case's
/// earliest outstanding day. Refused (a conflict on import) when the
/// material is not an outstanding 容缺 material of the case.
pub fn apply_supplied(
    tx: &Transaction<'_>,
    case_id: &str,
    user_id: &str,
    p: &Supplied,
) -> crate::Result<()> {
    let changed = tx
        .prepare_cached(
            "UPDATE case_materials SET supplied_on = ?1, supplied_by = ?2
             WHERE case_id = ?3 AND position = ?4 AND tolerated_until IS NOT NULL AND supplied_on IS NULL",
        )?
        .execute(params![p.on, user_id, case_id, p.position])?;
    if changed == 0 {
        return Err(IntakeError::NothingToSupply(p.name.clone()).into());
    }
    refresh_due(tx, case_id)
}

/// Sets `cases.tolerance_due` to the earliest outstanding day (NULL when none).
pub(crate) fn refresh_due(tx: &Transaction<'_>, case_id: &str) -> crate::Result<()> {
    tx.prepare_cached(
        "UPDATE cases SET tolerance_due = (SELECT min(tolerated_until) FROM case_materials
            WHERE case_id = ?1 AND tolerated_until IS NOT NULL AND supplied_on IS NULL)
         WHERE case_id = ?1",
    )?
    .execute([case_id])
    .map_err(StoreError::from)?;
    Ok(())
}

/// The 容缺 figures of a period: cases accepted with a material missing
/// (received in it), materials supplied in it (and of those by their day),
/// and — as of its last day — the outstanding materials of open cases past
/// their day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub cases: i64,
    pub supplied: i64,
    pub supplied_on_time: i64,
    pub overdue: i64,
}

/// [`Figures`] from `from` to `to` (inclusive).
pub fn figures(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Figures, StoreError> {
    use crate::lifecycle::state::OPEN_SQL;
    let cases = conn
        .prepare_cached(
            "SELECT count(DISTINCT m.case_id) FROM case_materials m JOIN cases c ON c.case_id = m.case_id
             WHERE m.tolerated_until IS NOT NULL AND c.received_on BETWEEN ?1 AND ?2",
        )?
        .query_row(params![from, to], |r| r.get(0))?;
    let (supplied, supplied_on_time) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(supplied_on <= tolerated_until), 0) FROM case_materials
             WHERE supplied_on BETWEEN ?1 AND ?2 AND tolerated_until IS NOT NULL",
        )?
        .query_row(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let overdue = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM case_materials m JOIN cases c ON c.case_id = m.case_id
             WHERE m.tolerated_until < ?1 AND m.supplied_on IS NULL AND c.{OPEN_SQL}"
        ))?
        .query_row(params![to], |r| r.get(0))?;
    Ok(Figures {
        cases,
        supplied,
        supplied_on_time,
        overdue,
    })
}

/// The figures as (label, value) lines, in the order every report prints them.
pub fn figure_lines(f: &Figures) -> [(&'static str, i64); 4] {
    [
        ("容缺受理", f.cases),
        ("容缺补齐", f.supplied),
        ("按期补齐", f.supplied_on_time),
        ("容缺材料逾期", f.overdue),
    ]
}
