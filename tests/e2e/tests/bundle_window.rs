//! 一件事 in the real window: a clerk finds 新生儿出生一件事 by the matter
//! search and takes it by keyboard, ticks the shared list of materials once,
//! and one intake makes a case per matter; the one 一件事受理回执 lists
//! every matter with its own case number and date (its PDF text checked).
//! The lead case's detail shows the siblings and how many are done; a
//! sibling opens from there and names the case its papers are printed on.

use bianmin_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_bundle_intake_makes_a_case_per_matter_with_one_receipt_listing_them_all() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    // The search finds bundles as it finds matters, listed first.
    w.fill("#matter-query", "出生").await;
    w.wait_text("#matter-choices", "一件事 新生儿出生一件事")
        .await;
    w.keys("#matter-query", ENTER).await;
    w.wait_text("#bundle-card", "新生儿出生一件事").await;
    let table = w.text("#materials-table").await;
    // 户口簿 is needed by all three matters and asked for once.
    assert_eq!(table.matches("户口簿").count(), 1, "{table}");
    assert!(
        table.contains("生育登记、城乡居民基本医疗保险参保登记、社会保障卡申领"),
        "{table}"
    );
    assert_eq!(w.focused().await, "material-1");
    w.press(&alt('a')).await;
    w.fill("#applicant-name", "李秀英").await;
    w.fill("#applicant-id-number", &id(11)).await;
    w.fill("#applicant-phone", "13905341234").await;
    w.fill("#applicant-address", "姚家街道杨庄村3组").await;
    let events = w.count("events");
    w.keys("#applicant-address", ENTER).await;
    w.wait_text("#result-outcome", "3 个事项").await;
    let cases = w.text("#result-cases").await;
    for want in [
        "生育登记",
        "城乡居民基本医疗保险参保登记",
        "社会保障卡申领",
        "即办",
        "受理",
    ] {
        assert!(cases.contains(want), "{want} in {cases}");
    }
    assert!(w.count("events") > events);
    let receipt = w
        .wait("#result-documents .document[data-kind=bundle-receipt]")
        .await
        .attr("data-path")
        .await
        .expect("attr")
        .expect("receipt path");
    let text = pdf_text(&receipt);
    let case_nos: Vec<String> = {
        let store = bianmin::store::Store::open(&w.db).expect("open");
        let mut stmt = store
            .conn()
            .prepare("SELECT case_no FROM cases WHERE bundle_id IS NOT NULL ORDER BY case_no")
            .expect("query");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("case numbers")
    };
    assert_eq!(case_nos.len(), 3);
    for want in case_nos.iter().map(String::as_str).chain([
        "一件事受理回执",
        "新生儿出生一件事",
        "社会保障卡申领",
        "承诺",
    ]) {
        assert!(text.contains(want), "“{want}” missing in:\n{text}");
    }
    assert_eq!(text.matches("当场办结").count(), 2, "{text}");
    w.wait("#result-documents .document[data-kind=bundle-notice]")
        .await;
    w.wait_gone("#toast:not([hidden])").await;
    w.screenshot(&screenshot_path(&w, "window-intake-bundle.png"))
        .await;

    // The lead case's detail: the siblings, 2 of 3 done (the two 即办).
    w.click("#result-detail").await;
    w.wait_text("#case-bundle", "已办结 2 / 3 件").await;
    let siblings = w.text("#bundle-siblings").await;
    assert!(siblings.contains("（本件）"), "{siblings}");
    w.wait("#case-documents button[data-kind=bundle-receipt]")
        .await;
    w.scroll_to("#case-bundle").await;
    w.screenshot(&screenshot_path(&w, "window-case-bundle.png"))
        .await;
    // A sibling opens from there and names the lead case for the papers.
    w.click(&format!(
        "#bundle-siblings button[data-case-no='{}']",
        case_nos[2]
    ))
    .await;
    w.wait_text("h1", &case_nos[2]).await;
    w.wait_text("#case-bundle", &case_nos[0]).await;
    w.close().await;
}
