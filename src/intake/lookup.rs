//! Finding cases: by case number, by the applicant's query code, ID number,
//! phone or name, and the full detail of one case with its timeline.
//!
//! Personal information: every list returns ID numbers and phones masked
//! (110105********002X, 139****1234), whoever asks — a full ID number can
//! still be searched for. [`detail_for`] shows them in full only to the
//! case's responsible clerk (or their stand-in that day) and managers, and
//! records each manager's view of a full ID number as an event.
//! [`detail_unmasked`] is for printing and the core's own checks, not for display.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::decision::Outcome;
use super::IntakeError;
use crate::store::events::{self, Event};
use crate::store::StoreError;

/// One line of a case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub case_id: String,
    pub case_no: String,
    pub query_code: String,
    pub matter_code: String,
    pub matter_name: String,
    pub outcome: Outcome,
    pub outcome_label: &'static str,
    pub state: String,
    pub state_label: &'static str,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub received_at: String,
    pub received_on: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// The due date was extended (延期) with a manager's approval.
    pub extended: bool,
    /// What follows the due date wherever it is shown: "（按暂定节假日计算）"
    /// while it is counted across a provisional year (src/calendar).
    pub due_note: Option<&'static str>,
    /// 容缺受理: the earliest day an outstanding 容缺 material is due.
    pub tolerance_due: Option<NaiveDate>,
}

/// The columns [`summary_row`] reads, over `cases` aliased `c`; a query
/// may select more after them.
pub(crate) fn summary_columns() -> String {
    format!(
        "c.case_id, c.case_no, c.query_code, c.matter_code, c.matter_name, c.outcome, c.state,
         c.applicant_name, c.applicant_id_number, c.applicant_phone, c.received_at, c.received_on,
         c.due_date, c.extension_reason IS NOT NULL, {}, c.tolerance_due, {}",
        crate::calendar::PROVISIONAL_DUE_SQL,
        super::tolerance::TOLERATED_SQL
    )
}

/// How many columns [`summary_columns`] selects.
pub(crate) const SUMMARY_WIDTH: usize = 17;

pub(crate) fn summary_row(r: &Row<'_>) -> rusqlite::Result<CaseSummary> {
    let outcome: String = r.get(5)?;
    let state: String = r.get(6)?;
    let outcome = Outcome::parse(&outcome).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            5,
            rusqlite::types::Type::Text,
            format!("outcome {outcome}").into(),
        )
    })?;
    Ok(CaseSummary {
        case_id: r.get(0)?,
        case_no: r.get(1)?,
        query_code: r.get(2)?,
        matter_code: r.get(3)?,
        matter_name: r.get(4)?,
        outcome,
        outcome_label: super::tolerance::outcome_label(outcome, r.get(16)?),
        state_label: crate::lifecycle::State::parse(&state).map_or("未知状态", |s| s.label()),
        state,
        applicant_name: r.get(7)?,
        applicant_id_number: r.get(8)?,
        applicant_phone: r.get(9)?,
        received_at: r.get(10)?,
        received_on: r.get(11)?,
        due_date: r.get(12)?,
        extended: r.get(13)?,
        due_note: r
            .get::<_, bool>(14)?
            .then_some(crate::calendar::PROVISIONAL_NOTE),
        tolerance_due: r.get(15)?,
    })
}

/// Masks the ID number and phone of a list row (every list shows rows this way).
pub(crate) fn masked(mut s: CaseSummary) -> CaseSummary {
    s.applicant_id_number = crate::applicant::mask::id_number(&s.applicant_id_number);
    s.applicant_phone = crate::applicant::mask::phone(&s.applicant_phone);
    s
}

/// A case by its number, unmasked (for the core's own checks).
pub fn summary(conn: &Connection, case_no: &str) -> Result<Option<CaseSummary>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {} FROM cases c WHERE c.case_no = ?1",
            summary_columns()
        ))?
        .query_row([case_no.trim()], summary_row)
        .optional()?)
}

/// The case number of the re-submission of a case, if any.
pub fn resubmission_of(conn: &Connection, case_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT case_no FROM cases WHERE previous_case_id = ?1")?
        .query_row([case_id], |r| r.get(0))
        .optional()?)
}

/// An earlier one-time notice (一次性告知) the clerk may link a new intake
/// to as its re-submission (补齐材料后重新提交).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResubmissionOffer {
    pub case_no: String,
    pub received_on: String,
    /// The required materials that notice listed as missing.
    pub missing: Vec<String>,
}

/// The latest one-time notice of `matter_code` for the applicant with
/// `id_number` that was not re-submitted yet, if any: the window offers
/// to link the new intake to it instead of asking for the old number.
pub fn resubmission_offer(
    conn: &Connection,
    matter_code: &str,
    id_number: &str,
) -> Result<Option<ResubmissionOffer>, StoreError> {
    let id = crate::applicant::id_number::stored_form(id_number);
    let found: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT c.case_id, c.case_no, c.received_on FROM cases c
             WHERE c.outcome = 'notice' AND c.matter_code = ?1 AND c.applicant_id_number = ?2
               AND NOT EXISTS (SELECT 1 FROM cases n WHERE n.previous_case_id = c.case_id)
             ORDER BY c.received_at DESC, c.case_no DESC LIMIT 1",
        )?
        .query_row(params![matter_code.trim(), id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((case_id, case_no, received_on)) = found else {
        return Ok(None);
    };
    let missing = conn
        .prepare_cached(
            "SELECT name FROM case_materials WHERE case_id = ?1 AND required = 1 AND provided = 0
             ORDER BY position",
        )?
        .query_map([&case_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(ResubmissionOffer {
        case_no,
        received_on,
        missing,
    }))
}

/// How many cases a quick search lists unless asked for another number.
pub const SEARCH_LIMIT: usize = 50;

/// Cases matching what a clerk typed in the quick search, best first:
/// an exact case number, query code, or the applicant's ID number or phone
/// (typed in any of the forms src/applicant/typed.rs folds; each of these
/// columns has its own index); then a proxy's number, or the tail of a
/// case number, ID number or phone (the full-text index); then any part of the applicant's or the proxy's
/// name, or its pinyin ("wf", "wfang" for 王芳); then any part of the
/// address. Within each, newest first. At most `limit`, from `offset` on
/// (the next page); masked as every list.
pub fn search_page(
    conn: &Connection,
    text: &str,
    limit: usize,
    offset: usize,
) -> Result<Vec<CaseSummary>, StoreError> {
    let t = text.trim();
    if t.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let wanted = offset.saturating_add(limit);
    let want = i64::try_from(wanted).unwrap_or(i64::MAX);
    let mut found: Vec<i64> = Vec::new();
    let add = |rowids: Vec<i64>, found: &mut Vec<i64>| {
        for r in rowids {
            if found.len() < wanted && !found.contains(&r) {
                found.push(r);
            }
        }
    };
    // A number however it was typed (full-width, grouped by spaces or
    // hyphens, +86): compared in its stored form; the text as typed too,
    // for numbers stored before they were normalized.
    let half = crate::applicant::typed::halfwidth(t);
    let upper = half.trim().to_ascii_uppercase();
    let id = crate::applicant::id_number::stored_form(t);
    let phone = crate::applicant::phone::stored_form(t);
    let exact = conn
        .prepare_cached(
            "SELECT c.rowid FROM cases c
             WHERE c.case_no = ?1 OR c.case_no = ?2 OR c.query_code = ?2 OR c.applicant_id_number = ?3
                OR c.applicant_phone = ?1 OR c.applicant_phone = ?4
             ORDER BY c.rowid DESC LIMIT ?5",
        )?
        .query_map(params![t, upper, id, phone, want], |r| r.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    add(exact, &mut found);
    for probe in super::search_index::probes(half.trim()) {
        if found.len() >= wanted {
            break;
        }
        let rowids = conn
            .prepare_cached(
                "SELECT s.rowid FROM case_search s JOIN cases c ON c.rowid = s.rowid
                 WHERE case_search MATCH ?1
                   AND (?2 IS NULL OR instr(c.applicant_name, ?2) > 0
                        OR instr(coalesce(c.proxy_name, ''), ?2) > 0 OR instr(c.applicant_address, ?2) > 0)
                 ORDER BY s.rowid DESC LIMIT ?3",
            )?
            .query_map(params![probe.query, probe.check, want], |r| r.get(0))?
            .collect::<Result<Vec<i64>, _>>()?;
        add(rowids, &mut found);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM cases c WHERE c.rowid = ?1",
        summary_columns()
    ))?;
    let mut out = Vec::new();
    for rowid in found.into_iter().skip(offset) {
        out.push(stmt.query_row([rowid], |r| summary_row(r).map(masked))?);
    }
    Ok(out)
}

/// One page of the window's quick search: [`SEARCH_LIMIT`] cases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchPage {
    pub cases: Vec<CaseSummary>,
    /// The position of the first case listed, from 1.
    pub first: usize,
    /// Whether a next page has cases.
    pub more: bool,
}

/// Page `page` (from 0) of [`search_page`], [`SEARCH_LIMIT`] cases a page.
pub fn search_pages(conn: &Connection, text: &str, page: usize) -> Result<SearchPage, StoreError> {
    let offset = page.saturating_mul(SEARCH_LIMIT);
    let mut cases = search_page(conn, text, SEARCH_LIMIT + 1, offset)?;
    let more = cases.len() > SEARCH_LIMIT;
    cases.truncate(SEARCH_LIMIT);
    Ok(SearchPage {
        cases,
        first: offset + 1,
        more,
    })
}

/// The first page of [`search_page`].
pub fn search(conn: &Connection, text: &str, limit: usize) -> Result<Vec<CaseSummary>, StoreError> {
    search_page(conn, text, limit, 0)
}

/// Cases received on a day, in case-number order.
pub fn received_on(conn: &Connection, day: NaiveDate) -> Result<Vec<CaseSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM cases c WHERE c.received_on = ?1 ORDER BY c.case_no",
        summary_columns()
    ))?;
    let rows = stmt.query_map([day], |r| summary_row(r).map(masked))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The open cases `user_id` is responsible for (their handler, or the
/// intake clerk until one is assigned), most urgent due date first; masked
/// as every list.
pub fn open_of(conn: &Connection, user_id: &str) -> Result<Vec<CaseSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM cases c
         WHERE {} AND coalesce(c.handler_user_id, c.clerk_user_id) = ?1
         ORDER BY c.due_date IS NULL, c.due_date, c.case_no",
        summary_columns(),
        crate::lifecycle::state::OPEN_SQL
    ))?;
    let rows = stmt.query_map([user_id], |r| summary_row(r).map(masked))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A material line of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaterialLine {
    pub position: i64,
    pub name: String,
    pub form: String,
    pub copies: i64,
    pub required: bool,
    pub provided: bool,
    pub note: String,
    /// 容缺受理: the day this material is due, and when and by whom
    /// (display name) it was supplied.
    pub tolerated_until: Option<NaiveDate>,
    pub supplied_on: Option<NaiveDate>,
    pub supplied_by: Option<String>,
    /// 告知承诺制: promised by the applicant instead of brought.
    pub promised: bool,
}

/// Everything about one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub case_type: String,
    pub matter_version: i64,
    pub applicant_id_type: String,
    pub applicant_address: String,
    pub proxy_name: Option<String>,
    pub proxy_relation: Option<String>,
    pub promised_days: i64,
    pub completed_at: Option<String>,
    pub refusal_reason: Option<String>,
    pub legal_basis: String,
    pub fee: String,
    pub clerk_name: String,
    pub clerk_staff_no: String,
    pub previous_case_no: Option<String>,
    pub next_case_no: Option<String>,
    /// Lifecycle: handler, forwarding, suspension, extension, result, delivery.
    pub handler_name: Option<String>,
    pub forwarded_to: Option<String>,
    pub suspended_days: i64,
    pub extension_reason: Option<String>,
    pub result: Option<String>,
    pub result_reason: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub delivery: Option<String>,
    pub closed_reason: Option<String>,
    /// 告知承诺制: the 核查's due day while open, its result and day.
    pub verify_due: Option<NaiveDate>,
    pub verify_result: Option<String>,
    pub verified_on: Option<NaiveDate>,
    /// 一件事: the bundle the case was taken in with, and its siblings.
    pub bundle: Option<super::bundle::BundleStanding>,
    /// The state as the provincial platforms code it (办件状态代码).
    pub national: crate::lifecycle::national::NationalStatus,
    pub materials: Vec<MaterialLine>,
    pub timeline: Vec<Event>,
}

/// The event recording a manager's view of a full ID number.
pub const ID_VIEWED: &str = "privacy.id_viewed";

/// A view of a full ID number is kept in the audit log only: no table changes.
pub const PROJECTOR: crate::store::projection::Projector = crate::store::projection::Projector {
    area: "intake::lookup",
    kinds: &[ID_VIEWED],
    tables: &[],
    apply: |_, _| Ok(()),
};

/// The detail of a case as `viewer` may see it: full ID number and phones
/// for the responsible clerk (or their stand-in today) and managers, masked
/// for everyone else. A manager's view of a full ID number is recorded.
pub fn detail_for(
    store: &mut crate::store::Store,
    viewer: &crate::auth::Session,
    now: chrono::DateTime<chrono::FixedOffset>,
    case_no: &str,
) -> crate::Result<CaseDetail> {
    viewer.authorize(store.conn(), crate::auth::Action::ViewCases)?;
    let mut d = detail_unmasked(store.conn(), case_no)?;
    let responsible: String = store
        .conn()
        .query_row(
            "SELECT coalesce(handler_user_id, clerk_user_id) FROM cases WHERE case_id = ?1",
            [&d.summary.case_id],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    let is_manager = viewer.role == crate::auth::Role::Manager;
    let full = is_manager
        || viewer.user_id == responsible
        || crate::lifecycle::stand_in::covers(
            store.conn(),
            &viewer.user_id,
            &responsible,
            now.date_naive(),
        )?;
    if !full {
        d.summary = masked(d.summary);
        return Ok(d);
    }
    if is_manager && viewer.user_id != responsible {
        let case_id = d.summary.case_id.clone();
        let payload = serde_json::json!({ "case_id": case_id });
        store.write(|tx| {
            let draft = crate::store::events::Draft::new(
                &viewer.user_id,
                Some(&case_id),
                ID_VIEWED,
                &payload,
            )?;
            crate::store::events::append_here(tx, now, draft).map(|_| ())
        })?;
    }
    Ok(d)
}

/// The full, unmasked detail of a case by its number — for printing and
/// the core's own checks, not for display (use [`detail_for`]).
pub fn detail_unmasked(conn: &Connection, case_no: &str) -> crate::Result<CaseDetail> {
    let summary = summary(conn, case_no)?
        .ok_or_else(|| IntakeError::NoSuchCase(case_no.trim().to_owned()))?;
    let national = crate::lifecycle::national::of_case(conn, &summary.case_id)?;
    let mut detail = conn
        .query_row(
            "SELECT c.case_type, c.matter_version, c.applicant_id_type, c.applicant_address, c.proxy_name,
                    c.proxy_relation, c.promised_days, c.completed_at, c.refusal_reason, c.legal_basis, c.fee,
                    u.display_name, u.staff_no, p.case_no, h.display_name, c.forwarded_to, c.suspended_days,
                    c.extension_reason, c.result, c.result_reason, c.completed_on, c.delivery, c.closed_reason,
                    c.verify_due, c.verify_result, c.verified_on
             FROM cases c JOIN users u ON u.user_id = c.clerk_user_id
             LEFT JOIN cases p ON p.case_id = c.previous_case_id
             LEFT JOIN users h ON h.user_id = c.handler_user_id
             WHERE c.case_id = ?1",
            [&summary.case_id],
            |r| {
                Ok(CaseDetail {
                    summary: summary.clone(),
                    case_type: r.get(0)?,
                    matter_version: r.get(1)?,
                    applicant_id_type: r.get(2)?,
                    applicant_address: r.get(3)?,
                    proxy_name: r.get(4)?,
                    proxy_relation: r.get(5)?,
                    promised_days: r.get(6)?,
                    completed_at: r.get(7)?,
                    refusal_reason: r.get(8)?,
                    legal_basis: r.get(9)?,
                    fee: r.get(10)?,
                    clerk_name: r.get(11)?,
                    clerk_staff_no: r.get(12)?,
                    previous_case_no: r.get(13)?,
                    next_case_no: None,
                    handler_name: r.get(14)?,
                    forwarded_to: r.get(15)?,
                    suspended_days: r.get(16)?,
                    extension_reason: r.get(17)?,
                    result: r.get(18)?,
                    result_reason: r.get(19)?,
                    completed_on: r.get(20)?,
                    delivery: r.get(21)?,
                    closed_reason: r.get(22)?,
                    verify_due: r.get(23)?,
                    verify_result: r.get(24)?,
                    verified_on: r.get(25)?,
                    bundle: None,
                    national,
                    materials: Vec::new(),
                    timeline: Vec::new(),
                })
            },
        )
        .map_err(StoreError::from)?;
    detail.next_case_no = resubmission_of(conn, &summary.case_id)?;
    detail.bundle = super::bundle::standing(conn, &summary.case_id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.position, m.name, m.form, m.copies, m.required, m.provided, m.note, m.tolerated_until,
                m.supplied_on, coalesce(u.display_name, m.supplied_by), m.promised
         FROM case_materials m LEFT JOIN users u ON u.user_id = m.supplied_by
         WHERE m.case_id = ?1 ORDER BY m.position",
    )?;
    detail.materials = stmt
        .query_map([&summary.case_id], |r| {
            Ok(MaterialLine {
                position: r.get(0)?,
                name: r.get(1)?,
                form: r.get(2)?,
                copies: r.get(3)?,
                required: r.get(4)?,
                provided: r.get(5)?,
                note: r.get(6)?,
                tolerated_until: r.get(7)?,
                supplied_on: r.get(8)?,
                supplied_by: r.get(9)?,
                promised: r.get(10)?,
            })
        })?
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)?;
    detail.timeline = events::for_case(conn, &summary.case_id)?;
    Ok(detail)
}

/// The counts of one day at this center, for the window's 工作台.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DayCounts {
    pub day: NaiveDate,
    /// Applications taken in that day (every outcome).
    pub received: i64,
    pub accepted: i64,
    pub on_the_spot: i64,
    pub notice: i64,
    pub refused: i64,
    /// Cases completed (办结) that day, whenever they were taken in.
    pub completed: i64,
}

/// How many applications were taken in on `day`, by outcome, and how many
/// cases were completed that day.
pub fn day_counts(conn: &Connection, day: NaiveDate) -> Result<DayCounts, StoreError> {
    let mut counts = DayCounts {
        day,
        ..DayCounts::default()
    };
    let mut stmt = conn.prepare_cached(
        "SELECT outcome, count(*) FROM cases WHERE received_on = ?1 GROUP BY outcome",
    )?;
    let rows = stmt.query_map([day], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (outcome, n) = row?;
        counts.received += n;
        match Outcome::parse(&outcome) {
            Some(Outcome::Accepted) => counts.accepted += n,
            Some(Outcome::OnTheSpot) => counts.on_the_spot += n,
            Some(Outcome::Notice) => counts.notice += n,
            Some(Outcome::Refused) => counts.refused += n,
            None => {}
        }
    }
    counts.completed = conn
        .prepare_cached("SELECT count(*) FROM cases WHERE completed_on = ?1")?
        .query_row([day], |r| r.get(0))?;
    Ok(counts)
}
