//! Short human numbers of the records people handle besides cases: 投诉
//! TS-A01-007, 整改 ZG-A01-003, 回访 HF-A01-012. The device that opens the
//! record gives the number (its own code and its next serial in that
//! series) and carries it in the event, so every device shows the same
//! number after an exchange. Records opened before numbers existed show the
//! first characters of their id instead. Anywhere a person names such a
//! record (the CLI, the window), the number or the full id is accepted.

use rusqlite::{params, Connection, OptionalExtension};

use super::ServiceError;
use crate::store::{device, StoreError};

/// A kind of record with its own numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Complaint,
    Rectification,
    FollowUp,
}

impl Series {
    fn prefix(self) -> &'static str {
        match self {
            Series::Complaint => "TS",
            Series::Rectification => "ZG",
            Series::FollowUp => "HF",
        }
    }

    /// The table and its id column.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Series::Complaint => ("complaints", "complaint_id"),
            Series::Rectification => ("rectifications", "rectification_id"),
            Series::FollowUp => ("follow_up_calls", "call_id"),
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Series::Complaint => "投诉",
            Series::Rectification => "整改事项",
            Series::FollowUp => "回访任务",
        }
    }
}

/// The next `count` numbers of `series` this device gives.
pub fn next(conn: &Connection, series: Series, count: usize) -> Result<Vec<String>, StoreError> {
    let code = device::load(conn)?.device_code;
    let stem = format!("{}-{code}-", series.prefix());
    let (table, _) = series.table();
    let given: i64 = conn.query_row(
        &format!("SELECT count(*) FROM {table} WHERE number LIKE ?1 || '%'"),
        [&stem],
        |r| r.get(0),
    )?;
    Ok((1..=count as i64)
        .map(|i| format!("{stem}{:03}", given + i))
        .collect())
}

/// The number a record is shown by: its own, else the start of its id.
pub fn shown(number: Option<String>, id: &str) -> String {
    number.unwrap_or_else(|| id.chars().take(8).collect::<String>().to_uppercase())
}

/// The id of the record of `series` a person named by its number (as
/// shown, in any case) or its full id.
pub fn resolve(conn: &Connection, series: Series, named: &str) -> crate::Result<String> {
    let named = named.trim();
    let (table, id) = series.table();
    let found: Option<String> = conn
        .query_row(
            &format!(
                "SELECT {id} FROM {table}
                 WHERE {id} = ?1 OR upper(number) = upper(?1)
                    OR (number IS NULL AND length(?1) = 8 AND upper(substr({id}, 1, 8)) = upper(?1))
                 ORDER BY {id} = ?1 DESC LIMIT 1"
            ),
            params![named],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?;
    found.ok_or_else(|| {
        ServiceError::NotFound {
            kind: series.kind(),
            id: named.to_owned(),
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn a_record_without_a_number_shows_the_start_of_its_id() {
        assert_eq!(shown(Some("TS-A01-007".into()), "x"), "TS-A01-007");
        assert_eq!(shown(None, "0193ab12-cdef-7000"), "0193AB12");
    }
}
