//! 初始设置: whether this device is set up, and setting it up on first start.

use bianmin::auth::users::NewUser;
use bianmin::auth::Role;
use std::path::PathBuf;
use std::sync::Mutex;

use bianmin::exchange::join::{self, JoinInput, JoinReport};
use bianmin::exchange::keys::{self, KeyLine};
use bianmin::setup::{self, SetupInput, SetupReport};
use bianmin::store::device::{self, Device, DeviceRole};
use bianmin::sync::discovery::{self, FoundHub};
use bianmin::sync::enrol::{self, Progress};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use super::now;
use crate::error::{UiError, UiResult};
use crate::state::Desk;

/// What the window needs to know at start.
#[derive(Serialize)]
pub struct Status {
    pub database: String,
    /// `None` until the device is set up.
    pub device: Option<Device>,
    pub user: Option<super::session::LoggedIn>,
    pub locked: bool,
    /// Minutes without input before the window locks.
    pub idle_minutes: u32,
    /// Whether the database is encrypted (opened by the login).
    pub encrypted: bool,
    /// What is wrong with the printing fonts, if anything: the window
    /// shows it from the start, before anyone tries to print.
    pub fonts: Option<String>,
}

fn font_problem() -> Option<String> {
    bianmin::documents::fonts::installed()
        .err()
        .map(|e| e.to_string())
}

#[tauri::command]
pub fn app_status(desk: State<'_, Desk>) -> UiResult<Status> {
    if desk.needs_unlock() {
        // Encrypted and shut: the key file names the device; the rest
        // waits for a login.
        return Ok(Status {
            database: desk.db.display().to_string(),
            device: Some(bianmin::auth::unlock::device(&desk.db)?),
            user: None,
            locked: false,
            idle_minutes: bianmin::center::CenterProfile::default().idle_minutes,
            encrypted: true,
            fonts: font_problem(),
        });
    }
    let (device, profile) = desk.store(|store| {
        Ok((
            device::load(store.conn()).ok(),
            bianmin::center::load(store.conn())?,
        ))
    })?;
    if device.is_some() {
        super::backup::start_daily(&desk);
    }
    let (session, locked) = desk.current();
    Ok(Status {
        database: desk.db.display().to_string(),
        device,
        user: session.map(super::session::LoggedIn::from),
        locked,
        idle_minutes: profile.idle_minutes,
        encrypted: desk.key().is_some(),
        fonts: font_problem(),
    })
}

/// The set-up form.
#[derive(Deserialize)]
pub struct SetupForm {
    pub center_code: String,
    pub center_name: String,
    pub device_code: String,
    pub role: String,
    pub admin_username: String,
    pub admin_name: String,
    pub admin_staff_no: String,
    pub admin_password: String,
    /// Keep the database encrypted (opened only by a login).
    #[serde(default)]
    pub encrypt: bool,
    /// What every notice prints about the center; blank: filled in later
    /// on 设置 (工作台 reminds the manager).
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub complaint_phone: String,
}

#[tauri::command]
pub fn setup_device(
    app: AppHandle,
    desk: State<'_, Desk>,
    form: SetupForm,
) -> UiResult<SetupReport> {
    let role = DeviceRole::parse(&form.role).map_err(bianmin::Error::from)?;
    let input = SetupInput {
        center_code: form.center_code,
        center_name: form.center_name,
        device_code: form.device_code,
        role,
        admin: NewUser {
            username: form.admin_username,
            display_name: form.admin_name,
            staff_no: form.admin_staff_no,
            role: Role::Admin,
            password: form.admin_password,
        },
        profile: setup::profile_from(&form.address, &form.phone, &form.complaint_phone),
    };
    let report = desk.set_up(|db| {
        Ok(setup::on_new_database(db, form.encrypt, |store| {
            setup::init(store, now(), input)
        })?)
    })?;
    // A new hub serves the hall from now on.
    super::sync::start(&app);
    Ok(report)
}

/// The form for joining a center from the hub's batch.
#[derive(Deserialize)]
pub struct JoinForm {
    /// The batch the hub exported for this device (`.bmb` on the stick).
    pub batch: String,
    pub device_code: String,
    pub role: String,
    /// The hub's fingerprint as read from its screen, if typed in.
    #[serde(default)]
    pub fingerprint: String,
    /// The join code the hub showed when it exported the batch.
    #[serde(default)]
    pub join_code: String,
    #[serde(default)]
    pub encrypt: bool,
}

/// What joining did, with where this device's key file was written.
#[derive(Serialize)]
pub struct Joined {
    #[serde(flatten)]
    pub report: JoinReport,
    /// `{code}.key` beside the batch, for the hub's manager to register.
    pub key_file: String,
}

/// What a join form says: the device, its role, the hub's fingerprint and
/// the join code if typed in.
fn join_input(
    device_code: String,
    role: &str,
    fingerprint: &str,
    join_code: &str,
) -> UiResult<JoinInput> {
    let typed = |s: &str| Some(s.trim().to_owned()).filter(|f| !f.is_empty());
    Ok(JoinInput {
        device_code,
        role: DeviceRole::parse(role).map_err(bianmin::Error::from)?,
        fingerprint: typed(fingerprint),
        join_code: typed(join_code),
    })
}

/// Joins a center: a counter PC or an agent laptop takes the center's users,
/// catalogue and calendars from the hub's batch, and writes its own key
/// file beside the batch for the hub.
#[tauri::command]
pub fn setup_join(desk: State<'_, Desk>, form: JoinForm) -> UiResult<Joined> {
    let batch = PathBuf::from(form.batch.trim());
    if !batch.is_absolute() || !batch.is_file() {
        return Err(UiError::new(
            "refused",
            "请选择 U 盘上中心电脑为本机导出的批次文件（.bmb）",
        ));
    }
    let input = join_input(
        form.device_code,
        &form.role,
        &form.fingerprint,
        &form.join_code,
    )?;
    let report = desk.set_up(|db| {
        Ok(setup::on_new_database(db, form.encrypt, |store| {
            join::join(store, now(), &input, &batch, &mut |_| {})
        })?)
    })?;
    let folder = batch.parent().unwrap_or_else(|| std::path::Path::new("."));
    let line = KeyLine::parse(&report.key_line).map_err(bianmin::Error::from)?;
    let key_file = keys::write_line_file(folder, &line)?;
    Ok(Joined {
        report,
        key_file: key_file.display().to_string(),
    })
}

/// The form for joining a center over the LAN.
#[derive(Deserialize)]
pub struct LanJoinForm {
    /// The hub found on the LAN, or its address typed in.
    pub hub_address: String,
    pub device_code: String,
    pub role: String,
    #[serde(default)]
    pub fingerprint: String,
    #[serde(default)]
    pub encrypt: bool,
}

/// A join over the LAN in progress (a manager may take minutes).
#[derive(Default)]
pub struct LanJoin(Mutex<Option<enrol::Asking>>);

/// The hubs that answer on the LAN (a moment's wait, off the window's
/// thread).
#[tauri::command(async)]
pub fn setup_discover() -> Vec<FoundHub> {
    discovery::probe_lan(discovery::WAIT)
}

/// Asks the hub to let this PC join; the window then follows
/// [`setup_join_lan_status`].
#[tauri::command]
pub fn setup_join_lan(
    desk: State<'_, Desk>,
    joining: State<'_, LanJoin>,
    form: LanJoinForm,
) -> UiResult<Progress> {
    let address = form.hub_address.trim().to_owned();
    if address.is_empty() {
        return Err(UiError::new(
            "refused",
            "请选择局域网中找到的中心汇总机，或填写它的地址（如 192.168.1.10）",
        ));
    }
    let input = join_input(form.device_code, &form.role, &form.fingerprint, "")?;
    let mut running = joining.0.lock().unwrap_or_else(|p| p.into_inner());
    // A request still running is withdrawn first.
    *running = None;
    let asking = enrol::Asking::start(desk.db.clone(), form.encrypt, address, input);
    let progress = asking.progress();
    *running = Some(asking);
    Ok(progress)
}

/// Where the join stands; once joined, the window takes the new database
/// and the sync starts following the hub.
#[tauri::command]
pub fn setup_join_lan_status(
    app: AppHandle,
    desk: State<'_, Desk>,
    joining: State<'_, LanJoin>,
) -> UiResult<Progress> {
    let mut running = joining.0.lock().unwrap_or_else(|p| p.into_inner());
    let Some(asking) = running.as_mut() else {
        return Err(UiError::new("refused", "没有进行中的加入申请"));
    };
    let progress = asking.progress();
    if let Some(store) = asking.take_store() {
        desk.set_up(|_| Ok((store, ())))?;
        *running = None;
        drop(running);
        super::sync::start(&app);
    }
    Ok(progress)
}

/// Withdraws the request (the hub is told by the connection closing).
#[tauri::command(async)]
pub fn setup_join_lan_cancel(joining: State<'_, LanJoin>) {
    let asking = joining.0.lock().unwrap_or_else(|p| p.into_inner()).take();
    drop(asking);
}
