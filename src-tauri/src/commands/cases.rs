//! 工作台 and 办件详情: today's counts and open cases by deadline colour,
//! quick search, one case with its timeline and the steps allowed next.

use bianmin::auth::Action;
use bianmin::backup::schedule::{self as backups, Status};
use bianmin::calendar::schedule;
use bianmin::documents::DocumentKind;
use bianmin::intake::lookup::{self, CaseDetail, CaseSummary, DayCounts};
use bianmin::lifecycle::deadline::{self, Figures, Urgent};
use bianmin::lifecycle::handling::{self, StepDone};
use bianmin::lifecycle::request::{self, StepRequest};
use bianmin::lifecycle::timeline::{self, Entry};
use serde::Serialize;
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[derive(Serialize)]
pub struct Workbench {
    pub counts: DayCounts,
    #[serde(flatten)]
    pub urgent: Urgent,
    /// How the backups stand; only for those who may back up (managers).
    pub backup: Option<Status>,
    /// Open cases whose due dates a newly loaded year moved.
    pub moved: Vec<bianmin::calendar::recompute::Moved>,
    /// Next year's holidays are not loaded yet.
    pub calendar_notice: Option<String>,
    /// The absent clerks this user stands in for today, with their cases.
    pub covering: Vec<bianmin::lifecycle::stand_in::Covering>,
    /// For a manager: what the notices print about the center that is still blank.
    pub center_notice: Option<String>,
}

#[tauri::command]
pub fn workbench(desk: State<'_, Desk>) -> UiResult<Workbench> {
    desk.session(|store, session| {
        let conn = store.conn();
        let today = now().date_naive();
        Ok(Workbench {
            counts: lookup::day_counts(conn, today)?,
            urgent: deadline::workbench(conn, today)?,
            backup: match session.require(Action::Maintain) {
                Ok(()) => Some(backups::status(conn, session, now())?),
                Err(_) => None,
            },
            moved: bianmin::calendar::recompute::open_moved(conn)?,
            calendar_notice: schedule::missing_notice(conn, today)?,
            covering: bianmin::lifecycle::stand_in::covering(conn, &session.user_id, today)?,
            center_notice: match session.require(Action::EditCenter) {
                Ok(()) => bianmin::center::missing_notice(conn)?,
                Err(_) => None,
            },
        })
    })
}

/// 分派/转办: the active clerks and managers that fit what was typed.
#[tauri::command]
pub fn handlers_find(
    desk: State<'_, Desk>,
    query: String,
) -> UiResult<Vec<bianmin::lifecycle::handlers::Handler>> {
    desk.session(|store, session| {
        Ok(bianmin::lifecycle::handlers::find(
            store.conn(),
            session,
            &query,
        )?)
    })
}

/// One page (from 0) of the quick search.
#[tauri::command]
pub fn cases_search(
    desk: State<'_, Desk>,
    text: String,
    page: Option<usize>,
) -> UiResult<lookup::SearchPage> {
    desk.session(|store, _| {
        Ok(lookup::search_pages(
            store.conn(),
            &text,
            page.unwrap_or(0),
        )?)
    })
}

#[tauri::command]
pub fn cases_of_day(desk: State<'_, Desk>) -> UiResult<Vec<CaseSummary>> {
    desk.session(|store, _| Ok(lookup::received_on(store.conn(), now().date_naive())?))
}

/// A step the window may offer, with its label.
#[derive(Serialize)]
pub struct StepOffer {
    pub step: bianmin::lifecycle::Step,
    pub label: &'static str,
}

/// A document the case has, for reprinting.
#[derive(Serialize)]
pub struct DocumentOffer {
    pub kind: &'static str,
    pub title: &'static str,
    /// Printed before: the next print is a 补打.
    pub printed: bool,
}

#[derive(Serialize)]
pub struct CaseShown {
    pub detail: CaseDetail,
    pub figures: Figures,
    pub timeline: Vec<Entry>,
    pub steps: Vec<StepOffer>,
    /// The word lists the steps' forms offer.
    pub choices: request::Choices,
    /// Whether the case is in a state the applicant may rate and has not
    /// been rated at the window yet.
    pub ratable: bool,
    /// The ratings it has (好差评).
    pub ratings: Vec<bianmin::service::evaluation::GivenRating>,
    pub documents: Vec<DocumentOffer>,
    /// 容缺 materials not supplied yet: what the 补齐 step offers.
    pub outstanding: Vec<bianmin::intake::tolerance::Outstanding>,
    /// 扫描件 attached to its material lines.
    pub scans: Vec<bianmin::scans::ScanLine>,
    /// The largest file a scan may be, in MB.
    pub scan_max_mb: u32,
}

#[tauri::command]
pub fn case_detail(desk: State<'_, Desk>, case_no: String) -> UiResult<CaseShown> {
    desk.session(|store, session| {
        let at = now();
        let detail = lookup::detail_for(store, session, at, &case_no)?;
        let conn = store.conn();
        let cal = schedule::load(conn)?;
        let s = &detail.summary;
        let figures = deadline::figures(&cal, s.outcome, s.due_date, detail.completed_on)?;
        let steps = handling::allowed_steps(conn, session, &case_no, at.date_naive())?
            .into_iter()
            .map(|step| StepOffer {
                step,
                label: step.label(),
            })
            .collect();
        let papers = bianmin::documents::Papers::of_detail(&detail);
        let mut documents = Vec::new();
        for k in DocumentKind::ALL.into_iter().filter(|k| k.fits(papers)) {
            documents.push(DocumentOffer {
                kind: k.code(),
                title: k.choice_label(),
                printed: bianmin::documents::copies_so_far(conn, &s.case_id, k)
                    .map_err(bianmin::Error::from)?
                    > 0,
            });
        }
        let ratings = bianmin::service::evaluation::of_case(conn, &case_no)?;
        let rated_here = ratings
            .iter()
            .any(|r| r.channel == bianmin::service::evaluation::Channel::Keypad);
        let ratable = !rated_here
            && bianmin::lifecycle::State::parse(&s.state)
                .map_err(bianmin::Error::from)?
                .can_be_rated();
        Ok(CaseShown {
            scans: bianmin::scans::list(conn, &case_no)?,
            scan_max_mb: bianmin::center::load(conn)
                .map_err(bianmin::Error::from)?
                .scan_max_mb,
            outstanding: bianmin::intake::tolerance::outstanding(conn, &s.case_id)
                .map_err(bianmin::Error::from)?,
            timeline: timeline::of_case(conn, &case_no)?,
            detail,
            figures,
            steps,
            choices: request::choices(),
            ratable,
            ratings,
            documents,
        })
    })
}

#[tauri::command]
pub fn case_step(
    desk: State<'_, Desk>,
    case_no: String,
    request: StepRequest,
) -> UiResult<StepDone> {
    desk.session(|store, session| Ok(request::take(store, session, now(), &case_no, request)?))
}
