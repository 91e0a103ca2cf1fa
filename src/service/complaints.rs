//! The complaints register (投诉来访登记). A complaint records the
//! complainant and contact, channel (当面/电话/信件), date, target (a window
//! or a clerk), category (推诿, 拖延, 刁难, 态度, 乱收费, 擅离岗位, 其他),
//! content and a deadline (default 5 working days). A manager may transfer
//! it, answers it with the handling result and the feedback given to the
//! complainant, and records whether the complainant accepts: if not, it is
//! re-checked with a new deadline and answered again.
//!
//! Confidentiality: only managers see the complainant's name and contact;
//! everyone else sees them masked.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::numbers::{self, Series};
use super::ServiceError;
use crate::applicant;
use crate::auth::{Action, Role, Session};
use crate::calendar::schedule;
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// The channels a complaint comes by.
pub const CHANNELS: [&str; 3] = ["当面", "电话", "信件"];
/// The categories of complaint.
pub const CATEGORIES: [&str; 7] = ["推诿", "拖延", "刁难", "态度", "乱收费", "擅离岗位", "其他"];
/// The default working days to answer.
pub const DEFAULT_DAYS: i64 = 5;

/// What the clerk enters.
#[derive(Debug, Clone, Default)]
pub struct NewComplaint {
    pub complainant_name: String,
    pub complainant_contact: String,
    pub channel: String,
    pub target: String,
    pub category: String,
    pub content: String,
    /// Working days to answer (default 5).
    pub days: Option<i64>,
}

/// Payload of `complaint.registered`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registered {
    pub complaint_id: String,
    pub received_on: NaiveDate,
    pub channel: String,
    pub complainant_name: String,
    pub complainant_contact: String,
    pub target: String,
    pub category: String,
    pub content: String,
    pub deadline: NaiveDate,
    /// TS-A01-007 ([`super::numbers`]); absent in complaints registered before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// Payload of `complaint.transferred`, `complaint.answered`, `complaint.reviewed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Update {
    pub complaint_id: String,
    pub transferred_to: Option<String>,
    pub result: Option<String>,
    pub feedback: Option<String>,
    pub accepted: Option<bool>,
    pub new_deadline: Option<NaiveDate>,
}

/// A complaint as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Complaint {
    pub complaint_id: String,
    /// The short number people name it by (TS-A01-007).
    pub number: String,
    pub received_on: NaiveDate,
    pub channel: String,
    /// Masked (`***`) unless the viewer is a manager.
    pub complainant_name: String,
    pub complainant_contact: String,
    pub target: String,
    pub category: String,
    pub content: String,
    pub transferred_to: Option<String>,
    pub deadline: NaiveDate,
    pub result: Option<String>,
    pub feedback: Option<String>,
    pub feedback_on: Option<NaiveDate>,
    pub accepted: Option<bool>,
    pub rechecks: i64,
    pub state: String,
    pub state_label: &'static str,
}

fn state_label(state: &str) -> &'static str {
    match state {
        "open" => "办理中",
        "answered" => "已答复待确认",
        "recheck" => "不满意复查中",
        "closed" => "已办结",
        _ => "未知",
    }
}

fn one_of(
    value: &str,
    allowed: &[&str],
    kind: &'static str,
    list: &'static str,
) -> crate::Result<String> {
    let v = value.trim();
    if allowed.contains(&v) {
        Ok(v.to_owned())
    } else {
        Err(ServiceError::Unknown {
            kind,
            given: v.to_owned(),
            allowed: list,
        }
        .into())
    }
}

fn text(s: &str, field: &'static str) -> crate::Result<String> {
    Ok(applicant::text_field(s.trim(), field, 4000, true)?)
}

/// Registers a complaint.
pub fn register(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    c: NewComplaint,
) -> crate::Result<Complaint> {
    session.authorize(store.conn(), Action::ServiceDesk)?;
    let p_channel = one_of(&c.channel, &CHANNELS, "投诉方式", "当面、电话、信件")?;
    let category = one_of(
        &c.category,
        &CATEGORIES,
        "投诉类别",
        "推诿、拖延、刁难、态度、乱收费、擅离岗位、其他",
    )?;
    let complainant_name = applicant::name::check(&c.complainant_name, "投诉人姓名")?;
    let complainant_contact = text(&c.complainant_contact, "投诉人联系方式")?;
    let target = text(&c.target, "被投诉窗口或人员")?;
    let content = text(&c.content, "投诉内容")?;
    let days = c.days.unwrap_or(DEFAULT_DAYS);
    if !(1..=30).contains(&days) {
        return Err(applicant::ApplicantError::OutOfRange {
            field: "办理时限（工作日）",
            min: 1,
            max: 30,
            value: days,
        }
        .into());
    }
    store.write(|tx| {
        let received_on = now.date_naive();
        let deadline = schedule::load(tx)?.add_working_days(received_on, days)?;
        let p = Registered {
            complaint_id: uuid::Uuid::now_v7().to_string(),
            received_on,
            channel: p_channel,
            complainant_name,
            complainant_contact,
            target,
            category,
            content,
            deadline,
            number: numbers::next(tx, Series::Complaint, 1)?.pop(),
        };
        events::append_here(tx, now, Draft::new(&session.user_id, None, REGISTERED, &p)?)?;
        find(tx, session, &p.complaint_id)
    })
}

/// A manager's step on a complaint: its event kind, the states it may
/// follow, and its name in messages.
struct Transition {
    kind: &'static str,
    from: &'static [&'static str],
    label: &'static str,
}

const TRANSFER: Transition = Transition {
    kind: TRANSFERRED,
    from: &["open", "recheck"],
    label: "转交",
};
const ANSWER: Transition = Transition {
    kind: ANSWERED,
    from: &["open", "recheck"],
    label: "答复",
};
const REVIEW: Transition = Transition {
    kind: REVIEWED,
    from: &["answered"],
    label: "记录投诉人是否满意",
};

fn step(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    id: &str,
    t: &Transition,
    build: impl FnOnce(&Transaction<'_>) -> crate::Result<Update>,
) -> crate::Result<Complaint> {
    session.authorize(store.conn(), Action::ManageQuality)?;
    store.write(|tx| {
        let current = find(tx, session, id)?;
        if !t.from.contains(&current.state.as_str()) {
            return Err(ServiceError::ComplaintStep {
                state: current.state_label,
                step: t.label,
            }
            .into());
        }
        let mut p = build(tx)?;
        // The complaint may have been named by its number.
        p.complaint_id = current.complaint_id.clone();
        events::append_here(tx, now, Draft::new(&session.user_id, None, t.kind, &p)?)?;
        find(tx, session, &current.complaint_id)
    })
}

fn update(id: &str) -> Update {
    Update {
        complaint_id: id.to_owned(),
        transferred_to: None,
        result: None,
        feedback: None,
        accepted: None,
        new_deadline: None,
    }
}

/// Transfers a complaint to a department or person for handling.
pub fn transfer(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    id: &str,
    to: &str,
) -> crate::Result<Complaint> {
    let to = text(to, "转交对象")?;
    step(store, session, now, id, &TRANSFER, |_| {
        Ok(Update {
            transferred_to: Some(to),
            ..update(id)
        })
    })
}

/// Answers a complaint: the handling result and the feedback given to the complainant.
pub fn answer(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    id: &str,
    result: &str,
    feedback: &str,
) -> crate::Result<Complaint> {
    let result = text(result, "处理结果")?;
    let feedback = text(feedback, "向投诉人反馈的内容")?;
    step(store, session, now, id, &ANSWER, |_| {
        Ok(Update {
            result: Some(result),
            feedback: Some(feedback),
            ..update(id)
        })
    })
}

/// Records whether the complainant accepts the answer; if not, the
/// complaint is re-checked with a new deadline.
pub fn review(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    id: &str,
    accepted: bool,
) -> crate::Result<Complaint> {
    step(store, session, now, id, &REVIEW, |tx| {
        let new_deadline = if accepted {
            None
        } else {
            Some(schedule::load(tx)?.add_working_days(now.date_naive(), DEFAULT_DAYS)?)
        };
        Ok(Update {
            accepted: Some(accepted),
            new_deadline,
            ..update(id)
        })
    })
}

const SELECT: &str = "SELECT complaint_id, received_on, channel, complainant_name, complainant_contact, target, category,
        content, transferred_to, deadline, result, feedback, feedback_on, accepted, rechecks, state, number FROM complaints";

fn row(r: &rusqlite::Row<'_>, reveal: bool) -> rusqlite::Result<Complaint> {
    let state: String = r.get(15)?;
    let hide = |s: String| if reveal { s } else { "***".to_owned() };
    let id: String = r.get(0)?;
    Ok(Complaint {
        number: numbers::shown(r.get(16)?, &id),
        complaint_id: id,
        received_on: r.get(1)?,
        channel: r.get(2)?,
        complainant_name: hide(r.get(3)?),
        complainant_contact: hide(r.get(4)?),
        target: r.get(5)?,
        category: r.get(6)?,
        content: r.get(7)?,
        transferred_to: r.get(8)?,
        deadline: r.get(9)?,
        result: r.get(10)?,
        feedback: r.get(11)?,
        feedback_on: r.get(12)?,
        accepted: r.get(13)?,
        rechecks: r.get(14)?,
        state_label: state_label(&state),
        state,
    })
}

/// One complaint as `viewer` may see it, named by its number or id.
pub fn find(conn: &Connection, viewer: &Session, id: &str) -> crate::Result<Complaint> {
    let reveal = viewer.role == Role::Manager;
    let id = numbers::resolve(conn, Series::Complaint, id)?;
    conn.prepare_cached(&format!("{SELECT} WHERE complaint_id = ?1"))?
        .query_row([id.trim()], |r| row(r, reveal))
        .optional()
        .map_err(StoreError::from)?
        .ok_or_else(|| {
            ServiceError::NotFound {
                kind: "投诉",
                id: id.trim().to_owned(),
            }
            .into()
        })
}

/// Every complaint not closed (all when `include_closed`), by deadline, as `viewer` may see them.
pub fn list(
    conn: &Connection,
    viewer: &Session,
    include_closed: bool,
) -> crate::Result<Vec<Complaint>> {
    viewer.authorize(conn, Action::ViewCases)?;
    let reveal = viewer.role == Role::Manager;
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE ?1 = 1 OR state <> 'closed' ORDER BY deadline, complaint_id"
    ))?;
    let rows = stmt.query_map([include_closed], |r| row(r, reveal))?;
    Ok(rows.collect::<Result<_, _>>().map_err(StoreError::from)?)
}

/// A complaint registered (payload [`Registered`]).
pub const REGISTERED: &str = "complaint.registered";
/// A complaint transferred to a department (payload [`Update`]).
pub const TRANSFERRED: &str = "complaint.transferred";
/// A complaint answered (payload [`Update`]).
pub const ANSWERED: &str = "complaint.answered";
/// The complainant's satisfaction recorded (payload [`Update`]).
pub const REVIEWED: &str = "complaint.reviewed";

/// The complaints table follows its events.
pub const PROJECTOR: Projector = Projector {
    area: "service::complaints",
    kinds: &[REGISTERED, TRANSFERRED, ANSWERED, REVIEWED],
    tables: &["complaints"],
    apply: project,
};

fn project(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    match event.kind.as_str() {
        REGISTERED => {
            let p: Registered = payload(event)?;
            tx.execute(
                "INSERT INTO complaints (complaint_id, received_on, channel, complainant_name, complainant_contact,
                    target, category, content, deadline, state, recorded_by, recorded_at, number)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open', ?10, ?11, ?12)",
                params![
                    p.complaint_id, p.received_on, p.channel, p.complainant_name, p.complainant_contact, p.target,
                    p.category, p.content, p.deadline, event.user_id, event.ts, p.number
                ],
            )?;
        }
        TRANSFERRED => {
            let p: Update = payload(event)?;
            tx.execute(
                "UPDATE complaints SET transferred_to = ?1 WHERE complaint_id = ?2",
                params![p.transferred_to, p.complaint_id],
            )?;
        }
        ANSWERED => {
            let p: Update = payload(event)?;
            tx.execute(
                "UPDATE complaints SET result = ?1, feedback = ?2, feedback_on = substr(?3, 1, 10), state = 'answered'
                 WHERE complaint_id = ?4",
                params![p.result, p.feedback, event.ts, p.complaint_id],
            )?;
        }
        REVIEWED => {
            let p: Update = payload(event)?;
            if p.accepted == Some(true) {
                tx.execute(
                    "UPDATE complaints SET accepted = 1, state = 'closed' WHERE complaint_id = ?1",
                    params![p.complaint_id],
                )?;
            } else {
                tx.execute(
                    "UPDATE complaints SET accepted = 0, state = 'recheck', rechecks = rechecks + 1,
                     deadline = coalesce(?1, deadline) WHERE complaint_id = ?2",
                    params![p.new_deadline, p.complaint_id],
                )?;
            }
        }
        _ => return Err(crate::store::projection::unknown_kind(event)),
    }
    Ok(())
}
