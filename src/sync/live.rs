//! Live sync running beside the window: started from this PC's
//! [`settings::plan`](super::settings::plan) (the hub serves, a counter
//! follows its hub), on its own thread and database connection, so an
//! intake never waits for the network. Its [`Status`] is what the top bar
//! says (已联网同步 / 离线，最近同步 10:42 / 同步被拒绝（原因）) and, on the
//! hub, which devices are connected; `on_change` hears each change, with
//! `arrived` set when another PC's events were just applied (open screens
//! then refresh).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::settings::Plan;
use super::{device, hub, Notice, DEFAULT_PORT};

/// Where the sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Off,
    Searching,
    Serving,
    Connecting,
    Online,
    Offline,
    Refused,
}

/// A device as the hub sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerStatus {
    pub device_code: String,
    pub connected: bool,
    /// `HH:MM:SS` of the last thing heard.
    pub last_contact: String,
    pub events_received: u64,
    /// Events the hub holds that it lacks, as it last said.
    pub behind: u64,
    /// Why its last connection was refused, if it was.
    pub refusal: Option<String>,
}

/// What the top bar and the 数据交换 screen show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub state: State,
    /// The top bar's words.
    pub label: String,
    /// `HH:MM` of the last exchange.
    pub last_exchange: Option<String>,
    pub reason: Option<String>,
    /// On the hub: the devices that connected, by code.
    pub peers: Vec<PeerStatus>,
    /// On the hub: connections refused (an unregistered device, a wrong
    /// key), newest last, with where they came from.
    pub refusals: Vec<String>,
    /// On the hub: the PCs waiting for a manager to let them join, by code.
    pub joining: Vec<String>,
}

impl Status {
    fn new(state: State) -> Status {
        let mut s = Status {
            state,
            label: String::new(),
            last_exchange: None,
            reason: None,
            peers: Vec::new(),
            refusals: Vec::new(),
            joining: Vec::new(),
        };
        s.label = label(&s);
        s
    }
}

/// The top bar's words for a status: the one place they are decided.
pub fn label(s: &Status) -> String {
    let last = s.last_exchange.as_deref();
    match s.state {
        State::Off => "局域网同步已关闭".into(),
        State::Searching => "正在局域网中查找中心汇总机…".into(),
        State::Serving => {
            let n = s.peers.iter().filter(|p| p.connected).count();
            match s.joining.len() {
                0 => format!("同步服务运行中（{n} 台电脑已连接）"),
                j => format!("同步服务运行中（{n} 台电脑已连接，{j} 台申请加入待批准）"),
            }
        }
        State::Connecting => "正在连接中心汇总机…".into(),
        State::Online => match last {
            Some(t) => format!("已联网同步（{t}）"),
            None => "已联网同步".into(),
        },
        State::Offline => match last {
            Some(t) => format!("离线，最近同步 {t}"),
            None => "离线，尚未同步".into(),
        },
        State::Refused => format!(
            "同步被拒绝（{}）",
            s.reason.as_deref().unwrap_or("原因不明")
        ),
    }
}

/// Folds one notice into the status; whether another PC's events arrived.
fn fold(s: &mut Status, serving: bool, n: &Notice, at: DateTime<FixedOffset>) -> bool {
    let clock = at.format("%H:%M:%S").to_string();
    let minute = at.format("%H:%M").to_string();
    let mut arrived = false;
    let peer = |s: &mut Status, code: &str| -> usize {
        match s.peers.iter().position(|p| p.device_code == code) {
            Some(i) => i,
            None => {
                s.peers.push(PeerStatus {
                    device_code: code.to_owned(),
                    connected: false,
                    last_contact: clock.clone(),
                    events_received: 0,
                    behind: 0,
                    refusal: None,
                });
                s.peers.sort_by(|a, b| a.device_code.cmp(&b.device_code));
                s.peers
                    .iter()
                    .position(|p| p.device_code == code)
                    .unwrap_or_default()
            }
        }
    };
    match n {
        Notice::Connected(code) | Notice::InStep(code) | Notice::Sent { to: code, .. } => {
            if serving {
                let i = peer(s, code);
                s.peers[i].connected = true;
                s.peers[i].last_contact = clock.clone();
                s.peers[i].refusal = None;
            } else {
                s.state = State::Online;
                s.reason = None;
            }
            s.last_exchange = Some(minute);
        }
        Notice::Received { from, added } => {
            arrived = true;
            if serving {
                let i = peer(s, from);
                s.peers[i].connected = true;
                s.peers[i].last_contact = clock.clone();
                s.peers[i].events_received += added;
            } else {
                s.state = State::Online;
            }
            s.last_exchange = Some(minute);
        }
        Notice::FileReceived { from } => {
            arrived = true;
            if serving {
                let i = peer(s, from);
                s.peers[i].connected = true;
                s.peers[i].last_contact = clock.clone();
            }
            s.last_exchange = Some(minute);
        }
        Notice::Behind { peer: code, events } => {
            if serving {
                let i = peer(s, code);
                s.peers[i].behind = *events;
                s.peers[i].last_contact = clock.clone();
            }
        }
        Notice::Closed {
            peer: code,
            reason,
            refused,
        } => {
            if serving {
                let i = peer(s, code);
                s.peers[i].connected = false;
                s.peers[i].last_contact = clock.clone();
                if *refused {
                    s.peers[i].refusal = Some(reason.clone());
                }
            } else {
                s.state = if *refused {
                    State::Refused
                } else {
                    State::Offline
                };
                s.reason = Some(reason.clone());
            }
        }
        // The hub's 数据交换 screen lists the requests: drawn again.
        Notice::JoinRequested { code, .. } => {
            if !s.joining.contains(code) {
                s.joining.push(code.clone());
            }
            arrived = true;
        }
        Notice::JoinEnded(code) => {
            s.joining.retain(|c| c != code);
            arrived = true;
        }
        Notice::Joined(_) => arrived = true,
        Notice::Refused { from, reason } => {
            s.refusals.push(format!("{clock} {from}：{reason}"));
            let excess = s.refusals.len().saturating_sub(20);
            s.refusals.drain(..excess);
        }
    }
    s.label = label(s);
    arrived
}

/// Told of every change of the status; `arrived`: new events from
/// another PC were just applied here.
pub type OnChange = dyn Fn(&Status, bool) + Send + Sync;

/// Sync running beside the window; stopped when dropped.
pub struct Live {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    status: Arc<Mutex<Status>>,
}

impl Live {
    /// Starts what `plan` says for the database `open` opens (a hub
    /// listens on `listen`, by default every address on port 47341). On
    /// an encrypted laptop `open` holds the login's key: the window stops
    /// the sync at logout, so the key leaves memory with the user.
    pub fn start(
        open: Arc<hub::Opener>,
        plan: &Plan,
        listen: Option<String>,
        on_change: Arc<OnChange>,
    ) -> Live {
        let stop = Arc::new(AtomicBool::new(false));
        let first = match plan {
            Plan::Off => State::Off,
            Plan::Discover => State::Searching,
            Plan::Serve => State::Serving,
            Plan::Follow(_) => State::Connecting,
        };
        let status = Arc::new(Mutex::new(Status::new(first)));
        let serving = matches!(plan, Plan::Serve);
        let now = || chrono::Local::now().fixed_offset();
        let notice: Arc<dyn Fn(Notice) + Send + Sync> = {
            let (status, on_change) = (status.clone(), on_change.clone());
            Arc::new(move |n: Notice| {
                let (snapshot, arrived) = {
                    let mut s = status.lock().unwrap_or_else(|p| p.into_inner());
                    let arrived = fold(&mut s, serving, &n, now());
                    (s.clone(), arrived)
                };
                on_change(&snapshot, arrived);
            })
        };
        let thread = match plan.clone() {
            Plan::Off => None,
            Plan::Serve => {
                let (stop, status, on_change) = (stop.clone(), status.clone(), on_change.clone());
                let listen = listen.unwrap_or_else(|| format!("0.0.0.0:{DEFAULT_PORT}"));
                Some(std::thread::spawn(move || {
                    let result = hub::serve(open, &listen, stop, Arc::new(now), notice, &|_| {});
                    if let Err(e) = result {
                        let mut s = status.lock().unwrap_or_else(|p| p.into_inner());
                        s.state = State::Refused;
                        s.reason = Some(e.to_string());
                        s.label = label(&s);
                        let snapshot = s.clone();
                        drop(s);
                        on_change(&snapshot, false);
                    }
                }))
            }
            Plan::Follow(_) | Plan::Discover => {
                let target = match plan {
                    Plan::Follow(addr) => device::Target::Address(addr.clone()),
                    _ => device::Target::Discover,
                };
                let (stop, status, on_change) = (stop.clone(), status.clone(), on_change.clone());
                Some(std::thread::spawn(move || match open() {
                    Ok(mut store) => {
                        device::keep_in_step(&mut store, &target, &stop, &now, &*notice);
                    }
                    Err(e) => {
                        let mut s = status.lock().unwrap_or_else(|p| p.into_inner());
                        s.state = State::Offline;
                        s.reason = Some(e.to_string());
                        s.label = label(&s);
                        let snapshot = s.clone();
                        drop(s);
                        on_change(&snapshot, false);
                    }
                }))
            }
        };
        Live {
            stop,
            thread,
            status,
        }
    }

    /// Where the sync stands now.
    pub fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The devices of a status by code (for tests and the CLI).
    fn peers_by_code(s: &Status) -> BTreeMap<String, PeerStatus> {
        s.peers
            .iter()
            .map(|p| (p.device_code.clone(), p.clone()))
            .collect()
    }

    fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
        use chrono::TimeZone;
        FixedOffset::east_opt(8 * 3600)
            .and_then(|tz| tz.with_ymd_and_hms(2026, 12, 3, h, m, 0).single())
            .expect("time")
    }

    #[test]
    fn a_device_goes_online_offline_and_refused_in_the_top_bars_words() {
        let mut s = Status::new(State::Connecting);
        assert_eq!(s.label, "正在连接中心汇总机…");
        fold(&mut s, false, &Notice::Connected("A01".into()), at(10, 41));
        assert!(fold(
            &mut s,
            false,
            &Notice::Received {
                from: "A01".into(),
                added: 3
            },
            at(10, 42)
        ));
        assert_eq!(s.label, "已联网同步（10:42）");
        fold(
            &mut s,
            false,
            &Notice::Closed {
                peer: "中心汇总机".into(),
                reason: "对方关闭了连接".into(),
                refused: false,
            },
            at(10, 50),
        );
        assert_eq!(s.label, "离线，最近同步 10:42");
        fold(
            &mut s,
            false,
            &Notice::Closed {
                peer: "中心汇总机".into(),
                reason: "中心汇总机拒绝了本机发去的数据：第 6 步".into(),
                refused: true,
            },
            at(10, 51),
        );
        assert_eq!(
            s.label,
            "同步被拒绝（中心汇总机拒绝了本机发去的数据：第 6 步）"
        );
    }

    #[test]
    fn the_hub_lists_its_devices_and_the_refused_ones() {
        let mut s = Status::new(State::Serving);
        fold(&mut s, true, &Notice::Connected("A03".into()), at(9, 0));
        fold(&mut s, true, &Notice::Connected("A02".into()), at(9, 1));
        fold(
            &mut s,
            true,
            &Notice::Closed {
                peer: "A03".into(),
                reason: "对方关闭了连接".into(),
                refused: false,
            },
            at(9, 2),
        );
        fold(
            &mut s,
            true,
            &Notice::Refused {
                from: "192.168.1.23:50112".into(),
                reason: "对方不是本中心登记的设备（指纹 1234）".into(),
            },
            at(9, 3),
        );
        fold(
            &mut s,
            true,
            &Notice::Behind {
                peer: "A02".into(),
                events: 12,
            },
            at(9, 4),
        );
        assert_eq!(s.label, "同步服务运行中（1 台电脑已连接）");
        fold(
            &mut s,
            true,
            &Notice::JoinRequested {
                code: "A05".into(),
                fingerprint: "e3dc 8736 77a3 e4dc".into(),
                from: "192.168.1.25".into(),
            },
            at(9, 5),
        );
        assert_eq!(
            s.label,
            "同步服务运行中（1 台电脑已连接，1 台申请加入待批准）"
        );
        assert!(fold(
            &mut s,
            true,
            &Notice::JoinEnded("A05".into()),
            at(9, 6)
        ));
        assert_eq!(s.label, "同步服务运行中（1 台电脑已连接）");
        let p = peers_by_code(&s);
        assert!(p["A02"].connected && !p["A03"].connected);
        assert_eq!((p["A02"].behind, p["A03"].behind), (12, 0));
        assert_eq!(s.peers[0].device_code, "A02");
        assert!(s.refusals[0].contains("192.168.1.23"), "{:?}", s.refusals);
    }
}
