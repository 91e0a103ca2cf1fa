//! The one error type that crosses into the window: the core's Chinese
//! message, plus a short code the window may use to choose how to show it.

use serde::Serialize;

/// An error as the window receives it.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct UiError {
    /// What went wrong, in Chinese, ready to show to the user.
    pub message: String,
    /// `auth` (log in again), `locked` (screen locked), `setup` (device not
    /// set up) or `refused` (the input or the rules said no).
    pub code: &'static str,
    /// The field of the form the refusal concerns, when the core names one
    /// (a matter's rules do), so the window shows it beside that field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl UiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> UiError {
        UiError {
            message: message.into(),
            code,
            field: None,
        }
    }

    pub fn login_required() -> UiError {
        UiError::new("auth", "请先登录")
    }

    pub fn screen_locked() -> UiError {
        UiError::new("locked", "屏幕已锁定，请输入密码解锁")
    }
}

impl From<bianmin::Error> for UiError {
    fn from(e: bianmin::Error) -> UiError {
        let code = match &e {
            bianmin::Error::Auth(_) => "auth_refused",
            _ => "refused",
        };
        let field = match &e {
            bianmin::Error::Catalogue(c) => c.field(),
            _ => None,
        };
        UiError {
            field,
            ..UiError::new(code, e.to_string())
        }
    }
}

impl From<bianmin::store::StoreError> for UiError {
    fn from(e: bianmin::store::StoreError) -> UiError {
        bianmin::Error::from(e).into()
    }
}

/// What every command returns.
pub type UiResult<T> = Result<T, UiError>;
