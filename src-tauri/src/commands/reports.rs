//! 统计: the manager's figures and exporting the daily ledger to a folder
//! (a USB stick chosen in the window).

use bianmin::reports::{self, dashboard, Format, Written};
use serde::Deserialize;
use tauri::State;

use super::{export_folder, now};
use crate::error::UiResult;
use crate::state::Desk;

#[tauri::command]
pub fn dashboard_today(desk: State<'_, Desk>) -> UiResult<dashboard::Dashboard> {
    desk.session(|store, session| Ok(dashboard::today(store.conn(), session, now().date_naive())?))
}

#[derive(Deserialize)]
pub struct LedgerForm {
    /// The folder to write to.
    pub folder: String,
    /// YYYY-MM-DD; today when empty.
    pub day: Option<String>,
    pub format: String,
}

#[tauri::command]
pub fn ledger_export(desk: State<'_, Desk>, form: LedgerForm) -> UiResult<Written> {
    let format = Format::parse(&form.format).map_err(bianmin::Error::from)?;
    let at = now();
    let day = match form.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => bianmin::calendar::parse_day(d).map_err(bianmin::Error::from)?,
        None => at.date_naive(),
    };
    let folder = export_folder(&form.folder)?;
    desk.session(|store, session| {
        let center = bianmin::store::device::load(store.conn())?.center_code;
        let out = folder.join(format!("{center}-日台账-{day}.{}", format.extension()));
        Ok(reports::export_ledger(
            store, session, at, day, format, &out,
        )?)
    })
}

#[derive(Deserialize)]
pub struct MonthlyForm {
    pub folder: String,
    /// YYYY-MM.
    pub month: String,
    pub format: String,
}

#[tauri::command]
pub fn monthly_export(desk: State<'_, Desk>, form: MonthlyForm) -> UiResult<Written> {
    let format = Format::parse(&form.format).map_err(bianmin::Error::from)?;
    let month = reports::monthly::parse_month(&form.month).map_err(bianmin::Error::from)?;
    let folder = export_folder(&form.folder)?;
    desk.session(|store, session| {
        let center = bianmin::store::device::load(store.conn())?.center_code;
        let out = folder.join(format!(
            "{center}-月报-{}-{:02}.{}",
            month.0,
            month.1,
            format.extension()
        ));
        Ok(reports::export_monthly(
            store,
            session,
            now(),
            month,
            format,
            &out,
        )?)
    })
}
