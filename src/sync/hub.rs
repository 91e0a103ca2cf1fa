//! `bianmin serve`: the hub's sync service. It listens on the LAN, answers
//! each registered device on its own thread and database connection, and
//! passes every device's new events on to the others as soon as they are
//! applied here. An unregistered device gets no answer at all: its
//! connection is closed after the handshake and named in the log, unless
//! it asks to join the center (src/sync/enrol.rs), when it is told only to
//! wait for a manager. On the same port (UDP) it answers the PCs looking
//! for it (src/sync/discovery.rs).

use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

use super::channel::{Accepted, Channel};
use super::discovery::{self, Beacon};
use super::enrol;
use super::link::{self, Mode};
use super::{Notice, SyncError, CONNECT_TIMEOUT};
use crate::store::device::{self, DeviceRole};
use crate::store::Store;

/// Opens the hub's database for one connection.
pub type Opener = dyn Fn() -> crate::Result<Store> + Send + Sync;

/// Where the service listens once it has started.
pub struct Serving {
    pub addr: SocketAddr,
    pub device_code: String,
    pub fingerprint: String,
}

/// Runs the service on `listen` until `stop` is set. `started` is told the
/// address once listening (port 0 picks a free one); `notice` hears of
/// every connection, batch and refusal.
pub fn serve(
    open: Arc<Opener>,
    listen: &str,
    stop: Arc<AtomicBool>,
    now: Arc<dyn Fn() -> DateTime<FixedOffset> + Send + Sync>,
    notice: Arc<dyn Fn(Notice) + Send + Sync>,
    started: &dyn Fn(&Serving),
) -> crate::Result<()> {
    let (dev, fingerprint) = {
        let store = open()?;
        let dev = device::load(store.conn())?;
        if dev.role != DeviceRole::Hub {
            return Err(SyncError::NotAHub(dev.role.label().to_owned()).into());
        }
        let key = crate::exchange::keys::public_key(store.conn())?;
        (dev, crate::exchange::keys::fingerprint(&key))
    };
    let listen_error = |e: std::io::Error| SyncError::Listen {
        addr: listen.to_owned(),
        reason: match e.kind() {
            std::io::ErrorKind::AddrInUse => "端口已被占用（本机可能已在运行同步服务）".into(),
            std::io::ErrorKind::AddrNotAvailable => "本机没有这个地址".into(),
            std::io::ErrorKind::PermissionDenied => "没有权限使用这个端口".into(),
            _ => e.to_string(),
        },
    };
    let listener = TcpListener::bind(listen).map_err(listen_error)?;
    listener.set_nonblocking(true).map_err(listen_error)?;
    let addr = listener.local_addr().map_err(listen_error)?;
    // The PCs of the hall find the hub by asking on the same port (UDP).
    let answering = match UdpSocket::bind(addr) {
        Ok(socket) => {
            let beacon = Beacon {
                center_code: dev.center_code.clone(),
                center_name: dev.center_name.clone(),
                hub_code: dev.device_code.clone(),
                fingerprint: fingerprint.clone(),
                port: addr.port(),
            };
            let stop = stop.clone();
            Some(std::thread::spawn(move || {
                discovery::answer(&socket, &beacon, &stop)
            }))
        }
        Err(e) => {
            notice(Notice::Refused {
                from: "局域网查找".into(),
                reason: format!("无法在 {addr} 上应答查找（{e}），各窗口需填写本机地址"),
            });
            None
        }
    };
    started(&Serving {
        addr,
        device_code: dev.device_code,
        fingerprint,
    });
    let mut workers = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, from)) => {
                let (open, stop, now, notice) =
                    (open.clone(), stop.clone(), now.clone(), notice.clone());
                workers.push(std::thread::spawn(move || {
                    answer(&*open, stream, from, &stop, &*now, &*notice)
                }));
                workers.retain(|w| !w.is_finished());
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => {
                notice(Notice::Refused {
                    from: "?".into(),
                    reason: e.to_string(),
                });
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
    for w in workers {
        let _ = w.join();
    }
    if let Some(a) = answering {
        let _ = a.join();
    }
    Ok(())
}

/// One device's connection, from the handshake to its end.
fn answer(
    open: &Opener,
    stream: TcpStream,
    from: SocketAddr,
    stop: &AtomicBool,
    now: &dyn Fn() -> DateTime<FixedOffset>,
    notice: &dyn Fn(Notice),
) {
    let refuse = |reason: String| {
        notice(Notice::Refused {
            from: from.to_string(),
            reason,
        })
    };
    let mut store = match open() {
        Ok(s) => s,
        Err(e) => return refuse(e.to_string()),
    };
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(CONNECT_TIMEOUT));
    let ch = match Channel::accept(store.conn(), stream) {
        Ok(Accepted::Device(ch)) => ch,
        Ok(Accepted::Joining(ch, line)) => {
            if let Err(e) = enrol::serve_request(&mut store, ch, line, from, stop, now, notice) {
                refuse(e.to_string());
            }
            return;
        }
        Err(e) => return refuse(e.to_string()),
    };
    let code = ch.peer.device_code.clone();
    if let Ok(s) = ch.reader() {
        let _ = s.set_read_timeout(None);
    }
    notice(Notice::Connected(code.clone()));
    let (reason, refused) = match link::run(&mut store, ch, Mode::Continuous, stop, now, notice) {
        Ok(()) => ("同步服务已停止".to_owned(), false),
        Err(e) => (e.to_string(), SyncError::is_refusal(&e)),
    };
    notice(Notice::Closed {
        peer: code,
        reason,
        refused,
    });
}
