//! 告知承诺制 in the real window: a clerk takes in a 临时救助 application
//! with the applicant's promise instead of the 遭遇困难的相关证明 (ticked by
//! keyboard) and the 告知承诺书 is printed (its text checked); the clerk
//! records one case's 核查 as 属实; the manager finds the other on 整改回访
//! under 告知承诺核查, opens it and revokes it, and the 撤销决定书 prints.

use bianmin_e2e::*;

/// 临时救助申请 with materials 1, 2, 3, 5 brought and 4 promised.
async fn take_in_on_a_promise(w: &Window, name: &str, n: u32) -> String {
    w.click("#menu-intake").await;
    w.fill("#matter-query", "临时救助").await;
    w.wait_text("#matter-choices", "临时救助申请").await;
    w.keys("#matter-query", ENTER).await;
    w.wait_text("#matter-info", "临时救助申请").await;
    for i in [1, 2, 3, 5] {
        w.keys(&format!("#material-{i}"), " ").await;
    }
    // The promise box sits under the material's name: Tab reaches it.
    w.keys("#material-4", TAB).await;
    assert_eq!(w.focused().await, "promise-4");
    w.press(" ").await;
    w.fill("#applicant-name", name).await;
    w.fill("#applicant-id-number", &id(n)).await;
    w.fill("#applicant-phone", "13905341234").await;
    w.fill("#applicant-address", "姚家街道杨庄村3组").await;
    w.keys("#applicant-address", ENTER).await;
    w.wait_text("#result-outcome", "受理").await;
    w.wait_text("#result-promised", "遭遇困难的相关证明").await;
    w.text("#result-case-no").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_promise_is_printed_checked_and_a_false_one_revoked() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    let kept = take_in_on_a_promise(&w, "赵秀芝", 11).await;
    let paper = w
        .wait("#result-documents .document[data-kind=commitment]")
        .await
        .attr("data-path")
        .await
        .expect("attr")
        .expect("commitment path");
    let text = pdf_text(&paper);
    for want in [
        "告知承诺书",
        "（申请人联）",
        "遭遇困难的相关证明",
        "承诺内容：本人承诺所述因火灾",
        "信用记录",
        "前对承诺内容进行核查",
        "承诺人（签字）",
        kept.as_str(),
    ] {
        assert!(text.contains(want), "“{want}” missing in:\n{text}");
    }
    w.wait_gone("#toast:not([hidden])").await;
    w.screenshot(&screenshot_path(&w, "window-intake-promised.png"))
        .await;

    // 核查属实 by the clerk, on the case.
    w.click("#result-detail").await;
    w.wait_text("#case-facts", "待核查").await;
    let materials = w.text("#case-materials").await;
    assert!(
        materials.contains("告知承诺（以承诺书代替）"),
        "{materials}"
    );
    let steps = w.text("#case-steps").await;
    assert!(
        steps.contains("核查属实") && !steps.contains("撤销"),
        "{steps}"
    );
    w.click("#case-steps button[data-step=verify]").await;
    w.fill("#step-note", "经村委会核实，属实").await;
    w.keys("#step-note", ENTER).await;
    w.wait_text("#case-facts", "属实（").await;

    // The second is left for the manager.
    let broken = take_in_on_a_promise(&w, "钱秀英", 12).await;
    w.click("#logout-button").await;
    w.login("manager", "manager-pass1").await;
    w.menu("quality").await;
    w.wait_text("#checks-heading", "待核查 1 件").await;
    w.wait_text("#checks-figures", "已核查 1 件，其中不实 0 件")
        .await;
    let row = format!("#checks-table tr[data-case=\"{broken}\"]");
    w.wait(&row).await;
    w.screenshot(&screenshot_path(&w, "window-checks.png"))
        .await;
    w.keys(&row, ENTER).await;
    w.wait_text("#case-facts", "待核查").await;
    w.click("#case-steps button[data-step=revoke]").await;
    w.keys("#step-reason", ENTER).await;
    w.wait_text("#step-form .message", "撤销理由").await;
    w.fill("#step-reason", "经核查，申请人家中未发生所述火灾")
        .await;
    w.keys("#step-reason", ENTER).await;
    w.wait_text("#case-facts", "已撤销").await;
    w.wait_text("#case-facts", "不实（").await;
    assert!(!w.text("#case-steps").await.contains("核查"));
    // Never printed yet: 打印, not 补打; once printed, the next is 补打.
    let button = "#case-documents button[data-kind=revocation]";
    w.wait_text(button, "打印 撤销决定书").await;
    w.click(button).await;
    w.wait_text("#toast", "撤销决定书").await;
    w.wait_text(button, "补打 撤销决定书").await;
    let printed = w.count("printed_documents WHERE kind = 'revocation'");
    assert_eq!(printed, 1);
    w.close().await;
}
