//! 告知承诺制 through the core: a promise instead of a proof, the
//! 告知承诺书, the 核查 task with its day, 属实 closing it, 不实 revoking the
//! case (a manager's, with the 撤销决定书), and a manager's figures.

mod common;

use bianmin::documents::{self, DocumentKind};
use bianmin::intake::{self, commitment, IntakeError, Outcome};
use bianmin::lifecycle::handling::{self, Decision};
use bianmin::lifecycle::{LifecycleError, State, Step};
use bianmin::Error;
use chrono::NaiveDate;
use common::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// 临时救助申请 (MZ-003): 1 申请书, 2 居民身份证, 3 户口簿, 4 遭遇困难的相关证明
/// (可告知承诺), 5 授权书; 核查 within 10 working days.
fn promised(c: &mut Center, n: u32) -> intake::IntakeResult {
    let mut app = application("MZ-003", person("赵秀芝", n), &["1", "2", "3", "5"]);
    app.promised = vec!["4".into()];
    intake::record(&mut c.store, &c.clerk, monday(), app).unwrap()
}

#[test]
fn a_promise_takes_the_place_of_the_proof_and_opens_a_check_with_its_day() {
    let mut c = center();
    let r = promised(&mut c, 1);
    assert_eq!(r.outcome, Outcome::Accepted);
    assert!(r.missing.is_empty());
    let names: Vec<&str> = r.promised.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["遭遇困难的相关证明"]);
    // Monday 11-23 + 10 working days = Monday 12-07.
    assert_eq!(r.verify_due, Some(day(12, 7)));
    let d = intake::lookup::detail_unmasked(c.store.conn(), &r.case_no).unwrap();
    assert_eq!(d.verify_due, Some(day(12, 7)));
    assert!(d.materials[3].promised && !d.materials[3].provided);
    // Without the promise the same application is a one-time notice.
    let plain = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-003", person("赵秀芝", 2), &["1", "2", "3", "5"]),
    )
    .unwrap();
    assert_eq!(plain.outcome, Outcome::Notice);
    assert_eq!(plain.verify_due, None);
}

#[test]
fn only_a_promisable_material_may_be_promised() {
    let mut c = center();
    let before = snapshot(&c.store);
    let mut app = application("MZ-003", person("赵秀芝", 1), &["1", "2", "4", "5"]);
    app.promised = vec!["户口簿".into()];
    let err = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap_err();
    assert!(matches!(
        err,
        Error::Intake(IntakeError::NotPromisable(ref n)) if n == "户口簿"
    ));
    assert!(err.to_string().contains("不可告知承诺"), "{err}");
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn the_commitment_prints_the_promise_its_consequence_and_the_check_day() {
    let mut c = center();
    let no = promised(&mut c, 1).case_no;
    let p = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        DocumentKind::Commitment,
    )
    .unwrap();
    assert_eq!(p.pages, 2);
    let text = pdf_text(&p.pdf);
    for want in [
        "告知承诺书",
        "（申请人联）",
        "（中心存档联）",
        "遭遇困难的相关证明",
        "承诺内容：本人承诺所述因火灾",
        "撤销已作出的决定",
        "信用记录",
        "2026年12月7日前对承诺内容进行核查",
        "承诺人（签字）",
        "窗口经办人（签字）",
    ] {
        assert!(text.contains(want), "“{want}” missing in:\n{text}");
    }
    // No revocation to print yet.
    let err = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        DocumentKind::Revocation,
    )
    .unwrap_err();
    assert!(err.to_string().contains("没有被撤销"), "{err}");
}

#[test]
fn a_true_check_closes_the_task_and_a_false_one_revokes_the_case() {
    let mut c = center();
    let kept = promised(&mut c, 1).case_no;
    let broken = promised(&mut c, 2).case_no;
    let steps = handling::allowed_steps(c.store.conn(), &c.clerk, &kept, day(11, 24)).unwrap();
    assert!(steps.contains(&Step::Verify));
    assert!(!steps.contains(&Step::Revoke), "a clerk does not revoke");

    handling::verify(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 30),
        &kept,
        Some("经村委会核实，属实"),
    )
    .unwrap();
    let steps = handling::allowed_steps(c.store.conn(), &c.clerk, &kept, day(11, 30)).unwrap();
    assert!(!steps.contains(&Step::Verify), "checked once");
    let err = handling::verify(&mut c.store, &c.clerk, at(2026, 11, 30), &kept, None).unwrap_err();
    assert!(matches!(
        err,
        Error::Intake(IntakeError::NothingToVerify(_))
    ));

    // The other is approved first, then found false: a clerk may not revoke;
    // a manager does, with a reason; the case ends 已撤销.
    handling::complete(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 25),
        &broken,
        Decision::Approve,
        None,
    )
    .unwrap();
    let before = snapshot(&c.store);
    let err =
        handling::revoke(&mut c.store, &c.clerk, at(2026, 12, 1), &broken, "不实").unwrap_err();
    assert!(matches!(
        err,
        Error::Lifecycle(LifecycleError::NeedsManager(_))
    ));
    assert!(err.to_string().contains("中心负责人"), "{err}");
    let err =
        handling::revoke(&mut c.store, &c.manager, at(2026, 12, 1), &broken, " ").unwrap_err();
    assert!(err.to_string().contains("撤销理由"), "{err}");
    assert_eq!(snapshot(&c.store), before, "refusals record nothing");
    let done = handling::revoke(
        &mut c.store,
        &c.manager,
        at(2026, 12, 1),
        &broken,
        "经核查，申请人家庭未发生所述火灾",
    )
    .unwrap();
    assert_eq!(done.state, State::Revoked);
    assert_eq!(done.state_label, "已撤销");
    let steps = handling::allowed_steps(c.store.conn(), &c.manager, &broken, day(12, 1)).unwrap();
    assert!(steps.is_empty(), "{steps:?}");
    let p = documents::print(
        &mut c.store,
        &c.manager,
        at(2026, 12, 1),
        &broken,
        DocumentKind::Revocation,
    )
    .unwrap();
    let text = pdf_text(&p.pdf);
    for want in [
        "撤销决定书",
        "承诺不实",
        "经核查，申请人家庭未发生所述火灾",
        "遭遇困难的相关证明",
        "2026年12月1日",
        "行政复议",
    ] {
        assert!(text.contains(want), "“{want}” missing in:\n{text}");
    }

    // The manager's figures: two checked, one false (50 %); nothing open.
    let checks = commitment::checks(c.store.conn(), &c.manager, day(12, 1)).unwrap();
    assert_eq!(
        (
            checks.figures.cases,
            checks.figures.checked,
            checks.figures.found_false,
            checks.figures.open
        ),
        (2, 2, 1, 0)
    );
    assert_eq!(checks.figures.false_share, Some(50.0));
    assert!(commitment::checks(c.store.conn(), &c.clerk, day(12, 1)).is_err());

    // Rebuilt from the log, every row is the same.
    let rows = bianmin::store::dump::projections(c.store.conn()).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.manager).unwrap();
    assert_eq!(
        bianmin::store::dump::projections(c.store.conn()).unwrap(),
        rows
    );
}

#[test]
fn a_manager_sees_the_overdue_checks_first() {
    let mut c = center();
    let first = promised(&mut c, 1).case_no;
    let mut app = application("MZ-003", person("钱多多", 3), &["1", "2", "3", "5"]);
    app.promised = vec!["遭遇困难的相关证明".into()];
    let later = intake::record(&mut c.store, &c.clerk, at(2026, 12, 1), app)
        .unwrap()
        .case_no;
    // On 12-08 the first (due 12-07) is overdue, the later one (12-15) is not.
    let checks = commitment::checks(c.store.conn(), &c.manager, day(12, 8)).unwrap();
    let order: Vec<(&str, bool)> = checks
        .open
        .iter()
        .map(|o| (o.case_no.as_str(), o.overdue))
        .collect();
    assert_eq!(order, [(first.as_str(), true), (later.as_str(), false)]);
    assert_eq!((checks.figures.open, checks.figures.overdue), (2, 1));
    assert_eq!(checks.open[0].promised, ["遭遇困难的相关证明"]);
}

#[test]
fn taking_it_in_prints_the_commitment_with_the_receipt_and_the_notice() {
    let mut c = center();
    let dir = tempfile::tempdir().unwrap();
    let mut app = application("MZ-003", person("赵秀芝", 1), &["1", "2", "3", "5"]);
    app.promised = vec!["4".into()];
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
            DocumentKind::Commitment
        ]
    );
}

#[test]
fn a_promised_material_named_with_a_list_mark_is_listed_whole() {
    let mut c = center();
    let (_, mut m) = bianmin::catalogue::versions::current(c.store.conn(), "MZ-003").unwrap();
    m.materials[3].name = "火灾、交通事故等遭遇困难的证明".into();
    bianmin::catalogue::versions::publish(&mut c.store, &c.manager, monday(), &m).unwrap();
    let mut app = application("MZ-003", person("赵秀芝", 1), &["1", "2", "3", "5"]);
    app.promised = vec!["4".into()];
    intake::record(&mut c.store, &c.clerk, monday(), app).unwrap();
    let checks = commitment::checks(c.store.conn(), &c.manager, day(11, 24)).unwrap();
    assert_eq!(checks.open[0].promised, ["火灾、交通事故等遭遇困难的证明"]);
}
