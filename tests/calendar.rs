//! A year's holidays as a manager loads them: computed from the statutory
//! rules before the State Council's notice (暂定), entered in the window's
//! form, and the open cases' due dates following the official year.

mod common;

use bianmin::auth::AuthError;
use bianmin::calendar::schedule::{self, Entry, HolidayPeriod, MakeUpDay};
use bianmin::calendar::{provisional, recompute, CalendarError, PROVISIONAL_NOTE};
use bianmin::intake::{self, lookup};
use bianmin::lifecycle::{deadline, timeline};
use bianmin::Error;
use chrono::NaiveDate;
use common::*;

/// 高龄津贴申请: 5 working days promised.
const ELDERLY: &str = "MZ-005";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A notice as it might read: New Year's Day off from Friday to Monday,
/// made up on Saturday 2027-01-09.
fn official_2027() -> Entry {
    Entry {
        year: 2027,
        source: "国务院办公厅关于2027年部分节假日安排的通知（测试用）".into(),
        holidays: vec![HolidayPeriod {
            name: "元旦".into(),
            from: " 2027-01-01".into(),
            to: "2027-01-04 ".into(),
        }],
        workdays: vec![MakeUpDay {
            name: "元旦".into(),
            date: "2027-01-09".into(),
        }],
    }
}

#[test]
fn a_provisional_2027_opens_the_counter_and_the_official_year_moves_the_due_date() {
    let mut c = center();
    // A case due within 2026 is not touched by anything about 2027.
    let early = intake::record(
        &mut c.store,
        &c.clerk,
        at(2026, 12, 1),
        application(ELDERLY, person("张", 2), &["1", "2", "3", "5"]),
    )
    .unwrap();
    assert_eq!(early.due_note, None);
    let late = || application(ELDERLY, person("刘", 1), &["1", "2", "3", "5"]);
    let err = intake::record(&mut c.store, &c.clerk, at(2026, 12, 28), late()).unwrap_err();
    assert!(matches!(
        err,
        Error::Calendar(CalendarError::YearMissing(2027))
    ));

    let loaded = provisional::apply(&mut c.store, &c.manager, at(2026, 12, 2), 2027).unwrap();
    assert!(loaded.schedule.provisional);
    assert!(loaded.moved.is_empty());
    let years = schedule::years(c.store.conn()).unwrap();
    let y2027 = years.iter().find(|y| y.year == 2027).unwrap();
    assert!(y2027.provisional, "{years:?}");
    assert!(!years.iter().find(|y| y.year == 2026).unwrap().provisional);

    // Mon 12-28 + 5: 29, 30, 31, (1-1 元旦, weekend), Mon 1-4, Tue 1-5.
    let r = intake::record(&mut c.store, &c.clerk, at(2026, 12, 28), late()).unwrap();
    assert_eq!(r.due_date, Some(day(2027, 1, 5)));
    assert_eq!(r.due_note, Some(PROVISIONAL_NOTE));
    let summary = lookup::summary(c.store.conn(), &r.case_no)
        .unwrap()
        .unwrap();
    assert_eq!(summary.due_note, Some(PROVISIONAL_NOTE));
    let watched = deadline::watch_list(c.store.conn(), day(2026, 12, 28), None, 2).unwrap();
    let row = watched
        .iter()
        .find(|w| w.case.case_no == r.case_no)
        .unwrap();
    assert_eq!(row.case.due_note, Some(PROVISIONAL_NOTE));
    let early_row = watched
        .iter()
        .find(|w| w.case.case_no == early.case_no)
        .unwrap();
    assert_eq!(early_row.case.due_note, None);

    // A provisional year never replaces... the official one comes in the form.
    let loaded =
        schedule::enter(&mut c.store, &c.manager, at(2026, 12, 29), official_2027()).unwrap();
    assert!(!loaded.schedule.provisional);
    assert_eq!(loaded.moved.len(), 1, "{:?}", loaded.moved);
    let m = &loaded.moved[0];
    assert_eq!(m.case_no, r.case_no);
    // Now 1-4 is off too: Tue 1-5 is the 4th working day, Wed 1-6 the 5th.
    assert_eq!(
        (m.old_due_date, m.new_due_date),
        (day(2027, 1, 5), day(2027, 1, 6))
    );
    let summary = lookup::summary(c.store.conn(), &r.case_no)
        .unwrap()
        .unwrap();
    assert_eq!(summary.due_date, Some(day(2027, 1, 6)));
    assert_eq!(summary.due_note, None);
    assert_eq!(recompute::open_moved(c.store.conn()).unwrap(), loaded.moved);
    let steps = timeline::of_case(c.store.conn(), &r.case_no).unwrap();
    assert!(
        steps.iter().any(|s| s.what == "办结期限随节假日安排调整"),
        "{steps:?}"
    );
    let early_summary = lookup::summary(c.store.conn(), &early.case_no)
        .unwrap()
        .unwrap();
    assert_eq!(early_summary.due_date, early.due_date);

    // The moved date is the log's: a rebuild gives it again.
    let before = snapshot(&c.store);
    bianmin::projections::rebuild(&mut c.store, &c.admin).unwrap();
    assert_eq!(snapshot(&c.store), before);

    // The official year is never replaced by a computed one.
    let err = provisional::apply(&mut c.store, &c.manager, at(2026, 12, 30), 2027).unwrap_err();
    assert!(
        matches!(err, Error::Calendar(CalendarError::OfficialLoaded(2027))),
        "{err}"
    );
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn the_form_is_checked_like_a_file_and_names_its_row() {
    let mut c = center();
    let before = snapshot(&c.store);
    let mut entry = official_2027();
    // A row the form offered and nobody filled in is left out, but counted.
    entry.workdays.push(MakeUpDay {
        name: "春节".into(),
        date: " ".into(),
    });
    entry.workdays.push(MakeUpDay {
        name: "春节".into(),
        date: "2027-02-03".into(),
    });
    let err = schedule::enter(&mut c.store, &c.manager, at(2026, 12, 2), entry).unwrap_err();
    match &err {
        Error::Calendar(CalendarError::Entry { row, reason }) => {
            assert_eq!(row, "调休上班第 3 行");
            assert!(reason.contains("不是周末"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("未保存"));
    let mut entry = official_2027();
    entry.holidays[0].to = "2027-01-40".into();
    let err = schedule::enter(&mut c.store, &c.manager, at(2026, 12, 2), entry).unwrap_err();
    assert!(err.to_string().contains("放假安排第 1 行"), "{err}");
    let mut entry = official_2027();
    entry.source = "  ".into();
    let err = schedule::enter(&mut c.store, &c.manager, at(2026, 12, 2), entry).unwrap_err();
    assert!(err.to_string().contains("依据"), "{err}");
    // Only a manager loads a year.
    let err =
        schedule::enter(&mut c.store, &c.clerk, at(2026, 12, 2), official_2027()).unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Forbidden { .. })),
        "{err:?}"
    );
    let err = provisional::apply(&mut c.store, &c.clerk, at(2026, 12, 2), 2027).unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Forbidden { .. })),
        "{err:?}"
    );
    assert_eq!(snapshot(&c.store), before);
}
