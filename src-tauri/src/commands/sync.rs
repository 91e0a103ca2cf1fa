//! 局域网同步: the sync running beside the window (started when the window
//! opens, restarted when a manager changes this PC's choice), its status
//! for the top bar, and the choice itself. Changes reach the window as the
//! events `sync-status` (the new status) and `sync-arrived` (another PC's
//! events were applied: open screens refresh).

use std::sync::{Arc, Mutex};

use bianmin::exchange::devices::TrustedDevice;
use bianmin::store::Store;
use bianmin::sync::discovery::{self, FoundHub};
use bianmin::sync::enrol::{self, JoinRequest};
use bianmin::sync::live::{Live, Status};
use bianmin::sync::settings::{self, Plan, Settings};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

/// The running sync, if any.
#[derive(Default)]
pub struct Sync(Mutex<Option<Live>>);

/// (Re)starts the sync of this PC's plan; nothing on a PC not set up yet
/// (no file is made for it) or whose encrypted database no login has
/// opened yet (it starts at the login, with the login's key).
pub fn start(app: &AppHandle) {
    let desk = app.state::<Desk>();
    if !desk.db.exists() || desk.needs_unlock() {
        return;
    }
    let (db, key) = (desk.db.clone(), desk.key());
    let open: Arc<bianmin::sync::hub::Opener> =
        Arc::new(move || Ok(Store::open_again(&db, key.as_ref())?));
    let Ok(plan) = open().and_then(|s| settings::plan(s.conn())) else {
        return;
    };
    let emitter = app.clone();
    let live = Live::start(
        open,
        &plan,
        std::env::var("BIANMIN_SYNC_LISTEN").ok(),
        Arc::new(move |status: &Status, arrived: bool| {
            let _ = emitter.emit("sync-status", status);
            if arrived {
                let _ = emitter.emit("sync-arrived", ());
            }
        }),
    );
    let sync = app.state::<Sync>();
    let mut running = sync.0.lock().unwrap_or_else(|p| p.into_inner());
    // The old one stops (and lets go of the port) before the new one runs.
    *running = None;
    *running = Some(live);
}

/// Stops the sync (at the logout of an encrypted laptop: its key goes).
pub fn stop(app: &AppHandle) {
    let sync = app.state::<Sync>();
    *sync.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// Whether the sync runs (an encrypted laptop's starts at its login).
pub fn running(app: &AppHandle) -> bool {
    app.state::<Sync>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .is_some()
}

#[tauri::command]
pub fn sync_status(desk: State<'_, Desk>, sync: State<'_, Sync>) -> UiResult<Option<Status>> {
    desk.session(|_, _| {
        Ok(sync
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(Live::status))
    })
}

#[derive(Serialize)]
pub struct SyncChoice {
    pub settings: Settings,
    pub plan: Plan,
    pub hub: bool,
}

#[tauri::command]
pub fn sync_settings(desk: State<'_, Desk>) -> UiResult<SyncChoice> {
    desk.session(|store, _| {
        let conn = store.conn();
        Ok(SyncChoice {
            settings: settings::load(conn)?,
            plan: settings::plan(conn)?,
            hub: bianmin::store::device::load(conn)?.role
                == bianmin::store::device::DeviceRole::Hub,
        })
    })
}

#[tauri::command]
pub fn sync_settings_save(
    app: AppHandle,
    desk: State<'_, Desk>,
    enabled: bool,
    hub_address: String,
) -> UiResult<Settings> {
    let saved = desk.session(|store, session| {
        Ok(settings::set(store, session, now(), enabled, &hub_address)?)
    })?;
    start(&app);
    Ok(saved)
}

/// The hubs that answer on the LAN, for 设置 ▸ 局域网同步.
#[tauri::command(async)]
pub fn sync_discover() -> Vec<FoundHub> {
    discovery::probe_lan(discovery::WAIT)
}

/// The requests to join the center over the LAN (the hub's 数据交换).
#[tauri::command]
pub fn join_requests(desk: State<'_, Desk>, all: bool) -> UiResult<Vec<JoinRequest>> {
    desk.session(|store, _| Ok(enrol::requests(store.conn(), all)?))
}

/// A manager approves a request after comparing the fingerprints.
#[tauri::command]
pub fn join_request_approve(desk: State<'_, Desk>, no: i64) -> UiResult<TrustedDevice> {
    desk.session(|store, session| Ok(enrol::approve(store, session, now(), no)?))
}

/// A manager declines a request.
#[tauri::command]
pub fn join_request_decline(desk: State<'_, Desk>, no: i64) -> UiResult<JoinRequest> {
    desk.session(|store, session| Ok(enrol::decline(store, session, now(), no)?))
}
