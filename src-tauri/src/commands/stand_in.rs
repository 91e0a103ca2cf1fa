//! AB角 (manager): the stand-ins running, ahead and lately ended; setting
//! one (who stands in for whom, from–to) and ending one early.

use bianmin::auth::users::UserInfo;
use bianmin::calendar::parse_day;
use bianmin::lifecycle::stand_in::{self, Listed, StandIn, StandInEnded};
use serde::{Deserialize, Serialize};
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[derive(Serialize)]
pub struct StandIns {
    pub list: Vec<Listed>,
    /// Who may be an A角 or a B角.
    pub candidates: Vec<UserInfo>,
    pub today: chrono::NaiveDate,
}

#[tauri::command]
pub fn stand_ins(desk: State<'_, Desk>) -> UiResult<StandIns> {
    desk.session(|store, session| {
        let today = now().date_naive();
        Ok(StandIns {
            list: stand_in::list(store.conn(), session, today)?,
            candidates: stand_in::candidates(store.conn())?,
            today,
        })
    })
}

#[derive(Deserialize)]
pub struct StandInForm {
    pub absent: String,
    pub stand_in: String,
    pub from: String,
    pub to: String,
}

#[tauri::command]
pub fn stand_in_set(desk: State<'_, Desk>, form: StandInForm) -> UiResult<StandIn> {
    let from = parse_day(&form.from).map_err(bianmin::Error::from)?;
    let to = parse_day(&form.to).map_err(bianmin::Error::from)?;
    desk.session(|store, session| {
        Ok(stand_in::set(
            store,
            session,
            now(),
            &form.absent,
            &form.stand_in,
            from,
            to,
        )?)
    })
}

#[tauri::command]
pub fn stand_in_end(
    desk: State<'_, Desk>,
    absent: String,
    stand_in: String,
    from: String,
) -> UiResult<StandInEnded> {
    let from = parse_day(&from).map_err(bianmin::Error::from)?;
    desk.session(|store, session| {
        Ok(stand_in::end(
            store,
            session,
            now(),
            &absent,
            &stand_in,
            from,
        )?)
    })
}
