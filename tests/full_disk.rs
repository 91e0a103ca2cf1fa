//! A full or read-only USB stick during export and backup: the `bianmin`
//! binary refuses with a clear Chinese message, leaves nothing on the stick
//! (no half-written batch or backup, no temporary file), and records
//! nothing in the database.
//!
//! The stick is a real tiny filesystem: a tmpfs of one 4 KiB page (smaller
//! than any batch or backup, which the test checks) or one remounted read-only, mounted inside a private
//! mount namespace (`unshare -m`) so nothing outside the test sees it. That
//! needs root; CI runs as root, so under CI a missing `unshare` fails the
//! test instead of skipping it.

mod common;

use std::path::Path;
use std::process::Command;

use common::bin::BIN;

/// Whether a private mount namespace with a tmpfs can be made here.
fn can_mount() -> bool {
    let ok = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and must be able to mount a test stick"
        );
        eprintln!("skipped: mounting a test stick needs root (unshare -m)");
    }
    ok
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
    /// What was on the stick after the command, one name a line.
    left: String,
}

/// The full stick's size: one page.
const STICK: usize = 4096;

/// Mounts a stick of `kind` ("full": [`STICK`] bytes; "ro": read-only) at `stick`,
/// runs `bianmin --db DB ARGS --out/--to stick`, then lists the stick.
fn on_stick(db: &Path, stick: &Path, kind: &str, args: &[&str], password: &str) -> Outcome {
    std::fs::create_dir_all(stick).unwrap();
    let mount = match kind {
        "full" => format!("mount -t tmpfs -o size={STICK} tmpfs '{}'", stick.display()),
        _ => format!(
            "mount -t tmpfs -o size=4m tmpfs '{0}' && mount -o remount,ro '{0}'",
            stick.display()
        ),
    };
    let script = format!(
        "{mount} || exit 99; \"$BIN\" --db \"$DB\" \"$@\"; rc=$?; ls -A '{}' > \"$LIST\"; exit $rc",
        stick.display()
    );
    let list = db.with_extension("list");
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &script, "sh"])
        .args(args)
        .env("BIN", BIN)
        .env("DB", db)
        .env("LIST", &list)
        .env("BIANMIN_PASSWORD", password)
        .env_remove("BIANMIN_DB")
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(99),
        "the stick could not be mounted"
    );
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        left: std::fs::read_to_string(&list).unwrap_or_default(),
    }
}

fn bianmin(db: &Path, args: &[&str], password: Option<&str>) -> String {
    let out = common::bin::run(db, args, password);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A hub with a manager `boss`.
fn hub(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("a01.db");
    common::bin::init_center(&db, &["--role", "hub"]);
    common::bin::add_user(&db, "boss", "张丽", "0101", "manager", "boss-pass");
    db
}

/// The events and the export and backup records: unchanged means nothing
/// was recorded.
fn recorded(db: &Path) -> String {
    bianmin(db, &["--user", "boss", "verify"], Some("boss-pass"))
        .lines()
        .filter(|l| !l.contains("登录"))
        .collect::<Vec<_>>()
        .join("\n")
        + &common_counts(db)
}

fn common_counts(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let n = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    format!(
        " events={} batches={} made={}",
        n("SELECT count(*) FROM events WHERE kind NOT LIKE 'auth.%' AND kind NOT LIKE 'backup.%'"),
        n("SELECT count(*) FROM batch_exports"),
        n("SELECT count(*) FROM backup_runs WHERE ok = 1"),
    )
}

#[test]
fn a_full_or_read_only_stick_gets_a_clear_message_and_nothing_half_written() {
    if !can_mount() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = hub(dir.path());
    // What the stick is too small for: the batch for A02 and a backup.
    let probe = dir.path().join("probe");
    std::fs::create_dir(&probe).unwrap();
    let p = probe.to_str().unwrap();
    bianmin(
        &db,
        &["--user", "boss", "export", "--out", p, "--for", "A03"],
        Some("boss-pass"),
    );
    bianmin(
        &db,
        &["--user", "boss", "backup", "--to", p],
        Some("boss-pass"),
    );
    for e in std::fs::read_dir(&probe).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".bmb") || name.ends_with(".db") {
            assert!(
                e.metadata().unwrap().len() > STICK as u64,
                "{name} fits the stick"
            );
        }
    }
    let before = recorded(&db);
    for kind in ["full", "ro"] {
        let stick = dir.path().join(format!("usb-{kind}"));
        let out = stick.to_str().unwrap();
        let export = on_stick(
            &db,
            &stick,
            kind,
            &["--user", "boss", "export", "--out", out, "--for", "A02"],
            "boss-pass",
        );
        assert_eq!(export.code, Some(1), "{kind}: {}", export.stderr);
        let why = if kind == "full" {
            "空间不足"
        } else {
            "只读"
        };
        assert!(
            export.stderr.contains("无法写入") && export.stderr.contains(why),
            "{kind}: {}",
            export.stderr
        );
        // Said once, in words: nothing of the zip writer's own.
        assert!(!export.stderr.contains("Zip"), "{kind}: {}", export.stderr);
        assert_eq!(export.left, "", "{kind}: left on the stick");

        let backup = on_stick(
            &db,
            &stick,
            kind,
            &["--user", "boss", "backup", "--to", out],
            "boss-pass",
        );
        assert_eq!(backup.code, Some(1), "{kind}: {}", backup.stderr);
        let why = if kind == "full" {
            "空间不足"
        } else {
            "只读"
        };
        assert!(
            backup.stderr.contains("无法把备份写入") && backup.stderr.contains(why),
            "{kind}: {}",
            backup.stderr
        );
        assert_eq!(backup.left, "", "{kind}: left on the stick");
    }
    assert_eq!(recorded(&db), before, "nothing was recorded");
}
