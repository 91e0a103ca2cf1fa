//! Taking in an application at the counter.
//!
//! - [`application`]: what the clerk enters (applicant, proxy, materials brought).
//! - [`decision`]: the one rule that decides 即办 / 受理 / 一次性告知 / 不予受理.
//! - [`case_number`]: `{center}-{yyyymmdd}-{device}-{serial}` numbers.
//! - [`query_code`]: the applicant's 6-character 查询码.
//! - [`record`]: checking, deciding and committing an intake as one event.
//! - [`lookup`]: finding cases by number, query code, name, ID or phone.
//! - [`tolerance`]: 容缺受理 — accepting with a 可容缺 material missing, and 补齐.
//! - [`commitment`]: 告知承诺制 — a signed promise instead of a proof, and its 核查.
//! - [`bundle`]: 一件事 — one intake of a bundle's matters, a case each, linked.

pub mod application;
pub mod bundle;
pub mod case_number;
pub mod commitment;
pub mod decision;
pub mod lookup;
pub mod papers;
pub mod query_code;
pub mod record;
pub mod search_index;
pub mod tolerance;

pub use application::{Application, Proxy};
pub use decision::Outcome;
pub use record::{record, IntakeResult};

/// Refusals of an intake; nothing is written when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error(
        "办件 {case_no} 已受理并保存，但文书未能打印：{reason}。请从办件详情（或 bianmin doc）补打"
    )]
    PapersNotPrinted { case_no: String, reason: String },
    #[error("事项“{0}”须申请人本人亲自办理，不能由他人代办")]
    ProxyNotAllowed(String),
    #[error("不予受理必须写明理由")]
    RefusalReasonMissing,
    #[error("事项“{matter}”的申请材料中没有“{given}”；材料请用序号 1 到 {count} 或材料全称")]
    UnknownMaterial {
        matter: String,
        given: String,
        count: usize,
    },
    #[error("找不到办件“{0}”")]
    NoSuchCase(String),
    #[error("办件 {case_no} 的结果是“{outcome}”，只有一次性告知或不予受理的办件可以重新提交")]
    CannotResubmit {
        case_no: String,
        outcome: &'static str,
    },
    #[error("办件 {0} 已经重新提交过（{1}），请在最新的办件上继续")]
    AlreadyResubmitted(String, String),
    #[error("重新提交的{what}与原办件 {case_no} 不一致")]
    ResubmitMismatch { case_no: String, what: &'static str },
    #[error("本机 {0} 的办件流水号已用完（每天最多 9999 件）")]
    SerialExhausted(String),
    #[error("办件编号“{0}”格式不对，应为 中心编码-年月日-设备编号-四位流水号")]
    BadCaseNumber(String),
    #[error(
        "本中心未开启容缺受理：缺少材料时请出具一次性告知单（中心负责人可在“设置”中开启容缺受理）"
    )]
    ToleranceNotAllowed,
    #[error("村代办电脑不能容缺受理：缺少材料时请出具一次性告知单，或请申请人到中心窗口办理")]
    ToleranceAtAgent,
    #[error("申请材料“{0}”不可告知承诺，请收取材料或一次性告知")]
    NotPromisable(String),
    #[error("村代办电脑不能以告知承诺受理：请收取材料，或请申请人到中心窗口办理")]
    CommitmentAtAgent,
    #[error("办件 {0} 没有待核查的告知承诺")]
    NothingToVerify(String),
    #[error("办件 {0} 没有待补齐的容缺材料")]
    NothingToSupply(String),
    #[error("办件 {case_no} 待补齐的容缺材料中没有“{given}”；待补齐：{outstanding}")]
    NotTolerated {
        case_no: String,
        given: String,
        outstanding: String,
    },
}
