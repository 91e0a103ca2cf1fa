//! 扫描件 in the real window: after an intake the clerk opens the case,
//! adds a scanned ID card (a PNG from the scanner folder) to its material
//! line by keyboard; the thumbnail shows in the materials table, Enter on
//! it shows the image full size, Esc closes it. A file that is no scan is
//! refused in words and changes nothing.

use bianmin_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_is_attached_on_the_case_shown_as_a_thumbnail_and_opened_full_size() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    w.take_in_elderly_allowance("王桂兰", &id(21)).await;
    w.wait_text("#result-outcome", "受理").await;
    w.click("#result-detail").await;
    w.wait("#scan-form").await;

    // Not a scan: a text file named .png is refused by its content.
    let fake = w.dir.path().join("身份证.png");
    std::fs::write(&fake, "这不是图片").expect("write");
    let events = w.count("events");
    w.fill("#scan-path", &fake.display().to_string()).await;
    w.keys("#scan-path", ENTER).await;
    w.wait_text("#scan-message", "按文件内容判断").await;
    assert_eq!(w.count("events"), events);

    // The ID card's scan on line 1 (居民身份证), chosen by keyboard.
    let file = w.dir.path().join("扫描_0001.png");
    std::fs::write(&file, scan_png(1200, 760)).expect("write");
    w.fill("#scan-path", &file.display().to_string()).await;
    w.keys("#scan-line", "1").await;
    w.keys("#scan-path", ENTER).await;
    w.wait_text("#toast", "已添加扫描件").await;
    assert_eq!(w.count("case_scans"), 1);
    let thumb = "#case-materials td.scans button.thumb img";
    let small = w.natural_width(thumb).await;
    assert!(small > 0 && small <= 240, "thumbnail width {small}");
    w.scroll_to("#case-materials").await;
    w.screenshot(&screenshot_path(&w, "window-case-scans.png"))
        .await;

    // Enter on the thumbnail: full size; Esc closes.
    w.keys("#case-materials td.scans button.thumb", ENTER).await;
    w.wait("#scan-view").await;
    assert_eq!(w.natural_width("#scan-full").await, 1200);
    assert_eq!(w.focused().await, "scan-close");
    w.press(ESC).await;
    w.wait_gone("#scan-view").await;
    w.close().await;
}
