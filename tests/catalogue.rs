//! Catalogue and calendar files imported by a manager: whole or not at all.

mod common;

use bianmin::calendar::schedule;
use bianmin::catalogue::{file, versions};
use bianmin::Error;
use common::*;

#[test]
fn a_file_with_one_bad_matter_imports_nothing() {
    let mut c = center();
    let mut catalogue = file::parse(file::DEFAULT).unwrap();
    let matters = &mut catalogue.matters;
    matters[0].name = "改过名字的事项".into();
    let mut new = matters[1].clone();
    new.code = "XX-001".into();
    matters.push(new);
    let last = matters.len() - 1;
    matters[last - 1].promised_days = matters[last - 1].statutory_days + 1;
    matters[last - 1].case_type = bianmin::catalogue::CaseType::Promised;
    let text = file::to_toml(&catalogue);
    let before = snapshot(&c.store);
    let err = versions::import(&mut c.store, &c.manager, monday(), &text).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("第") && msg.contains("行") && msg.contains("整份文件未导入"),
        "{msg}"
    );
    assert_eq!(snapshot(&c.store), before, "nothing half-imported");
}

#[test]
fn a_good_file_adds_and_versions_and_skips_the_unchanged() {
    let mut c = center();
    let mut catalogue = file::parse(file::DEFAULT).unwrap();
    catalogue.matters[0].name = "城乡居民基本养老保险参保登记（新）".into();
    let mut new = catalogue.matters[1].clone();
    new.code = "XX-001".into();
    catalogue.matters.push(new);
    let report = versions::import(
        &mut c.store,
        &c.manager,
        monday(),
        &file::to_toml(&catalogue),
    )
    .unwrap();
    let matters = catalogue.matters;
    assert_eq!(report.added, ["XX-001"]);
    assert_eq!(report.updated, [matters[0].code.clone()]);
    assert_eq!(report.unchanged, matters.len() - 2);
    let (v, m) = versions::current(c.store.conn(), &matters[0].code).unwrap();
    assert_eq!(
        (v, m.name.as_str()),
        (2, "城乡居民基本养老保险参保登记（新）")
    );
    // Export then import is a no-op.
    let exported = versions::export(c.store.conn()).unwrap();
    let again = versions::import(&mut c.store, &c.manager, monday(), &exported).unwrap();
    assert!(again.added.is_empty() && again.updated.is_empty());
}

#[test]
fn only_a_manager_imports_a_catalogue_or_a_calendar() {
    let mut c = center();
    let before = snapshot(&c.store);
    for s in [&c.clerk, &c.admin] {
        assert!(matches!(
            versions::import(&mut c.store, s, monday(), file::DEFAULT),
            Err(Error::Auth(_))
        ));
        assert!(matches!(
            schedule::import(&mut c.store, s, monday(), schedule::SHIPPED[1]),
            Err(Error::Auth(_))
        ));
    }
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn importing_next_years_calendar_makes_its_due_dates_computable() {
    let mut c = center();
    let cal = schedule::load(c.store.conn()).unwrap();
    assert!(cal
        .add_working_days(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), 1)
        .is_err());
    let y2027 = "year = 2027\nsource = \"测试\"\n[[holidays]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\nto = \"2027-01-03\"\n";
    let bad = y2027.replace("2027-01-03", "2027-13-03");
    let before = snapshot(&c.store);
    let err = schedule::import(&mut c.store, &c.manager, monday(), &bad).unwrap_err();
    assert!(err.to_string().contains("第 3 行"), "{err}");
    assert_eq!(snapshot(&c.store), before);
    schedule::import(&mut c.store, &c.manager, monday(), y2027).unwrap();
    let cal = schedule::load(c.store.conn()).unwrap();
    // Thu 2026-12-31 + 1: Jan 1 (Fri) is a holiday, 2–3 weekend → Mon 2027-01-04.
    assert_eq!(
        cal.add_working_days(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), 1)
            .unwrap(),
        chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
    );
    assert_eq!(schedule::years(c.store.conn()).unwrap().len(), 3);
}

#[test]
fn the_counter_finds_matters_by_pinyin_initials_name_or_code() {
    use bianmin::catalogue::search;
    let c = center();
    let codes = |q: &str| -> Vec<String> {
        search::find(c.store.conn(), q)
            .unwrap()
            .into_iter()
            .map(|m| m.code)
            .collect()
    };
    assert_eq!(codes("gljt"), vec!["MZ-005"]);
    let pension = codes("ylbx");
    // 养老保险 and 医疗保险 share the initials ylbx: both are offered.
    assert_eq!(pension, vec!["RS-001", "RS-002", "RS-006", "YB-001"]);
    assert_eq!(codes("高龄津贴"), vec!["MZ-005"]);
    assert_eq!(codes("mz-005")[0], "MZ-005");
    assert!(codes("zzzzqqq").is_empty());
    assert_eq!(
        codes("").len(),
        file::parse(file::DEFAULT).unwrap().matters.len()
    );
}

#[test]
fn day_counts_count_each_outcome_and_completions() {
    use bianmin::intake::{self, lookup};
    let mut c = center();
    let day = monday().date_naive();
    intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("刘桂英", 1), &["1", "2", "3", "5"]),
    )
    .unwrap();
    intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("王秀兰", 2), &["1"]),
    )
    .unwrap();
    let counts = lookup::day_counts(c.store.conn(), day).unwrap();
    assert_eq!(
        (
            counts.received,
            counts.accepted,
            counts.notice,
            counts.refused
        ),
        (2, 1, 1, 0)
    );
    let other = lookup::day_counts(c.store.conn(), day.succ_opt().unwrap()).unwrap();
    assert_eq!(other.received, 0);
}

#[test]
fn a_withdrawn_matter_is_refused_at_intake_and_taken_in_again_once_reinstated() {
    use bianmin::catalogue::{search, withdrawal};
    let mut c = center();
    let applicant = || application("RS-003", person("李红", 3), &["居民身份证"]);
    // Only a manager withdraws, with a reason; a refusal changes nothing.
    let before = snapshot(&c.store);
    let err =
        withdrawal::withdraw(&mut c.store, &c.clerk, monday(), "RS-003", "并入一件事").unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    let err = withdrawal::withdraw(&mut c.store, &c.manager, monday(), "RS-003", "  ").unwrap_err();
    assert!(err.to_string().contains("停用原因"), "{err}");
    let err = withdrawal::reinstate(&mut c.store, &c.manager, monday(), "RS-003").unwrap_err();
    assert!(err.to_string().contains("没有停用"), "{err}");
    assert_eq!(snapshot(&c.store), before);

    let w = withdrawal::withdraw(
        &mut c.store,
        &c.manager,
        monday(),
        "RS-003",
        "已并入“就业一件事”",
    )
    .unwrap();
    assert_eq!(w.reason, "已并入“就业一件事”");
    let err =
        withdrawal::withdraw(&mut c.store, &c.manager, monday(), "RS-003", "again").unwrap_err();
    assert!(err.to_string().contains("已经停用"), "{err}");
    let before = snapshot(&c.store);
    let err = bianmin::intake::record(&mut c.store, &c.clerk, monday(), applicant()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("就业失业登记") && msg.contains("已停用") && msg.contains("就业一件事"),
        "{msg}"
    );
    assert_eq!(
        snapshot(&c.store),
        before,
        "a refused intake records nothing"
    );
    // Not offered at the counter; still listed, marked, for the manager.
    assert!(search::find(c.store.conn(), "就业失业").unwrap().is_empty());
    let browsed = search::browse(c.store.conn(), "就业失业").unwrap();
    assert_eq!(browsed.len(), 1);
    assert!(browsed[0].withdrawn);
    // The tables follow the log.
    let projected = bianmin::store::dump::projections(c.store.conn()).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.manager).unwrap();
    assert_eq!(
        bianmin::store::dump::projections(c.store.conn()).unwrap(),
        projected
    );

    withdrawal::reinstate(&mut c.store, &c.manager, monday(), "RS-003").unwrap();
    assert_eq!(search::find(c.store.conn(), "就业失业").unwrap().len(), 1);
    bianmin::intake::record(&mut c.store, &c.clerk, monday(), applicant()).unwrap();
}

#[test]
fn an_edited_matter_is_a_new_version_and_its_refusal_names_the_field() {
    let mut c = center();
    let (v1, mut m) = versions::current(c.store.conn(), "RS-003").unwrap();
    m.basic_code = "000140012000".into();
    m.implementation_code = "11371402MB2849371K000140012000".into();
    m.materials[0].note = "核对后退还原件".into();
    assert_eq!(
        versions::publish(&mut c.store, &c.manager, monday(), &m).unwrap(),
        Some(v1 + 1)
    );
    // The same form saved again makes nothing.
    assert_eq!(
        versions::publish(&mut c.store, &c.manager, monday(), &m).unwrap(),
        None
    );
    let (_, saved) = versions::current(c.store.conn(), "RS-003").unwrap();
    assert_eq!(saved.basic_code, "000140012000");
    // The codes travel in the catalogue file.
    let text = versions::export(c.store.conn()).unwrap();
    assert!(text.contains("basic_code = \"000140012000\""), "{text}");
    let mut bad = saved.clone();
    bad.promised_days = bad.statutory_days + 1;
    let before = snapshot(&c.store);
    let err = versions::publish(&mut c.store, &c.manager, monday(), &bad).unwrap_err();
    match &err {
        Error::Catalogue(e) => assert_eq!(e.field(), Some("promised_days")),
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("不得超过法定时限"), "{err}");
    assert_eq!(snapshot(&c.store), before);
}
