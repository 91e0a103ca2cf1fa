//! A canonical text dump of every projection table: one line per row, rows
//! sorted by all their columns. Two databases with the same dump answer
//! every query the same way; `bianmin rebuild` is tested with it.

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::projection;
use super::StoreError;

/// The dump of all projection tables, in table-name order.
pub fn projections(conn: &Connection) -> Result<String, StoreError> {
    let mut tables = projection::tables();
    tables.sort_unstable();
    let mut out = String::new();
    for table in tables {
        dump_table(conn, table, &mut out)?;
    }
    Ok(out)
}

fn dump_table(conn: &Connection, table: &str, out: &mut String) -> Result<(), StoreError> {
    let columns = conn
        .prepare(&format!("SELECT * FROM {table} LIMIT 0"))?
        .column_count();
    let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT * FROM {table} ORDER BY {}",
        order.join(", ")
    ))?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        out.push_str(table);
        for (i, name) in names.iter().enumerate() {
            out.push('|');
            out.push_str(name);
            out.push('=');
            match row.get_ref(i)? {
                ValueRef::Null => out.push_str("NULL"),
                ValueRef::Integer(n) => out.push_str(&n.to_string()),
                ValueRef::Real(f) => out.push_str(&format!("{f:?}")),
                ValueRef::Text(t) => out.push_str(
                    &serde_json::Value::String(String::from_utf8_lossy(t).into_owned()).to_string(),
                ),
                ValueRef::Blob(b) => out.push_str(&hex::encode(b)),
            }
        }
        out.push('\n');
    }
    Ok(())
}
