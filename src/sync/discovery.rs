//! Finding the hub on the hall's LAN without typing its address (局域网查找).
//!
//! The hub answers a UDP probe on the port it serves (47341 by default)
//! with a beacon: its center, its device code, the fingerprint of its key
//! and its TCP port. A PC sends the probe to the broadcast address of each
//! of its network interfaces (and to 255.255.255.255) and gathers the
//! answers for a moment.
//!
//! The beacon is not trusted: anybody on the LAN could answer. It only
//! says where to connect. A counter then talks only to the hub registered
//! on it (the channel proves the key, src/sync/channel.rs), and a new PC
//! joining over the LAN shows the hub's fingerprint for a person to compare
//! with the hub's screen, as the USB join does.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::DEFAULT_PORT;
use crate::exchange::devices;
use crate::store::device::{self, DeviceRole};

/// The probe's bytes (a version in it, so a later format can differ).
const PROBE: &[u8] = b"bianmin-discover/1";

/// How long a PC listens for answers by default.
pub const WAIT: Duration = Duration::from_millis(1500);

/// What the hub answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Beacon {
    pub center_code: String,
    pub center_name: String,
    pub hub_code: String,
    pub fingerprint: String,
    /// The TCP port of its sync service.
    pub port: u16,
}

/// A hub that answered, and where to connect to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundHub {
    #[serde(flatten)]
    pub beacon: Beacon,
    /// `ip:port` of its sync service.
    pub address: String,
}

/// The hub's answering side: answers every probe on `socket` with
/// `beacon` until `stop` is set. The socket's read timeout paces the
/// checks of `stop`.
pub fn answer(socket: &UdpSocket, beacon: &Beacon, stop: &AtomicBool) {
    let Ok(reply) = serde_json::to_vec(beacon) else {
        return;
    };
    let _ = socket.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 64];
    while !stop.load(Ordering::Relaxed) {
        match socket.recv_from(&mut buf) {
            Ok((n, from)) if &buf[..n] == PROBE => {
                let _ = socket.send_to(&reply, from);
            }
            // Anything else is not ours: no answer.
            Ok(_) => {}
            Err(_) => {}
        }
    }
}

/// Where a PC sends its probe for hubs on `port`: the broadcast address
/// of each IPv4 interface that has one, and the limited broadcast.
pub fn broadcast_targets(port: u16) -> Vec<SocketAddr> {
    let mut out: Vec<SocketAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| match i.addr {
            if_addrs::IfAddr::V4(v4) if !v4.ip.is_loopback() => v4.broadcast,
            _ => None,
        })
        .map(|b| SocketAddr::new(IpAddr::V4(b), port))
        .collect();
    out.push(SocketAddr::new(IpAddr::V4(Ipv4Addr::BROADCAST), port));
    out.sort();
    out.dedup();
    out
}

/// Sends the probe to each of `targets` and gathers the hubs that answer
/// within `wait`, one per address, sorted by center and hub code.
pub fn probe(targets: &[SocketAddr], wait: Duration) -> Vec<FoundHub> {
    let Ok(socket) = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)) else {
        return Vec::new();
    };
    let _ = socket.set_broadcast(true);
    for t in targets {
        // A target this PC cannot reach (no route) is simply not asked.
        let _ = socket.send_to(PROBE, t);
    }
    let mut found: BTreeMap<String, FoundHub> = BTreeMap::new();
    let until = Instant::now() + wait;
    let mut buf = [0u8; 2048];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || socket.set_read_timeout(Some(left)).is_err() {
            break;
        }
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            break;
        };
        if let Ok(beacon) = serde_json::from_slice::<Beacon>(&buf[..n]) {
            let address = SocketAddr::new(from.ip(), beacon.port).to_string();
            found.insert(address.clone(), FoundHub { beacon, address });
        }
    }
    let mut out: Vec<FoundHub> = found.into_values().collect();
    out.sort_by(|a, b| {
        (&a.beacon.center_code, &a.beacon.hub_code, &a.address).cmp(&(
            &b.beacon.center_code,
            &b.beacon.hub_code,
            &b.address,
        ))
    });
    out
}

/// Where this PC asks for the hub: the addresses in `BIANMIN_DISCOVER_TO`
/// when it is set (comma-separated `host` or `host:port`, for a hall whose
/// switches drop broadcasts: the hub's own address or its subnet's
/// broadcast; empty asks nobody), else every broadcast address.
pub fn lan_targets(port: u16) -> Vec<SocketAddr> {
    match std::env::var("BIANMIN_DISCOVER_TO") {
        Ok(list) => list
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .filter_map(|a| {
                let addr = if a.contains(':') {
                    a.to_owned()
                } else {
                    format!("{a}:{port}")
                };
                std::net::ToSocketAddrs::to_socket_addrs(&addr).ok()?.next()
            })
            .collect(),
        Err(_) => broadcast_targets(port),
    }
}

/// The default probe: [`lan_targets`] on the default port.
pub fn probe_lan(wait: Duration) -> Vec<FoundHub> {
    probe(&lan_targets(DEFAULT_PORT), wait)
}

/// The address of this center's registered hub on the LAN: the answering
/// hub of this center whose fingerprint is the registered hub's (a beacon
/// with another key is somebody else's, and the channel would refuse it).
/// With no hub registered (a center of one PC) nobody is asked.
pub fn find_registered_hub(conn: &Connection, wait: Duration) -> crate::Result<Option<String>> {
    let own = device::load(conn)?;
    let hubs: Vec<String> = devices::list(conn)?
        .into_iter()
        .filter(|d| d.role == DeviceRole::Hub.as_str() && d.device_id != own.device_id)
        .map(|d| d.fingerprint)
        .collect();
    if hubs.is_empty() {
        return Ok(None);
    }
    Ok(probe_lan(wait)
        .into_iter()
        .find(|f| f.beacon.center_code == own.center_code && hubs.contains(&f.beacon.fingerprint))
        .map(|f| f.address))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn beacon(port: u16) -> Beacon {
        Beacon {
            center_code: "371402101".into(),
            center_name: "新湖街道便民服务中心".into(),
            hub_code: "A01".into(),
            fingerprint: "3f2a 9c01 77be 04d2".into(),
            port,
        }
    }

    /// A hub's answering side on 127.0.0.1: where it listens; it stops
    /// when `stop` is set.
    fn answering(stop: &Arc<AtomicBool>) -> (SocketAddr, std::thread::JoinHandle<()>) {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let at = socket.local_addr().expect("addr");
        let s = stop.clone();
        let b = beacon(5000);
        (at, std::thread::spawn(move || answer(&socket, &b, &s)))
    }

    #[test]
    fn a_probe_is_answered_with_the_beacon_and_where_it_came_from() {
        let stop = Arc::new(AtomicBool::new(false));
        let (at, thread) = answering(&stop);
        let found = probe(&[at], Duration::from_millis(800));
        stop.store(true, Ordering::Relaxed);
        thread.join().expect("join");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].beacon, beacon(5000));
        assert_eq!(found[0].address, "127.0.0.1:5000");
    }

    #[test]
    fn nothing_answers_anything_but_the_probe() {
        let stop = Arc::new(AtomicBool::new(false));
        let (at, thread) = answering(&stop);
        let asker = UdpSocket::bind("127.0.0.1:0").expect("bind");
        asker.send_to(b"hello", at).expect("send");
        asker
            .set_read_timeout(Some(Duration::from_millis(500)))
            .expect("timeout");
        let mut buf = [0u8; 256];
        assert!(asker.recv_from(&mut buf).is_err(), "answered a stranger");
        stop.store(true, Ordering::Relaxed);
        thread.join().expect("join");
    }

    #[test]
    fn the_limited_broadcast_is_always_a_target() {
        let t = broadcast_targets(47341);
        assert!(t.contains(&"255.255.255.255:47341".parse().expect("addr")));
        assert!(t.iter().all(|a| a.port() == 47341));
    }
}
