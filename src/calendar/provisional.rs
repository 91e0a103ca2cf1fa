//! A provisional year (暂定): the holidays the statutory rules fix, for a
//! year whose official schedule is not published yet. The State Council
//! publishes each year's notice in November or December; until then a case
//! due next year could not be given a due date at all. The rules are those
//! of 《全国年节及纪念日放假办法》 (as revised in 2024, in force from 2025):
//!
//! - 元旦 1 day (January 1); 春节 4 days (除夕 to 初三); 清明节 1 day (the
//!   day of the solar term); 劳动节 2 days (May 1–2); 端午节 1 day (五月初五);
//!   中秋节 1 day (八月十五); 国庆节 3 days (October 1–3);
//! - a statutory day that falls on a Saturday or Sunday (or on another
//!   holiday) is made up on the next weekday off after it (补休).
//!
//! The State Council's make-up workdays (调休上班) are a yearly decision,
//! not a rule, so a provisional year has none; its due dates carry
//! [`PROVISIONAL_NOTE`](super::PROVISIONAL_NOTE) until the official schedule
//! is loaded, and loading it moves the open cases' due dates
//! ([`super::recompute`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Weekday};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

use super::schedule::{self, YearSchedule};
use super::CalendarError;
use crate::auth::{Action, Session};
use crate::store::Store;

/// The festivals with statutory days off, in the order of the year.
pub const FESTIVALS: [&str; 7] = [
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
];

/// The source recorded for a computed year.
pub const SOURCE: &str = "按《全国年节及纪念日放假办法》推算（暂定，以国务院办公厅放假通知为准）";

fn solar(day: SolarDay) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(day.get_year()).ok()?,
        u32::try_from(day.get_month()).ok()?,
        u32::try_from(day.get_day()).ok()?,
    )
}

/// The statutory days of a year, festival by festival, in date order.
pub fn statutory_days(year: i32) -> Result<Vec<(&'static str, Vec<NaiveDate>)>, CalendarError> {
    if !(2000..=2100).contains(&year) {
        return Err(CalendarError::CannotCompute(year));
    }
    let missing = || CalendarError::CannotCompute(year);
    let ymd = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).ok_or_else(missing);
    let lunar = |m: isize, d: usize| {
        solar(LunarDay::from_ymd(year as isize, m, d).get_solar_day()).ok_or_else(missing)
    };
    let new_year = lunar(1, 1)?;
    let eve = new_year - Duration::days(1);
    let qingming = solar(
        SolarTerm::from_name(year as isize, "清明")
            .get_julian_day()
            .get_solar_day(),
    )
    .ok_or_else(missing)?;
    let [yuandan, chunjie, qing, laodong, duanwu, zhongqiu, guoqing] = FESTIVALS;
    let mut out = vec![
        (yuandan, vec![ymd(1, 1)?]),
        (
            chunjie,
            (0..4).map(|i| eve + Duration::days(i)).collect::<Vec<_>>(),
        ),
        (qing, vec![qingming]),
        (laodong, vec![ymd(5, 1)?, ymd(5, 2)?]),
        (duanwu, vec![lunar(5, 5)?]),
        (zhongqiu, vec![lunar(8, 15)?]),
        (guoqing, vec![ymd(10, 1)?, ymd(10, 2)?, ymd(10, 3)?]),
    ];
    out.sort_by_key(|(_, days)| days[0]);
    Ok(out)
}

fn weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The provisional schedule of `year`: each festival's days and its 补休,
/// as holiday periods of consecutive days.
pub fn compute(year: i32) -> Result<YearSchedule, CalendarError> {
    let mut off: BTreeMap<NaiveDate, &'static str> = BTreeMap::new();
    for (name, days) in statutory_days(year)? {
        let mut owed = 0;
        for &day in &days {
            if weekend(day) || off.contains_key(&day) {
                owed += 1;
            }
            off.entry(day).or_insert(name);
        }
        let mut next = days[days.len() - 1];
        while owed > 0 {
            next = next.succ_opt().ok_or(CalendarError::CannotCompute(year))?;
            if next.year() != year {
                // A make-up day would fall into the next year: not counted.
                break;
            }
            match off.entry(next) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(name);
                    if !weekend(next) {
                        owed -= 1;
                    }
                }
                std::collections::btree_map::Entry::Occupied(_) => {}
            }
        }
    }
    let holidays = schedule::periods(off);
    Ok(YearSchedule {
        year,
        source: SOURCE.to_owned(),
        holidays,
        workdays: Vec::new(),
        provisional: true,
    })
}

/// Computes `year` and loads it as provisional; only a manager may, and
/// never over an official year.
pub fn apply(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    year: i32,
) -> crate::Result<schedule::Loaded> {
    session.authorize(store.conn(), Action::EditCalendar)?;
    let schedule = compute(year)?;
    schedule::load_year(store, session, now, schedule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::schedule::{DayKind, SHIPPED};
    use crate::calendar::Calendar;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_statutory_day_is_off_in_the_official_2025_and_2026_schedules() {
        let official: Vec<YearSchedule> = SHIPPED
            .iter()
            .map(|t| YearSchedule::parse(t).unwrap())
            .collect();
        let cal = Calendar::from_schedules(&official);
        for year in [2025, 2026] {
            let days: Vec<NaiveDate> = statutory_days(year)
                .unwrap()
                .into_iter()
                .flat_map(|(_, d)| d)
                .collect();
            assert_eq!(days.len(), 13, "{year}");
            for day in days {
                assert!(!cal.is_working_day(day).unwrap(), "{day} works in {year}");
            }
        }
    }

    #[test]
    fn the_lunar_festivals_of_2027() {
        let days = statutory_days(2027).unwrap();
        let of = |name: &str| days.iter().find(|(n, _)| *n == name).unwrap().1.clone();
        assert_eq!(
            of("春节"),
            vec![d(2027, 2, 5), d(2027, 2, 6), d(2027, 2, 7), d(2027, 2, 8)]
        );
        assert_eq!(of("清明节"), vec![d(2027, 4, 5)]);
        assert_eq!(of("端午节"), vec![d(2027, 6, 9)]);
        assert_eq!(of("中秋节"), vec![d(2027, 9, 15)]);
    }

    #[test]
    fn each_statutory_day_costs_exactly_one_weekday() {
        for year in 2025..=2035 {
            let s = compute(year).unwrap();
            YearSchedule::parse(&s.to_toml()).unwrap();
            let weekdays_off = s
                .days()
                .iter()
                .filter(|(day, kind, _)| *kind == DayKind::Holiday && !weekend(*day))
                .count();
            assert_eq!(weekdays_off, 13, "{year}");
            assert!(s.provisional && s.workdays.is_empty());
        }
    }

    #[test]
    fn weekend_festival_days_are_made_up_right_after() {
        // 2027: 春节 Fri 2-5 to Mon 2-8, Sat and Sun made up on Tue 2-9 and Wed 2-10;
        // 劳动节 Sat 5-1 and Sun 5-2 made up on Mon 5-3 and Tue 5-4.
        let s = compute(2027).unwrap();
        let period = |name: &str| {
            let p = s.holidays.iter().find(|p| p.name == name).unwrap();
            (p.from.clone(), p.to.clone())
        };
        assert_eq!(period("春节"), ("2027-02-05".into(), "2027-02-10".into()));
        assert_eq!(period("劳动节"), ("2027-05-01".into(), "2027-05-04".into()));
        assert_eq!(period("国庆节"), ("2027-10-01".into(), "2027-10-05".into()));
        let cal = Calendar::from_schedules([&s]);
        assert!(cal.is_working_day(d(2027, 2, 11)).unwrap());
        assert!(cal.provisional_between(d(2026, 12, 20), d(2027, 1, 8)));
        assert!(compute(1999).is_err());
    }
}
