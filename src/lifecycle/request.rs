//! One step as the window or the command line asks for it (texts as typed),
//! parsed and dispatched to the step in `handling.rs` (or `bag.rs`).

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use super::handling::*;
use crate::auth::Session;
use crate::store::Store;

/// One step as the window or the command line asks for it, with the
/// values that step needs (texts as typed; parsed and checked here).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum StepRequest {
    ConfirmBag {
        bag: String,
    },
    Assign {
        to: String,
        #[serde(default)]
        forward: Option<String>,
    },
    Suspend {
        kind: String,
        reason: String,
    },
    Resume,
    Complete {
        result: String,
        #[serde(default)]
        reason: Option<String>,
    },
    NotifyPickup,
    /// `in_person`: the applicant herself, her ID card checked against the
    /// case (name and number are then taken from the case, not typed).
    Collect {
        #[serde(default)]
        name: String,
        #[serde(default)]
        id_number: String,
        #[serde(default)]
        proxy: bool,
        #[serde(default)]
        in_person: bool,
    },
    Mail {
        tracking: String,
    },
    Archive,
    Return {
        reason: String,
    },
    Withdraw {
        reason: String,
    },
    Extend {
        to: String,
        reason: String,
    },
    /// 补齐容缺材料: the material's position in the case's list or its name.
    Supply {
        material: String,
    },
    /// 核查属实, with what was checked (optional).
    Verify {
        #[serde(default)]
        note: Option<String>,
    },
    /// 核查不实，撤销: why the promise was false.
    Revoke {
        reason: String,
    },
}

/// The word lists the steps' forms offer, owned by the steps themselves.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Choices {
    /// What a suspension is for ([`SuspendKind`]).
    pub suspend_kinds: &'static [&'static str],
    /// The results of 办结 ([`Decision`]).
    pub decisions: &'static [&'static str],
}

/// The word lists of the steps' forms.
pub fn choices() -> Choices {
    Choices {
        suspend_kinds: &SuspendKind::LABELS,
        decisions: &Decision::LABELS,
    }
}

/// Takes the step `request` names on `case_no`.
pub fn take(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    request: StepRequest,
) -> crate::Result<StepDone> {
    let (st, s, t) = (store, session, now);
    let blank_is_none = |x: Option<String>| x.filter(|v| !v.trim().is_empty());
    match request {
        StepRequest::ConfirmBag { bag } => super::bag::confirm(st, s, t, case_no, &bag),
        StepRequest::Assign { to, forward } => {
            assign(st, s, t, case_no, &to, blank_is_none(forward).as_deref())
        }
        StepRequest::Suspend { kind, reason } => {
            suspend(st, s, t, case_no, SuspendKind::parse(&kind)?, &reason)
        }
        StepRequest::Resume => resume(st, s, t, case_no),
        StepRequest::Complete { result, reason } => complete(
            st,
            s,
            t,
            case_no,
            Decision::parse(&result)?,
            blank_is_none(reason).as_deref(),
        ),
        StepRequest::NotifyPickup => notify_pickup(st, s, t, case_no),
        StepRequest::Collect {
            in_person: true, ..
        } => collect_in_person(st, s, t, case_no),
        StepRequest::Collect {
            name,
            id_number,
            proxy,
            ..
        } => collect(st, s, t, case_no, &name, &id_number, proxy),
        StepRequest::Mail { tracking } => mail(st, s, t, case_no, &tracking),
        StepRequest::Archive => archive(st, s, t, case_no),
        StepRequest::Return { reason } => return_case(st, s, t, case_no, &reason),
        StepRequest::Withdraw { reason } => withdraw(st, s, t, case_no, &reason),
        StepRequest::Supply { material } => supply(st, s, t, case_no, &material),
        StepRequest::Verify { note } => verify(st, s, t, case_no, blank_is_none(note).as_deref()),
        StepRequest::Revoke { reason } => revoke(st, s, t, case_no, &reason),
        StepRequest::Extend { to, reason } => {
            let day = crate::calendar::parse_day(&to)?;
            extend(st, s, t, case_no, day, &reason)
        }
    }
}
