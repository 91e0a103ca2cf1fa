//! Whether this PC syncs over the hall's LAN and with which hub: a
//! manager's choice per PC (设置 ▸ 局域网同步), kept in this PC's own
//! `sync_settings`. [`plan`] is the one place that decides what the window
//! does with it: the hub serves, a counter or laptop follows the hub at
//! its address or finds it on the LAN (src/sync/discovery.rs), or nothing
//! runs.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{device, SyncError};
use crate::auth::{Action, Session};
use crate::store::device::{self as own, DeviceRole};
use crate::store::{Store, StoreError};

/// This PC's choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub enabled: bool,
    /// `host` or `host:port`; empty on the hub, or to find the hub on
    /// the LAN.
    pub hub_address: String,
}

/// What this PC does about live sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "address", rename_all = "snake_case")]
pub enum Plan {
    /// Turned off here.
    Off,
    /// The hub: serve the hall.
    Serve,
    /// Follow the hub at this address.
    Follow(String),
    /// On, with no address given: find this center's hub on the LAN.
    Discover,
}

/// The choice made here; by default on, with no address yet.
pub fn load(conn: &Connection) -> Result<Settings, StoreError> {
    Ok(conn
        .query_row(
            "SELECT enabled, hub_address FROM sync_settings WHERE singleton = 1",
            [],
            |r| {
                Ok(Settings {
                    enabled: r.get(0)?,
                    hub_address: r.get(1)?,
                })
            },
        )
        .optional()?
        .unwrap_or(Settings {
            enabled: true,
            hub_address: String::new(),
        }))
}

/// What this PC does, from its role and its choice.
pub fn plan(conn: &Connection) -> crate::Result<Plan> {
    let role = own::load(conn)?.role;
    let s = load(conn)?;
    Ok(match (s.enabled, role) {
        (false, _) => Plan::Off,
        (true, DeviceRole::Hub) => Plan::Serve,
        (true, _) if s.hub_address.trim().is_empty() => Plan::Discover,
        (true, _) => Plan::Follow(device::hub_address(&s.hub_address)),
    })
}

/// A manager turns LAN sync on or off on this PC and says where the hub
/// is (empty: found on the LAN; not needed on the hub itself). A
/// malformed address is refused.
pub fn set(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    enabled: bool,
    hub_address: &str,
) -> crate::Result<Settings> {
    session.authorize(store.conn(), Action::EditCenter)?;
    let address = hub_address.trim();
    if !address.is_empty() {
        check_address(address)?;
    }
    store.write(|tx| -> crate::Result<()> {
        tx.execute(
            "INSERT INTO sync_settings (singleton, enabled, hub_address, set_by, set_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (singleton) DO UPDATE SET enabled = ?1, hub_address = ?2, set_by = ?3, set_at = ?4",
            params![enabled, address, session.user_id, now.to_rfc3339()],
        )
        .map_err(StoreError::from)?;
        Ok(())
    })?;
    Ok(Settings {
        enabled,
        hub_address: address.to_owned(),
    })
}

/// A PC that joined the center over the LAN follows the hub it joined
/// from, in the join's transaction (nobody chose it: `set_by` is empty).
pub(crate) fn follow(
    tx: &rusqlite::Transaction<'_>,
    hub_address: &str,
    now: DateTime<FixedOffset>,
) -> crate::Result<()> {
    check_address(hub_address)?;
    tx.execute(
        "INSERT INTO sync_settings (singleton, enabled, hub_address, set_by, set_at)
         VALUES (1, 1, ?1, NULL, ?2)
         ON CONFLICT (singleton) DO UPDATE SET enabled = 1, hub_address = ?1, set_by = NULL, set_at = ?2",
        params![hub_address, now.to_rfc3339()],
    )
    .map_err(StoreError::from)?;
    Ok(())
}

/// `host` or `host:port`: letters, digits, dots, hyphens; a port 1–65535.
fn check_address(address: &str) -> Result<(), SyncError> {
    let (host, port) = match address.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (address, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(SyncError::BadHubAddress(address.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_a_host_with_an_optional_port() {
        for ok in [
            "192.168.1.10",
            "192.168.1.10:47341",
            "zhongxin-pc",
            "hub.local:5000",
        ] {
            assert!(check_address(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "192.168.1.10:",
            "192.168.1.10:0",
            "192.168.1.10:70000",
            "中心电脑",
            "a b",
            "http://x",
        ] {
            assert!(check_address(bad).is_err(), "{bad}");
        }
    }
}
