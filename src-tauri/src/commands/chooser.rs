//! The window's own file chooser (ui/js/chooser.js): where to start and one
//! folder's listing. For a logged-in user, or on the set-up screen of a PC
//! not yet set up (joining a center reads the batch from a stick).

use bianmin::chooser::{self, Listing, Place};
use bianmin::store::device;
use tauri::State;

use crate::error::UiResult;
use crate::state::Desk;

fn allowed(desk: &Desk) -> UiResult<()> {
    let fresh = desk
        .store(|store| Ok(device::load(store.conn()).is_err()))
        .unwrap_or(false);
    if fresh {
        return Ok(());
    }
    desk.session(|_, _| Ok(()))
}

#[tauri::command]
pub fn chooser_places(desk: State<'_, Desk>) -> UiResult<Vec<Place>> {
    allowed(&desk)?;
    Ok(chooser::places())
}

/// `extensions` without the dot; none for a folder chooser.
#[tauri::command]
pub fn chooser_list(
    desk: State<'_, Desk>,
    path: String,
    extensions: Vec<String>,
) -> UiResult<Listing> {
    allowed(&desk)?;
    let wanted: Vec<&str> = extensions.iter().map(String::as_str).collect();
    Ok(chooser::list(std::path::Path::new(&path), &wanted)?)
}
