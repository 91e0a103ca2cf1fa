//! 中心设置 in the real window: the manager changes the center's name and
//! the 咨询电话 printed on every notice; a blank phone and an out-of-range
//! lockout are refused with the core's message beside the field, and
//! nothing is saved; the next 受理通知书 prints the new name and phone.

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
    // Set up without an address or phones: 工作台 tells the manager.
    w.wait_text("#center-notice", "文书上还缺少：中心地址、咨询电话")
        .await;
    w.menu("center").await;
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
    w.fill("#center-name", "历下区姚家街道党群便民服务中心")
        .await;
    w.fill("#center-lockout_attempts", "5").await;
    w.keys("#center-lockout_attempts", ENTER).await;
    w.wait_text("#toast", "中心设置已保存").await;
    let after = profile(&w);
    assert_eq!(after.phone, "0531-87654321");
    assert_eq!(after.address, "姚家街道便民服务中心一楼");
    assert_eq!(after.name, "历下区姚家街道党群便民服务中心");
    assert_eq!(
        w.count("events WHERE kind = 'center.profile_set'"),
        set_before + 1
    );
    w.menu("workbench").await;
    w.wait("#today-counts .card").await;
    w.wait_gone("#center-notice").await;
    // The next notice prints them.
    let notice = {
        let mut store = Store::open(&w.db).expect("open");
        let clerk = bianmin::auth::users::verify_credentials(store.conn(), "clerk", "clerk-pass1")
            .expect("clerk");
        let now = chrono::Local::now().fixed_offset();
        let case_no = bianmin::intake::record(
            &mut store,
            &clerk,
            now,
            accepted_application("孙秀兰", "37140219400315001", "姚家街道1号"),
        )
        .expect("intake")
        .case_no;
        bianmin::documents::print(
            &mut store,
            &clerk,
            now,
            &case_no,
            bianmin::documents::DocumentKind::Notice,
        )
        .expect("notice")
    };
    let path = w.dir.path().join("notice.pdf");
    std::fs::write(&path, &notice.pdf).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text: String = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect();
    assert!(text.contains("0531-87654321"), "{text}");
    assert!(text.contains("历下区姚家街道党群便民服务中心"), "{text}");
    w.close().await;
}
