//! 咨询登记 in the real window: the matter asked about is found as on 受理
//! (pinyin initials, Enter), not typed as a code; turning the enquiry into
//! an intake asks who the applicant is, and 孙丽 asking for her father
//! becomes the proxy, not the applicant.

use bianmin::store::Store;
use bianmin_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn an_enquiry_finds_its_matter_by_pinyin_and_the_enquirer_becomes_the_proxy() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.menu("consult").await;
    w.wait("#consult-form").await;
    w.fill("#consult-name", "孙丽").await;
    w.fill("#consult-phone", "13905347788").await;
    w.fill("#consult-matter", "gljt").await;
    w.wait_text("#consult-matter-choices", "高龄津贴申请").await;
    w.keys("#consult-matter", ENTER).await;
    w.wait_gone("#consult-matter-choices li").await;
    w.fill("#consult-question", "父亲满八十岁了，高龄津贴怎么申请")
        .await;
    w.fill("#consult-answer", "带户口簿、身份证和银行账户到窗口申请")
        .await;
    w.click("#consult-form button.primary").await;
    w.wait_text("#toast", "咨询已登记").await;
    let store = Store::open(&w.db).expect("open");
    let code: Option<String> = store
        .conn()
        .query_row("SELECT matter_code FROM consultations", [], |r| r.get(0))
        .expect("consultation");
    drop(store);
    assert_eq!(code.as_deref(), Some("MZ-005"));

    // 转为受理: who applies is asked, not assumed.
    w.click("#consult-list td button").await;
    w.wait_text("#who-applies", "咨询人：孙丽（13905347788）。谁是申请人？")
        .await;
    assert_eq!(
        w.wait("#applicant-name")
            .await
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("")
    );
    w.click("#asker-is-proxy").await;
    w.wait_gone("#who-applies").await;
    assert_eq!(
        w.wait("#proxy-name")
            .await
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("孙丽")
    );
    assert_eq!(w.focused().await, "applicant-name");
    w.fill("#applicant-name", "孙德福").await;
    w.fill("#applicant-id-number", &id(7)).await;
    w.fill("#applicant-phone", "13905341234").await;
    w.fill("#applicant-address", "姚家街道杨庄村3组").await;
    w.fill("#proxy-id-number", &id(8)).await;
    w.fill("#proxy-relation", "子女").await;
    w.press(&alt('a')).await;
    w.click("#intake-submit").await;
    w.wait_text("#result-outcome", "受理").await;
    let store = Store::open(&w.db).expect("open");
    let (applicant, proxy, linked): (String, Option<String>, i64) = store
        .conn()
        .query_row(
            "SELECT c.applicant_name, c.proxy_name,
                    (SELECT count(*) FROM consultations q WHERE q.case_id = c.case_id)
             FROM cases c",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("case");
    assert_eq!(applicant, "孙德福");
    assert_eq!(proxy.as_deref(), Some("孙丽"));
    assert_eq!(linked, 1, "the enquiry is linked to its case");
    w.close().await;
}
