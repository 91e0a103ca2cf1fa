//! The center's profile: what every paper prints about it — its name,
//! address, phone, complaint phone and office hours — and the center's
//! limits: the working days a one-time notice gives to supply materials,
//! the yellow-light days, the login lockout, the idle lock, the 差评整改
//! days and the follow-up share. Set by a manager as a `center.profile_set`
//! event; [`SETTINGS`] holds every label and limit.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::applicant::{self, ApplicantError};
use crate::auth::{Action, Session};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// The default number of working days to supply missing materials.
pub const DEFAULT_SUPPLY_DAYS: u32 = 5;

/// What documents print about the center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CenterProfile {
    /// The center's name as every paper prints it; set-up starts it as the
    /// name the device was set up with (the device identity keeps that one).
    #[serde(default)]
    pub name: String,
    pub address: String,
    pub phone: String,
    pub complaint_phone: String,
    /// 办公时间, printed on the 办事指南 under 办理时间.
    #[serde(default = "default_office_hours")]
    pub office_hours: String,
    /// Working days a one-time notice allows for supplying materials (1–30).
    pub supply_days: u32,
    /// An open case turns yellow (黄灯) when this many working days or fewer
    /// are left before its due date (0–10, default 2).
    #[serde(default = "default_warning_days")]
    pub warning_days: u32,
    /// Failed passwords in a row that lock an account (3–10, default 5).
    #[serde(default = "default_lockout_attempts")]
    pub lockout_attempts: u32,
    /// Minutes an account stays locked (1–1440, default 15).
    #[serde(default = "default_lockout_minutes")]
    pub lockout_minutes: u32,
    /// Minutes without input after which the window locks (1–240, default 10).
    #[serde(default = "default_idle_minutes")]
    pub idle_minutes: u32,
    /// Working days a 差评 rectification is due in (provinces set 1, 5, 7
    /// or 15; 1–15, default 5).
    #[serde(default = "default_rectify_days")]
    pub rectify_days: u32,
    /// The share of completed cases drawn for follow-up calls, in percent
    /// (1–100, default 10).
    #[serde(default = "default_sample_percent")]
    pub sample_percent: u32,
    /// 容缺受理: whether a clerk may accept an application whose only
    /// missing materials are 可容缺, to be supplied later (default off: the
    /// center adopts the practice by a decision of its own).
    #[serde(default)]
    pub tolerance_allowed: bool,
    /// The largest scanned file a case may keep, in MB (1–50, default 10).
    #[serde(default = "default_scan_max_mb")]
    pub scan_max_mb: u32,
}

fn default_scan_max_mb() -> u32 {
    crate::scans::DEFAULT_MAX_MB
}

/// The office hours a center starts with.
pub const DEFAULT_OFFICE_HOURS: &str = "工作日上午 8:30—12:00，下午 13:30—17:30（法定节假日除外）";

fn default_office_hours() -> String {
    DEFAULT_OFFICE_HOURS.to_owned()
}

fn default_rectify_days() -> u32 {
    5
}

fn default_sample_percent() -> u32 {
    10
}

fn default_idle_minutes() -> u32 {
    10
}

fn default_lockout_attempts() -> u32 {
    5
}

fn default_lockout_minutes() -> u32 {
    15
}

fn default_warning_days() -> u32 {
    DEFAULT_WARNING_DAYS
}

/// The default yellow-light window, in working days.
pub const DEFAULT_WARNING_DAYS: u32 = 2;

impl Default for CenterProfile {
    fn default() -> Self {
        CenterProfile {
            name: String::new(),
            address: String::new(),
            phone: String::new(),
            complaint_phone: "12345".into(),
            office_hours: default_office_hours(),
            supply_days: DEFAULT_SUPPLY_DAYS,
            warning_days: DEFAULT_WARNING_DAYS,
            lockout_attempts: default_lockout_attempts(),
            lockout_minutes: default_lockout_minutes(),
            idle_minutes: default_idle_minutes(),
            rectify_days: default_rectify_days(),
            sample_percent: default_sample_percent(),
            tolerance_allowed: false,
            scan_max_mb: default_scan_max_mb(),
        }
    }
}

/// One setting of the profile as the 中心设置 form shows it: its key (the
/// field of [`CenterProfile`]), the label its refusals name, and its limits
/// (characters for a text, the range for a number); a switch is yes or no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub key: &'static str,
    pub label: &'static str,
    pub number: bool,
    pub switch: bool,
    pub min: u32,
    pub max: u32,
}

const fn text(key: &'static str, label: &'static str, max: u32) -> Setting {
    Setting {
        key,
        label,
        number: false,
        switch: false,
        min: 1,
        max,
    }
}

const fn switch(key: &'static str, label: &'static str) -> Setting {
    Setting {
        key,
        label,
        number: false,
        switch: true,
        min: 0,
        max: 1,
    }
}

const fn number(key: &'static str, label: &'static str, min: u32, max: u32) -> Setting {
    Setting {
        key,
        label,
        number: true,
        switch: false,
        min,
        max,
    }
}

/// Every setting, in the form's order: the one place their labels and
/// limits live.
pub const SETTINGS: [Setting; 14] = [
    text("name", "中心名称（印在文书上）", 60),
    text("address", "中心地址", 200),
    text("phone", "咨询电话", 50),
    text("complaint_phone", "投诉电话", 50),
    text("office_hours", "办公时间", 100),
    number("supply_days", "补正期限（工作日）", 1, 30),
    number("warning_days", "黄灯预警天数（工作日）", 0, 10),
    number("lockout_attempts", "连续输错几次密码锁定账号", 3, 10),
    number("lockout_minutes", "账号锁定分钟数", 1, 1440),
    number("idle_minutes", "无操作自动锁屏（分钟）", 1, 240),
    number("rectify_days", "差评整改期限（工作日）", 1, 15),
    number("sample_percent", "回访抽样比例（%）", 1, 100),
    number(
        "scan_max_mb",
        "扫描件单个文件上限（MB）",
        1,
        crate::scans::LARGEST_MAX_MB,
    ),
    switch(
        "tolerance_allowed",
        "允许容缺受理（次要材料暂缺时先受理、限期补齐）",
    ),
];

fn setting(key: &str) -> Setting {
    SETTINGS
        .into_iter()
        .find(|s| s.key == key)
        .unwrap_or(text("", "设置", 0))
}

fn in_range(key: &str, value: u32) -> Result<u32, ApplicantError> {
    let s = setting(key);
    if (s.min..=s.max).contains(&value) {
        Ok(value)
    } else {
        Err(ApplicantError::OutOfRange {
            field: s.label,
            min: i64::from(s.min),
            max: i64::from(s.max),
            value: i64::from(value),
        })
    }
}

fn text_in(key: &str, value: &str) -> Result<String, ApplicantError> {
    let s = setting(key);
    applicant::text_field(value.trim(), s.label, s.max as usize, true)
}

impl CenterProfile {
    fn checked(self) -> Result<CenterProfile, ApplicantError> {
        Ok(CenterProfile {
            name: text_in("name", &self.name)?,
            address: text_in("address", &self.address)?,
            phone: text_in("phone", &self.phone)?,
            complaint_phone: text_in("complaint_phone", &self.complaint_phone)?,
            office_hours: text_in("office_hours", &self.office_hours)?,
            supply_days: in_range("supply_days", self.supply_days)?,
            warning_days: in_range("warning_days", self.warning_days)?,
            lockout_attempts: in_range("lockout_attempts", self.lockout_attempts)?,
            lockout_minutes: in_range("lockout_minutes", self.lockout_minutes)?,
            idle_minutes: in_range("idle_minutes", self.idle_minutes)?,
            rectify_days: in_range("rectify_days", self.rectify_days)?,
            sample_percent: in_range("sample_percent", self.sample_percent)?,
            tolerance_allowed: self.tolerance_allowed,
            scan_max_mb: in_range("scan_max_mb", self.scan_max_mb)?,
        })
    }
}

/// The profile, or the defaults when none was set; a profile set before
/// the name was a setting has the name the device was set up with.
pub fn load(conn: &Connection) -> Result<CenterProfile, StoreError> {
    let mut profile = stored(conn)?;
    if profile.name.trim().is_empty() {
        if let Ok(dev) = crate::store::device::load(conn) {
            profile.name = dev.center_name;
        }
    }
    Ok(profile)
}

/// What every notice prints about the center that is still blank (their
/// labels, e.g. 中心地址, 咨询电话): the papers print "—" for them until a
/// manager fills them in, so 工作台 names them to a manager.
pub fn missing(conn: &Connection) -> Result<Vec<&'static str>, StoreError> {
    let p = stored(conn)?;
    Ok([
        ("address", &p.address),
        ("phone", &p.phone),
        ("complaint_phone", &p.complaint_phone),
    ]
    .into_iter()
    .filter(|(_, v)| v.trim().is_empty())
    .map(|(key, _)| setting(key).label)
    .collect())
}

/// What a manager sees on 工作台 while [`missing`] names anything.
pub fn missing_notice(conn: &Connection) -> Result<Option<String>, StoreError> {
    let blank = missing(conn)?;
    Ok((!blank.is_empty()).then(|| {
        format!(
            "文书上还缺少：{}。受理通知书、一次性告知单等将印“—”，请在“设置”中填写。",
            blank.join("、")
        )
    }))
}

/// The center's name as papers and reports print it (a device not set up
/// has none: refused).
pub fn name(conn: &Connection) -> Result<String, StoreError> {
    let profile = stored(conn)?;
    if !profile.name.trim().is_empty() {
        return Ok(profile.name);
    }
    Ok(crate::store::device::load(conn)?.center_name)
}

fn stored(conn: &Connection) -> Result<CenterProfile, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT address, phone, complaint_phone, supply_days, warning_days, lockout_attempts,
                    lockout_minutes, idle_minutes, rectify_days, sample_percent, office_hours, name,
                    tolerance_allowed, scan_max_mb
             FROM center_profile WHERE singleton = 1",
        )?
        .query_row([], |r| {
            Ok(CenterProfile {
                address: r.get(0)?,
                phone: r.get(1)?,
                complaint_phone: r.get(2)?,
                supply_days: r.get(3)?,
                warning_days: r.get(4)?,
                lockout_attempts: r.get(5)?,
                lockout_minutes: r.get(6)?,
                idle_minutes: r.get(7)?,
                rectify_days: r.get(8)?,
                sample_percent: r.get(9)?,
                office_hours: r.get(10)?,
                name: r.get(11)?,
                tolerance_allowed: r.get(12)?,
                scan_max_mb: r.get(13)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Sets the profile inside a transaction (also used by first-run set-up).
pub(crate) fn set_in(
    tx: &Transaction<'_>,
    user_id: &str,
    now: DateTime<FixedOffset>,
    profile: CenterProfile,
) -> crate::Result<CenterProfile> {
    let profile = profile.checked()?;
    let draft = Draft::new(user_id, None, CENTER_PROFILE_SET, &profile)?;
    events::append_here(tx, now, draft)?;
    Ok(profile)
}

/// Sets the profile; only a manager may.
pub fn set(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    profile: CenterProfile,
) -> crate::Result<CenterProfile> {
    session.authorize(store.conn(), Action::EditCenter)?;
    store.write(|tx| set_in(tx, &session.user_id, now, profile))
}

/// The center's profile set (payload [`CenterProfile`]).
pub const CENTER_PROFILE_SET: &str = "center.profile_set";

/// center's tables follow its events.
pub const PROJECTOR: Projector = Projector {
    area: "center",
    kinds: &[CENTER_PROFILE_SET],
    tables: &["center_profile"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: CenterProfile) -> crate::Result<()> {
    tx.execute(
        "INSERT INTO center_profile (singleton, address, phone, complaint_phone, supply_days, warning_days,
            lockout_attempts, lockout_minutes, idle_minutes, updated_at, updated_by, rectify_days,
            sample_percent, office_hours, name, tolerance_allowed, scan_max_mb)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?10, ?8, ?9, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (singleton) DO UPDATE SET address = excluded.address, phone = excluded.phone,
            complaint_phone = excluded.complaint_phone, supply_days = excluded.supply_days,
            warning_days = excluded.warning_days, lockout_attempts = excluded.lockout_attempts,
            lockout_minutes = excluded.lockout_minutes, idle_minutes = excluded.idle_minutes,
            rectify_days = excluded.rectify_days, sample_percent = excluded.sample_percent,
            office_hours = excluded.office_hours, name = excluded.name,
            tolerance_allowed = excluded.tolerance_allowed, scan_max_mb = excluded.scan_max_mb,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![
            p.address,
            p.phone,
            p.complaint_phone,
            p.supply_days,
            p.warning_days,
            p.lockout_attempts,
            p.lockout_minutes,
            event.ts,
            event.user_id,
            p.idle_minutes,
            p.rectify_days,
            p.sample_percent,
            p.office_hours,
            p.name,
            p.tolerance_allowed,
            p.scan_max_mb
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_table_names_every_field_of_the_profile_once() {
        let json = serde_json::to_value(CenterProfile::default()).expect("json");
        let mut fields: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys);
    }

    #[test]
    fn each_number_is_refused_by_its_own_label() {
        let p = CenterProfile {
            name: "姚家街道便民服务中心".into(),
            address: "姚家街道1号".into(),
            phone: "0531-1".into(),
            lockout_minutes: 0,
            ..CenterProfile::default()
        };
        let err = p.clone().checked().expect_err("0 minutes");
        assert!(err.to_string().contains("账号锁定分钟数"), "{err}");
        let err = CenterProfile {
            lockout_attempts: 2,
            ..p.clone()
        }
        .checked()
        .expect_err("2 attempts");
        assert!(
            err.to_string().contains("连续输错几次密码锁定账号"),
            "{err}"
        );
        let err = CenterProfile {
            phone: " ".into(),
            lockout_minutes: 15,
            ..p
        }
        .checked()
        .expect_err("no phone");
        assert!(err.to_string().contains("咨询电话"), "{err}");
    }
}
