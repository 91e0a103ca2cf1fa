//! 容缺受理 in the real window: the manager allows it in 设置; a clerk takes
//! in a pension application with the 户口簿 and 社会保障卡 missing, asks
//! for 容缺受理 by keyboard, and the 容缺受理承诺书 is printed with the
//! receipt (its text checked); on the case, 办结 is refused naming the
//! missing materials, each is supplied (补齐), and then it is approved.

use bianmin::center;
use bianmin::store::Store;
use bianmin_e2e::*;

fn allowed(w: &Window) -> bool {
    let store = Store::open(&w.db).expect("open");
    center::load(store.conn())
        .expect("profile")
        .tolerance_allowed
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tolerated_intake_prints_its_commitment_and_waits_for_the_materials() {
    let w = Window::prepared().await;

    // The manager allows 容缺受理 (the center's address and phone first:
    // a profile without them is refused).
    w.login("manager", "manager-pass1").await;
    w.menu("center").await;
    w.wait("#center-form").await;
    assert!(!allowed(&w), "off until the center decides");
    w.fill("#center-address", "姚家街道便民服务中心一楼").await;
    w.fill("#center-phone", "0531-87654321").await;
    w.keys("#center-tolerance_allowed", " ").await;
    w.keys("#center-phone", ENTER).await;
    w.wait_text("#toast", "中心设置已保存").await;
    assert!(allowed(&w));
    w.click("#logout-button").await;

    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    w.fill("#matter-query", "待遇领取").await;
    w.wait_text("#matter-choices", "城乡居民基本养老保险待遇领取申请")
        .await;
    w.keys("#matter-query", ENTER).await;
    w.wait_text("#matter-info", "待遇领取").await;
    let table = w.text("#materials-table").await;
    assert!(
        table.contains("必交（核心材料）") && table.contains("可容缺（5 个工作日内补齐）"),
        "{table}"
    );
    // By keyboard: the first material has the focus; space ticks it.
    assert_eq!(w.focused().await, "material-1");
    w.press(" ").await;
    w.press(TAB).await;
    w.press(TAB).await;
    assert_eq!(w.focused().await, "material-3");
    w.press(" ").await;
    w.keys("#tolerate", " ").await;
    w.fill("#applicant-name", "刘桂英").await;
    w.fill("#applicant-id-number", &id(7)).await;
    w.fill("#applicant-phone", "13905341234").await;
    w.fill("#applicant-address", "姚家街道杨庄村3组").await;
    w.keys("#applicant-address", ENTER).await;
    w.wait_text("#result-outcome", "容缺受理").await;
    let case_no = w.text("#result-case-no").await;
    let listed = w.text("#result-tolerated").await;
    assert!(
        listed.contains("户口簿") && listed.contains("社会保障卡") && listed.contains("前补齐"),
        "{listed}"
    );
    let commitment = w
        .wait("#result-documents .document[data-kind=tolerance]")
        .await
        .attr("data-path")
        .await
        .expect("attr")
        .expect("commitment path");
    let text = pdf_text(&commitment);
    for want in [
        "容缺受理承诺书",
        "（申请人联）",
        "（中心存档联）",
        case_no.as_str(),
        "户口簿",
        "社会保障卡",
        "逾期未补齐",
        "申请人（签字）",
        "窗口经办人（签字）",
    ] {
        assert!(text.contains(want), "“{want}” missing in:\n{text}");
    }
    // The picture without the logout's passing message over the result.
    w.wait_gone("#toast:not([hidden])").await;
    w.screenshot(&screenshot_path(&w, "window-intake-tolerated.png"))
        .await;

    // On the case: 办结 is refused while they are missing, naming them.
    w.click("#result-detail").await;
    w.wait_text("#case-facts", "2 项待补齐").await;
    w.wait_text("#case-facts", "容缺受理").await;
    let materials = w.text("#case-materials").await;
    assert!(materials.contains("容缺，"), "{materials}");
    let events = w.count("events");
    w.click("#case-steps button[data-step=complete]").await;
    w.click("#step-form button.primary").await;
    w.wait_text("#step-form .message", "容缺材料尚未补齐").await;
    assert_eq!(w.count("events"), events, "a refusal records nothing");

    // 补齐 by keyboard: the step's list offers the outstanding ones.
    w.click("#case-steps button[data-step=supply]").await;
    let offered = w.text("#step-material").await;
    assert!(
        offered.contains("户口簿") && offered.contains("社会保障卡"),
        "{offered}"
    );
    w.keys("#step-material", ENTER).await;
    w.wait_text("#case-facts", "1 项待补齐").await;
    w.click("#case-steps button[data-step=supply]").await;
    let offered = w.text("#step-material").await;
    assert!(!offered.contains("户口簿"), "{offered}");
    w.keys("#step-material", ENTER).await;
    w.wait_gone("#case-steps button[data-step=supply]").await;
    let materials = w.text("#case-materials").await;
    assert!(materials.matches("已补齐").count() == 2, "{materials}");
    w.screenshot(&screenshot_path(&w, "window-case-supplied.png"))
        .await;
    w.click("#case-steps button[data-step=complete]").await;
    w.click("#step-form button.primary").await;
    w.wait_text("#case-facts", "已办结").await;
    let timeline = w.text("#case-timeline").await;
    assert_eq!(timeline.matches("补齐容缺材料").count(), 2, "{timeline}");
    w.close().await;
}
