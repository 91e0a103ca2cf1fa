//! 节假日 in the real window: next year is not loaded, so the manager
//! computes its provisional holidays, looks at them and confirms; a case
//! due then shows "按暂定节假日计算"; then she types the official notice into
//! the form (a bad row is refused by name, nothing saved) and the open case
//! whose due date it moves is listed, on this screen and on the workbench.

use bianmin::auth::users;
use bianmin::calendar::{provisional, schedule, Calendar};
use bianmin::intake::{self, lookup};
use bianmin::store::Store;
use bianmin_e2e::*;
use chrono::{Datelike, NaiveDate, TimeZone};

#[tokio::test(flavor = "multi_thread")]
async fn a_provisional_year_then_the_official_one_typed_in_moves_an_open_case() {
    let w = Window::prepared().await;
    let this_year = chrono::Local::now().year();
    let next = this_year + 1;
    w.login("manager", "manager-pass1").await;
    w.menu("calendar").await;
    let heading = w.text("#calendar-year").await;
    if !heading.contains(&next.to_string()) {
        w.click("#calendar-next").await;
    }
    w.wait_text("#calendar-year", &format!("{next} 年节假日安排"))
        .await;
    w.wait_text("#calendar-status", "尚未载入").await;

    w.click("#calendar-provisional").await;
    w.wait_text("#calendar-preview", "预览，尚未载入").await;
    w.wait_text("#calendar-preview", "春节").await;
    assert_eq!(w.count(&format!("calendar_years WHERE year = {next}")), 0);
    w.screenshot(&screenshot_path(&w, "window-calendar-provisional.png"))
        .await;
    // The confirm button has the focus: Enter confirms.
    w.keys("#calendar-provisional-confirm", "\u{E007}").await;
    w.wait_text("#calendar-status", "暂定安排").await;
    w.wait_text("#calendar-years", "暂定").await;
    assert_eq!(
        w.count(&format!(
            "calendar_years WHERE year = {next} AND provisional = 1"
        )),
        1
    );

    // A case taken on December 28 is due in the provisional year.
    let (case_no, old_due) = {
        let mut store = Store::open(&w.db).expect("open");
        let clerk = users::verify_credentials(store.conn(), "clerk", "clerk-pass1").expect("clerk");
        let tz = chrono::FixedOffset::east_opt(8 * 3600).expect("tz");
        let at = tz
            .with_ymd_and_hms(this_year, 12, 28, 9, 30, 0)
            .single()
            .expect("time");
        let r = intake::record(
            &mut store,
            &clerk,
            at,
            accepted_application("孙秀兰", "37140219400315001", "姚家街道1号"),
        )
        .expect("intake");
        (r.case_no, r.due_date.expect("due"))
    };
    assert_eq!(old_due.year(), next);
    w.click("#menu-search").await;
    w.fill("#search-input", &case_no).await;
    w.keys("#search-input", "\u{E007}").await;
    w.wait_text("#case-table", "（按暂定节假日计算）").await;

    // The official notice typed in: first with a mistake in the first row.
    w.menu("calendar").await;
    if !w.text("#calendar-year").await.contains(&next.to_string()) {
        w.click("#calendar-next").await;
    }
    w.wait_text("#calendar-year", &format!("{next} 年")).await;
    w.click("#calendar-enter").await;
    w.fill(
        "#entry-source",
        &format!("国务院办公厅关于{next}年部分节假日安排的通知"),
    )
    .await;
    let from = format!("{next}-01-01");
    w.fill("#entry-holidays tr:nth-child(1) .entry-from", &from)
        .await;
    w.fill(
        "#entry-holidays tr:nth-child(1) .entry-to",
        &format!("{next}-13-01"),
    )
    .await;
    w.click("#entry-save").await;
    w.wait_text("#calendar-error", "放假安排第 1 行").await;
    assert_eq!(
        w.count(&format!(
            "calendar_years WHERE year = {next} AND provisional = 1"
        )),
        1,
        "nothing saved"
    );
    // The notice gives the old due date itself off: the case moves later.
    w.fill(
        "#entry-holidays tr:nth-child(1) .entry-to",
        &old_due.to_string(),
    )
    .await;
    w.screenshot(&screenshot_path(&w, "window-calendar-entry.png"))
        .await;
    w.click("#entry-save").await;
    w.wait_text("#calendar-loaded", "1 件在办件的办结期限随之调整")
        .await;
    w.wait_text("#calendar-moved", &case_no).await;
    w.wait_text("#calendar-status", "正式安排").await;
    w.wait("#calendar-months td.cal-day.holiday").await;

    let store = Store::open(&w.db).expect("open");
    let moved = lookup::summary(store.conn(), &case_no)
        .expect("read")
        .expect("case");
    let new_due = moved.due_date.expect("due");
    assert!(new_due > old_due, "{new_due} after {old_due}");
    assert_eq!(moved.due_note, None);
    // The same days the window shows as loaded: the official year as typed.
    let loaded = schedule::loaded_schedule(store.conn(), next)
        .expect("read")
        .expect("loaded");
    assert!(!loaded.provisional);
    let cal = Calendar::from_schedules([&loaded]);
    let first_working = NaiveDate::from_ymd_opt(next, 1, 1)
        .expect("day")
        .iter_days()
        .find(|d| cal.is_working_day(*d).unwrap_or(false))
        .expect("a working day");
    assert!(first_working > old_due);
    // The provisional year had the same festivals.
    assert_eq!(
        provisional::compute(next).expect("computes").holidays[0].name,
        "元旦"
    );
    w.screenshot(&screenshot_path(&w, "window-calendar-official.png"))
        .await;

    w.click("#menu-workbench").await;
    w.wait_text("#moved-table", &case_no).await;
    w.wait_text("#open-cases", &case_no).await;
    w.screenshot(&screenshot_path(&w, "window-workbench-moved.png"))
        .await;
    w.close().await;
}
