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

/// Payload of `device.revoked`: a lost or stolen device's key. Its events
/// up to `after_seq` (what the revoking machine held) still stand; later
/// ones, and its batches, are refused everywhere the revocation reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRevoked {
    pub device_id: String,
    pub device_code: String,
    pub reason: String,
    pub after_seq: i64,
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
    /// Set when the key was revoked: when, why, and its last good seq.
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
    pub revoked_after_seq: Option<i64>,
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
    store.write(|tx| trust_in(tx, &session.user_id, now, &line))
}

/// Checks the device of `line` against this machine (not itself, this
/// center, not yet trusted, its code free) and registers it, in the
/// caller's transaction: the one rule for a key line brought on a stick
/// and a join request made over the LAN (src/sync/enrol.rs).
pub(crate) fn trust_in(
    tx: &Transaction<'_>,
    user_id: &str,
    now: DateTime<FixedOffset>,
    line: &KeyLine,
) -> crate::Result<TrustedDevice> {
    let own = device::load(tx)?;
    if line.device_id == own.device_id {
        return Err(ExchangeError::OwnKey.into());
    }
    if line.center_code != own.center_code {
        return Err(ExchangeError::OtherCenter {
            found: line.center_code.clone(),
            ours: own.center_code,
        }
        .into());
    }
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
    append_trusted(tx, user_id, now, line)?;
    find(tx, &line.device_id)?.ok_or_else(|| StoreError::NotInitialized.into())
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
/// A device's key revoked (payload [`DeviceRevoked`]).
pub const DEVICE_REVOKED: &str = "device.revoked";

/// exchange::devices's tables follow its events.
pub const PROJECTOR: Projector = Projector {
    area: "exchange::devices",
    kinds: &[DEVICE_TRUSTED, DEVICE_REVOKED],
    tables: &["devices"],
    apply: |tx, event| match event.kind.as_str() {
        DEVICE_REVOKED => project_revoked(tx, event, payload(event)?),
        _ => project(tx, event, payload(event)?),
    },
};

/// Revokes the key of the device `code` (a lost or stolen laptop): its
/// batches are refused from now on, and its events after those this
/// machine holds. A manager's act, with a reason; it travels like trust.
/// The laptop joins again as a new device with a new key (its code is free
/// again).
pub fn revoke(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    code: &str,
    reason: &str,
) -> crate::Result<TrustedDevice> {
    session.authorize(store.conn(), Action::TrustDevice)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ExchangeError::RevokeWithoutReason.into());
    }
    store.write(|tx| {
        let d = by_code(tx, code)?
            .ok_or_else(|| ExchangeError::NoSuchDevice(code.trim().to_owned()))?;
        if d.device_id == device::load(tx)?.device_id {
            return Err(ExchangeError::RevokeOwn.into());
        }
        let after_seq = events::head(tx, &d.device_id)?.map_or(0, |(seq, _)| seq);
        let p = DeviceRevoked {
            device_id: d.device_id.clone(),
            device_code: d.device_code.clone(),
            reason: reason.to_owned(),
            after_seq,
        };
        events::append_here(
            tx,
            now,
            Draft::new(&session.user_id, None, DEVICE_REVOKED, &p)?,
        )?;
        find(tx, &d.device_id)?.ok_or_else(|| StoreError::NotInitialized.into())
    })
}

/// Projects `device.revoked`; the first revocation of a key stands.
fn project_revoked(tx: &Transaction<'_>, event: &Event, p: DeviceRevoked) -> crate::Result<()> {
    tx.prepare_cached(
        "UPDATE devices SET revoked_at = ?2, revoked_by = ?3, revoked_reason = ?4, revoked_after_seq = ?5
         WHERE device_id = ?1 AND revoked_at IS NULL",
    )?
    .execute(params![p.device_id, event.ts, event.user_id, p.reason, p.after_seq])?;
    Ok(())
}

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
        revoked_at: r.get(6)?,
        revoked_reason: r.get(7)?,
        revoked_after_seq: r.get(8)?,
    })
}

const COLUMNS: &str = "device_id, device_code, role, public_key, fingerprint, trusted_at,
    revoked_at, revoked_reason, revoked_after_seq";

/// A trusted device by its id.
pub fn find(conn: &Connection, device_id: &str) -> Result<Option<TrustedDevice>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM devices WHERE device_id = ?1"
        ))?
        .query_row([device_id], row)
        .optional()?)
}

/// The device whose key is not revoked holding the code (A01, V03): a
/// revoked laptop's code is free for it to join again with a new key.
pub fn by_code(conn: &Connection, code: &str) -> Result<Option<TrustedDevice>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM devices WHERE device_code = ?1 AND revoked_at IS NULL"
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

/// A device silent longer than this many days is flagged on the 数据交换
/// screen (its laptop may not have been brought to the center).
pub const QUIET_DAYS: i64 = 3;

/// A trusted device with what this machine last received from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    #[serde(flatten)]
    pub device: TrustedDevice,
    /// This machine itself.
    pub own: bool,
    /// The last batch imported here straight from that device, and when.
    pub last_batch_no: Option<i64>,
    pub last_imported_at: Option<String>,
    /// The time of the latest event of that device known here (straight
    /// or relayed by the hub).
    pub last_event_at: Option<String>,
    /// Whole days since that event, as of `now`.
    pub silent_days: Option<i64>,
    /// Another device with nothing known from it for more than
    /// [`QUIET_DAYS`] days (or ever).
    pub quiet: bool,
    /// All of the above in one Chinese line, as the screen and the CLI say it.
    pub note: String,
}

fn note(
    own: bool,
    batch: Option<&(i64, String)>,
    last_event_at: Option<&str>,
    silent_days: Option<i64>,
    quiet: bool,
) -> String {
    if own {
        return "本机".to_owned();
    }
    let mut parts = vec![match batch {
        Some((no, at)) => format!("最近导入第 {no} 批（{}）", short_time(at)),
        None => "本机未直接导入过它的批次".to_owned(),
    }];
    parts.push(match (last_event_at, silent_days) {
        (Some(at), Some(0)) => format!("最新数据 {}（今天）", short_time(at)),
        (Some(at), Some(n)) => format!("最新数据 {}（{n} 天前）", short_time(at)),
        _ => "尚无它的数据".to_owned(),
    });
    if quiet {
        parts.push(format!(
            "超过 {QUIET_DAYS} 天没有新数据，请确认该设备已导出并带回"
        ));
    }
    parts.join("；")
}

use super::origin::short_time;

/// Every trusted device, by code, with its last batch and latest event.
pub fn standing(
    conn: &Connection,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Standing>, StoreError> {
    let own = device::load(conn).ok().map(|d| d.device_id);
    let mut last_batch = conn.prepare_cached(
        "SELECT batch_no, imported_at FROM batch_imports WHERE device_id = ?1
         ORDER BY batch_no DESC LIMIT 1",
    )?;
    let mut last_event = conn.prepare_cached("SELECT max(ts) FROM events WHERE device_id = ?1")?;
    let mut out = Vec::new();
    for d in list(conn)? {
        let batch: Option<(i64, String)> = last_batch
            .query_row([&d.device_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let last_event_at: Option<String> = last_event.query_row([&d.device_id], |r| r.get(0))?;
        let silent_days = last_event_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| (now.date_naive() - t.date_naive()).num_days().max(0));
        let is_own = own.as_deref() == Some(d.device_id.as_str());
        let revoked = d.revoked_at.as_deref().map(|at| {
            format!(
                "密钥已于 {} 吊销（{}），不再接受它的新数据",
                short_time(at),
                d.revoked_reason.as_deref().unwrap_or_default()
            )
        });
        let quiet = !is_own && revoked.is_none() && silent_days.is_none_or(|n| n > QUIET_DAYS);
        out.push(Standing {
            note: revoked.unwrap_or_else(|| {
                note(
                    is_own,
                    batch.as_ref(),
                    last_event_at.as_deref(),
                    silent_days,
                    quiet,
                )
            }),
            own: is_own,
            quiet,
            last_batch_no: batch.as_ref().map(|b| b.0),
            last_imported_at: batch.map(|b| b.1),
            last_event_at,
            silent_days,
            device: d,
        });
    }
    Ok(out)
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
