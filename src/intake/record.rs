//! Recording an intake: check the input, decide the outcome, number the
//! case and commit it as one `case.received` event in one transaction. The
//! caller prints a receipt only after this returns Ok — the case is then on
//! disk (synchronous=FULL).

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{params, OptionalExtension, Transaction};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::decision::{decide, Outcome};
use super::{case_number, lookup, query_code, Application, IntakeError, Proxy};
use crate::applicant::Person;
use crate::auth::{Action, Session};
use crate::calendar::schedule;
use crate::catalogue::{withdrawal, CaseType, MaterialForm};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{device, Store, StoreError};

/// A material of the case's matter version and whether it was brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMaterial {
    pub name: String,
    pub form: MaterialForm,
    pub copies: u32,
    pub required: bool,
    pub provided: bool,
    pub note: String,
    /// 容缺受理: the day this missing material is to be supplied by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerated_until: Option<NaiveDate>,
    /// 告知承诺制: the applicant signed a promise instead of bringing it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub promised: bool,
}

/// Payload of `case.received`: everything decided at intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReceived {
    pub case_no: String,
    pub serial: i64,
    pub query_code: String,
    pub matter_code: String,
    pub matter_version: i64,
    pub matter_name: String,
    pub case_type: CaseType,
    pub outcome: Outcome,
    pub applicant: Person,
    pub proxy: Option<Proxy>,
    pub materials: Vec<CaseMaterial>,
    pub received_on: NaiveDate,
    pub promised_days: u32,
    pub due_date: Option<NaiveDate>,
    pub refusal_reason: Option<String>,
    pub legal_basis: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub fee: Decimal,
    pub previous_case_id: Option<String>,
    /// 告知承诺制: the day the case's 核查 is due (a material was promised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_due: Option<NaiveDate>,
    /// Set when a village agent took the case in offline (代办受理): the
    /// case waits for the center to confirm its bag before the clock starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentIntake>,
    /// 一件事: the bundle intake that took this case in with its siblings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<super::bundle::BundleRef>,
}

/// Who took a case in the village, on which laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentIntake {
    pub user_id: String,
    pub name: String,
    pub device_code: String,
}

/// What the counter shows and prints after an intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntakeResult {
    pub case_id: String,
    pub case_no: String,
    pub query_code: String,
    pub outcome: Outcome,
    pub outcome_label: &'static str,
    pub matter_code: String,
    pub matter_name: String,
    pub received_at: String,
    pub due_date: Option<NaiveDate>,
    /// "（按暂定节假日计算）" when the due date crosses a provisional year.
    pub due_note: Option<&'static str>,
    /// Every missing required material (for 一次性告知), in catalogue order.
    pub missing: Vec<CaseMaterial>,
    /// 容缺受理: the missing materials to be supplied later, each with its day.
    pub tolerated: Vec<CaseMaterial>,
    /// 告知承诺制: the materials promised instead of brought.
    pub promised: Vec<CaseMaterial>,
    /// 告知承诺制: the day the 核查 of the promise is due.
    pub verify_due: Option<NaiveDate>,
    pub refusal_reason: Option<String>,
    pub legal_basis: String,
    pub previous_case_no: Option<String>,
    /// Taken in by a village agent: 代办受理，送交中心 (no due date yet).
    pub via_agent: bool,
}

/// Takes in an application: checks, decides and commits it. A refusal of
/// the input (bad ID, unknown matter, missing calendar year …) writes nothing.
pub fn record(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    application: Application,
) -> crate::Result<IntakeResult> {
    store.write(|tx| record_in(tx, session, now, application))
}

/// [`record`] inside the caller's transaction (also used to seed benchmarks).
pub fn record_in(
    tx: &Transaction<'_>,
    session: &Session,
    now: DateTime<FixedOffset>,
    application: Application,
) -> crate::Result<IntakeResult> {
    record_linked(tx, session, now, application, None)
}

/// [`record_in`] for a case of a bundle intake ([`super::bundle`]) when
/// `bundle` is given.
pub(crate) fn record_linked(
    tx: &Transaction<'_>,
    session: &Session,
    now: DateTime<FixedOffset>,
    application: Application,
    bundle: Option<&super::bundle::BundleRef>,
) -> crate::Result<IntakeResult> {
    session.authorize(tx, Action::Intake)?;
    let today = now.date_naive();
    let (matter_version, matter) = withdrawal::open_for_intake(tx, &application.matter_code)?;
    let app = application.checked(&matter, today)?;
    // What cannot be printed is never recorded, whichever entry point asks.
    crate::documents::check_printable(&app)?;
    let brought = app.provided_flags(&matter)?;
    let promised = super::commitment::promised_flags(&app, &matter)?;
    // A promised material counts as there; one also brought is just brought.
    let promised: Vec<bool> = promised
        .iter()
        .zip(&brought)
        .map(|(p, b)| *p && !b)
        .collect();
    let provided: Vec<bool> = brought
        .iter()
        .zip(&promised)
        .map(|(b, p)| *b || *p)
        .collect();
    let dev = device::load(tx)?;
    if app.tolerate {
        super::tolerance::check_allowed(tx, dev.role)?;
    }
    if dev.role == device::DeviceRole::Agent && promised.contains(&true) {
        return Err(IntakeError::CommitmentAtAgent.into());
    }
    let decision = decide(
        &matter,
        &provided,
        app.refusal_reason.as_deref(),
        app.tolerate,
    )?;

    let previous = match &app.resubmission_of {
        Some(no) => Some(check_resubmission(tx, no, &app)?),
        None => None,
    };

    // On a village agent's laptop an application that would be accepted (or
    // done on the spot) is taken in for the center: no due date until the
    // center confirms its bag (src/lifecycle/bag.rs).
    let agent = (dev.role == device::DeviceRole::Agent
        && matches!(decision.outcome, Outcome::Accepted | Outcome::OnTheSpot))
    .then(|| AgentIntake {
        user_id: session.user_id.clone(),
        name: session.display_name.clone(),
        device_code: dev.device_code.clone(),
    });
    let mut decision = decision;
    if agent.is_some() {
        decision.outcome = Outcome::Accepted;
    }
    // A promise is kept (and checked) only on a case that was taken in.
    let taken_in = matches!(decision.outcome, Outcome::Accepted | Outcome::OnTheSpot);
    let promised: Vec<bool> = promised.iter().map(|p| *p && taken_in).collect();
    let dated = decision.outcome == Outcome::Accepted && agent.is_none();
    // The calendar is read once, and only when a date is computed.
    let cal = if dated || promised.contains(&true) {
        Some(schedule::load(tx)?)
    } else {
        None
    };
    let (due_date, due_note, tolerated) = match &cal {
        Some(cal) if dated => {
            let due = cal.due_date(today, i64::from(matter.promised_days), 0)?;
            let tolerated = super::tolerance::due_dates(cal, today, &matter, &decision.tolerated)?;
            (Some(due), cal.due_note(today, due), tolerated)
        }
        _ => (None, None, Vec::new()),
    };
    let verify_due = match &cal {
        Some(cal) if promised.contains(&true) => {
            super::commitment::verify_due(cal, today, &matter)?
        }
        _ => None,
    };
    let serial = next_serial(tx, &dev.device_id, &dev.device_code, today)?;
    if serial > case_number::MAX_SERIAL {
        return Err(IntakeError::SerialExhausted(today.to_string()).into());
    }
    let case_no = case_number::format(&dev.center_code, today, &dev.device_code, serial);
    let materials: Vec<CaseMaterial> = matter
        .materials
        .iter()
        .zip(&brought)
        .enumerate()
        .map(|(i, (m, p))| CaseMaterial {
            name: m.name.clone(),
            form: m.form,
            copies: m.copies,
            required: m.required,
            provided: *p,
            note: m.note.clone(),
            tolerated_until: tolerated
                .iter()
                .find(|(at, _)| *at == i)
                .map(|(_, until)| *until),
            promised: promised[i],
        })
        .collect();
    let payload = CaseReceived {
        case_no: case_no.clone(),
        serial,
        query_code: query_code::generate(),
        matter_code: matter.code.clone(),
        matter_version,
        matter_name: matter.name.clone(),
        case_type: matter.case_type,
        outcome: decision.outcome,
        applicant: app.applicant,
        proxy: app.proxy,
        materials,
        received_on: today,
        promised_days: matter.promised_days,
        due_date,
        refusal_reason: app.refusal_reason,
        legal_basis: matter.legal_basis_text(),
        fee: matter.fee,
        previous_case_id: previous.as_ref().map(|(id, _)| id.clone()),
        verify_due,
        agent,
        bundle: bundle.cloned(),
    };
    let case_id = uuid::Uuid::now_v7().to_string();
    let draft = Draft::new(&session.user_id, Some(&case_id), CASE_RECEIVED, &payload)?;
    let event = events::append(tx, &dev.device_id, now, draft)?;
    let tolerated: Vec<CaseMaterial> = payload
        .materials
        .iter()
        .filter(|m| m.tolerated_until.is_some())
        .cloned()
        .collect();
    Ok(IntakeResult {
        case_id,
        case_no,
        query_code: payload.query_code,
        outcome: decision.outcome,
        outcome_label: super::tolerance::outcome_label(decision.outcome, !tolerated.is_empty()),
        matter_code: payload.matter_code,
        matter_name: payload.matter_name,
        received_at: event.ts,
        due_date,
        due_note,
        missing: decision
            .missing
            .iter()
            .map(|i| payload.materials[*i].clone())
            .collect(),
        tolerated,
        promised: payload
            .materials
            .iter()
            .filter(|m| m.promised)
            .cloned()
            .collect(),
        verify_due,
        refusal_reason: payload.refusal_reason,
        legal_basis: payload.legal_basis,
        previous_case_no: previous.map(|(_, no)| no),
        via_agent: payload.agent.is_some(),
    })
}

/// The next serial of this device's case numbers on `day`, after those of
/// a revoked laptop that held the same code (the laptop joined again with
/// a new key: src/exchange/devices.rs `revoke`).
fn next_serial(
    tx: &Transaction<'_>,
    device_id: &str,
    device_code: &str,
    day: NaiveDate,
) -> Result<i64, StoreError> {
    let last: Option<i64> = tx
        .prepare_cached(
            "SELECT max(last_serial) FROM daily_serials WHERE day = ?2
               AND (device_id = ?1 OR device_id IN (SELECT device_id FROM devices WHERE device_code = ?3))",
        )?
        .query_row(params![device_id, day, device_code], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(last.unwrap_or(0) + 1)
}

/// A re-submission must follow a notice or refusal of the same matter and
/// applicant that was not re-submitted already. Returns (case_id, case_no).
fn check_resubmission(
    tx: &Transaction<'_>,
    case_no: &str,
    app: &Application,
) -> crate::Result<(String, String)> {
    let prev =
        lookup::summary(tx, case_no)?.ok_or_else(|| IntakeError::NoSuchCase(case_no.to_owned()))?;
    if !matches!(prev.outcome, Outcome::Notice | Outcome::Refused) {
        return Err(IntakeError::CannotResubmit {
            case_no: prev.case_no,
            outcome: prev.outcome.label(),
        }
        .into());
    }
    if prev.matter_code != app.matter_code {
        return Err(IntakeError::ResubmitMismatch {
            case_no: prev.case_no,
            what: "事项",
        }
        .into());
    }
    if prev.applicant_id_number != app.applicant.id_number {
        return Err(IntakeError::ResubmitMismatch {
            case_no: prev.case_no,
            what: "申请人证件号码",
        }
        .into());
    }
    if let Some(next) = lookup::resubmission_of(tx, &prev.case_id)? {
        return Err(IntakeError::AlreadyResubmitted(prev.case_no, next).into());
    }
    Ok((prev.case_id, prev.case_no))
}

/// An application taken in, whatever its outcome (payload [`CaseReceived`]).
pub const CASE_RECEIVED: &str = "case.received";

/// The case tables are filled at intake; later steps change a case's row
/// (src/lifecycle/projector.rs) but the rows are intake's.
pub const PROJECTOR: Projector = Projector {
    area: "intake::record",
    kinds: &[CASE_RECEIVED],
    tables: &["cases", "case_search", "case_materials", "daily_serials"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: CaseReceived) -> crate::Result<()> {
    let case_id = event.case_id.clone().ok_or_else(|| StoreError::BadEvent {
        device: event.device_id.clone(),
        seq: event.seq,
        reason: "受理事件缺少办件标识".into(),
    })?;
    // An on-the-spot case (即办) is completed the moment it is taken in.
    let on_the_spot = p.outcome == Outcome::OnTheSpot;
    let completed_at = on_the_spot.then(|| event.ts.clone());
    let completed_on = on_the_spot.then_some(p.received_on);
    let proxy = p.proxy.as_ref();
    tx.prepare_cached(
        "INSERT INTO cases (case_id, case_no, query_code, matter_code, matter_version, matter_name, case_type,
            outcome, state, applicant_name, applicant_id_type, applicant_id_number, applicant_phone,
            applicant_address, proxy_name, proxy_id_type, proxy_id_number, proxy_phone, proxy_relation,
            received_at, received_on, promised_days, due_date, completed_at, refusal_reason, legal_basis,
            fee, clerk_user_id, device_id, previous_case_id, completed_on, agent_user_id, tolerance_due,
            verify_due, bundle_id, bundle_code, bundle_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37)",
    )?
    .execute(params![
        case_id,
        p.case_no,
        p.query_code,
        p.matter_code,
        p.matter_version,
        p.matter_name,
        p.case_type.label(),
        p.outcome.code(),
        if p.agent.is_some() && p.outcome == Outcome::Accepted {
            crate::lifecycle::State::AgentTaken.code()
        } else {
            p.outcome.initial_state()
        },
        p.applicant.name,
        p.applicant.id_type.code(),
        p.applicant.id_number,
        p.applicant.phone,
        p.applicant.address,
        proxy.map(|x| &x.person.name),
        proxy.map(|x| x.person.id_type.code()),
        proxy.map(|x| &x.person.id_number),
        proxy.map(|x| &x.person.phone),
        proxy.map(|x| &x.relation),
        event.ts,
        p.received_on,
        p.promised_days,
        p.due_date,
        completed_at,
        p.refusal_reason,
        p.legal_basis,
        p.fee.to_string(),
        event.user_id,
        event.device_id,
        p.previous_case_id,
        completed_on,
        p.agent.as_ref().map(|a| &a.user_id),
        p.materials.iter().filter_map(|m| m.tolerated_until).min(),
        p.verify_due,
        p.bundle.as_ref().map(|b| &b.id),
        p.bundle.as_ref().map(|b| &b.code),
        p.bundle.as_ref().map(|b| &b.name),
    ])?;
    super::search_index::index(
        tx,
        tx.last_insert_rowid(),
        &super::search_index::Indexed {
            case_no: &p.case_no,
            query_code: &p.query_code,
            names: [
                Some(&p.applicant.name),
                proxy.map(|x| x.person.name.as_str()),
            ],
            id_numbers: [
                Some(&p.applicant.id_number),
                proxy.map(|x| x.person.id_number.as_str()),
            ],
            phones: [
                Some(&p.applicant.phone),
                proxy.map(|x| x.person.phone.as_str()),
            ],
            address: &p.applicant.address,
        },
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO case_materials (case_id, position, name, form, copies, required, provided, note,
            tolerated_until, promised)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, m) in p.materials.iter().enumerate() {
        stmt.execute(params![
            case_id,
            i as i64 + 1,
            m.name,
            m.form.label(),
            m.copies,
            m.required,
            m.provided,
            m.note,
            m.tolerated_until,
            m.promised
        ])?;
    }
    tx.prepare_cached(
        "INSERT INTO daily_serials (device_id, day, last_serial) VALUES (?1, ?2, ?3)
         ON CONFLICT (device_id, day) DO UPDATE SET last_serial = max(last_serial, excluded.last_serial)",
    )?
    .execute(params![event.device_id, p.received_on, p.serial])?;
    Ok(())
}
