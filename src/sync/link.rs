//! What the two ends of a connection say, the same on the hub and on a
//! device:
//!
//! - `Heads`: per device, the last event this end holds, and how many
//!   batches it has received on this connection (so the other knows its
//!   last batch was applied). Sent at the start, after each change and as
//!   the heartbeat.
//! - `Batch`: a signed batch (the very zip a USB stick carries) of every
//!   event the other end lacks, composed from its last heads; one at a
//!   time, the next after the other has answered.
//! - `Refused`: the other end's batch failed a check; the connection ends
//!   and the reason is shown on both ends.
//! - `Want`: the scanned files this end has lines for but not the files
//!   (by SHA-256), asked once per connection, at its start and after each
//!   batch applied; the other end answers with a `File` for each it keeps,
//!   then `FilesEnd`, and sends any other it is asked for as soon as it
//!   comes (on the hub: from the device that attached it). A file is checked against its hash before it is kept
//!   (src/exchange/scan_files.rs); a wrong one refuses the connection like
//!   a refused batch. Files go one per message, never inside a batch, so a
//!   day of scans never makes one message.
//!
//! New local events (an intake at this PC, a batch from another device on
//! the hub) are noticed through SQLite's data version, checked every
//! [`TICK`]; the other end learns of them at once, without asking.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::channel::{io_lost, read_frame, Assembler, Channel};
use super::{Notice, SyncError, HEARTBEAT, SILENCE_LIMIT};
use crate::exchange::export::{self, Compose, Scans};
use crate::exchange::{import, scan_files};
use crate::store::{events, Store, StoreError};

pub(super) const HEADS: u8 = 1;
pub(super) const BATCH: u8 = 2;
pub(super) const REFUSED: u8 = 3;
/// To a PC asking to join: still waiting for a manager (src/sync/enrol.rs).
pub(super) const WAITING: u8 = 4;
/// From a PC that joined: the center's batch is applied.
pub(super) const JOINED: u8 = 5;
/// The scanned files this end lacks (JSON list of SHA-256).
pub(super) const WANT: u8 = 6;
/// One scanned file: its SHA-256 (64 hex) then its content.
pub(super) const FILE: u8 = 7;
/// Every file of the last `Want` this end keeps has been sent.
pub(super) const FILES_END: u8 = 8;
/// At most this many files asked for in one `Want`.
const WANT_AT_ONCE: usize = 256;

/// How often local changes are looked for.
pub const TICK: Duration = Duration::from_millis(50);

/// Per device id, the last seq held.
pub type Heads = BTreeMap<String, i64>;

#[derive(Debug, Serialize, Deserialize)]
struct HeadsMessage {
    heads: Heads,
    received: u64,
}

/// How long a link runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Until the connection ends or `stop` is set.
    Continuous,
    /// Until both ends hold the same (`bianmin sync --once`).
    Once,
}

fn heads_of(store: &Store) -> Result<Heads, StoreError> {
    Ok(events::heads(store.conn())?.into_iter().collect())
}

fn data_version(store: &Store) -> Result<i64, StoreError> {
    Ok(store
        .conn()
        .query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

/// How many events of `own` the other end (`peer_id`, whose own events
/// it has anyway) lacks by its `theirs`.
fn behind(own: &Heads, theirs: &Heads, peer_id: &str) -> u64 {
    own.iter()
        .filter(|(d, _)| d.as_str() != peer_id)
        .map(|(d, seq)| (seq - theirs.get(d).copied().unwrap_or(0)).max(0) as u64)
        .sum()
}

/// Whether `have` holds everything of `other`.
fn covers(have: &Heads, other: &Heads) -> bool {
    other
        .iter()
        .all(|(d, seq)| have.get(d).is_some_and(|h| h >= seq))
}

/// The size of the batch this device would send `destination` with its
/// own events from `from` on (for the benchmark's bytes per case).
pub fn batch_bytes(
    conn: &rusqlite::Connection,
    now: DateTime<FixedOffset>,
    destination: &str,
    from: i64,
) -> crate::Result<usize> {
    let composed = export::compose(
        conn,
        now,
        &Compose {
            destination,
            batch_no: 1,
            previous_manifest: None,
            date: now.date_naive(),
            from: &|_| from,
            last_day: None,
            scans: Scans::Left,
        },
        &mut |_| {},
    )?;
    Ok(composed.map_or(0, |c| c.zip_bytes.len()))
}

/// Runs the exchange on `ch` with `store` until the connection ends (an
/// error naming why), `stop` is set, or, in [`Mode::Once`], both ends hold
/// the same.
pub fn run(
    store: &mut Store,
    mut ch: Channel,
    mode: Mode,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
    notice: &dyn Fn(Notice),
) -> crate::Result<()> {
    let (rx, reader) = read_frames(&ch)?;
    let result = exchange(store, &mut ch, &rx, mode, stop, now, notice);
    ch.close();
    let _ = reader.join();
    result
}

/// Frames as they arrive on `ch`, read on their own thread (which ends
/// with the connection).
pub(super) type Frames = mpsc::Receiver<std::io::Result<Vec<u8>>>;

/// Starts reading `ch`'s frames on a thread of their own.
pub(super) fn read_frames(
    ch: &Channel,
) -> Result<(Frames, std::thread::JoinHandle<()>), SyncError> {
    let (tx, rx) = mpsc::channel::<std::io::Result<Vec<u8>>>();
    let mut reading = ch.reader().map_err(|e| SyncError::Lost {
        peer: ch.peer.device_code.clone(),
        reason: e.to_string(),
    })?;
    let reader = std::thread::spawn(move || loop {
        let frame = read_frame(&mut reading);
        let end = frame.is_err();
        if tx.send(frame).is_err() || end {
            return;
        }
    });
    Ok((rx, reader))
}

fn exchange(
    store: &mut Store,
    ch: &mut Channel,
    rx: &Frames,
    mode: Mode,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
    notice: &dyn Fn(Notice),
) -> crate::Result<()> {
    let peer = ch.peer.clone();
    let code = peer.device_code.clone();
    let mut assembler = Assembler::default();
    let mut own = heads_of(store)?;
    let mut version = data_version(store)?;
    // What the other end holds, once it has said.
    let mut theirs: Option<Heads> = None;
    let (mut sent_batches, mut acknowledged, mut received) = (0u64, 0u64, 0u64);
    let send_heads = |ch: &mut Channel, own: &Heads, received: u64| -> crate::Result<()> {
        let m = HeadsMessage {
            heads: own.clone(),
            received,
        };
        let bytes = serde_json::to_vec(&m).map_err(|e| SyncError::Malformed(e.to_string()))?;
        ch.send(HEADS, &bytes)?;
        Ok(())
    };
    send_heads(ch, &own, received)?;
    // The scanned files asked for on this connection, and the asks not yet
    // answered to the end.
    let mut asked: HashSet<String> = HashSet::new();
    let mut awaiting = ask_files(store, ch, &mut asked)?;
    // The files the other end asked for that this end does not keep (yet):
    // sent as soon as they come.
    let mut unanswered: HashSet<String> = HashSet::new();
    let (mut last_sent, mut last_heard) = (Instant::now(), Instant::now());
    // Something may be owed to the other end (set by any change of
    // either end's heads, cleared when nothing is).
    let mut dirty = true;
    let mut told_in_step = false;
    let mut last_behind = u64::MAX;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        match rx.recv_timeout(TICK) {
            Ok(Ok(frame)) => {
                last_heard = Instant::now();
                ch.open(&frame, &mut assembler)?;
                while let Some((kind, payload)) = assembler.message()? {
                    match kind {
                        HEADS => {
                            let m: HeadsMessage = serde_json::from_slice(&payload)
                                .map_err(|e| SyncError::Malformed(e.to_string()))?;
                            acknowledged = acknowledged.max(m.received);
                            if theirs.as_ref() != Some(&m.heads) {
                                told_in_step = false;
                                let lacking = behind(&own, &m.heads, &peer.device_id);
                                if lacking != last_behind {
                                    last_behind = lacking;
                                    notice(Notice::Behind {
                                        peer: code.clone(),
                                        events: lacking,
                                    });
                                }
                            }
                            theirs = Some(m.heads);
                            dirty = true;
                        }
                        BATCH => {
                            received += 1;
                            match import::import_live(store, now(), &peer.device_id, &payload) {
                                Ok(report) => {
                                    if report.added > 0 {
                                        notice(Notice::Received {
                                            from: code.clone(),
                                            added: report.added,
                                        });
                                    }
                                }
                                Err(e) => {
                                    let reason = e.to_string();
                                    let _ = ch.send(REFUSED, reason.as_bytes());
                                    return Err(e);
                                }
                            }
                            awaiting += ask_files(store, ch, &mut asked)?;
                            own = heads_of(store)?;
                            version = data_version(store)?;
                            dirty = true;
                            send_heads(ch, &own, received)?;
                            last_sent = Instant::now();
                        }
                        WANT => {
                            let wanted: Vec<String> = serde_json::from_slice(&payload)
                                .map_err(|e| SyncError::Malformed(e.to_string()))?;
                            unanswered.extend(wanted.into_iter().take(WANT_AT_ONCE));
                            send_files(store, ch, &mut unanswered)?;
                            ch.send(FILES_END, &[])?;
                            last_sent = Instant::now();
                        }
                        FILE => {
                            let (sha, content) = payload.split_at(64.min(payload.len()));
                            let sha = String::from_utf8_lossy(sha).into_owned();
                            if asked.contains(&sha) {
                                match scan_files::keep_one(store, &sha, content) {
                                    Ok(true) => notice(Notice::FileReceived { from: code.clone() }),
                                    Ok(false) => {}
                                    Err(e) => {
                                        let _ = ch.send(REFUSED, e.to_string().as_bytes());
                                        return Err(e);
                                    }
                                }
                                version = data_version(store)?;
                            }
                        }
                        FILES_END => awaiting = awaiting.saturating_sub(1),
                        REFUSED => {
                            return Err(SyncError::Refused {
                                peer: code.clone(),
                                reason: String::from_utf8_lossy(&payload).into_owned(),
                            }
                            .into());
                        }
                        other => {
                            return Err(
                                SyncError::Malformed(format!("未知的消息类型 {other}")).into()
                            )
                        }
                    }
                }
            }
            Ok(Err(e)) => return Err(io_lost(&code, &e).into()),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(SyncError::Lost {
                    peer: code.clone(),
                    reason: "连接已关闭".into(),
                }
                .into())
            }
        }
        if last_heard.elapsed() > SILENCE_LIMIT {
            return Err(SyncError::Lost {
                peer: code.clone(),
                reason: "对方无响应".into(),
            }
            .into());
        }
        // Something new here (an intake at this PC, another device's batch
        // on the hub)?
        let v = data_version(store)?;
        if v != version {
            version = v;
            // A file the other end asked for that came here since (on the
            // hub: from the device that attached it).
            send_files(store, ch, &mut unanswered)?;
            let now_heads = heads_of(store)?;
            if now_heads != own {
                own = now_heads;
                dirty = true;
                told_in_step = false;
                send_heads(ch, &own, received)?;
                last_sent = Instant::now();
            }
        }
        // The other end's next batch, once it has answered the last one.
        if let Some(their) = theirs
            .as_ref()
            .filter(|_| dirty && acknowledged >= sent_batches)
        {
            dirty = false;
            let at = now();
            let composed = export::compose(
                store.conn(),
                at,
                &Compose {
                    destination: &code,
                    batch_no: 1,
                    previous_manifest: None,
                    date: at.date_naive(),
                    from: &|source| their.get(source).copied().unwrap_or(0) + 1,
                    last_day: None,
                    scans: Scans::Left,
                },
                &mut |_| {},
            )?;
            if let Some(c) = composed {
                ch.send(BATCH, &c.zip_bytes)?;
                sent_batches += 1;
                last_sent = Instant::now();
                notice(Notice::Sent {
                    to: code.clone(),
                    events: c.total,
                });
            } else if mode == Mode::Once && covers(&own, their) && awaiting == 0 {
                notice(Notice::InStep(code.clone()));
                return Ok(());
            } else if !told_in_step && covers(&own, their) {
                told_in_step = true;
                notice(Notice::InStep(code.clone()));
            }
        }
        if last_sent.elapsed() > HEARTBEAT {
            send_heads(ch, &own, received)?;
            last_sent = Instant::now();
        }
    }
}

/// Sends each file of `wanted` this end keeps, and forgets it.
fn send_files(store: &Store, ch: &mut Channel, wanted: &mut HashSet<String>) -> crate::Result<()> {
    let mut sent = Vec::new();
    for sha in wanted.iter() {
        if let Some(content) = crate::scans::content_by_hash(store.conn(), sha)? {
            ch.send(FILE, &[sha.as_bytes(), &content].concat())?;
            sent.push(sha.clone());
        }
    }
    for sha in sent {
        wanted.remove(&sha);
    }
    Ok(())
}

/// Asks the other end for the scanned files this end has lines for but
/// not the files, those not asked for yet on this connection; how many
/// asks were sent (each is answered by `FilesEnd`).
fn ask_files(store: &Store, ch: &mut Channel, asked: &mut HashSet<String>) -> crate::Result<u64> {
    let wanted: Vec<String> = crate::scans::missing(store.conn())?
        .into_iter()
        .filter(|sha| !asked.contains(sha))
        .collect();
    let mut asks = 0;
    for part in wanted.chunks(WANT_AT_ONCE) {
        let bytes = serde_json::to_vec(part).map_err(|e| SyncError::Malformed(e.to_string()))?;
        ch.send(WANT, &bytes)?;
        asked.extend(part.iter().cloned());
        asks += 1;
    }
    Ok(asks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(items: &[(&str, i64)]) -> Heads {
        items.iter().map(|(d, s)| ((*d).to_owned(), *s)).collect()
    }

    #[test]
    fn behind_counts_what_the_other_end_lacks_but_its_own_events() {
        let own = heads(&[("hub", 10), ("a02", 7), ("a03", 4)]);
        let theirs = heads(&[("hub", 8), ("a03", 9)]);
        // 2 of the hub's, 7 of A02's; A03 is the other end itself.
        assert_eq!(behind(&own, &theirs, "a03"), 9);
        assert!(covers(&own, &heads(&[("hub", 10), ("a02", 1)])));
        assert!(!covers(&own, &theirs));
    }
}
