//! The window's commands, one file per screen. Each command parses what the
//! window sent, calls one core function and returns its result or its
//! error as a [`UiError`](crate::error::UiError); no SQL and no rules here.

pub mod backup;
pub mod calendar;
pub mod cases;
pub mod catalogue;
pub mod center;
pub mod chooser;
pub mod documents;
pub mod exchange;
pub mod intake;
pub mod printing;
pub mod quality;
pub mod reports;
pub mod scans;
pub mod service;
pub mod session;
pub mod setup;
pub mod stand_in;
pub mod sync;
pub mod users;

use chrono::{DateTime, FixedOffset};

/// The moment of an action, in the center's local time.
pub fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// The chosen folder, which must exist (a mounted USB stick).
pub fn export_folder(typed: &str) -> crate::error::UiResult<std::path::PathBuf> {
    let folder = std::path::PathBuf::from(typed.trim());
    if typed.trim().is_empty() || !folder.is_dir() {
        return Err(crate::error::UiError::new(
            "refused",
            format!("找不到文件夹“{}”，请选择 U 盘或导出文件夹", typed.trim()),
        ));
    }
    Ok(folder)
}
