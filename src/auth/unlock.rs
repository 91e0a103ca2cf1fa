//! Logging in to an encrypted database: the typed password unwraps the
//! database key from the key file (see `store::encryption`), the database
//! opens, and the ordinary login ([`users::authenticate`]) runs inside it.
//!
//! While the database is shut, a wrong password cannot be written to its
//! audit log, so it is counted in the key file under the same rule as
//! everywhere (the center's `lockout_attempts` in a row lock the account for
//! `lockout_minutes`, copied into the key file). The next successful login
//! carries those failures into the audit log as `auth.login_failed` events
//! before its own reset, so the log misses none.

use std::path::Path;

use chrono::{DateTime, FixedOffset, SecondsFormat};

use super::key_file::{self, Failure, KeyFile};
use super::users::{self, LoginAttempt, LOGIN_FAILED};
use super::{AuthError, Session};
use crate::store::encryption;
use crate::store::events::{self, Draft};
use crate::store::Store;

/// Whether the database at `db` is encrypted (a login must open it).
pub fn needs_login(db: &Path) -> bool {
    encryption::is_encrypted(db)
}

/// What the login screen of an encrypted device can show before anyone
/// has logged in: the device as its key file names it.
pub fn device(db: &Path) -> crate::Result<crate::store::device::Device> {
    Ok(KeyFile::read(&encryption::key_file_path(db))?.device)
}

/// Opens the encrypted database at `db` for `username` and logs them in.
pub fn login(
    db: &Path,
    now: DateTime<FixedOffset>,
    username: &str,
    password: &str,
) -> crate::Result<(Store, Session)> {
    let key_path = encryption::key_file_path(db);
    let mut file = KeyFile::read(&key_path)?;
    let device_id = file.device.device_id.clone();
    let attempts = file.lockout_attempts;
    let minutes = file.lockout_minutes;
    let Some(entry) = file.entry(username) else {
        // Spend the same work as a real check: timing does not tell
        // whether the username can open this device.
        let _ = users::verify_credentials_timing(password);
        return Err(AuthError::BadCredentials.into());
    };
    if let Some(until) = entry.locked_until(now) {
        return Err(AuthError::locked(attempts, until).into());
    }
    let Some(key) = key_file::unwrap(entry, &device_id, password)? else {
        let entry = file.entry_mut(username).ok_or(AuthError::BadCredentials)?;
        // A lock that has run out starts the count afresh.
        let lapsed = entry
            .failures
            .last()
            .is_some_and(|f| f.locked_until.is_some());
        if lapsed {
            entry.failures.clear();
        }
        let failures = entry.failures.len() as u32 + 1;
        let until = users::lock_after(failures, attempts, minutes, now);
        entry.failures.push(Failure {
            at: now.to_rfc3339_opts(SecondsFormat::Millis, false),
            failures,
            locked_until: until.map(|u| u.to_rfc3339_opts(SecondsFormat::Millis, false)),
        });
        file.write(&key_path)?;
        return Err(match until {
            Some(u) => AuthError::locked(attempts, u),
            None => AuthError::BadCredentials,
        }
        .into());
    };
    let mut store = Store::open_encrypted(db, &key)?;
    let pending = file
        .entry(username)
        .map(|e| (e.user_id.clone(), e.failures.clone()))
        .filter(|(_, f)| !f.is_empty());
    if let Some((user_id, failures)) = pending {
        store.write(|tx| -> crate::Result<()> {
            for f in failures {
                let p = LoginAttempt {
                    user_id: user_id.clone(),
                    failures: f.failures,
                    locked_until: f.locked_until,
                    at: Some(f.at),
                };
                events::append_here(tx, now, Draft::new(&user_id, None, LOGIN_FAILED, &p)?)?;
            }
            Ok(())
        })?;
        if let Some(e) = file.entry_mut(username) {
            e.failures.clear();
        }
        file.write(&key_path)?;
    }
    let session = users::authenticate(&mut store, now, username, password)?;
    // Bring the key file up to date with the users now in the database.
    super::key_file::follow(&mut store, db)?;
    Ok((store, session))
}
