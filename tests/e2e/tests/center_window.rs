//! 中心设置 in the real window: the manager changes the 咨询电话 printed on
//! every notice; a blank phone and an out-of-range lockout are refused with
//! the core's message beside the field, and nothing is saved.

use bianmin::center;
use bianmin::store::Store;
use bianmin_e2e::*;

fn profile(w: &Window) -> center::CenterProfile {
    let store = Store::open(&w.db).expect("open");
    center::load(store.conn()).expect("profile")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_manager_changes_the_centers_phone_and_bad_values_are_refused_at_their_field() {
    let w = Window::prepared().await;
    let before = profile(&w);
    let events = w.count("events");
    let set_before = w.count("events WHERE kind = 'center.profile_set'");
    w.login("manager", "manager-pass1").await;
    w.click("#menu-center").await;
    w.wait("#center-form").await;
    // The address field has the focus; Tab reaches the phone.
    w.keys("#center-address", "姚家街道便民服务中心一楼").await;
    w.keys("#center-address", TAB).await;
    w.keys("#center-phone", " ").await;
    w.keys("#center-phone", ENTER).await;
    w.wait_text("#center-phone-hint", "咨询电话").await;
    assert_eq!(profile(&w), before, "nothing saved");
    w.fill("#center-phone", "0531-87654321").await;
    w.fill("#center-lockout_attempts", "2").await;
    w.keys("#center-lockout_attempts", ENTER).await;
    w.wait_text("#center-lockout_attempts-hint", "连续输错几次密码锁定账号")
        .await;
    w.wait("#center-lockout_attempts[aria-invalid=\"true\"]")
        .await;
    w.screenshot(&screenshot_path(&w, "window-center.png"))
        .await;
    assert_eq!(w.count("events"), events, "no event for a refusal");
    w.fill("#center-lockout_attempts", "5").await;
    w.keys("#center-lockout_attempts", ENTER).await;
    w.wait_text("#toast", "中心设置已保存").await;
    let after = profile(&w);
    assert_eq!(after.phone, "0531-87654321");
    assert_eq!(after.address, "姚家街道便民服务中心一楼");
    assert_eq!(
        w.count("events WHERE kind = 'center.profile_set'"),
        set_before + 1
    );
    w.close().await;
}
