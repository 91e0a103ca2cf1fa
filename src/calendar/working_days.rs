//! Working days and due dates.
//!
//! A working day is Monday to Friday, minus official holidays, plus official
//! make-up workdays (调休上班) even on a weekend. As Chinese law counts time
//! limits, the starting day is not counted: a case accepted on day D with a
//! limit of N working days is due on the N-th working day strictly after D,
//! whatever D is (an agent may take a case on a Saturday). Suspended working
//! days (补正, 公示, expert review) move the due date later by as many working
//! days. A year whose schedule is not loaded is an error, never a guess.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};

use super::schedule::{DayKind, YearSchedule};
use super::CalendarError;

/// The longest limit that is counted (ten years of days, a guard against typos).
pub const MAX_DAYS: i64 = 3650;

/// The loaded years and their exceptions to Monday–Friday.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeSet<i32>,
    /// The loaded years computed from the statutory rules (暂定).
    provisional: BTreeSet<i32>,
    exceptions: HashMap<NaiveDate, DayKind>,
}

impl Calendar {
    /// A calendar of the given years.
    pub fn from_schedules<'a>(schedules: impl IntoIterator<Item = &'a YearSchedule>) -> Calendar {
        let mut cal = Calendar::default();
        for s in schedules {
            cal.years.insert(s.year);
            if s.provisional {
                cal.provisional.insert(s.year);
            }
            for (day, kind, _) in s.days() {
                cal.exceptions.insert(day, kind);
            }
        }
        cal
    }

    /// Adds one year's exceptions (used when loading from the database).
    pub(crate) fn insert_day(&mut self, year: i32, day: NaiveDate, kind: DayKind) {
        self.years.insert(year);
        self.exceptions.insert(day, kind);
    }

    pub(crate) fn insert_year(&mut self, year: i32, provisional: bool) {
        self.years.insert(year);
        if provisional {
            self.provisional.insert(year);
        }
    }

    /// Whether a date counted from `from` to `to` crosses a provisional
    /// year, so that it may move when the official schedule comes out. The
    /// same rule, for case lists, is [`super::PROVISIONAL_DUE_SQL`].
    pub fn provisional_between(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let (a, b) = (from.year().min(to.year()), from.year().max(to.year()));
        self.provisional.range(a..=b).next().is_some()
    }

    /// [`PROVISIONAL_NOTE`](super::PROVISIONAL_NOTE) for a due date counted
    /// from `from` to `due` across a provisional year, else `None`.
    pub fn due_note(&self, from: NaiveDate, due: NaiveDate) -> Option<&'static str> {
        self.provisional_between(from, due)
            .then_some(super::PROVISIONAL_NOTE)
    }

    /// The years that are loaded.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether `day` is a working day; an error if its year is not loaded.
    pub fn is_working_day(&self, day: NaiveDate) -> Result<bool, CalendarError> {
        if !self.years.contains(&day.year()) {
            return Err(CalendarError::YearMissing(day.year()));
        }
        Ok(match self.exceptions.get(&day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        })
    }

    /// The `n`-th working day strictly after `from` (`from` itself when `n` is 0).
    pub fn add_working_days(&self, from: NaiveDate, n: i64) -> Result<NaiveDate, CalendarError> {
        if !(0..=MAX_DAYS).contains(&n) {
            return Err(CalendarError::DaysOutOfRange(n));
        }
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = day
                .succ_opt()
                .ok_or(CalendarError::YearMissing(day.year() + 1))?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// The due date of a case accepted on `accepted_on` with a limit of
    /// `limit` working days, of which `suspended` working days were suspended.
    pub fn due_date(
        &self,
        accepted_on: NaiveDate,
        limit: i64,
        suspended: i64,
    ) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(accepted_on, limit + suspended)
    }

    /// How many working days lie in (`from`, `to`]; negative when `to` is
    /// before `from` (then it counts (`to`, `from`]).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0;
        let mut day = a;
        while day < b {
            day = day
                .succ_opt()
                .ok_or(CalendarError::YearMissing(day.year() + 1))?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn shipped() -> Calendar {
        let a = YearSchedule::parse(include_str!("../../assets/calendar/2025.toml")).unwrap();
        let b = YearSchedule::parse(include_str!("../../assets/calendar/2026.toml")).unwrap();
        Calendar::from_schedules([&a, &b])
    }

    #[test]
    fn the_issue_example_spans_the_national_day_week_and_a_make_up_saturday() {
        // 9-30 (Wed) + 5: Oct 1–7 off; 8 Thu, 9 Fri, 10 Sat (make-up), 12 Mon, 13 Tue.
        assert_eq!(
            shipped().add_working_days(d(2026, 9, 30), 5).unwrap(),
            d(2026, 10, 13)
        );
    }

    #[test]
    fn every_2026_make_up_day_is_a_working_day() {
        let cal = shipped();
        for day in [
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
        ] {
            assert!(matches!(day.weekday(), Weekday::Sat | Weekday::Sun));
            assert!(cal.is_working_day(day).unwrap(), "{day}");
        }
    }

    #[test]
    fn every_2026_holiday_is_a_day_off_even_on_a_weekday() {
        let cal = shipped();
        let ranges = [
            (d(2026, 1, 1), d(2026, 1, 3)),
            (d(2026, 2, 15), d(2026, 2, 23)),
            (d(2026, 4, 4), d(2026, 4, 6)),
            (d(2026, 5, 1), d(2026, 5, 5)),
            (d(2026, 6, 19), d(2026, 6, 21)),
            (d(2026, 9, 25), d(2026, 9, 27)),
            (d(2026, 10, 1), d(2026, 10, 7)),
        ];
        let mut holidays = 0;
        for (from, to) in ranges {
            for day in from.iter_days().take_while(|x| *x <= to) {
                assert!(!cal.is_working_day(day).unwrap(), "{day}");
                holidays += 1;
            }
        }
        assert_eq!(holidays, 3 + 9 + 3 + 5 + 3 + 3 + 7);
    }

    #[test]
    fn the_spring_festival_week() {
        let cal = shipped();
        // Fri 2026-02-13 + 1 → Sat 02-14 is a make-up workday.
        assert_eq!(
            cal.add_working_days(d(2026, 2, 13), 1).unwrap(),
            d(2026, 2, 14)
        );
        // Sat 02-14 + 1 → 02-15..23 off → Tue 02-24.
        assert_eq!(
            cal.add_working_days(d(2026, 2, 14), 1).unwrap(),
            d(2026, 2, 24)
        );
        // 02-24 Tue, 25, 26, 27 Fri, 28 Sat make-up: 5 working days after 02-23.
        assert_eq!(
            cal.add_working_days(d(2026, 2, 23), 5).unwrap(),
            d(2026, 2, 28)
        );
    }

    #[test]
    fn a_case_taken_on_a_saturday_or_a_holiday_counts_from_the_next_working_day() {
        let cal = shipped();
        // Sat 2026-11-21 → Mon 23 is day 1.
        assert_eq!(
            cal.add_working_days(d(2026, 11, 21), 1).unwrap(),
            d(2026, 11, 23)
        );
        // National Day 2026-10-03 → Thu 10-08 is day 1.
        assert_eq!(
            cal.add_working_days(d(2026, 10, 3), 1).unwrap(),
            d(2026, 10, 8)
        );
        // A make-up Saturday is itself not counted when it is the start day.
        assert_eq!(
            cal.add_working_days(d(2026, 10, 10), 1).unwrap(),
            d(2026, 10, 12)
        );
    }

    #[test]
    fn zero_days_is_the_same_day() {
        assert_eq!(
            shipped().add_working_days(d(2026, 10, 3), 0).unwrap(),
            d(2026, 10, 3)
        );
    }

    #[test]
    fn suspended_days_move_the_due_date_by_working_days() {
        let cal = shipped();
        // Mon 2026-11-16 + 5 = Mon 11-23; with 3 suspended = Thu 11-26.
        assert_eq!(
            cal.due_date(d(2026, 11, 16), 5, 0).unwrap(),
            d(2026, 11, 23)
        );
        assert_eq!(
            cal.due_date(d(2026, 11, 16), 5, 3).unwrap(),
            d(2026, 11, 26)
        );
        // Suspension across the National Day week.
        assert_eq!(cal.due_date(d(2026, 9, 28), 2, 2).unwrap(), d(2026, 10, 9));
    }

    #[test]
    fn a_missing_year_is_named_not_guessed() {
        let cal = shipped();
        // 2026-12-31 (Thu) + 1 needs 2027.
        assert_eq!(
            cal.add_working_days(d(2026, 12, 31), 1),
            Err(CalendarError::YearMissing(2027))
        );
        let msg = cal.is_working_day(d(2024, 6, 3)).unwrap_err().to_string();
        assert!(msg.contains("2024"), "{msg}");
    }

    #[test]
    fn the_2025_2026_year_boundary() {
        let cal = shipped();
        // Wed 2025-12-31 + 1: 2026-01-01..03 off, Sun 01-04 make-up.
        assert_eq!(
            cal.add_working_days(d(2025, 12, 31), 1).unwrap(),
            d(2026, 1, 4)
        );
    }

    #[test]
    fn working_days_between_counts_the_end_not_the_start() {
        let cal = shipped();
        assert_eq!(
            cal.working_days_between(d(2026, 9, 30), d(2026, 10, 13))
                .unwrap(),
            5
        );
        assert_eq!(
            cal.working_days_between(d(2026, 10, 13), d(2026, 9, 30))
                .unwrap(),
            -5
        );
        assert_eq!(
            cal.working_days_between(d(2026, 10, 1), d(2026, 10, 7))
                .unwrap(),
            0
        );
    }

    #[test]
    fn limits_out_of_range_are_refused() {
        assert!(matches!(
            shipped().add_working_days(d(2026, 1, 5), -1),
            Err(CalendarError::DaysOutOfRange(-1))
        ));
    }
}
