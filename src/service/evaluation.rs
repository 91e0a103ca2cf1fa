//! 好差评, 整改 and 回访.
//! - An evaluation rates a completed case (or a consultation) on five levels
//!   (非常满意 … 非常不满意), with reasons from a fixed list, free text and
//!   its channel (counter keypad, paper, phone follow-up); once per channel.
//! - 不满意 and 非常不满意 open a rectification item (整改) for a manager,
//!   due in 5 working days, closed only with a written result.
//! - 回访: a manager draws a random sample of the cases completed in a date
//!   range (e.g. 10 %) for follow-up calls and records each call's outcome
//!   (a rating given on the phone is recorded as an evaluation); every case
//!   with a named bad rating is drawn as well, whatever the share.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rand::seq::SliceRandom;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::numbers::{self, Series};
use super::ServiceError;
use crate::applicant;
use crate::auth::{users, Action, Role, Session};
use crate::calendar::schedule;
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// The five levels, best first; 1–5 as stored is 非常不满意 … 非常满意.
pub const LEVELS: [(u8, &str); 5] = [
    (5, "非常满意"),
    (4, "满意"),
    (3, "基本满意"),
    (2, "不满意"),
    (1, "非常不满意"),
];

/// The fixed list of reasons an applicant can pick.
pub const REASONS: [&str; 10] = [
    "办事效率高",
    "服务态度好",
    "一次办好",
    "指引清楚",
    "等候时间长",
    "多次跑腿",
    "材料要求不清楚",
    "服务态度差",
    "办理超时",
    "其他",
];

/// How far back a follow-up sample looks unless a manager sets the days.
pub const SAMPLE_DAYS: i64 = 30;

/// The completion days a follow-up sample draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamplePeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl SamplePeriod {
    /// The period a manager gave, each end defaulting to the last
    /// [`SAMPLE_DAYS`] days up to `today`.
    pub fn of(today: NaiveDate, from: Option<NaiveDate>, to: Option<NaiveDate>) -> SamplePeriod {
        SamplePeriod {
            from: from.unwrap_or(today - chrono::Duration::days(SAMPLE_DAYS)),
            to: to.unwrap_or(today),
        }
    }
}

/// How the rating was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Keypad,
    Paper,
    Phone,
}

impl Channel {
    pub fn parse(s: &str) -> crate::Result<Channel> {
        match s.trim() {
            "keypad" | "评价器" => Ok(Channel::Keypad),
            "paper" | "纸质" => Ok(Channel::Paper),
            "phone" | "电话回访" => Ok(Channel::Phone),
            other => Err(ServiceError::Unknown {
                kind: "评价渠道",
                given: other.to_owned(),
                allowed: "窗口评价器（keypad）、纸质（paper）、电话回访（phone）",
            }
            .into()),
        }
    }

    fn code(self) -> &'static str {
        match self {
            Channel::Keypad => "keypad",
            Channel::Paper => "paper",
            Channel::Phone => "phone",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Keypad => "窗口评价",
            Channel::Paper => "纸质评价",
            Channel::Phone => "电话回访",
        }
    }
}

/// The Chinese name of a level (1–5).
pub fn level_label(level: u8) -> &'static str {
    LEVELS
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("未知", |(_, s)| s)
}

/// What is rated.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Case(String),
    Consultation(String),
}

/// Payload of `evaluation.recorded`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recorded {
    pub evaluation_id: String,
    pub subject: Subject,
    pub level: u8,
    pub reasons: Vec<String>,
    pub comment: String,
    pub channel: Channel,
    /// The rectification opened by a bad rating.
    pub rectification: Option<Rectification>,
}

/// A rectification item (整改).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rectification {
    pub rectification_id: String,
    pub assigned_to: String,
    pub due_date: NaiveDate,
    /// ZG-A01-003 ([`super::numbers`]); absent in items opened before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// Payload of `rectification.closed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Closed {
    pub rectification_id: String,
    pub result: String,
}

/// Payload of `followup.sampled`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sampled {
    pub calls: Vec<(String, String)>,
    /// The calls' numbers (HF-A01-012), in the order of `calls`; absent in
    /// samples drawn before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub percent: u32,
}

/// Payload of `followup.recorded`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Called {
    pub call_id: String,
    pub reached: bool,
    pub outcome: String,
}

/// A rating as given by the applicant.
#[derive(Debug, Clone)]
pub struct Rating {
    /// 1 (非常不满意) to 5 (非常满意).
    pub level: u8,
    /// From [`REASONS`].
    pub reasons: Vec<String>,
    pub comment: String,
    pub channel: Channel,
}

/// What an evaluation did.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluated {
    pub evaluation_id: String,
    pub level: u8,
    pub level_label: &'static str,
    pub rectification_id: Option<String>,
    /// The rectification's short number (ZG-A01-003).
    pub rectification_number: Option<String>,
    pub rectification_due: Option<NaiveDate>,
}

fn case_id_for_rating(conn: &Connection, case_no: &str) -> crate::Result<String> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT case_id, state FROM cases WHERE case_no = ?1",
            [case_no.trim()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(StoreError::from)?;
    let (id, state) =
        row.ok_or_else(|| crate::intake::IntakeError::NoSuchCase(case_no.trim().to_owned()))?;
    let state = crate::lifecycle::State::parse(&state)?;
    if !state.can_be_rated() {
        return Err(ServiceError::NotCompleted {
            case_no: case_no.trim().to_owned(),
            state: state.label(),
        }
        .into());
    }
    Ok(id)
}

fn evaluate_in(
    tx: &Transaction<'_>,
    session: &Session,
    now: DateTime<FixedOffset>,
    subject: Subject,
    rating: &Rating,
) -> crate::Result<Evaluated> {
    let Rating {
        level,
        reasons,
        comment,
        channel,
    } = rating;
    let (level, channel) = (*level, *channel);
    if !(1..=5).contains(&level) {
        return Err(applicant::ApplicantError::OutOfRange {
            field: "评价等级",
            min: 1,
            max: 5,
            value: i64::from(level),
        }
        .into());
    }
    for r in reasons {
        if !REASONS.contains(&r.as_str()) {
            return Err(ServiceError::Unknown {
                kind: "评价原因",
                given: r.clone(),
                allowed: "办事效率高、服务态度好、一次办好、指引清楚、等候时间长、多次跑腿、材料要求不清楚、服务态度差、办理超时、其他",
            }
            .into());
        }
    }
    let comment = applicant::text_field(comment, "评价内容", 2000, false)?;
    let key = match &subject {
        Subject::Case(id) | Subject::Consultation(id) => id.clone(),
    };
    let already: i64 = tx
        .query_row(
            "SELECT count(*) FROM evaluations WHERE coalesce(case_id, consultation_id) = ?1 AND channel = ?2",
            params![key, channel.code()],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    if already > 0 {
        let what = if matches!(subject, Subject::Case(_)) {
            "办件"
        } else {
            "咨询"
        };
        return Err(ServiceError::AlreadyEvaluated(what).into());
    }
    let rectification = if level <= 2 {
        let manager = users::list(tx)?
            .into_iter()
            .find(|u| u.role == Role::Manager && !u.disabled)
            .ok_or(ServiceError::NoManager)?;
        // The center's 差评整改 days (`center::CenterProfile::rectify_days`).
        let days = i64::from(crate::center::load(tx)?.rectify_days);
        let due = schedule::load(tx)?.add_working_days(now.date_naive(), days)?;
        Some(Rectification {
            rectification_id: uuid::Uuid::now_v7().to_string(),
            assigned_to: manager.user_id,
            due_date: due,
            number: numbers::next(tx, Series::Rectification, 1)?.pop(),
        })
    } else {
        None
    };
    let p = Recorded {
        evaluation_id: uuid::Uuid::now_v7().to_string(),
        subject: subject.clone(),
        level,
        reasons: reasons.clone(),
        comment,
        channel,
        rectification: rectification.clone(),
    };
    let case_id = match &subject {
        Subject::Case(id) => Some(id.as_str()),
        Subject::Consultation(_) => None,
    };
    events::append_here(
        tx,
        now,
        Draft::new(&session.user_id, case_id, EVALUATION_RECORDED, &p)?,
    )?;
    Ok(Evaluated {
        evaluation_id: p.evaluation_id,
        level,
        level_label: level_label(level),
        rectification_id: rectification.as_ref().map(|r| r.rectification_id.clone()),
        rectification_number: rectification.as_ref().and_then(|r| r.number.clone()),
        rectification_due: rectification.map(|r| r.due_date),
    })
}

/// Rates a completed case.
pub fn evaluate_case(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    rating: &Rating,
) -> crate::Result<Evaluated> {
    session.authorize(store.conn(), Action::ServiceDesk)?;
    store.write(|tx| {
        let id = case_id_for_rating(tx, case_no)?;
        evaluate_in(tx, session, now, Subject::Case(id), rating)
    })
}

/// Rates a consultation.
pub fn evaluate_consultation(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    consultation_id: &str,
    rating: &Rating,
) -> crate::Result<Evaluated> {
    session.authorize(store.conn(), Action::ServiceDesk)?;
    store.write(|tx| {
        let c = super::consultation::find(tx, consultation_id)?;
        evaluate_in(
            tx,
            session,
            now,
            Subject::Consultation(c.consultation_id),
            rating,
        )
    })
}

/// Closes a rectification item with its written result; a manager's act.
pub fn close_rectification(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    rectification_id: &str,
    result: &str,
) -> crate::Result<()> {
    session.authorize(store.conn(), Action::ManageQuality)?;
    let result = applicant::text_field(result.trim(), "整改结果", 2000, true)?;
    store.write(|tx| {
        let rectification_id = &numbers::resolve(tx, Series::Rectification, rectification_id)?;
        let open: Option<Option<String>> = tx
            .query_row(
                "SELECT result FROM rectifications WHERE rectification_id = ?1",
                [rectification_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::from)?;
        match open {
            None => {
                return Err(ServiceError::NotFound {
                    kind: "整改事项",
                    id: rectification_id.to_owned(),
                }
                .into())
            }
            Some(Some(_)) => return Err(ServiceError::AlreadyClosed("整改事项").into()),
            Some(None) => {}
        }
        let p = Closed {
            rectification_id: rectification_id.to_owned(),
            result,
        };
        events::append_here(
            tx,
            now,
            Draft::new(&session.user_id, None, RECTIFICATION_CLOSED, &p)?,
        )?;
        Ok(())
    })
}

/// Draws `percent` % (by default the center's `sample_percent`; at least
/// one) of the cases completed from `from` to `to` for follow-up calls, and
/// adds every case with a named bad rating (实名差评, 不满意 or worse) not
/// yet called, whenever it was completed: the national 好差评 rule gives
/// each of them a return call. A manager's act. Returns the sampled calls
/// and case numbers, bad ratings first.
pub fn sample(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    period: SamplePeriod,
    percent: Option<u32>,
) -> crate::Result<Vec<(String, String)>> {
    let SamplePeriod { from, to } = period;
    let percent = match percent {
        Some(p) => p,
        None => crate::center::load(store.conn())?.sample_percent,
    };
    session.authorize(store.conn(), Action::ManageQuality)?;
    if to < from {
        return Err(ServiceError::BadPeriod { from, to }.into());
    }
    if !(1..=100).contains(&percent) {
        return Err(applicant::ApplicantError::OutOfRange {
            field: "回访抽样比例（%）",
            min: 1,
            max: 100,
            value: i64::from(percent),
        }
        .into());
    }
    store.write(|tx| {
        let cases = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> crate::Result<Vec<(String, String)>> {
            let mut stmt = tx.prepare(sql).map_err(StoreError::from)?;
            let rows = stmt
                .query_map(args, |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(StoreError::from)?
                .collect::<Result<_, _>>()
                .map_err(StoreError::from)?;
            Ok(rows)
        };
        let bad = cases(
            "SELECT case_id, case_no FROM cases WHERE case_id IN
                 (SELECT case_id FROM evaluations WHERE case_id IS NOT NULL AND level <= 2)
             AND case_id NOT IN (SELECT case_id FROM follow_up_calls) ORDER BY case_no",
            &[],
        )?;
        let done = cases(
            "SELECT case_id, case_no FROM cases WHERE completed_on BETWEEN ?1 AND ?2
             AND case_id NOT IN (SELECT case_id FROM follow_up_calls)
             AND case_id NOT IN (SELECT case_id FROM evaluations WHERE case_id IS NOT NULL AND level <= 2)
             ORDER BY case_no",
            &[&from, &to],
        )?;
        if done.is_empty() && bad.is_empty() {
            return Ok(Vec::new());
        }
        let n = if done.is_empty() {
            0
        } else {
            ((done.len() * percent as usize).div_ceil(100)).max(1)
        };
        let mut drawn: Vec<(String, String)> = done
            .choose_multiple(&mut rand::thread_rng(), n)
            .cloned()
            .collect();
        drawn.sort_by(|a, b| a.1.cmp(&b.1));
        let chosen: Vec<(String, String)> = bad.into_iter().chain(drawn).collect();
        let calls: Vec<(String, String)> = chosen
            .iter()
            .map(|(case_id, _)| (uuid::Uuid::now_v7().to_string(), case_id.clone()))
            .collect();
        let p = Sampled {
            numbers: numbers::next(tx, Series::FollowUp, calls.len())?,
            calls,
            from,
            to,
            percent,
        };
        events::append_here(
            tx,
            now,
            Draft::new(&session.user_id, None, FOLLOWUP_SAMPLED, &p)?,
        )?;
        Ok(p.numbers
            .iter()
            .zip(&chosen)
            .map(|(number, (_, no))| (number.clone(), no.clone()))
            .collect())
    })
}

/// Records a follow-up call: whether the applicant was reached and what they said.
pub fn record_call(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    call_id: &str,
    reached: bool,
    outcome: &str,
) -> crate::Result<()> {
    session.authorize(store.conn(), Action::ServiceDesk)?;
    let outcome = applicant::text_field(outcome.trim(), "回访情况", 2000, true)?;
    store.write(|tx| {
        let call_id = &numbers::resolve(tx, Series::FollowUp, call_id)?;
        let case_id: Option<String> = tx
            .query_row(
                "SELECT case_id FROM follow_up_calls WHERE call_id = ?1",
                [call_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::from)?;
        let case_id = case_id.ok_or_else(|| ServiceError::NotFound {
            kind: "回访任务",
            id: call_id.to_owned(),
        })?;
        let p = Called {
            call_id: call_id.to_owned(),
            reached,
            outcome,
        };
        events::append_here(
            tx,
            now,
            Draft::new(&session.user_id, Some(&case_id), FOLLOWUP_RECORDED, &p)?,
        )?;
        Ok(())
    })
}

/// A rating given for a case, as its 办件详情 shows it.
#[derive(Debug, Clone, Serialize)]
pub struct GivenRating {
    pub level: u8,
    pub level_label: &'static str,
    pub reasons: Vec<String>,
    pub comment: String,
    pub channel: Channel,
    pub channel_label: &'static str,
    pub evaluated_at: String,
}

/// The ratings a case has, oldest first (at most one per channel).
pub fn of_case(conn: &Connection, case_no: &str) -> crate::Result<Vec<GivenRating>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.level, e.reasons, e.comment, e.channel, e.evaluated_at
         FROM evaluations e JOIN cases c ON c.case_id = e.case_id
         WHERE c.case_no = ?1 ORDER BY e.evaluated_at, e.evaluation_id",
    )?;
    let rows = stmt
        .query_map([case_no.trim()], |r| {
            Ok((
                r.get::<_, u8>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)?;
    rows.into_iter()
        .map(|(level, reasons, comment, channel, evaluated_at)| {
            let channel = Channel::parse(&channel)?;
            Ok(GivenRating {
                level,
                level_label: level_label(level),
                reasons: serde_json::from_str(&reasons).unwrap_or_default(),
                comment,
                channel,
                channel_label: channel.label(),
                evaluated_at,
            })
        })
        .collect()
}

/// How long a closed rectification or a made call stays on the lists.
pub const RECENT_DAYS: i64 = 30;

/// A rectification item as the 整改 list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RectificationRow {
    pub rectification_id: String,
    /// The short number people name it by (ZG-A01-003).
    pub number: String,
    /// `None` for a consultation's rating.
    pub case_no: Option<String>,
    pub matter_name: Option<String>,
    pub applicant_name: Option<String>,
    pub level: u8,
    pub level_label: &'static str,
    pub reasons: Vec<String>,
    pub comment: String,
    pub assigned_to: String,
    pub due_date: NaiveDate,
    /// Still open after its due date.
    pub overdue: bool,
    pub result: Option<String>,
    pub closed_at: Option<String>,
}

/// The rectification items still open (by due date, overdue ones first
/// among them), then those closed in the last [`RECENT_DAYS`] days, or
/// every closed one with `all_closed` (已办结 stay findable).
pub fn rectifications(
    conn: &Connection,
    today: NaiveDate,
    all_closed: bool,
) -> crate::Result<Vec<RectificationRow>> {
    let since = if all_closed {
        String::new()
    } else {
        (today - chrono::Duration::days(RECENT_DAYS)).to_string()
    };
    let mut stmt = conn.prepare(
        "SELECT r.rectification_id, c.case_no, c.matter_name, c.applicant_name, e.level, e.reasons,
                e.comment, u.display_name, r.due_date, r.result, r.closed_at, r.number
         FROM rectifications r JOIN evaluations e ON e.evaluation_id = r.evaluation_id
         JOIN users u ON u.user_id = r.assigned_to LEFT JOIN cases c ON c.case_id = e.case_id
         WHERE r.result IS NULL OR substr(r.closed_at, 1, 10) >= ?1
         ORDER BY r.result IS NOT NULL, r.due_date, r.rectification_id",
    )?;
    let rows = stmt.query_map([since], |r| {
        let level: u8 = r.get(4)?;
        let reasons: String = r.get(5)?;
        let due_date: NaiveDate = r.get(8)?;
        let result: Option<String> = r.get(9)?;
        let id: String = r.get(0)?;
        Ok(RectificationRow {
            number: numbers::shown(r.get(11)?, &id),
            rectification_id: id,
            case_no: r.get(1)?,
            matter_name: r.get(2)?,
            applicant_name: r.get(3)?,
            level,
            level_label: level_label(level),
            reasons: serde_json::from_str(&reasons).unwrap_or_default(),
            comment: r.get(6)?,
            assigned_to: r.get(7)?,
            overdue: result.is_none() && due_date < today,
            due_date,
            result,
            closed_at: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>().map_err(StoreError::from)?)
}

/// A follow-up call as the 回访 list shows it: whom to call and what the
/// call found. The phone is shown whole: it is the number to dial.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpRow {
    pub call_id: String,
    /// The short number people name it by (HF-A01-012).
    pub number: String,
    pub case_no: String,
    pub matter_name: String,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub completed_on: Option<NaiveDate>,
    /// Drawn because of a named bad rating (always called).
    pub bad_rating: bool,
    pub sampled_at: String,
    /// `None` until the call is recorded.
    pub reached: Option<bool>,
    pub outcome: Option<String>,
    pub called_at: Option<String>,
}

/// The calls still to make (bad ratings first, then by case), then those
/// made in the last [`RECENT_DAYS`] days, or every one made with
/// `all_closed`. Only who manages quality or works the service desk sees
/// the applicants' phones.
pub fn followups(
    conn: &Connection,
    session: &Session,
    today: NaiveDate,
    all_closed: bool,
) -> crate::Result<Vec<FollowUpRow>> {
    session.authorize(conn, Action::ServiceDesk)?;
    let since = if all_closed {
        String::new()
    } else {
        (today - chrono::Duration::days(RECENT_DAYS)).to_string()
    };
    let mut stmt = conn.prepare(
        "SELECT f.call_id, c.case_no, c.matter_name, c.applicant_name, c.applicant_phone, c.completed_on,
                EXISTS (SELECT 1 FROM evaluations e WHERE e.case_id = f.case_id AND e.level <= 2),
                f.sampled_at, f.reached, f.outcome, f.called_at, f.number
         FROM follow_up_calls f JOIN cases c ON c.case_id = f.case_id
         WHERE f.called_at IS NULL OR substr(f.called_at, 1, 10) >= ?1
         ORDER BY f.called_at IS NOT NULL, 7 DESC, c.case_no",
    )?;
    let rows = stmt.query_map([since], |r| {
        let id: String = r.get(0)?;
        Ok(FollowUpRow {
            number: numbers::shown(r.get(11)?, &id),
            call_id: id,
            case_no: r.get(1)?,
            matter_name: r.get(2)?,
            applicant_name: r.get(3)?,
            applicant_phone: r.get(4)?,
            completed_on: r.get(5)?,
            bad_rating: r.get(6)?,
            sampled_at: r.get(7)?,
            reached: r.get(8)?,
            outcome: r.get(9)?,
            called_at: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>().map_err(StoreError::from)?)
}

/// A rating (好差评) recorded, with its rectification if bad (payload [`Recorded`]).
pub const EVALUATION_RECORDED: &str = "evaluation.recorded";
/// A rectification (整改) closed with its result (payload [`Closed`]).
pub const RECTIFICATION_CLOSED: &str = "rectification.closed";
/// Cases drawn for follow-up calls (回访) (payload [`Sampled`]).
pub const FOLLOWUP_SAMPLED: &str = "followup.sampled";
/// A follow-up call recorded (payload [`Called`]).
pub const FOLLOWUP_RECORDED: &str = "followup.recorded";

/// The ratings, rectifications and follow-up calls follow their events.
pub const PROJECTOR: Projector = Projector {
    area: "service::evaluation",
    kinds: &[
        EVALUATION_RECORDED,
        RECTIFICATION_CLOSED,
        FOLLOWUP_SAMPLED,
        FOLLOWUP_RECORDED,
    ],
    tables: &["evaluations", "rectifications", "follow_up_calls"],
    apply: project,
};

fn project(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    match event.kind.as_str() {
        EVALUATION_RECORDED => {
            let p: Recorded = payload(event)?;
            let (case_id, consultation_id) = match &p.subject {
                Subject::Case(id) => (Some(id.clone()), None),
                Subject::Consultation(id) => (None, Some(id.clone())),
            };
            let reasons = serde_json::to_string(&p.reasons).unwrap_or_else(|_| "[]".into());
            tx.execute(
                "INSERT INTO evaluations (evaluation_id, case_id, consultation_id, level, reasons, comment, channel,
                    evaluated_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![p.evaluation_id, case_id, consultation_id, p.level, reasons, p.comment, p.channel.code(), event.ts, event.user_id],
            )?;
            if let Some(r) = p.rectification {
                tx.execute(
                    "INSERT INTO rectifications (rectification_id, evaluation_id, assigned_to, due_date, number)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![r.rectification_id, p.evaluation_id, r.assigned_to, r.due_date, r.number],
                )?;
            }
        }
        RECTIFICATION_CLOSED => {
            let p: Closed = payload(event)?;
            tx.execute(
                "UPDATE rectifications SET result = ?1, closed_at = ?2, closed_by = ?3 WHERE rectification_id = ?4",
                params![p.result, event.ts, event.user_id, p.rectification_id],
            )?;
        }
        FOLLOWUP_SAMPLED => {
            let p: Sampled = payload(event)?;
            for (i, (call_id, case_id)) in p.calls.iter().enumerate() {
                tx.execute(
                    "INSERT INTO follow_up_calls (call_id, case_id, sampled_at, sampled_by, number)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![call_id, case_id, event.ts, event.user_id, p.numbers.get(i)],
                )?;
            }
        }
        FOLLOWUP_RECORDED => {
            let p: Called = payload(event)?;
            tx.execute(
                "UPDATE follow_up_calls SET reached = ?1, outcome = ?2, called_at = ?3, called_by = ?4 WHERE call_id = ?5",
                params![p.reached, p.outcome, event.ts, event.user_id, p.call_id],
            )?;
        }
        _ => return Err(crate::store::projection::unknown_kind(event)),
    }
    Ok(())
}
