//! Versions of matters. Publishing a changed matter creates version N+1 as a
//! `matter.published` event; an unchanged one creates nothing. Every case
//! records the version it was taken under, so later edits never change it.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{file, CatalogueError, Matter};
use crate::auth::{Action, Session};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// Payload of `matter.published`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatterPublished {
    pub version: i64,
    pub matter: Matter,
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Codes of matters new to this catalogue.
    pub added: Vec<String>,
    /// Codes of matters that got a new version.
    pub updated: Vec<String>,
    /// How many matters were identical to their current version.
    pub unchanged: usize,
    /// Codes of 一件事 bundles new or changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bundles: Vec<String>,
}

/// A matter as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatterSummary {
    pub code: String,
    pub version: i64,
    pub name: String,
    pub case_type: String,
    pub promised_days: i64,
    pub statutory_days: i64,
    pub fee: String,
    /// Stopped from being taken in (停用): see [`super::withdrawal`].
    pub withdrawn: bool,
}

fn decode(code: &str, json: &str) -> Result<Matter, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::BadEvent {
        device: format!("matter {code}"),
        seq: 0,
        reason: e.to_string(),
    })
}

/// The current version of a matter.
pub fn current(conn: &Connection, code: &str) -> crate::Result<(i64, Matter)> {
    let row: Option<(i64, String)> = conn
        .prepare_cached(
            "SELECT v.version, v.definition FROM matters m
             JOIN matter_versions v ON v.code = m.code AND v.version = m.current_version
             WHERE m.code = ?1",
        )?
        .query_row([code.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (version, json) = row.ok_or_else(|| CatalogueError::NoSuchMatter(code.to_owned()))?;
    Ok((version, decode(code, &json)?))
}

/// A given version of a matter (the one a case was taken under).
pub fn version(conn: &Connection, code: &str, version: i64) -> crate::Result<Matter> {
    let json: String = conn
        .query_row(
            "SELECT definition FROM matter_versions WHERE code = ?1 AND version = ?2",
            params![code, version],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| CatalogueError::NoSuchMatter(format!("{code} 第 {version} 版")))?;
    Ok(decode(code, &json)?)
}

/// Every matter at its current version, by code, withdrawn ones marked.
pub fn list(conn: &Connection) -> Result<Vec<MatterSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.code, v.version, v.name, v.case_type, v.promised_days, v.statutory_days, v.fee,
                w.code IS NOT NULL
         FROM matters m JOIN matter_versions v ON v.code = m.code AND v.version = m.current_version
         LEFT JOIN matter_withdrawals w ON w.code = m.code
         ORDER BY v.code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(MatterSummary {
            code: r.get(0)?,
            version: r.get(1)?,
            name: r.get(2)?,
            case_type: r.get(3)?,
            promised_days: r.get(4)?,
            statutory_days: r.get(5)?,
            fee: r.get(6)?,
            withdrawn: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Publishes `matter` inside a transaction: `Some(version)` when it is new
/// or changed, `None` when identical to the current version.
pub(crate) fn publish_in(
    tx: &Transaction<'_>,
    user_id: &str,
    now: DateTime<FixedOffset>,
    matter: &Matter,
) -> crate::Result<Option<i64>> {
    matter.check()?;
    let version = match current(tx, &matter.code) {
        Ok((_, existing)) if existing == *matter => return Ok(None),
        Ok((v, _)) => v + 1,
        Err(crate::Error::Catalogue(CatalogueError::NoSuchMatter(_))) => 1,
        Err(e) => return Err(e),
    };
    let payload = MatterPublished {
        version,
        matter: matter.clone(),
    };
    let draft = Draft::new(user_id, None, MATTER_PUBLISHED, &payload)?;
    events::append_here(tx, now, draft)?;
    Ok(Some(version))
}

/// Publishes one matter; only a manager may. Returns the new version, or
/// `None` when nothing changed.
pub fn publish(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    matter: &Matter,
) -> crate::Result<Option<i64>> {
    session.authorize(store.conn(), Action::EditCatalogue)?;
    store.write(|tx| publish_in(tx, &session.user_id, now, matter))
}

/// Publishes every matter of a parsed catalogue, then its bundles, in the
/// caller's transaction.
pub(crate) fn import_in(
    tx: &Transaction<'_>,
    user_id: &str,
    now: DateTime<FixedOffset>,
    catalogue: &file::Catalogue,
) -> crate::Result<ImportReport> {
    let mut report = ImportReport::default();
    for m in &catalogue.matters {
        match publish_in(tx, user_id, now, m)? {
            Some(1) => report.added.push(m.code.clone()),
            Some(_) => report.updated.push(m.code.clone()),
            None => report.unchanged += 1,
        }
    }
    for b in &catalogue.bundles {
        if super::bundle::publish_in(tx, user_id, now, b)? {
            report.bundles.push(b.code.clone());
        }
    }
    Ok(report)
}

/// Imports a catalogue file; only a manager may. The whole file is checked
/// first and applied in one transaction: nothing is half-imported. Matters
/// and bundles absent from the file are left as they are.
pub fn import(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    text: &str,
) -> crate::Result<ImportReport> {
    session.authorize(store.conn(), Action::EditCatalogue)?;
    let known: std::collections::HashSet<String> =
        list(store.conn())?.into_iter().map(|m| m.code).collect();
    let catalogue = file::parse_with(text, |c| known.contains(c))?;
    store.write(|tx| import_in(tx, &session.user_id, now, &catalogue))
}

/// Imports a catalogue file a manager chose in the window.
pub fn import_file(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    path: &std::path::Path,
) -> crate::Result<ImportReport> {
    session.authorize(store.conn(), Action::EditCatalogue)?;
    let text = crate::files::read_text(path)?;
    import(store, session, now, &text)
}

/// The current catalogue, its matters and bundles, as a file a manager
/// can edit and import again.
pub fn export(conn: &Connection) -> crate::Result<String> {
    let mut matters = Vec::new();
    for s in list(conn)? {
        matters.push(current(conn, &s.code)?.1);
    }
    Ok(file::to_toml(&file::Catalogue {
        matters,
        bundles: super::bundle::all(conn)?,
    }))
}

/// A catalogue file written into a folder.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub path: String,
    pub matters: usize,
    pub bytes: usize,
}

/// Writes the current catalogue into `folder` (a USB stick) as
/// `事项清单-YYYYMMDD.toml`, whole or not at all.
pub fn export_into(
    conn: &Connection,
    folder: &std::path::Path,
    today: chrono::NaiveDate,
) -> crate::Result<Exported> {
    let text = export(conn)?;
    let path = folder.join(format!("事项清单-{}.toml", today.format("%Y%m%d")));
    crate::files::write_atomic(&path, text.as_bytes())?;
    Ok(Exported {
        path: path.display().to_string(),
        matters: list(conn)?.len(),
        bytes: text.len(),
    })
}

/// A new version of a matter published (payload [`MatterPublished`]).
pub const MATTER_PUBLISHED: &str = "matter.published";

/// catalogue::versions's tables follow its events.
pub const PROJECTOR: Projector = Projector {
    area: "catalogue::versions",
    kinds: &[MATTER_PUBLISHED],
    tables: &["matters", "matter_versions"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: MatterPublished) -> crate::Result<()> {
    let m = &p.matter;
    let definition = serde_json::to_string(m).map_err(|e| StoreError::BadEvent {
        device: event.device_id.clone(),
        seq: event.seq,
        reason: e.to_string(),
    })?;
    tx.execute(
        "INSERT INTO matter_versions (code, version, name, case_type, promised_days, statutory_days, fee,
                                      definition, published_at, published_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            m.code,
            p.version,
            m.name,
            m.case_type.label(),
            m.promised_days,
            m.statutory_days,
            m.fee.to_string(),
            definition,
            event.ts,
            event.user_id
        ],
    )?;
    tx.execute(
        "INSERT INTO matters (code, current_version, name) VALUES (?1, ?2, ?3)
         ON CONFLICT (code) DO UPDATE SET current_version = excluded.current_version, name = excluded.name
         WHERE excluded.current_version > matters.current_version",
        params![m.code, p.version, m.name],
    )?;
    Ok(())
}
