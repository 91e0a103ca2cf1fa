//! Each lifecycle step as one transaction and one event, with who may take
//! it:
//! - assign / forward (分派、转办): any clerk or manager;
//! - suspend, resume, complete, return, withdraw: the case's handler (the
//!   intake clerk until it is assigned), that person's AB角 stand-in on the
//!   day, or a manager — never another clerk (no false 办结 on someone
//!   else's case);
//! - notify pickup, collect, mail, archive, 补齐容缺材料: any clerk or manager;
//! - extend (延期): a manager only, with a reason, to a date later than the
//!   current due date and not beyond the statutory limit.
//!
//! Resuming a suspended case moves its due date later by the working days it
//! was suspended; the new date is computed here and carried in the event.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::state::{self, State, Step};
use super::{stand_in, LifecycleError};
use crate::applicant;
use crate::auth::{Action, Role, Session};
use crate::calendar::schedule;
use crate::catalogue::versions;
use crate::intake::{commitment, tolerance, IntakeError};
use crate::store::events::{self, Draft};
use crate::store::{Store, StoreError};

/// What the rules look at in a case.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub case_id: String,
    pub case_no: String,
    pub state: State,
    pub responsible_user_id: String,
    pub responsible_name: String,
    pub due_date: Option<NaiveDate>,
    pub received_on: NaiveDate,
    pub suspended_since: Option<NaiveDate>,
    pub suspended_days: i64,
    pub matter_code: String,
    pub matter_version: i64,
    /// The day the center accepted a village agent's case (the promised
    /// clock starts then); `None` for a case taken at the counter.
    pub accepted_on: Option<NaiveDate>,
}

impl CaseRow {
    /// The day the promised and statutory clocks start.
    pub fn clock_start(&self) -> NaiveDate {
        self.accepted_on.unwrap_or(self.received_on)
    }
}

/// Loads a case for a step.
pub fn load(conn: &Connection, case_no: &str) -> crate::Result<CaseRow> {
    let row = conn
        .prepare_cached(
            "SELECT c.case_id, c.case_no, c.state, coalesce(c.handler_user_id, c.clerk_user_id), u.display_name,
                    c.due_date, c.received_on, c.suspended_since, c.suspended_days, c.matter_code, c.matter_version,
                    c.accepted_on
             FROM cases c JOIN users u ON u.user_id = coalesce(c.handler_user_id, c.clerk_user_id)
             WHERE c.case_no = ?1",
        )?
        .query_row([case_no.trim()], |r| {
            let text: String = r.get(2)?;
            let state = State::parse(&text).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
            })?;
            Ok(CaseRow {
                case_id: r.get(0)?,
                case_no: r.get(1)?,
                state,
                responsible_user_id: r.get(3)?,
                responsible_name: r.get(4)?,
                due_date: r.get(5)?,
                received_on: r.get(6)?,
                suspended_since: r.get(7)?,
                suspended_days: r.get(8)?,
                matter_code: r.get(9)?,
                matter_version: r.get(10)?,
                accepted_on: r.get(11)?,
            })
        })
        .optional()
        .map_err(StoreError::from)?;
    Ok(row.ok_or_else(|| IntakeError::NoSuchCase(case_no.trim().to_owned()))?)
}

/// Who may take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Any clerk or manager.
    Staff,
    /// The responsible person, their stand-in on the day, or a manager.
    Responsible,
    /// A manager only.
    Manager,
}

fn who(step: Step) -> Who {
    match step {
        Step::ConfirmBag
        | Step::Assign
        | Step::NotifyPickup
        | Step::Collect
        | Step::Mail
        | Step::Archive
        | Step::Supply
        | Step::Verify => Who::Staff,
        Step::Suspend | Step::Resume | Step::Complete | Step::Return | Step::Withdraw => {
            Who::Responsible
        }
        Step::Extend | Step::Revoke => Who::Manager,
    }
}

/// Refuses unless `session` may take `step` on `row` today (the state table
/// is checked separately by [`state::check`]).
fn may_take(
    conn: &Connection,
    session: &Session,
    row: &CaseRow,
    step: Step,
    today: NaiveDate,
) -> crate::Result<()> {
    match who(step) {
        Who::Staff => Ok(()),
        Who::Manager if session.role == Role::Manager => Ok(()),
        Who::Manager if step == Step::Extend => Err(LifecycleError::ExtensionNeedsManager.into()),
        Who::Manager => Err(LifecycleError::NeedsManager(step.label()).into()),
        Who::Responsible => {
            if session.user_id == row.responsible_user_id
                || session.role == Role::Manager
                || stand_in::covers(conn, &session.user_id, &row.responsible_user_id, today)?
            {
                return Ok(());
            }
            Err(LifecycleError::NotHandler {
                case_no: row.case_no.clone(),
                handler: row.responsible_name.clone(),
                actor: session.display_name.clone(),
                step: step.label(),
            }
            .into())
        }
    }
}

/// The steps `session` may take on a case today: those the state table
/// allows from its state that this user is also allowed to take. The
/// window shows only these; each step still checks again when taken.
pub fn allowed_steps(
    conn: &Connection,
    session: &Session,
    case_no: &str,
    today: NaiveDate,
) -> crate::Result<Vec<Step>> {
    if session.authorize(conn, Action::HandleCases).is_err() {
        return Ok(Vec::new());
    }
    let row = load(conn, case_no)?;
    let mut steps = Vec::new();
    for &step in row.state.next_steps() {
        if step == Step::Supply && tolerance::outstanding(conn, &row.case_id)?.is_empty() {
            continue;
        }
        if matches!(step, Step::Verify | Step::Revoke) && !commitment::is_open(conn, &row.case_id)?
        {
            continue;
        }
        if may_take(conn, session, &row, step, today).is_ok() {
            steps.push(step);
        }
    }
    Ok(steps)
}

/// The outcome of a step.
#[derive(Debug, Clone, Serialize)]
pub struct StepDone {
    pub case_no: String,
    pub step: Step,
    pub step_label: &'static str,
    pub state: State,
    pub state_label: &'static str,
    pub due_date: Option<NaiveDate>,
}

/// Runs one step: authorize, load, check the state table and who may act,
/// build the payload, append the event — all in one transaction.
pub(super) fn act<P: Serialize>(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    step: Step,
    build: impl FnOnce(&Transaction<'_>, &CaseRow) -> crate::Result<P>,
) -> crate::Result<StepDone> {
    session.authorize(store.conn(), Action::HandleCases)?;
    store.write(|tx| {
        let row = load(tx, case_no)?;
        state::check(&row.case_no, row.state, step)?;
        may_take(tx, session, &row, step, now.date_naive())?;
        let payload = build(tx, &row)?;
        let draft = Draft::new(
            &session.user_id,
            Some(&row.case_id),
            step.event_kind(),
            &payload,
        )?;
        events::append_here(tx, now, draft)?;
        let after = load(tx, &row.case_no)?;
        Ok(StepDone {
            case_no: after.case_no,
            step,
            step_label: step.label(),
            state: after.state,
            state_label: after.state.label(),
            due_date: after.due_date,
        })
    })
}

fn required(text: &str, field: &'static str) -> crate::Result<String> {
    if text.trim().is_empty() {
        return Err(LifecycleError::Missing(field).into());
    }
    Ok(applicant::text_field(text, field, 2000, true)?)
}

/// Payload of `case.assigned`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assigned {
    pub handler_user_id: String,
    /// The implementing department or county office it was forwarded to (转办).
    pub forwarded_to: Option<String>,
    pub sent_on: Option<NaiveDate>,
}

/// Assigns a case to a handler, optionally forwarding it (转办) to a department.
pub fn assign(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    handler_username: &str,
    forwarded_to: Option<&str>,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Assign, |tx, _| {
        let handler = crate::auth::users::find(tx, handler_username)?
            .filter(|u| !u.disabled && matches!(u.role, Role::Clerk | Role::Manager))
            .ok_or_else(|| LifecycleError::BadHandler(handler_username.to_owned()))?;
        let forwarded_to = match forwarded_to {
            Some(d) => Some(required(d, "转办部门")?),
            None => None,
        };
        Ok(Assigned {
            handler_user_id: handler.user_id,
            sent_on: forwarded_to.as_ref().map(|_| now.date_naive()),
            forwarded_to,
        })
    })
}

/// Why a case is suspended (the clock stops).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SuspendKind {
    #[serde(rename = "补正")]
    Supplement,
    #[serde(rename = "公示")]
    Publicity,
    #[serde(rename = "专家评审")]
    ExpertReview,
}

impl SuspendKind {
    /// The reasons a clerk chooses from, as she sees them.
    pub const LABELS: [&'static str; 3] = ["补正", "公示", "专家评审"];

    pub fn parse(s: &str) -> crate::Result<SuspendKind> {
        match s.trim() {
            "补正" => Ok(SuspendKind::Supplement),
            "公示" => Ok(SuspendKind::Publicity),
            "专家评审" => Ok(SuspendKind::ExpertReview),
            other => Err(LifecycleError::Unknown {
                kind: "暂停原因类型",
                given: other.to_owned(),
                allowed: "补正、公示、专家评审",
            }
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_word_is_one_the_step_takes() {
        for label in SuspendKind::LABELS {
            assert!(SuspendKind::parse(label).is_ok(), "{label}");
        }
        for label in Decision::LABELS {
            assert_eq!(Decision::parse(label).unwrap().label(), label);
        }
    }
}

/// Payload of `case.suspended`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suspended {
    pub kind: SuspendKind,
    pub reason: String,
    pub since: NaiveDate,
}

/// Suspends a case (补正 waiting for materials, 公示, expert review).
pub fn suspend(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: SuspendKind,
    reason: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Suspend, |_, _| {
        Ok(Suspended {
            kind,
            reason: required(reason, "暂停原因")?,
            since: now.date_naive(),
        })
    })
}

/// Payload of `case.resumed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resumed {
    pub on: NaiveDate,
    /// Working days in (since, on].
    pub suspended_days: i64,
    pub new_due_date: Option<NaiveDate>,
}

/// Resumes a suspended case; its due date moves later by the working days suspended.
pub fn resume(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Resume, |tx, row| {
        let on = now.date_naive();
        let cal = schedule::load(tx)?;
        let since = row.suspended_since.unwrap_or(on);
        let days = cal.working_days_between(since, on)?.max(0);
        let new_due_date = match row.due_date {
            Some(due) => Some(cal.add_working_days(due, days)?),
            None => None,
        };
        Ok(Resumed {
            on,
            suspended_days: days,
            new_due_date,
        })
    })
}

/// The decision of a completed case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    #[serde(rename = "准予")]
    Approve,
    #[serde(rename = "不予许可")]
    Deny,
}

impl Decision {
    /// The results a handler chooses from, as she sees them.
    pub const LABELS: [&'static str; 2] = ["准予", "不予许可"];

    pub fn parse(s: &str) -> crate::Result<Decision> {
        match s.trim() {
            "准予" | "approve" => Ok(Decision::Approve),
            "不予许可" | "不予" | "deny" => Ok(Decision::Deny),
            other => Err(LifecycleError::Unknown {
                kind: "办理结果",
                given: other.to_owned(),
                allowed: "准予（approve）、不予许可（deny）",
            }
            .into()),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Approve => "准予",
            Decision::Deny => "不予许可",
        }
    }
}

/// Payload of `case.completed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Completed {
    pub decision: Decision,
    pub reason: Option<String>,
    pub legal_basis: Option<String>,
    pub on: NaiveDate,
}

/// Completes (办结) a case with its decision; a denial needs a reason, and
/// carries the matter's legal basis.
pub fn complete(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    decision: Decision,
    reason: Option<&str>,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Complete, |tx, row| {
        let (reason, legal_basis) = match decision {
            Decision::Approve => {
                tolerance::refuse_approval(tx, &row.case_no, &row.case_id)?;
                (
                    reason.map(str::to_owned).filter(|r| !r.trim().is_empty()),
                    None,
                )
            }
            Decision::Deny => {
                let matter = versions::version(tx, &row.matter_code, row.matter_version)?;
                (
                    Some(required(reason.unwrap_or(""), "不予许可的理由")?),
                    Some(matter.legal_basis_text()),
                )
            }
        };
        Ok(Completed {
            decision,
            reason,
            legal_basis,
            on: now.date_naive(),
        })
    })
}

/// Records a 容缺 material supplied (补齐) today: `material` is its
/// position in the case's list or its full name.
pub fn supply(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    material: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Supply, |tx, row| {
        tolerance::supplying(tx, &row.case_no, &row.case_id, material, now.date_naive())
    })
}

/// Records the 核查 of a case taken in on a promise (告知承诺制) as 属实,
/// with what was checked.
pub fn verify(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    note: Option<&str>,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Verify, |tx, row| {
        commitment::check_open(tx, &row.case_no, &row.case_id)?;
        Ok(commitment::Verified {
            finding: commitment::Finding::True,
            on: now.date_naive(),
            note: note
                .filter(|n| !n.trim().is_empty())
                .map(|n| required(n, "核查说明"))
                .transpose()?,
            legal_basis: None,
        })
    })
}

/// Records a 核查 that found the promise false: the case is revoked (撤销,
/// a manager, with the reason printed on the 撤销决定书).
pub fn revoke(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    reason: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Revoke, |tx, row| {
        commitment::check_open(tx, &row.case_no, &row.case_id)?;
        let matter = versions::version(tx, &row.matter_code, row.matter_version)?;
        Ok(commitment::Verified {
            finding: commitment::Finding::False,
            on: now.date_naive(),
            note: Some(required(reason, "撤销理由")?),
            legal_basis: Some(matter.legal_basis_text()),
        })
    })
}

/// Payload of `case.pickup_notified`, `case.archived`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OnDay {
    pub on: NaiveDate,
}

/// Tells the applicant the result is ready (待领取).
pub fn notify_pickup(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::NotifyPickup, |_, _| {
        Ok(OnDay {
            on: now.date_naive(),
        })
    })
}

/// Payload of `case.collected`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Collected {
    pub collector_name: String,
    pub collector_id_number: String,
    pub by_proxy: bool,
    pub on: NaiveDate,
}

/// Records who collected the result, with their ID number (已送达).
pub fn collect(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    collector_name: &str,
    collector_id_number: &str,
    by_proxy: bool,
) -> crate::Result<StepDone> {
    let today = now.date_naive();
    let name = applicant::name::check(collector_name, "领取人姓名")?;
    let id =
        applicant::id_number::check(applicant::IdType::ResidentId, collector_id_number, today)?;
    act(store, session, now, case_no, Step::Collect, |_, _| {
        Ok(Collected {
            collector_name: name,
            collector_id_number: id,
            by_proxy,
            on: today,
        })
    })
}

/// Records that the applicant collected the result herself (申请人本人领取):
/// the clerk compared her ID card with the case, so the collector's name
/// and number are the applicant's as recorded at intake.
pub fn collect_in_person(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
) -> crate::Result<StepDone> {
    let today = now.date_naive();
    act(store, session, now, case_no, Step::Collect, |tx, row| {
        let (name, id): (String, String) = tx.query_row(
            "SELECT applicant_name, applicant_id_number FROM cases WHERE case_id = ?1",
            [&row.case_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Collected {
            collector_name: name,
            collector_id_number: id,
            by_proxy: false,
            on: today,
        })
    })
}

/// Payload of `case.mailed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mailed {
    pub tracking_no: String,
    pub on: NaiveDate,
}

/// Records the result mailed with its tracking number (已送达).
pub fn mail(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    tracking_no: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Mail, |_, _| {
        Ok(Mailed {
            tracking_no: required(tracking_no, "邮寄单号")?,
            on: now.date_naive(),
        })
    })
}

/// Archives a delivered case (已归档).
pub fn archive(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Archive, |_, _| {
        Ok(OnDay {
            on: now.date_naive(),
        })
    })
}

/// Payload of `case.returned`, `case.withdrawn`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Closed {
    pub reason: String,
}

/// Returns a case (已退回) with a reason.
pub fn return_case(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    reason: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Return, |_, _| {
        Ok(Closed {
            reason: required(reason, "退回原因")?,
        })
    })
}

/// Records that the applicant withdrew (已撤回).
pub fn withdraw(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    reason: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Withdraw, |_, _| {
        Ok(Closed {
            reason: required(reason, "撤回原因")?,
        })
    })
}

/// Payload of `case.extended`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Extended {
    pub reason: String,
    pub old_due_date: NaiveDate,
    pub new_due_date: NaiveDate,
    pub statutory_limit: NaiveDate,
}

/// The latest date a case may be due: the statutory limit counted from
/// acceptance, plus the working days it was suspended.
pub fn statutory_limit(conn: &Connection, row: &CaseRow) -> crate::Result<NaiveDate> {
    let matter = versions::version(conn, &row.matter_code, row.matter_version)?;
    let cal = schedule::load(conn)?;
    Ok(cal.due_date(
        row.clock_start(),
        i64::from(matter.statutory_days),
        row.suspended_days,
    )?)
}

/// Extends (延期) a case's due date; a manager's approval.
pub fn extend(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    new_due_date: NaiveDate,
    reason: &str,
) -> crate::Result<StepDone> {
    act(store, session, now, case_no, Step::Extend, |tx, row| {
        let reason = required(reason, "延期原因")?;
        let old = row.due_date.unwrap_or(row.clock_start());
        if new_due_date <= old {
            return Err(LifecycleError::NotLater {
                requested: new_due_date,
                current: old,
            }
            .into());
        }
        let limit = statutory_limit(tx, row)?;
        if new_due_date > limit {
            return Err(LifecycleError::BeyondStatutoryLimit {
                requested: new_due_date,
                limit,
            }
            .into());
        }
        Ok(Extended {
            reason,
            old_due_date: old,
            new_due_date,
            statutory_limit: limit,
        })
    })
}
