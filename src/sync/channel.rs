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
use crate::exchange::{devices, keys};
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
    device_id: String,
    device_code: String,
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

fn io_lost(peer: &str, e: &std::io::Error) -> SyncError {
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
        device_id: dev.device_id,
        device_code: dev.device_code,
    })
    .map_err(|e| handshake_error(e).into())
}

fn fingerprint_of(remote: &[u8]) -> String {
    keys::fingerprint(&hex::encode(remote))
}

/// Who `hello` claims to be, checked against this machine's registered
/// devices and the key the handshake proved.
fn check_peer(conn: &Connection, hello: &[u8], remote: Option<&[u8]>) -> crate::Result<Peer> {
    let remote = remote.ok_or_else(|| handshake_error("对方没有出示设备密钥"))?;
    let hello: Hello = serde_json::from_slice(hello).map_err(|_| SyncError::Unregistered {
        fingerprint: fingerprint_of(remote),
    })?;
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

impl Channel {
    /// A device's side: connects through `stream` to the hub, which must be
    /// the hub registered on this machine.
    pub fn connect(conn: &Connection, mut stream: TcpStream) -> crate::Result<Channel> {
        let (builder, secret) = builder(conn)?;
        let mut hs = builder
            .local_private_key(&secret[..])
            .prologue(PROLOGUE)
            .build_initiator()
            .map_err(handshake_error)?;
        let mut buf = vec![0u8; MAX_FRAME];
        let lost = |e: std::io::Error| io_lost("中心汇总机", &e);
        // -> e
        let n = hs.write_message(&[], &mut buf).map_err(handshake_error)?;
        write_frame(&mut stream, &buf[..n]).map_err(lost)?;
        // <- e, ee, s, es (the hub's hello)
        let msg = read_frame(&mut stream).map_err(lost)?;
        let mut hello = vec![0u8; MAX_FRAME];
        let n = hs
            .read_message(&msg, &mut hello)
            .map_err(|_| SyncError::Tampered)?;
        let peer = check_peer(conn, &hello[..n], hs.get_remote_static())?;
        if peer.role != DeviceRole::Hub.as_str() {
            return Err(SyncError::NotTheHub(peer.device_code).into());
        }
        // -> s, se (our hello)
        let n = hs
            .write_message(&own_hello(conn)?, &mut buf)
            .map_err(handshake_error)?;
        write_frame(&mut stream, &buf[..n]).map_err(lost)?;
        let noise = hs.into_transport_mode().map_err(handshake_error)?;
        Ok(Channel {
            stream,
            noise,
            peer,
        })
    }

    /// The hub's side: answers a device on `stream`; an unregistered one,
    /// or one whose key is not the registered one, is refused.
    pub fn accept(conn: &Connection, mut stream: TcpStream) -> crate::Result<Channel> {
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
        let peer = check_peer(conn, &hello[..n], hs.get_remote_static())?;
        let noise = hs.into_transport_mode().map_err(handshake_error)?;
        Ok(Channel {
            stream,
            noise,
            peer,
        })
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
