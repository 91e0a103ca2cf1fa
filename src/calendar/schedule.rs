//! One year's official schedule: holidays (放假) and make-up workdays
//! (调休上班), read from the TOML files in assets/calendar/ or imported by
//! a manager. A year is loaded as one `calendar.loaded` event; loading it
//! again replaces that year for future due dates (cases keep their dates).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Weekday};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use super::{Calendar, CalendarError};
use crate::auth::{Action, Session};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// The schedules shipped with the program.
pub const SHIPPED: &[&str] = &[
    include_str!("../../assets/calendar/2025.toml"),
    include_str!("../../assets/calendar/2026.toml"),
];

/// Whether an exception day is a day off or a make-up workday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Holiday,
    Workday,
}

impl DayKind {
    fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }
}

/// A holiday period as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayPeriod {
    pub name: String,
    pub from: String,
    pub to: String,
}

/// A make-up workday as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MakeUpDay {
    pub name: String,
    pub date: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    year: i32,
    source: String,
    #[serde(default)]
    holidays: Vec<toml::Spanned<HolidayPeriod>>,
    #[serde(default)]
    workdays: Vec<toml::Spanned<MakeUpDay>>,
}

/// A checked year schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSchedule {
    pub year: i32,
    pub source: String,
    pub holidays: Vec<HolidayPeriod>,
    pub workdays: Vec<MakeUpDay>,
}

/// Payload of `calendar.loaded`: the year and every exception day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalendarLoaded {
    pub year: i32,
    pub source: String,
    pub days: Vec<LoadedDay>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadedDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

fn date(text: &str, s: &str, offset: usize) -> Result<NaiveDate, CalendarError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| CalendarError::File {
        line: crate::files::line_at(text, offset),
        reason: format!("日期“{s}”格式不对，应为 2026-10-01 这样的形式"),
    })
}

impl YearSchedule {
    /// Parses and checks a schedule file: every date in the year, periods in
    /// order, no day listed twice, make-up workdays only on weekends.
    pub fn parse(text: &str) -> Result<YearSchedule, CalendarError> {
        let file: File = toml::from_str(text).map_err(|e| CalendarError::File {
            line: e
                .span()
                .map(|s| crate::files::line_at(text, s.start))
                .unwrap_or(1),
            reason: format!("格式错误（{}）", e.message()),
        })?;
        if !(2000..=2100).contains(&file.year) {
            return Err(CalendarError::File {
                line: 1,
                reason: format!("年份 {} 不在 2000 到 2100 之间", file.year),
            });
        }
        let mut seen = std::collections::HashSet::new();
        let err = |offset: usize, reason: String| CalendarError::File {
            line: crate::files::line_at(text, offset),
            reason,
        };
        for h in &file.holidays {
            let at = h.span().start;
            let (from, to) = (
                date(text, &h.get_ref().from, at)?,
                date(text, &h.get_ref().to, at)?,
            );
            if from > to {
                return Err(err(at, format!("放假开始日期 {from} 晚于结束日期 {to}")));
            }
            for day in from.iter_days().take_while(|d| *d <= to) {
                if day.year() != file.year {
                    return Err(err(at, format!("日期 {day} 不在 {} 年内", file.year)));
                }
                if !seen.insert(day) {
                    return Err(err(at, format!("日期 {day} 重复出现")));
                }
            }
        }
        for w in &file.workdays {
            let at = w.span().start;
            let day = date(text, &w.get_ref().date, at)?;
            if day.year() != file.year {
                return Err(err(at, format!("日期 {day} 不在 {} 年内", file.year)));
            }
            if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(err(at, format!("调休上班日 {day} 不是周末，无需调休")));
            }
            if !seen.insert(day) {
                return Err(err(at, format!("日期 {day} 重复出现（既放假又上班？）")));
            }
        }
        Ok(YearSchedule {
            year: file.year,
            source: file.source,
            holidays: file.holidays.into_iter().map(|h| h.into_inner()).collect(),
            workdays: file.workdays.into_iter().map(|w| w.into_inner()).collect(),
        })
    }

    /// Every exception day of the year, in date order.
    pub fn days(&self) -> Vec<(NaiveDate, DayKind, String)> {
        let mut out = Vec::new();
        for h in &self.holidays {
            // Checked in parse.
            if let (Ok(from), Ok(to)) = (
                NaiveDate::parse_from_str(&h.from, "%Y-%m-%d"),
                NaiveDate::parse_from_str(&h.to, "%Y-%m-%d"),
            ) {
                for day in from.iter_days().take_while(|d| *d <= to) {
                    out.push((day, DayKind::Holiday, h.name.clone()));
                }
            }
        }
        for w in &self.workdays {
            if let Ok(day) = NaiveDate::parse_from_str(&w.date, "%Y-%m-%d") {
                out.push((day, DayKind::Workday, w.name.clone()));
            }
        }
        out.sort_by_key(|(d, _, _)| *d);
        out
    }

    /// The schedule as a TOML file (the format [`parse`](Self::parse) reads).
    pub fn to_toml(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            year: i32,
            source: &'a str,
            holidays: &'a [HolidayPeriod],
            workdays: &'a [MakeUpDay],
        }
        toml::to_string(&Out {
            year: self.year,
            source: &self.source,
            holidays: &self.holidays,
            workdays: &self.workdays,
        })
        .unwrap_or_default()
    }

    fn payload(&self) -> CalendarLoaded {
        CalendarLoaded {
            year: self.year,
            source: self.source.clone(),
            days: self
                .days()
                .into_iter()
                .map(|(day, kind, name)| LoadedDay { day, kind, name })
                .collect(),
        }
    }
}

/// Appends the `calendar.loaded` event for a checked schedule.
pub(crate) fn append_loaded(
    tx: &Transaction<'_>,
    user_id: &str,
    now: DateTime<FixedOffset>,
    schedule: &YearSchedule,
) -> crate::Result<()> {
    let draft = Draft::new(user_id, None, CALENDAR_LOADED, &schedule.payload())?;
    events::append_here(tx, now, draft)?;
    Ok(())
}

/// Imports a year's schedule from a file's text; only a manager may. A bad
/// file is refused whole, naming the line.
pub fn import(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    text: &str,
) -> crate::Result<YearSchedule> {
    session.authorize(store.conn(), Action::EditCalendar)?;
    let schedule = YearSchedule::parse(text)?;
    store.write(|tx| append_loaded(tx, &session.user_id, now, &schedule))?;
    Ok(schedule)
}

/// The calendar of every loaded year.
pub fn load(conn: &Connection) -> Result<Calendar, StoreError> {
    let mut cal = Calendar::default();
    let mut years = conn.prepare_cached("SELECT year FROM calendar_years")?;
    for y in years.query_map([], |r| r.get::<_, i32>(0))? {
        cal.insert_year(y?);
    }
    let mut stmt = conn.prepare_cached("SELECT year, day, kind FROM calendar_days")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let year: i32 = r.get(0)?;
        let day: NaiveDate = r.get(1)?;
        let kind: String = r.get(2)?;
        let kind = if kind == "workday" {
            DayKind::Workday
        } else {
            DayKind::Holiday
        };
        cal.insert_day(year, day, kind);
    }
    Ok(cal)
}

/// One loaded year as listed.
#[derive(Debug, Clone, Serialize)]
pub struct LoadedYear {
    pub year: i32,
    pub source: String,
    pub loaded_at: String,
    pub holidays: i64,
    pub workdays: i64,
}

/// The loaded years with their day counts.
pub fn years(conn: &Connection) -> Result<Vec<LoadedYear>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT y.year, y.source, y.loaded_at,
                (SELECT count(*) FROM calendar_days d WHERE d.year = y.year AND d.kind = 'holiday'),
                (SELECT count(*) FROM calendar_days d WHERE d.year = y.year AND d.kind = 'workday')
         FROM calendar_years y ORDER BY y.year",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LoadedYear {
            year: r.get(0)?,
            source: r.get(1)?,
            loaded_at: r.get(2)?,
            holidays: r.get(3)?,
            workdays: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A year's official schedule loaded (payload [`CalendarLoaded`]).
pub const CALENDAR_LOADED: &str = "calendar.loaded";

/// calendar::schedule's tables follow its events.
pub const PROJECTOR: Projector = Projector {
    area: "calendar::schedule",
    kinds: &[CALENDAR_LOADED],
    tables: &["calendar_days", "calendar_years"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: CalendarLoaded) -> crate::Result<()> {
    tx.execute("DELETE FROM calendar_days WHERE year = ?1", [p.year])?;
    tx.execute(
        "INSERT INTO calendar_years (year, source, loaded_at, loaded_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (year) DO UPDATE SET source = excluded.source, loaded_at = excluded.loaded_at,
                                          loaded_by = excluded.loaded_by",
        params![p.year, p.source, event.ts, event.user_id],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO calendar_days (day, year, kind, name) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for d in p.days {
        stmt.execute(params![d.day, p.year, d.kind.code(), d.name])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_schedules_parse_and_round_trip() {
        for text in SHIPPED {
            let s = YearSchedule::parse(text).unwrap();
            assert_eq!(YearSchedule::parse(&s.to_toml()).unwrap(), s);
        }
        let s2026 = YearSchedule::parse(SHIPPED[1]).unwrap();
        let days = s2026.days();
        assert_eq!(days.iter().filter(|d| d.1 == DayKind::Holiday).count(), 33);
        assert_eq!(days.iter().filter(|d| d.1 == DayKind::Workday).count(), 6);
    }

    #[test]
    fn a_make_up_day_on_a_weekday_is_refused_with_its_line() {
        let text =
            "year = 2026\nsource = \"x\"\n\n[[workdays]]\nname = \"错\"\ndate = \"2026-01-05\"\n";
        let err = YearSchedule::parse(text).unwrap_err();
        match err {
            CalendarError::File { line, reason } => {
                assert_eq!(line, 4);
                assert!(reason.contains("不是周末"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_dates_overlaps_and_syntax_are_refused_with_their_line() {
        let cases = [
            ("year = 2026\nsource = \"x\"\n[[holidays]]\nname = \"a\"\nfrom = \"2026-02-30\"\nto = \"2026-03-01\"\n", 3, "格式不对"),
            ("year = 2026\nsource = \"x\"\n[[holidays]]\nname = \"a\"\nfrom = \"2026-03-02\"\nto = \"2026-03-01\"\n", 3, "晚于"),
            ("year = 2026\nsource = \"x\"\n[[holidays]]\nname = \"a\"\nfrom = \"2025-12-31\"\nto = \"2026-01-01\"\n", 3, "不在 2026 年内"),
            ("year = 2026\nsource = \"x\"\n[[holidays]]\nname = \"a\"\nfrom = \"2026-01-03\"\nto = \"2026-01-04\"\n[[workdays]]\nname = \"b\"\ndate = \"2026-01-04\"\n", 7, "重复"),
            ("year = 2026\nsource = \"x\"\n\nholidays = 5\n", 4, "格式错误"),
            ("year = 2026\nsource = \"x\"\nfoo = 1\n", 3, "格式错误"),
        ];
        for (text, want_line, want) in cases {
            match YearSchedule::parse(text) {
                Err(CalendarError::File { line, reason }) => {
                    assert_eq!(line, want_line, "{text}: {reason}");
                    assert!(reason.contains(want), "{text}: {reason}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }
}
