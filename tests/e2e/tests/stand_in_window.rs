//! AB角 in the real window: the manager names a second clerk as stand-in
//! for the first (a range ending before it starts is refused, nothing
//! saved); the stand-in's 工作台 lists the absent clerk's open case; the
//! manager ends it when the clerk is back and the 工作台 no longer does.

use bianmin::auth::users::{self, NewUser};
use bianmin::auth::Role;
use bianmin::intake;
use bianmin::store::Store;
use bianmin_e2e::*;
use chrono::{Duration, Local};

#[tokio::test(flavor = "multi_thread")]
async fn a_stand_in_set_in_the_window_brings_the_absent_clerks_cases_to_her_workbench() {
    let w = Window::prepared().await;
    let case_no = {
        let mut store = Store::open(&w.db).expect("open");
        let admin = users::verify_credentials(store.conn(), "admin", "admin-pass1").expect("admin");
        users::add(
            &mut store,
            &admin,
            Local::now().fixed_offset(),
            &NewUser {
                username: "clerk2".into(),
                display_name: "李强".into(),
                staff_no: "0103".into(),
                role: Role::Clerk,
                password: "clerk2-pass1".into(),
            },
        )
        .expect("clerk2");
        let clerk = users::verify_credentials(store.conn(), "clerk", "clerk-pass1").expect("clerk");
        intake::record(
            &mut store,
            &clerk,
            Local::now().fixed_offset(),
            accepted_application("孙秀兰", "37140219400315001", "姚家街道1号"),
        )
        .expect("intake")
        .case_no
    };
    let today = Local::now().date_naive();
    let yesterday = (today - Duration::days(1)).to_string();

    w.login("manager", "manager-pass1").await;
    w.keys("#screen", "\u{E03C}").await; // F12
    w.wait("#standin-form").await;
    w.wait_text("#standin-empty", "没有").await;
    w.wait("#standin-absent option[value=\"clerk\"]")
        .await
        .click()
        .await
        .expect("A角");
    w.wait("#standin-by option[value=\"clerk2\"]")
        .await
        .click()
        .await
        .expect("B角");
    w.fill("#standin-from", &yesterday).await;
    w.fill("#standin-to", &(today - Duration::days(3)).to_string())
        .await;
    w.click("#standin-save").await;
    w.wait_text("#standin-message", "早于开始日期").await;
    assert_eq!(w.count("stand_ins"), 0, "nothing saved");
    w.fill("#standin-to", &(today + Duration::days(3)).to_string())
        .await;
    w.keys("#standin-to", ENTER).await;
    w.wait_text("#standin-table tr[data-by=\"clerk2\"]", "进行中")
        .await;
    assert_eq!(w.count("stand_ins"), 1);
    w.screenshot(&screenshot_path(&w, "window-stand-in.png"))
        .await;
    w.click("#logout-button").await;

    w.login("clerk2", "clerk2-pass1").await;
    w.wait_text("#covering", "由您代为办理（1 件在办）").await;
    w.wait_text("#covering-table", &case_no).await;
    w.screenshot(&screenshot_path(&w, "window-workbench-stand-in.png"))
        .await;
    w.click("#logout-button").await;

    // The clerk is back today.
    w.login("manager", "manager-pass1").await;
    w.menu("standin").await;
    w.click("#standin-table tr[data-by=\"clerk2\"] button")
        .await;
    w.wait_text("#standin-table tr[data-by=\"clerk2\"]", "已结束")
        .await;
    assert_eq!(
        w.count(&format!("stand_ins WHERE to_day = '{yesterday}'")),
        1
    );
    w.click("#logout-button").await;
    w.login("clerk2", "clerk2-pass1").await;
    w.wait("#today-counts .card").await;
    w.wait_text("#watch-table", &case_no).await;
    assert_eq!(w.text("#covering").await, "");
    w.close().await;
}
