//! Users: roles enforced in the core, passwords, disabling.

mod common;

use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{AuthError, Role};
use bianmin::Error;
use common::*;

fn new_user(username: &str, role: Role, password: &str) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: "李明".into(),
        staff_no: "0201".into(),
        role,
        password: password.into(),
    }
}

#[test]
fn only_an_admin_adds_users_and_the_actor_is_recorded() {
    let mut c = center();
    for s in [&c.clerk, &c.manager] {
        let err = users::add(
            &mut c.store,
            s,
            monday(),
            &new_user("liming", Role::Clerk, "123456"),
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::Auth(AuthError::Forbidden { .. })),
            "{err}"
        );
    }
    users::add(
        &mut c.store,
        &c.admin,
        monday(),
        &new_user("liming", Role::Clerk, "123456"),
    )
    .unwrap();
    let actor: String = c
        .store
        .conn()
        .query_row(
            "SELECT user_id FROM events WHERE kind = 'user.added' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(actor, c.admin.user_id);
    let stored: String = c
        .store
        .conn()
        .query_row(
            "SELECT password_hash FROM users WHERE username = 'liming'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains("123456"));
}

#[test]
fn a_disabled_clerks_open_session_can_no_longer_take_intakes() {
    let mut c = center();
    users::disable(&mut c.store, &c.admin, monday(), "clerk").unwrap();
    let before = snapshot(&c.store);
    let app = application("MZ-006", person("王", 1), &["1", "2"]);
    let err = bianmin::intake::record(&mut c.store, &c.clerk, monday(), app).unwrap_err();
    assert!(matches!(err, Error::Auth(AuthError::Disabled(_))), "{err}");
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn login_checks_the_password_and_hides_which_part_was_wrong() {
    let c = center();
    let wrong = users::login(c.store.conn(), "clerk", "nope")
        .unwrap_err()
        .to_string();
    let unknown = users::login(c.store.conn(), "nobody", "nope")
        .unwrap_err()
        .to_string();
    assert_eq!(wrong, unknown);
    assert_eq!(
        users::login(c.store.conn(), " clerk ", "clerk-pass")
            .unwrap()
            .role,
        Role::Clerk
    );
}

#[test]
fn password_rules_duplicates_and_bad_fields_are_refused() {
    let mut c = center();
    let before = snapshot(&c.store);
    let cases = [
        (new_user("boss2", Role::Manager, "1234567"), "至少 8 位"),
        (new_user("clerk", Role::Clerk, "123456"), "已被使用"),
        (new_user("a b", Role::Clerk, "123456"), "用户名"),
        (
            NewUser {
                staff_no: "01-1".into(),
                ..new_user("x1", Role::Clerk, "123456")
            },
            "工号",
        ),
        (
            NewUser {
                display_name: " ".into(),
                ..new_user("x2", Role::Clerk, "123456")
            },
            "姓名不能为空",
        ),
    ];
    for (u, want) in cases {
        let err = users::add(&mut c.store, &c.admin, monday(), &u)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{err} / {want}");
    }
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn a_disabled_user_cannot_log_in_and_the_last_admin_stays() {
    let mut c = center();
    users::disable(&mut c.store, &c.admin, monday(), "clerk").unwrap();
    let err = users::login(c.store.conn(), "clerk", "clerk-pass").unwrap_err();
    assert!(matches!(err, Error::Auth(AuthError::Disabled(_))), "{err}");
    let err = users::disable(&mut c.store, &c.admin, monday(), "admin").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::CannotDisableSelf)),
        "{err}"
    );
    users::add(
        &mut c.store,
        &c.admin,
        monday(),
        &new_user("admin2", Role::Admin, "admin2-pass"),
    )
    .unwrap();
    let admin2 = users::login(c.store.conn(), "admin2", "admin2-pass").unwrap();
    users::disable(&mut c.store, &admin2, monday(), "admin").unwrap();
    // The session admin opened before being disabled is refused from now on.
    let err = users::add(
        &mut c.store,
        &c.admin,
        monday(),
        &new_user("late", Role::Clerk, "123456"),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Auth(AuthError::Disabled(_))), "{err}");
    let err = users::disable(&mut c.store, &admin2, monday(), "admin2").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::CannotDisableSelf)),
        "{err}"
    );
}
