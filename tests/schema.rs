//! One schema however a file came to it: a new database made from
//! `schema.sql` and a file of every released version (checked-in fixtures,
//! made by the released migration steps) upgraded by opening it have the
//! same schema; the upgrade keeps the rows.

use bianmin::store::{dump, Store, SCHEMA_VERSION};

fn fixture(version: i64) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schema")
        .join(format!("v{version}.db"))
}

#[test]
fn a_new_file_and_every_released_version_upgraded_have_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = Store::open(&dir.path().join("new.db")).unwrap();
    let expected = dump::schema(fresh.conn()).unwrap();
    assert!(expected.contains("table cases on cases"), "{expected}");
    assert!(expected.contains("column bag_no TEXT"), "{expected}");
    for version in 1..SCHEMA_VERSION {
        let copy = dir.path().join(format!("v{version}.db"));
        std::fs::copy(fixture(version), &copy).unwrap();
        let before: i64 = rusqlite::Connection::open(&copy)
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(before, version, "the fixture is of version {version}");
        let store = Store::open(&copy).unwrap();
        let upgraded = dump::schema(store.conn()).unwrap();
        assert_eq!(upgraded, expected, "version {version} upgraded");
        let v: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let kept: String = store
            .conn()
            .query_row("SELECT device_code FROM device", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, "A01", "version {version} keeps its rows");
        // The quick search's index (step 9) covers the cases already there.
        let (cases, indexed): (i64, i64) = store
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_search)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(indexed, cases, "version {version}: every case indexed");
    }
}

#[test]
fn the_description_sees_a_changed_check_or_column() {
    let a = rusqlite::Connection::open_in_memory().unwrap();
    a.execute_batch("CREATE TABLE t (x INTEGER NOT NULL CHECK (x > 0), y TEXT);")
        .unwrap();
    let b = rusqlite::Connection::open_in_memory().unwrap();
    b.execute_batch("CREATE TABLE t (x INTEGER NOT NULL CHECK (x > 1), y TEXT);")
        .unwrap();
    let c = rusqlite::Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t (y TEXT, x INTEGER NOT NULL CHECK (x > 0));")
        .unwrap();
    let d = rusqlite::Connection::open_in_memory().unwrap();
    d.execute_batch(
        "-- a comment\nCREATE TABLE t (\n  x INTEGER NOT NULL CHECK ( x > 0 ),\n  y TEXT\n);",
    )
    .unwrap();
    let s = |c: &rusqlite::Connection| dump::schema(c).unwrap();
    assert_ne!(s(&a), s(&b), "a changed CHECK");
    assert_ne!(s(&a), s(&c), "another column order");
    assert_eq!(s(&a), s(&d), "white space and comments do not count");
}
