//! 数据交换: exporting this device's batch to a USB folder, importing the
//! batches found there, the gaps and conflicts, and (managers) registering
//! another device's key. Progress of long exports and imports is sent to
//! the window as `exchange-progress` events. Managers revoke a device's
//! key there too, and see the forks that call for it.

use bianmin::exchange::conflicts::{self, OpenConflict, Resolution, Resolved};
use bianmin::exchange::export::{self, ExportReport, ExportRequest};
use bianmin::exchange::import::{self, Gap, ImportReport};
use bianmin::exchange::{devices, forks, keys, Progress};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};

use super::{export_folder, now};
use crate::error::{UiError, UiResult};
use crate::state::Desk;

/// What the screen shows when it opens.
#[derive(Serialize)]
pub struct Overview {
    pub device_code: String,
    pub fingerprint: String,
    pub key_line: String,
    /// Every trusted device with its last batch and latest event.
    pub devices: Vec<devices::Standing>,
    /// Days after which a silent device is flagged.
    pub quiet_days: i64,
    pub gaps: Vec<Gap>,
    /// The flagged conflicts not yet resolved, each beside the step that stands.
    pub conflicts: Vec<OpenConflict>,
    /// Two signed events for one place of a device's chain (a misused key).
    pub forks: Vec<forks::Fork>,
    pub checks: [&'static str; import::CHECKS.len()],
}

#[tauri::command]
pub fn exchange_overview(desk: State<'_, Desk>) -> UiResult<Overview> {
    desk.session(|store, _| {
        let conn = store.conn();
        let line = keys::own_line(conn)?;
        Ok(Overview {
            device_code: line.device_code.clone(),
            fingerprint: line.fingerprint.clone(),
            key_line: line.to_line(),
            devices: devices::standing(conn, now())?,
            quiet_days: devices::QUIET_DAYS,
            gaps: import::gaps(conn)?,
            conflicts: conflicts::open(conn)?,
            forks: forks::list(conn)?,
            checks: import::CHECKS,
        })
    })
}

/// A file in the chosen folder the screen offers.
#[derive(Serialize)]
pub struct FolderFile {
    pub name: String,
    pub path: String,
    pub bytes: u64,
}

/// The batches (.bmb) and key files (.key) in the folder, by name.
#[tauri::command]
pub fn exchange_folder(folder: String) -> UiResult<Vec<FolderFile>> {
    let dir = export_folder(&folder)?;
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| UiError::new("refused", format!("无法读取文件夹 {}：{e}", dir.display())))?;
    let mut files: Vec<FolderFile> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let wanted =
                (name.ends_with(".bmb") || name.ends_with(".key")) && !name.starts_with('.');
            let meta = e.metadata().ok()?;
            (wanted && meta.is_file()).then(|| FolderFile {
                path: e.path().display().to_string(),
                name,
                bytes: meta.len(),
            })
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

#[derive(Deserialize)]
pub struct ExportForm {
    pub folder: String,
    /// A device code, or empty for the default destination.
    pub destination: Option<String>,
}

/// Payload of the `exchange-progress` event.
#[derive(Clone, Serialize)]
struct ProgressEvent {
    what: &'static str,
    done: u64,
    total: u64,
}

fn progress<'a>(app: &'a AppHandle, what: &'static str) -> impl FnMut(Progress) + 'a {
    move |p| {
        let _ = app.emit(
            "exchange-progress",
            ProgressEvent {
                what,
                done: p.done,
                total: p.total,
            },
        );
    }
}

#[tauri::command]
pub fn exchange_export(
    app: AppHandle,
    desk: State<'_, Desk>,
    form: ExportForm,
) -> UiResult<ExportReport> {
    let folder = export_folder(&form.folder)?;
    let request = ExportRequest {
        out_dir: folder,
        destination: form.destination.filter(|d| !d.trim().is_empty()),
        since_batch: None,
        date: None,
    };
    let mut on = progress(&app, "export");
    desk.session(|store, session| Ok(export::export(store, session, now(), &request, &mut on)?))
}

#[tauri::command]
pub fn exchange_import(
    app: AppHandle,
    desk: State<'_, Desk>,
    path: String,
) -> UiResult<ImportReport> {
    let mut on = progress(&app, "import");
    desk.session(|store, session| {
        Ok(import::import(
            store,
            session,
            now(),
            std::path::Path::new(path.trim()),
            &mut on,
        )?)
    })
}

/// Writes this device's key line to `{code}.key` in the folder.
#[tauri::command]
pub fn device_key_write(desk: State<'_, Desk>, folder: String) -> UiResult<String> {
    let dir = export_folder(&folder)?;
    desk.session(|store, _| {
        let line = keys::own_line(store.conn())?;
        Ok(keys::write_line_file(&dir, &line)?.display().to_string())
    })
}

/// Registers a device from a key line or a `.key` file's path (managers).
#[tauri::command]
pub fn device_trust(desk: State<'_, Desk>, key: String) -> UiResult<devices::TrustedDevice> {
    let text = keys::key_text(&key)?;
    desk.session(|store, session| Ok(devices::trust(store, session, now(), &text)?))
}

/// Revokes a device's key (managers): a lost or stolen laptop, or a fork.
#[tauri::command]
pub fn device_revoke(
    desk: State<'_, Desk>,
    code: String,
    reason: String,
) -> UiResult<devices::TrustedDevice> {
    desk.session(|store, session| Ok(devices::revoke(store, session, now(), &code, &reason)?))
}

/// Resolves a flagged conflict: `keep` what stands, or `apply` the refused
/// step now; with a reason.
#[tauri::command]
pub fn conflict_resolve(
    desk: State<'_, Desk>,
    device: String,
    seq: i64,
    resolution: String,
    reason: String,
) -> UiResult<Resolved> {
    let resolution = Resolution::parse(&resolution).map_err(bianmin::Error::from)?;
    desk.session(|store, session| {
        Ok(conflicts::resolve(
            store,
            session,
            now(),
            &device,
            seq,
            resolution,
            &reason,
        )?)
    })
}

/// The USB sticks plugged in, offered beside every folder box (no login
/// needed: set-up joins a center from one).
#[tauri::command]
pub fn usb_sticks() -> Vec<bianmin::usb::Stick> {
    bianmin::usb::sticks()
}
