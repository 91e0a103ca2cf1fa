//! The enquiry log (首问负责制): whoever is asked first owns the answer.
//! A walk-in or phone enquiry records who asked (name and phone optional),
//! the question, the matter if any, the answer given and the owner (the
//! acting clerk). When another department must answer, a follow-up with a
//! due date is opened and later closed with the reply. An enquiry can be
//! turned into an intake in one step: its matter, name and phone carry over
//! and the case is linked to it.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::ServiceError;
use crate::applicant::{self, Person};
use crate::auth::{Action, Session};
use crate::calendar::schedule;
use crate::catalogue::versions;
use crate::intake::{record::record_in, Application, IntakeResult};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// How the enquiry came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    WalkIn,
    Phone,
}

impl Channel {
    pub fn parse(s: &str) -> crate::Result<Channel> {
        match s.trim() {
            "walk_in" | "当面" | "现场" => Ok(Channel::WalkIn),
            "phone" | "电话" => Ok(Channel::Phone),
            other => Err(ServiceError::Unknown {
                kind: "咨询方式",
                given: other.to_owned(),
                allowed: "当面（walk_in）、电话（phone）",
            }
            .into()),
        }
    }

    fn code(self) -> &'static str {
        match self {
            Channel::WalkIn => "walk_in",
            Channel::Phone => "phone",
        }
    }
}

/// What the clerk enters.
#[derive(Debug, Clone, Default)]
pub struct Enquiry {
    pub asker_name: String,
    pub asker_phone: String,
    pub question: String,
    pub matter_code: Option<String>,
    pub answer: String,
    /// Another department that must answer later (blank: none).
    pub follow_up_department: Option<String>,
    /// In how many working days it must answer; [`FOLLOW_UP_DAYS`] if not given.
    pub follow_up_days: Option<u32>,
}

/// Working days another department has to answer a follow-up, unless the
/// clerk sets another limit.
pub const FOLLOW_UP_DAYS: u32 = 5;

/// Payload of `consultation.recorded`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recorded {
    pub consultation_id: String,
    pub channel: Channel,
    pub asker_name: String,
    pub asker_phone: String,
    pub question: String,
    pub matter_code: Option<String>,
    pub answer: String,
    pub follow_up_department: Option<String>,
    pub follow_up_due: Option<NaiveDate>,
}

/// Payload of `consultation.replied` and `consultation.converted`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Linked {
    pub consultation_id: String,
    pub reply: Option<String>,
    pub case_id: Option<String>,
}

/// A consultation as listed.
#[derive(Debug, Clone, Serialize)]
pub struct Consultation {
    pub consultation_id: String,
    pub asked_at: String,
    pub channel: String,
    pub asker_name: String,
    pub asker_phone: String,
    pub question: String,
    pub matter_code: Option<String>,
    pub answer: String,
    pub owner: String,
    pub follow_up_department: Option<String>,
    pub follow_up_due: Option<NaiveDate>,
    pub follow_up_reply: Option<String>,
    pub case_no: Option<String>,
}

fn text(s: &str, field: &'static str, required: bool) -> crate::Result<String> {
    Ok(applicant::text_field(s.trim(), field, 2000, required)?)
}

/// Records an enquiry.
pub fn record(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    channel: Channel,
    e: Enquiry,
) -> crate::Result<Consultation> {
    session.authorize(store.conn(), Action::ServiceDesk)?;
    let asker_phone = if e.asker_phone.trim().is_empty() {
        String::new()
    } else {
        applicant::phone::check(&e.asker_phone)?
    };
    let asker_name = text(&e.asker_name, "咨询人姓名", false)?;
    let question = text(&e.question, "咨询内容", true)?;
    let answer = text(&e.answer, "答复内容", true)?;
    store.write(|tx| {
        let matter_code = match e
            .matter_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(code) => Some(versions::current(tx, code)?.1.code),
            None => None,
        };
        let department = e.follow_up_department.as_deref().map(str::trim);
        let (follow_up_department, follow_up_due) = match department.filter(|d| !d.is_empty()) {
            Some(dept) => {
                let days = e.follow_up_days.unwrap_or(FOLLOW_UP_DAYS);
                let due =
                    schedule::load(tx)?.add_working_days(now.date_naive(), i64::from(days))?;
                (Some(text(dept, "需跟进答复的部门", true)?), Some(due))
            }
            None => (None, None),
        };
        let p = Recorded {
            consultation_id: uuid::Uuid::now_v7().to_string(),
            channel,
            asker_name,
            asker_phone,
            question,
            matter_code,
            answer,
            follow_up_department,
            follow_up_due,
        };
        let id = p.consultation_id.clone();
        events::append_here(tx, now, Draft::new(&session.user_id, None, RECORDED, &p)?)?;
        find(tx, &id)
    })
}

/// Closes a follow-up with the other department's reply.
pub fn reply(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    id: &str,
    reply: &str,
) -> crate::Result<Consultation> {
    session.authorize(store.conn(), Action::ServiceDesk)?;
    let reply = text(reply, "跟进答复", true)?;
    store.write(|tx| {
        let c = find(tx, id)?;
        if c.follow_up_department.is_none() {
            return Err(ServiceError::NoFollowUp.into());
        }
        let p = Linked {
            consultation_id: c.consultation_id.clone(),
            reply: Some(reply),
            case_id: None,
        };
        events::append_here(tx, now, Draft::new(&session.user_id, None, REPLIED, &p)?)?;
        find(tx, id)
    })
}

/// Turns an enquiry into an intake: the matter, name and phone carry over
/// where the application leaves them blank; the case is linked to it.
pub fn convert(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    id: &str,
    mut application: Application,
) -> crate::Result<IntakeResult> {
    session.authorize(store.conn(), Action::Intake)?;
    store.write(|tx| {
        let c = find(tx, id)?;
        if let Some(no) = &c.case_no {
            return Err(ServiceError::AlreadyConverted(no.clone()).into());
        }
        if application.matter_code.trim().is_empty() {
            application.matter_code = c.matter_code.clone().unwrap_or_default();
        }
        let a: &mut Person = &mut application.applicant;
        if a.name.trim().is_empty() {
            a.name = c.asker_name.clone();
        }
        if a.phone.trim().is_empty() {
            a.phone = c.asker_phone.clone();
        }
        let r = record_in(tx, session, now, application)?;
        let p = Linked {
            consultation_id: c.consultation_id,
            reply: None,
            case_id: Some(r.case_id.clone()),
        };
        events::append_here(
            tx,
            now,
            Draft::new(&session.user_id, Some(&r.case_id), CONVERTED, &p)?,
        )?;
        Ok(r)
    })
}

const SELECT: &str = "SELECT c.consultation_id, c.asked_at, c.channel, c.asker_name, c.asker_phone, c.question,
        c.matter_code, c.answer, u.display_name, c.follow_up_department, c.follow_up_due, c.follow_up_reply, k.case_no
     FROM consultations c JOIN users u ON u.user_id = c.owner_user_id LEFT JOIN cases k ON k.case_id = c.case_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Consultation> {
    Ok(Consultation {
        consultation_id: r.get(0)?,
        asked_at: r.get(1)?,
        channel: r.get(2)?,
        asker_name: r.get(3)?,
        asker_phone: r.get(4)?,
        question: r.get(5)?,
        matter_code: r.get(6)?,
        answer: r.get(7)?,
        owner: r.get(8)?,
        follow_up_department: r.get(9)?,
        follow_up_due: r.get(10)?,
        follow_up_reply: r.get(11)?,
        case_no: r.get(12)?,
    })
}

/// One consultation by id.
pub fn find(conn: &Connection, id: &str) -> crate::Result<Consultation> {
    conn.prepare_cached(&format!("{SELECT} WHERE c.consultation_id = ?1"))?
        .query_row([id.trim()], row)
        .optional()
        .map_err(StoreError::from)?
        .ok_or_else(|| {
            ServiceError::NotFound {
                kind: "咨询记录",
                id: id.trim().to_owned(),
            }
            .into()
        })
}

/// Consultations asked on a day, and open follow-ups when `open_only`.
pub fn list(
    conn: &Connection,
    day: Option<NaiveDate>,
    open_only: bool,
) -> crate::Result<Vec<Consultation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE (?1 IS NULL OR substr(c.asked_at, 1, 10) = ?1)
           AND (?2 = 0 OR (c.follow_up_department IS NOT NULL AND c.follow_up_reply IS NULL))
         ORDER BY c.asked_at"
    ))?;
    let rows = stmt.query_map(params![day, open_only], row)?;
    Ok(rows.collect::<Result<_, _>>().map_err(StoreError::from)?)
}

/// An enquiry recorded (payload [`Recorded`]).
pub const RECORDED: &str = "consultation.recorded";
/// A department's follow-up reply (payload [`Linked`]).
pub const REPLIED: &str = "consultation.replied";
/// An enquiry turned into an intake (payload [`Linked`]).
pub const CONVERTED: &str = "consultation.converted";

/// The consultations table follows its events.
pub const PROJECTOR: Projector = Projector {
    area: "service::consultation",
    kinds: &[RECORDED, REPLIED, CONVERTED],
    tables: &["consultations"],
    apply: project,
};

fn project(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    match event.kind.as_str() {
        RECORDED => {
            let p: Recorded = payload(event)?;
            tx.execute(
                "INSERT INTO consultations (consultation_id, asked_at, channel, asker_name, asker_phone, question,
                    matter_code, answer, owner_user_id, follow_up_department, follow_up_due)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    p.consultation_id, event.ts, p.channel.code(), p.asker_name, p.asker_phone, p.question,
                    p.matter_code, p.answer, event.user_id, p.follow_up_department, p.follow_up_due
                ],
            )?;
        }
        REPLIED => {
            let p: Linked = payload(event)?;
            tx.execute(
                "UPDATE consultations SET follow_up_reply = ?1, follow_up_replied_at = ?2 WHERE consultation_id = ?3",
                params![p.reply, event.ts, p.consultation_id],
            )?;
        }
        CONVERTED => {
            let p: Linked = payload(event)?;
            tx.execute(
                "UPDATE consultations SET case_id = ?1 WHERE consultation_id = ?2",
                params![p.case_id, p.consultation_id],
            )?;
        }
        _ => return Err(crate::store::projection::unknown_kind(event)),
    }
    Ok(())
}
