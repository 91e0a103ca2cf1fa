//! 数据交换 in the real window: a counter PC exports its batch to a USB
//! folder; on the hub a manager registers that PC's key file, sees a
//! truncated copy refused at step 1, imports the real batch with every
//! check shown, and the case taken on the counter appears with the scan
//! attached there, its thumbnail drawn from the file the batch carried.

use bianmin::auth::users;
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::exchange::join::{self, JoinInput};
use bianmin::intake;
use bianmin::store::device::DeviceRole;
use bianmin::store::Store;
use bianmin_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_exported_in_one_window_is_imported_in_another() {
    let hub_dir = tempfile::tempdir().expect("tempdir");
    let hub_db = prepared_center(hub_dir.path());
    let usb = tempfile::tempdir().expect("usb");
    let setup_usb = tempfile::tempdir().expect("setup usb");
    let now = chrono::Local::now().fixed_offset();
    // The hub's batch for the new counter A02, which joins from it and
    // takes one case in (through the core, before the windows open).
    let joined = {
        let mut hub = Store::open(&hub_db).expect("hub");
        let manager =
            users::verify_credentials(hub.conn(), "manager", "manager-pass1").expect("manager");
        let b = export::export(
            &mut hub,
            &manager,
            now,
            &ExportRequest {
                out_dir: setup_usb.path().to_path_buf(),
                destination: Some("A02".into()),
                ..ExportRequest::default()
            },
            &mut |_| {},
        )
        .expect("hub batch");
        (b.path, b.join_code)
    };
    let a02_dir = tempfile::tempdir().expect("a02");
    let a02_db = a02_dir.path().join("bianmin.db");
    let case_no = {
        let mut a02 = Store::open(&a02_db).expect("a02");
        join::join(
            &mut a02,
            now,
            &JoinInput {
                device_code: "A02".into(),
                role: DeviceRole::Counter,
                fingerprint: None,
                join_code: joined.1.clone(),
            },
            std::path::Path::new(&joined.0),
            &mut |_| {},
        )
        .expect("join");
        let clerk = users::verify_credentials(a02.conn(), "clerk", "clerk-pass1").expect("clerk");
        let r = intake::record(
            &mut a02,
            &clerk,
            now,
            accepted_application("孙秀兰", "37140219400315001", "姚家街道1号"),
        )
        .expect("intake");
        bianmin::scans::attach_bytes(
            &mut a02,
            &clerk,
            now,
            &r.case_no,
            1,
            "身份证.png",
            &scan_png(900, 600),
        )
        .expect("scan");
        r.case_no
    };
    let folder = usb.path().display().to_string();

    // The counter window: write the key file and export.
    let w = Window::open(a02_dir, a02_db).await;
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-exchange").await;
    // The sticks plugged in are offered in the window (this test machine
    // may have none: then it says so), beside the folder box.
    let sticks = w.wait_text("#exchange-sticks", "刷新").await;
    let mounted = bianmin::usb::sticks();
    match mounted.first() {
        Some(s) => assert!(sticks.contains(&s.label), "{sticks}"),
        None => assert!(sticks.contains("未检测到 U 盘"), "{sticks}"),
    }
    w.fill("#exchange-folder", &folder).await;
    w.click("#write-key").await;
    w.click("#export-button").await;
    let done = w.wait_text("#export-result", "已导出第 1 批").await;
    assert!(done.contains("办件 1 件，扫描件 1 个"), "{done}");
    w.wait_text("#exchange-progress-text", "导出").await;
    w.screenshot(&screenshot_path(&w, "window-exchange-export.png"))
        .await;
    w.close().await;
    let batch = std::fs::read_dir(usb.path())
        .expect("usb")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "bmb"))
        .expect("a .bmb on the stick");
    assert!(usb.path().join("A02.key").is_file());
    // A copy cut short, as if the stick were pulled.
    let bytes = std::fs::read(&batch).expect("batch");
    std::fs::write(
        usb.path().join("0-truncated.bmb"),
        &bytes[..bytes.len() / 2],
    )
    .expect("copy");

    // The hub window: a manager trusts A02 and imports.
    let w = Window::open(hub_dir, hub_db).await;
    w.login("manager", "manager-pass1").await;
    w.click("#menu-exchange").await;
    w.fill("#exchange-folder", &folder).await;
    w.click("#refresh-folder").await;
    // Leaving the field lists the folder too: let both listings finish.
    w.wait("#batch-table").await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    // Before A02 is trusted its batch is refused at the signature check.
    w.click("#batch-table tr:nth-child(2) .import-button").await;
    let refusal = w.wait_text("#exchange-result", "未导入").await;
    assert!(refusal.contains("未登记的设备 A02"), "{refusal}");
    w.wait_text("#exchange-checks li.failed", "第 4 步").await;
    w.click("#key-table .trust-button").await;
    w.wait_text("#device-table", "A02").await;
    // Nothing from A02 yet: flagged.
    w.wait_text("#device-table tr[data-code=\"A02\"]", "没有新数据")
        .await;
    let cases_before = w.count("cases");
    w.click("#batch-table tr:nth-child(1) .import-button").await;
    let refusal = w.wait_text("#exchange-result", "未导入").await;
    assert!(refusal.contains("第 1 步"), "{refusal}");
    w.wait_text("#exchange-checks li.failed", "第 1 步").await;
    w.screenshot(&screenshot_path(&w, "window-exchange-refused.png"))
        .await;
    assert_eq!(
        w.count("cases"),
        cases_before,
        "a refused batch changes nothing"
    );
    w.click("#batch-table tr:nth-child(2) .import-button").await;
    let ok = w.wait_text("#exchange-result", "已导入").await;
    assert!(ok.contains("涉及办件 1 件"), "{ok}");
    assert!(ok.contains("收到扫描件 1 个"), "{ok}");
    let checks = w.text("#exchange-checks").await;
    assert_eq!(checks.matches('✓').count(), 8, "{checks}");
    assert!(checks.contains("第 8 步 核对扫描件"), "{checks}");
    w.wait_text("#device-table tr[data-code=\"A02\"]", "最近导入第 1 批")
        .await;
    w.scroll_to("#device-table").await;
    w.screenshot(&screenshot_path(&w, "window-exchange-devices.png"))
        .await;
    w.screenshot(&screenshot_path(&w, "window-exchange-import.png"))
        .await;
    // The case taken on A02 is here.
    w.click("#menu-search").await;
    w.fill("#search-input", &case_no).await;
    w.keys("#search-input", ENTER).await;
    w.wait_text("#search-results", &case_no).await;
    assert_eq!(w.count("cases"), cases_before + 1);
    // Its scan came with it: the thumbnail is drawn from the hub's copy.
    w.keys("#case-table tbody tr", ENTER).await;
    let thumb = "#case-materials td.scans button.thumb img";
    w.wait(thumb).await;
    assert_eq!(w.natural_width(thumb).await, 240);
    w.scroll_to("#case-materials").await;
    w.screenshot(&screenshot_path(&w, "window-exchange-scan-arrived.png"))
        .await;

    // The counter PC is lost: the manager revokes its key, by keyboard —
    // Enter on its row's button, the reason, Enter. Without a reason the
    // core refuses and nothing changes.
    w.click("#menu-exchange").await;
    let row = "#device-table tr[data-code=\"A02\"]";
    w.keys(&format!("{row} .revoke-device"), ENTER).await;
    w.wait("#revoke-reason-A02").await;
    assert_eq!(w.focused().await, "revoke-reason-A02");
    w.keys("#revoke-reason-A02", ENTER).await;
    w.wait_text(row, "必须写明原因").await;
    w.keys("#revoke-reason-A02", "窗口电脑被盗").await;
    w.keys("#revoke-reason-A02", ENTER).await;
    let revoked = w.wait_text(row, "吊销（窗口电脑被盗）").await;
    assert!(!revoked.contains("吊销密钥…"), "{revoked}");
    w.scroll_to("#device-table").await;
    w.screenshot(&screenshot_path(&w, "window-exchange-revoked.png"))
        .await;
    // Its batch is refused from now on, naming it.
    w.click("#batch-table tr:nth-child(2) .import-button").await;
    let refusal = w.wait_text("#exchange-result", "未导入").await;
    assert!(
        refusal.contains("A02") && refusal.contains("吊销"),
        "{refusal}"
    );
    w.close().await;
}
