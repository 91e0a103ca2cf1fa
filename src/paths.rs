//! Where files live: the database (`--db`, else `BIANMIN_DB`, else the
//! platform data directory: `$XDG_DATA_HOME/bianmin` or
//! `~/.local/share/bianmin` on Linux, `%APPDATA%\bianmin` on Windows), and
//! the printed documents: beside it, or — for an encrypted database, whose
//! PDFs must not outlive the session on a laptop that may be lost — in a
//! private folder in memory. The CLI and the window both ask here.

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

/// The folder the window writes printed documents to, one sub-folder per
/// day under [`documents_root`].
pub fn documents_dir(
    database: &std::path::Path,
    encrypted: bool,
    day: chrono::NaiveDate,
) -> PathBuf {
    documents_root(database, encrypted).join(day.format("%Y-%m-%d").to_string())
}

/// Where printed documents go: `documents/` beside a plain database. For an
/// encrypted one (an agent's laptop) the PDFs, which carry applicants'
/// names and addresses in clear, go to a folder in memory instead — the
/// session's runtime folder (`$XDG_RUNTIME_DIR`, a tmpfs emptied at power
/// off), else `/dev/shm` — and the window removes it at logout. A reprint
/// (补打) renders from the database again, so nothing is lost.
pub fn documents_root(database: &std::path::Path, encrypted: bool) -> PathBuf {
    if encrypted {
        let name = database
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return memory_dir().join(format!("bianmin-documents-{name}"));
    }
    database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
        .join("documents")
}

/// A folder held in memory, not on disk, where the platform has one.
fn memory_dir() -> PathBuf {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_dir());
    runtime
        .or_else(|| Some(PathBuf::from("/dev/shm")).filter(|p| p.is_dir()))
        .unwrap_or_else(std::env::temp_dir)
}

/// Creates a documents folder readable by this user only.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encrypted_databases_documents_stay_off_its_disk() {
        let db = std::path::Path::new("/srv/bianmin/v03.db");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            documents_dir(db, false, day),
            PathBuf::from("/srv/bianmin/documents/2026-12-01")
        );
        let secret = documents_dir(db, true, day);
        assert!(!secret.starts_with("/srv/bianmin"), "{}", secret.display());
        assert!(secret.ends_with("bianmin-documents-v03/2026-12-01"));
    }
}
