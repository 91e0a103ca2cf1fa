//! Joining the center over the LAN (通过局域网加入中心), instead of carrying
//! the hub's batch and the new PC's key line on a stick:
//!
//! 1. the new PC makes its device key and connects to the hub (found on
//!    the LAN, src/sync/discovery.rs, or at a typed address), asking to
//!    join as a counter or an agent laptop; the channel proves the key;
//! 2. the hub records the request ([`requests`]) and answers nothing but
//!    "still waiting" while the connection lasts;
//! 3. a manager compares the fingerprint on the new PC's screen with the
//!    one on the hub's 数据交换 screen and approves ([`approve`], the same
//!    registration as a key line from a stick) or declines ([`decline`]);
//! 4. on approval the hub sends the center's batch, checked like a USB
//!    join's, and the new PC sets itself up from it in one transaction
//!    (src/exchange/join.rs) and follows that hub from then on.
//!
//! The hub's key is believed on first use unless its fingerprint was typed
//! in, as with the USB join: the person compares it with the hub's screen.
//! A request whose PC went away before a decision is withdrawn; at most
//! [`MAX_PENDING`] wait at once, so strangers on the LAN cannot pile them up.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::channel::{Assembler, Channel, HubInfo};
use super::link::{self, BATCH, JOINED, REFUSED, WAITING};
use super::{device, Notice, SyncError, HEARTBEAT, SILENCE_LIMIT};
use crate::auth::{Action, Session};
use crate::exchange::devices::{self, TrustedDevice};
use crate::exchange::export::{self, Compose, Scans};
use crate::exchange::join::{self, Identity, JoinInput, JoinReport};
use crate::exchange::keys::{self, KeyLine};
use crate::exchange::reader::{self, Trust};
use crate::exchange::ExchangeError;
use crate::store::device::{self as own, DeviceRole};
use crate::store::{Store, StoreError};

/// How many requests may wait for a manager at once.
pub const MAX_PENDING: i64 = 5;

/// How long a request waits for a manager before the hub lets it go.
pub const REQUEST_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// How long the hub waits for the new PC to apply the center's batch.
const APPLY_LIMIT: Duration = Duration::from_secs(120);

/// A request to join, as the hub's screen and `device requests` list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoinRequest {
    pub request_no: i64,
    pub device_id: String,
    pub device_code: String,
    pub role: String,
    pub role_label: &'static str,
    pub public_key: String,
    pub fingerprint: String,
    pub peer_address: String,
    pub requested_at: String,
    pub state: String,
    pub state_label: &'static str,
    pub decided_at: Option<String>,
}

fn state_label(state: &str) -> &'static str {
    match state {
        "pending" => "待批准",
        "approved" => "已批准",
        "declined" => "已拒绝",
        _ => "已撤回",
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JoinRequest> {
    let role: String = r.get(3)?;
    let state: String = r.get(7)?;
    Ok(JoinRequest {
        request_no: r.get(0)?,
        device_id: r.get(1)?,
        device_code: r.get(2)?,
        role_label: DeviceRole::parse(&role).map_or("未知", DeviceRole::label),
        role,
        fingerprint: r.get(4)?,
        peer_address: r.get(5)?,
        requested_at: r.get(6)?,
        state_label: state_label(&state),
        state,
        decided_at: r.get(8)?,
        public_key: r.get(9)?,
    })
}

const COLUMNS: &str = "request_no, device_id, device_code, role, fingerprint, peer_address, requested_at, state, decided_at, public_key";

/// The requests waiting for a manager, oldest first; with `all`, the
/// latest 50 of every state, newest first.
pub fn requests(conn: &Connection, all: bool) -> Result<Vec<JoinRequest>, StoreError> {
    let sql = if all {
        format!("SELECT {COLUMNS} FROM join_requests ORDER BY request_no DESC LIMIT 50")
    } else {
        format!("SELECT {COLUMNS} FROM join_requests WHERE state = 'pending' ORDER BY request_no")
    };
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn load(conn: &Connection, no: i64) -> crate::Result<JoinRequest> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM join_requests WHERE request_no = ?1"),
        [no],
        row,
    )
    .optional()
    .map_err(StoreError::from)?
    .ok_or_else(|| SyncError::NoSuchRequest(no).into())
}

fn pending(conn: &Connection, no: i64) -> crate::Result<JoinRequest> {
    let r = load(conn, no)?;
    if r.state != "pending" {
        return Err(SyncError::RequestDecided {
            no,
            state: r.state_label,
        }
        .into());
    }
    Ok(r)
}

fn decide(
    tx: &Connection,
    no: i64,
    state: &str,
    user_id: Option<&str>,
    now: DateTime<FixedOffset>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE join_requests SET state = ?2, decided_by = ?3, decided_at = ?4 WHERE request_no = ?1",
        params![no, state, user_id, now.to_rfc3339()],
    )?;
    Ok(())
}

/// A manager approves request `no`: its device is registered here (a
/// `device.trusted` event, as for a key line from a stick), and the hub's
/// service sends it the center's data.
pub fn approve(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    no: i64,
) -> crate::Result<TrustedDevice> {
    session.authorize(store.conn(), Action::TrustDevice)?;
    store.write(|tx| {
        let r = pending(tx, no)?;
        let line = KeyLine {
            center_code: own::load(tx)?.center_code,
            role: DeviceRole::parse(&r.role)?,
            device_code: r.device_code,
            device_id: r.device_id,
            fingerprint: r.fingerprint,
            public_key: r.public_key,
        };
        let trusted = devices::trust_in(tx, &session.user_id, now, &line)?;
        decide(tx, no, "approved", Some(&session.user_id), now)?;
        Ok(trusted)
    })
}

/// A manager declines request `no`: the PC is told and nothing is
/// registered.
pub fn decline(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    no: i64,
) -> crate::Result<JoinRequest> {
    session.authorize(store.conn(), Action::TrustDevice)?;
    store.write(|tx| {
        pending(tx, no)?;
        decide(tx, no, "declined", Some(&session.user_id), now)?;
        load(tx, no)
    })
}

/// Records a request arriving on the hub: an older pending request for
/// the same device code gives way to it.
fn record(
    store: &mut Store,
    line: &KeyLine,
    from: SocketAddr,
    now: DateTime<FixedOffset>,
) -> crate::Result<i64> {
    store.write(|tx| {
        tx.execute(
            "UPDATE join_requests SET state = 'withdrawn', decided_at = ?2
             WHERE state = 'pending' AND device_code = ?1",
            params![line.device_code, now.to_rfc3339()],
        )
        .map_err(StoreError::from)?;
        let waiting: i64 = tx
            .query_row(
                "SELECT count(*) FROM join_requests WHERE state = 'pending'",
                [],
                |r| r.get(0),
            )
            .map_err(StoreError::from)?;
        if waiting >= MAX_PENDING {
            return Err(SyncError::JoinDeclined(format!(
                "中心汇总机上已有 {waiting} 个加入申请等待批准，请稍后再试"
            ))
            .into());
        }
        tx.execute(
            "INSERT INTO join_requests (device_id, device_code, role, public_key, fingerprint,
                                        peer_address, requested_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
            params![
                line.device_id,
                line.device_code,
                line.role.as_str(),
                line.public_key,
                line.fingerprint,
                from.ip().to_string(),
                now.to_rfc3339()
            ],
        )
        .map_err(StoreError::from)?;
        Ok(tx.last_insert_rowid())
    })
}

fn withdraw(store: &mut Store, no: i64, now: DateTime<FixedOffset>) {
    let _ = store.write(|tx| -> crate::Result<()> {
        tx.execute(
            "UPDATE join_requests SET state = 'withdrawn', decided_at = ?2
             WHERE request_no = ?1 AND state = 'pending'",
            params![no, now.to_rfc3339()],
        )
        .map_err(StoreError::from)?;
        Ok(())
    });
}

/// The next whole message on `frames`, waiting at most `wait`: `None`
/// when nothing came.
fn next_message(
    ch: &mut Channel,
    frames: &link::Frames,
    assembler: &mut Assembler,
    wait: Duration,
) -> crate::Result<Option<(u8, Vec<u8>)>> {
    if let Some(m) = assembler.message()? {
        return Ok(Some(m));
    }
    let peer = ch.peer.device_code.clone();
    match frames.recv_timeout(wait) {
        Ok(Ok(frame)) => {
            ch.open(&frame, assembler)?;
            Ok(assembler.message()?)
        }
        Ok(Err(e)) => Err(super::channel::io_lost(&peer, &e).into()),
        Err(mpsc::RecvTimeoutError::Timeout) => Ok(None),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(SyncError::Lost {
            peer,
            reason: "连接已关闭".into(),
        }
        .into()),
    }
}

/// The hub's side of a request on `ch`: recorded, kept waiting until a
/// manager decides (or the PC goes away, or `stop`), then the center's
/// batch or the refusal is sent.
pub(super) fn serve_request(
    store: &mut Store,
    mut ch: Channel,
    line: KeyLine,
    from: SocketAddr,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
    notice: &dyn Fn(Notice),
) -> crate::Result<()> {
    let no = match record(store, &line, from, now()) {
        Ok(no) => no,
        Err(e) => {
            let _ = ch.send(REFUSED, e.to_string().as_bytes());
            ch.close();
            return Err(e);
        }
    };
    notice(Notice::JoinRequested {
        code: line.device_code.clone(),
        fingerprint: line.fingerprint.clone(),
        from: from.ip().to_string(),
    });
    let (frames, reader) = link::read_frames(&ch)?;
    let result = wait_and_answer(store, &mut ch, &frames, no, &line, stop, now, notice);
    if result.is_err() || stop.load(Ordering::Relaxed) {
        withdraw(store, no, now());
    }
    ch.close();
    let _ = reader.join();
    // Seen on the screen either way: a decision, or a request withdrawn.
    notice(Notice::JoinEnded(line.device_code.clone()));
    result
}

#[allow(clippy::too_many_arguments)]
fn wait_and_answer(
    store: &mut Store,
    ch: &mut Channel,
    frames: &link::Frames,
    no: i64,
    line: &KeyLine,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
    notice: &dyn Fn(Notice),
) -> crate::Result<()> {
    let began = Instant::now();
    let mut assembler = Assembler::default();
    ch.send(WAITING, &[])?;
    let mut last_sent = Instant::now();
    loop {
        if stop.load(Ordering::Relaxed) {
            let _ = ch.send(
                REFUSED,
                "中心汇总机的同步服务已停止，请稍后重新申请".as_bytes(),
            );
            return Ok(());
        }
        // The PC says nothing while it waits; anything is out of turn, and
        // its end of the connection closing withdraws the request.
        if let Some((kind, _)) =
            next_message(ch, frames, &mut assembler, Duration::from_millis(200))?
        {
            return Err(SyncError::Malformed(format!("等待批准时收到消息 {kind}")).into());
        }
        match load(store.conn(), no)?.state.as_str() {
            "pending" if began.elapsed() > REQUEST_LIFETIME => {
                let _ = ch.send(REFUSED, "等待批准超时，请重新申请".as_bytes());
                return Err(SyncError::JoinDeclined("等待批准超时".into()).into());
            }
            "pending" => {}
            "approved" => break,
            "declined" => {
                ch.send(REFUSED, "中心负责人拒绝了本机的加入申请".as_bytes())?;
                return Ok(());
            }
            _ => {
                let _ = ch.send(REFUSED, "申请已撤回（同一设备编号有了新的申请）".as_bytes());
                return Ok(());
            }
        }
        if last_sent.elapsed() > HEARTBEAT {
            ch.send(WAITING, &[])?;
            last_sent = Instant::now();
        }
    }
    // Approved: everything this hub holds, for the new device.
    let at = now();
    let composed = export::compose(
        store.conn(),
        at,
        &Compose {
            destination: &line.device_code,
            batch_no: 1,
            previous_manifest: None,
            date: at.date_naive(),
            from: &|_| 1,
            last_day: None,
            scans: Scans::Left,
        },
        &mut |_| {},
    )?
    .ok_or_else(|| ExchangeError::NothingToExport("中心汇总机还没有任何数据".into()))?;
    ch.send(BATCH, &composed.zip_bytes)?;
    notice(Notice::Sent {
        to: line.device_code.clone(),
        events: composed.total,
    });
    let sent = Instant::now();
    while sent.elapsed() < APPLY_LIMIT {
        match next_message(ch, frames, &mut assembler, Duration::from_millis(200))? {
            Some((JOINED, _)) => {
                notice(Notice::Joined(line.device_code.clone()));
                return Ok(());
            }
            Some((REFUSED, reason)) => {
                return Err(SyncError::Refused {
                    peer: line.device_code.clone(),
                    reason: String::from_utf8_lossy(&reason).into_owned(),
                }
                .into())
            }
            Some((kind, _)) => {
                return Err(SyncError::Malformed(format!("未知的消息类型 {kind}")).into())
            }
            None => {}
        }
    }
    Err(SyncError::Lost {
        peer: line.device_code.clone(),
        reason: "对方没有回复是否已加入".into(),
    }
    .into())
}

/// What the new PC shows while a manager decides: both fingerprints, to
/// be compared with the hub's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub own_fingerprint: String,
    pub hub: HubInfo,
    pub hub_address: String,
}

/// The new PC's side: asks the hub at `addr` to join the center as
/// `input` says, shows `on_waiting` the fingerprints, and sets the empty
/// database up from the center's batch once a manager has approved. A
/// decline, a cancel (`stop`) or a lost connection leaves it empty.
pub fn ask_to_join(
    store: &mut Store,
    addr: &str,
    input: &JoinInput,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
    on_waiting: &dyn Fn(&Waiting),
) -> crate::Result<JoinReport> {
    join::check_new(store, input)?;
    let addr = device::hub_address(addr);
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let device_id = uuid::Uuid::now_v7().to_string();
    let code = input.device_code.trim().to_owned();
    let (mut ch, hub) = Channel::connect_joining(
        device::connect_tcp(&addr)?,
        &key,
        &device_id,
        &code,
        input.role,
        input.fingerprint.as_deref(),
    )?;
    on_waiting(&Waiting {
        own_fingerprint: keys::fingerprint(&hex::encode(key.verifying_key().to_bytes())),
        hub: hub.clone(),
        hub_address: addr.clone(),
    });
    let (frames, reader) = link::read_frames(&ch)?;
    let identity = Identity {
        device_id,
        key,
        hub_address: addr,
    };
    let result = receive_center(store, &mut ch, &frames, &hub, input, identity, stop, now);
    ch.close();
    let _ = reader.join();
    result
}

#[allow(clippy::too_many_arguments)]
fn receive_center(
    store: &mut Store,
    ch: &mut Channel,
    frames: &link::Frames,
    hub: &HubInfo,
    input: &JoinInput,
    identity: Identity,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
) -> crate::Result<JoinReport> {
    let mut assembler = Assembler::default();
    let mut last_heard = Instant::now();
    loop {
        if stop.load(Ordering::Relaxed) {
            return Err(SyncError::JoinDeclined("本机已取消申请".into()).into());
        }
        if last_heard.elapsed() > SILENCE_LIMIT {
            return Err(SyncError::Lost {
                peer: hub.device_code.clone(),
                reason: "对方无响应".into(),
            }
            .into());
        }
        let Some((kind, payload)) =
            next_message(ch, frames, &mut assembler, Duration::from_millis(200))?
        else {
            continue;
        };
        last_heard = Instant::now();
        match kind {
            WAITING => {}
            REFUSED => {
                return Err(
                    SyncError::JoinDeclined(String::from_utf8_lossy(&payload).into_owned()).into(),
                )
            }
            BATCH => {
                let applied = apply_center(store, &payload, hub, input, identity, now);
                match &applied {
                    Ok(_) => ch.send(JOINED, &[])?,
                    Err(e) => {
                        let _ = ch.send(REFUSED, e.to_string().as_bytes());
                    }
                }
                return applied;
            }
            other => return Err(SyncError::Malformed(format!("未知的消息类型 {other}")).into()),
        }
    }
}

/// The center's batch from the hub of this very channel, checked like a
/// USB join's and applied with the identity the hub registered.
fn apply_center(
    store: &mut Store,
    bytes: &[u8],
    hub: &HubInfo,
    input: &JoinInput,
    identity: Identity,
    now: &dyn Fn() -> DateTime<FixedOffset>,
) -> crate::Result<JoinReport> {
    let opened = reader::open("局域网加入", bytes)?;
    if opened.manifest.public_key != hub.public_key {
        return Err(ExchangeError::NotAHubBatch.into());
    }
    let verified = reader::verify(
        store.conn(),
        Some(&hub.center_code),
        opened,
        Trust::Joining {
            fingerprint: Some(&hub.fingerprint),
            code: None,
        },
    )?;
    join::join_verified(store, now(), input, verified, Some(identity), &mut |_| {})
}

/// Where a join asked from the window stands.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Progress {
    Connecting,
    /// Waiting for a manager: the fingerprints to compare.
    Waiting(Waiting),
    Joined(Box<JoinReport>),
    Failed {
        reason: String,
    },
}

/// A join asked from the window, running on its own thread (a manager
/// may take minutes) while the window shows its [`Progress`]; cancelled
/// when dropped.
pub struct Asking {
    stop: std::sync::Arc<AtomicBool>,
    progress: std::sync::Arc<std::sync::Mutex<Progress>>,
    thread: Option<std::thread::JoinHandle<Option<Store>>>,
}

impl Asking {
    /// Asks the hub at `addr` for the new database at `db` (encrypted if
    /// `encrypt`, as a set-up from a stick would be).
    pub fn start(db: std::path::PathBuf, encrypt: bool, addr: String, input: JoinInput) -> Asking {
        use std::sync::{Arc, Mutex};
        let stop = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Mutex::new(Progress::Connecting));
        let (s, p) = (stop.clone(), progress.clone());
        let set = move |p: &Mutex<Progress>, to: Progress| {
            *p.lock().unwrap_or_else(|e| e.into_inner()) = to;
        };
        let thread = std::thread::spawn(move || {
            let now = || chrono::Local::now().fixed_offset();
            let result = crate::setup::on_new_database(&db, encrypt, |store| {
                ask_to_join(store, &addr, &input, &s, &now, &|w| {
                    set(&p, Progress::Waiting(w.clone()))
                })
            });
            match result {
                Ok((store, report)) => {
                    set(&p, Progress::Joined(Box::new(report)));
                    Some(store)
                }
                Err(e) => {
                    set(
                        &p,
                        Progress::Failed {
                            reason: e.to_string(),
                        },
                    );
                    None
                }
            }
        });
        Asking {
            stop,
            progress,
            thread: Some(thread),
        }
    }

    pub fn progress(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The new PC's database once it has joined (`None` before, or after
    /// a failure).
    pub fn take_store(&mut self) -> Option<Store> {
        if !matches!(self.progress(), Progress::Joined(_)) {
            return None;
        }
        self.thread.take().and_then(|t| t.join().ok().flatten())
    }
}

impl Drop for Asking {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
