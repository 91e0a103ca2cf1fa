//! 整改与回访: the rectification items from bad ratings with their due
//! dates and overdue marks, closing one with its result; the follow-up
//! sample (drawn by a manager, every named bad rating included), and each
//! call recorded — reached or not, and what the applicant said.

use bianmin::service::evaluation::{self, FollowUpRow, RectificationRow, SamplePeriod};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[derive(Serialize)]
pub struct Quality {
    pub rectifications: Vec<RectificationRow>,
    pub followups: Vec<FollowUpRow>,
    /// The period a sample draws from unless the manager changes it.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub sample_percent: u32,
    /// 告知承诺核查: the figures and the open checks, overdue first.
    pub checks: bianmin::intake::commitment::Checks,
}

#[tauri::command]
pub fn quality_overview(desk: State<'_, Desk>, all_closed: Option<bool>) -> UiResult<Quality> {
    let all_closed = all_closed.unwrap_or(false);
    desk.session(|store, session| {
        let conn = store.conn();
        let today = now().date_naive();
        let period = SamplePeriod::of(today, None, None);
        Ok(Quality {
            rectifications: evaluation::rectifications(conn, today, all_closed)?,
            followups: evaluation::followups(conn, session, today, all_closed)?,
            from: period.from,
            to: period.to,
            sample_percent: bianmin::center::load(conn)?.sample_percent,
            checks: bianmin::intake::commitment::checks(conn, session, today)?,
        })
    })
}

#[tauri::command]
pub fn rectification_close(desk: State<'_, Desk>, id: String, result: String) -> UiResult<()> {
    desk.session(|store, session| {
        Ok(evaluation::close_rectification(
            store,
            session,
            now(),
            &id,
            &result,
        )?)
    })
}

#[derive(Deserialize)]
pub struct SampleForm {
    pub from: String,
    pub to: String,
    pub percent: Option<u32>,
}

/// The calls drawn: (call, case number) pairs.
#[tauri::command]
pub fn followup_sample(desk: State<'_, Desk>, form: SampleForm) -> UiResult<Vec<(String, String)>> {
    let from = bianmin::calendar::parse_day(&form.from).map_err(bianmin::Error::from)?;
    let to = bianmin::calendar::parse_day(&form.to).map_err(bianmin::Error::from)?;
    desk.session(|store, session| {
        let period = SamplePeriod::of(now().date_naive(), Some(from), Some(to));
        Ok(evaluation::sample(
            store,
            session,
            now(),
            period,
            form.percent,
        )?)
    })
}

#[tauri::command]
pub fn followup_record(
    desk: State<'_, Desk>,
    call_id: String,
    reached: bool,
    outcome: String,
) -> UiResult<()> {
    desk.session(|store, session| {
        Ok(evaluation::record_call(
            store,
            session,
            now(),
            &call_id,
            reached,
            &outcome,
        )?)
    })
}
