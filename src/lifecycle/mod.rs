//! A case after intake (办件生命周期):
//! - [`state`]: the states and the one table of allowed next steps;
//! - [`handlers`]: whom a case can be assigned to, found by name or pinyin;
//! - [`handling`]: each step (assign, suspend, resume, complete, deliver,
//!   archive, return, withdraw, extend) with who may take it;
//! - [`request`]: a step as the window or the CLI asks for it, dispatched;
//! - [`projector`]: how each step's event changes the case's row;
//! - [`bag`]: 一事一袋 — the center confirming a village agent's case;
//! - [`stand_in`]: AB角 — a stand-in acting for an absent clerk;
//! - [`deadline`]: 正常 / 黄灯 / 红灯 against the due date, watch lists, and
//!   the per-case figures (on time, on the spot, days saved);
//! - [`timeline`]: the audit trail of one case (`bianmin log`).

pub mod bag;
pub mod deadline;
pub mod handlers;
pub mod handling;
pub mod national;
pub mod projector;
pub mod request;
pub mod stand_in;
pub mod state;
pub mod timeline;

pub use state::{State, Step};

/// Refusals of lifecycle actions; nothing is written when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("办件 {case_no} 当前状态为“{state}”，不能{step}；可以进行的操作：{allowed}")]
    IllegalStep {
        case_no: String,
        state: &'static str,
        step: &'static str,
        allowed: String,
    },
    #[error("办件 {case_no} 由 {handler} 承办，{actor} 不是承办人或其 AB 角，只有中心负责人可以代为{step}")]
    NotHandler {
        case_no: String,
        handler: String,
        actor: String,
        step: &'static str,
    },
    #[error("延期须由中心负责人批准")]
    ExtensionNeedsManager,
    #[error("“{0}”须由中心负责人决定")]
    NeedsManager(&'static str),
    #[error("延期后的办结日期 {requested} 超过法定时限（最迟 {limit}），不能延期")]
    BeyondStatutoryLimit {
        requested: chrono::NaiveDate,
        limit: chrono::NaiveDate,
    },
    #[error("延期后的办结日期 {requested} 不晚于当前办结日期 {current}")]
    NotLater {
        requested: chrono::NaiveDate,
        current: chrono::NaiveDate,
    },
    #[error("代办件须在中心的窗口电脑上确认收件，村代办电脑不能确认")]
    BagAtAgentDevice,
    #[error("{0}必须写明")]
    Missing(&'static str),
    #[error("承办人“{0}”不存在、已停用或不是窗口人员/负责人")]
    BadHandler(String),
    #[error("AB 角的起止日期不对：{0}")]
    BadRange(String),
    #[error("数据库中记录的办件状态“{0}”无法识别：文件可能已损坏，或由更新版本的程序写入")]
    UnreadableState(String),
    #[error(
        "办件 {case_no} 的容缺材料尚未补齐：{items}。补齐之前不能准予办结（可以不予许可或退回）"
    )]
    ToleranceOutstanding { case_no: String, items: String },
    #[error("未知的{kind}“{given}”，可选：{allowed}")]
    Unknown {
        kind: &'static str,
        given: String,
        allowed: &'static str,
    },
}
