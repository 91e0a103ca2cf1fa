//! 事项清单 in the real window: the manager finds 高龄津贴 by its pinyin
//! initials, a promised limit over the statutory one is refused beside its
//! field and nothing is saved; a new material and the province's 基本编码
//! saved make version 2, an older case keeps version 1 and the clerk's next
//! intake lists the new material; the clerk prints its 办事指南 and the PDF
//! holds every material; the manager stops the matter (the counter no
//! longer offers it) and re-enables it; a catalogue file with a bad line is
//! refused by its line, and the catalogue is exported to a folder.

use std::process::Command;

use bianmin::catalogue::{file, versions};
use bianmin::intake;
use bianmin::store::Store;
use bianmin_e2e::*;
use chrono::Local;

fn pdf_text(path: &str) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", path, "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext {path}");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .split_whitespace()
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_edits_a_matter_in_the_window_and_the_counter_and_the_guide_follow() {
    let w = Window::prepared().await;
    let old_case = {
        let mut store = Store::open(&w.db).expect("open");
        let clerk = bianmin::auth::users::verify_credentials(store.conn(), "clerk", "clerk-pass1")
            .expect("clerk");
        intake::record(
            &mut store,
            &clerk,
            Local::now().fixed_offset(),
            accepted_application("孙秀兰", "37140219400315001", "姚家街道1号"),
        )
        .expect("intake")
        .case_no
    };
    let versions_of = |code: &str| w.count(&format!("matter_versions WHERE code = '{code}'"));

    w.login("manager", "manager-pass1").await;
    // By keyboard: Enter on 更多 opens it with its first entry focused.
    w.keys("#menu-more", ENTER).await;
    w.wait("#menu-more-list:not([hidden])").await;
    let focused = w
        .client
        .execute("return document.activeElement.id;", vec![])
        .await
        .expect("focus");
    assert_eq!(focused, serde_json::json!("menu-catalogue"));
    w.keys("#menu-catalogue", ENTER).await;
    w.wait("#menu-more-list[hidden]").await;
    w.wait("#catalogue-table tr[data-code=\"MZ-005\"]").await;
    w.screenshot(&screenshot_path(&w, "window-catalogue.png"))
        .await;
    w.fill("#catalogue-search", "gljt").await;
    w.wait_text("#catalogue-count", "找到 1 个").await;
    w.keys("#catalogue-search", ENTER).await;
    w.wait_text("h1", "高龄津贴申请（第 1 版）").await;
    w.screenshot(&screenshot_path(&w, "window-matter-form.png"))
        .await;

    // 承诺时限 ≤ 法定时限, shown beside the field; nothing saved.
    w.fill("#matter-promised_days", "99").await;
    w.click("#matter-save").await;
    w.wait_text("#matter-promised_days-error", "不得超过法定时限")
        .await;
    assert_eq!(versions_of("MZ-005"), 1, "a refused form saves nothing");

    // A new material and the national code, typed by keyboard.
    w.fill("#matter-promised_days", "5").await;
    w.click("#matter-add-material").await;
    w.keys(
        "#matter-materials tbody tr:last-child .material-name",
        "户籍证明",
    )
    .await;
    w.screenshot(&screenshot_path(&w, "window-matter-materials.png"))
        .await;
    w.fill("#matter-basic_code", "000140012000").await;
    w.keys("#matter-basic_code", ENTER).await;
    w.wait_text("h1", "高龄津贴申请（第 2 版）").await;
    assert_eq!(versions_of("MZ-005"), 2);
    {
        let store = Store::open(&w.db).expect("open");
        let (_, m) = versions::current(store.conn(), "MZ-005").expect("current");
        assert_eq!(m.basic_code, "000140012000");
        assert_eq!(
            m.materials.last().map(|x| x.name.as_str()),
            Some("户籍证明")
        );
        let kept: i64 = store
            .conn()
            .query_row(
                "SELECT matter_version FROM cases WHERE case_no = ?1",
                [&old_case],
                |r| r.get(0),
            )
            .expect("old case");
        assert_eq!(kept, 1, "the older case keeps its version");
    }

    // A catalogue file with a bad line is refused by its line; export works.
    let bad = {
        let store = Store::open(&w.db).expect("open");
        let mut catalogue =
            file::parse(&versions::export(store.conn()).expect("export")).expect("parse");
        let matters = &mut catalogue.matters;
        matters[2].promised_days = matters[2].statutory_days + 1;
        matters[2].case_type = bianmin::catalogue::CaseType::Promised;
        file::to_toml(&catalogue)
    };
    let bad_path = w.dir.path().join("坏的事项清单.toml");
    std::fs::write(&bad_path, bad).expect("write");
    w.click("#matter-back").await;
    w.fill("#catalogue-import-path", &bad_path.display().to_string())
        .await;
    w.click("#catalogue-import").await;
    let said = w
        .wait_text("#catalogue-file-result", "整份文件未导入")
        .await;
    assert!(said.contains("行"), "{said}");
    assert_eq!(versions_of("MZ-005"), 2);
    let out = w.dir.path().join("usb");
    std::fs::create_dir_all(&out).expect("usb");
    w.fill("#catalogue-export-folder", &out.display().to_string())
        .await;
    w.click("#catalogue-export").await;
    w.wait_text("#catalogue-file-result", "已导出").await;
    let exported = std::fs::read_dir(&out)
        .expect("usb")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("事项清单-"))
        .expect("exported file");
    let text = std::fs::read_to_string(exported.path()).expect("read");
    assert!(
        text.contains("000140012000"),
        "the codes travel in the file"
    );
    w.screenshot(&screenshot_path(&w, "window-catalogue-files.png"))
        .await;
    w.click("#logout-button").await;

    // The clerk's next intake lists the new material; the guide has it.
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    w.fill("#matter-query", "MZ-005").await;
    w.wait_text("#matter-choices", "高龄津贴").await;
    w.keys("#matter-query", ENTER).await;
    w.wait_text("#materials-table", "户籍证明").await;
    w.menu("catalogue").await;
    w.fill("#catalogue-search", "MZ-005").await;
    w.wait_text("#catalogue-count", "找到 1 个").await;
    w.keys("#catalogue-search", ENTER).await;
    w.wait("#matter-form").await;
    assert!(
        w.client
            .find(fantoccini::Locator::Css("#matter-save"))
            .await
            .is_err(),
        "a clerk reads the matter, she does not edit it"
    );
    w.click("#guide-print").await;
    let said = w.wait_text("#matter-message", ".pdf").await;
    let path = said.rsplit('：').next().expect("path").trim().to_owned();
    let text = pdf_text(&path);
    for want in [
        "高龄津贴申请",
        "办事指南",
        "居民身份证",
        "户口簿",
        "高龄津贴申请表",
        "社会保障卡或银行账户",
        "户籍证明",
        "000140012000",
        "咨询电话",
        "投诉电话",
    ] {
        assert!(text.contains(want), "{want} missing from the guide: {text}");
    }
    assert_eq!(w.count("printed_guides"), 1);
    w.click("#logout-button").await;

    // 停用: the counter no longer offers it; 启用 brings it back.
    w.login("manager", "manager-pass1").await;
    w.menu("catalogue").await;
    w.fill("#catalogue-search", "MZ-005").await;
    w.wait_text("#catalogue-count", "找到 1 个").await;
    w.keys("#catalogue-search", ENTER).await;
    w.click("#matter-withdraw").await;
    w.click("#matter-withdraw-confirm").await;
    w.wait_text("#matter-message", "停用原因").await;
    assert_eq!(w.count("matter_withdrawals"), 0);
    w.fill("#matter-withdraw-reason", "已并入“老年人福利一件事”")
        .await;
    w.click("#matter-withdraw-confirm").await;
    w.wait_text("#matter-withdrawn", "老年人福利一件事").await;
    assert_eq!(w.count("matter_withdrawals"), 1);
    w.click("#menu-intake").await;
    // Every matter with 申请 in its name up to MZ-004 is offered, and the
    // next one by code, 高龄津贴申请, is not.
    w.fill("#matter-query", "申请").await;
    let offered = w.wait_text("#matter-choices", "MZ-004").await;
    assert!(!offered.contains("高龄津贴"), "{offered}");
    w.menu("catalogue").await;
    w.wait_text("#catalogue-table tr[data-code=\"MZ-005\"]", "已停用")
        .await;
    w.click("#catalogue-table tr[data-code=\"MZ-005\"] td")
        .await;
    w.click("#matter-reinstate").await;
    w.wait_text("h1", "高龄津贴申请").await;
    w.wait("#guide-print").await;
    assert_eq!(w.count("matter_withdrawals"), 0);

    // 一件事: the manager adds one by its matters' codes; a code the
    // catalogue lacks is refused by name and nothing is recorded.
    w.menu("catalogue").await;
    w.wait_text("#bundles-table", "新生儿出生一件事").await;
    w.click("#bundle-new").await;
    w.fill("#bundle-code", "YJS-LN").await;
    w.fill("#bundle-name", "老年人福利一件事").await;
    w.fill("#bundle-matters", "MZ-005，MZ-006、ZZ-999").await;
    let events = w.count("events");
    w.keys("#bundle-matters", ENTER).await;
    w.wait_text(
        "#bundle-message",
        "一件事 YJS-LN：事项清单中没有编码为“ZZ-999”",
    )
    .await;
    assert_eq!(w.count("events"), events);
    w.scroll_to("#bundle-form").await;
    w.screenshot(&screenshot_path(&w, "window-catalogue-bundle.png"))
        .await;
    w.fill("#bundle-matters", "MZ-005，MZ-006").await;
    w.keys("#bundle-matters", ENTER).await;
    w.wait_text("#bundles-table", "老年人福利一件事").await;
    assert_eq!(w.count("bundles"), 4);
    // The counter finds it at once.
    w.click("#menu-intake").await;
    w.fill("#matter-query", "老年人福利").await;
    w.wait_text("#matter-choices", "一件事 老年人福利一件事")
        .await;
    w.close().await;
}
