//! Origin authentication: every event is authenticated by the device that
//! made it, whoever relays it.
//!
//! A device signs the head of its own chain — (device, seq, hash) — with
//! its own key whenever it writes a batch. Each event's hash covers the
//! previous one's, so that one signature proves every event of the device
//! up to that seq. A batch (version 2) carries, for each source device, the
//! origin's signature of the head its range ends at; an importer checks it
//! against that device's registered key, not the writer's (check 7). A
//! relaying device keeps the heads it received (`chain_heads`) and relays
//! each source's events only up to a head it holds a signature for.
//!
//! Which keys count: the devices registered here, and those a verified
//! range of the same batch registers (`device.trusted` travels with the
//! events, so a counter learns agent laptop V03 from the hub's batch that
//! also carries V03's cases). A revoked key (`device.revoked`) still
//! proves its events up to the seq named at revocation, and nothing after.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::devices::{self, DeviceRevoked, DeviceTrusted, DEVICE_REVOKED, DEVICE_TRUSTED};
use super::manifest::{Manifest, SourceRange};
use super::{keys, ExchangeError};
use crate::store::device;
use crate::store::events::Event;
use crate::store::StoreError;

/// Domain separation of a signed chain head.
const HEAD_DOMAIN: &str = "bianmin-chain-head/v1";

/// A chain head signed by the device that made the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHead {
    pub device_id: String,
    pub seq: i64,
    pub hash: String,
    pub signature: String,
}

/// The bytes a device signs for its head.
fn message(device_id: &str, seq: i64, hash: &str) -> Vec<u8> {
    format!("{HEAD_DOMAIN}\n{device_id}\n{seq}\n{hash}").into_bytes()
}

/// This device's signature of its own head (`device_id` must be this device).
pub fn sign_own(conn: &Connection, device_id: &str, seq: i64, hash: &str) -> crate::Result<String> {
    keys::sign(conn, &message(device_id, seq, hash))
}

/// Whether `signature` is `public_key`'s signature of the head.
pub fn verify(public_key: &str, device_id: &str, seq: i64, hash: &str, signature: &str) -> bool {
    keys::verify(public_key, &message(device_id, seq, hash), signature)
}

/// Where a relayed range of `device_id` starting at `from` ends: the first
/// signed head at or after `wanted` (the events up to it are sent, so the
/// origin's signature proves them), else the last signed head before it;
/// `None` when this machine holds no signed head of the device from `from`
/// on (events received before version 2 wait for that device's next batch).
pub(crate) fn relay_end(
    conn: &Connection,
    device_id: &str,
    from: i64,
    wanted: i64,
) -> Result<Option<SignedHead>, StoreError> {
    let row = |r: &rusqlite::Row<'_>| {
        Ok(SignedHead {
            device_id: device_id.to_owned(),
            seq: r.get(0)?,
            hash: r.get(1)?,
            signature: r.get(2)?,
        })
    };
    let after = conn
        .prepare_cached(
            "SELECT seq, hash, signature FROM chain_heads WHERE device_id = ?1 AND seq >= ?2
             ORDER BY seq LIMIT 1",
        )?
        .query_row(params![device_id, wanted], row)
        .optional()?;
    if after.is_some() {
        return Ok(after);
    }
    Ok(conn
        .prepare_cached(
            "SELECT seq, hash, signature FROM chain_heads WHERE device_id = ?1 AND seq BETWEEN ?2 AND ?3
             ORDER BY seq DESC LIMIT 1",
        )?
        .query_row(params![device_id, from, wanted], row)
        .optional()?)
}

/// Keeps the heads of an imported batch, to relay them on.
pub(crate) fn keep(tx: &Transaction<'_>, heads: &[SignedHead]) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO chain_heads (device_id, seq, hash, signature) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for h in heads {
        stmt.execute(params![h.device_id, h.seq, h.hash, h.signature])?;
    }
    Ok(())
}

/// What this machine knows of a device's key while checking a batch.
#[derive(Debug, Clone)]
struct Known {
    public_key: String,
    /// Set for a revoked key: its last good seq, when, and why.
    revoked: Option<(i64, String, String)>,
}

/// Check 7: every source range of the batch ends at a head its origin
/// signed. `writer_key`: the writer's key when it is not registered here
/// (joining a center from the hub's batch). Returns the signed heads, for
/// [`keep`].
pub(crate) fn check(
    conn: &Connection,
    manifest: &Manifest,
    events: &BTreeMap<String, Vec<Event>>,
    writer_key: Option<&str>,
) -> crate::Result<Vec<SignedHead>> {
    let mut known: HashMap<String, Known> = HashMap::new();
    for d in devices::list(conn)? {
        known.insert(
            d.device_id.clone(),
            Known {
                public_key: d.public_key.clone(),
                revoked: d.revoked_after_seq.map(|s| {
                    (
                        s,
                        d.revoked_at.clone().unwrap_or_default(),
                        d.revoked_reason.clone().unwrap_or_default(),
                    )
                }),
            },
        );
    }
    // This device's own events, relayed back to it, are proven by its own
    // key even where no registration of itself was ever made.
    if let (Ok(own), Ok(key)) = (device::load(conn), keys::public_key(conn)) {
        known.entry(own.device_id).or_insert(Known {
            public_key: key,
            revoked: None,
        });
    }
    if let Some(key) = writer_key {
        known
            .entry(manifest.device_id.clone())
            .or_insert_with(|| Known {
                public_key: key.to_owned(),
                revoked: None,
            });
    }
    if manifest.version < 2 {
        return check_version_1(manifest);
    }
    let mut verified: Vec<&SourceRange> = Vec::new();
    let mut waiting: Vec<&SourceRange> = manifest.sources.iter().collect();
    loop {
        let before = waiting.len();
        let mut still = Vec::new();
        for range in waiting {
            let Some(k) = known.get(&range.device_id) else {
                still.push(range);
                continue;
            };
            let signature = range.head_signature.as_deref().unwrap_or_default();
            if !verify(
                &k.public_key,
                &range.device_id,
                range.last_seq,
                &range.last_hash,
                signature,
            ) {
                return Err(ExchangeError::UnsignedOrigin {
                    device: range.device_code.clone(),
                    first: range.first_seq,
                    last: range.last_seq,
                }
                .into());
            }
            // Devices this range registers count for the rest of the batch.
            for e in events.get(&range.device_id).into_iter().flatten() {
                if e.kind == DEVICE_TRUSTED {
                    if let Ok(p) = serde_json::from_value::<DeviceTrusted>(e.payload.clone()) {
                        known.entry(p.device_id).or_insert(Known {
                            public_key: p.public_key,
                            revoked: None,
                        });
                    }
                }
            }
            verified.push(range);
        }
        waiting = still;
        if waiting.is_empty() || waiting.len() == before {
            break;
        }
    }
    if let Some(range) = waiting.first() {
        return Err(ExchangeError::UnknownOrigin(range.device_code.clone()).into());
    }
    // Revocations this batch carries count as well.
    for range in &verified {
        for e in events.get(&range.device_id).into_iter().flatten() {
            if e.kind == DEVICE_REVOKED {
                if let Ok(p) = serde_json::from_value::<DeviceRevoked>(e.payload.clone()) {
                    if let Some(k) = known.get_mut(&p.device_id) {
                        k.revoked
                            .get_or_insert((p.after_seq, e.ts.clone(), p.reason.clone()));
                    }
                }
            }
        }
    }
    let mut heads = Vec::with_capacity(verified.len());
    for range in verified {
        if let Some((after, at, reason)) =
            known.get(&range.device_id).and_then(|k| k.revoked.clone())
        {
            if range.last_seq > after {
                return Err(ExchangeError::RevokedOrigin {
                    device: range.device_code.clone(),
                    at: short_time(&at),
                    reason,
                    after,
                }
                .into());
            }
        }
        heads.push(SignedHead {
            device_id: range.device_id.clone(),
            seq: range.last_seq,
            hash: range.last_hash.clone(),
            signature: range.head_signature.clone().unwrap_or_default(),
        });
    }
    Ok(heads)
}

/// A batch of version 1 carries no origin signatures: its writer's own
/// events are proven by the batch's signature, and events it relays for
/// other devices cannot be, so such a batch is refused.
fn check_version_1(manifest: &Manifest) -> crate::Result<Vec<SignedHead>> {
    match manifest
        .sources
        .iter()
        .find(|r| r.device_id != manifest.device_id)
    {
        Some(relayed) => Err(ExchangeError::UnsignedOrigin {
            device: relayed.device_code.clone(),
            first: relayed.first_seq,
            last: relayed.last_seq,
        }
        .into()),
        None => Ok(Vec::new()),
    }
}

/// `2026-12-02T16:30:05+08:00` as `2026-12-02 16:30`.
pub(crate) fn short_time(rfc3339: &str) -> String {
    rfc3339
        .chars()
        .take(16)
        .collect::<String>()
        .replace('T', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn a_head_signature_binds_device_seq_and_hash() {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let public = hex::encode(key.verifying_key().to_bytes());
        let sig = hex::encode(key.sign(&message("dev", 5, "ab")).to_bytes());
        assert!(verify(&public, "dev", 5, "ab", &sig));
        assert!(!verify(&public, "dev", 6, "ab", &sig));
        assert!(!verify(&public, "dev", 5, "ac", &sig));
        assert!(!verify(&public, "other", 5, "ab", &sig));
        assert!(!verify(&public, "dev", 5, "ab", ""));
    }
}
