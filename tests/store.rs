//! The event store: the hash chain catches tampering, rebuild reproduces
//! every projection exactly, events are append-only, schema versions.

mod common;

use bianmin::intake;
use bianmin::store::{events, verify, Store, StoreError, SCHEMA_VERSION};
use common::*;
use rusqlite::Connection;

fn filled() -> Center {
    let mut c = center();
    for n in 0..12u32 {
        let mut app = match n % 4 {
            0 => application("MZ-005", person("刘桂英", n), &["1", "2", "3", "5"]),
            1 => application("MZ-001", person("王𠮷", n), &["1"]),
            2 => application("MZ-006", person("孙秀兰", n), &["1", "2"]),
            _ => application("ZJ-001", person("赵建国", n), &[]),
        };
        if n % 4 == 3 {
            app.refusal_reason = Some("不符合条件'; DROP TABLE cases;--".into());
        }
        intake::record(&mut c.store, &c.clerk, at(2026, 11, 23 + n % 3), app).unwrap();
    }
    c
}

/// Runs SQL on the file behind the store's back, as someone with the
/// sqlite3 shell could.
fn tamper(c: &Center, sql: &str) {
    let conn = Connection::open(c.dir.path().join("center.db")).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER events_are_never_updated; DROP TRIGGER events_are_never_deleted; {sql}"
    ))
    .unwrap();
}

#[test]
fn an_untouched_log_verifies() {
    let c = filled();
    let r = verify::verify(c.store.conn()).unwrap();
    assert!(r.broken.is_none(), "{:?}", r.broken);
    assert_eq!(r.chains.len(), 1);
    let total: i64 = c
        .store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(r.events(), total);
}

#[test]
fn a_modified_event_is_named_by_verify() {
    let c = filled();
    let target: (i64, String) = c
        .store
        .conn()
        .query_row("SELECT seq, event_id FROM events WHERE payload LIKE '%王𠮷%' ORDER BY seq LIMIT 1 OFFSET 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    tamper(
        &c,
        &format!(
            "UPDATE events SET payload = replace(payload, '王𠮷', '王吉') WHERE seq = {}",
            target.0
        ),
    );
    let r = verify::verify(c.store.conn()).unwrap();
    let b = r.broken.expect("tampering detected");
    assert_eq!((b.seq, b.event_id.as_str()), (target.0, target.1.as_str()));
    assert!(b.problem.contains("被修改"), "{}", b.problem);
    assert!(b.to_string().contains(&format!("第 {} 号事件", target.0)));
}

#[test]
fn a_modified_timestamp_or_user_is_caught_too() {
    for sql in [
        "UPDATE events SET ts = '2020-01-01T00:00:00.000+08:00' WHERE seq = 3",
        "UPDATE events SET user_id = 'someone' WHERE seq = 3",
    ] {
        let c = filled();
        tamper(&c, sql);
        assert_eq!(
            verify::verify(c.store.conn()).unwrap().broken.unwrap().seq,
            3,
            "{sql}"
        );
    }
}

#[test]
fn a_deleted_event_is_named_as_a_gap() {
    let c = filled();
    tamper(&c, "DELETE FROM events WHERE seq = 7");
    let b = verify::verify(c.store.conn()).unwrap().broken.unwrap();
    assert_eq!(b.seq, 8);
    assert!(b.problem.contains("缺失"), "{}", b.problem);
}

#[test]
fn a_rehashed_event_breaks_the_link_to_the_next_one() {
    let c = filled();
    // Change event 5 and fix its own hash: event 6 no longer links to it.
    let mut e = events::all(c.store.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.seq == 5)
        .unwrap();
    e.ts = "2026-11-23T09:31:00.000+08:00".into();
    let new_hash = e.compute_hash();
    tamper(
        &c,
        &format!(
            "UPDATE events SET ts = '{}', hash = '{}' WHERE seq = 5",
            e.ts, new_hash
        ),
    );
    let b = verify::verify(c.store.conn()).unwrap().broken.unwrap();
    assert_eq!(b.seq, 6);
    assert!(b.problem.contains("衔接"), "{}", b.problem);
}

#[test]
fn events_cannot_be_updated_or_deleted_through_sql() {
    let c = filled();
    let conn = c.store.conn();
    let err = conn
        .execute("UPDATE events SET kind = 'x' WHERE seq = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn.execute("DELETE FROM events", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn rebuild_gives_byte_identical_projections() {
    let mut c = filled();
    let before = bianmin::store::dump::projections(c.store.conn()).unwrap();
    assert!(before.contains("cases|"), "the dump covers cases");
    // Damage a projection: rebuild must restore it from the log.
    c.store
        .conn()
        .execute("UPDATE cases SET applicant_name = 'x'", [])
        .unwrap();
    let replayed = bianmin::projections::rebuild(&mut c.store, &c.manager).unwrap();
    let total: i64 = c
        .store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(replayed as i64, total);
    assert_eq!(
        bianmin::store::dump::projections(c.store.conn()).unwrap(),
        before
    );
    // Intake still works after a rebuild and continues the serials.
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-006", person("王", 40), &["1", "2"]),
    )
    .unwrap();
    assert!(r.case_no.ends_with("-0005"), "{}", r.case_no);
}

#[test]
fn seq_is_gap_free_and_starts_at_one() {
    let c = filled();
    let seqs: Vec<i64> = events::all(c.store.conn())
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    let first = &events::all(c.store.conn()).unwrap()[0];
    assert_eq!(first.prev_hash, events::GENESIS_HASH);
    assert!(
        chrono::DateTime::parse_from_rfc3339(&first.ts).is_ok(),
        "{}",
        first.ts
    );
    assert!(first.ts.ends_with("+08:00"), "{}", first.ts);
}

#[test]
fn a_file_from_a_newer_program_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); ").unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let digest = |p: &std::path::Path| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(p).unwrap()))
    };
    let before = digest(&path);
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::NewerSchema { .. }), "{err}");
    assert!(err.to_string().contains("升级"), "{err}");
    assert_eq!(digest(&path), before, "the file was changed");
    assert!(!dir.path().join("new.db-wal").exists());
}

#[test]
fn reopening_keeps_everything() {
    let c = filled();
    let before = snapshot(&c.store);
    let path = c.dir.path().join("center.db");
    drop(c.store);
    let again = Store::open(&path).unwrap();
    assert_eq!(snapshot(&again), before);
    let mode: String = again
        .conn()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let fk: i64 = again
        .conn()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    let sync: i64 = again
        .conn()
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), fk, sync), ("wal", 1, 2));
}

/// Closing any file descriptor of the database drops every POSIX lock this
/// process holds on it; another process closing its connection then thinks
/// it is the last and deletes the WAL under the open store, whose later
/// commits are lost. What the program does beside an open store (asking
/// whether the file is encrypted, a second store for the daily backup or
/// the checkpoint thread) must never do that.
#[test]
fn another_process_never_deletes_the_wal_under_an_open_store() {
    use bianmin::store::encryption;
    let mut c = center();
    let path = c.dir.path().join("center.db");
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    let take = |c: &mut Center, n: u32| {
        bianmin::intake::record(
            &mut c.store,
            &c.clerk,
            monday(),
            application("MZ-006", person("王", n), &["1", "2"]),
        )
        .unwrap()
    };
    take(&mut c, 1);
    assert!(!encryption::is_encrypted(&path));
    drop(Store::open(&path).unwrap());
    let other = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_bianmin"))
            .arg("--db")
            .arg(&path)
            .arg("verify")
            .env_remove("BIANMIN_DB")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    other();
    assert!(
        wal.exists(),
        "the open store's WAL was deleted by another process"
    );
    take(&mut c, 2);
    let events: i64 = c
        .store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    let seen = other();
    assert!(
        seen.contains(&format!("共 {events} 条事件")),
        "another process sees every commit: {seen}"
    );
}
