//! The catalogue of matters (事项清单) that drives intake.
//!
//! - [`matter`]: what a matter is and the rules a matter must obey
//!   (承诺时限 ≤ 法定时限, 即办件 promise 0, 承诺件 at least 1 day …).
//! - [`file`]: the TOML catalogue file a manager edits, read with line numbers.
//! - [`versions`]: publishing versions, importing, exporting, looking up.
//! - [`search`]: finding a matter at the counter by name, code or pinyin initials.
//! - [`withdrawal`]: stopping a matter from being taken in (停用) and re-enabling it.
//! - [`bundle`]: 一件事 — matters taken in together from one shared pool of materials.

pub mod bundle;
pub mod file;
pub mod matter;
pub mod search;
pub mod versions;
pub mod withdrawal;

pub use matter::{CaseType, Material, MaterialForm, Matter, PickupMethod};

/// Refusals of catalogue data and look-ups.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("事项 {code}：{reason}")]
    Rule {
        code: String,
        /// The field the rule concerns, as named in the catalogue file.
        field: matter::Field,
        reason: String,
    },
    #[error("一件事 {code}：{reason}")]
    BundleRule {
        code: String,
        field: matter::Field,
        reason: String,
    },
    #[error("事项清单文件第 {line} 行：{reason}；整份文件未导入")]
    File { line: usize, reason: String },
    #[error("事项清单中没有编码为“{0}”的事项")]
    NoSuchMatter(String),
    #[error("事项清单中没有编码为“{0}”的一件事")]
    NoSuchBundle(String),
    #[error("事项“{name}”已停用（{reason}），不再受理；如需恢复请由中心负责人在事项清单中启用")]
    Withdrawn { name: String, reason: String },
    #[error("事项“{0}”已经停用")]
    AlreadyWithdrawn(String),
    #[error("事项“{0}”没有停用，无需启用")]
    NotWithdrawn(String),
    #[error("请写明停用原因")]
    NoReason,
}

impl CatalogueError {
    /// The field of a matter the refusal concerns, if it concerns one.
    pub fn field(&self) -> Option<matter::Field> {
        match self {
            CatalogueError::Rule { field, .. } | CatalogueError::BundleRule { field, .. } => {
                Some(field)
            }
            _ => None,
        }
    }
}
