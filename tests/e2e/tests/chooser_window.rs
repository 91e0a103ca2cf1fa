//! Files and folders are chosen in the window itself, not in the system's
//! dialog (which spoke the PC's language and opened taller than a 768-pixel
//! screen): a Chinese box inside the window, worked by keyboard — type a
//! folder and Enter, Enter opens a folder or takes a file, only the kind of
//! file asked for is listed, 选择此文件夹 takes the open folder, Esc cancels
//! and changes nothing, a missing folder is said in Chinese.

use bianmin_e2e::*;

const BACKSPACE: &str = "\u{E003}";
const DOWN: &str = "\u{E015}";
const UP: &str = "\u{E013}";

/// Presses keys on whatever has the focus (a row of the list has no id).
async fn key(w: &Window, keys: &str) {
    w.client
        .active_element()
        .await
        .expect("focus")
        .send_keys(keys)
        .await
        .expect("keys");
}

/// The chooser's box lies inside the window: (top, bottom, window height).
async fn inside(w: &Window) -> (f64, f64, f64) {
    let r = w
        .client
        .execute(
            "const r = document.getElementById('chooser').getBoundingClientRect();
             return [r.top, r.bottom, window.innerHeight];",
            vec![],
        )
        .await
        .expect("box");
    let n = |i: usize| r[i].as_f64().unwrap_or(f64::NAN);
    (n(0), n(1), n(2))
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
async fn a_file_and_a_folder_are_chosen_in_the_window_by_keyboard() {
    let w = Window::prepared().await;
    let stick = w.dir.path().join("U盘");
    std::fs::create_dir_all(stick.join("事项清单")).expect("dir");
    std::fs::create_dir_all(stick.join("台账")).expect("dir");
    std::fs::write(stick.join("事项清单").join("2027版.toml"), "").expect("file");
    std::fs::write(stick.join("事项清单").join("说明.txt"), "").expect("file");
    std::fs::write(stick.join("事项清单").join(".隐藏.toml"), "").expect("file");
    w.login("manager", "manager-pass1").await;

    // 事项清单 ▸ 选择文件…: a .toml file.
    w.menu("catalogue").await;
    w.click("#catalogue-import-choose").await;
    w.wait("#chooser[open]").await;
    w.wait("#chooser-places button").await;
    let title = w.text("#chooser h2").await;
    assert_eq!(title, "选择事项清单文件（.toml）");
    let places = w.text("#chooser-places").await;
    assert!(places.contains("本机磁盘"), "{places}");
    let (top, bottom, height) = inside(&w).await;
    assert!(
        top >= 0.0 && bottom <= height,
        "{top}..{bottom} of {height}"
    );

    // A missing folder is said in Chinese and nothing else changes.
    w.fill("#chooser-path", &stick.join("没有").display().to_string())
        .await;
    w.keys("#chooser-path", ENTER).await;
    w.wait_text("#chooser-message", "不存在").await;

    // The stick's folder typed in: its two folders, no file (none is .toml).
    w.fill("#chooser-path", &stick.display().to_string()).await;
    w.keys("#chooser-path", ENTER).await;
    w.wait_text("#chooser-table tbody", "台账").await;
    let rows = w.text("#chooser-table tbody").await;
    assert!(
        rows.contains("事项清单") && rows.contains("文件夹"),
        "{rows}"
    );
    // The list has the focus: ↓ moves to 台账, ↑ back, Enter opens 事项清单.
    w.wait("#chooser-table tbody tr:focus").await;
    key(&w, DOWN).await;
    let focused = w
        .client
        .execute("return document.activeElement.dataset.path || '';", vec![])
        .await
        .expect("focus");
    assert!(
        focused.as_str().unwrap_or_default().ends_with("台账"),
        "{focused}"
    );
    key(&w, UP).await;
    key(&w, ENTER).await;
    w.wait_text("#chooser-table tbody", "2027版.toml").await;
    let rows = w.text("#chooser-table tbody").await;
    assert!(
        !rows.contains("说明.txt") && !rows.contains("隐藏"),
        "{rows}"
    );
    w.screenshot(&screenshot_path(&w, "window-chooser-file.png"))
        .await;
    // Enter on the file takes it: the box closes and the path is filled in.
    key(&w, ENTER).await;
    w.wait_gone("#chooser").await;
    let chosen = stick.join("事项清单").join("2027版.toml");
    assert_eq!(
        value(&w, "#catalogue-import-path").await,
        chosen.display().to_string()
    );

    // 统计 ▸ 导出日台账 ▸ 选择文件夹…: it opens where the last choice was
    // made; Backspace goes up; Enter opens 台账; 选择此文件夹 takes it.
    w.menu("stats").await;
    w.click("#ledger-choose").await;
    w.wait_text("#chooser-message", "没有子文件夹").await;
    assert_eq!(
        value(&w, "#chooser-path").await,
        stick.join("事项清单").display().to_string()
    );
    w.wait("#chooser-pick:focus").await;
    key(&w, BACKSPACE).await;
    w.wait_text("#chooser-table tbody", "台账").await;
    let rows = w.text("#chooser-table tbody").await;
    assert!(
        !rows.contains("toml"),
        "a folder chooser lists folders only: {rows}"
    );
    w.click("#chooser-table tbody tr[data-path$=\"台账\"] td")
        .await;
    w.wait_text("#chooser-message", "没有子文件夹").await;
    w.screenshot(&screenshot_path(&w, "window-chooser-folder.png"))
        .await;
    w.click("#chooser-pick").await;
    w.wait_gone("#chooser").await;
    assert_eq!(
        value(&w, "#ledger-folder").await,
        stick.join("台账").display().to_string()
    );

    // Esc cancels: nothing chosen, the box is gone.
    w.click("#ledger-choose").await;
    w.wait("#chooser-table").await;
    w.wait("#chooser-table tbody tr, #chooser-pick:focus").await;
    key(&w, ESC).await;
    w.wait_gone("#chooser").await;
    // The keyboard goes on from the button that opened it.
    w.wait("#ledger-choose:focus").await;
    assert_eq!(
        value(&w, "#ledger-folder").await,
        stick.join("台账").display().to_string()
    );
}
