//! 扫描件 in the real window: after an intake the clerk opens the case,
//! adds a scanned ID card (a PNG from the scanner folder) to its material
//! line by keyboard; the thumbnail shows in the materials table, Enter on
//! it shows the image full size, Esc closes it. A file that is no scan is
//! refused in words and changes nothing. A page from the counter's scanner
//! (SANE, here its test flatbed) goes on the next line the same way.

use bianmin_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_is_attached_on_the_case_shown_as_a_thumbnail_and_opened_full_size() {
    // SANE's own test backend: a real scanimage with a virtual flatbed.
    let sane = tempfile::tempdir().expect("sane");
    std::fs::write(sane.path().join("dll.conf"), "test\n").expect("dll.conf");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = prepared_center(dir.path());
    let sane_dir = sane.path().display().to_string();
    let w = Window::open_with(dir, db, &[("SANE_CONFIG_DIR", &sane_dir)]).await;
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    w.take_in_elderly_allowance("王桂兰", &id(21)).await;
    w.wait_text("#result-outcome", "受理").await;
    w.click("#result-detail").await;
    w.wait("#scan-form").await;
    // The state with the platforms' status code beside it, and the intake
    // step's code in the history.
    let facts = w.text("#case-facts").await;
    assert!(
        facts.contains("已受理（办件状态代码 3：已受理）"),
        "{facts}"
    );
    let history = w.text("#case-timeline").await;
    assert!(history.contains("受理登记（3 已受理）"), "{history}");

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

    // A page from the counter's scanner, by keyboard: line 2, the scanner
    // SANE found, Enter.
    w.wait("#scan-device").await;
    let offered = w.text("#scan-scanners").await;
    assert!(offered.contains("test:0"), "{offered}");
    w.keys("#scan-line", "2").await;
    // Tab order: after 添加扫描件 the scanner, then its button.
    w.keys("#scan-add", TAB).await;
    assert_eq!(w.focused().await, "scan-device");
    w.press(TAB).await;
    assert_eq!(w.focused().await, "scan-scanner");
    w.press(ENTER).await;
    w.wait_text("#toast", "已扫描并添加").await;
    assert_eq!(w.count("case_scans"), 2);
    let second = "#case-materials tr:nth-child(2) td.scans button.thumb img";
    let width = w.natural_width(second).await;
    assert!(width > 0 && width <= 240, "thumbnail width {width}");
    w.scroll_to("#scan-form").await;
    w.screenshot(&screenshot_path(&w, "window-case-scanner.png"))
        .await;
    w.close().await;
}
