//! Printing: reprinting (补打) a case's document to this PC's printer for
//! it (or the day's documents folder), and opening a written PDF in the
//! system viewer, the second choice.

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
        Ok(documents::print_here(
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
    // The opener's own error is in English and names a launcher; the clerk
    // needs to know what to do.
    app.opener()
        .open_path(path.clone(), None::<&str>)
        .map_err(|_| {
            UiError::new(
                "refused",
                format!("本机没有可以打开 PDF 的阅读器；文书已保存在：{path}，可在“设置—打印机”中选择打印机直接打印"),
            )
        })?;
    Ok(true)
}
