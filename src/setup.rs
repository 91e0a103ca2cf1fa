//! First-run set-up (`bianmin init`, the window's set-up screen): this
//! device's identity, the first admin user, and the shipped catalogue and
//! holiday calendars, its signing key (src/exchange/keys.rs), and the center's address and phones if given — all in one transaction, so a failed set-up leaves an
//! empty file that can be set up again.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::auth::users::{self, NewUser, UserInfo};
use crate::auth::Role;
use crate::calendar::schedule::{self, YearSchedule};
use crate::catalogue::{file, versions};
use crate::center::{self, CenterProfile};
use crate::exchange::devices;
use crate::exchange::keys::{self, KeyLine};
use crate::store::device::{self, Device, DeviceRole};
use crate::store::{Store, StoreError};

/// What the person setting up the device enters.
#[derive(Debug, Clone)]
pub struct SetupInput {
    pub center_code: String,
    pub center_name: String,
    pub device_code: String,
    pub role: DeviceRole,
    /// The first admin; its role is forced to admin.
    pub admin: NewUser,
    /// Address and phones printed on documents; `None` leaves them unset
    /// until a manager sets them.
    pub profile: Option<CenterProfile>,
}

/// What set-up created.
#[derive(Debug, Clone, Serialize)]
pub struct SetupReport {
    pub device: Device,
    pub admin: UserInfo,
    pub matters: usize,
    pub calendar_years: Vec<i32>,
}

/// Sets up a new device database.
pub fn init(
    store: &mut Store,
    now: DateTime<FixedOffset>,
    input: SetupInput,
) -> crate::Result<SetupReport> {
    let center_code = input.center_code.trim().to_owned();
    let device_code = input.device_code.trim().to_owned();
    device::check_center_code(&center_code).map_err(invalid)?;
    device::check_device_code(&device_code).map_err(invalid)?;
    let center_name = input.center_name.trim().to_owned();
    if center_name.is_empty() {
        return Err(invalid("服务中心名称不能为空".into()));
    }
    let dev = Device {
        device_id: uuid::Uuid::now_v7().to_string(),
        device_code,
        center_code,
        center_name,
        role: input.role,
    };
    let admin_input = NewUser {
        role: Role::Admin,
        ..input.admin
    };
    let catalogue = file::parse(file::DEFAULT)?;
    let calendars = schedule::SHIPPED
        .iter()
        .map(|text| YearSchedule::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    store.write(|tx| {
        device::insert(tx, &dev, now)?;
        let admin = users::add_first_admin(tx, now, &admin_input)?;
        // The first device of a center trusts itself, so that devices
        // joining from its batch know its key (src/exchange/join.rs).
        let public_key = keys::create(tx, now)?;
        devices::append_trusted(tx, &admin.user_id, now, &KeyLine::of(&dev, public_key))?;
        for cal in &calendars {
            schedule::append_loaded(tx, &admin.user_id, now, cal)?;
        }
        versions::import_in(tx, &admin.user_id, now, &catalogue)?;
        if let Some(mut profile) = input.profile.clone() {
            // Papers print the name the center was set up with until a
            // manager changes it.
            if profile.name.trim().is_empty() {
                profile.name = dev.center_name.clone();
            }
            center::set_in(tx, &admin.user_id, now, profile)?;
        }
        Ok(SetupReport {
            device: dev.clone(),
            admin,
            matters: catalogue.matters.len(),
            calendar_years: calendars.iter().map(|c| c.year).collect(),
        })
    })
}

/// The center's address and phones as the set-up screen asks for them:
/// `None` when all are left blank (filled in later on 设置); otherwise a
/// profile with the defaults for the rest (投诉电话 12345 when blank), which
/// set-up checks like any profile (a blank address or 咨询电话 refused).
pub fn profile_from(address: &str, phone: &str, complaint_phone: &str) -> Option<CenterProfile> {
    if [address, phone, complaint_phone]
        .iter()
        .all(|s| s.trim().is_empty())
    {
        return None;
    }
    let mut p = CenterProfile {
        address: address.trim().to_owned(),
        phone: phone.trim().to_owned(),
        ..CenterProfile::default()
    };
    if !complaint_phone.trim().is_empty() {
        p.complaint_phone = complaint_phone.trim().to_owned();
    }
    Some(p)
}

fn invalid(reason: String) -> crate::Error {
    StoreError::BadDeviceInfo(reason).into()
}

/// Runs a set-up `f` (`init` or joining a center) on the new database at
/// `path`, encrypted under a fresh key when `encrypt` is asked (agent
/// laptops: see `store::encryption`). An encrypted database is kept only
/// with its key file written beside it — without that file nobody could
/// ever open it — so when set-up or the key file fails, the new file is
/// removed again and set-up can simply be repeated. Returns the open store
/// with what `f` returned.
///
/// A plain file that holds nothing yet (no device, no event: what opening a
/// new path leaves, as the window does before its set-up screen) is
/// replaced by the encrypted one; any other existing database is refused,
/// never encrypted in place.
pub fn on_new_database<T>(
    path: &std::path::Path,
    encrypt: bool,
    f: impl FnOnce(&mut Store) -> crate::Result<T>,
) -> crate::Result<(Store, T)> {
    use crate::store::encryption;
    if !encrypt {
        let mut store = Store::open(path)?;
        let value = f(&mut store)?;
        return Ok((store, value));
    }
    if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) && !encryption::is_encrypted(path) {
        let empty = {
            let store = Store::open(path)?;
            let events: i64 = store
                .conn()
                .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
                .map_err(StoreError::from)?;
            device::load(store.conn()).is_err() && events == 0
        };
        if !empty {
            return Err(StoreError::EncryptExisting(path.display().to_string()).into());
        }
        for p in crate::store::files_of(path) {
            if p.exists() {
                std::fs::remove_file(&p).map_err(|e| StoreError::file(&p, e))?;
            }
        }
    }
    let existed = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
    let key = crate::store::DbKey::generate();
    let mut store = Store::create_encrypted(path, &key)?;
    let result = f(&mut store).and_then(|value| {
        crate::auth::key_file::follow(&mut store, path)?;
        // No key file means no device was set up: nobody could open it.
        if !encryption::key_file_path(path).exists() {
            return Err(StoreError::NotInitialized.into());
        }
        Ok(value)
    });
    let Err(e) = result else {
        return result.map(|value| (store, value));
    };
    if !existed {
        drop(store);
        for p in crate::store::files_of(path) {
            let _ = std::fs::remove_file(p);
        }
    }
    Err(e)
}
