//! The center's working-day calendar.
//!
//! - [`working_days`]: what a working day is and how due dates are counted.
//! - [`schedule`]: a year's official holidays and make-up workdays, as
//!   shipped in assets/calendar/, imported or entered by a manager.
//! - [`provisional`]: a year computed from the statutory rules before its
//!   official schedule is published (暂定).
//! - [`recompute`]: open cases' due dates follow a newly loaded year.

pub mod provisional;
pub mod recompute;
pub mod schedule;
pub mod working_days;

/// What every screen and paper adds to a due date counted across a
/// provisional year: it may still move.
pub const PROVISIONAL_NOTE: &str = "（按暂定节假日计算）";

/// SQL, over a case row aliased `c`, that is 1 when the case's due date is
/// counted across a provisional year (the rule of
/// [`Calendar::provisional_between`]).
pub const PROVISIONAL_DUE_SQL: &str = "(c.due_date IS NOT NULL AND EXISTS (
    SELECT 1 FROM calendar_years y WHERE y.provisional = 1
      AND y.year BETWEEN CAST(substr(coalesce(c.accepted_on, c.received_on), 1, 4) AS INTEGER)
                     AND CAST(substr(c.due_date, 1, 4) AS INTEGER)))";

pub use working_days::Calendar;

/// Refusals of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0} 年的节假日安排尚未导入，无法计算工作日；请中心负责人先导入 {0} 年的放假调休安排")]
    YearMissing(i32),
    #[error("节假日安排文件第 {line} 行：{reason}；整份文件未导入")]
    File { line: usize, reason: String },
    #[error("工作日天数 {0} 超出范围（0 到 3650）")]
    DaysOutOfRange(i64),
    #[error("日期“{0}”格式不对，应为 2026-09-30 这样的形式")]
    BadDate(String),
    #[error("{row}：{reason}；未保存")]
    Entry { row: String, reason: String },
    #[error("{0} 年已导入正式的放假调休安排，不能用推算的暂定安排替换")]
    OfficialLoaded(i32),
    #[error("{0} 年不在可推算的范围内（2000 到 2100 年）")]
    CannotCompute(i32),
}

/// A day as people type it (`2026-11-23`, spaces around allowed), or the
/// error that says which form is expected. Every place that reads a date
/// from a person — command line, window, lifecycle step — uses this.
pub fn parse_day(text: &str) -> Result<chrono::NaiveDate, CalendarError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CalendarError::BadDate(text.trim().to_owned()))
}

#[cfg(test)]
mod parse_day_tests {
    use super::*;

    #[test]
    fn days_as_typed_and_the_form_expected() {
        assert_eq!(
            parse_day(" 2026-11-23 ").unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        let err = parse_day("2026/11/23").unwrap_err();
        assert_eq!(err, CalendarError::BadDate("2026/11/23".into()));
        assert!(err.to_string().contains("2026-09-30"));
        assert!(parse_day("2026-02-30").is_err());
    }
}
