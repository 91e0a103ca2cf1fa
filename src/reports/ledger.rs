//! The daily ledger (日台账): one row per case touched on the day (received,
//! moved along, printed, rated …), then the day's totals. Every figure is
//! computed here once; the CSV, XLSX and PDF writers only lay it out, so the
//! three files always agree.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calendar::schedule;
use crate::intake::tolerance;
use crate::intake::Outcome;
use crate::lifecycle::national::{self, NationalStatus};
use crate::lifecycle::{deadline, State};
use crate::service::evaluation;
use crate::store::{device, StoreError};

/// One case in the ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub case_no: String,
    pub matter: String,
    /// In full; the PDF masks it.
    pub applicant: String,
    /// The intake clerk and their staff number.
    pub clerk: String,
    pub outcome: &'static str,
    pub state: &'static str,
    /// The state as the provincial platforms code it (src/lifecycle/national.rs).
    pub national: NationalStatus,
    /// RFC 3339 with offset, as stored.
    pub accepted_at: String,
    pub received_on: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub on_time: Option<bool>,
    /// Working days completed ahead of the promise (negative = late).
    pub days_saved: Option<i64>,
    pub fee: Decimal,
    /// The latest rating of the case, as its Chinese level.
    pub evaluation: Option<&'static str>,
}

/// The totals of the day.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub consultations: i64,
    pub received: i64,
    pub accepted: i64,
    pub on_the_spot: i64,
    pub notice: i64,
    pub refused: i64,
    /// Cases completed (办结) that day, on-the-spot ones included.
    pub completions: i64,
    pub on_time_completions: i64,
    /// Open cases whose due date had passed at the end of the day.
    pub overdue_open: i64,
    /// Fees of the cases accepted or completed on the spot that day.
    pub fees: Decimal,
    /// Ratings given that day by level, best first: (level, label, count).
    pub evaluations: Vec<(u8, &'static str, i64)>,
    pub complaints_opened: i64,
    pub complaints_closed: i64,
    /// 容缺受理 that day, 补齐 that day (and by their day), and 容缺
    /// materials of open cases past their day at the end of it.
    pub tolerance: crate::intake::tolerance::Figures,
}

/// A day's ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    pub center_code: String,
    pub center_name: String,
    pub day: NaiveDate,
    pub rows: Vec<Row>,
    pub totals: Totals,
}

fn count(conn: &Connection, sql: &str, day: NaiveDate) -> Result<i64, StoreError> {
    Ok(conn.prepare_cached(sql)?.query_row([day], |r| r.get(0))?)
}

/// A case's stored outcome; a value this program does not know is an error
/// naming the case, never a guess.
pub(super) fn stored_outcome(text: &str, case_no: &str) -> Result<Outcome, StoreError> {
    Outcome::parse(text).ok_or_else(|| StoreError::BadEvent {
        device: case_no.to_owned(),
        seq: 0,
        reason: format!("未知的受理结果 {text}"),
    })
}

/// A case's stored fee, exactly (rust_decimal).
pub(super) fn stored_fee(text: &str, case_no: &str) -> Result<Decimal, StoreError> {
    text.parse().map_err(|_| StoreError::BadEvent {
        device: case_no.to_owned(),
        seq: 0,
        reason: format!("收费金额“{text}”无法读取"),
    })
}

/// The ledger of `day`.
pub fn daily(conn: &Connection, day: NaiveDate) -> crate::Result<Ledger> {
    let dev = device::load(conn)?;
    let cal = schedule::load(conn)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.case_no, c.matter_name, c.applicant_name, u.display_name || '（' || u.staff_no || '）',
                c.outcome, c.state, c.received_at, c.received_on, c.due_date, c.completed_on, c.fee,
                (SELECT e.level FROM evaluations e WHERE e.case_id = c.case_id
                  ORDER BY e.evaluated_at DESC LIMIT 1), {}, c.case_id
         FROM cases c JOIN users u ON u.user_id = c.clerk_user_id
         WHERE c.case_id IN (SELECT case_id FROM events
                             WHERE case_id IS NOT NULL AND substr(ts, 1, 10) = ?1)
         ORDER BY c.received_at, c.case_no",
        tolerance::TOLERATED_SQL
    ))?;
    type Raw = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        NaiveDate,
        Option<NaiveDate>,
        Option<NaiveDate>,
        String,
        Option<u8>,
        bool,
        String,
    );
    let raw: Vec<Raw> = stmt
        .query_map([day.to_string()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
            ))
        })?
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)?;
    let mut rows = Vec::with_capacity(raw.len());
    for (
        case_no,
        matter,
        applicant,
        clerk,
        outcome,
        state,
        at,
        on,
        due,
        done,
        fee,
        level,
        tolerated,
        case_id,
    ) in raw
    {
        let outcome = stored_outcome(&outcome, &case_no)?;
        let state = State::parse(&state)?;
        let figures = deadline::figures(&cal, outcome, due, done)?;
        rows.push(Row {
            fee: stored_fee(&fee, &case_no)?,
            case_no,
            matter,
            applicant,
            clerk,
            outcome: tolerance::outcome_label(outcome, tolerated),
            state: state.label(),
            national: national::of_case(conn, &case_id)?,
            accepted_at: at,
            received_on: on,
            due_date: due,
            completed_on: done,
            on_time: figures.on_time,
            days_saved: figures.days_saved,
            evaluation: level.map(evaluation::level_label),
        });
    }
    let totals = totals(conn, day)?;
    Ok(Ledger {
        center_code: dev.center_code,
        center_name: crate::center::name(conn)?,
        day,
        rows,
        totals,
    })
}

/// The totals of `day`, counted from the tables (not from the rows, which
/// list only cases; consultations and complaints have no case).
fn totals(conn: &Connection, day: NaiveDate) -> crate::Result<Totals> {
    let mut t = Totals {
        consultations: count(
            conn,
            "SELECT count(*) FROM consultations WHERE substr(asked_at, 1, 10) = ?1",
            day,
        )?,
        ..Totals::default()
    };
    let counts = crate::intake::lookup::day_counts(conn, day)?;
    t.received = counts.received;
    t.accepted = counts.accepted;
    t.on_the_spot = counts.on_the_spot;
    t.notice = counts.notice;
    t.refused = counts.refused;
    t.completions = counts.completed;
    // On time: completed no later than the due date (on-the-spot cases are).
    t.on_time_completions = count(
        conn,
        "SELECT count(*) FROM cases WHERE completed_on = ?1
           AND (outcome = 'on_the_spot' OR due_date IS NULL OR completed_on <= due_date)",
        day,
    )?;
    t.overdue_open = deadline::overdue_count(conn, day)?;
    let mut fees = Decimal::ZERO;
    let mut stmt = conn.prepare_cached(
        "SELECT case_no, fee FROM cases WHERE received_on = ?1 AND outcome IN ('accepted', 'on_the_spot')",
    )?;
    let rows = stmt.query_map([day], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (case_no, fee) = row.map_err(StoreError::from)?;
        fees += stored_fee(&fee, &case_no)?;
    }
    t.fees = fees.round_dp(2);
    for (level, label) in evaluation::LEVELS {
        let n: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM evaluations WHERE substr(evaluated_at, 1, 10) = ?1 AND level = ?2",
            )?
            .query_row(params![day, level], |r| r.get(0))
            .map_err(StoreError::from)?;
        t.evaluations.push((level, label, n));
    }
    t.complaints_opened = count(
        conn,
        "SELECT count(*) FROM complaints WHERE received_on = ?1",
        day,
    )?;
    t.complaints_closed = count(
        conn,
        "SELECT count(*) FROM events WHERE kind = 'complaint.reviewed'
           AND substr(ts, 1, 10) = ?1 AND json_extract(payload, '$.accepted') = 1",
        day,
    )?;
    t.tolerance = crate::intake::tolerance::figures(conn, day, day)?;
    Ok(t)
}

/// The ledger's column titles, in order (shared by every format).
pub const COLUMNS: [&str; 15] = [
    "办件编号",
    "事项",
    "申请人",
    "经办人",
    "受理结果",
    "当前状态",
    "接件时间",
    "办结期限",
    "办结日期",
    "是否按时",
    "提前(工作日)",
    "收费(元)",
    "评价",
    "接件日期",
    "办件状态代码",
];

/// A yes/no/blank for on time.
pub fn on_time_label(on_time: Option<bool>) -> &'static str {
    match on_time {
        Some(true) => "按时",
        Some(false) => "超期",
        None => "",
    }
}

/// The totals as (label, value) lines, in the order every format prints them.
pub fn total_lines(t: &Totals) -> Vec<(String, String)> {
    let mut lines = vec![
        ("咨询".to_owned(), t.consultations.to_string()),
        ("接件".to_owned(), t.received.to_string()),
        ("受理".to_owned(), t.accepted.to_string()),
        ("即办".to_owned(), t.on_the_spot.to_string()),
        ("一次性告知".to_owned(), t.notice.to_string()),
        ("不予受理".to_owned(), t.refused.to_string()),
        ("办结".to_owned(), t.completions.to_string()),
        ("按时办结".to_owned(), t.on_time_completions.to_string()),
        ("超期未办结".to_owned(), t.overdue_open.to_string()),
        ("收费合计(元)".to_owned(), format!("{:.2}", t.fees)),
    ];
    for (_, label, n) in &t.evaluations {
        lines.push((format!("评价：{label}"), n.to_string()));
    }
    lines.push(("投诉受理".to_owned(), t.complaints_opened.to_string()));
    lines.push(("投诉办结".to_owned(), t.complaints_closed.to_string()));
    for (label, n) in crate::intake::tolerance::figure_lines(&t.tolerance) {
        lines.push((label.to_owned(), n.to_string()));
    }
    lines
}
