//! Setting up a counter PC or an agent laptop from the hub's batch
//! (`bianmin init --join FILE`). The new device does not publish a
//! catalogue, calendars or an admin of its own — those would collide with
//! the center's — it takes them, and every user, from the hub's batch.
//!
//! The hub is believed on first use: its key is the one the batch carries,
//! and the person installing compares the fingerprint printed here with the
//! one on the hub's screen (or passes it with `--fingerprint`, which is then
//! checked). The hub learns the new device's key from its key line
//! (`bianmin device key`), registered by a manager (`bianmin device trust`).

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::import::{self, ImportReport};
use super::keys::{self, KeyLine};
use super::reader::{Trust, Verified};
use super::{devices, ExchangeError, OnProgress};
use crate::store::device::{self, Device, DeviceRole};
use crate::store::{Store, StoreError};

/// What the person setting up the device enters.
#[derive(Debug, Clone)]
pub struct JoinInput {
    pub device_code: String,
    pub role: DeviceRole,
    /// The fingerprint read from the hub's screen, if typed in.
    pub fingerprint: Option<String>,
    /// The join code the hub showed when it exported the batch.
    pub join_code: Option<String>,
}

/// What joining did.
#[derive(Debug, Clone, Serialize)]
pub struct JoinReport {
    pub device: Device,
    /// The new device's key line, to be registered on the hub.
    pub key_line: String,
    pub fingerprint: String,
    pub hub_code: String,
    pub hub_fingerprint: String,
    pub import: ImportReport,
}

/// Sets up an empty database as a new device of the hub's center.
pub fn join(
    store: &mut Store,
    now: DateTime<FixedOffset>,
    input: &JoinInput,
    batch: &Path,
    progress: OnProgress<'_>,
) -> crate::Result<JoinReport> {
    check_new(store, input)?;
    let verified = import::read_verified(
        store.conn(),
        batch,
        Trust::Joining {
            fingerprint: input.fingerprint.as_deref(),
            code: input.join_code.as_deref(),
        },
        false,
    )?;
    join_verified(store, now, input, verified, None, progress)
}

/// What is refused before any batch is read: a database already set up,
/// joining as the hub, a malformed device code.
pub(crate) fn check_new(store: &Store, input: &JoinInput) -> crate::Result<()> {
    if let Ok(existing) = device::load(store.conn()) {
        return Err(StoreError::AlreadyInitialized(existing.device_code).into());
    }
    if input.role == DeviceRole::Hub {
        return Err(ExchangeError::JoinAsHub.into());
    }
    device::check_device_code(input.device_code.trim()).map_err(ExchangeError::Manifest)?;
    Ok(())
}

/// A device's identity made before it joined (over the LAN the hub
/// registers the key it was asked with, before the batch is sent).
pub(crate) struct Identity {
    pub device_id: String,
    pub key: ed25519_dalek::SigningKey,
    /// Where the hub that sent the batch is: this PC follows it.
    pub hub_address: String,
}

/// Sets up the device from the hub's verified batch, in one transaction:
/// the device, its key, the center's events, and (over the LAN) the hub
/// to follow. With `identity`, the batch may already register this very
/// device (the hub approved it first).
pub(crate) fn join_verified(
    store: &mut Store,
    now: DateTime<FixedOffset>,
    input: &JoinInput,
    verified: Verified,
    identity: Option<Identity>,
    progress: OnProgress<'_>,
) -> crate::Result<JoinReport> {
    let code = input.device_code.trim().to_owned();
    let m = verified.opened.manifest.clone();
    let dev = Device {
        device_id: identity
            .as_ref()
            .map_or_else(|| uuid::Uuid::now_v7().to_string(), |i| i.device_id.clone()),
        device_code: code.clone(),
        center_code: m.center_code.clone(),
        center_name: m.center_name.clone(),
        role: input.role,
    };
    store.write(move |tx| {
        device::insert(tx, &dev, now)?;
        let public_key = match &identity {
            Some(i) => keys::keep(tx, &i.key, now)?,
            None => keys::create(tx, now)?,
        };
        let report = import::apply(tx, verified, now, progress)?;
        match devices::find(tx, &m.device_id)? {
            Some(hub) if hub.public_key == m.public_key => {}
            _ => return Err(ExchangeError::NotAHubBatch.into()),
        }
        if let Some(other) = devices::by_code(tx, &code)? {
            if other.device_id != dev.device_id || other.public_key != public_key {
                return Err(ExchangeError::CodeTaken {
                    code: code.clone(),
                    fingerprint: other.fingerprint,
                }
                .into());
            }
        }
        if let Some(i) = &identity {
            crate::sync::settings::follow(tx, &i.hub_address, now)?;
        }
        let line = KeyLine::of(&dev, public_key);
        Ok(JoinReport {
            device: dev.clone(),
            key_line: line.to_line(),
            fingerprint: line.fingerprint,
            hub_code: m.device_code.clone(),
            hub_fingerprint: m.key_fingerprint.clone(),
            import: report,
        })
    })
}
