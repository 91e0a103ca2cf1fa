//! The counter window driven end to end: first-run set-up, login, intake
//! with each outcome (受理 with its receipt written, 一次性告知 listing
//! exactly the missing materials, 不予受理), quick search, the case detail,
//! and a wrong ID number refused with nothing saved.

use bianmin_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn first_run_setup_then_login_shows_the_menus_of_the_role() {
    let w = Window::fresh().await;
    w.wait("#setup-form").await;
    w.screenshot(&screenshot_path(&w, "window-setup.png")).await;
    w.fill("#setup-center_code", "370101").await;
    w.fill("#setup-center_name", "历下区姚家街道便民服务中心")
        .await;
    w.fill("#setup-device_code", "A01").await;
    w.fill("#setup-admin_username", "admin").await;
    w.fill("#setup-admin_name", "系统管理员").await;
    w.fill("#setup-admin_staff_no", "0001").await;
    // What every notice prints about the center is asked for at once.
    w.fill("#setup-address", "姚家街道办事处一楼便民服务大厅")
        .await;
    w.fill("#setup-phone", "0531-88990011").await;
    // Too short a password is refused by the core and nothing is set up.
    w.fill("#setup-admin_password", "short").await;
    w.click("#setup-submit").await;
    w.wait_text("#setup-message", "密码太短").await;
    assert_eq!(w.count("device"), 0);
    w.fill("#setup-admin_password", "admin-pass1").await;
    w.click("#setup-submit").await;
    w.wait("#login-form").await;
    assert_eq!(w.count("device"), 1);
    assert!(w.count("matters") >= 20, "the default catalogue is loaded");
    let profile = bianmin::center::load(bianmin::store::Store::open(&w.db).expect("open").conn())
        .expect("profile");
    assert_eq!(profile.address, "姚家街道办事处一楼便民服务大厅");
    assert_eq!(profile.phone, "0531-88990011");
    assert_eq!(profile.complaint_phone, "12345");
    // A wrong password is refused with the core's message.
    w.fill("#login-username", "admin").await;
    w.fill("#login-password", "wrong-password").await;
    w.click("#login-submit").await;
    w.wait_text("#login-message", "用户名或密码错误").await;
    w.login("admin", "admin-pass1").await;
    w.wait_text("#who", "系统管理员").await;
    // An admin takes no applications: no 受理 menu.
    let menu = w.text("#menu").await;
    assert!(menu.contains("工作台"), "{menu}");
    assert!(!menu.contains("受理"), "{menu}");
    w.close().await;
}

async fn choose_matter(w: &Window, query: &str, expect: &str) {
    w.fill("#matter-query", query).await;
    w.wait_text("#matter-choices", expect).await;
    w.keys("#matter-query", ENTER).await;
    w.wait_text("#matter-info", expect).await;
}

async fn applicant(w: &Window, name: &str, id_number: &str) {
    w.fill("#applicant-name", name).await;
    w.fill("#applicant-id-number", id_number).await;
    w.fill("#applicant-phone", "13905341234").await;
    w.fill("#applicant-address", "姚家街道杨庄村3组").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn intake_accepts_notices_refuses_and_search_finds_the_case() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.wait("#today-counts .card").await;

    // 受理: every required material brought. The matter is found by pinyin initials.
    w.click("#menu-intake").await;
    choose_matter(&w, "gljt", "高龄津贴申请").await;
    // The card shows the conditions that decide a refusal.
    w.wait_text(
        "#matter-conditions",
        "受理条件：具有本县户籍、年满80周岁的老年人",
    )
    .await;
    // An empty name is refused by the core in Chinese, not by a browser
    // bubble in the PC's language; nothing is saved.
    let cases = w.count("cases");
    w.click("#intake-submit").await;
    w.wait_text("#intake-message", "姓名").await;
    assert_eq!(w.count("cases"), cases);
    applicant(&w, "刘桂英", &id(1)).await;
    // Markup in data is shown as text, never run.
    w.fill(
        "#applicant-address",
        "<script>document.title='pwned'</script>杨庄村",
    )
    .await;
    w.wait_text("#applicant-id-number-hint", "出生").await;
    w.click("#all-materials").await;
    w.click("#intake-submit").await;
    let outcome = w.text("#result-outcome").await;
    assert_eq!(outcome, "受理");
    let case_no = w.text("#result-case-no").await;
    assert!(case_no.starts_with("370101-"), "{case_no}");
    w.wait_text("#result-due", "承诺办结日期").await;
    let receipt = w
        .wait("#result-documents .document[data-kind=receipt]")
        .await
        .attr("data-path")
        .await
        .expect("attr")
        .expect("receipt path");
    let pdf = std::fs::read(&receipt).expect("receipt written");
    assert!(pdf.starts_with(b"%PDF"), "{receipt} is a PDF");
    assert!(receipt.contains(&case_no), "{receipt}");
    w.screenshot(&screenshot_path(&w, "window-intake-accepted.png"))
        .await;

    // 一次性告知: two required materials missing → exactly those two listed.
    w.click("#next-intake").await;
    choose_matter(&w, "MZ-005", "高龄津贴申请").await;
    applicant(&w, "王秀兰", &id(2)).await;
    w.click("#material-1").await;
    w.click("#material-3").await;
    w.click("#intake-submit").await;
    w.wait_text("#result-outcome", "一次性告知").await;
    let notice_no = w.text("#result-case-no").await;
    let mut missing = Vec::new();
    for li in w
        .client
        .find_all(Locator::Css("#result-missing li"))
        .await
        .expect("missing items")
    {
        missing.push(li.text().await.expect("text"));
    }
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].starts_with("户口簿"), "{missing:?}");
    assert!(
        missing[1].starts_with("社会保障卡或银行账户"),
        "{missing:?}"
    );
    let notice_kinds = w.text("#result-documents").await;
    assert!(
        notice_kinds.contains("一次性告知单（80 mm 小票）")
            && notice_kinds.contains("一次性告知单（A4）"),
        "the two copies say which is which: {notice_kinds}"
    );
    w.screenshot(&screenshot_path(&w, "window-intake-notice.png"))
        .await;

    // 王秀兰 comes back with everything: her open notice is offered for
    // linking, so nobody types the old case number.
    w.click("#next-intake").await;
    choose_matter(&w, "gljt", "高龄津贴申请").await;
    applicant(&w, "王秀兰", &id(2)).await;
    w.wait_text("#resubmit-offer", "缺：户口簿、社会保障卡或银行账户")
        .await;
    w.wait_text("#resubmit-offer", &notice_no).await;
    w.click("#resubmit-link").await;
    let linked = w
        .wait("#resubmission-of")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(linked.as_deref(), Some(notice_no.as_str()));
    w.click("#all-materials").await;
    w.click("#intake-submit").await;
    w.wait_text("#result-outcome", "受理").await;
    assert_eq!(
        w.count(&format!(
            "cases c JOIN cases p ON p.case_id = c.previous_case_id WHERE p.case_no = '{notice_no}'"
        )),
        1,
        "the new case is the notice's re-submission"
    );

    // 不予受理: a reason is required, then the refusal is recorded.
    w.click("#next-intake").await;
    choose_matter(&w, "高龄", "高龄津贴申请").await;
    applicant(&w, "赵大勇", &id(3)).await;
    w.click("#intake-refuse").await;
    w.wait_text("#intake-message", "理由").await;
    w.fill(
        "#refusal-reason",
        "申请人未满80周岁，不符合高龄津贴申领条件",
    )
    .await;
    w.click("#intake-refuse").await;
    w.wait_text("#result-outcome", "不予受理").await;
    w.wait_text("#result-refusal", "未满80周岁").await;
    assert_eq!(w.count("cases"), 4);

    // Search by name finds the accepted case; its detail shows the timeline.
    w.click("#menu-search").await;
    w.fill("#search-input", "刘桂英").await;
    w.keys("#search-input", ENTER).await;
    w.wait_text("#search-results", &case_no).await;
    w.click("#case-table tbody tr td.mono").await;
    w.wait_text("#case-facts", &case_no).await;
    w.wait_text(
        "#case-facts",
        "<script>document.title='pwned'</script>杨庄村",
    )
    .await;
    assert_eq!(w.client.title().await.expect("title"), "便民服务台");
    w.wait_text("#case-timeline", "受理").await;
    w.screenshot(&screenshot_path(&w, "window-case.png")).await;
    // The intake clerk is its handler until it is assigned: she may finish
    // it herself (办结) or assign it; not extend.
    let steps = w.text("#case-steps").await;
    assert!(steps.contains("分派"), "{steps}");
    assert!(steps.contains("办结"), "{steps}");
    assert!(!steps.contains("延期"), "{steps}");

    // The 工作台 counts today's intakes.
    w.click("#menu-workbench").await;
    w.wait_text("#today-counts", "今日接件").await;
    let counts = w.text("#today-counts").await;
    assert!(counts.starts_with('4'), "{counts}");
    w.wait_text("#watch-table", &case_no).await;
    w.screenshot(&screenshot_path(&w, "window-workbench.png"))
        .await;
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_id_number_shows_the_checksum_message_and_saves_nothing() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    choose_matter(&w, "gljt", "高龄津贴申请").await;
    let good = id(4);
    let last = good.chars().last().expect("check char");
    let wrong_last = if last == '0' { '1' } else { '0' };
    let bad = format!("{}{}", &good[..17], wrong_last);
    applicant(&w, "孙玉梅", &bad).await;
    w.keys("#applicant-id-number", TAB).await;
    let hint = w.wait_text("#applicant-id-number-hint", "校验").await;
    assert!(!hint.contains('✓'), "{hint}");
    w.click("#all-materials").await;
    w.click("#intake-submit").await;
    w.wait_text("#intake-message", "校验").await;
    assert_eq!(w.count("cases"), 0);
    assert_eq!(w.count("events WHERE kind = 'case.received'"), 0);
    // Rare characters typed as a code point become the character.
    w.fill("#applicant-name", "U+20BB7 ").await;
    let name = w
        .wait("#applicant-name")
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(name, "𠮷");
    // At the end of the text, the code point is taken when the field is left.
    w.fill("#applicant-name", "张U+20BB7").await;
    w.keys("#applicant-name", TAB).await;
    let name = w
        .wait("#applicant-name")
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(name, "张𠮷");
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_moves_along_is_rated_and_a_complaint_is_registered() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    choose_matter(&w, "gljt", "高龄津贴申请").await;
    applicant(&w, "刘桂英", &id(5)).await;
    w.click("#all-materials").await;
    w.click("#intake-submit").await;
    let case_no = w.text("#result-case-no").await;
    w.click("#result-detail").await;
    w.wait_text("#case-facts", "已受理").await;
    // 分派 chooses the handler by the pinyin initials of her name from the
    // center's clerks, with her open cases; Enter takes the first fit.
    w.click("#case-steps button[data-step=assign]").await;
    w.fill("#step-to-query", "wjg").await;
    w.wait_text("#step-to", "王建国（工号 0100，中心负责人，在办 0 件）")
        .await;
    w.fill("#step-to-query", "zl").await;
    w.wait_text("#step-to", "张丽（工号 0101").await;
    let offered = w.text("#step-to").await;
    assert!(
        !offered.contains("王建国") && !offered.contains("系统管理员"),
        "{offered}"
    );
    w.keys("#step-to-query", ENTER).await;
    w.wait_text("#case-facts", "办理中").await;
    w.wait_text("#case-facts", "张丽").await;
    w.click("#case-steps button[data-step=complete]").await;
    w.click("#step-form button.primary").await;
    w.wait_text("#case-facts", "已办结").await;
    let steps = w.text("#case-steps").await;
    assert!(steps.contains("领取") && !steps.contains("办结"), "{steps}");
    // 好差评 at the counter: a level and reasons, then one save; the case
    // then shows its rating and no second form.
    w.click("#rating-box button[data-level='4']").await;
    w.click("#rating-box .reasons input[value='办事效率高']")
        .await;
    assert_eq!(
        w.count("evaluations"),
        0,
        "choosing a level saves nothing yet"
    );
    w.click("#rating-save").await;
    w.wait_text("#case-ratings", "满意（窗口评价").await;
    w.wait_text("#case-ratings", "原因：办事效率高").await;
    w.wait_text("#case-timeline", "评价").await;
    w.wait_gone("#rating-box").await;
    assert_eq!(w.count("evaluations"), 1);
    // 投诉登记.
    w.click("#menu-complaints").await;
    w.fill("#complaint-name", "李明").await;
    w.fill("#complaint-contact", "13800001111").await;
    w.fill("#complaint-target", &case_no).await;
    w.fill("#complaint-content", "窗口等候时间过长").await;
    w.click("#complaint-form button.primary").await;
    w.wait_text("#complaint-table", "窗口等候时间过长").await;
    // Named by a short number, not a UUID.
    w.wait_text("#complaint-table", "TS-A01-001").await;
    // A clerk does not see the complainant's name.
    let table = w.text("#complaint-table").await;
    assert!(!table.contains("李明"), "{table}");
    assert_eq!(w.count("complaints"), 1);
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_sees_the_figures_and_exports_the_daily_ledger() {
    let w = Window::prepared().await;
    // A clerk has no 统计 menu.
    w.login("clerk", "clerk-pass1").await;
    let menu = w.text("#menu").await;
    assert!(!menu.contains("统计"), "{menu}");
    w.click("#menu-intake").await;
    choose_matter(&w, "gljt", "高龄津贴申请").await;
    applicant(&w, "刘桂英", &id(6)).await;
    w.click("#all-materials").await;
    w.click("#intake-submit").await;
    w.wait("#result-case-no").await;
    w.click("#logout-button").await;
    w.login("manager", "manager-pass1").await;
    w.click("#menu-stats").await;
    w.wait_text("#stats-queue", "今日接件").await;
    let queue = w.text("#stats-queue").await;
    assert!(queue.contains('1'), "{queue}");
    w.wait("svg.chart").await;
    let folder = w.dir.path().join("usb");
    std::fs::create_dir_all(&folder).expect("usb folder");
    w.fill("#ledger-folder", &folder.display().to_string())
        .await;
    w.click("#ledger-form button.primary").await;
    w.wait_text("#ledger-result", "已导出").await;
    let files: Vec<_> = std::fs::read_dir(&folder)
        .expect("read usb")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0]
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    assert!(name.ends_with(".xlsx") && name.contains("日台账"), "{name}");
    w.click("#monthly-export").await;
    w.wait_text("#monthly-result", "已导出").await;
    assert!(
        std::fs::read_dir(&folder)
            .expect("read usb")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains("月报")),
        "the monthly report is in the folder"
    );
    w.screenshot(&screenshot_path(&w, "window-stats.png")).await;
    // A folder that does not exist is refused by name.
    w.fill("#ledger-folder", "/nonexistent/usb").await;
    w.click("#ledger-form button.primary").await;
    w.wait_text("#ledger-result", "找不到文件夹").await;
    // A manager answers a complaint; the complainant accepts; it is closed.
    w.click("#menu-complaints").await;
    w.fill("#complaint-name", "李明").await;
    w.fill("#complaint-contact", "13800001111").await;
    w.fill("#complaint-target", "3号窗口").await;
    w.fill("#complaint-content", "等候时间过长").await;
    w.click("#complaint-form button.primary").await;
    let table = w.wait_text("#complaint-table", "等候时间过长").await;
    assert!(
        table.contains("李明"),
        "a manager sees who complained: {table}"
    );
    w.click(".complaint-steps button:nth-child(2)").await;
    w.fill(".complaint-steps input[data-key=result]", "已增开窗口")
        .await;
    w.fill(
        ".complaint-steps input[data-key=feedback]",
        "已电话告知投诉人",
    )
    .await;
    w.click(".complaint-steps button.primary").await;
    w.wait_text("#complaint-table", "已答复").await;
    w.click(".complaint-steps button:first-child").await;
    w.wait_text("main", "没有未办结的投诉").await;
    assert_eq!(w.count("complaints WHERE state = 'closed'"), 1);
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_passwords_lock_the_account_with_a_clear_message() {
    let w = Window::prepared().await;
    w.wait("#login-form").await;
    for attempt in 1..=5 {
        w.fill("#login-username", "clerk").await;
        w.fill("#login-password", "not-the-password").await;
        w.click("#login-submit").await;
        // The window empties the password field once the core has answered.
        let start = std::time::Instant::now();
        loop {
            let value = w
                .wait("#login-password")
                .await
                .prop("value")
                .await
                .expect("value")
                .unwrap_or_default();
            if value.is_empty() {
                break;
            }
            assert!(start.elapsed() < PATIENCE, "attempt {attempt} not answered");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    assert_eq!(w.count("events WHERE kind = 'auth.login_failed'"), 5);
    // Now even the right password is refused, saying until when.
    w.fill("#login-username", "clerk").await;
    w.fill("#login-password", "clerk-pass1").await;
    w.click("#login-submit").await;
    let message = w.wait_text("#login-message", "已锁定").await;
    assert!(message.contains("后再试"), "{message}");
    w.screenshot(&screenshot_path(&w, "window-lockout.png"))
        .await;
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_extends_a_case_by_typing_the_date_as_written_whatever_the_locale() {
    let w = Window::prepared().await;
    w.login("manager", "manager-pass1").await;
    w.click("#menu-intake").await;
    choose_matter(&w, "gljt", "高龄津贴申请").await;
    applicant(&w, "刘桂英", &id(7)).await;
    w.click("#all-materials").await;
    w.click("#intake-submit").await;
    let case_no = w.text("#result-case-no").await;
    let due: chrono::NaiveDate = {
        let store = bianmin::store::Store::open(&w.db).expect("open");
        store
            .conn()
            .query_row(
                "SELECT due_date FROM cases WHERE case_no = ?1",
                [&case_no],
                |r| r.get(0),
            )
            .expect("due date")
    };
    let later = due + chrono::Duration::days(3);
    w.click("#result-detail").await;
    w.wait_text("#case-facts", "已受理").await;
    w.click("#case-steps button[data-step=extend]").await;
    // A plain text box: typed as 2026-12-04 it stays 2026-12-04.
    w.fill("#step-to", &later.to_string()).await;
    w.fill("#step-reason", "需入户核实户籍").await;
    w.click("#step-form button.primary").await;
    w.wait_text("#case-facts", "（已延期）").await;
    let shown = w.text("#case-facts").await;
    let cn = later.format("%Y年%-m月%-d日").to_string();
    assert!(shown.contains(&cn), "{cn} not in {shown}");
    w.close().await;
}

/// Numbers as a Chinese input method types them: a full-width ID number
/// and a phone grouped with +86 pass the live checks, are stored plainly,
/// and the search finds the case by the phone typed yet another way.
#[tokio::test(flavor = "multi_thread")]
async fn full_width_and_grouped_numbers_are_taken_as_typed() {
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-intake").await;
    choose_matter(&w, "gljt", "高龄津贴申请").await;
    let plain = id(5);
    let wide: String = plain
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).expect("full-width"))
        .collect();
    w.fill("#applicant-name", "诸葛秀英").await;
    w.fill("#applicant-id-number", &wide).await;
    w.fill("#applicant-phone", "+86 139 0534 5678").await;
    w.fill("#applicant-address", "姚家街道杨庄村3组").await;
    w.keys("#applicant-address", TAB).await;
    let hint = w.wait_text("#applicant-id-number-hint", "出生").await;
    assert!(!hint.contains("数字"), "{hint}");
    let phone_hint = w.text("#applicant-phone-hint").await;
    assert!(!phone_hint.contains("格式不对"), "{phone_hint}");
    w.click("#all-materials").await;
    w.click("#intake-submit").await;
    w.wait_text("#result-outcome", "受理").await;
    let case_no = w.text("#result-case-no").await;
    let stored: (String, String) = bianmin::store::Store::open(&w.db)
        .expect("db")
        .conn()
        .query_row(
            "SELECT applicant_id_number, applicant_phone FROM cases WHERE case_no = ?1",
            [&case_no],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("case");
    assert_eq!(stored, (plain, "13905345678".to_owned()));
    w.click("#menu-search").await;
    w.fill("#search-input", "139-0534-5678").await;
    w.keys("#search-input", ENTER).await;
    w.wait_text("#search-results", &case_no).await;
    w.close().await;
}

/// The 工作台's quick search finds a two-character name by one of its
/// characters and by its pinyin initials, and a case by its village.
#[tokio::test(flavor = "multi_thread")]
async fn the_workbench_finds_a_two_character_name_by_part_of_it() {
    let w = Window::prepared().await;
    let case_no = take_in_beside(&w.db, "王芳", &id(8)[..17], "姚家街道杨庄村3组");
    w.login("clerk", "clerk-pass1").await;
    for typed in ["芳", "wf", "杨庄"] {
        w.fill("#search-input", typed).await;
        w.keys("#search-input", ENTER).await;
        w.wait_text("#search-results h2", &format!("查询“{typed}”"))
            .await;
        w.wait_text("#search-results", &case_no).await;
    }
    w.screenshot(&screenshot_path(&w, "window-search-part-of-name.png"))
        .await;
    w.close().await;
}
