//! Many rows into one table, [`PER_STATEMENT`] rows to a statement. An
//! imported batch adds a hundred thousand events and as many canonical-order
//! rows; one statement per row spent about a tenth of the import on what
//! every statement costs whatever it writes (finding it in the statement
//! cache, starting it, closing its cursors, putting it back).

use rusqlite::{ToSql, Transaction};

use super::StoreError;

/// How many rows one statement inserts: large enough that a statement's
/// own cost is spread thin, small enough that the values of a full
/// statement (ten columns for an event) stay far below SQLite's limit of
/// 32 766.
pub const PER_STATEMENT: usize = 64;

/// Inserts one row per item of `items` with `head` (`INSERT INTO t (a, b)`,
/// or `INSERT OR REPLACE …`), each row's `N` values given by `values`, in
/// the order of `items`: the same rows, in the same order, as one
/// statement per row would insert; an error stops at the statement that
/// failed, as it would there.
///
/// Not for rows written among the projections: a statement of several rows
/// keeps a statement journal, and each one makes the search index (FTS5),
/// once written in the transaction, flush its pending terms to a segment of
/// their own. Writing a case's materials this way made an import 12 %
/// slower. The log's rows are written before the projections are applied,
/// their places in the canonical order after.
pub fn insert_all<T, const N: usize>(
    tx: &Transaction<'_>,
    head: &str,
    items: &[T],
    values: impl Fn(&T) -> [&dyn ToSql; N],
) -> Result<(), StoreError> {
    let one_row = format!("({})", vec!["?"; N].join(", "));
    let sql = |rows: usize| format!("{head} VALUES {}", vec![one_row.as_str(); rows].join(", "));
    let mut full = items.chunks_exact(PER_STATEMENT);
    if items.len() >= PER_STATEMENT {
        let mut stmt = tx.prepare_cached(&sql(PER_STATEMENT))?;
        for chunk in &mut full {
            bind_and_run(&mut stmt, chunk, &values)?;
        }
    }
    // The rest one row to a statement: one statement of each shape stays
    // in the connection's cache, not one per count of rows left over (the
    // LAN's batches of a few events would crowd the projectors' out).
    let rest = full.remainder();
    if !rest.is_empty() {
        let mut stmt = tx.prepare_cached(&sql(1))?;
        for row in rest.chunks(1) {
            bind_and_run(&mut stmt, row, &values)?;
        }
    }
    Ok(())
}

fn bind_and_run<T, const N: usize>(
    stmt: &mut rusqlite::Statement<'_>,
    rows: &[T],
    values: &impl Fn(&T) -> [&dyn ToSql; N],
) -> Result<(), StoreError> {
    let mut at = 1;
    for row in rows {
        for value in values(row) {
            stmt.raw_bind_parameter(at, value)?;
            at += 1;
        }
    }
    stmt.raw_execute()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER NOT NULL, word TEXT NOT NULL UNIQUE)")
            .unwrap();
        conn
    }

    fn rows(conn: &Connection) -> Vec<(i64, String)> {
        conn.prepare("SELECT n, word FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn every_row_is_inserted_in_order_across_full_statements_and_the_rest() {
        for count in [
            0,
            1,
            PER_STATEMENT - 1,
            PER_STATEMENT,
            2 * PER_STATEMENT + 5,
        ] {
            let mut conn = table();
            let items: Vec<(i64, String)> = (0..count as i64)
                .map(|n| (1000 - n, format!("第{n}行")))
                .collect();
            let tx = conn.transaction().unwrap();
            insert_all(&tx, "INSERT INTO t (n, word)", &items, |(n, w)| [n, w]).unwrap();
            tx.commit().unwrap();
            assert_eq!(rows(&conn), items, "{count} rows");
        }
    }

    #[test]
    fn a_refused_row_fails_the_call() {
        let mut conn = table();
        let mut items: Vec<(i64, String)> = (0..PER_STATEMENT as i64 + 3)
            .map(|n| (n, format!("w{n}")))
            .collect();
        items[PER_STATEMENT + 1].1 = "w0".to_owned();
        let tx = conn.transaction().unwrap();
        let refused = insert_all(&tx, "INSERT INTO t (n, word)", &items, |(n, w)| [n, w]);
        assert!(refused.is_err());
    }
}
