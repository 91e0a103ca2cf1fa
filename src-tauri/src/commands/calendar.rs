//! 节假日: a year as twelve month grids, the loaded years, and loading a
//! year — from a file, from the form, or computed as provisional (暂定).

use bianmin::calendar::provisional;
use bianmin::calendar::schedule::{self, Entry, Loaded, LoadedYear, YearView};
use serde::Serialize;
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[derive(Serialize)]
pub struct CalendarShown {
    pub years: Vec<LoadedYear>,
    pub year: i32,
    /// `None` when the year is not loaded.
    pub view: Option<YearView>,
    /// The festivals the entry form offers a row for.
    pub festivals: [&'static str; 7],
}

#[tauri::command]
pub fn calendar_overview(desk: State<'_, Desk>, year: Option<i32>) -> UiResult<CalendarShown> {
    desk.session(|store, _| {
        let conn = store.conn();
        let year = match year {
            Some(y) => y,
            None => schedule::year_to_show(conn, now().date_naive())?,
        };
        Ok(CalendarShown {
            years: schedule::years(conn)?,
            year,
            view: schedule::loaded_schedule(conn, year)?.map(|s| s.view()),
            festivals: provisional::FESTIVALS,
        })
    })
}

/// The provisional year as it would be loaded, for the manager to look at.
#[tauri::command]
pub fn calendar_provisional(desk: State<'_, Desk>, year: i32) -> UiResult<YearView> {
    desk.session(|_, _| {
        Ok(provisional::compute(year)
            .map_err(bianmin::Error::from)?
            .view())
    })
}

#[tauri::command]
pub fn calendar_provisional_apply(desk: State<'_, Desk>, year: i32) -> UiResult<Loaded> {
    desk.session(|store, session| Ok(provisional::apply(store, session, now(), year)?))
}

#[tauri::command]
pub fn calendar_enter(desk: State<'_, Desk>, entry: Entry) -> UiResult<Loaded> {
    desk.session(|store, session| Ok(schedule::enter(store, session, now(), entry)?))
}

#[tauri::command]
pub fn calendar_import(desk: State<'_, Desk>, path: String) -> UiResult<Loaded> {
    let path = std::path::PathBuf::from(path.trim());
    desk.session(|store, session| Ok(schedule::import_file(store, session, now(), &path)?))
}
