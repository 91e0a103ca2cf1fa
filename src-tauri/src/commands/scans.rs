//! 扫描件 on a case: attaching a file chosen on this PC, or a page from the
//! counter's scanner, to a material line, and showing what is kept — a thumbnail and the full image as bytes (no
//! file on disk), a PDF written to the day's documents folder (in memory
//! on an encrypted laptop) for the viewer.

use bianmin::scans::scanner::{self, Scanner};
use bianmin::scans::{self, Attached, Extracted};
use tauri::ipc::Response;
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

#[tauri::command]
pub fn scan_attach(
    desk: State<'_, Desk>,
    case_no: String,
    position: u32,
    path: String,
) -> UiResult<Attached> {
    let path = std::path::PathBuf::from(path.trim());
    desk.session(|store, session| {
        Ok(scans::attach(
            store,
            session,
            now(),
            &case_no,
            position,
            &path,
        )?)
    })
}

/// The scanners SANE finds on this PC (none without SANE), for a user
/// logged in. Off the window's thread and without holding the database:
/// looking for network scanners takes seconds.
#[tauri::command(async)]
pub fn scan_scanners(desk: State<'_, Desk>) -> UiResult<Vec<Scanner>> {
    desk.session(|_, _| Ok(()))?;
    Ok(scanner::scanners().map_err(bianmin::Error::from)?)
}

/// Scans one page on `device` and attaches it to the line `position`. The
/// scan runs off the window's thread and without holding the database (a
/// flatbed takes its time; a jammed one up to its limit), then the page is
/// attached like a chosen file.
#[tauri::command(async)]
pub fn scan_from_scanner(
    desk: State<'_, Desk>,
    case_no: String,
    position: u32,
    device: String,
) -> UiResult<Attached> {
    desk.session(|_, _| Ok(()))?;
    let page = scanner::scan_page(&device).map_err(bianmin::Error::from)?;
    desk.session(|store, session| {
        Ok(scans::attach_page(
            store,
            session,
            now(),
            &case_no,
            position,
            &page,
        )?)
    })
}

/// The thumbnail (PNG) of an image scan; empty for a PDF.
#[tauri::command]
pub fn scan_thumbnail(
    desk: State<'_, Desk>,
    case_no: String,
    sha256: String,
) -> UiResult<Response> {
    desk.session(|store, _| {
        let thumb = scans::thumbnail_of(store.conn(), &case_no, &sha256)?;
        Ok(Response::new(thumb.unwrap_or_default()))
    })
}

/// The full content of a scan, to show an image full size.
#[tauri::command]
pub fn scan_content(desk: State<'_, Desk>, case_no: String, sha256: String) -> UiResult<Response> {
    desk.session(|store, _| {
        let (_, bytes) = scans::content_of(store.conn(), &case_no, &sha256)?;
        Ok(Response::new(bytes))
    })
}

/// Writes a PDF scan where the window opens documents from.
#[tauri::command]
pub fn scan_extract(desk: State<'_, Desk>, case_no: String, sha256: String) -> UiResult<Extracted> {
    desk.session(|store, session| {
        let dir = bianmin::paths::documents_dir(&desk.db, store.is_encrypted(), now().date_naive());
        Ok(scans::extract_one(store, session, &case_no, &sha256, &dir)?)
    })
}
