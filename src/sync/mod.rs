//! Live sync over the hall's LAN (局域网同步): the hub serves, every counter
//! PC (and an agent laptop while it is in the hall) keeps a connection to
//! it and both sides send each other, as soon as they have them, the same
//! signed, hash-chained batches a USB stick carries. Everything a USB
//! import checks is checked again (src/exchange/import.rs `import_live`);
//! an event that arrives by LAN and by USB is one event.
//!
//! - [`channel`]: the encrypted, mutually authenticated channel (Noise XX
//!   with the registered device keys) and its framing;
//! - [`link`]: what the two ends of a connection say to each other: what
//!   each holds (heads), the batch of what the other lacks, a refusal;
//! - [`hub`]: `bianmin serve`, the hub's listener;
//! - [`device`]: `bianmin sync`, a device's side, reconnecting with back-off;
//! - [`discovery`]: finding the hub on the LAN without typing its address;
//! - [`enrol`]: a new PC joining the center over the LAN, approved by a
//!   manager on the hub;
//! - [`settings`]: whether this PC syncs and with which hub ([`settings::plan`]);
//! - [`live`]: the window's sync running beside it, and its status line.

pub mod channel;
pub mod device;
pub mod discovery;
pub mod enrol;
pub mod hub;
pub mod link;
pub mod live;
pub mod settings;

use std::time::Duration;

/// The port the hub listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 47341;

/// How long a connection attempt and the handshake may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection silent this long is taken as lost (each end speaks at
/// least every [`HEARTBEAT`]).
pub const SILENCE_LIMIT: Duration = Duration::from_secs(15);

/// How often an idle end says what it holds, so the other knows it lives.
pub const HEARTBEAT: Duration = Duration::from_secs(5);

/// Refusals and failures of live sync, in the words the hub's screen and
/// the device's status line show.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("无法连接中心汇总机 {addr}：{reason}")]
    Connect { addr: String, reason: String },
    #[error("与{peer}的连接中断：{reason}")]
    Lost { peer: String, reason: String },
    #[error("同步握手失败：{0}")]
    Handshake(String),
    #[error("对方不是本中心登记的设备（指纹 {fingerprint}），已拒绝连接")]
    Unregistered { fingerprint: String },
    #[error("设备 {claimed} 使用的密钥与登记的不符（指纹 {fingerprint}），已拒绝连接")]
    WrongKey {
        claimed: String,
        fingerprint: String,
    },
    #[error("对方不是本中心的中心汇总机（{0}），已断开")]
    NotTheHub(String),
    #[error("本机不是中心汇总机，不能提供同步服务（本机角色：{0}）")]
    NotAHub(String),
    #[error("收到的数据被改动或已损坏（解密失败），已断开")]
    Tampered,
    #[error("收到的数据格式不对（{0}），已断开")]
    Malformed(String),
    #[error("{peer}拒绝了本机发去的数据：{reason}")]
    Refused { peer: String, reason: String },
    #[error("局域网中没有找到本中心的中心汇总机（汇总机未开机、未开启同步服务，或广播被网络设备拦截：可在设置中填写它的地址）")]
    HubNotFound,
    #[error("中心负责人没有批准本机加入：{0}")]
    JoinDeclined(String),
    #[error("中心汇总机的指纹是 {found}，与输入的 {expected} 不符：这不是本中心的汇总机，已断开")]
    HubFingerprint { found: String, expected: String },
    #[error("加入申请 {0} 不存在")]
    NoSuchRequest(i64),
    #[error("加入申请 {no} {state}，不能再处理")]
    RequestDecided { no: i64, state: &'static str },
    #[error("中心汇总机的地址“{0}”格式不对：应为 IP 地址或电脑名，可带端口，如 192.168.1.10 或 192.168.1.10:47341")]
    BadHubAddress(String),
    #[error("无法监听 {addr}：{reason}")]
    Listen { addr: String, reason: String },
}

impl SyncError {
    /// Whether this ends a connection because a check refused it (rather
    /// than the network failing).
    pub fn is_refusal(e: &crate::Error) -> bool {
        matches!(
            e,
            crate::Error::Exchange(_)
                | crate::Error::Sync(
                    SyncError::Refused { .. }
                        | SyncError::Unregistered { .. }
                        | SyncError::WrongKey { .. }
                        | SyncError::NotTheHub(_)
                        | SyncError::Tampered
                )
        )
    }
}

/// What happens on a connection, for the hub's screen, the device's status
/// line and the command line's log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Notice {
    /// A registered device connected (its code).
    Connected(String),
    /// Events came in and were applied.
    Received { from: String, added: u64 },
    /// A scanned file came in and was kept.
    FileReceived { from: String },
    /// Events were sent.
    Sent { to: String, events: u64 },
    /// How many events this end holds that the other end lacks, as the
    /// other end last said (the hub's screen shows it per device).
    Behind { peer: String, events: u64 },
    /// Both ends hold the same (the `--once` exchange is done).
    InStep(String),
    /// The connection ended, with why; `refused` when a check refused it
    /// (it will not get better by retrying alone).
    Closed {
        peer: String,
        reason: String,
        refused: bool,
    },
    /// A connection refused, with why (an unregistered device, a wrong key).
    Refused { from: String, reason: String },
    /// A PC asks to join the center (src/sync/enrol.rs): a manager decides.
    JoinRequested {
        code: String,
        fingerprint: String,
        from: String,
    },
    /// A request to join ended (decided, or its PC went away).
    JoinEnded(String),
    /// A PC joined the center over the LAN.
    Joined(String),
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::Connected(code) => write!(f, "{code} 已连接"),
            Notice::Received { from, added } => write!(f, "收到 {from} 的 {added} 条新数据"),
            Notice::FileReceived { from } => write!(f, "收到 {from} 的扫描件"),
            Notice::Sent { to, events } => write!(f, "向 {to} 发送 {events} 条数据"),
            Notice::Behind { peer, events } => write!(f, "{peer} 还差 {events} 条数据"),
            Notice::InStep(peer) => write!(f, "与 {peer} 的数据已一致"),
            Notice::Closed { peer, reason, .. } => write!(f, "与 {peer} 的连接结束：{reason}"),
            Notice::Refused { from, reason } => write!(f, "拒绝来自 {from} 的连接：{reason}"),
            Notice::JoinRequested {
                code,
                fingerprint,
                from,
            } => write!(
                f,
                "{code} 申请加入本中心（来自 {from}，指纹 {fingerprint}），请负责人核对指纹后批准"
            ),
            Notice::JoinEnded(code) => write!(f, "{code} 的加入申请已结束"),
            Notice::Joined(code) => write!(f, "{code} 已通过局域网加入本中心"),
        }
    }
}
