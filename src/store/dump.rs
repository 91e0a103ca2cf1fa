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

/// A canonical description of the schema: every table with its columns in
/// order (type, NOT NULL, default, key), its foreign keys and the clauses
/// of its definition (CHECK constraints and all) as a sorted set, and every
/// index and trigger by its definition. Two files with the same description
/// have the same schema, however each came to it (a new file made from
/// `schema.sql`, or an old one upgraded step by step, whose `ALTER TABLE`
/// appended columns after the table's constraints).
pub fn schema(conn: &Connection) -> Result<String, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let objects: Vec<(String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = String::new();
    for (kind, name, table, sql) in objects {
        out.push_str(&format!("{kind} {name} on {table}\n"));
        if kind != "table" {
            out.push_str(&format!("  {}\n", normalized(&sql)));
            continue;
        }
        let mut cols = conn.prepare(&format!("PRAGMA table_xinfo({name})"))?;
        let mut rows = cols.query([])?;
        while let Some(r) = rows.next()? {
            let (col, ty, notnull, default, pk): (String, String, i64, Option<String>, i64) =
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
            out.push_str(&format!(
                "  column {col} {ty} notnull={notnull} default={} pk={pk}\n",
                default.unwrap_or_default()
            ));
        }
        let mut fks = conn.prepare(&format!("PRAGMA foreign_key_list({name})"))?;
        let mut rows = fks.query([])?;
        while let Some(r) = rows.next()? {
            let (to, from, col): (String, String, Option<String>) =
                (r.get(2)?, r.get(3)?, r.get(4)?);
            out.push_str(&format!(
                "  fk {from} -> {to}.{}\n",
                col.unwrap_or_default()
            ));
        }
        let mut clauses = table_clauses(&sql);
        clauses.sort();
        for c in clauses {
            out.push_str(&format!("  clause {c}\n"));
        }
    }
    Ok(out)
}

/// SQL text without comments, with white space folded and none next to
/// punctuation.
fn normalized(sql: &str) -> String {
    let mut text = String::new();
    for line in sql.lines() {
        let line = match line.find("--") {
            Some(i) => &line[..i],
            None => line,
        };
        text.push_str(line);
        text.push(' ');
    }
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(folded.len());
    let chars: Vec<char> = folded.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = i.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i + 1).copied();
            let tight = |x: Option<char>| matches!(x, Some('(' | ')' | ','));
            if tight(before) || tight(after) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The top-level clauses of a `CREATE TABLE` (each column definition and
/// table constraint), normalized.
fn table_clauses(sql: &str) -> Vec<String> {
    let text = normalized(sql);
    let (Some(open), Some(close)) = (text.find('('), text.rfind(')')) else {
        return vec![text];
    };
    let mut out = vec![text[..open].to_owned()];
    let (mut depth, mut start) = (0usize, open + 1);
    for (i, c) in text[..close].char_indices().skip(open + 1) {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(text[start..i].to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..close].to_owned());
    out
}
