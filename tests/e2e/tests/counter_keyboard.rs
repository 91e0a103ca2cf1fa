//! 受理 by keyboard alone, and nothing typed is lost: after choosing the
//! matter the material checklist has the focus, Space ticks a box, Tab
//! moves on to 全部已收 and then to 姓名, Alt+A ticks all; Esc on a filled
//! form asks first and a second Esc keeps everything; the idle lock (Alt+L
//! here) hides the half-filled form and unlocking brings it back as it was.

use bianmin_e2e::*;

async fn checked(w: &Window, css: &str) -> bool {
    w.client
        .execute(
            "return document.querySelector(arguments[0]).checked;",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("checked")
        .as_bool()
        .unwrap_or(false)
}

async fn value(w: &Window, css: &str) -> String {
    w.wait(css)
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_checklist_is_worked_by_keyboard_and_a_half_filled_form_survives_esc_and_the_lock() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.wait("#today-counts .card").await;
    w.click("#menu-intake").await;
    w.fill("#matter-query", "gljt").await;
    w.wait_text("#matter-choices", "高龄津贴申请").await;
    w.keys("#matter-query", ENTER).await;
    w.wait_text("#matter-info", "高龄津贴申请").await;

    // The checklist comes next: the first box has the focus; Space ticks it.
    assert_eq!(w.focused().await, "material-1");
    w.press(SPACE).await;
    assert!(checked(&w, "#material-1").await);
    w.press(TAB).await;
    assert_eq!(w.focused().await, "material-2");
    // Alt+A ticks every box.
    w.press(&alt('a')).await;
    for i in 1..=5 {
        assert!(checked(&w, &format!("#material-{i}")).await, "material {i}");
    }
    w.press(SPACE).await;
    assert!(!checked(&w, "#material-2").await, "Space unticks");
    // Tab leaves the last box for 全部已收, then the applicant's name.
    for _ in 0..4 {
        w.press(TAB).await;
    }
    assert_eq!(w.focused().await, "all-materials");
    w.press(TAB).await;
    assert_eq!(w.focused().await, "applicant-name");
    w.press("刘桂英").await;

    // Esc asks first; Esc again keeps everything.
    w.press(ESC).await;
    w.wait_text("#clear-confirm", "清空已填写的全部内容").await;
    assert_eq!(w.focused().await, "clear-yes");
    w.press(ESC).await;
    w.wait_gone("#clear-confirm").await;
    assert_eq!(value(&w, "#applicant-name").await, "刘桂英");
    assert_eq!(w.focused().await, "applicant-name");

    // The lock hides the form; unlocking brings it back as it was.
    w.press(&alt('l')).await;
    w.wait_text("h1", "屏幕已锁定").await;
    assert!(
        !w.text("#screen").await.contains("高龄津贴"),
        "the locked screen shows nothing of the form"
    );
    w.fill("#login-password", "clerk-pass1").await;
    w.keys("#login-password", ENTER).await;
    w.wait("#intake-form").await;
    assert_eq!(value(&w, "#applicant-name").await, "刘桂英");
    assert!(checked(&w, "#material-1").await);
    assert!(!checked(&w, "#material-2").await);
    assert!(w.text("#matter-info").await.contains("高龄津贴申请"));

    // Esc, then Enter on 清空, clears the form.
    w.keys("#applicant-name", ESC).await;
    w.wait("#clear-yes").await;
    w.press(ENTER).await;
    w.wait_gone("#clear-confirm").await;
    w.wait("#matter-query:focus").await;
    assert_eq!(value(&w, "#applicant-name").await, "");
    assert_eq!(w.count("cases"), 0, "nothing was taken in");
    w.close().await;
}
