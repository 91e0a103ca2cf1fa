//! 告知承诺制: the applicant signs a promise instead of bringing a proof.
//!
//! - A matter's material is 可告知承诺 when the catalogue gives it the text
//!   of the promise (`commitment`); the matter then sets the working days
//!   its 核查 takes (`verify_days`, src/catalogue/matter.rs).
//! - At intake the clerk ticks 申请人承诺 for such a material instead of
//!   已收 ([`promised_flags`]); the case is decided as if the material were
//!   there, and the applicant signs a 告知承诺书
//!   (src/documents/commitment_notice.rs). Not on a village agent's laptop.
//! - A case taken in on a promise has a 核查 due `verify_days` working days
//!   after its acceptance ([`verify_due`]). Recording the result is a
//!   lifecycle step: 核查属实 (`Step::Verify`, any clerk) closes it;
//!   核查不实 (`Step::Revoke`, a manager, with a reason) revokes the case
//!   (撤销, state 已撤销) whatever it had reached, and a 撤销决定书 goes to
//!   the applicant (src/documents/revocation_notice.rs).
//! - A manager sees the open 核查 tasks, the overdue ones first, and the
//!   share of promises found false ([`open`], [`figures`]).

use chrono::NaiveDate;
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use super::{Application, IntakeError};
use crate::calendar::Calendar;
use crate::catalogue::Matter;
use crate::store::StoreError;

/// Which of the matter's materials the applicant promised instead of
/// bringing, by position; a material that is not 可告知承诺 is refused.
pub fn promised_flags(app: &Application, matter: &Matter) -> Result<Vec<bool>, IntakeError> {
    let mut flags = vec![false; matter.materials.len()];
    for given in &app.promised {
        let i = app.material_index(matter, given)?;
        if matter.materials[i].commitment.is_none() {
            return Err(IntakeError::NotPromisable(matter.materials[i].name.clone()));
        }
        flags[i] = true;
    }
    Ok(flags)
}

/// The day the 核查 of a case accepted on `accepted_on` is due.
pub fn verify_due(
    cal: &Calendar,
    accepted_on: NaiveDate,
    matter: &Matter,
) -> crate::Result<Option<NaiveDate>> {
    match matter.verify_days {
        Some(days) => Ok(Some(cal.add_working_days(accepted_on, i64::from(days))?)),
        None => Ok(None),
    }
}

/// The result of a 核查.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Finding {
    #[serde(rename = "属实")]
    True,
    #[serde(rename = "不实")]
    False,
}

impl Finding {
    pub fn label(self) -> &'static str {
        match self {
            Finding::True => "属实",
            Finding::False => "不实",
        }
    }
}

/// Payload of `case.verified` (核查属实) and `case.revoked` (核查不实，撤销).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    pub finding: Finding,
    pub on: NaiveDate,
    /// What was checked and how (属实), or why the promise was false (不实).
    pub note: Option<String>,
    /// The matter's legal basis, recorded with a revocation as a denial
    /// records it (不实 only); the 撤销决定书 prints the case's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
}

/// Whether the case's 核查 is open (taken in on a promise, not yet checked).
pub fn is_open(conn: &Connection, case_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT verify_due IS NOT NULL AND verify_result IS NULL FROM cases WHERE case_id = ?1",
        )?
        .query_row([case_id], |r| r.get(0))?)
}

/// Refuses a 核查 result on a case whose 核查 is not open.
pub fn check_open(conn: &Connection, case_no: &str, case_id: &str) -> crate::Result<()> {
    if is_open(conn, case_id)? {
        Ok(())
    } else {
        Err(IntakeError::NothingToVerify(case_no.to_owned()).into())
    }
}

/// Applies a 核查 result to the case's row (the state of a revocation is
/// set by the lifecycle's projector); refused when none is open.
pub fn apply(
    tx: &Transaction<'_>,
    case_no: &str,
    case_id: &str,
    p: &Verified,
) -> crate::Result<()> {
    check_open(tx, case_no, case_id)?;
    tx.prepare_cached(
        "UPDATE cases SET verify_result = ?1, verified_on = ?2, verify_due = NULL WHERE case_id = ?3",
    )?
    .execute(params![p.finding.label(), p.on, case_id])
    .map_err(StoreError::from)?;
    Ok(())
}

/// An open 核查 as a manager's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenCheck {
    pub case_no: String,
    pub matter_name: String,
    pub applicant_name: String,
    pub received_on: NaiveDate,
    pub due: NaiveDate,
    pub overdue: bool,
    /// The materials promised instead of brought.
    pub promised: Vec<String>,
}

/// Every open 核查 as of `today` by due day (so the overdue ones first).
pub fn open(conn: &Connection, today: NaiveDate) -> Result<Vec<OpenCheck>, StoreError> {
    // The names are joined by a control character no material name holds
    // (they may hold 、 themselves).
    let mut stmt = conn.prepare_cached(
        "SELECT c.case_no, c.matter_name, c.applicant_name, c.received_on, c.verify_due,
                (SELECT group_concat(m.name, char(31)) FROM case_materials m
                  WHERE m.case_id = c.case_id AND m.promised = 1)
         FROM cases c WHERE c.verify_due IS NOT NULL
         ORDER BY c.verify_due, c.case_no",
    )?;
    let rows = stmt.query_map([], |r| {
        let due: NaiveDate = r.get(4)?;
        let names: Option<String> = r.get(5)?;
        Ok(OpenCheck {
            case_no: r.get(0)?,
            matter_name: r.get(1)?,
            applicant_name: crate::applicant::mask::name(&r.get::<_, String>(2)?),
            received_on: r.get(3)?,
            due,
            overdue: due < today,
            promised: names
                .map(|n| n.split('\u{1f}').map(str::to_owned).collect())
                .unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The 告知承诺 figures: cases taken in on a promise, 核查 done, of those
/// found false, and open ones (of those overdue as of `today`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Figures {
    pub cases: i64,
    pub checked: i64,
    pub found_false: i64,
    pub open: i64,
    pub overdue: i64,
    /// found_false / checked, in percent; `None` before any 核查.
    pub false_share: Option<f64>,
}

/// [`Figures`] over every case taken in on a promise, as of `today`.
pub fn figures(conn: &Connection, today: NaiveDate) -> Result<Figures, StoreError> {
    let (cases, checked, found_false, open, overdue): (i64, i64, i64, i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(verify_result IS NOT NULL), 0),
                    coalesce(sum(verify_result = '不实'), 0), coalesce(sum(verify_due IS NOT NULL), 0),
                    coalesce(sum(verify_due < ?1), 0)
             FROM cases WHERE verify_due IS NOT NULL OR verify_result IS NOT NULL",
        )?
        .query_row([today], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    Ok(Figures {
        cases,
        checked,
        found_false,
        open,
        overdue,
        false_share: (checked > 0).then(|| found_false as f64 * 100.0 / checked as f64),
    })
}

/// What a manager sees of 告知承诺制: the figures and every open 核查.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checks {
    pub figures: Figures,
    pub open: Vec<OpenCheck>,
}

/// The 核查 tasks as of `today`, for a manager (who answers for them).
pub fn checks(
    conn: &Connection,
    session: &crate::auth::Session,
    today: NaiveDate,
) -> crate::Result<Checks> {
    session.authorize(conn, crate::auth::Action::ManageQuality)?;
    Ok(Checks {
        figures: figures(conn, today)?,
        open: open(conn, today)?,
    })
}
