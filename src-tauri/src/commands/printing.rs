//! 设置—打印机 and printing a case's documents: where each document kind
//! prints on this PC, sending a saved copy to its printer, and 补打.

use bianmin::documents::{self, DocumentKind, WrittenDocument};
use bianmin::printing::{self, Choice, Overview};
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[tauri::command]
pub fn printers(desk: State<'_, Desk>) -> UiResult<Overview> {
    desk.session(|store, session| Ok(printing::overview(store.conn(), session)?))
}

#[tauri::command]
pub fn printer_choose(
    desk: State<'_, Desk>,
    kind: String,
    printer: Option<String>,
    auto: bool,
) -> UiResult<Choice> {
    let kind = DocumentKind::parse(&kind).map_err(bianmin::Error::from)?;
    desk.session(|store, session| {
        Ok(printing::choose(
            store,
            session,
            now(),
            kind,
            printer.as_deref(),
            auto,
        )?)
    })
}

/// Sends the saved copy of a case's document to this PC's printer for it.
#[tauri::command]
pub fn send_document(
    desk: State<'_, Desk>,
    case_no: String,
    kind: String,
) -> UiResult<WrittenDocument> {
    let kind = DocumentKind::parse(&kind).map_err(bianmin::Error::from)?;
    desk.session(|store, session| {
        let at = now();
        let dir = bianmin::paths::documents_dir(&desk.db, store.is_encrypted(), at.date_naive());
        Ok(documents::send_saved(
            store, session, at, &case_no, kind, &dir,
        )?)
    })
}
