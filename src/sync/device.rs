//! `bianmin sync [--hub ADDR]`: a device's side of live sync. It finds the
//! hub (at its address, or on the LAN: src/sync/discovery.rs), connects,
//! exchanges until the connection ends, and connects again with a
//! growing pause (half a second, doubling up to [`MAX_PAUSE`]) while the
//! hub is unreachable: the counter keeps working on its own database all
//! the while, and catches up when the hub is back. `--once`: one exchange
//! until both ends hold the same, then it returns.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};

use super::channel::Channel;
use super::discovery;
use super::link::{self, Mode};
use super::{Notice, SyncError, CONNECT_TIMEOUT, DEFAULT_PORT};
use crate::store::Store;

/// The longest pause between two attempts.
pub const MAX_PAUSE: Duration = Duration::from_secs(15);
const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// `host:port`, or a host alone with the default port.
pub fn hub_address(addr: &str) -> String {
    let addr = addr.trim();
    if addr.parse::<std::net::SocketAddr>().is_ok()
        || addr
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.contains(':') && p.parse::<u16>().is_ok())
    {
        addr.to_owned()
    } else {
        format!("{addr}:{DEFAULT_PORT}")
    }
}

/// Where a device looks for its hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// At this address (`host` or `host:port`).
    Address(String),
    /// This center's registered hub, found on the LAN at each attempt.
    Discover,
}

impl Target {
    /// The address to connect to now.
    fn resolve(&self, store: &Store) -> crate::Result<String> {
        match self {
            Target::Address(a) => Ok(hub_address(a)),
            Target::Discover => discovery::find_registered_hub(store.conn(), discovery::WAIT)?
                .ok_or_else(|| SyncError::HubNotFound.into()),
        }
    }
}

/// One connection to the hub at `target`, run in `mode`.
pub fn exchange_once(
    store: &mut Store,
    target: &Target,
    mode: Mode,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
    notice: &dyn Fn(Notice),
) -> crate::Result<()> {
    let addr = target.resolve(store)?;
    let ch = Channel::connect(store.conn(), connect_tcp(&addr)?)?;
    if let Ok(s) = ch.reader() {
        let _ = s.set_read_timeout(None);
    }
    notice(Notice::Connected(ch.peer.device_code.clone()));
    link::run(store, ch, mode, stop, now, notice)
}

/// A TCP connection to the hub at `addr` (`host:port`), with the
/// handshake's time limit set.
pub(super) fn connect_tcp(addr: &str) -> Result<TcpStream, SyncError> {
    let unreachable = |reason: String| SyncError::Connect {
        addr: addr.to_owned(),
        reason,
    };
    let target = addr
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?
        .next()
        .ok_or_else(|| unreachable("地址无效".into()))?;
    let stream = TcpStream::connect_timeout(&target, CONNECT_TIMEOUT).map_err(|e| {
        unreachable(match e.kind() {
            std::io::ErrorKind::ConnectionRefused => "对方未运行同步服务".into(),
            std::io::ErrorKind::TimedOut => "连接超时".into(),
            _ => e.to_string(),
        })
    })?;
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(CONNECT_TIMEOUT));
    Ok(stream)
}

/// Keeps this device in step with the hub at `target` until `stop` is set.
pub fn keep_in_step(
    store: &mut Store,
    target: &Target,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
    notice: &dyn Fn(Notice),
) {
    let mut pause = FIRST_PAUSE;
    while !stop.load(Ordering::Relaxed) {
        let began = Instant::now();
        let result = exchange_once(store, target, Mode::Continuous, stop, now, notice);
        if stop.load(Ordering::Relaxed) {
            return;
        }
        if let Err(e) = result {
            notice(Notice::Closed {
                peer: "中心汇总机".into(),
                reason: e.to_string(),
                refused: SyncError::is_refusal(&e),
            });
        }
        // A connection that held a while was good: start the pauses over.
        if began.elapsed() > Duration::from_secs(10) {
            pause = FIRST_PAUSE;
        }
        let until = Instant::now() + pause;
        while Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        }
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_address_without_a_port_gets_the_default_one() {
        assert_eq!(hub_address("192.168.1.10"), "192.168.1.10:47341");
        assert_eq!(hub_address("127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(hub_address("zhongxin:5000"), "zhongxin:5000");
        assert_eq!(hub_address(" zhongxin "), "zhongxin:47341");
    }
}
