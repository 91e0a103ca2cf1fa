//! 人员 and 修改密码 in the real window: the admin adds a clerk (a password
//! too short is refused, nothing saved), changes her role, disables her;
//! resets another clerk's password, who at her next login can do nothing
//! but set a new one, by keyboard, and works from then on.

use bianmin_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_runs_the_staff_list_and_a_reset_password_is_replaced_at_login() {
    let w = Window::prepared().await;
    w.login("admin", "admin-pass1").await;
    w.menu("users").await;
    w.wait_text("#users-table", "clerk").await;
    w.wait_text("#users-table tr[data-username=\"admin\"]", "（本人）")
        .await;
    let users_before = w.count("users");

    // A new clerk: first with a password her role does not allow.
    w.click("#users-add").await;
    w.fill("#users-new-name", "王芳").await;
    w.fill("#users-new-staff", "031").await;
    w.fill("#users-new-username", "wangfang").await;
    w.fill("#users-new-password", "abc").await;
    w.fill("#users-new-again", "abc").await;
    w.click("#users-new-submit").await;
    w.wait_text("#users-new-message", "密码").await;
    assert_eq!(w.count("users"), users_before, "nothing saved");
    w.fill("#users-new-password", "wang-pass1").await;
    w.fill("#users-new-again", "wang-pass1").await;
    w.keys("#users-new-again", ENTER).await;
    w.wait_text("#users-table tr[data-username=\"wangfang\"]", "窗口人员")
        .await;
    assert_eq!(
        w.count("users WHERE username = 'wangfang' AND staff_no = '031' AND role = 'clerk'"),
        1
    );

    // Her role, then she leaves.
    w.click("#users-table tr[data-username=\"wangfang\"] button[data-act=\"role\"]")
        .await;
    w.wait("#users-role").await;
    let el = w.wait("#users-role option[value=\"agent\"]").await;
    el.click().await.expect("choose 村代办员");
    w.click("#users-role-form button.primary").await;
    w.wait_text("#users-table tr[data-username=\"wangfang\"]", "村代办员")
        .await;
    assert_eq!(
        w.count("users WHERE username = 'wangfang' AND role = 'agent'"),
        1
    );
    w.click("#users-table tr[data-username=\"wangfang\"] button[data-act=\"disable\"]")
        .await;
    w.click("#users-disable-yes").await;
    w.wait_text("#users-table tr[data-username=\"wangfang\"]", "已停用")
        .await;
    assert_eq!(
        w.count("users WHERE username = 'wangfang' AND disabled = 1"),
        1
    );
    // The admin cannot disable herself: no button is offered, and the core
    // refuses anyway (tests/users.rs).
    assert_eq!(
        w.client
            .find_all(fantoccini::Locator::Css(
                "#users-table tr[data-username=\"admin\"] button[data-act=\"disable\"]"
            ))
            .await
            .expect("find")
            .len(),
        0
    );

    // The clerk forgot her password.
    w.click("#users-table tr[data-username=\"clerk\"] button[data-act=\"reset\"]")
        .await;
    w.fill("#users-reset-password", "temp-2027").await;
    w.fill("#users-reset-again", "temp-2027").await;
    w.keys("#users-reset-again", ENTER).await;
    w.wait_text("#users-table tr[data-username=\"clerk\"]", "待改密码")
        .await;
    w.screenshot(&screenshot_path(&w, "window-users.png")).await;
    assert_eq!(
        w.count("users WHERE username = 'clerk' AND must_change_password = 1"),
        1
    );
    w.click("#logout-button").await;

    // The one who left cannot log in.
    w.fill("#login-username", "wangfang").await;
    w.fill("#login-password", "wang-pass1").await;
    w.click("#login-submit").await;
    w.wait_text("#login-message", "停用").await;

    // The old password no longer opens; the temporary one opens only the
    // password screen.
    w.fill("#login-username", "clerk").await;
    w.fill("#login-password", "clerk-pass1").await;
    w.click("#login-submit").await;
    w.wait_text("#login-message", "密码").await;
    w.login("clerk", "temp-2027").await;
    w.wait("#password-forced").await;
    w.click("#menu-workbench").await;
    w.wait("#password-forced").await;
    w.screenshot(&screenshot_path(&w, "window-password-forced.png"))
        .await;
    // By keyboard: the old password has the focus; Tab to the next; Enter.
    w.keys("#password-old", "temp-2027").await;
    w.keys("#password-old", TAB).await;
    w.keys("#password-new", "clerk-new-2").await;
    w.keys("#password-new", TAB).await;
    w.keys("#password-again", "clerk-new-3").await;
    w.keys("#password-again", ENTER).await;
    w.wait_text("#password-message", "不一致").await;
    w.fill("#password-again", "clerk-new-2").await;
    w.keys("#password-again", ENTER).await;
    w.wait("#menu-workbench.active").await;
    w.wait("#today-counts").await;
    assert_eq!(
        w.count("users WHERE username = 'clerk' AND must_change_password = 0"),
        1
    );
    assert_eq!(
        w.count("events WHERE kind = 'user.password_set'"),
        2,
        "the reset and the change"
    );

    // From then on the new password is hers.
    w.click("#logout-button").await;
    w.login("clerk", "clerk-new-2").await;
    w.wait("#menu-intake").await;
    assert_eq!(
        w.client
            .find_all(fantoccini::Locator::Css("#password-forced"))
            .await
            .expect("find")
            .len(),
        0
    );
    w.close().await;
}

/// Disabled while her window is open (by the admin at another PC): her next
/// click logs her out with the reason, and her password opens nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_disabled_while_logged_in_is_logged_out_at_her_next_click() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.wait("#today-counts .card").await;
    {
        let mut store = bianmin::store::Store::open(&w.db).expect("open");
        let admin = bianmin::auth::users::verify_credentials(store.conn(), "admin", "admin-pass1")
            .expect("admin");
        bianmin::auth::users::disable(
            &mut store,
            &admin,
            chrono::Local::now().fixed_offset(),
            "clerk",
        )
        .expect("disable");
    }
    w.menu("calendar").await;
    w.wait("#login-form").await;
    w.wait_text("#toast", "已停用").await;
    w.fill("#login-username", "clerk").await;
    w.fill("#login-password", "clerk-pass1").await;
    w.click("#login-submit").await;
    w.wait_text("#login-message", "已停用").await;
    w.close().await;
}
