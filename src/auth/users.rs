//! Users of this center: adding (by an admin; the first admin at `init`),
//! listing, disabling and enabling, resetting a password (the user must
//! choose a new one at next login), changing a role, unlocking a locked
//! account, each user changing their own password, and logging in. Each
//! change is a `user.*` event and travels to every device.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::password::{self, UnlockKey};
use super::{Action, AuthError, Role, Session};
use crate::applicant;
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// What an admin enters to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub staff_no: String,
    pub role: Role,
    pub password: String,
}

/// Payload of `user.added`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserAdded {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub staff_no: String,
    pub role: Role,
    pub password_hash: String,
    /// The unlock key of the password (absent in events written before
    /// unlock keys existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlock: Option<UnlockKey>,
}

/// Payload of `user.disabled`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserDisabled {
    pub user_id: String,
}

/// Payload of `user.enabled`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserEnabled {
    pub user_id: String,
}

/// Payload of `user.password_set`: a new password, chosen by the user
/// (`must_change` false) or reset by an admin (`must_change` true).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordSet {
    pub user_id: String,
    pub password_hash: String,
    pub must_change: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlock: Option<UnlockKey>,
}

/// Payload of `user.unlock_key_set`: the unlock key of a password set
/// before unlock keys existed, made at that user's next login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnlockKeySet {
    pub user_id: String,
    pub unlock: UnlockKey,
}

/// Payload of `user.role_changed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoleChanged {
    pub user_id: String,
    pub role: Role,
    /// The new role asks for a longer password than the old one did.
    pub must_change: bool,
}

/// A user as listed (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub staff_no: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    /// Until when wrong passwords lock the account (may lie in the past).
    pub locked_until: Option<String>,
    /// An admin reset the password; the user must choose a new one.
    pub must_change_password: bool,
}

/// A user as the 人员 screen lists them, as of a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub user: UserInfo,
    pub role_label: &'static str,
    /// Locked by wrong passwords right now.
    pub locked: bool,
    /// 正常, 已停用, 已锁定 or 待改密码.
    pub status_label: &'static str,
}

fn checked(new: &NewUser) -> crate::Result<UserAdded> {
    let username = new.username.trim();
    if !(2..=32).contains(&username.chars().count()) || username.chars().any(char::is_whitespace) {
        return Err(AuthError::BadUsername(new.username.clone()).into());
    }
    let staff_no = new.staff_no.trim();
    if !(1..=16).contains(&staff_no.len()) || !staff_no.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(AuthError::BadStaffNo(new.staff_no.clone()).into());
    }
    let display_name = applicant::name::check(&new.display_name, "姓名")?;
    password::check_policy(new.role, &new.password)?;
    Ok(UserAdded {
        user_id: uuid::Uuid::now_v7().to_string(),
        username: username.to_owned(),
        display_name,
        staff_no: staff_no.to_owned(),
        role: new.role,
        password_hash: password::hash(&new.password)?,
        unlock: Some(password::unlock_key(&new.password)?),
    })
}

fn insert(
    tx: &Transaction<'_>,
    now: DateTime<FixedOffset>,
    acting_user: Option<&str>,
    added: UserAdded,
) -> crate::Result<UserInfo> {
    if find(tx, &added.username)?.is_some() {
        return Err(AuthError::UsernameTaken(added.username).into());
    }
    let username = added.username.clone();
    // The first admin creates itself.
    let actor = acting_user.unwrap_or(&added.user_id);
    let draft = Draft::new(actor, None, USER_ADDED, &added)?;
    events::append_here(tx, now, draft)?;
    Ok(find(tx, &username)?.ok_or(AuthError::NoSuchUser(username))?)
}

/// Creates the first admin during set-up, inside the set-up transaction.
pub(crate) fn add_first_admin(
    tx: &Transaction<'_>,
    now: DateTime<FixedOffset>,
    new: &NewUser,
) -> crate::Result<UserInfo> {
    insert(tx, now, None, checked(new)?)
}

/// Adds a user; only an admin may.
pub fn add(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    new: &NewUser,
) -> crate::Result<UserInfo> {
    session.authorize(store.conn(), Action::ManageUsers)?;
    let added = checked(new)?;
    store.write(|tx| insert(tx, now, Some(&session.user_id), added))
}

/// Disables a user; they can no longer log in. Their past events stay theirs.
pub fn disable(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    username: &str,
) -> crate::Result<UserInfo> {
    session.authorize(store.conn(), Action::ManageUsers)?;
    store.write(|tx| {
        let user = find(tx, username)?.ok_or_else(|| AuthError::NoSuchUser(username.to_owned()))?;
        if user.user_id == session.user_id {
            return Err(AuthError::CannotDisableSelf.into());
        }
        if user.role == Role::Admin {
            let admins: i64 = tx
                .query_row(
                    "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0",
                    [],
                    |r| r.get(0),
                )
                .map_err(StoreError::from)?;
            if admins <= 1 {
                return Err(AuthError::LastAdmin.into());
            }
        }
        let payload = UserDisabled {
            user_id: user.user_id,
        };
        acted(tx, session, now, USER_DISABLED, &payload, username)
    })
}

fn found(conn: &Connection, username: &str) -> crate::Result<UserInfo> {
    Ok(find(conn, username)?.ok_or_else(|| AuthError::NoSuchUser(username.trim().to_owned()))?)
}

/// Records what `session`'s user did to `username` (event `kind` with
/// `payload`) and returns the user as it now stands.
fn acted<P: Serialize>(
    tx: &Transaction<'_>,
    session: &Session,
    now: DateTime<FixedOffset>,
    kind: &'static str,
    payload: &P,
    username: &str,
) -> crate::Result<UserInfo> {
    events::append_here(tx, now, Draft::new(&session.user_id, None, kind, payload)?)?;
    found(tx, username)
}

/// Enables a disabled user again; only an admin may.
pub fn enable(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    username: &str,
) -> crate::Result<UserInfo> {
    session.authorize(store.conn(), Action::ManageUsers)?;
    store.write(|tx| {
        let user = found(tx, username)?;
        if !user.disabled {
            return Err(AuthError::Unchanged(user.username, "启用状态").into());
        }
        let p = UserEnabled {
            user_id: user.user_id,
        };
        acted(tx, session, now, USER_ENABLED, &p, username)
    })
}

/// Resets a user's password (they forgot it); only an admin may. The user
/// must choose a new one at the next login; a lock is lifted.
pub fn reset_password(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    username: &str,
    new_password: &str,
) -> crate::Result<UserInfo> {
    session.authorize(store.conn(), Action::ManageUsers)?;
    let user = found(store.conn(), username)?;
    password::check_policy(user.role, new_password)?;
    let p = PasswordSet {
        user_id: user.user_id,
        password_hash: password::hash(new_password)?,
        // Resetting one's own password is choosing it.
        must_change: user.username != session.username,
        unlock: Some(password::unlock_key(new_password)?),
    };
    store.write(|tx| acted(tx, session, now, PASSWORD_SET, &p, username))
}

/// A user changes their own password (修改密码), giving the old one: also
/// the way out of a reset.
pub fn change_password(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    old_password: &str,
    new_password: &str,
) -> crate::Result<UserInfo> {
    check_active(store.conn(), &session.user_id)?;
    let hash: String = store
        .conn()
        .query_row(
            "SELECT password_hash FROM users WHERE user_id = ?1",
            [&session.user_id],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    if !password::verify(old_password, &hash) {
        return Err(AuthError::WrongOldPassword.into());
    }
    if old_password == new_password {
        return Err(AuthError::SamePassword.into());
    }
    let user = found(store.conn(), &session.username)?;
    password::check_policy(user.role, new_password)?;
    let p = PasswordSet {
        user_id: user.user_id,
        password_hash: password::hash(new_password)?,
        must_change: false,
        unlock: Some(password::unlock_key(new_password)?),
    };
    store.write(|tx| acted(tx, session, now, PASSWORD_SET, &p, &session.username))
}

/// Changes a user's role; only an admin may, never their own (so an
/// active admin always remains: the one acting). A role that asks for a longer password makes
/// the user choose a new one.
pub fn change_role(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    username: &str,
    role: Role,
) -> crate::Result<UserInfo> {
    session.authorize(store.conn(), Action::ManageUsers)?;
    store.write(|tx| {
        let user = found(tx, username)?;
        if user.user_id == session.user_id {
            return Err(AuthError::CannotChangeOwnRole.into());
        }
        if user.role == role {
            return Err(AuthError::Unchanged(user.username, role.label()).into());
        }
        let p = RoleChanged {
            user_id: user.user_id,
            role,
            must_change: password::min_len(role) > password::min_len(user.role),
        };
        acted(tx, session, now, ROLE_CHANGED, &p, username)
    })
}

/// Lifts a lock that wrong passwords put on an account; only an admin may.
pub fn unlock(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    username: &str,
) -> crate::Result<UserInfo> {
    session.authorize(store.conn(), Action::ManageUsers)?;
    store.write(|tx| {
        let user = found(tx, username)?;
        let p = LoginAttempt {
            user_id: user.user_id,
            failures: 0,
            locked_until: None,
            at: None,
        };
        acted(tx, session, now, LOGIN_RESET, &p, username)
    })
}

/// Whether the user must replace a password an admin reset.
pub fn must_change_password(conn: &Connection, user_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT must_change_password FROM users WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false))
}

/// Every user as of `now`, for the 人员 screen (an admin's): active ones
/// first, by 工号.
pub fn roster(
    conn: &Connection,
    session: &Session,
    now: DateTime<FixedOffset>,
) -> crate::Result<Vec<Listed>> {
    session.authorize(conn, Action::ManageUsers)?;
    let mut out: Vec<Listed> = list(conn)?
        .into_iter()
        .map(|user| {
            let locked = user
                .locked_until
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t > now);
            let status_label = if user.disabled {
                "已停用"
            } else if locked {
                "已锁定"
            } else if user.must_change_password {
                "待改密码"
            } else {
                "正常"
            };
            Listed {
                role_label: user.role.label(),
                locked,
                status_label,
                user,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.user.disabled, &a.user.staff_no).cmp(&(b.user.disabled, &b.user.staff_no))
    });
    Ok(out)
}

/// Payload of `auth.login_failed` and `auth.login_reset`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginAttempt {
    pub user_id: String,
    /// Consecutive failures so far (0 on a reset).
    pub failures: u32,
    /// Set when this failure locks the account.
    pub locked_until: Option<String>,
    /// When the attempt was made, if earlier than the event: a failure
    /// counted in an encrypted device's key file while its database was
    /// shut (`auth::unlock`). Absent otherwise, as in older events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A user added (payload [`UserAdded`]).
pub const USER_ADDED: &str = "user.added";
/// A user disabled (payload [`UserDisabled`]).
pub const USER_DISABLED: &str = "user.disabled";
/// A disabled user enabled again (payload [`UserEnabled`]).
pub const USER_ENABLED: &str = "user.enabled";
/// A password reset by an admin or changed by its user (payload [`PasswordSet`]).
pub const PASSWORD_SET: &str = "user.password_set";
/// A user's role changed (payload [`RoleChanged`]).
pub const ROLE_CHANGED: &str = "user.role_changed";
/// The unlock key of a password set before unlock keys existed.
pub const UNLOCK_KEY_SET: &str = "user.unlock_key_set";
/// A wrong password counted (payload [`LoginAttempt`]).
pub const LOGIN_FAILED: &str = "auth.login_failed";
/// A login after failures, or an admin's unlock: the count starts afresh
/// (payload [`LoginAttempt`]).
pub const LOGIN_RESET: &str = "auth.login_reset";

/// The users table follows the users' events.
pub const PROJECTOR: Projector = Projector {
    area: "auth::users",
    kinds: &[
        USER_ADDED,
        USER_DISABLED,
        USER_ENABLED,
        PASSWORD_SET,
        ROLE_CHANGED,
        UNLOCK_KEY_SET,
        LOGIN_FAILED,
        LOGIN_RESET,
    ],
    tables: &["users"],
    apply,
};

fn apply(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    match event.kind.as_str() {
        USER_ADDED => project_added(tx, event, payload(event)?),
        USER_DISABLED => project_disabled(tx, payload(event)?),
        USER_ENABLED => {
            let p: UserEnabled = payload(event)?;
            tx.execute(
                "UPDATE users SET disabled = 0 WHERE user_id = ?1",
                [p.user_id],
            )?;
            Ok(())
        }
        PASSWORD_SET => {
            let p: PasswordSet = payload(event)?;
            let (kdf, public) = unlock_columns(p.unlock);
            tx.execute(
                "UPDATE users SET password_hash = ?1, must_change_password = ?2, failed_logins = 0,
                                  locked_until = NULL, unlock_kdf = ?4, unlock_public = ?5
                 WHERE user_id = ?3",
                params![p.password_hash, p.must_change, p.user_id, kdf, public],
            )?;
            Ok(())
        }
        UNLOCK_KEY_SET => {
            let p: UnlockKeySet = payload(event)?;
            tx.execute(
                "UPDATE users SET unlock_kdf = ?1, unlock_public = ?2 WHERE user_id = ?3",
                params![p.unlock.kdf, p.unlock.public_key, p.user_id],
            )?;
            Ok(())
        }
        ROLE_CHANGED => {
            let p: RoleChanged = payload(event)?;
            tx.execute(
                "UPDATE users SET role = ?1, must_change_password = max(must_change_password, ?2)
                 WHERE user_id = ?3",
                params![p.role.code(), p.must_change, p.user_id],
            )?;
            Ok(())
        }
        LOGIN_FAILED | LOGIN_RESET => project_attempt(tx, payload(event)?),
        _ => Err(crate::store::projection::unknown_kind(event)),
    }
}

/// Logs a person in, as the counter and the CLI do: a wrong password is
/// recorded in the audit log, and the center's `lockout_attempts` failures
/// in a row lock the account for `lockout_minutes`. A locked account is
/// refused without checking the password; a success after failures resets
/// the count (also recorded).
pub fn authenticate(
    store: &mut Store,
    now: DateTime<FixedOffset>,
    username: &str,
    password_text: &str,
) -> crate::Result<Session> {
    let profile = crate::center::load(store.conn())?;
    let state: Option<(String, u32, Option<String>)> = store
        .conn()
        .query_row(
            "SELECT user_id, failed_logins, locked_until FROM users WHERE username = ?1",
            [username.trim()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(StoreError::from)?;
    let Some((user_id, failed, locked_until)) = state else {
        return verify_credentials(store.conn(), username, password_text);
    };
    let still_locked = locked_until
        .as_ref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .filter(|t| *t > now);
    if let Some(until) = still_locked {
        return Err(AuthError::locked(profile.lockout_attempts, until).into());
    }
    // A lock that has run out starts the count afresh.
    let failed = if locked_until.is_some() { 0 } else { failed };
    match verify_credentials(store.conn(), username, password_text) {
        Ok(session) => {
            // A password set before unlock keys existed gets one now, while
            // it is typed: from then on laptops seal their key to it.
            if unlock_key_of(store.conn(), &user_id)?.is_none() {
                let p = UnlockKeySet {
                    user_id: user_id.clone(),
                    unlock: password::unlock_key(password_text)?,
                };
                store.write(|tx| {
                    events::append_here(tx, now, Draft::new(&user_id, None, UNLOCK_KEY_SET, &p)?)
                        .map(|_| ())
                })?;
            }
            if failed > 0 || locked_until.is_some() {
                let p = LoginAttempt {
                    user_id: user_id.clone(),
                    failures: 0,
                    locked_until: None,
                    at: None,
                };
                store.write(|tx| {
                    events::append_here(tx, now, Draft::new(&user_id, None, LOGIN_RESET, &p)?)
                        .map(|_| ())
                })?;
            }
            Ok(session)
        }
        Err(crate::Error::Auth(AuthError::BadCredentials)) => {
            let failures = failed + 1;
            let until = lock_after(
                failures,
                profile.lockout_attempts,
                profile.lockout_minutes,
                now,
            );
            let p = LoginAttempt {
                user_id: user_id.clone(),
                failures,
                locked_until: until
                    .map(|u| u.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)),
                at: None,
            };
            store.write(|tx| {
                events::append_here(tx, now, Draft::new(&user_id, None, LOGIN_FAILED, &p)?)
                    .map(|_| ())
            })?;
            match until {
                Some(u) => Err(AuthError::locked(profile.lockout_attempts, u).into()),
                None => Err(AuthError::BadCredentials.into()),
            }
        }
        Err(other) => Err(other),
    }
}

/// The lockout rule, one for the database's login and for an encrypted
/// device's key file: the `failures`-th wrong password in a row locks the
/// account for `minutes` once it reaches the center's `attempts`.
pub(crate) fn lock_after(
    failures: u32,
    attempts: u32,
    minutes: u32,
    now: DateTime<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    (failures >= attempts).then(|| now + chrono::Duration::minutes(i64::from(minutes)))
}

fn project_attempt(tx: &Transaction<'_>, p: LoginAttempt) -> crate::Result<()> {
    tx.execute(
        "UPDATE users SET failed_logins = ?1, locked_until = ?2 WHERE user_id = ?3",
        params![p.failures, p.locked_until, p.user_id],
    )?;
    Ok(())
}

/// Checks a username and password without recording anything (used to
/// check a backup's own users before a restore). People log in with
/// [`authenticate`].
pub fn verify_credentials(
    conn: &Connection,
    username: &str,
    password_text: &str,
) -> crate::Result<Session> {
    let row: Option<(String, String, String, String, String, String, bool)> = conn
        .query_row(
            "SELECT user_id, username, display_name, staff_no, role, password_hash, disabled
             FROM users WHERE username = ?1",
            [username.trim()],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .optional()
        .map_err(StoreError::from)?;
    let Some((user_id, username, display_name, staff_no, role, hash, disabled)) = row else {
        // Spend the same work as a real check so that timing does not tell
        // whether the username exists.
        let _ = verify_credentials_timing(password_text);
        return Err(AuthError::BadCredentials.into());
    };
    if !password::verify(password_text, &hash) {
        return Err(AuthError::BadCredentials.into());
    }
    if disabled {
        return Err(AuthError::Disabled(username).into());
    }
    Ok(Session {
        user_id,
        username,
        display_name,
        staff_no,
        role: Role::parse(&role)?,
    })
}

/// Spends the work of one password check against a hash nobody knows, so
/// that refusing an unknown username takes as long as a wrong password.
pub(crate) fn verify_credentials_timing(password_text: &str) -> bool {
    password::verify(password_text, dummy_hash())
}

/// A real argon2id hash of a random string, verified against when the
/// username is unknown.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password::hash(&uuid::Uuid::now_v7().to_string()).unwrap_or_default())
}

/// Refuses a user id that is unknown or disabled.
pub fn check_active(conn: &Connection, user_id: &str) -> crate::Result<()> {
    let row: Option<(String, bool)> = conn
        .prepare_cached("SELECT username, disabled FROM users WHERE user_id = ?1")
        .and_then(|mut s| {
            s.query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(StoreError::from)?;
    match row {
        None => Err(AuthError::NoSuchUser(user_id.to_owned()).into()),
        Some((username, true)) => Err(AuthError::Disabled(username).into()),
        Some(_) => Ok(()),
    }
}

/// Every user, by username.
pub fn list(conn: &Connection) -> Result<Vec<UserInfo>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT user_id, username, display_name, staff_no, role, disabled, created_at, locked_until,
                must_change_password
         FROM users ORDER BY username",
    )?;
    let rows = stmt.query_map([], row_to_info)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One user by username.
pub fn find(conn: &Connection, username: &str) -> Result<Option<UserInfo>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT user_id, username, display_name, staff_no, role, disabled, created_at, locked_until,
                    must_change_password
             FROM users WHERE username = ?1",
            [username.trim()],
            row_to_info,
        )
        .optional()?)
}

fn row_to_info(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserInfo> {
    let role: String = r.get(4)?;
    Ok(UserInfo {
        user_id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        staff_no: r.get(3)?,
        role: Role::parse(&role).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
        disabled: r.get(5)?,
        created_at: r.get(6)?,
        locked_until: r.get(7)?,
        must_change_password: r.get(8)?,
    })
}

fn project_added(tx: &Transaction<'_>, event: &Event, p: UserAdded) -> crate::Result<()> {
    let (kdf, public) = unlock_columns(p.unlock);
    tx.execute(
        "INSERT INTO users (user_id, username, display_name, staff_no, role, password_hash, disabled, created_at,
                            unlock_kdf, unlock_public)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9)",
        params![p.user_id, p.username, p.display_name, p.staff_no, p.role.code(), p.password_hash, event.ts,
                kdf, public],
    )?;
    Ok(())
}

fn unlock_columns(unlock: Option<UnlockKey>) -> (Option<String>, Option<String>) {
    unlock.map_or((None, None), |u| (Some(u.kdf), Some(u.public_key)))
}

/// A user's unlock key, if their password has one.
pub fn unlock_key_of(conn: &Connection, user_id: &str) -> Result<Option<UnlockKey>, StoreError> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT unlock_kdf, unlock_public FROM users WHERE user_id = ?1",
            [user_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((Some(kdf), Some(public_key))) => Some(UnlockKey { kdf, public_key }),
        _ => None,
    })
}

fn project_disabled(tx: &Transaction<'_>, p: UserDisabled) -> crate::Result<()> {
    tx.execute(
        "UPDATE users SET disabled = 1 WHERE user_id = ?1",
        [p.user_id],
    )?;
    Ok(())
}
