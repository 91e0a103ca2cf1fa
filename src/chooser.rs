//! What the window's own file chooser shows: where to start (the USB sticks
//! plugged in, the user's home folder), and one folder's subfolders and the
//! files of the kind asked for. It replaces the system's file dialog, which
//! follows the PC's language rather than the window's and, on a 768-pixel
//! screen, opened taller than the screen; the window's chooser is Chinese,
//! fits the window and is worked by keyboard like every other screen.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::store::StoreError;
use crate::usb;

/// A place to start from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub label: String,
    pub path: String,
}

/// One line of a folder's listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub name: String,
    pub path: String,
    pub folder: bool,
    /// Bytes, for a file.
    pub size: Option<u64>,
    /// Last changed, local time `YYYY-MM-DD HH:MM`.
    pub modified: Option<String>,
}

/// A folder as the chooser shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub path: String,
    /// The folder above, unless this is the top.
    pub parent: Option<String>,
    /// Subfolders first, then the files asked for, each by name.
    pub entries: Vec<Entry>,
}

/// The USB sticks first (what a township PC reads most), then the home
/// folder and the whole disk.
pub fn places() -> Vec<Place> {
    let mut out: Vec<Place> = usb::sticks()
        .into_iter()
        .map(|s| Place {
            label: format!("U 盘：{}", s.label),
            path: s.path,
        })
        .collect();
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        out.push(Place {
            label: "主文件夹".into(),
            path: PathBuf::from(home).display().to_string(),
        });
    }
    out.push(Place {
        label: "本机磁盘".into(),
        path: "/".into(),
    });
    out
}

/// Lists `dir`: its subfolders, and its files whose name ends in one of
/// `extensions` (without the dot, any case; none asked: folders only).
/// Hidden entries (a leading dot) are left out, as the system's dialog does.
pub fn list(dir: &Path, extensions: &[&str]) -> Result<Listing, StoreError> {
    let fail = |e: std::io::Error| StoreError::File {
        path: dir.display().to_string(),
        reason: match e.kind() {
            std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
            _ => crate::files::reason(&e),
        },
    };
    let meta = std::fs::metadata(dir).map_err(fail)?;
    if !meta.is_dir() {
        return Err(StoreError::File {
            path: dir.display().to_string(),
            reason: "不是文件夹".into(),
        });
    }
    let mut entries = Vec::new();
    for item in std::fs::read_dir(dir).map_err(fail)? {
        let Ok(item) = item else { continue };
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = item.path();
        // Follows links: a link to a folder is a folder. A broken one is skipped.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let folder = meta.is_dir();
        if !folder && !wanted(&name, extensions) {
            continue;
        }
        entries.push(Entry {
            name,
            path: path.display().to_string(),
            folder,
            size: (!folder).then_some(meta.len()),
            modified: meta.modified().ok().map(|t| {
                chrono::DateTime::<chrono::Local>::from(t)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            }),
        });
    }
    entries.sort_by(|a, b| b.folder.cmp(&a.folder).then_with(|| a.name.cmp(&b.name)));
    Ok(Listing {
        path: dir.display().to_string(),
        parent: dir.parent().map(|p| p.display().to_string()),
        entries,
    })
}

fn wanted(name: &str, extensions: &[&str]) -> bool {
    let lower = name.to_lowercase();
    extensions
        .iter()
        .any(|ext| lower.ends_with(&format!(".{}", ext.to_lowercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_first_then_the_files_asked_for_and_hidden_ones_are_left_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("备份")).expect("dir");
        std::fs::create_dir(root.join(".cache")).expect("dir");
        std::fs::write(root.join("2027年节假日.TOML"), "year = 2027").expect("file");
        std::fs::write(root.join("catalogue.toml"), "").expect("file");
        std::fs::write(root.join("readme.txt"), "").expect("file");
        std::fs::write(root.join(".hidden.toml"), "").expect("file");
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("gone"), root.join("broken.toml")).expect("link");

        let l = list(root, &["toml"]).expect("list");
        let names: Vec<&str> = l.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["备份", "2027年节假日.TOML", "catalogue.toml"]);
        assert!(l.entries[0].folder && l.entries[0].size.is_none());
        assert_eq!(l.entries[1].size, Some(11));
        assert_eq!(
            l.parent.as_deref(),
            root.parent().map(|p| p.to_str().unwrap_or_default())
        );

        // A folder chooser lists folders only.
        let folders = list(root, &[]).expect("list");
        assert_eq!(folders.entries.len(), 1);
        assert_eq!(list(Path::new("/"), &[]).expect("root").parent, None);
    }

    #[test]
    fn a_missing_folder_or_a_file_is_refused_in_chinese() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = list(&dir.path().join("没有"), &[]).expect_err("missing");
        assert!(e.to_string().contains("不存在"), "{e}");
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "").expect("file");
        let e = list(&file, &[]).expect_err("a file");
        assert!(e.to_string().contains("不是文件夹"), "{e}");
    }

    #[test]
    fn the_disk_is_always_a_place_to_start() {
        assert!(places()
            .iter()
            .any(|p| p.path == "/" && p.label == "本机磁盘"));
    }
}
