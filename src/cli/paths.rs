//! Where the database lives: `--db`, else `BIANMIN_DB`, else the platform
//! data directory (`$XDG_DATA_HOME/bianmin` or `~/.local/share/bianmin` on
//! Linux, `%APPDATA%\bianmin` on Windows).

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
