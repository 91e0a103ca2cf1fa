//! The service desk around cases:
//! - [`consultation`]: the enquiry log (首问负责制);
//! - [`evaluation`]: ratings (好差评), rectification (整改), follow-up calls (回访);
//! - [`complaints`]: the complaints register (投诉来访登记).

pub mod complaints;
pub mod consultation;
pub mod evaluation;
pub mod numbers;

/// Refusals of the service desk; nothing is written when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("找不到{kind}“{id}”")]
    NotFound { kind: &'static str, id: String },
    #[error("该{0}已通过此渠道评价过，不能重复评价")]
    AlreadyEvaluated(&'static str),
    #[error("办件 {case_no} 当前状态为“{state}”，办结后才能评价")]
    NotCompleted {
        case_no: String,
        state: &'static str,
    },
    #[error("差评须交中心负责人整改，但本中心没有可用的负责人账号")]
    NoManager,
    #[error("该{0}已经关闭，不能再修改")]
    AlreadyClosed(&'static str),
    #[error("该咨询没有需要其他部门跟进答复的事项")]
    NoFollowUp,
    #[error("该咨询已转为受理（办件 {0}），不能再次转办")]
    AlreadyConverted(String),
    #[error("投诉当前状态为“{state}”，不能{step}")]
    ComplaintStep {
        state: &'static str,
        step: &'static str,
    },
    #[error("抽样的办结日期止 {to} 早于起 {from}")]
    BadPeriod {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    #[error("未知的{kind}“{given}”，可选：{allowed}")]
    Unknown {
        kind: &'static str,
        given: String,
        allowed: &'static str,
    },
}
