//! Schema versions, keyed on `PRAGMA user_version`.
//!
//! Version 1 is `schema.sql`. A later change adds a numbered step to
//! [`MIGRATIONS`]; old steps are never edited. Opening an older file runs the
//! missing steps in one transaction; a newer file is refused untouched.

use rusqlite::Connection;

use super::StoreError;

/// Each step brings the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[include_str!("../../schema.sql")];

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
}
