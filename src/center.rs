//! The center's contact details printed on every document — address, phone,
//! complaint phone — and how many working days a one-time notice gives the
//! applicant to supply missing materials. Set by a manager as a
//! `center.profile_set` event.

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
    pub address: String,
    pub phone: String,
    pub complaint_phone: String,
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
            address: String::new(),
            phone: String::new(),
            complaint_phone: "12345".into(),
            supply_days: DEFAULT_SUPPLY_DAYS,
            warning_days: DEFAULT_WARNING_DAYS,
            lockout_attempts: default_lockout_attempts(),
            lockout_minutes: default_lockout_minutes(),
            idle_minutes: default_idle_minutes(),
        }
    }
}

impl CenterProfile {
    fn checked(self) -> Result<CenterProfile, ApplicantError> {
        if !(1..=30).contains(&self.supply_days) {
            return Err(ApplicantError::OutOfRange {
                field: "补正期限（工作日）",
                min: 1,
                max: 30,
                value: i64::from(self.supply_days),
            });
        }
        if self.warning_days > 10 {
            return Err(ApplicantError::OutOfRange {
                field: "黄灯预警天数（工作日）",
                min: 0,
                max: 10,
                value: i64::from(self.warning_days),
            });
        }
        if !(3..=10).contains(&self.lockout_attempts) || !(1..=1440).contains(&self.lockout_minutes)
        {
            return Err(ApplicantError::OutOfRange {
                field: "登录锁定设置（失败次数 3–10，锁定分钟 1–1440）",
                min: 1,
                max: 1440,
                value: i64::from(self.lockout_minutes),
            });
        }
        if !(1..=240).contains(&self.idle_minutes) {
            return Err(ApplicantError::OutOfRange {
                field: "无操作自动锁屏（分钟）",
                min: 1,
                max: 240,
                value: i64::from(self.idle_minutes),
            });
        }
        Ok(CenterProfile {
            address: applicant::text_field(self.address.trim(), "中心地址", 200, true)?,
            phone: applicant::text_field(self.phone.trim(), "咨询电话", 50, true)?,
            complaint_phone: applicant::text_field(
                self.complaint_phone.trim(),
                "投诉电话",
                50,
                true,
            )?,
            supply_days: self.supply_days,
            warning_days: self.warning_days,
            lockout_attempts: self.lockout_attempts,
            lockout_minutes: self.lockout_minutes,
            idle_minutes: self.idle_minutes,
        })
    }
}

/// The profile, or the defaults when none was set.
pub fn load(conn: &Connection) -> Result<CenterProfile, StoreError> {
    Ok(conn
        .prepare_cached("SELECT address, phone, complaint_phone, supply_days, warning_days, lockout_attempts, lockout_minutes, idle_minutes
             FROM center_profile WHERE singleton = 1")?
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
            lockout_attempts, lockout_minutes, idle_minutes, updated_at, updated_by)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?10, ?8, ?9)
         ON CONFLICT (singleton) DO UPDATE SET address = excluded.address, phone = excluded.phone,
            complaint_phone = excluded.complaint_phone, supply_days = excluded.supply_days,
            warning_days = excluded.warning_days, lockout_attempts = excluded.lockout_attempts,
            lockout_minutes = excluded.lockout_minutes, idle_minutes = excluded.idle_minutes,
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
            p.idle_minutes
        ],
    )?;
    Ok(())
}
