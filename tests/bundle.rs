//! 一件事 bundles through the core: one intake of a bundle's matters from
//! one shared pool of materials, a case each with its own date, one
//! receipt and one notice (or one 一次性告知单 naming each missing material
//! once), all or nothing, siblings in the case detail, and the bundle
//! complete when all its cases are.

mod common;

use bianmin::catalogue::{bundle, file, versions, withdrawal, CatalogueError};
use bianmin::documents::{self, DocumentError, DocumentKind};
use bianmin::intake::bundle::{BundleApplication, BundleResult};
use bianmin::intake::{self, IntakeError, Outcome};
use bianmin::lifecycle::handling::{self, Decision};
use bianmin::Error;
use chrono::NaiveDate;
use common::*;

fn bundle_app(code: &str, n: u32, provided: &[&str]) -> BundleApplication {
    BundleApplication {
        bundle_code: code.into(),
        applicant: person("李秀英", n),
        proxy: None,
        provided: provided.iter().map(|s| s.to_string()).collect(),
        tolerate: false,
        promised: Vec::new(),
    }
}

fn take(c: &mut Center, app: BundleApplication) -> BundleResult {
    intake::bundle::record(&mut c.store, &c.clerk, monday(), app).unwrap()
}

/// 新生儿出生一件事 with every material of its pool brought.
fn birth(c: &mut Center) -> BundleResult {
    let pool = intake::bundle::form(c.store.conn(), "YJS-CS").unwrap().pool;
    let all: Vec<String> = (1..=pool.len()).map(|i| i.to_string()).collect();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    take(c, bundle_app("YJS-CS", 1, &all))
}

#[test]
fn a_bundle_asks_a_shared_material_once_and_each_matter_gets_its_own_case_and_date() {
    let mut c = center();
    let form = intake::bundle::form(c.store.conn(), "YJS-CS").unwrap();
    let lines: usize = form
        .matters
        .iter()
        .map(|m| {
            versions::current(c.store.conn(), &m.code)
                .unwrap()
                .1
                .materials
                .len()
        })
        .sum();
    let shared: Vec<_> = form.pool.iter().filter(|p| p.name == "户口簿").collect();
    assert_eq!(shared.len(), 1, "{:?}", form.pool);
    assert_eq!(shared[0].matters.len(), 3);
    assert_eq!(form.pool.len(), lines - 2);

    let r = birth(&mut c);
    let outcomes: Vec<(&str, Outcome)> = r
        .cases
        .iter()
        .map(|c| (c.matter_code.as_str(), c.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("WJ-001", Outcome::OnTheSpot),
            ("YB-001", Outcome::OnTheSpot),
            ("RS-005", Outcome::Accepted)
        ]
    );
    // Monday 2026-11-23 + 5 working days.
    assert_eq!(r.cases[2].due_date, NaiveDate::from_ymd_opt(2026, 11, 30));
    assert!(r.missing.is_empty());
    // The shared 户口簿 was brought once and counts for every matter.
    for case in &r.cases {
        let d = intake::lookup::detail_unmasked(c.store.conn(), &case.case_no).unwrap();
        let book = d.materials.iter().find(|m| m.name == "户口簿").unwrap();
        assert!(book.provided, "{}", case.case_no);
        let b = d.bundle.expect("bundled");
        assert_eq!(b.id, r.bundle.id);
        assert_eq!(b.name, "新生儿出生一件事");
        assert_eq!(b.cases.len(), 3);
        assert_eq!(b.lead_case_no, r.cases[0].case_no);
    }
}

#[test]
fn one_receipt_lists_every_matter_with_its_own_date_and_one_notice_covers_them() {
    let mut c = center();
    let r = birth(&mut c);
    let lead = r.lead_case_no().to_owned();
    let receipt = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &lead,
        DocumentKind::BundleReceipt,
    )
    .unwrap();
    let text = pdf_text(&receipt.pdf);
    assert!(text.contains("一件事受理回执"), "{text}");
    for case in &r.cases {
        assert!(text.contains(&case.case_no), "{} in {text}", case.case_no);
        assert!(text.contains(&case.matter_name), "{text}");
    }
    assert!(text.contains("2026年11月30日"), "{text}");
    assert_eq!(text.matches("当场办结").count(), 2, "{text}");
    let notice = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &lead,
        DocumentKind::BundleNotice,
    )
    .unwrap();
    let text = pdf_text(&notice.pdf);
    assert!(text.contains("一件事受理通知书"), "{text}");
    assert!(text.contains("2026年11月30日"), "{text}");
    // Nothing is missing: no 一次性告知单 for this bundle.
    let err = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &lead,
        DocumentKind::BundleOnetime,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Document(DocumentError::NotForOutcome { .. })),
        "{err:?}"
    );
    // The bundle's papers are the lead case's: another case names it.
    let err = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &r.cases[1].case_no,
        DocumentKind::BundleReceipt,
    )
    .unwrap_err();
    assert!(err.to_string().contains(&lead), "{err}");
    // A case taken in alone has no bundle papers.
    let alone = intake::record(&mut c.store, &c.clerk, monday(), accepted("MZ-005", 9)).unwrap();
    let err = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &alone.case_no,
        DocumentKind::BundleReceipt,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Document(DocumentError::NotBundled(_))),
        "{err:?}"
    );
}

fn accepted(matter: &str, n: u32) -> intake::Application {
    application(matter, person("王桂兰", n), &["1", "2", "3", "4"])
}

#[test]
fn a_missing_material_is_told_once_with_every_matter_that_needs_it() {
    let mut c = center();
    // 身后一件事: 1 殡葬补贴申请表, 2 死亡证明, 3 火化证明, 4 逝者户口簿,
    // 5 申请人居民身份证, 6 注销登记表, 7 银行账户. 死亡证明 and the ID are
    // needed by both matters.
    let r = take(&mut c, bundle_app("YJS-SH", 2, &["1", "3", "4"]));
    assert!(r.cases.iter().all(|c| c.outcome == Outcome::Notice));
    let names: Vec<&str> = r.missing.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "死亡证明",
            "申请人居民身份证",
            "城乡居民基本养老保险注销登记表",
            "继承人或受益人银行账户"
        ]
    );
    assert_eq!(r.missing[0].matters.len(), 2);
    let lead = r.lead_case_no().to_owned();
    let notice = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &lead,
        DocumentKind::BundleOnetime,
    )
    .unwrap();
    let text = pdf_text(&notice.pdf);
    assert!(text.contains("一件事一次性告知单"), "{text}");
    assert_eq!(text.matches("死亡证明").count(), 1, "{text}");
    // Nothing was taken in: no receipt.
    let err = documents::print(
        &mut c.store,
        &c.clerk,
        monday(),
        &lead,
        DocumentKind::BundleReceipt,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Document(DocumentError::NotForOutcome { .. })),
        "{err:?}"
    );
    // What the intake hands out: the bundle's notice, once, on the lead.
    let dir = tempfile::tempdir().unwrap();
    let done = intake::papers::take_in_bundle(
        &mut c.store,
        &c.clerk,
        monday(),
        bundle_app("YJS-SH", 3, &["1", "3", "4"]),
        Some(dir.path()),
    )
    .unwrap();
    let kinds: Vec<DocumentKind> = done.documents.iter().map(|d| d.printed.kind).collect();
    assert_eq!(kinds, [DocumentKind::BundleOnetime]);
}

#[test]
fn a_bundle_partly_taken_in_tells_the_rest_and_its_receipt_lists_both() {
    let mut c = center();
    // 城乡居民退休一件事: 1 居民身份证, 2 户口簿, 3 申请表, 4 社会保障卡,
    // 5 照片 — 老年人优待证 needs only 1 and 5.
    let pool = intake::bundle::form(c.store.conn(), "YJS-TX").unwrap().pool;
    let photo = pool
        .iter()
        .position(|p| p.name == "近期免冠一寸照片")
        .unwrap()
        + 1;
    let r = take(&mut c, bundle_app("YJS-TX", 4, &["1", &photo.to_string()]));
    let outcomes: Vec<Outcome> = r.cases.iter().map(|c| c.outcome).collect();
    assert_eq!(outcomes, [Outcome::Notice, Outcome::OnTheSpot]);
    assert!(r
        .missing
        .iter()
        .all(|m| m.matters == [r.cases[0].matter_name.clone()]));
    let dir = tempfile::tempdir().unwrap();
    let done = intake::papers::take_in_bundle(
        &mut c.store,
        &c.clerk,
        monday(),
        bundle_app("YJS-TX", 5, &["1", &photo.to_string()]),
        Some(dir.path()),
    )
    .unwrap();
    let kinds: Vec<DocumentKind> = done.documents.iter().map(|d| d.printed.kind).collect();
    assert_eq!(
        kinds,
        [DocumentKind::BundleReceipt, DocumentKind::BundleOnetime]
    );
    let onetime = std::fs::read(&done.documents[1].path).unwrap();
    let text = pdf_text(&onetime);
    assert!(text.contains("其余事项已予受理"), "{text}");
    assert!(text.contains("当场办结"), "{text}");
}

#[test]
fn a_bundle_is_taken_in_whole_or_not_at_all() {
    let mut c = center();
    let before = snapshot(&c.store);
    let err = intake::bundle::record(
        &mut c.store,
        &c.clerk,
        monday(),
        bundle_app("YJS-CS", 1, &["1", "99"]),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Intake(IntakeError::UnknownMaterial { ref given, .. }) if given == "99"),
        "{err:?}"
    );
    let err = intake::bundle::record(
        &mut c.store,
        &c.clerk,
        monday(),
        bundle_app("YJS-XX", 1, &["1"]),
    )
    .unwrap_err();
    assert!(err.to_string().contains("YJS-XX"), "{err}");
    assert_eq!(snapshot(&c.store), before);
    // One matter withdrawn (its last one): the earlier ones are not kept.
    withdrawal::withdraw(&mut c.store, &c.manager, monday(), "RS-005", "制卡系统升级").unwrap();
    let before = snapshot(&c.store);
    let err = intake::bundle::record(
        &mut c.store,
        &c.clerk,
        monday(),
        bundle_app("YJS-CS", 1, &["1", "2", "4", "5", "7"]),
    )
    .unwrap_err();
    assert!(err.to_string().contains("社会保障卡申领"), "{err}");
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn the_bundle_is_complete_when_all_its_cases_are() {
    let mut c = center();
    let r = birth(&mut c);
    let no = r.cases[2].case_no.clone();
    let standing = |c: &Center| {
        intake::lookup::detail_unmasked(c.store.conn(), &r.cases[0].case_no)
            .unwrap()
            .bundle
            .unwrap()
    };
    let b = standing(&c);
    assert!(!b.is_complete());
    assert_eq!(b.label, "已办结 2 / 3 件");
    handling::complete(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        Decision::Approve,
        None,
    )
    .unwrap();
    let b = standing(&c);
    assert!(b.is_complete());
    assert_eq!(b.label, "已全部办结");
}

#[test]
fn bundles_come_with_the_catalogue_and_a_bundle_of_an_unknown_matter_is_refused() {
    let mut c = center();
    let list = bundle::list(c.store.conn()).unwrap();
    assert!(list.len() >= 3, "{list:?}");
    // Exported and imported again: the same bundles, nothing new.
    let text = versions::export(c.store.conn()).unwrap();
    assert_eq!(file::parse(&text).unwrap().bundles.len(), list.len());
    let report = versions::import(&mut c.store, &c.manager, monday(), &text).unwrap();
    assert!(report.bundles.is_empty(), "{report:?}");
    // A file that names a matter the catalogue does not have is refused whole.
    let before = snapshot(&c.store);
    let broken = format!(
        "{text}\n[[bundles]]\ncode = \"YJS-ZZ\"\nname = \"测试一件事\"\nmatters = [\"RS-001\", \"ZZ-999\"]\n"
    );
    let err = versions::import(&mut c.store, &c.manager, monday(), &broken).unwrap_err();
    assert!(
        matches!(err, Error::Catalogue(CatalogueError::File { ref reason, .. }) if reason.contains("ZZ-999")),
        "{err:?}"
    );
    assert_eq!(snapshot(&c.store), before);
    // A bundle needs a manager.
    let b = bundle::get(c.store.conn(), "YJS-TX").unwrap();
    assert!(bundle::publish(&mut c.store, &c.clerk, monday(), &b).is_err());
}

#[test]
fn a_bundle_and_its_cases_are_rebuilt_from_the_log_alike() {
    let mut c = center();
    birth(&mut c);
    let b = bundle::Bundle::from_form("YJS-LN", "老年人福利一件事", "", "MZ-005，MZ-006");
    assert!(bundle::publish(&mut c.store, &c.manager, monday(), &b).unwrap());
    let before = bianmin::store::dump::projections(c.store.conn()).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.admin).unwrap();
    assert_eq!(
        bianmin::store::dump::projections(c.store.conn()).unwrap(),
        before
    );
    assert!(before.contains("YJS-LN"));
}
