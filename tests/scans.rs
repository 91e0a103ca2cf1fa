//! Scanned materials (扫描件) through the core: a file attached to a case's
//! material line is checked by content and size, kept once by its SHA-256
//! with a thumbnail of an image, listed and extracted unchanged; a bad file
//! changes nothing; on an encrypted laptop the content is never on its disk
//! in clear; a rebuild keeps the lines.

mod common;

use bianmin::intake;
use bianmin::scans::{self, Kind, ScanError};
use bianmin::store::device::DeviceRole;
use bianmin::store::{DbKey, Store};
use bianmin::Error;
use common::*;
use sha2::Digest;

/// A PDF-signed file carrying `marker` in clear.
fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {marker}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n").into_bytes()
}

fn accepted_case(c: &mut Center) -> String {
    intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("王桂兰", 1), &["1", "2", "3", "4"]),
    )
    .unwrap()
    .case_no
}

#[test]
fn a_scan_is_kept_once_by_its_hash_with_a_thumbnail_and_comes_out_unchanged() {
    let mut c = center();
    let no = accepted_case(&mut c);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("身份证正面.jpg"); // a PNG named .jpg: content decides
    let bytes = png(1600, 1000);
    std::fs::write(&file, &bytes).unwrap();
    let a = scans::attach(&mut c.store, &c.clerk, monday(), &no, 1, &file).unwrap();
    assert_eq!(a.kind, Kind::Png);
    assert_eq!(a.sha256, hex::encode(sha2::Sha256::digest(&bytes)));
    assert!(!a.already_kept);
    // The same file on another line is one more line, stored once.
    let again = scans::attach(&mut c.store, &c.clerk, monday(), &no, 2, &file).unwrap();
    assert!(again.already_kept);
    let kept: i64 = c
        .store
        .conn()
        .query_row("SELECT count(*) FROM scan_files", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1);
    let lines = scans::list(c.store.conn(), &no).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].file_name, "身份证正面.jpg");
    assert!(lines[0].here);
    assert_eq!(lines[0].attached_by, c.clerk.display_name);
    let timeline = bianmin::lifecycle::timeline::of_case(c.store.conn(), &no).unwrap();
    assert_eq!(
        timeline.iter().filter(|e| e.what == "添加扫描件").count(),
        2
    );
    let thumb = scans::thumbnail_of(c.store.conn(), &no, &a.sha256)
        .unwrap()
        .unwrap();
    let t = image::load_from_memory(&thumb).unwrap();
    assert!(t.width() <= scans::content::THUMB_PX && t.height() <= scans::content::THUMB_PX);
    assert!(thumb.len() < bytes.len());
    let out = tempfile::tempdir().unwrap();
    let written = scans::extract(&c.store, &c.clerk, &no, out.path()).unwrap();
    assert_eq!(written.len(), 1, "one content, written once");
    assert!(written[0].path.ends_with(".png"), "{}", written[0].path);
    assert_eq!(std::fs::read(&written[0].path).unwrap(), bytes);
    // A file of another case is not reached through this one.
    let other = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("刘桂英", 2), &["1", "2", "3", "4"]),
    )
    .unwrap()
    .case_no;
    let err = scans::content_of(c.store.conn(), &other, &a.sha256).unwrap_err();
    assert!(
        matches!(err, Error::Scan(ScanError::NoSuchScan { .. })),
        "{err:?}"
    );
}

#[test]
fn what_is_not_a_scan_too_large_or_broken_is_refused_and_changes_nothing() {
    let mut c = center();
    let no = accepted_case(&mut c);
    let dir = tempfile::tempdir().unwrap();
    let first = snapshot(&c.store);
    let refuse = |c: &mut Center, name: &str, bytes: &[u8], line: u32| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        scans::attach(&mut c.store, &c.clerk, monday(), &no, line, &path).unwrap_err()
    };
    // A program renamed to .pdf: refused by its content.
    let err = refuse(&mut c, "证明.pdf", b"MZ\x90\x00\x03\x00\x00\x00", 1);
    assert!(
        matches!(err, Error::Scan(ScanError::NotAScan(_))),
        "{err:?}"
    );
    assert!(err.to_string().contains("按文件内容判断"), "{err}");
    // A PNG cut short does not decode.
    let mut cut = png(300, 300);
    cut.truncate(cut.len() / 2);
    let err = refuse(&mut c, "户口簿.png", &cut, 1);
    assert!(
        matches!(err, Error::Scan(ScanError::BrokenImage { .. })),
        "{err:?}"
    );
    let err = refuse(&mut c, "空.pdf", b"", 1);
    assert!(matches!(err, Error::Scan(ScanError::Empty(_))), "{err:?}");
    let err = refuse(&mut c, "x.pdf", &pdf("ok"), 99);
    assert!(err.to_string().contains("第 99 项"), "{err}");
    assert_eq!(snapshot(&c.store), first);
    // Over the center's limit (1 MB here).
    let profile = bianmin::center::load(c.store.conn()).unwrap();
    bianmin::center::set(
        &mut c.store,
        &c.manager,
        monday(),
        bianmin::center::CenterProfile {
            scan_max_mb: 1,
            ..profile
        },
    )
    .unwrap();
    let before = snapshot(&c.store);
    let mut big = pdf("big");
    big.resize(1024 * 1024 + 1, b' ');
    let err = refuse(&mut c, "大文件.pdf", &big, 1);
    assert!(
        matches!(err, Error::Scan(ScanError::TooLarge { limit_mb: 1, .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("1 MB"), "{err}");
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn a_limit_outside_its_range_is_refused_by_its_label() {
    let mut c = center();
    let profile = bianmin::center::load(c.store.conn()).unwrap();
    let err = bianmin::center::set(
        &mut c.store,
        &c.manager,
        monday(),
        bianmin::center::CenterProfile {
            scan_max_mb: 51,
            ..profile
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("扫描件单个文件上限"), "{err}");
}

#[test]
fn on_an_encrypted_laptop_a_scan_is_never_on_disk_in_clear() {
    const MARKER: &str = "SCAN-MARKER-户口簿-7f3a";
    let has_marker = |dir: &std::path::Path| {
        std::fs::read_dir(dir).unwrap().any(|e| {
            let bytes = std::fs::read(e.unwrap().path()).unwrap_or_default();
            bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes())
        })
    };
    for encrypted in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("laptop.db");
        let mut store = if encrypted {
            Store::create_encrypted(&path, &DbKey::generate()).unwrap()
        } else {
            Store::open(&path).unwrap()
        };
        bianmin::setup::init(
            &mut store,
            monday(),
            setup_input("A01", DeviceRole::Counter),
        )
        .unwrap();
        let admin =
            bianmin::auth::users::verify_credentials(store.conn(), "admin", "admin-pass").unwrap();
        bianmin::auth::users::add(
            &mut store,
            &admin,
            monday(),
            &bianmin::auth::users::NewUser {
                username: "clerk".into(),
                display_name: "张丽".into(),
                staff_no: "0101".into(),
                role: bianmin::auth::Role::Clerk,
                password: "clerk-pass1".into(),
            },
        )
        .unwrap();
        let clerk =
            bianmin::auth::users::verify_credentials(store.conn(), "clerk", "clerk-pass1").unwrap();
        let no = intake::record(
            &mut store,
            &clerk,
            monday(),
            application("MZ-005", person("王桂兰", 1), &["1", "2", "3", "4"]),
        )
        .unwrap()
        .case_no;
        scans::attach_bytes(
            &mut store,
            &clerk,
            monday(),
            &no,
            2,
            "户口簿.pdf",
            &pdf(MARKER),
        )
        .unwrap();
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(FULL);")
            .ok();
        assert_eq!(has_marker(dir.path()), !encrypted, "encrypted: {encrypted}");
        let (_, content) = scans::content_of(
            store.conn(),
            &no,
            &hex::encode(sha2::Sha256::digest(pdf(MARKER))),
        )
        .unwrap();
        assert_eq!(content, pdf(MARKER));
    }
}

#[test]
fn a_rebuild_keeps_the_scan_lines_and_their_content() {
    let mut c = center();
    let no = accepted_case(&mut c);
    scans::attach_bytes(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        3,
        "申请表.pdf",
        &pdf("form"),
    )
    .unwrap();
    let before = scans::list(c.store.conn(), &no).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.admin).unwrap();
    assert_eq!(scans::list(c.store.conn(), &no).unwrap(), before);
    assert!(before[0].here);
}

#[test]
fn a_backup_holds_the_scans_and_a_restore_brings_them_back() {
    let mut c = center();
    let no = accepted_case(&mut c);
    let file = pdf("backed-up");
    scans::attach_bytes(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        2,
        "户口簿.pdf",
        &file,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = bianmin::backup::backup(&c.store, &c.manager, monday(), dir.path(), 14).unwrap();
    let path = c.dir.path().join("center.db");
    drop(c.store);
    // The live file loses the scan (a disk fault, say); the backup has it.
    {
        let store = Store::open(&path).unwrap();
        store.conn().execute("DELETE FROM scan_files", []).unwrap();
    }
    bianmin::backup::restore(
        &path,
        std::path::Path::new(&r.path),
        "manager",
        "manager-pass",
        monday(),
    )
    .unwrap();
    let store = Store::open(&path).unwrap();
    let sha = hex::encode(sha2::Sha256::digest(&file));
    assert_eq!(scans::content_of(store.conn(), &no, &sha).unwrap().1, file);
}
