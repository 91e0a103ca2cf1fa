//! 咨询登记 (recording an enquiry, listing today's; turning one into an
//! intake is [`super::intake::consultation_convert`]), 好差评 on a case, and
//! 投诉登记 (registering a complaint, the open ones).

use bianmin::service::complaints::{self, Complaint, NewComplaint};
use bianmin::service::consultation::{self, Channel, Consultation, Enquiry};
use bianmin::service::evaluation::{self, Evaluated, Rating};
use serde::Deserialize;
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[derive(Deserialize)]
pub struct EnquiryForm {
    pub channel: String,
    pub asker_name: String,
    pub asker_phone: String,
    pub question: String,
    pub matter_code: Option<String>,
    pub answer: String,
    /// The department that must answer later, if any.
    pub follow_up_department: Option<String>,
    pub follow_up_days: Option<u32>,
}

#[tauri::command]
pub fn consultation_record(desk: State<'_, Desk>, form: EnquiryForm) -> UiResult<Consultation> {
    let channel = Channel::parse(&form.channel)?;
    desk.session(|store, session| {
        Ok(consultation::record(
            store,
            session,
            now(),
            channel,
            Enquiry {
                asker_name: form.asker_name,
                asker_phone: form.asker_phone,
                question: form.question,
                matter_code: form.matter_code,
                answer: form.answer,
                follow_up_department: form.follow_up_department,
                follow_up_days: form.follow_up_days,
            },
        )?)
    })
}

#[tauri::command]
pub fn consultations_today(desk: State<'_, Desk>) -> UiResult<Vec<Consultation>> {
    desk.session(|store, _| {
        Ok(consultation::list(
            store.conn(),
            Some(now().date_naive()),
            false,
        )?)
    })
}

/// A rating (好差评) as the window sends it.
#[derive(Deserialize)]
pub struct RatingForm {
    pub level: u8,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub comment: String,
    pub channel: String,
}

#[tauri::command]
pub fn evaluate_case(
    desk: State<'_, Desk>,
    case_no: String,
    form: RatingForm,
) -> UiResult<Evaluated> {
    let rating = Rating {
        level: form.level,
        reasons: form.reasons,
        comment: form.comment,
        channel: evaluation::Channel::parse(&form.channel)?,
    };
    desk.session(|store, session| {
        Ok(evaluation::evaluate_case(
            store,
            session,
            now(),
            &case_no,
            &rating,
        )?)
    })
}

/// The choices the rating form offers, from the core's lists.
#[derive(serde::Serialize)]
pub struct RatingChoices {
    pub levels: Vec<(u8, &'static str)>,
    pub reasons: Vec<&'static str>,
}

#[tauri::command]
pub fn rating_choices() -> RatingChoices {
    RatingChoices {
        levels: evaluation::LEVELS.to_vec(),
        reasons: evaluation::REASONS.to_vec(),
    }
}

/// A complaint as the window sends it.
#[derive(Deserialize)]
pub struct ComplaintForm {
    pub complainant_name: String,
    pub complainant_contact: String,
    pub channel: String,
    pub target: String,
    pub category: String,
    pub content: String,
}

#[tauri::command]
pub fn complaint_register(desk: State<'_, Desk>, form: ComplaintForm) -> UiResult<Complaint> {
    desk.session(|store, session| {
        Ok(complaints::register(
            store,
            session,
            now(),
            NewComplaint {
                complainant_name: form.complainant_name,
                complainant_contact: form.complainant_contact,
                channel: form.channel,
                target: form.target,
                category: form.category,
                content: form.content,
                days: None,
            },
        )?)
    })
}

#[derive(serde::Serialize)]
pub struct ComplaintBoard {
    pub channels: Vec<&'static str>,
    pub categories: Vec<&'static str>,
    pub open: Vec<Complaint>,
}

#[tauri::command]
pub fn complaints_open(
    desk: State<'_, Desk>,
    include_closed: Option<bool>,
) -> UiResult<ComplaintBoard> {
    desk.session(|store, session| {
        Ok(ComplaintBoard {
            channels: complaints::CHANNELS.to_vec(),
            categories: complaints::CATEGORIES.to_vec(),
            open: complaints::list(store.conn(), session, include_closed.unwrap_or(false))?,
        })
    })
}

/// A manager's step on a complaint: transfer, answer, or review the
/// complainant's verdict on the answer.
#[derive(Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ComplaintStep {
    Transfer { to: String },
    Answer { result: String, feedback: String },
    Review { accepted: bool },
}

#[tauri::command]
pub fn complaint_step(
    desk: State<'_, Desk>,
    id: String,
    request: ComplaintStep,
) -> UiResult<Complaint> {
    desk.session(|store, session| {
        let at = now();
        Ok(match request {
            ComplaintStep::Transfer { to } => complaints::transfer(store, session, at, &id, &to)?,
            ComplaintStep::Answer { result, feedback } => {
                complaints::answer(store, session, at, &id, &result, &feedback)?
            }
            ComplaintStep::Review { accepted } => {
                complaints::review(store, session, at, &id, accepted)?
            }
        })
    })
}
