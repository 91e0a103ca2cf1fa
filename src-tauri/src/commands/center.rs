//! 中心设置 (manager): the center's address and phones printed on every
//! notice, the supply days of a one-time notice, the yellow-light days, the
//! login lockout and the idle lock, the 差评整改 days and the follow-up
//! share — each as the core's settings table labels and limits it.

use bianmin::center::{self, CenterProfile, Setting, SETTINGS};
use serde::Serialize;
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[derive(Serialize)]
pub struct CenterSettings {
    pub profile: CenterProfile,
    pub settings: &'static [Setting],
}

#[tauri::command]
pub fn center_settings(desk: State<'_, Desk>) -> UiResult<CenterSettings> {
    desk.session(|store, _| {
        Ok(CenterSettings {
            profile: center::load(store.conn())?,
            settings: &SETTINGS,
        })
    })
}

#[tauri::command]
pub fn center_save(desk: State<'_, Desk>, profile: CenterProfile) -> UiResult<CenterProfile> {
    desk.session(|store, session| Ok(center::set(store, session, now(), profile)?))
}
