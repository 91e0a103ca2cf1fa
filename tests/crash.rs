//! Crash safety: `bianmin intake` is run in a child process and killed with
//! SIGKILL at random moments, over and over. Afterwards the database must
//! pass `PRAGMA integrity_check`, every hash chain must verify with no gap
//! in any device's sequence, and every case a child reported as accepted
//! (the moment a receipt would print) must be there with its event.
//!
//! At least `BIANMIN_CRASH_KILLS` kills (default 1000), stopping early after
//! `BIANMIN_CRASH_SECONDS` (default 240) so CI stays bounded; a longer run:
//! `BIANMIN_CRASH_KILLS=20000 BIANMIN_CRASH_SECONDS=3600 cargo test --release --test crash -- --nocapture`.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::bin::BIN;
use rand::Rng;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn spawn_intake(db: &Path, n: u64) -> Child {
    // A valid ID for every run (born 1950–1999).
    let first17 = format!("3714021{:03}0101{:03}", 950 + n % 50, n % 1000);
    let id = bianmin::applicant::id_number::with_check_char(&first17).unwrap();
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args([
            "--json",
            "--user",
            "clerk",
            "intake",
            "--matter",
            "MZ-005",
            "--name",
            "刘桂英",
            "--id-number",
            &id,
        ])
        .args([
            "--phone",
            "13905341234",
            "--address",
            "杨庄村",
            "--provided",
            "1,2,3,5",
        ])
        .env("BIANMIN_PASSWORD", "clerk-pass")
        .env_remove("BIANMIN_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The case number a child printed as accepted, if it got that far.
fn reported(child: &mut Child) -> Option<String> {
    let mut out = String::new();
    child.stdout.take()?.read_to_string(&mut out).ok()?;
    let v: serde_json::Value = serde_json::from_str(&out).ok()?;
    (v["outcome"] == "accepted")
        .then(|| v["case_no"].as_str().map(str::to_owned))
        .flatten()
}

#[test]
fn killing_intake_at_random_moments_never_loses_an_accepted_case() {
    let kills_wanted = env_or("BIANMIN_CRASH_KILLS", 1000);
    let budget = Duration::from_secs(env_or("BIANMIN_CRASH_SECONDS", 240));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    common::bin::init_center(&db, &[]);
    common::bin::add_user(&db, "clerk", "王芳", "0102", "clerk", "clerk-pass");

    // Calibrate: how long one intake takes here, start to exit.
    let mut reported_cases: Vec<String> = Vec::new();
    let mut runs = Vec::new();
    for n in 0..5 {
        let t = Instant::now();
        let mut child = spawn_intake(&db, n);
        child.wait().unwrap();
        runs.push(t.elapsed());
        reported_cases.extend(reported(&mut child));
    }
    runs.sort();
    let typical = runs[2];
    assert_eq!(reported_cases.len(), 5, "a normal intake is accepted");

    let mut rng = rand::thread_rng();
    let started = Instant::now();
    let (mut kills, mut completed, mut n) = (0u64, 0u64, 5u64);
    while kills < kills_wanted && started.elapsed() < budget {
        let mut child = spawn_intake(&db, n);
        n += 1;
        // Anywhere from the start to a little past a typical run.
        let delay = rng.gen_range(0..=(typical.as_micros() as u64 * 13 / 10));
        std::thread::sleep(Duration::from_micros(delay));
        match child.try_wait().unwrap() {
            Some(_) => completed += 1,
            None => {
                child.kill().unwrap();
                kills += 1;
            }
        }
        child.wait().unwrap();
        reported_cases.extend(reported(&mut child));
    }
    eprintln!(
        "crash: {kills} SIGKILLs, {completed} runs finished, {} accepted cases reported, {:.0} s, typical intake {:?}",
        reported_cases.len(),
        started.elapsed().as_secs_f64(),
        typical
    );
    assert!(
        kills >= kills_wanted.min(300),
        "too few kills in the time budget: {kills}"
    );

    let store = bianmin::store::Store::open(&db).unwrap();
    let conn = store.conn();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let chain = bianmin::store::verify::verify(conn).unwrap();
    assert!(chain.broken.is_none(), "{:?}", chain.broken);
    for case_no in &reported_cases {
        let (state, events): (String, i64) = conn
            .query_row(
                "SELECT c.state, (SELECT count(*) FROM events e WHERE e.case_id = c.case_id AND e.kind = 'case.received')
                 FROM cases c WHERE c.case_no = ?1",
                [case_no],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("reported case {case_no} is missing: {e}"));
        assert_eq!((state.as_str(), events), ("accepted", 1), "{case_no}");
    }
    // Every case in the table has its event, and the projections match the log.
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.case_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    let before = bianmin::store::dump::projections(conn).unwrap();
    drop(store);
    let mut store = bianmin::store::Store::open(&db).unwrap();
    let admin =
        bianmin::auth::users::verify_credentials(store.conn(), "admin", "admin-pass").unwrap();
    bianmin::projections::rebuild(&mut store, &admin).unwrap();
    assert_eq!(
        bianmin::store::dump::projections(store.conn()).unwrap(),
        before
    );
}

/// `bianmin export` killed at random moments: a file under a final `.bmb`
/// name is always a complete batch that passes every check of the reader
/// (`BIANMIN_CRASH_EXPORT_KILLS`, default 300, within
/// `BIANMIN_CRASH_SECONDS`).
/// Counter A02 joined from the hub at `hub_db` (a manager added for it) and
/// registered there.
fn join_a02(hub_db: &Path, dir: &Path) -> bianmin::store::Store {
    use bianmin::auth::users;
    let now = chrono::Local::now().fixed_offset();
    let mut hub = bianmin::store::Store::open(hub_db).unwrap();
    let admin = users::verify_credentials(hub.conn(), "admin", "admin-pass").unwrap();
    users::add(
        &mut hub,
        &admin,
        now,
        &users::NewUser {
            username: "boss".into(),
            display_name: "李主任".into(),
            staff_no: "0100".into(),
            role: bianmin::auth::Role::Manager,
            password: "boss-pass1".into(),
        },
    )
    .unwrap();
    let boss = users::verify_credentials(hub.conn(), "boss", "boss-pass1").unwrap();
    let r = bianmin::exchange::export::export(
        &mut hub,
        &boss,
        now,
        &bianmin::exchange::export::ExportRequest {
            out_dir: dir.to_path_buf(),
            destination: Some("A02".into()),
            ..Default::default()
        },
        &mut |_| {},
    )
    .unwrap();
    let mut a02 = bianmin::store::Store::open(&dir.join("a02.db")).unwrap();
    let joined = bianmin::exchange::join::join(
        &mut a02,
        now,
        &bianmin::exchange::join::JoinInput {
            device_code: "A02".into(),
            role: bianmin::store::device::DeviceRole::Counter,
            fingerprint: None,
            join_code: r.join_code,
        },
        Path::new(&r.path),
        &mut |_| {},
    )
    .unwrap();
    bianmin::exchange::devices::trust(&mut hub, &boss, now, &joined.key_line).unwrap();
    a02
}

#[test]
fn killing_export_never_leaves_a_batch_that_fails_its_checks() {
    let kills_wanted = env_or("BIANMIN_CRASH_EXPORT_KILLS", 300);
    let budget = Duration::from_secs(env_or("BIANMIN_CRASH_SECONDS", 240));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("export.db");
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    common::bin::init_center(&db, &["--role", "hub"]);
    // Counter A02, joined and registered: the batches are sealed to it,
    // and it checks them.
    let a02_dir = tempfile::tempdir().unwrap();
    let a02 = join_a02(&db, a02_dir.path());
    {
        let mut store = bianmin::store::Store::open(&db).unwrap();
        let admin =
            bianmin::auth::users::verify_credentials(store.conn(), "admin", "admin-pass").unwrap();
        bianmin::auth::users::add(
            &mut store,
            &admin,
            chrono::Local::now().fixed_offset(),
            &bianmin::auth::users::NewUser {
                username: "clerk".into(),
                display_name: "王芳".into(),
                staff_no: "0102".into(),
                role: bianmin::auth::Role::Clerk,
                password: "clerk-pass".into(),
            },
        )
        .unwrap();
        let clerk =
            bianmin::auth::users::verify_credentials(store.conn(), "clerk", "clerk-pass").unwrap();
        let at = common::at(2026, 11, 2);
        store
            .write(|tx| -> bianmin::Result<()> {
                for n in 0..400u32 {
                    let applicant = common::person("刘桂英", n % 60);
                    let app = common::application("MZ-005", applicant, &["1", "2", "3", "5"]);
                    bianmin::intake::record::record_in(tx, &clerk, at, app)?;
                }
                Ok(())
            })
            .unwrap();
    }
    let export = || {
        Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args([
                "--user",
                "clerk",
                "export",
                "--since-batch",
                "0",
                "--date",
                "2099-12-31",
                "--for",
                "A02",
                "--out",
            ])
            .arg(&usb)
            .env("BIANMIN_PASSWORD", "clerk-pass")
            .env_remove("BIANMIN_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut runs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        assert!(export().wait().unwrap().success());
        runs.push(t.elapsed());
    }
    runs.sort();
    let typical = runs[1];
    let mut rng = rand::thread_rng();
    let started = Instant::now();
    let (mut kills, mut completed) = (0u64, 3u64);
    while kills < kills_wanted && started.elapsed() < budget {
        let mut child = export();
        let delay = rng.gen_range(0..=(typical.as_micros() as u64 * 12 / 10));
        std::thread::sleep(Duration::from_micros(delay));
        match child.try_wait().unwrap() {
            Some(_) => completed += 1,
            None => {
                child.kill().unwrap();
                kills += 1;
            }
        }
        child.wait().unwrap();
    }
    let store = a02;
    let mut batches = 0;
    for entry in std::fs::read_dir(&usb).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".bmb") {
            assert!(name.starts_with('.') && name.ends_with(".tmp"), "{name}");
            continue;
        }
        batches += 1;
        let unsealed = bianmin::exchange::envelope::unseal(
            store.conn(),
            &name,
            &path,
            Some("371402101"),
            bianmin::exchange::reader::Trust::Registered,
        )
        .unwrap_or_else(|e| panic!("{name} is under a final name but fails: {e}"));
        let opened = bianmin::exchange::reader::open(&name, &unsealed.inner)
            .unwrap_or_else(|e| panic!("{name} is under a final name but fails: {e}"));
        bianmin::exchange::reader::verify(
            store.conn(),
            Some("371402101"),
            opened,
            bianmin::exchange::reader::Trust::Registered,
        )
        .unwrap_or_else(|e| panic!("{name} is under a final name but fails: {e}"));
    }
    eprintln!(
        "crash export: {kills} SIGKILLs, {completed} exports finished, {batches} batches checked, typical export {typical:?}"
    );
    assert!(kills >= kills_wanted.min(100), "too few kills: {kills}");
    assert!(batches as u64 >= 3);
}
