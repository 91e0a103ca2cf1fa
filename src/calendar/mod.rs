//! The center's working-day calendar.
//!
//! - [`working_days`]: what a working day is and how due dates are counted.
//! - [`schedule`]: a year's official holidays and make-up workdays, as
//!   shipped in assets/calendar/ or imported by a manager.

pub mod schedule;
pub mod working_days;

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
