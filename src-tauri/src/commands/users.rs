//! 人员 (admin): the center's users with role, 工号 and status; adding,
//! disabling and enabling, resetting a password, changing a role,
//! unlocking; and 修改密码 for everyone.

use bianmin::auth::users::{self, Listed, NewUser, UserInfo};
use bianmin::auth::Role;
use serde::{Deserialize, Serialize};
use tauri::State;

use super::now;
use crate::error::UiResult;
use crate::state::Desk;

/// A role the form offers.
#[derive(Serialize)]
pub struct RoleChoice {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Serialize)]
pub struct Roster {
    pub users: Vec<Listed>,
    pub roles: Vec<RoleChoice>,
}

#[tauri::command]
pub fn users_roster(desk: State<'_, Desk>) -> UiResult<Roster> {
    desk.session(|store, session| {
        Ok(Roster {
            users: users::roster(store.conn(), session, now())?,
            roles: Role::ALL
                .into_iter()
                .map(|r| RoleChoice {
                    code: r.code(),
                    label: r.label(),
                })
                .collect(),
        })
    })
}

#[derive(Deserialize)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub staff_no: String,
    pub role: String,
    pub password: String,
}

#[tauri::command]
pub fn user_add(desk: State<'_, Desk>, form: NewUserForm) -> UiResult<UserInfo> {
    let role = Role::parse(&form.role).map_err(bianmin::Error::from)?;
    let new = NewUser {
        username: form.username,
        display_name: form.display_name,
        staff_no: form.staff_no,
        role,
        password: form.password,
    };
    desk.session(|store, session| Ok(users::add(store, session, now(), &new)?))
}

/// One of the admin's acts on a user, as the screen's buttons name them.
#[derive(Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum UserAct {
    Disable,
    Enable,
    Unlock,
    ResetPassword { password: String },
    ChangeRole { role: String },
}

#[tauri::command]
pub fn user_act(desk: State<'_, Desk>, username: String, act: UserAct) -> UiResult<UserInfo> {
    desk.session(|store, session| {
        let at = now();
        Ok(match act {
            UserAct::Disable => users::disable(store, session, at, &username)?,
            UserAct::Enable => users::enable(store, session, at, &username)?,
            UserAct::Unlock => users::unlock(store, session, at, &username)?,
            UserAct::ResetPassword { password } => {
                users::reset_password(store, session, at, &username, &password)?
            }
            UserAct::ChangeRole { role } => {
                let role = Role::parse(&role).map_err(bianmin::Error::from)?;
                users::change_role(store, session, at, &username, role)?
            }
        })
    })
}

#[tauri::command]
pub fn password_change(
    desk: State<'_, Desk>,
    old_password: String,
    new_password: String,
) -> UiResult<UserInfo> {
    desk.session(|store, session| {
        Ok(users::change_password(
            store,
            session,
            now(),
            &old_password,
            &new_password,
        )?)
    })
}
