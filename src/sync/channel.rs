//! The encrypted, mutually authenticated channel between a device and the
//! hub: the Noise protocol, pattern XX, X25519 with ChaCha20-Poly1305 and
//! BLAKE2s (the `snow` crate). Each end's static key is its device key, the
//! one `device trust` registered (src/exchange/keys.rs maps the ed25519 key
//! to X25519), so no password crosses the wire:
//!
//! - the hub answers only a device registered on it whose channel key is
//!   the registered one (a device id claimed with another key is refused);
//! - a device talks only to the hub registered on it as this center's hub;
//! - each connection has fresh ephemeral keys on both ends, so recorded
//!   traffic replayed later fails the handshake or the first frame; a frame
//!   changed by one byte fails its authentication tag and ends the
//!   connection before anything is applied.
//!
//! On the wire: frames of a 2-byte big-endian length and one Noise message
//! (at most 65 535 bytes). A message of [`super::link`] is a kind byte, a
//! 4-byte length and its bytes, encrypted across as many frames as needed.

use std::io::{Read, Write};
use std::net::TcpStream;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::SyncError;
use crate::exchange::devices;
use crate::exchange::keys::{self, KeyLine};
use crate::store::device::{self, DeviceRole};

const PATTERN: &str = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
/// Both ends must agree on it, or the handshake fails.
const PROLOGUE: &[u8] = b"bianmin-sync/1";
const MAX_FRAME: usize = 65_535;
const TAG: usize = 16;
/// The largest message accepted (a day of a busy center is a few MB).
pub const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// Who the other end is, as the handshake proved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub device_id: String,
    pub device_code: String,
    pub role: String,
}

/// What each end says of itself inside the handshake (encrypted).
#[derive(Debug, Serialize, Deserialize)]
struct Hello {
    center_code: String,
    #[serde(default)]
    center_name: String,
    device_id: String,
    device_code: String,
    /// Its ed25519 key (hex), from which its channel key derives.
    #[serde(default)]
    public_key: String,
    /// A PC not registered yet asks to join the center as this role
    /// (src/sync/enrol.rs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    join: Option<DeviceRole>,
}

/// The hub as a PC asking to join sees it in the handshake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubInfo {
    pub center_code: String,
    pub center_name: String,
    pub device_code: String,
    pub public_key: String,
    pub fingerprint: String,
}

/// What the hub's side of a handshake found.
pub enum Accepted {
    /// A registered device.
    Device(Channel),
    /// A PC asking to join the center, with the key line it asks for.
    Joining(Channel, KeyLine),
}

/// An established channel over one TCP connection.
pub struct Channel {
    stream: TcpStream,
    noise: snow::TransportState,
    pub peer: Peer,
}

/// Writes one frame.
fn write_frame(stream: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    let len = u16::try_from(bytes.len())
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "frame too long"))?;
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    stream.write_all(&out)
}

/// Reads one frame (the raw Noise message).
pub fn read_frame(stream: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len)?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut buf)?;
    Ok(buf)
}

fn handshake_error(e: impl std::fmt::Display) -> SyncError {
    SyncError::Handshake(e.to_string())
}

/// Why a connection ended, from an I/O error on it.
pub(super) fn io_lost(peer: &str, e: &std::io::Error) -> SyncError {
    SyncError::Lost {
        peer: peer.to_owned(),
        reason: match e.kind() {
            std::io::ErrorKind::UnexpectedEof => "对方关闭了连接".into(),
            std::io::ErrorKind::ConnectionReset => "连接被重置".into(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "对方无响应".into(),
            _ => e.to_string(),
        },
    }
}

fn builder(
    conn: &Connection,
) -> crate::Result<(snow::Builder<'static>, zeroize::Zeroizing<[u8; 32]>)> {
    let params: snow::params::NoiseParams = PATTERN.parse().map_err(handshake_error)?;
    Ok((snow::Builder::new(params), keys::channel_secret(conn)?))
}

fn own_hello(conn: &Connection) -> crate::Result<Vec<u8>> {
    let dev = device::load(conn)?;
    serde_json::to_vec(&Hello {
        center_code: dev.center_code,
        center_name: dev.center_name,
        device_id: dev.device_id,
        device_code: dev.device_code,
        public_key: keys::public_key(conn)?,
        join: None,
    })
    .map_err(|e| handshake_error(e).into())
}

fn fingerprint_of(remote: &[u8]) -> String {
    keys::fingerprint(&hex::encode(remote))
}

/// A PC's request to join, checked: this center, not registered yet, a
/// well-formed key line, and the key the handshake proved is its own.
fn check_joining(
    conn: &Connection,
    hello: &Hello,
    role: DeviceRole,
    remote: &[u8],
) -> crate::Result<KeyLine> {
    let unregistered = || SyncError::Unregistered {
        fingerprint: fingerprint_of(remote),
    };
    let ours = device::load(conn)?.center_code;
    if hello.center_code != ours {
        return Err(unregistered().into());
    }
    if let Some(d) = devices::find(conn, &hello.device_id)? {
        return Err(crate::exchange::ExchangeError::AlreadyTrusted(d.device_code).into());
    }
    let line = KeyLine::parse(&format!(
        "bianmin-device-key 1 {} {} {} {} {}",
        hello.center_code,
        hello.device_code,
        role.as_str(),
        hello.device_id,
        hello.public_key
    ))
    .map_err(|_| unregistered())?;
    if keys::channel_public(&line.public_key)
        .as_ref()
        .map(|k| &k[..])
        != Some(remote)
    {
        return Err(SyncError::WrongKey {
            claimed: line.device_code,
            fingerprint: fingerprint_of(remote),
        }
        .into());
    }
    Ok(line)
}

/// Who `hello` claims to be, checked against this machine's registered
/// devices and the key the handshake proved.
fn check_peer(conn: &Connection, hello: &[u8], remote: Option<&[u8]>) -> crate::Result<Peer> {
    let remote = remote.ok_or_else(|| handshake_error("对方没有出示设备密钥"))?;
    let hello: Hello = serde_json::from_slice(hello).map_err(|_| SyncError::Unregistered {
        fingerprint: fingerprint_of(remote),
    })?;
    check_registered(conn, &hello, remote)
}

fn check_registered(conn: &Connection, hello: &Hello, remote: &[u8]) -> crate::Result<Peer> {
    let ours = device::load(conn)?.center_code;
    let Some(d) = devices::find(conn, &hello.device_id)?.filter(|_| hello.center_code == ours)
    else {
        return Err(SyncError::Unregistered {
            fingerprint: fingerprint_of(remote),
        }
        .into());
    };
    if keys::channel_public(&d.public_key).as_ref().map(|k| &k[..]) != Some(remote) {
        return Err(SyncError::WrongKey {
            claimed: d.device_code,
            fingerprint: fingerprint_of(remote),
        }
        .into());
    }
    Ok(Peer {
        device_id: d.device_id,
        device_code: d.device_code,
        role: d.role,
    })
}

/// The initiator's first two handshake messages: `-> e`, then `<- e, ee,
/// s, es` with the hub's hello; the hello's bytes and the key it proved.
fn initiate(
    stream: &mut TcpStream,
    secret: &[u8; 32],
) -> crate::Result<(snow::HandshakeState, Vec<u8>, Vec<u8>)> {
    let params: snow::params::NoiseParams = PATTERN.parse().map_err(handshake_error)?;
    let mut hs = snow::Builder::new(params)
        .local_private_key(&secret[..])
        .prologue(PROLOGUE)
        .build_initiator()
        .map_err(handshake_error)?;
    let mut buf = vec![0u8; MAX_FRAME];
    let lost = |e: std::io::Error| io_lost("中心汇总机", &e);
    let n = hs.write_message(&[], &mut buf).map_err(handshake_error)?;
    write_frame(stream, &buf[..n]).map_err(lost)?;
    let msg = read_frame(stream).map_err(lost)?;
    let n = hs
        .read_message(&msg, &mut buf)
        .map_err(|_| SyncError::Tampered)?;
    let remote = hs
        .get_remote_static()
        .ok_or_else(|| handshake_error("对方没有出示设备密钥"))?
        .to_vec();
    Ok((hs, buf[..n].to_vec(), remote))
}

/// The initiator's last handshake message, `-> s, se` with its `hello`.
fn finish_initiator(
    stream: &mut TcpStream,
    mut hs: snow::HandshakeState,
    hello: &[u8],
) -> crate::Result<snow::TransportState> {
    let mut buf = vec![0u8; MAX_FRAME];
    let n = hs.write_message(hello, &mut buf).map_err(handshake_error)?;
    write_frame(stream, &buf[..n]).map_err(|e| io_lost("中心汇总机", &e))?;
    Ok(hs.into_transport_mode().map_err(handshake_error)?)
}

impl Channel {
    /// A device's side: connects through `stream` to the hub, which must be
    /// the hub registered on this machine.
    pub fn connect(conn: &Connection, mut stream: TcpStream) -> crate::Result<Channel> {
        let secret = keys::channel_secret(conn)?;
        let (hs, hello, remote) = initiate(&mut stream, &secret)?;
        let peer = check_peer(conn, &hello, Some(&remote))?;
        if peer.role != DeviceRole::Hub.as_str() {
            return Err(SyncError::NotTheHub(peer.device_code).into());
        }
        let noise = finish_initiator(&mut stream, hs, &own_hello(conn)?)?;
        Ok(Channel {
            stream,
            noise,
            peer,
        })
    }

    /// A PC not registered yet asks the hub on `stream` to join the
    /// center, with its new `key`: the hub's key is believed on first use,
    /// or checked against the fingerprint read from the hub's screen.
    pub fn connect_joining(
        mut stream: TcpStream,
        key: &ed25519_dalek::SigningKey,
        device_id: &str,
        device_code: &str,
        role: DeviceRole,
        expected_fingerprint: Option<&str>,
    ) -> crate::Result<(Channel, HubInfo)> {
        let (hs, hello, remote) = initiate(&mut stream, &keys::channel_secret_of(key))?;
        let hub: Hello =
            serde_json::from_slice(&hello).map_err(|e| SyncError::Malformed(e.to_string()))?;
        let remote = &remote[..];
        if keys::channel_public(&hub.public_key)
            .as_ref()
            .map(|k| &k[..])
            != Some(remote)
        {
            return Err(SyncError::WrongKey {
                claimed: hub.device_code,
                fingerprint: fingerprint_of(remote),
            }
            .into());
        }
        let info = HubInfo {
            fingerprint: keys::fingerprint(&hub.public_key),
            center_code: hub.center_code,
            center_name: hub.center_name,
            device_code: hub.device_code,
            public_key: hub.public_key,
        };
        if let Some(expected) = expected_fingerprint.filter(|e| !e.trim().is_empty()) {
            let norm = |s: &str| s.replace(' ', "").to_lowercase();
            if norm(expected) != norm(&info.fingerprint) {
                return Err(SyncError::HubFingerprint {
                    found: info.fingerprint,
                    expected: expected.trim().to_owned(),
                }
                .into());
            }
        }
        let ask = serde_json::to_vec(&Hello {
            center_code: info.center_code.clone(),
            center_name: String::new(),
            device_id: device_id.to_owned(),
            device_code: device_code.to_owned(),
            public_key: hex::encode(key.verifying_key().to_bytes()),
            join: Some(role),
        })
        .map_err(handshake_error)?;
        let noise = finish_initiator(&mut stream, hs, &ask)?;
        let peer = Peer {
            device_id: String::new(),
            device_code: info.device_code.clone(),
            role: DeviceRole::Hub.as_str().to_owned(),
        };
        Ok((
            Channel {
                stream,
                noise,
                peer,
            },
            info,
        ))
    }

    /// The hub's side: answers a device on `stream`; an unregistered one,
    /// or one whose key is not the registered one, is refused, unless it
    /// asks to join the center.
    pub fn accept(conn: &Connection, mut stream: TcpStream) -> crate::Result<Accepted> {
        let (builder, secret) = builder(conn)?;
        let mut hs = builder
            .local_private_key(&secret[..])
            .prologue(PROLOGUE)
            .build_responder()
            .map_err(handshake_error)?;
        let mut buf = vec![0u8; MAX_FRAME];
        let lost = |e: std::io::Error| io_lost("设备", &e);
        // -> e
        let msg = read_frame(&mut stream).map_err(lost)?;
        hs.read_message(&msg, &mut buf)
            .map_err(|_| SyncError::Tampered)?;
        // <- e, ee, s, es
        let n = hs
            .write_message(&own_hello(conn)?, &mut buf)
            .map_err(handshake_error)?;
        write_frame(&mut stream, &buf[..n]).map_err(lost)?;
        // -> s, se
        let msg = read_frame(&mut stream).map_err(lost)?;
        let mut hello = vec![0u8; MAX_FRAME];
        let n = hs
            .read_message(&msg, &mut hello)
            .map_err(|_| SyncError::Tampered)?;
        let remote = hs
            .get_remote_static()
            .ok_or_else(|| handshake_error("对方没有出示设备密钥"))?
            .to_vec();
        let hello: Hello =
            serde_json::from_slice(&hello[..n]).map_err(|_| SyncError::Unregistered {
                fingerprint: fingerprint_of(&remote),
            })?;
        let noise = hs.into_transport_mode().map_err(handshake_error)?;
        if let Some(role) = hello.join {
            let line = check_joining(conn, &hello, role, &remote)?;
            let peer = Peer {
                device_id: line.device_id.clone(),
                device_code: line.device_code.clone(),
                role: role.as_str().to_owned(),
            };
            return Ok(Accepted::Joining(
                Channel {
                    stream,
                    noise,
                    peer,
                },
                line,
            ));
        }
        let peer = check_registered(conn, &hello, &remote)?;
        Ok(Accepted::Device(Channel {
            stream,
            noise,
            peer,
        }))
    }

    /// A second handle on the connection, to read frames on another thread
    /// (decrypting stays with [`Channel::open`]).
    pub fn reader(&self) -> std::io::Result<TcpStream> {
        self.stream.try_clone()
    }

    /// Sends one message: `kind` and its bytes.
    pub fn send(&mut self, kind: u8, payload: &[u8]) -> Result<(), SyncError> {
        let len = u32::try_from(payload.len())
            .ok()
            .filter(|n| (*n as usize) <= MAX_MESSAGE)
            .ok_or_else(|| SyncError::Malformed("消息过大".into()))?;
        let mut plain = Vec::with_capacity(payload.len() + 5);
        plain.push(kind);
        plain.extend_from_slice(&len.to_be_bytes());
        plain.extend_from_slice(payload);
        let mut out = vec![0u8; MAX_FRAME];
        for chunk in plain.chunks(MAX_FRAME - TAG) {
            let n = self
                .noise
                .write_message(chunk, &mut out)
                .map_err(|e| SyncError::Malformed(e.to_string()))?;
            write_frame(&mut self.stream, &out[..n])
                .map_err(|e| io_lost(&self.peer.device_code, &e))?;
        }
        Ok(())
    }

    /// Decrypts one frame read by [`read_frame`] into `into`; a changed
    /// or replayed frame is refused.
    pub fn open(&mut self, frame: &[u8], into: &mut Assembler) -> Result<(), SyncError> {
        let mut out = vec![0u8; frame.len()];
        let n = self
            .noise
            .read_message(frame, &mut out)
            .map_err(|_| SyncError::Tampered)?;
        into.bytes.extend_from_slice(&out[..n]);
        Ok(())
    }

    /// Ends the connection (the reading thread sees it end too).
    pub fn close(&self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// Decrypted bytes gathered into whole messages.
#[derive(Default)]
pub struct Assembler {
    bytes: Vec<u8>,
}

impl Assembler {
    /// The next whole message, if one has arrived: its kind and bytes.
    pub fn message(&mut self) -> Result<Option<(u8, Vec<u8>)>, SyncError> {
        if self.bytes.len() < 5 {
            return Ok(None);
        }
        let len = u32::from_be_bytes([self.bytes[1], self.bytes[2], self.bytes[3], self.bytes[4]])
            as usize;
        if len > MAX_MESSAGE {
            return Err(SyncError::Malformed("消息过大".into()));
        }
        if self.bytes.len() < 5 + len {
            return Ok(None);
        }
        let kind = self.bytes[0];
        let payload = self.bytes[5..5 + len].to_vec();
        self.bytes.drain(..5 + len);
        Ok(Some((kind, payload)))
    }
}
