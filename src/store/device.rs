//! This device's identity: a UUID, a short device code (A01 for counter 1,
//! V03 for village-agent laptop 3) and the center it belongs to. Written
//! once at `bianmin init`; it is local to the file, not an event.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::StoreError;

/// What kind of machine this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRole {
    /// A counter PC in the center.
    Counter,
    /// A village agent's laptop, offline.
    Agent,
    /// The center PC that collects and relays batches.
    Hub,
}

impl DeviceRole {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceRole::Counter => "counter",
            DeviceRole::Agent => "agent",
            DeviceRole::Hub => "hub",
        }
    }

    /// The role a person chose, by its code (`counter`, `agent`, `hub`).
    pub fn parse(s: &str) -> Result<DeviceRole, StoreError> {
        match s.trim() {
            "counter" => Ok(DeviceRole::Counter),
            "agent" => Ok(DeviceRole::Agent),
            "hub" => Ok(DeviceRole::Hub),
            other => Err(StoreError::UnknownDeviceRole(other.to_owned())),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeviceRole::Counter => "窗口电脑",
            DeviceRole::Agent => "村代办员电脑",
            DeviceRole::Hub => "中心汇总电脑",
        }
    }
}

/// The identity of this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub device_id: String,
    pub device_code: String,
    pub center_code: String,
    pub center_name: String,
    pub role: DeviceRole,
}

/// Checks a device code: one capital letter and two or three digits (A01, V03).
pub fn check_device_code(code: &str) -> Result<(), String> {
    let mut chars = code.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && (3..=4).contains(&code.len())
        && chars.all(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "设备编号“{code}”格式不对：应为一个大写字母加两到三位数字，如 A01（1 号窗口）、V03（3 号村代办电脑）"
        ))
    }
}

/// Checks a center code: 2 to 12 capital letters or digits (e.g. the
/// township's administrative division code).
pub fn check_center_code(code: &str) -> Result<(), String> {
    let ok = (2..=12).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "中心编码“{code}”格式不对：应为 2 到 12 位大写字母或数字，如乡镇区划代码 371402101"
        ))
    }
}

/// Reads this device's identity.
pub fn load(conn: &Connection) -> Result<Device, StoreError> {
    conn.query_row(
        "SELECT device_id, device_code, center_code, center_name, role FROM device WHERE singleton = 1",
        [],
        |r| {
            let text: String = r.get(4)?;
            let role = DeviceRole::parse(&text).map_err(|_| {
                let e = StoreError::Unreadable { what: "设备类型", value: text };
                rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
            })?;
            Ok(Device {
                device_id: r.get(0)?,
                device_code: r.get(1)?,
                center_code: r.get(2)?,
                center_name: r.get(3)?,
                role,
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NotInitialized)
}

/// Writes the identity; refused when the file already has one.
pub(crate) fn insert(
    conn: &Connection,
    device: &Device,
    now: DateTime<FixedOffset>,
) -> Result<(), StoreError> {
    if let Ok(existing) = load(conn) {
        return Err(StoreError::AlreadyInitialized(existing.device_code));
    }
    conn.execute(
        "INSERT INTO device (singleton, device_id, device_code, center_code, center_name, role, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            device.device_id,
            device.device_code,
            device.center_code,
            device.center_name,
            device.role.as_str(),
            now.to_rfc3339_opts(SecondsFormat::Millis, false)
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_codes() {
        assert!(check_device_code("A01").is_ok());
        assert!(check_device_code("V103").is_ok());
        for bad in ["", "a01", "A1", "A0001", "AB1", "A-1", "Ａ01"] {
            assert!(check_device_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn center_codes() {
        assert!(check_center_code("371402101").is_ok());
        assert!(check_center_code("HX").is_ok());
        for bad in ["", "X", "37-14", "abc", "1234567890123"] {
            assert!(check_center_code(bad).is_err(), "{bad}");
        }
    }
}
