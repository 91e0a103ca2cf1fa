//! Schema versions, keyed on `PRAGMA user_version`.
//!
//! A new database is made from `schema.sql`, the whole schema as it is now.
//! An older file is brought up to date by the numbered steps in
//! `src/store/migrations/`, run in one transaction; a released step is never
//! edited. A change adds a step to [`MIGRATIONS`] and changes `schema.sql`
//! alike (tests/schema.rs compares a new file with every released version
//! upgraded). A newer file is refused untouched.

use rusqlite::Connection;

use super::StoreError;

/// The whole schema of a new database.
const SCHEMA: &str = include_str!("../../schema.sql");

/// Each step brings the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_idle_lock.sql"),
    include_str!("migrations/0003_indexes.sql"),
    include_str!("migrations/0004_exchange.sql"),
    include_str!("migrations/0005_backup.sql"),
    include_str!("migrations/0006_calendar_users_settings.sql"),
    include_str!("migrations/0007_catalogue_guides.sql"),
    include_str!("migrations/0008_printers.sql"),
    include_str!("migrations/0009_sync_search.sql"),
    include_str!("migrations/0010_origin_trust.sql"),
    include_str!("migrations/0011_unlock_keys.sql"),
    include_str!("migrations/0012_tolerance_commitment.sql"),
    include_str!("migrations/0013_bundles.sql"),
    include_str!("migrations/0014_scans.sql"),
];

/// Steps whose new tables are filled from the rows already there by code
/// rather than SQL: the version that adds them, and the filler.
type Fill = fn(&rusqlite::Transaction<'_>) -> Result<(), StoreError>;
const FILLS: &[(i64, Fill)] = &[
    (9, crate::intake::search_index::fill),
    (10, super::order::fill),
];

/// The schema version this program writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Refuses a file written by a newer program; reads only.
pub(super) fn refuse_newer(conn: &Connection) -> Result<i64, StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found = refuse_newer(conn)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    if found == 0 {
        tx.execute_batch(SCHEMA)?;
    } else {
        for step in &MIGRATIONS[found as usize..] {
            tx.execute_batch(step)?;
        }
        for (version, fill) in FILLS {
            if found < *version {
                fill(&tx)?;
            }
        }
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_the_current_schema_and_reopening_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        migrate(&mut conn).unwrap();
    }

    #[test]
    fn the_released_steps_still_make_the_checked_in_fixtures() {
        // A released step edited afterwards would upgrade old files to
        // something else than what it made when it was released.
        for version in 1..SCHEMA_VERSION {
            let conn = Connection::open_in_memory().unwrap();
            for step in &MIGRATIONS[..version as usize] {
                conn.execute_batch(step).unwrap();
            }
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/fixtures/schema/v{version}.db"));
            let fixture =
                Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                    .unwrap();
            assert_eq!(
                super::super::dump::schema(&conn).unwrap(),
                super::super::dump::schema(&fixture).unwrap(),
                "version {version}"
            );
        }
    }

    #[test]
    fn a_newer_file_is_refused_and_left_unchanged() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { .. }));
        assert!(err.to_string().contains("升级"));
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0);
    }

    #[test]
    fn a_version_1_file_is_upgraded_in_place_keeping_its_rows() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO device (singleton, device_id, device_code, center_code, center_name, role, created_at)
             VALUES (1, 'd', 'A01', '3301', '中心', 'counter', 't')",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let has_idle: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('center_profile') WHERE name = 'idle_minutes'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(has_idle, 1);
        let kept: i64 = conn
            .query_row("SELECT count(*) FROM device", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 1);
    }
}
