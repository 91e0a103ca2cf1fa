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
    let wrong = users::verify_credentials(c.store.conn(), "clerk", "nope")
        .unwrap_err()
        .to_string();
    let unknown = users::verify_credentials(c.store.conn(), "nobody", "nope")
        .unwrap_err()
        .to_string();
    assert_eq!(wrong, unknown);
    assert_eq!(
        users::verify_credentials(c.store.conn(), " clerk ", "clerk-pass")
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
    let err = users::verify_credentials(c.store.conn(), "clerk", "clerk-pass").unwrap_err();
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
    let admin2 = users::verify_credentials(c.store.conn(), "admin2", "admin2-pass").unwrap();
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

fn failures_logged(c: &Center) -> i64 {
    c.store
        .conn()
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'auth.login_failed'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn five_wrong_passwords_lock_the_account_for_fifteen_minutes_and_are_logged() {
    let mut c = center();
    let t0 = monday();
    for i in 1..=4 {
        let err = users::authenticate(&mut c.store, t0, "clerk", "wrong").unwrap_err();
        assert!(
            matches!(err, Error::Auth(AuthError::BadCredentials)),
            "attempt {i}: {err}"
        );
    }
    let err = users::authenticate(&mut c.store, t0, "clerk", "wrong").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Locked { .. })),
        "{err}"
    );
    assert!(
        err.to_string().contains("已锁定") && err.to_string().contains("09:45"),
        "{err}"
    );
    assert_eq!(failures_logged(&c), 5);
    // The right password does not open a locked account, and is not even checked.
    let err = users::authenticate(
        &mut c.store,
        t0 + chrono::Duration::minutes(14),
        "clerk",
        "clerk-pass",
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Locked { .. })),
        "{err}"
    );
    assert_eq!(failures_logged(&c), 5);
    // After 15 minutes it opens, and the count is reset (logged too).
    let s = users::authenticate(
        &mut c.store,
        t0 + chrono::Duration::minutes(16),
        "clerk",
        "clerk-pass",
    )
    .unwrap();
    assert_eq!(s.username, "clerk");
    let (failed, locked): (i64, Option<String>) = c
        .store
        .conn()
        .query_row(
            "SELECT failed_logins, locked_until FROM users WHERE username = 'clerk'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((failed, locked), (0, None));
    // Unknown users leave no trace and give the same message.
    let err = users::authenticate(&mut c.store, t0, "nobody", "x").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::BadCredentials)),
        "{err}"
    );
    assert_eq!(failures_logged(&c), 5);
}

#[test]
fn the_lockout_threshold_and_duration_are_the_centers_settings() {
    let mut c = center();
    let mut profile = bianmin::center::load(c.store.conn()).unwrap();
    profile.lockout_attempts = 3;
    profile.lockout_minutes = 60;
    bianmin::center::set(&mut c.store, &c.manager, monday(), profile.clone()).unwrap();
    for _ in 0..2 {
        assert!(matches!(
            users::authenticate(&mut c.store, monday(), "clerk", "x"),
            Err(Error::Auth(AuthError::BadCredentials))
        ));
    }
    let err = users::authenticate(&mut c.store, monday(), "clerk", "x").unwrap_err();
    assert!(err.to_string().contains("10:30"), "{err}");
    profile.lockout_attempts = 2;
    assert!(bianmin::center::set(&mut c.store, &c.manager, monday(), profile).is_err());
    // A success before the threshold resets the count.
    let mut d = center();
    users::authenticate(&mut d.store, monday(), "clerk", "x").unwrap_err();
    users::authenticate(&mut d.store, monday(), "clerk", "clerk-pass").unwrap();
    for _ in 0..4 {
        assert!(matches!(
            users::authenticate(&mut d.store, monday(), "clerk", "x"),
            Err(Error::Auth(AuthError::BadCredentials))
        ));
    }
}

#[test]
fn a_reset_password_must_be_changed_before_anything_else() {
    let mut c = center();
    let info =
        users::reset_password(&mut c.store, &c.admin, monday(), "clerk", "fresh-123").unwrap();
    assert!(info.must_change_password);
    // The old password no longer works; the new one logs in, but no act is allowed.
    assert!(users::authenticate(&mut c.store, monday(), "clerk", "clerk-pass").is_err());
    let clerk = users::authenticate(&mut c.store, monday(), "clerk", "fresh-123").unwrap();
    let err = bianmin::intake::record(
        &mut c.store,
        &clerk,
        monday(),
        application("MZ-005", person("刘", 1), &["1", "2", "3", "5"]),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::MustChangePassword)),
        "{err}"
    );
    let listed = users::roster(c.store.conn(), &c.admin, monday()).unwrap();
    let row = listed.iter().find(|u| u.user.username == "clerk").unwrap();
    assert_eq!(row.status_label, "待改密码");

    let before = snapshot(&c.store);
    let refusals = [
        ("wrong-old", "better-456", "原密码不正确"),
        ("fresh-123", "fresh-123", "不能与原密码相同"),
        ("fresh-123", "short", "至少 6 位"),
    ];
    for (old, new, said) in refusals {
        let err = users::change_password(&mut c.store, &clerk, monday(), old, new).unwrap_err();
        assert!(err.to_string().contains(said), "{err}");
    }
    assert_eq!(snapshot(&c.store), before);
    let info =
        users::change_password(&mut c.store, &clerk, monday(), "fresh-123", "better-456").unwrap();
    assert!(!info.must_change_password);
    bianmin::intake::record(
        &mut c.store,
        &clerk,
        monday(),
        application("MZ-005", person("刘", 1), &["1", "2", "3", "5"]),
    )
    .unwrap();
    users::authenticate(&mut c.store, monday(), "clerk", "better-456").unwrap();
    // The log holds it all: a rebuild gives the same users.
    let before = snapshot(&c.store);
    bianmin::projections::rebuild(&mut c.store, &c.admin).unwrap();
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn roles_change_by_an_admin_never_their_own_nor_the_last_admins() {
    let mut c = center();
    let before = snapshot(&c.store);
    let err =
        users::change_role(&mut c.store, &c.admin, monday(), "admin", Role::Manager).unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::CannotChangeOwnRole)),
        "{err}"
    );
    let err =
        users::change_role(&mut c.store, &c.manager, monday(), "clerk", Role::Manager).unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Forbidden { .. })),
        "{err}"
    );
    let err =
        users::change_role(&mut c.store, &c.admin, monday(), "clerk", Role::Clerk).unwrap_err();
    assert!(err.to_string().contains("已是窗口人员"), "{err}");
    assert_eq!(snapshot(&c.store), before);

    // A clerk made manager needs a longer password: she must choose one.
    let info =
        users::change_role(&mut c.store, &c.admin, monday(), "clerk", Role::Manager).unwrap();
    assert_eq!(info.role, Role::Manager);
    assert!(info.must_change_password);
    // A manager made clerk keeps hers.
    let info =
        users::change_role(&mut c.store, &c.admin, monday(), "manager", Role::Clerk).unwrap();
    assert!(!info.must_change_password);

    // A second admin (after choosing an admin's password) can demote the
    // first; the last admin then stays one.
    users::change_role(&mut c.store, &c.admin, monday(), "manager", Role::Admin).unwrap();
    let second = users::authenticate(&mut c.store, monday(), "manager", "manager-pass").unwrap();
    let err =
        users::change_role(&mut c.store, &second, monday(), "admin", Role::Manager).unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::MustChangePassword)),
        "{err}"
    );
    users::change_password(
        &mut c.store,
        &second,
        monday(),
        "manager-pass",
        "admin-pass-2",
    )
    .unwrap();
    users::change_role(&mut c.store, &second, monday(), "admin", Role::Manager).unwrap();
    let first = users::authenticate(&mut c.store, monday(), "admin", "admin-pass").unwrap();
    let err =
        users::change_role(&mut c.store, &first, monday(), "manager", Role::Clerk).unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Forbidden { .. })),
        "{err}"
    );
}

#[test]
fn an_admin_unlocks_a_locked_account_and_enables_a_disabled_one() {
    let mut c = center();
    for _ in 0..5 {
        let _ = users::authenticate(&mut c.store, monday(), "clerk", "wrong");
    }
    let row = |c: &Center| {
        users::roster(c.store.conn(), &c.admin, monday())
            .unwrap()
            .into_iter()
            .find(|u| u.user.username == "clerk")
            .unwrap()
    };
    assert!(row(&c).locked);
    assert_eq!(row(&c).status_label, "已锁定");
    assert!(users::authenticate(&mut c.store, monday(), "clerk", "clerk-pass").is_err());
    let err = users::unlock(&mut c.store, &c.clerk, monday(), "clerk").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Forbidden { .. })),
        "{err}"
    );
    users::unlock(&mut c.store, &c.admin, monday(), "clerk").unwrap();
    assert!(!row(&c).locked);
    users::authenticate(&mut c.store, monday(), "clerk", "clerk-pass").unwrap();

    users::disable(&mut c.store, &c.admin, monday(), "clerk").unwrap();
    assert_eq!(row(&c).status_label, "已停用");
    let err = users::roster(c.store.conn(), &c.admin, monday())
        .map(|_| ())
        .and_then(|_| users::roster(c.store.conn(), &c.clerk, monday()).map(|_| ()))
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Forbidden { .. })),
        "{err}"
    );
    users::enable(&mut c.store, &c.admin, monday(), "clerk").unwrap();
    assert_eq!(row(&c).status_label, "正常");
    let err = users::enable(&mut c.store, &c.admin, monday(), "clerk").unwrap_err();
    assert!(err.to_string().contains("已是启用状态"), "{err}");
    users::authenticate(&mut c.store, monday(), "clerk", "clerk-pass").unwrap();
}
