//! Writing files so that a power cut or a pulled USB stick never leaves a
//! half-written file under its final name: write a temporary file in the
//! same folder, flush it to disk, then rename it into place.

use std::io::Write;
use std::path::Path;

use crate::store::StoreError;

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_atomic_with(path, |mut f| {
        f.write_all(bytes).map_err(|e| StoreError::file(path, e))?;
        Ok(f)
    })
}

/// Writes `path` atomically with `write`, which streams into the
/// temporary file and hands it back; when it fails, nothing is left.
pub fn write_atomic_with<E: From<StoreError>>(
    path: &Path,
    write: impl FnOnce(std::fs::File) -> Result<std::fs::File, E>,
) -> Result<(), E> {
    let fail = |e: std::io::Error| StoreError::file(path, e);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
    let result = (|| {
        let f = std::fs::File::create(&tmp).map_err(fail)?;
        let f = write(f)?;
        f.sync_all().map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Reads a text file a person chose (a schedule, a catalogue): a file that
/// is missing or not UTF-8 text is refused in their words.
pub fn read_text(path: &Path) -> Result<String, StoreError> {
    let bytes = std::fs::read(path).map_err(|e| StoreError::file(path, e))?;
    String::from_utf8(bytes).map_err(|_| StoreError::File {
        path: path.display().to_string(),
        reason: "不是 UTF-8 编码的文本文件".into(),
    })
}

/// Why a file could not be read or written, in the clerk's words for the
/// common cases (a full or read-only USB stick, a missing folder), the
/// system's own message otherwise.
pub fn reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let said = match e.kind() {
        ErrorKind::StorageFull => "磁盘或 U 盘空间不足",
        ErrorKind::ReadOnlyFilesystem => "磁盘或 U 盘是只读的",
        ErrorKind::PermissionDenied => "没有写入权限",
        ErrorKind::NotFound => "文件或文件夹不存在",
        ErrorKind::NotADirectory => "路径中有一项不是文件夹",
        ErrorKind::AlreadyExists => "文件已存在",
        _ => return e.to_string(),
    };
    match e.raw_os_error() {
        Some(code) => format!("{said}（系统错误 {code}）"),
        None => said.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_bytes_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.pdf");
        write_atomic(&p, b"%PDF-1.7").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"%PDF-1.7");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_full_or_read_only_disk_is_said_in_chinese() {
        let full = std::io::Error::from_raw_os_error(28);
        assert_eq!(reason(&full), "磁盘或 U 盘空间不足（系统错误 28）");
        let ro = std::io::Error::from_raw_os_error(30);
        assert!(reason(&ro).starts_with("磁盘或 U 盘是只读的"));
        let other = std::io::Error::other("odd");
        assert_eq!(reason(&other), "odd");
    }

    #[test]
    fn a_missing_folder_is_a_clear_error_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(&dir.path().join("no/such/a.pdf"), b"x").unwrap_err();
        assert!(err.to_string().contains("无法读写文件"), "{err}");
    }
}

/// The 1-based line of a byte offset in a file's text, for messages that
/// name the line. Counts bytes, so an offset inside a multi-byte character
/// (a parser may report one) cannot panic.
pub fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod line_tests {
    use super::line_at;

    #[test]
    fn lines_of_offsets_even_inside_a_character() {
        let text = "a\n事项\n\u{ffd84}x";
        assert_eq!(line_at(text, 0), 1);
        assert_eq!(line_at(text, 2), 2);
        // Inside 事 (bytes 2..5) and inside U+FFD84 (bytes 9..13).
        assert_eq!(line_at(text, 3), 2);
        assert_eq!(line_at(text, 10), 3);
        assert_eq!(line_at(text, 999), 3);
    }
}
