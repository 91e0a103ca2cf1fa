//! Every area's projector, in one list: the store applies an event by
//! looking up the projector that claims its kind (src/store/projection.rs),
//! and a rebuild empties each area's tables and replays the log.
//!
//! To add an event kind: declare its constant in the area that appends it,
//! beside the code that appends it, and add it to that area's `PROJECTOR`
//! (`kinds`, and `tables` for a new table, whose `CREATE TABLE` goes into
//! `schema.sql` and a new numbered migration). A new area adds its
//! `PROJECTOR` here. The unit tests below refuse a kind claimed twice and a
//! schema table nobody owns.

use crate::store::projection::Projector;
use crate::store::{projection, Store};
use crate::{
    auth, calendar, catalogue, center, documents, exchange, intake, lifecycle, scans, service,
};

/// Every area's projector. The order is the order tables are listed in;
/// events are applied in the canonical order whatever it is.
pub static ALL: &[&Projector] = &[
    &auth::users::PROJECTOR,
    &catalogue::versions::PROJECTOR,
    &catalogue::withdrawal::PROJECTOR,
    &catalogue::bundle::PROJECTOR,
    &calendar::schedule::PROJECTOR,
    &calendar::recompute::PROJECTOR,
    &center::PROJECTOR,
    &intake::record::PROJECTOR,
    &intake::lookup::PROJECTOR,
    &lifecycle::projector::PROJECTOR,
    &lifecycle::stand_in::PROJECTOR,
    &documents::PROJECTOR,
    &scans::PROJECTOR,
    &documents::guide::PROJECTOR,
    &service::consultation::PROJECTOR,
    &service::evaluation::PROJECTOR,
    &service::complaints::PROJECTOR,
    &exchange::devices::PROJECTOR,
    &exchange::conflicts::PROJECTOR,
];

/// Tables of the schema that no event fills: the log itself and what each
/// device keeps for itself alone. Each is named with the area that owns it.
pub const LOCAL_TABLES: &[(&str, &str)] = &[
    ("events", "store::events: the log"),
    (
        "scan_files",
        "scans: the content of scanned materials, by SHA-256",
    ),
    ("device", "store::device: this device's identity"),
    (
        "device_clocks",
        "store::order: the canonical order's clocks",
    ),
    (
        "projection_head",
        "store::order: how far the tables follow the log",
    ),
    (
        "event_order",
        "store::order: where each event stands in the canonical order",
    ),
    (
        "chain_heads",
        "exchange::origin: chain heads signed by their devices, to relay",
    ),
    (
        "forks",
        "exchange::forks: two signed events for one place of a chain",
    ),
    ("device_key", "exchange::keys: this device's signing key"),
    (
        "pending_events",
        "exchange::import: events held until their gap is filled",
    ),
    (
        "batch_exports",
        "exchange::export: batches this device wrote",
    ),
    (
        "batch_imports",
        "exchange::import: batches this device read",
    ),
    (
        "printer_choices",
        "printing: where each document prints on this PC",
    ),
    (
        "sync_settings",
        "sync::settings: whether and where this PC syncs over the LAN",
    ),
    (
        "join_requests",
        "sync::enrol: the PCs asking the hub over the LAN to join the center",
    ),
    (
        "backup_settings",
        "backup::schedule: where and when this device backs up",
    ),
    (
        "backup_runs",
        "backup::schedule: the backups this device made",
    ),
];

/// Empties every projection and replays the log, in one transaction; a
/// manager's or admin's act. Returns how many events were replayed.
pub fn rebuild(store: &mut Store, session: &auth::Session) -> crate::Result<usize> {
    session.authorize(store.conn(), auth::Action::Maintain)?;
    store.write(|tx| {
        let replayed = projection::replay(tx)?;
        // Refilled at once: merged at once (src/intake/search_index.rs).
        crate::intake::search_index::optimize(tx)?;
        Ok(replayed)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn no_event_kind_is_claimed_twice() {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for p in ALL {
            for kind in p.kinds {
                if let Some(other) = seen.insert(kind, p.area) {
                    panic!("{kind} is claimed by {other} and {}", p.area);
                }
                assert_eq!(
                    projection::claiming(kind).map(|c| c.area),
                    Some(p.area),
                    "{kind}"
                );
            }
        }
        assert!(seen.len() >= 30, "{seen:?}");
        assert!(projection::claiming("case.unknown_step").is_none());
    }

    #[test]
    fn every_table_of_the_schema_has_exactly_one_owner() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let schema: BTreeSet<String> = store
            .conn()
            .prepare(
                // A full-text index's own tables (case_search_data …) are
                // its owner's with it.
                r"SELECT name FROM sqlite_master m WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                   AND NOT EXISTS (SELECT 1 FROM sqlite_master v
                                   WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%' AND m.name LIKE v.name || '\_%' ESCAPE '\')",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut owners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for table in projection::STORE_TABLES {
            owners.entry(table).or_default().push("store::projection");
        }
        for p in ALL {
            for table in p.tables {
                owners.entry(table).or_default().push(p.area);
            }
        }
        for (table, area) in LOCAL_TABLES {
            owners.entry(table).or_default().push(area);
        }
        for (table, by) in &owners {
            assert_eq!(by.len(), 1, "{table} is owned by {by:?}");
            assert!(schema.contains(*table), "{table} is not in the schema");
        }
        for table in &schema {
            assert!(
                owners.contains_key(table.as_str()),
                "{table} is in the schema but no projector or local owner names it"
            );
        }
    }
}
