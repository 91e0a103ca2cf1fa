//! 受理: finding the matter, checking the applicant as it is typed, and
//! taking the application in — the case is committed first, then its
//! documents are printed to the day's documents folder.

use bianmin::applicant::{id_number, phone, IdType};
use bianmin::catalogue::versions::MatterSummary;
use bianmin::catalogue::{search, withdrawal, Matter};
use bianmin::intake::papers::{self, IntakeDone};
use bianmin::intake::Application;
use serde::Serialize;
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[tauri::command]
pub fn matters_find(desk: State<'_, Desk>, query: String) -> UiResult<Vec<MatterSummary>> {
    desk.session(|store, _| Ok(search::find(store.conn(), &query)?))
}

/// An open one-time notice of this matter and applicant to link to.
#[tauri::command]
pub fn resubmission_offer(
    desk: State<'_, Desk>,
    matter_code: String,
    id_number: String,
) -> UiResult<Option<bianmin::intake::lookup::ResubmissionOffer>> {
    desk.session(|store, _| {
        Ok(bianmin::intake::lookup::resubmission_offer(
            store.conn(),
            &matter_code,
            &id_number,
        )?)
    })
}

/// How long each typed field may be, shown as the clerk types.
#[tauri::command]
pub fn intake_limits() -> bianmin::intake::application::Limits {
    bianmin::intake::application::LIMITS
}

#[derive(Serialize)]
pub struct MatterShown {
    pub version: i64,
    pub matter: Matter,
    pub legal_basis: String,
    /// The form offers 容缺受理 for this matter here.
    pub tolerance_offered: bool,
    /// What each material is (必交、可容缺 …), in the matter's order.
    pub requirements: Vec<String>,
}

#[tauri::command]
pub fn matter_show(desk: State<'_, Desk>, code: String) -> UiResult<MatterShown> {
    desk.session(|store, _| {
        let (version, matter) = withdrawal::open_for_intake(store.conn(), &code)?;
        Ok(MatterShown {
            version,
            legal_basis: matter.legal_basis_text(),
            tolerance_offered: bianmin::intake::tolerance::offered(store.conn(), &matter)?,
            requirements: matter.materials.iter().map(|m| m.requirement()).collect(),
            matter,
        })
    })
}

/// The live check of an ID number as it is typed: the normalized number
/// and, for a resident ID, what it says (birth date, sex).
#[derive(Serialize)]
pub struct IdChecked {
    pub number: String,
    pub detail: Option<String>,
}

#[tauri::command]
pub fn id_check(id_type: String, number: String) -> UiResult<IdChecked> {
    let today = now().date_naive();
    let kind = IdType::parse(&id_type).map_err(bianmin::Error::from)?;
    let number = id_number::check(kind, &number, today).map_err(bianmin::Error::from)?;
    let detail = match kind {
        IdType::ResidentId => id_number::check_resident_id(&number, today)
            .ok()
            .map(|i| format!("{} 出生，{}", i.birth_date.format("%Y年%m月%d日"), i.sex)),
        _ => None,
    };
    Ok(IdChecked { number, detail })
}

#[tauri::command]
pub fn phone_check(number: String) -> UiResult<String> {
    Ok(phone::check(&number).map_err(bianmin::Error::from)?)
}

/// The papers of an intake go to the day's documents folder beside the
/// database (in memory on an encrypted laptop).
fn take_in(
    desk: &Desk,
    from: papers::Source<'_>,
    application: Application,
) -> UiResult<IntakeDone> {
    desk.session(|store, session| {
        let at = now();
        let dir = bianmin::paths::documents_dir(&desk.db, store.is_encrypted(), at.date_naive());
        Ok(papers::take_in(
            store,
            session,
            at,
            from,
            application,
            Some(&dir),
        )?)
    })
}

#[tauri::command]
pub fn intake_submit(desk: State<'_, Desk>, application: Application) -> UiResult<IntakeDone> {
    take_in(&desk, papers::Source::Counter, application)
}

/// The 一件事 bundles the counter's search finds for `query`.
#[tauri::command]
pub fn bundles_find(
    desk: State<'_, Desk>,
    query: String,
) -> UiResult<Vec<bianmin::catalogue::bundle::BundleSummary>> {
    desk.session(|store, _| Ok(search::find_bundles(store.conn(), &query)?))
}

/// The catalogue's 一件事 bundles.
#[tauri::command]
pub fn bundles_list(
    desk: State<'_, Desk>,
) -> UiResult<Vec<bianmin::catalogue::bundle::BundleSummary>> {
    desk.session(|store, _| Ok(bianmin::catalogue::bundle::list(store.conn())?))
}

/// A bundle's matters and shared pool of materials.
#[tauri::command]
pub fn bundle_show(
    desk: State<'_, Desk>,
    code: String,
) -> UiResult<bianmin::intake::bundle::BundleForm> {
    desk.session(|store, _| Ok(bianmin::intake::bundle::form(store.conn(), &code)?))
}

/// Takes a bundle application in; its papers go to the day's documents folder.
#[tauri::command]
pub fn bundle_submit(
    desk: State<'_, Desk>,
    application: bianmin::intake::bundle::BundleApplication,
) -> UiResult<papers::BundleDone> {
    desk.session(|store, session| {
        let at = now();
        let dir = bianmin::paths::documents_dir(&desk.db, store.is_encrypted(), at.date_naive());
        Ok(papers::take_in_bundle(
            store,
            session,
            at,
            application,
            Some(&dir),
        )?)
    })
}

/// Takes in an application that began as a consultation (咨询转受理).
#[tauri::command]
pub fn consultation_convert(
    desk: State<'_, Desk>,
    consultation_id: String,
    application: Application,
) -> UiResult<IntakeDone> {
    take_in(
        &desk,
        papers::Source::Consultation(&consultation_id),
        application,
    )
}
