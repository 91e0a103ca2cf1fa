//! Printing to the counter's printers in the real window, through the real
//! print service (the tests' CUPS with virtual PDF printers, see
//! scripts/test-printers.sh): the manager sends 80 mm slips to the receipt
//! printer and A4 forms to the A4 printer, automatically after an intake;
//! a clerk's intake then prints the receipt and the notice, which are read
//! back from what the printers printed; a paused printer is named in
//! Chinese and records nothing.

use bianmin_e2e::printed::printed_text;
use bianmin_e2e::*;

async fn choose(w: &Window, kind: &str, printer: &str, auto: bool) {
    w.click(&format!("#printer-{kind} option[value=\"{printer}\"]"))
        .await;
    let boxed = format!("#printer-auto-{kind}");
    let on = w
        .wait(&boxed)
        .await
        .prop("checked")
        .await
        .expect("checked")
        .is_some_and(|v| v == "true");
    if on != auto {
        w.click(&boxed).await;
    }
    w.click(&format!("#printer-save-{kind}")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_intake_prints_on_the_chosen_printers_and_a_paused_one_is_named() {
    let w = Window::prepared().await;
    w.login("manager", "manager-pass1").await;
    w.menu("center").await;
    w.wait("#printers-panel #printer-choices").await;
    w.wait_text("#printer-list", "BianminTestStopped").await;
    let list = w.text("#printer-list").await;
    assert!(list.contains("BianminTest80"), "{list}");
    assert!(list.contains("已暂停（测试：已暂停）"), "{list}");
    // Automatic printing without a printer is refused by the core.
    w.click("#printer-auto-refusal").await;
    w.click("#printer-save-refusal").await;
    w.wait_text("#toast", "没有为“不予受理通知书”选择打印机")
        .await;
    assert_eq!(w.count("printer_choices"), 0);

    choose(&w, "receipt", "BianminTest80", true).await;
    w.wait_text("#toast", "受理回执将打印到 BianminTest80，受理后自动打印")
        .await;
    choose(&w, "notice", "BianminTestA4", true).await;
    w.wait_text("#toast", "受理通知书将打印到 BianminTestA4")
        .await;
    assert_eq!(w.count("printer_choices WHERE auto = 1"), 2);
    w.screenshot(&screenshot_path(&w, "window-printers.png"))
        .await;
    w.click("#logout-button").await;

    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    w.take_in_elderly_allowance("刘桂英", &id(1)).await;
    let case_no = w.text("#result-case-no").await;
    let receipt = w
        .wait_text(
            "#result-documents .document[data-kind=receipt] .sent",
            "已发送到打印机 BianminTest80",
        )
        .await;
    let notice = w
        .wait_text(
            "#result-documents .document[data-kind=notice] .sent",
            "已发送到打印机 BianminTestA4",
        )
        .await;
    w.screenshot(&screenshot_path(&w, "window-intake-printed.png"))
        .await;
    for (shown, title) in [(receipt, "受理回执"), (notice, "受理通知书")] {
        // "已发送到打印机 BianminTest80（任务 BianminTest80-12）"
        let job = shown
            .split("任务 ")
            .nth(1)
            .and_then(|rest| rest.strip_suffix('）'))
            .unwrap_or_else(|| panic!("no job in {shown}"));
        let text = printed_text(job);
        assert!(text.contains(&case_no), "{title}: {text}");
        assert!(text.contains(title), "{title}: {text}");
    }
    assert_eq!(
        w.count("printed_documents WHERE printer IS NOT NULL"),
        2,
        "both recorded with their printer"
    );
    w.click("#logout-button").await;

    // The receipt printer paused: the next intake stands, its receipt is
    // named as not printed, and no print is recorded for it.
    w.login("manager", "manager-pass1").await;
    w.menu("center").await;
    w.wait("#printers-panel #printer-choices").await;
    choose(&w, "receipt", "BianminTestStopped", true).await;
    w.wait_text("#toast", "BianminTestStopped").await;
    let printed = w.count("printed_documents");
    w.menu("intake").await;
    w.take_in_elderly_allowance("王德福", &id(2)).await;
    w.wait_text("#result-print-error", "打印机“BianminTestStopped”已暂停")
        .await;
    w.wait("#result-case-no").await;
    assert_eq!(w.count("printed_documents"), printed);
    w.close().await;
}
