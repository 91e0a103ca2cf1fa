//! The service desk: consultations with follow-up and conversion to an
//! intake, evaluations opening rectifications, follow-up sampling, and the
//! complaints register with its confidentiality.

mod common;

use bianmin::intake::{self, Outcome};
use bianmin::lifecycle::handling::{self, Decision};
use bianmin::service::complaints::{self, NewComplaint};
use bianmin::service::consultation::{self, Channel, Enquiry};
use bianmin::service::evaluation::{self, Channel as Rated, Rating};
use bianmin::service::ServiceError;
use bianmin::Error;
use common::*;

fn rating(level: u8, reasons: &[String], comment: &str, channel: Rated) -> Rating {
    Rating {
        level,
        reasons: reasons.to_vec(),
        comment: comment.into(),
        channel,
    }
}

fn completed_case(c: &mut Center, n: u32) -> String {
    let no = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("刘桂英", n), &["1", "2", "3", "5"]),
    )
    .unwrap()
    .case_no;
    handling::assign(&mut c.store, &c.clerk, monday(), &no, "clerk", None).unwrap();
    handling::complete(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 25),
        &no,
        Decision::Approve,
        None,
    )
    .unwrap();
    no
}

#[test]
fn a_consultation_with_follow_up_turns_into_an_intake_in_one_step() {
    let mut c = center();
    let q = consultation::record(
        &mut c.store,
        &c.clerk,
        monday(),
        Channel::Phone,
        Enquiry {
            asker_name: "刘桂英".into(),
            asker_phone: "13905341234".into(),
            question: "80岁老人高龄津贴怎么申请？".into(),
            matter_code: Some("MZ-005".into()),
            answer: "带身份证、户口簿、银行卡到窗口申请".into(),
            follow_up_department: Some("县民政局".into()),
            follow_up_days: Some(3),
        },
    )
    .unwrap();
    assert_eq!(q.owner, "测试");
    assert_eq!(
        q.follow_up_due,
        Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
    );
    assert_eq!(
        consultation::list(c.store.conn(), None, true)
            .unwrap()
            .len(),
        1,
        "an open follow-up"
    );
    consultation::reply(
        &mut c.store,
        &c.clerk,
        monday(),
        &q.consultation_id,
        "县民政局确认：按月发放",
    )
    .unwrap();
    assert!(consultation::list(c.store.conn(), None, true)
        .unwrap()
        .is_empty());
    // Convert: matter, name and phone carry over.
    let mut app = application("", person("", 1), &["1", "2", "3", "5"]);
    app.applicant.phone = String::new();
    let r = consultation::convert(
        &mut c.store,
        &c.clerk,
        monday(),
        &q.consultation_id,
        app.clone(),
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Accepted);
    let d = intake::lookup::detail_unmasked(c.store.conn(), &r.case_no).unwrap();
    assert_eq!(
        (
            d.summary.applicant_name.as_str(),
            d.summary.applicant_phone.as_str()
        ),
        ("刘桂英", "13905341234")
    );
    assert_eq!(
        consultation::find(c.store.conn(), &q.consultation_id)
            .unwrap()
            .case_no,
        Some(r.case_no.clone())
    );
    let before = snapshot(&c.store);
    let err = consultation::convert(&mut c.store, &c.clerk, monday(), &q.consultation_id, app)
        .unwrap_err();
    assert!(
        matches!(err, Error::Service(ServiceError::AlreadyConverted(_))),
        "{err}"
    );
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn a_consultation_needs_a_question_and_an_answer_and_a_valid_phone() {
    let mut c = center();
    let before = snapshot(&c.store);
    for (e, want) in [
        (
            Enquiry {
                question: " ".into(),
                answer: "a".into(),
                ..Default::default()
            },
            "咨询内容不能为空",
        ),
        (
            Enquiry {
                question: "q".into(),
                answer: "".into(),
                ..Default::default()
            },
            "答复内容不能为空",
        ),
        (
            Enquiry {
                question: "q".into(),
                answer: "a".into(),
                asker_phone: "123".into(),
                ..Default::default()
            },
            "联系电话",
        ),
        (
            Enquiry {
                question: "q".into(),
                answer: "a".into(),
                matter_code: Some("NO-1".into()),
                ..Default::default()
            },
            "没有编码为",
        ),
    ] {
        let err = consultation::record(&mut c.store, &c.clerk, monday(), Channel::WalkIn, e)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{err} / {want}");
    }
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn a_bad_rating_opens_a_rectification_closed_only_by_a_manager_with_a_result() {
    let mut c = center();
    let no = completed_case(&mut c, 1);
    let good = evaluation::evaluate_case(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        &rating(5, &["办事效率高".into()], "", Rated::Keypad),
    )
    .unwrap();
    assert_eq!(
        (good.level_label, good.rectification_id.is_none()),
        ("非常满意", true)
    );
    let err = evaluation::evaluate_case(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        &rating(4, &[], "", Rated::Keypad),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Service(ServiceError::AlreadyEvaluated(_))),
        "{err}"
    );
    let bad = evaluation::evaluate_case(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 26),
        &no,
        &rating(2, &["等候时间长".into()], "排队一小时", Rated::Paper),
    )
    .unwrap();
    let rid = bad.rectification_id.clone().expect("a rectification");
    // Thu 11-26 + 5 working days = Thu 12-03.
    assert_eq!(
        bad.rectification_due,
        Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap())
    );
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let open = evaluation::rectifications(c.store.conn(), day(3), false).unwrap();
    assert_eq!(
        (open.len(), open[0].case_no.as_deref(), open[0].overdue),
        (1, Some(no.as_str()), false)
    );
    assert_eq!(open[0].reasons, ["等候时间长"]);
    let late = evaluation::rectifications(c.store.conn(), day(4), false).unwrap();
    assert!(late[0].overdue, "open after its due date");
    let err = evaluation::close_rectification(&mut c.store, &c.clerk, monday(), &rid, "已整改")
        .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    let err =
        evaluation::close_rectification(&mut c.store, &c.manager, monday(), &rid, " ").unwrap_err();
    assert!(err.to_string().contains("整改结果不能为空"), "{err}");
    evaluation::close_rectification(
        &mut c.store,
        &c.manager,
        monday(),
        &rid,
        "增开一个综合窗口，高峰期分流",
    )
    .unwrap();
    let closed = evaluation::rectifications(c.store.conn(), day(4), false).unwrap();
    assert_eq!(
        (closed[0].result.as_deref(), closed[0].overdue),
        (Some("增开一个综合窗口，高峰期分流"), false),
        "a closed item stays on the list a while, with its result"
    );
    let err = evaluation::close_rectification(&mut c.store, &c.manager, monday(), &rid, "再次")
        .unwrap_err();
    assert!(
        matches!(err, Error::Service(ServiceError::AlreadyClosed(_))),
        "{err}"
    );
}

/// A manager draws the follow-up sample of November at the center's share.
fn sample_november(c: &mut Center) -> Vec<(String, String)> {
    evaluation::sample(
        &mut c.store,
        &c.manager,
        monday(),
        evaluation::SamplePeriod {
            from: at(2026, 11, 1).date_naive(),
            to: at(2026, 11, 30).date_naive(),
        },
        None,
    )
    .unwrap()
}

#[test]
fn the_centers_own_rectification_days_and_sample_share_are_used() {
    let mut c = center();
    let profile = bianmin::center::load(c.store.conn()).unwrap();
    bianmin::center::set(
        &mut c.store,
        &c.manager,
        monday(),
        bianmin::center::CenterProfile {
            rectify_days: 15,
            sample_percent: 50,
            ..profile.clone()
        },
    )
    .unwrap();
    // The province allows no more than 15 working days.
    let err = bianmin::center::set(
        &mut c.store,
        &c.manager,
        monday(),
        bianmin::center::CenterProfile {
            rectify_days: 16,
            ..profile
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("差评整改期限"), "{err}");
    let no = completed_case(&mut c, 1);
    let bad = evaluation::evaluate_case(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 26),
        &no,
        &rating(1, &["等候时间长".into()], "", Rated::Paper),
    )
    .unwrap();
    // Thu 11-26 + 15 working days = Thu 12-17.
    assert_eq!(
        bad.rectification_due,
        Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 17).unwrap())
    );
    for n in 2..=4 {
        completed_case(&mut c, n);
    }
    let drawn = sample_november(&mut c);
    assert_eq!(drawn.len(), 3, "the bad rating, and 50 % of the other 3");
    assert_eq!(drawn[0].1, no, "every named bad rating gets a return call");
}

#[test]
fn only_completed_cases_are_rated_with_levels_and_reasons_from_the_lists() {
    let mut c = center();
    let open = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("王", 2), &["1", "2", "3", "5"]),
    )
    .unwrap();
    let err = evaluation::evaluate_case(
        &mut c.store,
        &c.clerk,
        monday(),
        &open.case_no,
        &rating(5, &[], "", Rated::Keypad),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Service(ServiceError::NotCompleted { .. })),
        "{err}"
    );
    let no = completed_case(&mut c, 3);
    for (level, reasons) in [(0u8, vec![]), (6, vec![]), (3, vec!["太好了".to_string()])] {
        assert!(evaluation::evaluate_case(
            &mut c.store,
            &c.clerk,
            monday(),
            &no,
            &rating(level, &reasons, "", Rated::Keypad)
        )
        .is_err());
    }
}

#[test]
fn follow_up_sampling_draws_the_percentage_and_records_calls() {
    let mut c = center();
    let done: Vec<String> = (10..30).map(|n| completed_case(&mut c, n)).collect();
    let err = evaluation::sample(
        &mut c.store,
        &c.clerk,
        monday(),
        evaluation::SamplePeriod {
            from: at(2026, 11, 1).date_naive(),
            to: at(2026, 11, 30).date_naive(),
        },
        Some(10),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    let drawn = evaluation::sample(
        &mut c.store,
        &c.manager,
        monday(),
        evaluation::SamplePeriod {
            from: at(2026, 11, 1).date_naive(),
            to: at(2026, 11, 30).date_naive(),
        },
        Some(10),
    )
    .unwrap();
    assert_eq!(drawn.len(), 2, "10 % of 20");
    assert!(drawn.iter().all(|(_, no)| done.contains(no)));
    // A second draw never repeats a case.
    let again = evaluation::sample(
        &mut c.store,
        &c.manager,
        monday(),
        evaluation::SamplePeriod {
            from: at(2026, 11, 1).date_naive(),
            to: at(2026, 11, 30).date_naive(),
        },
        Some(100),
    )
    .unwrap();
    assert_eq!(again.len(), 18);
    evaluation::record_call(
        &mut c.store,
        &c.clerk,
        monday(),
        &drawn[0].0,
        true,
        "申请人表示满意，津贴已到账",
    )
    .unwrap();
    let (reached, outcome): (bool, String) = c
        .store
        .conn()
        .query_row(
            "SELECT reached, outcome FROM follow_up_calls WHERE number = ?1",
            [&drawn[0].0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(reached && outcome.contains("满意"));
}

#[test]
fn a_complaint_is_answered_rechecked_when_not_accepted_and_hides_the_complainant() {
    let mut c = center();
    let new = NewComplaint {
        complainant_name: "赵大妈".into(),
        complainant_contact: "13805349999".into(),
        channel: "电话".into(),
        target: "A01 号窗口 王芳".into(),
        category: "拖延".into(),
        content: "材料交了两周没有消息".into(),
        days: None,
    };
    let err = complaints::register(
        &mut c.store,
        &c.clerk,
        monday(),
        NewComplaint {
            category: "不开心".into(),
            ..new.clone()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("投诉类别"), "{err}");
    let k = complaints::register(&mut c.store, &c.clerk, monday(), new).unwrap();
    assert_eq!(
        k.complainant_name, "***",
        "a clerk does not see who complained"
    );
    assert_eq!(
        k.deadline,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    );
    let seen_by_manager = complaints::find(c.store.conn(), &c.manager, &k.complaint_id).unwrap();
    assert_eq!(
        (
            seen_by_manager.complainant_name.as_str(),
            seen_by_manager.complainant_contact.as_str()
        ),
        ("赵大妈", "13805349999")
    );
    let err = complaints::answer(&mut c.store, &c.clerk, monday(), &k.complaint_id, "r", "f")
        .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    let err =
        complaints::review(&mut c.store, &c.manager, monday(), &k.complaint_id, true).unwrap_err();
    assert!(
        matches!(err, Error::Service(ServiceError::ComplaintStep { .. })),
        "{err}"
    );
    complaints::transfer(
        &mut c.store,
        &c.manager,
        monday(),
        &k.complaint_id,
        "县民政局",
    )
    .unwrap();
    complaints::answer(
        &mut c.store,
        &c.manager,
        at(2026, 11, 24),
        &k.complaint_id,
        "已催办，11月25日办结",
        "电话告知投诉人",
    )
    .unwrap();
    let k2 = complaints::review(
        &mut c.store,
        &c.manager,
        at(2026, 11, 24),
        &k.complaint_id,
        false,
    )
    .unwrap();
    assert_eq!(
        (k2.state.as_str(), k2.rechecks, k2.accepted),
        ("recheck", 1, Some(false))
    );
    assert_eq!(
        k2.deadline,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    );
    complaints::answer(
        &mut c.store,
        &c.manager,
        at(2026, 11, 26),
        &k.complaint_id,
        "已办结并当面致歉",
        "当面反馈",
    )
    .unwrap();
    let k3 = complaints::review(
        &mut c.store,
        &c.manager,
        at(2026, 11, 26),
        &k.complaint_id,
        true,
    )
    .unwrap();
    assert_eq!((k3.state.as_str(), k3.accepted), ("closed", Some(true)));
    assert!(complaints::list(c.store.conn(), &c.clerk, false)
        .unwrap()
        .is_empty());
    let all = complaints::list(c.store.conn(), &c.clerk, true).unwrap();
    assert_eq!(all[0].complainant_contact, "***");
    // Everything rebuilds from the log.
    let before = bianmin::store::dump::projections(c.store.conn()).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.admin).unwrap();
    assert_eq!(
        bianmin::store::dump::projections(c.store.conn()).unwrap(),
        before
    );
}

#[test]
fn complaints_rectifications_and_calls_have_short_numbers_and_closed_ones_stay_findable() {
    let mut c = center();
    let complaint = |c: &mut Center, content: &str| {
        complaints::register(
            &mut c.store,
            &c.clerk,
            monday(),
            NewComplaint {
                complainant_name: "李明".into(),
                complainant_contact: "13800001111".into(),
                channel: "当面".into(),
                target: "综合窗口".into(),
                category: "态度".into(),
                content: content.into(),
                days: None,
            },
        )
        .unwrap()
    };
    assert_eq!(complaint(&mut c, "等候过长").number, "TS-A01-001");
    let second = complaint(&mut c, "材料说明不清");
    assert_eq!(second.number, "TS-A01-002");
    // Named by its number (in any case), a complaint is handled and closed.
    complaints::answer(
        &mut c.store,
        &c.manager,
        monday(),
        "ts-a01-002",
        "已核实",
        "已致歉",
    )
    .unwrap();
    let closed =
        complaints::review(&mut c.store, &c.manager, monday(), "TS-A01-002", true).unwrap();
    assert_eq!(
        (closed.complaint_id.as_str(), closed.state.as_str()),
        (second.complaint_id.as_str(), "closed")
    );
    let open = complaints::list(c.store.conn(), &c.manager, false).unwrap();
    assert_eq!(
        open.iter().map(|c| c.number.as_str()).collect::<Vec<_>>(),
        ["TS-A01-001"]
    );
    let all = complaints::list(c.store.conn(), &c.manager, true).unwrap();
    assert_eq!(all.len(), 2, "a closed complaint is still found");
    let err = complaints::find(c.store.conn(), &c.manager, "TS-A01-009").unwrap_err();
    assert!(err.to_string().contains("TS-A01-009"), "{err}");

    // A bad rating's rectification, closed by its number.
    let no = completed_case(&mut c, 1);
    let bad = evaluation::evaluate_case(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 26),
        &no,
        &rating(2, &["等候时间长".into()], "", Rated::Paper),
    )
    .unwrap();
    assert_eq!(bad.rectification_number.as_deref(), Some("ZG-A01-001"));
    evaluation::close_rectification(&mut c.store, &c.manager, monday(), "ZG-A01-001", "增开窗口")
        .unwrap();
    // Months later it has left the recent list, but 已办结 finds it.
    let later = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    assert!(evaluation::rectifications(c.store.conn(), later, false)
        .unwrap()
        .is_empty());
    let all = evaluation::rectifications(c.store.conn(), later, true).unwrap();
    assert_eq!(all[0].number, "ZG-A01-001");

    // Follow-up calls are numbered as drawn and recorded by number.
    let drawn = sample_november(&mut c);
    assert_eq!(drawn[0], ("HF-A01-001".to_owned(), no.clone()));
    evaluation::record_call(
        &mut c.store,
        &c.clerk,
        monday(),
        "HF-A01-001",
        true,
        "已回访，满意",
    )
    .unwrap();
    let calls = evaluation::followups(c.store.conn(), &c.clerk, later, true).unwrap();
    assert_eq!(calls[0].number, "HF-A01-001");
    assert!(calls[0].called_at.is_some());
    assert!(
        evaluation::followups(c.store.conn(), &c.clerk, later, false)
            .unwrap()
            .is_empty()
    );

    // The numbers are in the events: a rebuild gives the same ones.
    let before = bianmin::store::dump::projections(c.store.conn()).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.manager).unwrap();
    assert_eq!(
        bianmin::store::dump::projections(c.store.conn()).unwrap(),
        before
    );
}
