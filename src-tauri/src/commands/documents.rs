//! Printing: writing a case's document to the day's documents folder,
//! reprinting (补打), and opening a written PDF in the system viewer.

use std::path::PathBuf;

use bianmin::documents::{self, DocumentKind, WrittenDocument};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use super::now;
use crate::error::{UiError, UiResult};
use crate::state::Desk;

#[tauri::command]
pub fn reprint(desk: State<'_, Desk>, case_no: String, kind: String) -> UiResult<WrittenDocument> {
    let kind = DocumentKind::parse(&kind).map_err(bianmin::Error::from)?;
    desk.session(|store, session| {
        let at = now();
        let dir = bianmin::paths::documents_dir(&desk.db, store.is_encrypted(), at.date_naive());
        Ok(documents::print_into(
            store, session, at, &case_no, kind, &dir,
        )?)
    })
}

/// Opens a PDF this window wrote in the system's viewer, for printing. Only
/// files under the documents folder are opened. With `BIANMIN_NO_VIEWER`
/// set (tests, kiosk set-ups) nothing is opened and `false` is returned.
#[tauri::command]
pub fn open_document(app: tauri::AppHandle, desk: State<'_, Desk>, path: String) -> UiResult<bool> {
    let root: PathBuf = bianmin::paths::documents_root(&desk.db, desk.key().is_some());
    let file = PathBuf::from(&path);
    let inside = match (file.canonicalize(), root.canonicalize()) {
        (Ok(f), Ok(r)) => f.starts_with(r) && f.extension().is_some_and(|x| x == "pdf"),
        _ => false,
    };
    if !inside {
        return Err(UiError::new(
            "refused",
            format!("只能打开本机生成的办件文书：{path}"),
        ));
    }
    if std::env::var_os("BIANMIN_NO_VIEWER").is_some() {
        return Ok(false);
    }
    app.opener()
        .open_path(path.clone(), None::<&str>)
        .map_err(|e| {
            UiError::new(
                "refused",
                format!("无法打开 PDF 阅读器（{e}），文件在：{path}"),
            )
        })?;
    Ok(true)
}
