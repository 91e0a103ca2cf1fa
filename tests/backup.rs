//! Backups and restore: a verified round trip, and every broken backup
//! refused with the live database left as it was.

mod common;

use std::path::{Path, PathBuf};

use bianmin::backup::schedule::{self, Standing};
use bianmin::backup::{self, BackupError};
use bianmin::intake;
use bianmin::store::{dump, Store};
use bianmin::Error;
use common::*;

fn live(c: &Center) -> PathBuf {
    c.dir.path().join("center.db")
}

fn dump_of(path: &Path) -> String {
    dump::projections(Store::open(path).unwrap().conn()).unwrap()
}

fn take_case(c: &mut Center, n: u32) -> String {
    intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-006", person("王", n), &["1", "2"]),
    )
    .unwrap()
    .case_no
}

#[test]
fn a_backup_restores_exactly_and_the_replaced_file_is_kept() {
    let mut c = center();
    take_case(&mut c, 1);
    let dir = tempfile::tempdir().unwrap();
    let r = backup::backup(&c.store, &c.manager, monday(), dir.path(), 14).unwrap();
    assert!(Path::new(&r.path).exists());
    let sum = std::fs::read_to_string(format!("{}.sha256", r.path)).unwrap();
    assert!(sum.starts_with(&r.sha256));
    let at_backup = dump::projections(c.store.conn()).unwrap();
    let later = take_case(&mut c, 2);
    let path = live(&c);
    drop(c.store);
    let done = backup::restore(
        &path,
        Path::new(&r.path),
        "manager",
        "manager-pass",
        at(2026, 11, 24),
    )
    .unwrap();
    assert_eq!(
        dump_of(&path),
        at_backup,
        "the restored database is the backup"
    );
    let kept = done.replaced_kept_as.expect("the replaced file is kept");
    let kept_dump = dump_of(Path::new(&kept));
    assert!(
        kept_dump.contains(&later),
        "the replaced file still has the later case"
    );
    // Intake continues on the restored database.
    let mut store = Store::open(&path).unwrap();
    let clerk =
        bianmin::auth::users::verify_credentials(store.conn(), "clerk", "clerk-pass").unwrap();
    intake::record(
        &mut store,
        &clerk,
        monday(),
        application("MZ-006", person("王", 3), &["1", "2"]),
    )
    .unwrap();
}

#[test]
fn broken_backups_are_refused_and_the_live_database_is_untouched() {
    let mut c = center();
    take_case(&mut c, 1);
    let dir = tempfile::tempdir().unwrap();
    let r = backup::backup(&c.store, &c.manager, monday(), dir.path(), 14).unwrap();
    let good = PathBuf::from(&r.path);
    let path = live(&c);
    let before = dump::projections(c.store.conn()).unwrap();
    drop(c.store);
    let copy = |name: &str| -> PathBuf {
        let p = dir.path().join(name);
        std::fs::copy(&good, &p).unwrap();
        std::fs::copy(
            format!("{}.sha256", good.display()),
            format!("{}.sha256", p.display()),
        )
        .unwrap();
        p
    };
    // One byte flipped: the checksum catches it.
    let flipped = copy("flipped.db");
    let mut bytes = std::fs::read(&flipped).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xFF;
    std::fs::write(&flipped, &bytes).unwrap();
    let err = backup::restore(&path, &flipped, "manager", "manager-pass", monday()).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::ChecksumMismatch(_))),
        "{err}"
    );
    // No checksum file.
    let bare = dir.path().join("bare.db");
    std::fs::copy(&good, &bare).unwrap();
    let err = backup::restore(&path, &bare, "manager", "manager-pass", monday()).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::NoChecksum(_))),
        "{err}"
    );
    // A changed event with a recomputed checksum: the hash chain catches it.
    let forged = copy("forged.db");
    {
        let conn = rusqlite::Connection::open(&forged).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode=DELETE; DROP TRIGGER events_are_never_updated;
             UPDATE events SET payload = replace(payload, '\"王\"', '\"汪\"') WHERE kind = 'case.received';",
        )
        .unwrap();
    }
    let sum = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        std::fs::read(&forged).unwrap(),
    ));
    std::fs::write(
        format!("{}.sha256", forged.display()),
        format!("{sum}  forged.db\n"),
    )
    .unwrap();
    let err = backup::restore(&path, &forged, "manager", "manager-pass", monday()).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::Chain { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("哈希链"), "{err}");
    // A clerk may not restore, nor a wrong password.
    let err = backup::restore(&path, &good, "clerk", "clerk-pass", monday()).unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    let err = backup::restore(&path, &good, "manager", "wrong", monday()).unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    assert_eq!(dump_of(&path), before, "nothing was restored");
    let leftovers: Vec<_> = std::fs::read_dir(c.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.to_string_lossy().contains("replaced")),
        "{leftovers:?}"
    );
}

#[test]
fn only_the_newest_backups_are_kept_and_clerks_cannot_back_up() {
    let c = center();
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for minute in 0..4 {
        let when = monday() + chrono::Duration::minutes(minute);
        paths.push(
            backup::backup(&c.store, &c.manager, when, dir.path(), 2)
                .unwrap()
                .path,
        );
    }
    let left: Vec<String> = {
        let mut v: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(left.len(), 4, "two backups and their checksums: {left:?}");
    assert!(!Path::new(&paths[0]).exists() && !Path::new(&paths[1]).exists());
    assert!(Path::new(&paths[3]).exists());
    let err = backup::backup(&c.store, &c.clerk, monday(), dir.path(), 2).unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    let err = backup::backup(&c.store, &c.manager, monday(), dir.path(), 0).unwrap_err();
    assert!(matches!(err, Error::Backup(BackupError::Keep)), "{err}");
}

#[test]
fn an_unwritable_target_is_a_clear_error_and_leaves_nothing() {
    let c = center();
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be.
    let blocked = dir.path().join("usb");
    std::fs::write(&blocked, b"not a folder").unwrap();
    let err =
        backup::backup(&c.store, &c.manager, monday(), &blocked.join("backups"), 2).unwrap_err();
    assert!(err.to_string().contains("无法读写文件"), "{err}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

fn hours_later(h: i64) -> chrono::DateTime<chrono::FixedOffset> {
    monday() + chrono::Duration::hours(h)
}

#[test]
fn settings_are_checked_and_only_managers_may_change_them() {
    let mut c = center();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap();
    let err = schedule::configure(&mut c.store, &c.clerk, monday(), folder, 7, true).unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    for (typed, keep) in [
        ("", 7),
        ("relative/folder", 7),
        ("/no/such/usb/stick", 7),
        (folder, 0),
        (folder, 366),
    ] {
        let err =
            schedule::configure(&mut c.store, &c.manager, monday(), typed, keep, true).unwrap_err();
        assert!(matches!(err, Error::Backup(_)), "{typed} {keep}: {err}");
    }
    assert_eq!(schedule::settings(c.store.conn()).unwrap(), None);
    let set = schedule::configure(&mut c.store, &c.manager, monday(), folder, 7, true).unwrap();
    assert_eq!(
        (set.keep, set.daily, set.set_by.as_str()),
        (7, true, "测试")
    );
    assert_eq!(set.folder, folder);
}

#[test]
fn the_daily_backup_runs_once_a_day_and_the_status_turns_red_after_a_day() {
    let mut c = center();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap().to_owned();

    let err = schedule::status(c.store.conn(), &c.clerk, monday()).unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    let st = schedule::status(c.store.conn(), &c.manager, monday()).unwrap();
    assert_eq!(st.standing, Standing::NotSet);
    assert!(st.red);
    assert_eq!(
        schedule::daily(&c.store, monday()).unwrap(),
        None,
        "not set up"
    );

    schedule::configure(&mut c.store, &c.manager, monday(), &folder, 2, true).unwrap();
    assert_eq!(
        schedule::status(c.store.conn(), &c.manager, monday())
            .unwrap()
            .standing,
        Standing::Stale,
        "set up, never made"
    );
    let first = schedule::daily(&c.store, monday()).unwrap().expect("due");
    assert!(Path::new(&first.path).exists());
    assert_eq!(
        schedule::daily(&c.store, hours_later(3)).unwrap(),
        None,
        "the second start of the day makes none"
    );
    let st = schedule::status(c.store.conn(), &c.manager, hours_later(3)).unwrap();
    assert_eq!(st.standing, Standing::Fresh);
    assert!(!st.red);
    let made = st.last_made.unwrap();
    assert_eq!(made.trigger, schedule::Trigger::Daily);
    assert_eq!(made.by, None);

    // A day and a bit later without a start: red.
    let st = schedule::status(c.store.conn(), &c.manager, hours_later(25)).unwrap();
    assert_eq!(st.standing, Standing::Stale);
    assert!(st.red && st.summary.contains("超过一天"), "{}", st.summary);

    // Next day's first start backs up again; keep 2 prunes the third.
    schedule::daily(&c.store, hours_later(24))
        .unwrap()
        .expect("due");
    schedule::daily(&c.store, hours_later(48))
        .unwrap()
        .expect("due");
    let listed = backup::list(c.store.conn(), dir.path()).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].made, "2026-11-25 09:30:00", "newest first");

    // Daily switched off: never due.
    schedule::configure(&mut c.store, &c.manager, monday(), &folder, 2, false).unwrap();
    assert_eq!(schedule::daily(&c.store, hours_later(72)).unwrap(), None);
}

#[test]
fn a_failed_backup_is_recorded_shown_red_and_retried_at_the_next_start() {
    let mut c = center();
    let usb = tempfile::tempdir().unwrap();
    let folder = usb.path().join("stick");
    std::fs::create_dir(&folder).unwrap();
    schedule::configure(
        &mut c.store,
        &c.manager,
        monday(),
        folder.to_str().unwrap(),
        5,
        true,
    )
    .unwrap();
    // The stick is pulled.
    std::fs::remove_dir(&folder).unwrap();
    let err = schedule::daily(&c.store, monday()).unwrap_err();
    assert!(err.to_string().contains("找不到备份文件夹"), "{err}");
    let err = schedule::backup_now(&c.store, &c.manager, monday()).unwrap_err();
    assert!(err.to_string().contains("U 盘"), "{err}");
    let st = schedule::status(c.store.conn(), &c.manager, monday()).unwrap();
    assert_eq!(st.standing, Standing::Failed);
    assert!(
        st.red && st.summary.contains("找不到备份文件夹"),
        "{}",
        st.summary
    );
    let attempt = st.last_attempt.unwrap();
    assert_eq!(attempt.by.as_deref(), Some("测试"), "the manual attempt");

    // Plugged back in: the next start of the same day tries again.
    std::fs::create_dir(&folder).unwrap();
    let made = schedule::daily(&c.store, hours_later(1))
        .unwrap()
        .expect("retried");
    assert!(Path::new(&made.path).exists());
    assert_eq!(
        schedule::status(c.store.conn(), &c.manager, hours_later(1))
            .unwrap()
            .standing,
        Standing::Fresh
    );
    // A clerk may not back up.
    let err = schedule::backup_now(&c.store, &c.clerk, monday()).unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
}
