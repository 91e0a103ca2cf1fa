//! Where files live: the database (`--db`, else `BIANMIN_DB`, else the
//! platform data directory: `$XDG_DATA_HOME/bianmin` or
//! `~/.local/share/bianmin` on Linux, `%APPDATA%\bianmin` on Windows), and
//! the printed documents beside it. The CLI and the window both ask here.

use std::path::PathBuf;

/// The database file to use.
pub fn database(flag: Option<PathBuf>) -> PathBuf {
    if let Some(p) = flag {
        return p;
    }
    if let Some(p) = std::env::var_os("BIANMIN_DB").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    data_dir().join("bianmin.db")
}

fn data_dir() -> PathBuf {
    let from = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        if let Some(appdata) = from("APPDATA") {
            return appdata.join("bianmin");
        }
    }
    if let Some(xdg) = from("XDG_DATA_HOME") {
        return xdg.join("bianmin");
    }
    if let Some(home) = from("HOME") {
        return home.join(".local").join("share").join("bianmin");
    }
    PathBuf::from(".")
}

/// The folder the window writes printed documents to: `documents/` beside
/// the database, one sub-folder per day.
pub fn documents_dir(database: &std::path::Path, day: chrono::NaiveDate) -> PathBuf {
    let base = database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("documents")
        .join(day.format("%Y-%m-%d").to_string())
}
