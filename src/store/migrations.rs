//! Schema versions, keyed on `PRAGMA user_version`.
//!
//! Version 1 is `schema.sql`. A later change adds a numbered step to
//! [`MIGRATIONS`]; old steps are never edited. Opening an older file runs the
//! missing steps in one transaction; a newer file is refused untouched.

use rusqlite::Connection;

use super::StoreError;

/// Each step brings the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../schema.sql"),
    // 2: the idle lock of the window, in minutes, set by a manager.
    "ALTER TABLE center_profile ADD COLUMN idle_minutes INTEGER NOT NULL DEFAULT 10
         CHECK (idle_minutes BETWEEN 1 AND 240);",
    // 3: the ledger and dashboard look up cases by completion day and
    // events by day; an on-the-spot case is completed on its intake day.
    "CREATE INDEX cases_by_completed_on ON cases (completed_on) WHERE completed_on IS NOT NULL;
     CREATE INDEX events_by_day ON events (substr(ts, 1, 10));
     UPDATE cases SET completed_on = received_on WHERE outcome = 'on_the_spot' AND completed_on IS NULL;",
    // 4: offline exchange (src/exchange) and the village agent's cases.
    include_str!("migration_4_exchange.sql"),
    // 5: the window's backup settings and the record of backups.
    include_str!("migration_5_backup.sql"),
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
    for step in &MIGRATIONS[found as usize..] {
        tx.execute_batch(step)?;
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
