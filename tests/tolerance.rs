//! 容缺受理 through the core: a matter's 可容缺 materials accepted missing,
//! the 承诺书, 补齐, the refusal to approve while one is outstanding, the
//! watch lists' own label, the ledger's figures, and the rebuild.

mod common;

use bianmin::center;
use bianmin::documents::{self, DocumentKind};
use bianmin::intake::{self, tolerance, IntakeError, Outcome};
use bianmin::lifecycle::deadline::{self, Light};
use bianmin::lifecycle::handling::{self, Decision};
use bianmin::lifecycle::{timeline, LifecycleError, State, Step};
use bianmin::reports::ledger;
use bianmin::Error;
use chrono::NaiveDate;
use common::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// 城乡居民基本养老保险待遇领取申请 (RS-002, 5 working days): 1 居民身份证
/// (core), 2 户口簿 (可容缺, 5 days), 3 申请表 (core), 4 社会保障卡 (可容缺,
/// 5 days), 5 照片 (optional). Brought: `provided`.
fn tolerated(c: &mut Center, n: u32, provided: &[&str]) -> bianmin::Result<intake::IntakeResult> {
    let mut app = application("RS-002", person("刘桂英", n), provided);
    app.tolerate = true;
    intake::record(&mut c.store, &c.clerk, monday(), app)
}

fn approve(
    c: &mut Center,
    no: &str,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> bianmin::Result<handling::StepDone> {
    handling::complete(&mut c.store, &c.clerk, now, no, Decision::Approve, None)
}

#[test]
fn only_tolerable_materials_missing_is_accepted_with_each_ones_day() {
    let mut c = center();
    let r = tolerated(&mut c, 1, &["1", "3"]).unwrap();
    assert_eq!(r.outcome, Outcome::Accepted);
    assert_eq!(r.outcome_label, "容缺受理");
    assert!(r.missing.is_empty());
    let names: Vec<&str> = r.tolerated.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["户口簿", "社会保障卡"]);
    // Monday 11-23 + 5 working days = Monday 11-30, for the case and each material.
    assert_eq!(r.due_date, Some(day(11, 30)));
    for m in &r.tolerated {
        assert_eq!(m.tolerated_until, Some(day(11, 30)));
    }
    let summary = intake::lookup::summary(c.store.conn(), &r.case_no)
        .unwrap()
        .unwrap();
    assert_eq!(summary.tolerance_due, Some(day(11, 30)));
    assert_eq!(summary.outcome_label, "容缺受理", "lists name it");
    // Without asking for it the same application is a one-time notice.
    let plain = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("RS-002", person("刘桂英", 2), &["1", "3"]),
    )
    .unwrap();
    assert_eq!(plain.outcome, Outcome::Notice);
    assert_eq!(plain.missing.len(), 2);
}

#[test]
fn a_missing_core_material_is_still_a_notice_listing_everything_missing() {
    let mut c = center();
    let r = tolerated(&mut c, 1, &["3"]).unwrap();
    assert_eq!(r.outcome, Outcome::Notice);
    let names: Vec<&str> = r.missing.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["居民身份证", "户口簿", "社会保障卡"]);
    assert!(r.tolerated.is_empty());
}

#[test]
fn a_center_that_does_not_allow_it_refuses_and_records_nothing() {
    let mut c = center();
    let profile = center::load(c.store.conn()).unwrap();
    center::set(
        &mut c.store,
        &c.manager,
        monday(),
        center::CenterProfile {
            tolerance_allowed: false,
            ..profile
        },
    )
    .unwrap();
    let before = snapshot(&c.store);
    let err = tolerated(&mut c, 1, &["1", "3"]).unwrap_err();
    assert!(matches!(
        err,
        Error::Intake(IntakeError::ToleranceNotAllowed)
    ));
    assert!(err.to_string().contains("未开启容缺受理"), "{err}");
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn approval_waits_for_every_tolerated_material_and_names_what_is_missing() {
    let mut c = center();
    let no = tolerated(&mut c, 1, &["1", "3"]).unwrap().case_no;
    let before = snapshot(&c.store);
    let err = approve(&mut c, &no, at(2026, 11, 25)).unwrap_err();
    assert!(matches!(
        err,
        Error::Lifecycle(LifecycleError::ToleranceOutstanding { .. })
    ));
    let msg = err.to_string();
    assert!(
        msg.contains("户口簿（2026年11月30日前补齐）") && msg.contains("社会保障卡"),
        "{msg}"
    );
    assert_eq!(snapshot(&c.store), before);

    // 补齐 one by its name, the other by its position; each once.
    let steps = handling::allowed_steps(c.store.conn(), &c.clerk, &no, day(11, 25)).unwrap();
    assert!(steps.contains(&Step::Supply));
    handling::supply(&mut c.store, &c.clerk, at(2026, 11, 25), &no, "户口簿").unwrap();
    let err =
        handling::supply(&mut c.store, &c.clerk, at(2026, 11, 25), &no, "户口簿").unwrap_err();
    assert!(err.to_string().contains("待补齐：社会保障卡"), "{err}");
    let err = approve(&mut c, &no, at(2026, 11, 25)).unwrap_err();
    assert!(
        err.to_string().contains("社会保障卡") && !err.to_string().contains("户口簿"),
        "{err}"
    );
    handling::supply(&mut c.store, &c.clerk, at(2026, 12, 1), &no, "4").unwrap();
    let steps = handling::allowed_steps(c.store.conn(), &c.clerk, &no, day(12, 1)).unwrap();
    assert!(!steps.contains(&Step::Supply), "nothing left to supply");
    let err = handling::supply(&mut c.store, &c.clerk, at(2026, 12, 1), &no, "4").unwrap_err();
    assert!(matches!(
        err,
        Error::Intake(IntakeError::NothingToSupply(_))
    ));
    let done = approve(&mut c, &no, at(2026, 12, 1)).unwrap();
    assert_eq!(done.state, State::Completed);

    // The case's lines say when each was supplied and by whom; the timeline names the step.
    let d = intake::lookup::detail_unmasked(c.store.conn(), &no).unwrap();
    // Taken in with a material missing, approved: 办结（容缺通过）.
    assert_eq!(
        (d.national.code, d.national.label),
        (12, "办结（容缺通过）")
    );
    let lines: Vec<(String, Option<NaiveDate>, Option<String>)> = d
        .materials
        .iter()
        .filter(|m| m.tolerated_until.is_some())
        .map(|m| (m.name.clone(), m.supplied_on, m.supplied_by.clone()))
        .collect();
    assert_eq!(
        lines,
        [
            ("户口簿".into(), Some(day(11, 25)), Some("测试".into())),
            ("社会保障卡".into(), Some(day(12, 1)), Some("测试".into())),
        ]
    );
    assert_eq!(d.summary.tolerance_due, None);
    assert_eq!(d.summary.outcome_label, "容缺受理");
    let whats: Vec<&str> = timeline::of_case(c.store.conn(), &no)
        .unwrap()
        .iter()
        .map(|e| e.what)
        .collect();
    assert_eq!(
        whats.iter().filter(|w| **w == "补齐容缺材料").count(),
        2,
        "{whats:?}"
    );

    // The ledger of 12-01 counts one 补齐, late (due 11-30); 11-25's one on time.
    let l = ledger::daily(c.store.conn(), day(12, 1)).unwrap();
    assert_eq!(
        (
            l.totals.tolerance.supplied,
            l.totals.tolerance.supplied_on_time
        ),
        (1, 0)
    );
    let l = ledger::daily(c.store.conn(), day(11, 25)).unwrap();
    assert_eq!(
        (
            l.totals.tolerance.supplied,
            l.totals.tolerance.supplied_on_time
        ),
        (1, 1)
    );
    let l = ledger::daily(c.store.conn(), day(11, 23)).unwrap();
    assert_eq!(l.totals.tolerance.cases, 1);
    assert_eq!(l.rows[0].outcome, "容缺受理", "the ledger names it");
    let lines = ledger::total_lines(&l.totals);
    assert!(
        lines.iter().any(|(k, v)| k == "容缺受理" && v == "1"),
        "{lines:?}"
    );

    // Rebuilt from the log, every row is the same.
    let rows = bianmin::store::dump::projections(c.store.conn()).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.manager).unwrap();
    assert_eq!(
        bianmin::store::dump::projections(c.store.conn()).unwrap(),
        rows
    );
}

#[test]
fn a_denial_does_not_wait_for_the_tolerated_materials() {
    let mut c = center();
    let no = tolerated(&mut c, 1, &["1", "3"]).unwrap().case_no;
    let done = handling::complete(
        &mut c.store,
        &c.clerk,
        at(2026, 12, 2),
        &no,
        Decision::Deny,
        Some("容缺材料逾期未补齐"),
    )
    .unwrap();
    assert_eq!(done.state, State::Completed);
}

#[test]
fn an_overdue_tolerated_material_puts_the_case_on_the_red_list_with_its_own_label() {
    let mut c = center();
    // A 20-day matter with its 户口簿 (5 days) missing: the material's day comes first.
    let mut app = application("MZ-001", person("赵大娘", 1), &["1", "2", "4", "5", "7"]);
    app.tolerate = true;
    let no = intake::record(&mut c.store, &c.clerk, monday(), app)
        .unwrap()
        .case_no;
    let light_of = |c: &Center, today: NaiveDate| {
        let all = deadline::watch_list(c.store.conn(), today, None, 2).unwrap();
        let w = all.iter().find(|w| w.case.case_no == no).unwrap();
        (w.standing.light, w.light_label)
    };
    assert_eq!(light_of(&c, day(11, 23)), (Light::Green, "正常"));
    // 11-30 is the material's day: yellow, named.
    assert_eq!(
        light_of(&c, day(11, 27)),
        (Light::Yellow, "黄灯：容缺材料将到期")
    );
    assert_eq!(light_of(&c, day(12, 1)), (Light::Red, "红灯：容缺材料逾期"));
    // The red list and the counts agree with the light.
    let red = deadline::watch_list(c.store.conn(), day(12, 1), Some(Light::Red), 2).unwrap();
    assert_eq!(red.len(), 1);
    let cal = bianmin::calendar::schedule::load(c.store.conn()).unwrap();
    assert_eq!(
        deadline::count(c.store.conn(), &cal, day(12, 1), Some(Light::Green), 2).unwrap(),
        0
    );
    let l = ledger::daily(c.store.conn(), day(12, 1)).unwrap();
    assert_eq!(l.totals.tolerance.overdue, 1);
    // The case itself is not late: 超期未办结 counts its own due date only.
    assert_eq!(l.totals.overdue_open, 0);
    // Supplied: back to the case's own due date (green).
    handling::supply(&mut c.store, &c.clerk, at(2026, 12, 1), &no, "户口簿").unwrap();
    assert_eq!(light_of(&c, day(12, 1)), (Light::Green, "正常"));
    let fig = tolerance::figures(c.store.conn(), day(11, 1), day(12, 31)).unwrap();
    assert_eq!(
        (fig.cases, fig.supplied, fig.supplied_on_time, fig.overdue),
        (1, 1, 0, 0)
    );
}

#[test]
fn the_commitment_lists_each_material_with_its_day_and_both_signatures_on_two_copies() {
    let mut c = center();
    let no = tolerated(&mut c, 1, &["1", "3"]).unwrap().case_no;
    let p = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        DocumentKind::Tolerance,
    )
    .unwrap();
    assert_eq!(p.pages, 2);
    let text = pdf_text(&p.pdf);
    for want in [
        "容缺受理承诺书",
        "（申请人联）",
        "（中心存档联）",
        &no,
        "城乡居民基本养老保险待遇领取申请",
        "户口簿",
        "社会保障卡",
        "2026年11月30日前",
        "逾期未补齐",
        "退回或作出不予批准的决定",
        "申请人（签字）",
        "窗口经办人（签字）",
    ] {
        assert!(text.contains(want), "“{want}” missing in:\n{text}");
    }
    assert!(
        !text.contains("居民身份证（"),
        "a core material is not listed"
    );
    // The acceptance notice says 容缺受理, not 材料齐全; the receipt names the materials.
    let notice =
        documents::print(&mut c.store, &c.clerk, monday(), &no, DocumentKind::Notice).unwrap();
    let text = pdf_text(&notice.pdf);
    assert!(
        text.contains("予以容缺受理") && !text.contains("申请材料齐全"),
        "{text}"
    );
    let receipt =
        documents::print(&mut c.store, &c.clerk, monday(), &no, DocumentKind::Receipt).unwrap();
    assert!(pdf_text(&receipt.pdf).contains("待补材料：户口簿"));
    // A plain acceptance has no commitment to print.
    let mut all = application("RS-002", person("李华", 2), &["1", "2", "3", "4"]);
    all.tolerate = true;
    let plain = intake::record(&mut c.store, &c.clerk, monday(), all).unwrap();
    assert_eq!(plain.outcome_label, "受理");
    let err = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &plain.case_no,
        DocumentKind::Tolerance,
    )
    .unwrap_err();
    assert!(err.to_string().contains("不是容缺受理"), "{err}");
}

#[test]
fn taking_it_in_prints_the_commitment_with_the_receipt_and_the_notice() {
    let mut c = center();
    let dir = tempfile::tempdir().unwrap();
    let mut app = application("RS-002", person("刘桂英", 1), &["1", "3"]);
    app.tolerate = true;
    let done = intake::papers::take_in(
        &mut c.store,
        &c.clerk,
        monday(),
        intake::papers::Source::Counter,
        app,
        Some(dir.path()),
    )
    .unwrap();
    let kinds: Vec<DocumentKind> = done.documents.iter().map(|d| d.printed.kind).collect();
    assert_eq!(
        kinds,
        [
            DocumentKind::Receipt,
            DocumentKind::Notice,
            DocumentKind::Tolerance
        ]
    );
}
