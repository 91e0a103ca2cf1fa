//! The exchange benchmark through its binary, on a few cases: with
//! `--imports`, the big batch goes into a copy of the same receiver each
//! time, and every run adds the same events.

mod common;

#[test]
fn repeated_imports_each_start_from_the_same_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().display().to_string();
    let v = common::figures(&[
        "exchange",
        "--days",
        "3",
        "--cases-per-day",
        "4",
        "--imports",
        "3",
        "--dir",
        &work,
    ]);
    let runs: Vec<f64> = v["big_import_runs_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ms| ms.as_f64().unwrap())
        .collect();
    assert_eq!(runs.len(), 3);
    assert_eq!(v["big_import_cpu_ms"].as_array().unwrap().len(), 3);
    // Two days of four cases, eight events each, and the sender's two
    // steps before them (a manager added, the receiver registered), all
    // new to the receiver on every run: a run that found them already
    // there would add none.
    assert_eq!(v["big_events"], 2 * 4 * 8 + 2);
    let mut sorted = runs.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(v["big_import_ms"].as_f64().unwrap(), sorted[1]);
    // After the last run the daily batch still imports on top of it.
    let conn = rusqlite::Connection::open(dir.path().join("receiver.db")).unwrap();
    let cases: i64 = conn
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cases, 12);
}
