//! Intake through the core: each outcome, every refusal writes nothing,
//! verbatim text, re-submission links, catalogue versions and case numbers.

mod common;

use bianmin::applicant::ApplicantError;
use bianmin::auth::AuthError;
use bianmin::calendar::CalendarError;
use bianmin::catalogue::{versions, CatalogueError};
use bianmin::intake::{self, lookup, IntakeError, Outcome, Proxy};
use bianmin::Error;
use chrono::NaiveDate;
use common::*;

// MZ-005 高龄津贴申请 (承诺件, 5 days): 1 ID, 2 户口簿, 3 申请表, 4 照片 (optional), 5 银行账户.
const ELDERLY: &str = "MZ-005";
// MZ-001 最低生活保障申请 (上报件, 20 days): 7 materials, 6 optional.
const DIBAO: &str = "MZ-001";
// MZ-006 老年人优待证办理 (即办件): 1 ID, 2 照片.
const CARD: &str = "MZ-006";
// CL-001 残疾人证申领 (本人亲办).
const DISABILITY: &str = "CL-001";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn all_materials_of_a_promised_matter_is_accepted_with_a_due_date() {
    let mut c = center();
    let app = application(ELDERLY, person("刘桂英", 1), &["1", "2", "3", "5"]);
    let r = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap();
    assert_eq!(r.outcome, Outcome::Accepted);
    assert_eq!(r.case_no, "371402101-20261123-A01-0001");
    assert_eq!(r.due_date, Some(day(2026, 11, 30)));
    assert!(r.missing.is_empty());
    let d = lookup::detail_unmasked(c.store.conn(), &r.case_no).unwrap();
    assert_eq!(d.summary.state, "accepted");
    assert_eq!(d.summary.query_code, r.query_code);
    assert_eq!(d.timeline.len(), 1);
    assert_eq!(d.timeline[0].user_id, c.clerk.user_id);
    let provided: Vec<bool> = d.materials.iter().map(|m| m.provided).collect();
    assert_eq!(provided, [true, true, true, false, true]);
}

#[test]
fn an_on_the_spot_matter_is_completed_at_once() {
    let mut c = center();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(
            CARD,
            person("孙秀兰", 2),
            &["居民身份证", "近期免冠一寸照片"],
        ),
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::OnTheSpot);
    assert_eq!(r.due_date, None);
    let d = lookup::detail_unmasked(c.store.conn(), &r.case_no).unwrap();
    assert_eq!(d.summary.state, "completed");
    assert_eq!(d.completed_at.as_deref(), Some(r.received_at.as_str()));
}

#[test]
fn a_notice_lists_every_missing_required_material_in_catalogue_order() {
    let mut c = center();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(DIBAO, person("王𠮷", 3), &["2"]),
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Notice);
    let names: Vec<&str> = r.missing.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "最低生活保障申请书",
            "户口簿",
            "家庭收入和财产状况声明",
            "家庭经济状况核对授权书",
            "银行账户"
        ]
    );
    assert!(r.missing.iter().all(|m| m.required));
    assert_eq!(
        lookup::detail_unmasked(c.store.conn(), &r.case_no)
            .unwrap()
            .summary
            .state,
        "noticed"
    );
}

#[test]
fn a_refusal_keeps_the_reason_and_attaches_the_legal_basis() {
    let mut c = center();
    let mut app = application("ZJ-001", person("赵建国", 4), &[]);
    app.refusal_reason = Some("申请人非本集体经济组织成员".into());
    let r = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap();
    assert_eq!(r.outcome, Outcome::Refused);
    assert_eq!(
        r.refusal_reason.as_deref(),
        Some("申请人非本集体经济组织成员")
    );
    assert!(
        r.legal_basis
            .contains("《中华人民共和国土地管理法》第六十二条"),
        "{}",
        r.legal_basis
    );
    let mut blank = application("ZJ-001", person("赵建国", 4), &[]);
    blank.refusal_reason = Some("  ".into());
    let before = snapshot(&c.store);
    let err = intake::record(&mut c.store, &c.clerk, monday(), blank).unwrap_err();
    assert!(matches!(
        err,
        Error::Intake(IntakeError::RefusalReasonMissing)
    ));
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn a_noticed_case_resubmitted_later_is_linked_to_the_first_attempt() {
    let mut c = center();
    let first = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(ELDERLY, person("刘桂英", 1), &["1"]),
    )
    .unwrap();
    assert_eq!(first.outcome, Outcome::Notice);
    let mut again = application(ELDERLY, person("刘桂英", 1), &["1", "2", "3", "5"]);
    again.resubmission_of = Some(first.case_no.clone());
    let second = intake::record(&mut c.store, &c.clerk, at(2026, 11, 25), again.clone()).unwrap();
    assert_eq!(second.outcome, Outcome::Accepted);
    assert_eq!(
        second.previous_case_no.as_deref(),
        Some(first.case_no.as_str())
    );
    // Counted from the re-submission day: Wed 11-25 + 5 = Wed 12-02.
    assert_eq!(second.due_date, Some(day(2026, 12, 2)));
    let d1 = lookup::detail_unmasked(c.store.conn(), &first.case_no).unwrap();
    assert_eq!(d1.next_case_no.as_deref(), Some(second.case_no.as_str()));
    // Neither the same attempt twice, nor an accepted case, nor another applicant.
    let before = snapshot(&c.store);
    let err = intake::record(&mut c.store, &c.clerk, at(2026, 11, 25), again).unwrap_err();
    assert!(
        matches!(err, Error::Intake(IntakeError::AlreadyResubmitted(..))),
        "{err}"
    );
    let mut on_accepted = application(ELDERLY, person("刘桂英", 1), &["1", "2", "3", "5"]);
    on_accepted.resubmission_of = Some(second.case_no.clone());
    let err = intake::record(&mut c.store, &c.clerk, at(2026, 11, 25), on_accepted).unwrap_err();
    assert!(
        matches!(err, Error::Intake(IntakeError::CannotResubmit { .. })),
        "{err}"
    );
    assert_eq!(snapshot(&c.store), before);
    let third = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(DIBAO, person("王五", 7), &[]),
    )
    .unwrap();
    let mut other = application(DIBAO, person("李四", 8), &[]);
    other.resubmission_of = Some(third.case_no);
    let err = intake::record(&mut c.store, &c.clerk, monday(), other).unwrap_err();
    assert!(err.to_string().contains("申请人证件号码"), "{err}");
    let after: i64 = c
        .store
        .conn()
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, 3);
}

#[test]
fn a_wrong_id_number_writes_nothing_and_names_the_check_digit() {
    let mut c = center();
    let before = snapshot(&c.store);
    let mut p = person("刘桂英", 1);
    p.id_number
        .replace_range(17.., if p.id_number.ends_with('0') { "1" } else { "0" });
    let err = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(ELDERLY, p, &["1", "2", "3", "5"]),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Applicant(ApplicantError::IdChecksum { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("未通过校验"));
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn other_bad_input_writes_nothing() {
    let mut c = center();
    let before = snapshot(&c.store);
    let cases: Vec<(bianmin::intake::Application, &str)> = vec![
        (
            {
                let mut p = person("刘", 1);
                p.phone = "1390534123".into();
                application(ELDERLY, p, &[])
            },
            "联系电话",
        ),
        (
            {
                let mut p = person("刘", 1);
                p.name = "   ".into();
                application(ELDERLY, p, &[])
            },
            "申请人姓名不能为空",
        ),
        (
            {
                let mut p = person("刘", 1);
                p.address = "".into();
                application(ELDERLY, p, &[])
            },
            "联系地址不能为空",
        ),
        (application("NO-SUCH", person("刘", 1), &[]), "没有编码为"),
        (application(ELDERLY, person("刘", 1), &["9"]), "没有“9”"),
        (
            application(ELDERLY, person("刘", 1), &["营业执照"]),
            "营业执照",
        ),
    ];
    for (app, want) in cases {
        let err = intake::record(&mut c.store, &c.clerk, monday(), app)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{err} should mention {want}");
        assert_eq!(snapshot(&c.store), before, "{want}");
    }
}

#[test]
fn a_proxy_is_refused_for_an_in_person_matter_and_recorded_otherwise() {
    let mut c = center();
    let proxy = Proxy {
        person: person("刘小明", 30),
        relation: "儿子".into(),
    };
    let mut app = application(DISABILITY, person("刘桂英", 1), &["1", "2", "3", "4", "5"]);
    app.proxy = Some(proxy.clone());
    let before = snapshot(&c.store);
    let err = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap_err();
    assert!(
        matches!(err, Error::Intake(IntakeError::ProxyNotAllowed(_))),
        "{err}"
    );
    assert!(err.to_string().contains("本人亲自办理"));
    assert_eq!(snapshot(&c.store), before);
    let mut app = application(ELDERLY, person("刘桂英", 1), &["1", "2", "3", "5"]);
    app.proxy = Some(proxy);
    let r = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap();
    let d = lookup::detail_unmasked(c.store.conn(), &r.case_no).unwrap();
    assert_eq!(d.proxy_name.as_deref(), Some("刘小明"));
    assert_eq!(d.proxy_relation.as_deref(), Some("儿子"));
}

#[test]
fn text_is_stored_verbatim() {
    let mut c = center();
    let nasty = [
        "'; DROP TABLE cases;--",
        "<script>alert(1)</script>",
        "引号\"单引号'反斜杠\\",
        "\u{200F}עברית\u{200E} 😀👨‍👩‍👧",
    ];
    // As long as an address may be, with the hostile text in front.
    let long_address = "杨庄村".repeat(50);
    assert!(long_address.chars().count() + 40 <= bianmin::applicant::MAX_ADDRESS_CHARS);
    for (i, text) in nasty.iter().enumerate() {
        let mut p = person("𠮷䶮𪚥", 10 + i as u32);
        p.address = format!("{text}{long_address}");
        let mut app = application("ZJ-001", p.clone(), &[]);
        app.refusal_reason = Some(text.to_string());
        // The reason is printed on the refusal notice: what the fonts
        // cannot draw (Hebrew, emoji) is refused whole, naming it.
        let reason = match intake::record(&mut c.store, &c.clerk, monday(), app.clone()) {
            Ok(r) => (r, text.to_string()),
            Err(e) => {
                assert!(e.to_string().contains("打印字体中不存在"), "{e}");
                app.refusal_reason = Some("不符合受理条件".into());
                let r = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap();
                (r, "不符合受理条件".to_string())
            }
        };
        let (r, reason) = reason;
        let d = lookup::detail_unmasked(c.store.conn(), &r.case_no).unwrap();
        assert_eq!(d.summary.applicant_name, "𠮷䶮𪚥");
        assert_eq!(d.applicant_address, p.address);
        assert_eq!(d.refusal_reason.as_deref(), Some(reason.as_str()));
    }
    let count: i64 = c
        .store
        .conn()
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, nasty.len() as i64, "the cases table survived");
}

#[test]
fn lower_case_x_is_stored_upper_case() {
    let mut c = center();
    let mut p = person("王", 0);
    p.id_number = "11010519491231002x".into();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(CARD, p, &["1", "2"]),
    )
    .unwrap();
    let d = lookup::detail_unmasked(c.store.conn(), &r.case_no).unwrap();
    assert_eq!(d.summary.applicant_id_number, "11010519491231002X");
}

#[test]
fn a_case_taken_on_a_saturday_counts_from_the_next_working_day() {
    let mut c = center();
    // Sat 2026-09-26 is a holiday (中秋节) and a weekend; Sun 09-27 too.
    // Working days after: Mon 28, Tue 29, Wed 30, Thu 10-08, Fri 10-09.
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        at(2026, 9, 26),
        application(ELDERLY, person("刘", 1), &["1", "2", "3", "5"]),
    )
    .unwrap();
    assert_eq!(r.due_date, Some(day(2026, 10, 9)));
    assert_eq!(r.case_no, "371402101-20260926-A01-0001");
}

#[test]
fn acceptance_in_a_year_without_a_calendar_is_refused_and_writes_nothing() {
    let mut c = center();
    let before = snapshot(&c.store);
    let err = intake::record(
        &mut c.store,
        &c.clerk,
        at(2026, 12, 28),
        application(ELDERLY, person("刘", 1), &["1", "2", "3", "5"]),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Calendar(CalendarError::YearMissing(2027))),
        "{err}"
    );
    assert!(err.to_string().contains("2027"));
    assert_eq!(snapshot(&c.store), before);
    // A notice needs no due date and is still taken.
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        at(2026, 12, 28),
        application(ELDERLY, person("刘", 1), &[]),
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Notice);
}

#[test]
fn case_numbers_count_per_device_per_day() {
    let mut c = center();
    let mut nos = Vec::new();
    for (n, when) in [monday(), monday(), at(2026, 11, 24), monday()]
        .into_iter()
        .enumerate()
    {
        let r = intake::record(
            &mut c.store,
            &c.clerk,
            when,
            application(CARD, person("王", n as u32), &["1", "2"]),
        )
        .unwrap();
        nos.push(r.case_no);
    }
    assert_eq!(
        nos,
        [
            "371402101-20261123-A01-0001",
            "371402101-20261123-A01-0002",
            "371402101-20261124-A01-0001",
            "371402101-20261123-A01-0003"
        ]
    );
}

#[test]
fn a_case_keeps_the_catalogue_version_it_was_taken_under() {
    let mut c = center();
    let first = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(ELDERLY, person("刘", 1), &["1", "2", "3", "5"]),
    )
    .unwrap();
    let (v1, mut matter) = versions::current(c.store.conn(), ELDERLY).unwrap();
    matter.promised_days = 3;
    matter.materials.remove(3);
    let v2 = versions::publish(&mut c.store, &c.manager, monday(), &matter).unwrap();
    assert_eq!(v2, Some(v1 + 1));
    assert_eq!(
        versions::publish(&mut c.store, &c.manager, monday(), &matter).unwrap(),
        None,
        "unchanged: no new version"
    );
    let second = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(ELDERLY, person("刘", 2), &["1", "2", "3", "4"]),
    )
    .unwrap();
    assert_eq!(second.due_date, Some(day(2026, 11, 26)));
    let d1 = lookup::detail_unmasked(c.store.conn(), &first.case_no).unwrap();
    let d2 = lookup::detail_unmasked(c.store.conn(), &second.case_no).unwrap();
    assert_eq!(
        (d1.matter_version, d1.materials.len(), d1.summary.due_date),
        (v1, 5, Some(day(2026, 11, 30)))
    );
    assert_eq!((d2.matter_version, d2.materials.len()), (v1 + 1, 4));
    assert_eq!(
        versions::version(c.store.conn(), ELDERLY, v1)
            .unwrap()
            .promised_days,
        5
    );
}

#[test]
fn catalogue_rules_are_enforced_in_the_core_for_every_role() {
    let mut c = center();
    let (_, mut matter) = versions::current(c.store.conn(), ELDERLY).unwrap();
    matter.promised_days = matter.statutory_days + 1;
    let before = snapshot(&c.store);
    let err = versions::publish(&mut c.store, &c.manager, monday(), &matter).unwrap_err();
    assert!(
        matches!(err, Error::Catalogue(CatalogueError::Rule { .. })),
        "{err}"
    );
    matter.promised_days = 1;
    for s in [&c.clerk, &c.admin] {
        let err = versions::publish(&mut c.store, s, monday(), &matter).unwrap_err();
        assert!(
            matches!(err, Error::Auth(AuthError::Forbidden { .. })),
            "{err}"
        );
    }
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn only_clerks_agents_and_managers_take_intakes() {
    let mut c = center();
    let err = intake::record(
        &mut c.store,
        &c.admin,
        monday(),
        application(CARD, person("王", 1), &["1", "2"]),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Forbidden { .. })),
        "{err}"
    );
    intake::record(
        &mut c.store,
        &c.manager,
        monday(),
        application(CARD, person("王", 1), &["1", "2"]),
    )
    .unwrap();
}

#[test]
fn quick_search_finds_a_case_by_every_key() {
    let mut c = center();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(CARD, person("欧阳𠮷", 5), &["1", "2"]),
    )
    .unwrap();
    let p = person("欧阳𠮷", 5);
    for key in [
        r.case_no.clone(),
        r.query_code.to_lowercase(),
        p.id_number.clone(),
        p.phone.clone(),
        "欧阳".into(),
        "欧阳𠮷".into(),
    ] {
        let found = lookup::search(c.store.conn(), &key, 10).unwrap();
        assert_eq!(found.len(), 1, "{key}");
        assert_eq!(found[0].case_no, r.case_no);
    }
    assert!(
        lookup::search(c.store.conn(), "%", 10).unwrap().is_empty(),
        "LIKE wildcards are escaped"
    );
}

#[test]
fn lists_mask_ids_and_phones_and_only_the_responsible_clerk_or_a_manager_sees_them_in_full() {
    let mut c = center();
    let p = person("刘桂英", 1);
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(ELDERLY, p.clone(), &["1", "2", "3", "5"]),
    )
    .unwrap();
    // Lists: masked for everyone, and a full ID number still finds the case.
    let found = lookup::search(c.store.conn(), &p.id_number, 5).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].applicant_id_number,
        bianmin::applicant::mask::id_number(&p.id_number)
    );
    assert_eq!(found[0].applicant_phone, "139****1234");
    assert!(
        lookup::received_on(c.store.conn(), day(2026, 11, 23)).unwrap()[0]
            .applicant_id_number
            .contains("********")
    );
    let viewed = |c: &Center| -> i64 {
        c.store
            .conn()
            .query_row(
                "SELECT count(*) FROM events WHERE kind = 'privacy.id_viewed'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    // The clerk who took it: full, not logged.
    let clerk = c.clerk.clone();
    let d = lookup::detail_for(&mut c.store, &clerk, monday(), &r.case_no).unwrap();
    assert_eq!(d.summary.applicant_id_number, p.id_number);
    assert_eq!(viewed(&c), 0);
    // Another role without a stake: masked.
    let admin = c.admin.clone();
    let d = lookup::detail_for(&mut c.store, &admin, monday(), &r.case_no).unwrap();
    assert!(d.summary.applicant_id_number.contains("********"));
    // A manager: full, and the view is in the audit log under the manager.
    let manager = c.manager.clone();
    let d = lookup::detail_for(&mut c.store, &manager, monday(), &r.case_no).unwrap();
    assert_eq!(d.summary.applicant_id_number, p.id_number);
    assert_eq!(viewed(&c), 1);
    let who: String = c
        .store
        .conn()
        .query_row(
            "SELECT user_id FROM events WHERE kind = 'privacy.id_viewed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(who, c.manager.user_id);
}

#[test]
fn an_open_one_time_notice_of_the_same_matter_and_applicant_is_offered_for_linking() {
    let mut c = center();
    let first = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application(ELDERLY, person("刘桂英", 1), &["1"]),
    )
    .unwrap();
    let offer = |c: &Center, matter: &str, id_number: &str| {
        lookup::resubmission_offer(c.store.conn(), matter, id_number).unwrap()
    };
    let o = offer(&c, ELDERLY, &id(1)).expect("the notice is offered");
    assert_eq!(o.case_no, first.case_no);
    assert_eq!(
        o.missing,
        ["户口簿", "高龄津贴申请表", "社会保障卡或银行账户"]
    );
    // Lower-case x is the same number; another applicant or matter is not.
    assert_eq!(
        offer(&c, ELDERLY, &id(1).to_lowercase()).map(|o| o.case_no),
        Some(first.case_no.clone())
    );
    assert_eq!(offer(&c, ELDERLY, &id(2)), None);
    assert_eq!(offer(&c, DIBAO, &id(1)), None);
    // Once re-submitted it is no longer offered.
    let mut again = application(ELDERLY, person("刘桂英", 1), &["1", "2", "3", "5"]);
    again.resubmission_of = Some(o.case_no);
    intake::record(&mut c.store, &c.clerk, at(2026, 11, 25), again).unwrap();
    assert_eq!(offer(&c, ELDERLY, &id(1)), None);
}
