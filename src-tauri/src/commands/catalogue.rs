//! 事项清单 (manager): browse and search the catalogue, open a matter, save
//! an edited or new matter as a new version, stop a matter from being taken
//! in (停用) and re-enable it, import and export the catalogue file, and
//! print 办事指南 (clerks too).

use bianmin::catalogue::matter::{self, Choices};
use bianmin::catalogue::versions::{self, Exported, ImportReport, MatterSummary};
use bianmin::catalogue::withdrawal::{self, Withdrawal};
use bianmin::catalogue::{search, Matter};
use bianmin::documents::guide::{self, Guide, PrintedGuide};
use serde::Serialize;
use tauri::State;

use super::{export_folder, now};
use crate::error::UiResult;
use crate::state::Desk;

#[tauri::command]
pub fn catalogue_browse(desk: State<'_, Desk>, query: String) -> UiResult<Vec<MatterSummary>> {
    desk.session(|store, _| Ok(search::browse(store.conn(), &query)?))
}

#[derive(Serialize)]
pub struct MatterOpened {
    /// `None` for a new matter's empty form.
    pub version: Option<i64>,
    pub matter: Option<Matter>,
    pub withdrawal: Option<Withdrawal>,
    pub choices: Choices,
}

/// A matter for the form; an empty `code` opens a new matter's form.
#[tauri::command]
pub fn catalogue_matter(desk: State<'_, Desk>, code: String) -> UiResult<MatterOpened> {
    desk.session(|store, _| {
        let conn = store.conn();
        let (version, matter, withdrawal) = if code.trim().is_empty() {
            (None, None, None)
        } else {
            let (v, m) = versions::current(conn, &code)?;
            let w = withdrawal::of(conn, &m.code)?;
            (Some(v), Some(m), w)
        };
        Ok(MatterOpened {
            version,
            matter,
            withdrawal,
            choices: matter::choices(),
        })
    })
}

/// Saves the form as the matter's next version; `None` when nothing changed.
#[tauri::command]
pub fn catalogue_save(desk: State<'_, Desk>, matter: serde_json::Value) -> UiResult<Option<i64>> {
    desk.session(|store, session| {
        let matter = Matter::from_form(matter).map_err(bianmin::Error::from)?;
        Ok(versions::publish(store, session, now(), &matter)?)
    })
}

/// Saves a 一件事 from the manager's form; `false` when nothing changed.
#[tauri::command]
pub fn bundle_save(
    desk: State<'_, Desk>,
    code: String,
    name: String,
    note: String,
    matters: String,
) -> UiResult<bool> {
    desk.session(|store, session| {
        let bundle = bianmin::catalogue::bundle::Bundle::from_form(&code, &name, &note, &matters);
        Ok(bianmin::catalogue::bundle::publish(
            store,
            session,
            now(),
            &bundle,
        )?)
    })
}

#[tauri::command]
pub fn catalogue_withdraw(
    desk: State<'_, Desk>,
    code: String,
    reason: String,
) -> UiResult<Withdrawal> {
    desk.session(|store, session| Ok(withdrawal::withdraw(store, session, now(), &code, &reason)?))
}

#[tauri::command]
pub fn catalogue_reinstate(desk: State<'_, Desk>, code: String) -> UiResult<()> {
    desk.session(|store, session| Ok(withdrawal::reinstate(store, session, now(), &code)?))
}

#[tauri::command]
pub fn catalogue_import(desk: State<'_, Desk>, path: String) -> UiResult<ImportReport> {
    let path = std::path::PathBuf::from(path.trim());
    desk.session(|store, session| Ok(versions::import_file(store, session, now(), &path)?))
}

#[tauri::command]
pub fn catalogue_export(desk: State<'_, Desk>, folder: String) -> UiResult<Exported> {
    let folder = export_folder(&folder)?;
    desk.session(|store, _| {
        Ok(versions::export_into(
            store.conn(),
            &folder,
            now().date_naive(),
        )?)
    })
}

/// Prints one matter's 办事指南, or with no code the whole catalogue's
/// booklet, into the day's documents folder.
#[tauri::command]
pub fn guide_print(desk: State<'_, Desk>, code: Option<String>) -> UiResult<PrintedGuide> {
    let which = match code {
        Some(code) => Guide::Matter(code),
        None => Guide::Booklet,
    };
    desk.session(|store, session| {
        let at = now();
        let dir = bianmin::paths::documents_dir(&desk.db, store.is_encrypted(), at.date_naive());
        Ok(guide::print_into(store, session, at, &which, &dir)?)
    })
}
