//! The case lifecycle through the core: every step, every refusal (state,
//! role, handler), suspension moving the due date, the extension cap, AB角,
//! the watch lists, the timeline, and rebuild after lifecycle events.

mod common;

use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{Role, Session};
use bianmin::intake;
use bianmin::lifecycle::deadline::{self, Light};
use bianmin::lifecycle::handling::{self, Decision, SuspendKind};
use bianmin::lifecycle::{stand_in, timeline, LifecycleError, State};
use bianmin::store::dump;
use bianmin::Error;
use chrono::NaiveDate;
use common::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn second_clerk(c: &mut Center) -> Session {
    users::add(
        &mut c.store,
        &c.admin,
        monday(),
        &NewUser {
            username: "clerk2".into(),
            display_name: "李强".into(),
            staff_no: "0103".into(),
            role: Role::Clerk,
            password: "clerk2-pass".into(),
        },
    )
    .unwrap();
    users::verify_credentials(c.store.conn(), "clerk2", "clerk2-pass").unwrap()
}

/// An accepted 高龄津贴申请 (5 working days) taken on `(m, d)`.
fn accepted(c: &mut Center, n: u32, m: u32, d: u32) -> String {
    intake::record(
        &mut c.store,
        &c.clerk,
        at(2026, m, d),
        application("MZ-005", person("刘桂英", n), &["1", "2", "3", "5"]),
    )
    .unwrap()
    .case_no
}

fn state_of(c: &Center, case_no: &str) -> String {
    c.store
        .conn()
        .query_row(
            "SELECT state FROM cases WHERE case_no = ?1",
            [case_no],
            |r| r.get(0),
        )
        .unwrap()
}

fn illegal(err: Error) -> String {
    match err {
        Error::Lifecycle(e @ LifecycleError::IllegalStep { .. }) => e.to_string(),
        other => panic!("expected an illegal step, got {other}"),
    }
}

#[test]
fn assign_complete_collect_archive_with_the_full_timeline() {
    let mut c = center();
    let no = accepted(&mut c, 1, 11, 23);
    let done = handling::assign(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 23),
        &no,
        "clerk",
        Some("县民政局"),
    )
    .unwrap();
    assert_eq!(done.state, State::InProgress);
    handling::complete(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 25),
        &no,
        Decision::Approve,
        None,
    )
    .unwrap();
    handling::notify_pickup(&mut c.store, &c.clerk, at(2026, 11, 25), &no).unwrap();
    handling::collect(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 26),
        &no,
        "刘小明",
        &id(30),
        true,
    )
    .unwrap();
    let done = handling::archive(&mut c.store, &c.manager, at(2026, 11, 27), &no).unwrap();
    assert_eq!((done.state, done.state_label), (State::Archived, "已归档"));
    let row: (String, String, String, String) = c
        .store
        .conn()
        .query_row(
            "SELECT forwarded_to, result, completed_on, delivery FROM cases WHERE case_no = ?1",
            [&no],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(row.0, "县民政局");
    assert_eq!(row.1, "准予");
    assert_eq!(row.2, "2026-11-25");
    assert!(
        row.3.contains("代领") && row.3.contains("刘小明"),
        "{}",
        row.3
    );
    let log = timeline::of_case(c.store.conn(), &no).unwrap();
    let what: Vec<&str> = log.iter().map(|e| e.what).collect();
    assert_eq!(
        what,
        ["受理登记", "分派/转办", "办结", "通知领取", "领取", "归档"]
    );
    assert_eq!(log[5].user, "测试");
    assert_eq!(
        log[5].staff_no, "0100",
        "the archive was done by the manager"
    );
    // The projections rebuild exactly from the log.
    let before = dump::projections(c.store.conn()).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.manager).unwrap();
    assert_eq!(dump::projections(c.store.conn()).unwrap(), before);
}

#[test]
fn the_intake_clerk_completes_her_case_without_assigning_it_and_no_other_clerk_can() {
    let mut c = center();
    let other = second_clerk(&mut c);
    let no = accepted(&mut c, 1, 11, 23);
    let before = snapshot(&c.store);
    let err = handling::complete(&mut c.store, &other, monday(), &no, Decision::Approve, None)
        .unwrap_err();
    assert!(
        matches!(err, Error::Lifecycle(LifecycleError::NotHandler { .. })),
        "{err}"
    );
    assert_eq!(snapshot(&c.store), before);
    // Nothing to resume before a 补正.
    let msg = illegal(handling::resume(&mut c.store, &c.clerk, monday(), &no).unwrap_err());
    assert!(msg.contains("已受理") && msg.contains("分派/转办"), "{msg}");
    let done = handling::complete(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        Decision::Approve,
        None,
    )
    .unwrap();
    assert_eq!(done.state, State::Completed);
}

#[test]
fn another_clerk_cannot_complete_a_case_but_a_manager_and_the_stand_in_can() {
    let mut c = center();
    let other = second_clerk(&mut c);
    let a = accepted(&mut c, 1, 11, 23);
    let b = accepted(&mut c, 2, 11, 23);
    for no in [&a, &b] {
        handling::assign(&mut c.store, &c.clerk, monday(), no, "clerk", None).unwrap();
    }
    let before = snapshot(&c.store);
    let err = handling::complete(&mut c.store, &other, monday(), &a, Decision::Approve, None)
        .unwrap_err();
    assert!(
        matches!(err, Error::Lifecycle(LifecycleError::NotHandler { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("不是承办人"), "{err}");
    assert_eq!(snapshot(&c.store), before);
    // The manager may.
    handling::complete(
        &mut c.store,
        &c.manager,
        monday(),
        &a,
        Decision::Approve,
        None,
    )
    .unwrap();
    // AB角: clerk2 stands in for clerk on 11-24 … 11-25 only.
    let err = stand_in::set(
        &mut c.store,
        &c.clerk,
        monday(),
        "clerk",
        "clerk2",
        day(11, 24),
        day(11, 25),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Auth(_)),
        "only a manager names stand-ins: {err}"
    );
    stand_in::set(
        &mut c.store,
        &c.manager,
        monday(),
        "clerk",
        "clerk2",
        day(11, 24),
        day(11, 25),
    )
    .unwrap();
    let err = handling::complete(
        &mut c.store,
        &other,
        at(2026, 11, 26),
        &b,
        Decision::Approve,
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Lifecycle(LifecycleError::NotHandler { .. })),
        "outside the range: {err}"
    );
    handling::complete(
        &mut c.store,
        &other,
        at(2026, 11, 25),
        &b,
        Decision::Approve,
        None,
    )
    .unwrap();
    let actor: String = c
        .store
        .conn()
        .query_row(
            "SELECT user_id FROM events WHERE kind = 'case.completed' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        actor, other.user_id,
        "the stand-in acts under their own user"
    );
}

#[test]
fn a_stand_in_lists_the_absent_clerks_open_cases_and_ends_early_when_she_is_back() {
    let mut c = center();
    let other = second_clerk(&mut c);
    let mine = accepted(&mut c, 1, 11, 23);
    let done = accepted(&mut c, 2, 11, 23);
    for no in [&mine, &done] {
        handling::assign(&mut c.store, &c.clerk, monday(), no, "clerk", None).unwrap();
    }
    handling::complete(
        &mut c.store,
        &c.clerk,
        monday(),
        &done,
        Decision::Approve,
        None,
    )
    .unwrap();
    // Clerk is away 11-24 … 11-27; a later one is also set, then cancelled.
    stand_in::set(
        &mut c.store,
        &c.manager,
        monday(),
        "clerk",
        "clerk2",
        day(11, 24),
        day(11, 27),
    )
    .unwrap();
    stand_in::set(
        &mut c.store,
        &c.manager,
        monday(),
        "clerk",
        "clerk2",
        day(12, 7),
        day(12, 8),
    )
    .unwrap();
    assert!(
        stand_in::covering(c.store.conn(), &other.user_id, day(11, 23))
            .unwrap()
            .is_empty()
    );
    let cover = stand_in::covering(c.store.conn(), &other.user_id, day(11, 25)).unwrap();
    assert_eq!(cover.len(), 1);
    let cases: Vec<&str> = cover[0].cases.iter().map(|s| s.case_no.as_str()).collect();
    assert_eq!(cases, [mine.as_str()], "only the open one");
    assert_eq!(cover[0].absent_name, c.clerk.display_name);
    let listed = stand_in::list(c.store.conn(), &c.manager, day(11, 25)).unwrap();
    let labels: Vec<&str> = listed.iter().map(|l| l.status_label).collect();
    assert_eq!(labels, ["进行中", "未开始"]);

    // Only a manager ends one; she is back on 11-26: covered up to 11-25.
    let before = snapshot(&c.store);
    let err = stand_in::end(
        &mut c.store,
        &other,
        at(2026, 11, 26),
        "clerk",
        "clerk2",
        day(11, 24),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    let err = stand_in::end(
        &mut c.store,
        &c.manager,
        at(2026, 11, 26),
        "clerk",
        "clerk2",
        day(11, 23),
    )
    .unwrap_err();
    assert!(err.to_string().contains("没有"), "no such stand-in: {err}");
    assert_eq!(snapshot(&c.store), before, "refusals change nothing");
    let ended = stand_in::end(
        &mut c.store,
        &c.manager,
        at(2026, 11, 26),
        "clerk",
        "clerk2",
        day(11, 24),
    )
    .unwrap();
    assert_eq!(ended.last_day, day(11, 25));
    assert!(stand_in::covers(
        c.store.conn(),
        &other.user_id,
        &c.clerk.user_id,
        day(11, 25)
    )
    .unwrap());
    assert!(!stand_in::covers(
        c.store.conn(),
        &other.user_id,
        &c.clerk.user_id,
        day(11, 26)
    )
    .unwrap());
    let err = handling::complete(
        &mut c.store,
        &other,
        at(2026, 11, 26),
        &mine,
        Decision::Approve,
        None,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Lifecycle(LifecycleError::NotHandler { .. })),
        "{err}"
    );
    let err = stand_in::end(
        &mut c.store,
        &c.manager,
        at(2026, 11, 27),
        "clerk",
        "clerk2",
        day(11, 24),
    )
    .unwrap_err();
    assert!(err.to_string().contains("已于"), "already over: {err}");
    // The one ahead is cancelled outright.
    stand_in::end(
        &mut c.store,
        &c.manager,
        at(2026, 11, 26),
        "clerk",
        "clerk2",
        day(12, 7),
    )
    .unwrap();
    let listed = stand_in::list(c.store.conn(), &c.manager, day(11, 26)).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].status_label, listed[0].to, listed[0].endable),
        ("已结束", day(11, 25), false)
    );
    // The table is what its events make it.
    let projected = dump::projections(c.store.conn()).unwrap();
    bianmin::projections::rebuild(&mut c.store, &c.manager).unwrap();
    assert_eq!(dump::projections(c.store.conn()).unwrap(), projected);
}

#[test]
fn a_suspension_stops_the_clock_and_moves_the_due_date() {
    let mut c = center();
    let no = accepted(&mut c, 1, 11, 23); // due Mon 11-30
    handling::assign(&mut c.store, &c.clerk, monday(), &no, "clerk", None).unwrap();
    handling::suspend(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 24),
        &no,
        SuspendKind::Supplement,
        "缺少银行账户复印件",
    )
    .unwrap();
    // While suspended: no light, and not in the red or yellow list.
    let paused = deadline::watch_list(c.store.conn(), day(11, 30), Some(Light::Paused), 2).unwrap();
    assert_eq!(paused.len(), 1);
    assert_eq!(paused[0].standing.light, Light::Paused);
    assert!(
        deadline::watch_list(c.store.conn(), day(12, 3), Some(Light::Red), 2)
            .unwrap()
            .is_empty()
    );
    let msg = illegal(
        handling::complete(
            &mut c.store,
            &c.clerk,
            at(2026, 11, 25),
            &no,
            Decision::Approve,
            None,
        )
        .unwrap_err(),
    );
    assert!(msg.contains("补正中"), "{msg}");
    // Suspended Tue 11-24, resumed Fri 11-27: Wed, Thu, Fri = 3 working days.
    let done = handling::resume(&mut c.store, &c.clerk, at(2026, 11, 27), &no).unwrap();
    assert_eq!(done.due_date, Some(day(12, 3)));
    let days: i64 = c
        .store
        .conn()
        .query_row(
            "SELECT suspended_days FROM cases WHERE case_no = ?1",
            [&no],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(days, 3);
    let err = handling::suspend(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 27),
        &no,
        SuspendKind::Publicity,
        " ",
    )
    .unwrap_err();
    assert!(err.to_string().contains("暂停原因"), "{err}");
}

#[test]
fn an_extension_needs_a_manager_a_reason_a_later_date_and_stays_within_the_statutory_limit() {
    let mut c = center();
    // MZ-005: promised 5, statutory 15 working days. Accepted Mon 11-23:
    // due 11-30, statutory limit Mon 12-14.
    let no = accepted(&mut c, 1, 11, 23);
    let before = snapshot(&c.store);
    let err = handling::extend(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        day(12, 4),
        "需入户核查",
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Lifecycle(LifecycleError::ExtensionNeedsManager)),
        "{err}"
    );
    let err = handling::extend(
        &mut c.store,
        &c.manager,
        monday(),
        &no,
        day(12, 15),
        "需入户核查",
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Lifecycle(LifecycleError::BeyondStatutoryLimit { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("2026-12-14"), "{err}");
    let err = handling::extend(
        &mut c.store,
        &c.manager,
        monday(),
        &no,
        day(11, 30),
        "需入户核查",
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Lifecycle(LifecycleError::NotLater { .. })),
        "{err}"
    );
    let err =
        handling::extend(&mut c.store, &c.manager, monday(), &no, day(12, 4), "").unwrap_err();
    assert!(err.to_string().contains("延期原因"), "{err}");
    assert_eq!(snapshot(&c.store), before);
    let done = handling::extend(
        &mut c.store,
        &c.manager,
        monday(),
        &no,
        day(12, 14),
        "需入户核查",
    )
    .unwrap();
    assert_eq!(done.due_date, Some(day(12, 14)));
    let (reason, by): (String, String) = c
        .store
        .conn()
        .query_row(
            "SELECT extension_reason, extended_by FROM cases WHERE case_no = ?1",
            [&no],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (reason.as_str(), by),
        ("需入户核查", c.manager.user_id.clone())
    );
}

#[test]
fn return_withdraw_and_ended_states() {
    let mut c = center();
    let a = accepted(&mut c, 1, 11, 23);
    let b = accepted(&mut c, 2, 11, 23);
    let err = handling::return_case(&mut c.store, &c.clerk, monday(), &a, "").unwrap_err();
    assert!(err.to_string().contains("退回原因"), "{err}");
    handling::return_case(&mut c.store, &c.clerk, monday(), &a, "申请人户籍不在本辖区").unwrap();
    handling::withdraw(&mut c.store, &c.clerk, monday(), &b, "申请人主动撤回").unwrap();
    assert_eq!(
        (state_of(&c, &a).as_str(), state_of(&c, &b).as_str()),
        ("returned", "withdrawn")
    );
    for no in [&a, &b] {
        let msg = illegal(
            handling::assign(&mut c.store, &c.clerk, monday(), no, "clerk", None).unwrap_err(),
        );
        assert!(msg.contains("已结束"), "{msg}");
    }
}

#[test]
fn delivery_by_mail_collector_checks_and_denials() {
    let mut c = center();
    let no = accepted(&mut c, 1, 11, 23);
    handling::assign(&mut c.store, &c.clerk, monday(), &no, "clerk", None).unwrap();
    let err = handling::complete(&mut c.store, &c.clerk, monday(), &no, Decision::Deny, None)
        .unwrap_err();
    assert!(err.to_string().contains("不予许可的理由"), "{err}");
    handling::complete(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        Decision::Deny,
        Some("年龄未满80周岁"),
    )
    .unwrap();
    let (result, reason): (String, String) = c
        .store
        .conn()
        .query_row(
            "SELECT result, result_reason FROM cases WHERE case_no = ?1",
            [&no],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (result.as_str(), reason.as_str()),
        ("不予许可", "年龄未满80周岁")
    );
    let log = timeline::of_case(c.store.conn(), &no).unwrap();
    assert!(log[2].details["legal_basis"]
        .as_str()
        .unwrap()
        .contains("老年人权益保障法"));
    let err = handling::collect(
        &mut c.store,
        &c.clerk,
        monday(),
        &no,
        "刘小明",
        "110105194912310021",
        false,
    )
    .unwrap_err();
    assert!(err.to_string().contains("未通过校验"), "{err}");
    let err = handling::mail(&mut c.store, &c.clerk, monday(), &no, " ").unwrap_err();
    assert!(err.to_string().contains("邮寄单号"), "{err}");
    handling::mail(&mut c.store, &c.clerk, monday(), &no, "EMS 1234567890123").unwrap();
    assert_eq!(state_of(&c, &no), "delivered");
}

#[test]
fn an_on_the_spot_case_starts_completed_and_agents_and_admins_cannot_handle_cases() {
    let mut c = center();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-006", person("孙秀兰", 2), &["1", "2"]),
    )
    .unwrap();
    let msg = illegal(
        handling::assign(&mut c.store, &c.clerk, monday(), &r.case_no, "clerk", None).unwrap_err(),
    );
    assert!(msg.contains("已办结"), "{msg}");
    let err = handling::collect(
        &mut c.store,
        &c.admin,
        monday(),
        &r.case_no,
        "孙秀兰",
        &id(2),
        false,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    handling::collect(
        &mut c.store,
        &c.clerk,
        monday(),
        &r.case_no,
        "孙秀兰",
        &id(2),
        false,
    )
    .unwrap();
    // A one-time notice has no lifecycle at all.
    let n = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("王", 3), &[]),
    )
    .unwrap();
    let msg = illegal(
        handling::assign(&mut c.store, &c.clerk, monday(), &n.case_no, "clerk", None).unwrap_err(),
    );
    assert!(msg.contains("已一次性告知"), "{msg}");
}

#[test]
fn watch_lists_by_light_with_the_most_overdue_first() {
    let mut c = center();
    // Due dates (5 working days): taken 11-09 → 11-16; 11-10 → 11-17; 11-19 → 11-26; 11-23 → 11-30.
    let old = accepted(&mut c, 1, 11, 9);
    let older_by_a_day = accepted(&mut c, 2, 11, 10);
    let soon = accepted(&mut c, 3, 11, 19);
    let later = accepted(&mut c, 4, 11, 23);
    let done = accepted(&mut c, 5, 11, 9);
    handling::assign(&mut c.store, &c.clerk, monday(), &done, "clerk", None).unwrap();
    handling::complete(
        &mut c.store,
        &c.clerk,
        monday(),
        &done,
        Decision::Approve,
        None,
    )
    .unwrap();
    let today = day(11, 24);
    let red = deadline::watch_list(c.store.conn(), today, Some(Light::Red), 2).unwrap();
    let nos: Vec<&str> = red.iter().map(|w| w.case.case_no.as_str()).collect();
    assert_eq!(
        nos,
        [old.as_str(), older_by_a_day.as_str()],
        "most overdue first; the completed case is not listed"
    );
    assert_eq!(
        (red[0].standing.overdue_days, red[1].standing.overdue_days),
        (6, 5)
    );
    let yellow = deadline::watch_list(c.store.conn(), today, Some(Light::Yellow), 2).unwrap();
    assert_eq!(
        yellow
            .iter()
            .map(|w| w.case.case_no.clone())
            .collect::<Vec<_>>(),
        [soon]
    );
    assert_eq!(yellow[0].standing.days_left, 2);
    let green = deadline::watch_list(c.store.conn(), today, Some(Light::Green), 2).unwrap();
    assert_eq!(
        green
            .iter()
            .map(|w| w.case.case_no.clone())
            .collect::<Vec<_>>(),
        [later]
    );
    let all = deadline::watch_list(c.store.conn(), today, None, 2).unwrap();
    assert_eq!(all.len(), 4);
}

#[test]
fn allowed_steps_follow_the_state_table_and_who_may_act() {
    use bianmin::lifecycle::Step;
    let mut c = center();
    let other = second_clerk(&mut c);
    let case_no = accepted(&mut c, 1, 11, 23);
    let today = day(11, 23);
    let of = |c: &Center, s: &Session| {
        handling::allowed_steps(c.store.conn(), s, &case_no, today).unwrap()
    };
    // The intake clerk, the handler until it is assigned: everything from
    // 已受理 but the manager's extension.
    let handler = vec![
        Step::Assign,
        Step::Suspend,
        Step::Complete,
        Step::Return,
        Step::Withdraw,
    ];
    assert_eq!(of(&c, &c.clerk), handler);
    // Another clerk may only assign; a manager may do all of it.
    assert_eq!(of(&c, &other), vec![Step::Assign]);
    assert_eq!(
        of(&c, &c.manager),
        [handler.clone(), vec![Step::Extend]].concat()
    );
    // An admin handles no cases.
    assert!(of(&c, &c.admin).is_empty());
    handling::assign(
        &mut c.store,
        &c.clerk,
        monday(),
        &case_no,
        &c.clerk.username.clone(),
        None,
    )
    .unwrap();
    assert_eq!(of(&c, &c.clerk), handler);
}

#[test]
fn a_handler_is_chosen_by_name_or_pinyin_with_her_open_cases_and_admins_are_not_offered() {
    use bianmin::lifecycle::handlers;
    let mut c = center();
    let other = second_clerk(&mut c);
    accepted(&mut c, 1, 11, 23);
    let b = accepted(&mut c, 2, 11, 23);
    handling::assign(&mut c.store, &c.clerk, monday(), &b, "clerk2", None).unwrap();
    let all = handlers::find(c.store.conn(), &c.clerk, "").unwrap();
    let names: Vec<(&str, i64)> = all
        .iter()
        .map(|h| (h.username.as_str(), h.open_cases))
        .collect();
    // Clerks and managers, never the admin; each with the open cases she
    // is responsible for (the intake clerk's until assigned).
    assert!(names.contains(&("clerk", 1)), "{names:?}");
    assert!(names.contains(&("clerk2", 1)), "{names:?}");
    assert!(names.contains(&("manager", 0)), "{names:?}");
    assert!(!names.iter().any(|(u, _)| *u == "admin"), "{names:?}");
    // 李强 by pinyin initials, by name and by 工号.
    for q in ["lq", "李", "0103"] {
        let found = handlers::find(c.store.conn(), &c.clerk, q).unwrap();
        assert_eq!(found[0].display_name, "李强", "{q}");
        assert_eq!(found.len(), 1, "{q}");
    }
    // A disabled clerk is not offered.
    drop(other);
    users::disable(&mut c.store, &c.admin, monday(), "clerk2").unwrap();
    assert!(handlers::find(c.store.conn(), &c.clerk, "lq")
        .unwrap()
        .is_empty());
    // An admin may not look for handlers: she assigns nothing.
    assert!(handlers::find(c.store.conn(), &c.admin, "").is_err());
}

#[test]
fn the_applicant_collects_in_person_without_retyping_her_name_and_number() {
    use bianmin::lifecycle::request::{self, StepRequest};
    let mut c = center();
    let no = accepted(&mut c, 1, 11, 23);
    // Finished by the intake clerk herself, without assigning it first.
    handling::complete(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 24),
        &no,
        Decision::Approve,
        None,
    )
    .unwrap();
    let done = request::take(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 25),
        &no,
        StepRequest::Collect {
            name: String::new(),
            id_number: String::new(),
            proxy: false,
            in_person: true,
        },
    )
    .unwrap();
    assert_eq!(done.state, State::Delivered);
    let (delivery, payload): (String, String) = c
        .store
        .conn()
        .query_row(
            "SELECT c.delivery, e.payload FROM cases c JOIN events e ON e.case_id = c.case_id
             WHERE c.case_no = ?1 AND e.kind = 'case.collected'",
            [&no],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(delivery.contains("本人领取"), "{delivery}");
    assert!(
        payload.contains("刘桂英") && payload.contains(&id(1)),
        "{payload}"
    );
}

/// The codes of a case's timeline (none for a step that changes no status).
fn codes(c: &Center, case_no: &str) -> Vec<Option<u8>> {
    timeline::of_case(c.store.conn(), case_no)
        .unwrap()
        .iter()
        .map(|e| e.national.map(|n| n.code))
        .collect()
}

fn national(c: &Center, case_no: &str) -> (u8, &'static str) {
    let d = bianmin::intake::lookup::detail_unmasked(c.store.conn(), case_no).unwrap();
    (d.national.code, d.national.label)
}

#[test]
fn each_state_and_step_carries_the_platforms_status_code() {
    let mut c = center();
    // 补正 then 公示, each ended, then approved: every step has its code,
    // the case ends 办结（通过）.
    let no = accepted(&mut c, 1, 11, 23);
    assert_eq!(national(&c, &no), (3, "已受理"));
    handling::assign(&mut c.store, &c.clerk, monday(), &no, "clerk", None).unwrap();
    assert_eq!(national(&c, &no), (8, "部门开始办理"));
    for (kind, started, ended) in [
        (SuspendKind::Supplement, "补正（开始）", 7),
        (SuspendKind::Publicity, "特别程序（开始）", 10),
    ] {
        handling::suspend(&mut c.store, &c.clerk, at(2026, 11, 24), &no, kind, "等待").unwrap();
        assert_eq!(national(&c, &no).1, started);
        handling::resume(&mut c.store, &c.clerk, at(2026, 11, 25), &no).unwrap();
        assert_eq!(codes(&c, &no).last(), Some(&Some(ended)));
    }
    handling::complete(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 26),
        &no,
        Decision::Approve,
        None,
    )
    .unwrap();
    handling::notify_pickup(&mut c.store, &c.clerk, at(2026, 11, 26), &no).unwrap();
    assert_eq!(national(&c, &no), (11, "办结（通过）"));
    assert_eq!(
        codes(&c, &no),
        [
            Some(3),
            Some(8),
            Some(6),
            Some(7),
            Some(9),
            Some(10),
            Some(11),
            None
        ]
    );
    // Denied: 办结（不通过）; withdrawn: 撤回; the ledger's exports carry
    // the code in a column of its own.
    let denied = accepted(&mut c, 2, 11, 23);
    handling::complete(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 24),
        &denied,
        Decision::Deny,
        Some("不符合条件"),
    )
    .unwrap();
    assert_eq!(national(&c, &denied), (13, "办结（不通过）"));
    let withdrawn = accepted(&mut c, 3, 11, 23);
    handling::withdraw(
        &mut c.store,
        &c.clerk,
        at(2026, 11, 24),
        &withdrawn,
        "申请人撤回",
    )
    .unwrap();
    assert_eq!(national(&c, &withdrawn), (14, "撤回"));
    let ledger = bianmin::reports::ledger::daily(c.store.conn(), day(11, 23)).unwrap();
    let csv = bianmin::reports::csv::ledger(&ledger);
    let header = csv.lines().nth(1).unwrap();
    assert!(header.ends_with("办件状态代码"), "{header}");
    for (case_no, code) in [(&no, "11"), (&denied, "13"), (&withdrawn, "14")] {
        let row = csv
            .lines()
            .find(|l| l.starts_with(case_no.as_str()))
            .unwrap();
        assert!(row.ends_with(&format!(",{code}")), "{row}");
    }
}
