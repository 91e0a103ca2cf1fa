//! 冲突 in the real window: a counter withdrew a case while the hub, not
//! knowing, assigned and completed it later; after the exchange the hub's
//! manager sees the refused 办结 beside the 撤回 that stands (who, when,
//! which device), is refused without a reason and when applying a step the
//! case no longer allows, and keeps what stands for both refused steps;
//! the conflicts leave the list and the log keeps every step.

use bianmin::auth::users;
use bianmin::exchange::{devices, import, keys};
use bianmin::intake;
use bianmin::lifecycle::request::{self, StepRequest};
use bianmin::store::Store;
use bianmin_e2e::*;
use chrono::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_keeps_what_stands_when_two_pcs_took_conflicting_steps() {
    let hub_dir = tempfile::tempdir().expect("tempdir");
    let hub_db = prepared_center(hub_dir.path());
    let usb = tempfile::tempdir().expect("usb");
    let a02_dir = tempfile::tempdir().expect("a02");
    // After the hub's set-up: each device's clock never runs backwards.
    let now = chrono::Local::now().fixed_offset() + Duration::minutes(1);
    let case_no = {
        let mut hub = Store::open(&hub_db).expect("hub");
        let mut a02 = Store::open(&a02_dir.path().join("bianmin.db")).expect("a02");
        let joined = export_batch(&mut hub, "manager", Some("A02"), usb.path(), now);
        join_as_counter(&mut a02, "A02", &joined, now);
        let manager = users::verify_credentials(hub.conn(), "manager", "manager-pass1").expect("m");
        let line = keys::own_line(a02.conn()).expect("key").to_line();
        devices::trust(&mut hub, &manager, now, &line).expect("trust");
        let clerk = users::verify_credentials(hub.conn(), "clerk", "clerk-pass1").expect("clerk");
        let case_no = intake::record(
            &mut hub,
            &clerk,
            now + Duration::seconds(5),
            accepted_application("孙秀兰", "37140219400315001", "姚家街道1号"),
        )
        .expect("intake")
        .case_no;
        let to_a02 = export_batch(
            &mut hub,
            "manager",
            Some("A02"),
            usb.path(),
            now + Duration::seconds(10),
        );
        let a02_manager =
            users::verify_credentials(a02.conn(), "manager", "manager-pass1").expect("m");
        import::import(
            &mut a02,
            &a02_manager,
            now + Duration::seconds(12),
            std::path::Path::new(&to_a02.path),
            &mut |_| {},
        )
        .expect("a02 import");
        // At A02 the manager withdraws it; the hub's clerk, unaware, assigns
        // and completes it later.
        let withdraw = StepRequest::Withdraw {
            reason: "申请人电话告知撤回申请".into(),
        };
        request::take(
            &mut a02,
            &a02_manager,
            now + Duration::seconds(30),
            &case_no,
            withdraw,
        )
        .expect("withdraw");
        let assign = StepRequest::Assign {
            to: "clerk".into(),
            forward: None,
        };
        request::take(
            &mut hub,
            &clerk,
            now + Duration::seconds(40),
            &case_no,
            assign,
        )
        .expect("assign");
        let complete = StepRequest::Complete {
            result: "approve".into(),
            reason: None,
        };
        request::take(
            &mut hub,
            &clerk,
            now + Duration::seconds(45),
            &case_no,
            complete,
        )
        .expect("complete");
        let from_a02 = export_batch(
            &mut a02,
            "manager",
            None,
            usb.path(),
            now + Duration::seconds(50),
        );
        import::import(
            &mut hub,
            &manager,
            now + Duration::seconds(55),
            std::path::Path::new(&from_a02.path),
            &mut |_| {},
        )
        .expect("hub import");
        case_no
    };

    let w = Window::open(hub_dir, hub_db).await;
    w.login("manager", "manager-pass1").await;
    w.click("#menu-exchange").await;
    w.wait_text("#conflict-heading", "未处理的冲突（2）").await;
    let card = w.wait_text("#conflict-list", "被拒绝的一步").await;
    for want in [
        &case_no as &str,
        "已撤回",
        "办结",
        "撤回",
        "申请人电话告知撤回申请",
        "A01",
        "A02",
        "张丽",
    ] {
        assert!(card.contains(want), "{want} missing from {card}");
    }
    w.wait_text("#conflict-alert", "有 2 条冲突待处理").await;
    w.click("#conflict-show").await;
    w.screenshot(&screenshot_path(&w, "window-conflict.png"))
        .await;
    let first = "#conflict-list .conflict:first-child";
    w.click(&format!("{first} .conflict-keep")).await;
    w.wait_text(&format!("{first} .message"), "处理理由").await;
    assert_eq!(
        w.count("conflict_resolutions"),
        0,
        "nothing saved without a reason"
    );
    // Applying a step the rules refuse today is refused, and says why.
    w.fill(&format!("{first} .conflict-reason"), "以撤回为准")
        .await;
    w.click(&format!("{first} .conflict-apply")).await;
    w.wait_text(&format!("{first} .message"), "现在不能再做")
        .await;
    assert_eq!(w.count("conflict_resolutions"), 0);
    w.fill(
        &format!("{first} .conflict-reason"),
        "申请人已撤回，以撤回为准",
    )
    .await;
    w.click(&format!("{first} .conflict-keep")).await;
    w.wait_text("#conflict-heading", "未处理的冲突（1）").await;
    // The step that stands is still the withdrawal, not the resolution.
    w.wait_text(first, "撤回（申请人电话告知撤回申请）").await;
    w.fill(
        &format!("{first} .conflict-reason"),
        "申请人已撤回，以撤回为准",
    )
    .await;
    w.click(&format!("{first} .conflict-keep")).await;
    w.wait_text("#conflict-empty", "没有冲突").await;
    assert_eq!(w.count("conflict_resolutions"), 2);
    assert_eq!(w.count("conflicts"), 2, "the log keeps every step");
    assert_eq!(
        w.count(&format!(
            "cases WHERE case_no = '{case_no}' AND state = 'withdrawn'"
        )),
        1
    );
    w.close().await;
}
