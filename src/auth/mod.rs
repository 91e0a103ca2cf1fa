//! Who is acting: users, their roles, passwords, and what each role may do.
//!
//! - [`roles`]: the role × action table; every core entry point asks it.
//! - [`password`]: argon2 hashing and the password rules.
//! - [`users`]: adding, listing, disabling users and logging in.
//! - [`unlock`]: logging in to an encrypted database (agent laptops).

pub mod key_file;
pub mod password;
pub mod roles;
pub mod unlock;
pub mod users;

use serde::{Deserialize, Serialize};

pub use roles::{Action, Role};

/// Refusals about users and permissions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("此操作需要登录：请用 --user 指定用户名，并用 --password 或环境变量 BIANMIN_PASSWORD 提供密码")]
    LoginRequired,
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("密码连续输错 {attempts} 次，账号已锁定，请于 {until} 后再试，或请系统管理员处理")]
    Locked { attempts: u32, until: String },
    #[error("账号“{0}”已停用，请联系系统管理员")]
    Disabled(String),
    #[error("当前账号（{role}）无权{action}")]
    Forbidden {
        role: &'static str,
        action: &'static str,
    },
    #[error("密码太短：{role}账号的密码至少 {min} 位")]
    PasswordTooShort { role: &'static str, min: usize },
    #[error("用户名“{0}”已被使用")]
    UsernameTaken(String),
    #[error("用户名“{0}”格式不对：应为 2 到 32 个字符，不含空格")]
    BadUsername(String),
    #[error("工号“{0}”格式不对：应为 1 到 16 位字母或数字")]
    BadStaffNo(String),
    #[error("未知的角色“{0}”，可选：clerk（窗口人员）、agent（村代办员）、manager（负责人）、admin（系统管理员）")]
    UnknownRole(String),
    #[error("找不到用户“{0}”")]
    NoSuchUser(String),
    #[error("不能停用自己的账号")]
    CannotDisableSelf,
    #[error("不能停用最后一个可用的系统管理员账号")]
    LastAdmin,
    #[error("不能更改自己的角色，请由另一位系统管理员操作")]
    CannotChangeOwnRole,
    #[error("原密码不正确")]
    WrongOldPassword,
    #[error("新密码不能与原密码相同")]
    SamePassword,
    #[error("系统管理员已重置您的密码，请先修改密码再办理业务")]
    MustChangePassword,
    #[error("账号“{0}”已是{1}")]
    Unchanged(String, &'static str),
    #[error("密码处理失败：{0}")]
    Hash(String),
}

impl AuthError {
    /// The refusal of an account locked until `until`.
    pub fn locked(attempts: u32, until: chrono::DateTime<chrono::FixedOffset>) -> AuthError {
        AuthError::Locked {
            attempts,
            until: until.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

/// A logged-in user; every acting core function takes one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    /// 工号, printed on slips.
    pub staff_no: String,
    pub role: Role,
}

impl Session {
    /// Refuses unless this user's role may perform `action`.
    pub fn require(&self, action: Action) -> Result<(), AuthError> {
        roles::require(self.role, action)
    }

    /// The check every acting core entry point makes: the role may perform
    /// `action`, and the user still exists and is not disabled (a session
    /// opened before an admin disabled the user is refused from then on),
    /// nor waiting to replace a password an admin reset.
    pub fn authorize(&self, conn: &rusqlite::Connection, action: Action) -> crate::Result<()> {
        self.require(action)?;
        users::check_active(conn, &self.user_id)?;
        if users::must_change_password(conn, &self.user_id)? {
            return Err(AuthError::MustChangePassword.into());
        }
        Ok(())
    }
}
