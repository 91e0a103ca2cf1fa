//! 初始设置: whether this device is set up, and setting it up on first start.

use bianmin::auth::users::NewUser;
use bianmin::auth::Role;
use bianmin::setup::{self, SetupInput, SetupReport};
use bianmin::store::device::{self, Device, DeviceRole};
use serde::{Deserialize, Serialize};
use tauri::State;

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
}

#[tauri::command]
pub fn setup_device(desk: State<'_, Desk>, form: SetupForm) -> UiResult<SetupReport> {
    let role = DeviceRole::parse(form.role.trim()).ok_or_else(|| {
        UiError::new(
            "refused",
            "请选择设备类型：窗口电脑、代办笔记本或中心汇总机",
        )
    })?;
    desk.store(|store| {
        Ok(setup::init(
            store,
            now(),
            SetupInput {
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
                profile: None,
            },
        )?)
    })
}
