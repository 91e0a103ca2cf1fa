//! The devices whose batches this machine accepts. A manager registers a
//! device from its key line (`bianmin device trust`); the first device of a
//! center registers itself at set-up. Registration is a `device.trusted`
//! event, so it travels with the batches: once the hub trusts agent laptop
//! V03, every counter that imports the hub's batch trusts V03 too.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::keys::{self, KeyLine};
use super::ExchangeError;
use crate::auth::{Action, Session};
use crate::store::device::{self, DeviceRole};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// Payload of `device.trusted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceTrusted {
    pub device_id: String,
    pub device_code: String,
    pub role: DeviceRole,
    pub public_key: String,
}

/// A trusted device as listed for a manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedDevice {
    pub device_id: String,
    pub device_code: String,
    pub role: String,
    pub role_label: &'static str,
    pub public_key: String,
    pub fingerprint: String,
    pub trusted_at: String,
}

/// Registers the device of `key_text` (a key line or the file's text).
pub fn trust(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    key_text: &str,
) -> crate::Result<TrustedDevice> {
    session.authorize(store.conn(), Action::TrustDevice)?;
    let line = KeyLine::parse(key_text)?;
    let own = device::load(store.conn())?;
    if line.device_id == own.device_id {
        return Err(ExchangeError::OwnKey.into());
    }
    if line.center_code != own.center_code {
        return Err(ExchangeError::OtherCenter {
            found: line.center_code,
            ours: own.center_code,
        }
        .into());
    }
    store.write(|tx| {
        if find(tx, &line.device_id)?.is_some() {
            return Err(ExchangeError::AlreadyTrusted(line.device_code.clone()).into());
        }
        if let Some(other) = by_code(tx, &line.device_code)? {
            return Err(ExchangeError::CodeTaken {
                code: line.device_code.clone(),
                fingerprint: other.fingerprint,
            }
            .into());
        }
        append_trusted(tx, &session.user_id, now, &line)?;
        find(tx, &line.device_id)?.ok_or_else(|| StoreError::NotInitialized.into())
    })
}

/// Appends the `device.trusted` event for `line`, in the caller's transaction.
pub(crate) fn append_trusted(
    tx: &Transaction<'_>,
    user_id: &str,
    now: DateTime<FixedOffset>,
    line: &KeyLine,
) -> crate::Result<Event> {
    let payload = DeviceTrusted {
        device_id: line.device_id.clone(),
        device_code: line.device_code.clone(),
        role: line.role,
        public_key: line.public_key.clone(),
    };
    events::append_here(
        tx,
        now,
        Draft::new(user_id, None, DEVICE_TRUSTED, &payload)?,
    )
}

/// A device trusted, or its key replaced (payload [`DeviceTrusted`]).
pub const DEVICE_TRUSTED: &str = "device.trusted";

/// exchange::devices's tables follow its events.
pub const PROJECTOR: Projector = Projector {
    area: "exchange::devices",
    kinds: &[DEVICE_TRUSTED],
    tables: &["devices"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

/// Projects `device.trusted`. A device is trusted with one key: a second
/// registration with another key is refused (a conflict for a manager).
fn project(tx: &Transaction<'_>, event: &Event, p: DeviceTrusted) -> crate::Result<()> {
    if let Some(existing) = find(tx, &p.device_id)? {
        if existing.public_key != p.public_key {
            return Err(ExchangeError::CodeTaken {
                code: p.device_code,
                fingerprint: existing.fingerprint,
            }
            .into());
        }
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO devices (device_id, device_code, role, public_key, fingerprint, trusted_at, trusted_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        p.device_id,
        p.device_code,
        p.role.as_str(),
        p.public_key,
        keys::fingerprint(&p.public_key),
        event.ts,
        event.user_id
    ])?;
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TrustedDevice> {
    let role: String = r.get(2)?;
    Ok(TrustedDevice {
        device_id: r.get(0)?,
        device_code: r.get(1)?,
        role_label: DeviceRole::parse(&role).map_or("未知", DeviceRole::label),
        role,
        public_key: r.get(3)?,
        fingerprint: r.get(4)?,
        trusted_at: r.get(5)?,
    })
}

const COLUMNS: &str = "device_id, device_code, role, public_key, fingerprint, trusted_at";

/// A trusted device by its id.
pub fn find(conn: &Connection, device_id: &str) -> Result<Option<TrustedDevice>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM devices WHERE device_id = ?1"
        ))?
        .query_row([device_id], row)
        .optional()?)
}

/// A trusted device by its code (A01, V03).
pub fn by_code(conn: &Connection, code: &str) -> Result<Option<TrustedDevice>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM devices WHERE device_code = ?1"
        ))?
        .query_row([code.trim()], row)
        .optional()?)
}

/// Every trusted device, by code.
pub fn list(conn: &Connection) -> Result<Vec<TrustedDevice>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM devices ORDER BY device_code"
    ))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The code of a device for messages: its registered code, this device's
/// own code, or the first characters of its id.
pub fn code_of(conn: &Connection, device_id: &str) -> Result<String, StoreError> {
    if let Some(d) = find(conn, device_id)? {
        return Ok(d.device_code);
    }
    if let Ok(own) = device::load(conn) {
        if own.device_id == device_id {
            return Ok(own.device_code);
        }
    }
    Ok(device_id.chars().take(8).collect())
}
