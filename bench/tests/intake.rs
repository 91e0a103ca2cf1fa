//! The intake benchmark through its binary: it runs on a small database and
//! reports every figure docs/BENCHMARKS.md records.

mod common;

#[test]
fn the_intake_benchmark_runs_and_reports_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("bench");
    let v = common::figures(&[
        "intake",
        "--existing",
        "60",
        "--samples",
        "12",
        "--dir",
        &work.display().to_string(),
    ]);
    assert_eq!(v["existing_cases"], 60);
    assert_eq!(v["accepted_commit"]["samples"], 12);
    for key in ["p50_ms", "p99_ms", "max_ms"] {
        assert!(v["accepted_commit"][key].as_f64().unwrap() > 0.0, "{key}");
    }
    // The benchmark's own database holds exactly the seeded and timed cases.
    let conn = rusqlite::Connection::open(work.join("bench.db")).unwrap();
    let cases: i64 = conn
        .query_row(
            "SELECT count(*) FROM cases WHERE outcome = 'accepted'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cases, 72);
}
