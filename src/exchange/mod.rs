//! Offline exchange (数据交换): devices that never share a network exchange
//! signed, hash-chained batches of events on a USB stick and converge.
//! Kept apart from storage (src/store), which knows nothing of files or keys.
//!
//! - [`keys`]: this device's ed25519 key, its fingerprint and key line;
//! - [`devices`]: the devices this machine trusts (`device.trusted` events);
//! - [`manifest`]: what a batch declares about itself (docs/batch-format.md);
//! - [`export`]: writing a `.bmb` batch for a destination;
//! - [`envelope`]: a batch sealed to the devices it is for (version 3);
//! - [`reader`]: opening a batch and every check before anything is applied;
//! - [`origin`]: every event proven by the device that made it (check 7);
//! - [`scan_files`]: the scanned files a batch carries (check 8);
//! - [`forks`]: two events signed by one device for one place in its chain;
//! - [`import`]: chaining, pending gaps and applying a batch in one transaction;
//! - [`join`]: setting up a new counter PC or agent laptop from the hub's batch;
//! - [`conflicts`]: a step refused on import, beside the one that stands, resolved by a manager.

pub mod conflicts;
pub mod devices;
pub mod envelope;
pub mod export;
pub mod forks;
pub mod import;
pub mod join;
pub mod keys;
pub mod manifest;
pub mod origin;
pub mod reader;
pub mod scan_files;

/// Progress of a long export or import: events processed out of a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Where progress is reported (stderr for the CLI, events for the window).
pub type OnProgress<'a> = &'a mut dyn FnMut(Progress);

/// How often progress is reported, in events.
pub const PROGRESS_EVERY: u64 = 2_000;

/// Refusals of an export or an import. Each names the check that failed, in
/// the words a clerk or manager can act on; nothing is changed when one is
/// returned.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("找不到这条冲突记录，或它已经处理过了")]
    NoSuchConflict,
    #[error("未知的处理方式“{0}”，可选：保留现状（keep）、采用另一步（apply）")]
    UnknownResolution(String),
    #[error("现在不能再做“{what}”：{reason}。请选择保留现状，或先处理办件后再采用")]
    CannotApply { what: &'static str, reason: String },
    #[error("没有需要导出的新数据（{0}）")]
    NothingToExport(String),
    #[error("第 1 步 读取文件：{file} 不是完整的数据交换批次（{reason}）。可能是 U 盘拔出过早或文件已损坏，请重新导出")]
    Container { file: String, reason: String },
    #[error(
        "第 2 步 检查文件清单：批次中的文件“{0}”路径不安全（含“..”、绝对路径或反斜杠），拒绝导入"
    )]
    UnsafePath(String),
    #[error("第 2 步 检查文件清单：批次中文件“{0}”出现了不止一次，拒绝导入")]
    DuplicateMember(String),
    #[error("第 2 步 检查文件清单：批次中有不应出现的文件“{0}”，拒绝导入")]
    UnexpectedMember(String),
    #[error("第 2 步 检查文件清单：批次缺少“{0}”，拒绝导入")]
    MissingMember(&'static str),
    #[error("第 2 步 检查文件清单：批次中“{0}”过大，拒绝导入")]
    MemberTooLarge(String),
    #[error("第 3 步 检查批次说明：manifest.json 不符合格式（{0}），拒绝导入")]
    Manifest(String),
    #[error("第 3 步 检查批次说明：该批次属于服务中心 {found}，本机属于 {ours}，拒绝导入")]
    OtherCenter { found: String, ours: String },
    #[error("第 4 步 核对签名：批次来自未登记的设备 {device}（指纹 {fingerprint}）。请中心负责人先在本机“登记信任设备”后再导入")]
    UntrustedDevice { device: String, fingerprint: String },
    #[error("第 4 步 核对签名：设备 {0} 的签名不符，批次被改动过或不是该设备导出的，拒绝导入")]
    BadSignature(String),
    #[error("第 3 步 检查批次说明：envelope.json 不符合格式（{0}），拒绝导入")]
    Envelope(String),
    #[error("第 4 步 核对签名：该批次是加密发给{destination}的，本机（{own}）不是收件设备，无法打开，拒绝导入")]
    NotForThisDevice { destination: String, own: String },
    #[error("第 4 步 核对签名：该批次已加密，请输入中心电脑导出时显示的加入口令")]
    JoinCodeNeeded,
    #[error("第 4 步 核对签名：加入口令不对（请核对中心电脑导出时显示的 16 位口令），拒绝加入")]
    JoinCodeWrong,
    #[error("第 4 步 核对签名：批次内外的说明不一致（导出设备、批次号或收件设备不同），拒绝导入")]
    EnvelopeMismatch,
    #[error(
        "没有可以接收该批次的已登记设备：请先在“数据交换”中登记收件设备，或选择“发给指定设备”"
    )]
    NoRecipients,
    #[error("无法加密批次：{0}")]
    Seal(String),
    #[error("第 4 步 核对签名：中心电脑的指纹是 {found}，与输入的 {expected} 不一致，拒绝加入")]
    FingerprintMismatch { found: String, expected: String },
    #[error(
        "第 5 步 核对文件校验值：“{0}”的 SHA-256 与批次说明不符（文件被改动或损坏），拒绝导入"
    )]
    MemberHash(String),
    #[error("第 6 步 核对事件链：{0}，拒绝导入")]
    Chain(String),
    #[error("第 6 步 核对事件链：设备 {device} 第 {seq} 号事件有两个不同的版本，都带有该设备自己的签名——该设备或它的密钥被他人使用过。已记入“分叉”，请中心负责人核实后吊销该设备的密钥，拒绝导入")]
    Fork {
        device: String,
        seq: i64,
        found: Box<forks::Detected>,
    },
    #[error("第 4 步 核对签名：设备 {device} 的密钥已于 {at} 吊销（{reason}），拒绝导入它的批次")]
    RevokedWriter {
        device: String,
        at: String,
        reason: String,
    },
    #[error("第 7 步 核对来源签名：设备 {device} 第 {first}–{last} 号事件没有该设备自己的签名（可能是其他设备冒名写入，或由旧版本导出），拒绝导入")]
    UnsignedOrigin {
        device: String,
        first: i64,
        last: i64,
    },
    #[error("第 7 步 核对来源签名：批次中有未登记设备 {0} 的事件，无法核对它的签名，拒绝导入。请中心负责人先在本机登记该设备")]
    UnknownOrigin(String),
    #[error("第 7 步 核对来源签名：设备 {device} 的密钥已于 {at} 吊销（{reason}），它第 {after} 号以后的事件不再接受，拒绝导入")]
    RevokedOrigin {
        device: String,
        at: String,
        reason: String,
        after: i64,
    },
    #[error("第 8 步 核对扫描件：批次说明列出的扫描件{0}不在批次中（文件缺失），拒绝导入")]
    ScanMissing(String),
    #[error("第 8 步 核对扫描件：批次中的扫描件{0}没有列在批次说明中（多余的文件），拒绝导入")]
    ScanExtra(String),
    #[error("第 8 步 核对扫描件：批次说明列出的扫描件 {0} 不属于本批次的任何办件，拒绝导入")]
    ScanUnclaimed(String),
    #[error("第 8 步 核对扫描件：扫描件{0}的内容与批次说明的 SHA-256 或大小不符（文件被改动或损坏），拒绝导入")]
    ScanAltered(String),
    #[error("吊销设备密钥必须写明原因（如：笔记本电脑丢失）")]
    RevokeWithoutReason,
    #[error("不能吊销本机自己的密钥")]
    RevokeOwn,
    #[error("没有编号为 {0} 的已登记设备（或它的密钥已经吊销）")]
    NoSuchDevice(String),
    #[error("设备公钥“{0}”格式不对：应为 bianmin device key 显示的一行（bianmin-device-key 开头）或其导出的文件")]
    BadKeyLine(String),
    #[error("设备 {0} 已经登记过，无需再次登记")]
    AlreadyTrusted(String),
    #[error("设备编号 {code} 已登记给另一台设备（指纹 {fingerprint}），拒绝登记")]
    CodeTaken { code: String, fingerprint: String },
    #[error("这是本机自己的公钥，不需要登记")]
    OwnKey,
    #[error("该批次不是中心电脑导出的完整批次（缺少导出设备的登记），不能用来加入服务中心")]
    NotAHubBatch,
    #[error("加入已有中心时设备类型只能是窗口电脑（counter）或村代办员电脑（agent）；中心汇总电脑只能在新建服务中心时设置")]
    JoinAsHub,
    #[error("本机没有设备密钥（数据库早于数据交换功能），请先运行一次 bianmin device key 生成")]
    NoKey,
    #[error("无法写入 {path}：{reason}（U 盘已满、只读或已拔出？）未留下不完整的文件")]
    Write { path: String, reason: String },
}
