//! 整改与回访 in the real window: two bad ratings opened rectifications (one
//! long overdue, marked so); the manager closes one with its result (an
//! empty result refused, nothing saved); she draws the follow-up sample and
//! both bad ratings are in it beside the random share; she records a call.

use bianmin::auth::users;
use bianmin::intake;
use bianmin::lifecycle::handling::{self, Decision};
use bianmin::service::evaluation::{self, Channel, Rating};
use bianmin::store::Store;
use bianmin_e2e::*;
use chrono::{Duration, Local};

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_closes_a_rectification_and_records_the_return_calls_in_the_window() {
    let w = Window::prepared().await;
    let (fresh, old, good) = {
        let mut store = Store::open(&w.db).expect("open");
        let clerk = users::verify_credentials(store.conn(), "clerk", "clerk-pass1").expect("clerk");
        let now = Local::now().fixed_offset();
        let mut done = Vec::new();
        for (i, name) in ["孙秀兰", "赵德明", "钱玉芬"].into_iter().enumerate() {
            let id17 = format!("3714021940031500{}", i + 1);
            let no = intake::record(
                &mut store,
                &clerk,
                now,
                accepted_application(name, &id17, "姚家街道1号"),
            )
            .expect("intake")
            .case_no;
            handling::assign(&mut store, &clerk, now, &no, "clerk", None).expect("assign");
            handling::complete(&mut store, &clerk, now, &no, Decision::Approve, None)
                .expect("complete");
            done.push(no);
        }
        let bad = |level, comment: &str| Rating {
            level,
            reasons: vec!["等候时间长".into()],
            comment: comment.into(),
            channel: Channel::Paper,
        };
        evaluation::evaluate_case(&mut store, &clerk, now, &done[0], &bad(2, "排队一小时"))
            .expect("bad");
        // Rated a month ago: its rectification is long overdue.
        evaluation::evaluate_case(
            &mut store,
            &clerk,
            now - Duration::days(30),
            &done[1],
            &bad(1, "材料被退回三次"),
        )
        .expect("old bad");
        (done[0].clone(), done[1].clone(), done[2].clone())
    };

    w.login("manager", "manager-pass1").await;
    w.menu("quality").await;
    w.wait_text("#rectify-heading", "未关闭 2 件，其中已超期 1 件")
        .await;
    w.wait_text(&format!("#rectify-table tr[data-case=\"{old}\"]"), "已超期")
        .await;
    // Each item has a short number, not a UUID.
    w.wait_text("#rectify-table", "ZG-A01-001").await;
    w.wait_text("#rectify-table", "ZG-A01-002").await;
    w.click(&format!("#rectify-table tr[data-case=\"{fresh}\"] button"))
        .await;
    w.wait_text("#rectify-which", "排队一小时").await;
    w.keys("#rectify-result", ENTER).await;
    w.click("#rectify-close").await;
    w.wait_text("#quality-message", "整改结果").await;
    assert_eq!(w.count("rectifications WHERE result IS NOT NULL"), 0);
    w.fill("#rectify-result", "已电话致歉，高峰期增开综合窗口分流")
        .await;
    w.click("#rectify-close").await;
    w.wait_text(
        &format!("#rectify-table tr[data-case=\"{fresh}\"]"),
        "已关闭",
    )
    .await;
    assert_eq!(w.count("rectifications WHERE result IS NOT NULL"), 1);

    // The sample: the share of the good case, and both bad ratings always.
    w.wait_text("#followup-empty", "没有").await;
    w.click("#followup-draw").await;
    w.wait_text("#followup-heading", "待回访 3 件").await;
    for no in [&fresh, &old] {
        w.wait_text(
            &format!("#followup-table tr[data-case=\"{no}\"]"),
            "差评必访",
        )
        .await;
    }
    w.wait_text(&format!("#followup-table tr[data-case=\"{good}\"]"), "抽样")
        .await;
    w.wait_text("#followup-table", "13905341234").await;
    w.click(&format!("#followup-table tr[data-case=\"{good}\"] button"))
        .await;
    w.wait_text("#followup-whom", &good).await;
    w.fill("#followup-outcome", "申请人表示满意，津贴已到账")
        .await;
    w.click("#followup-save").await;
    w.wait_text(
        &format!("#followup-table tr[data-case=\"{good}\"]"),
        "已联系上",
    )
    .await;
    w.wait_text("#followup-heading", "待回访 2 件").await;
    assert_eq!(
        w.count("follow_up_calls WHERE reached = 1 AND outcome LIKE '%津贴已到账%'"),
        1
    );
    w.wait_text("#followup-table", "HF-A01-00").await;
    w.screenshot(&screenshot_path(&w, "window-quality.png"))
        .await;
    // 已办结 stay findable: the filter lists every closed item.
    w.click("#quality-all-closed").await;
    w.wait("#quality-all-closed:checked").await;
    w.wait_text(
        &format!("#rectify-table tr[data-case=\"{fresh}\"]"),
        "已关闭",
    )
    .await;
    w.close().await;
}
