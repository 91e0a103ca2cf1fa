//! One year's official schedule: holidays (放假) and make-up workdays
//! (调休上班), read from the TOML files in assets/calendar/ or imported by
//! a manager. A year is loaded as one `calendar.loaded` event; loading it
//! again replaces that year for future due dates (cases keep their dates).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Weekday};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{recompute, Calendar, CalendarError};
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
    provisional: bool,
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
    /// Computed from the statutory rules, not the State Council's notice (暂定).
    #[serde(default)]
    pub provisional: bool,
}

/// Payload of `calendar.loaded`: the year and every exception day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalendarLoaded {
    pub year: i32,
    pub source: String,
    pub days: Vec<LoadedDay>,
    /// Absent (false) in an official year's event, as before it existed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub provisional: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Where a schedule's mistake is: its head (year, source), or the n-th
/// holiday period or make-up day (from 0) as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Head,
    Holiday(usize),
    Workday(usize),
}

fn day_of(s: &str) -> Result<NaiveDate, String> {
    if s.trim().is_empty() {
        return Err("请填写日期".into());
    }
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("日期“{}”格式不对，应为 2026-10-01 这样的形式", s.trim()))
}

/// The rules every schedule meets, from a file or from the form: the year
/// in range, a source, names, every date in the year, periods in order, no
/// day listed twice, make-up workdays only on weekends.
fn check(
    year: i32,
    source: &str,
    holidays: &[HolidayPeriod],
    workdays: &[MakeUpDay],
) -> Result<(), (At, String)> {
    if !(2000..=2100).contains(&year) {
        return Err((At::Head, format!("年份 {year} 不在 2000 到 2100 之间")));
    }
    if source.trim().is_empty() {
        return Err((At::Head, "请填写依据（放假通知的名称）".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, h) in holidays.iter().enumerate() {
        let at = At::Holiday(i);
        if h.name.trim().is_empty() {
            return Err((at, "请填写节日名称".into()));
        }
        let from = day_of(&h.from).map_err(|e| (at, e))?;
        let to = day_of(&h.to).map_err(|e| (at, e))?;
        if from > to {
            return Err((at, format!("放假开始日期 {from} 晚于结束日期 {to}")));
        }
        for day in from.iter_days().take_while(|d| *d <= to) {
            if day.year() != year {
                return Err((at, format!("日期 {day} 不在 {year} 年内")));
            }
            if !seen.insert(day) {
                return Err((at, format!("日期 {day} 重复出现")));
            }
        }
    }
    for (i, w) in workdays.iter().enumerate() {
        let at = At::Workday(i);
        if w.name.trim().is_empty() {
            return Err((at, "请填写调休所属的节日名称".into()));
        }
        let day = day_of(&w.date).map_err(|e| (at, e))?;
        if day.year() != year {
            return Err((at, format!("日期 {day} 不在 {year} 年内")));
        }
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return Err((at, format!("调休上班日 {day} 不是周末，无需调休")));
        }
        if !seen.insert(day) {
            return Err((at, format!("日期 {day} 重复出现（既放假又上班？）")));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadedDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

impl YearSchedule {
    /// Parses and checks a schedule file (see [`check`]); a mistake names
    /// its line.
    pub fn parse(text: &str) -> Result<YearSchedule, CalendarError> {
        let file: File = toml::from_str(text).map_err(|e| CalendarError::File {
            line: e
                .span()
                .map(|s| crate::files::line_at(text, s.start))
                .unwrap_or(1),
            reason: format!("格式错误（{}）", e.message()),
        })?;
        let schedule = YearSchedule {
            year: file.year,
            source: file.source,
            holidays: file.holidays.iter().map(|h| h.get_ref().clone()).collect(),
            workdays: file.workdays.iter().map(|w| w.get_ref().clone()).collect(),
            provisional: file.provisional,
        };
        check(
            schedule.year,
            &schedule.source,
            &schedule.holidays,
            &schedule.workdays,
        )
        .map_err(|(at, reason)| {
            let offset = match at {
                At::Head => 0,
                At::Holiday(i) => file.holidays[i].span().start,
                At::Workday(i) => file.workdays[i].span().start,
            };
            CalendarError::File {
                line: crate::files::line_at(text, offset),
                reason,
            }
        })?;
        Ok(schedule)
    }

    /// Checks a schedule entered in the window's form (see [`check`]); a
    /// mistake names its row as the form shows it. A row without any date
    /// (a festival's name the form offers, not filled in) is left out.
    pub fn entered(
        year: i32,
        source: &str,
        holidays: Vec<HolidayPeriod>,
        workdays: Vec<MakeUpDay>,
    ) -> Result<YearSchedule, CalendarError> {
        let blank = |s: &str| s.trim().is_empty();
        let trim = |s: &str| s.trim().to_owned();
        let (hrows, holidays): (Vec<usize>, Vec<HolidayPeriod>) = holidays
            .iter()
            .enumerate()
            .filter(|(_, h)| !(blank(&h.from) && blank(&h.to)))
            .map(|(i, h)| {
                let p = HolidayPeriod {
                    name: trim(&h.name),
                    from: trim(&h.from),
                    to: trim(&h.to),
                };
                (i, p)
            })
            .unzip();
        let (wrows, workdays): (Vec<usize>, Vec<MakeUpDay>) = workdays
            .iter()
            .enumerate()
            .filter(|(_, w)| !blank(&w.date))
            .map(|(i, w)| {
                let d = MakeUpDay {
                    name: trim(&w.name),
                    date: trim(&w.date),
                };
                (i, d)
            })
            .unzip();
        check(year, source, &holidays, &workdays).map_err(|(at, reason)| {
            let row = match at {
                At::Head => "年份与依据".to_owned(),
                At::Holiday(i) => format!("放假安排第 {} 行", hrows[i] + 1),
                At::Workday(i) => format!("调休上班第 {} 行", wrows[i] + 1),
            };
            CalendarError::Entry { row, reason }
        })?;
        // Checked: every date parses; kept as 2027-01-04 whatever was typed.
        let canonical = |s: &str| day_of(s).map_or_else(|_| s.to_owned(), |d| d.to_string());
        let holidays = holidays
            .into_iter()
            .map(|h| HolidayPeriod {
                from: canonical(&h.from),
                to: canonical(&h.to),
                name: h.name,
            })
            .collect();
        let workdays = workdays
            .into_iter()
            .map(|w| MakeUpDay {
                date: canonical(&w.date),
                name: w.name,
            })
            .collect();
        Ok(YearSchedule {
            year,
            source: source.trim().to_owned(),
            holidays,
            workdays,
            provisional: false,
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
            #[serde(skip_serializing_if = "is_false")]
            provisional: bool,
            holidays: &'a [HolidayPeriod],
            workdays: &'a [MakeUpDay],
        }
        toml::to_string(&Out {
            year: self.year,
            source: &self.source,
            provisional: self.provisional,
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
            provisional: self.provisional,
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

/// What loading a year did: the schedule and the open cases whose due
/// dates it moved.
#[derive(Debug, Clone, Serialize)]
pub struct Loaded {
    pub schedule: YearSchedule,
    pub moved: Vec<recompute::Moved>,
}

/// Loads a checked year for a manager, in one transaction: the year's
/// event, then the open cases' due dates that it moves. An official year
/// is never replaced by a provisional one.
pub fn load_year(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    schedule: YearSchedule,
) -> crate::Result<Loaded> {
    session.authorize(store.conn(), Action::EditCalendar)?;
    store.write(|tx| {
        if schedule.provisional && official(tx, schedule.year)? {
            return Err(CalendarError::OfficialLoaded(schedule.year).into());
        }
        let before = load(tx)?;
        append_loaded(tx, &session.user_id, now, &schedule)?;
        let after = load(tx)?;
        let moved = recompute::follow(tx, &session.user_id, now, schedule.year, &before, &after)?;
        Ok(Loaded {
            schedule: schedule.clone(),
            moved,
        })
    })
}

/// Whether `year` is loaded from an official schedule.
fn official(conn: &Connection, year: i32) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM calendar_years WHERE year = ?1 AND provisional = 0")?
        .query_row([year], |r| r.get::<_, i64>(0))?
        > 0)
}

/// Imports a year's schedule from a file's text; only a manager may. A bad
/// file is refused whole, naming the line.
pub fn import(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    text: &str,
) -> crate::Result<Loaded> {
    session.authorize(store.conn(), Action::EditCalendar)?;
    let schedule = YearSchedule::parse(text)?;
    load_year(store, session, now, schedule)
}

/// Imports a year's schedule from a file a manager chose in the window.
pub fn import_file(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    path: &std::path::Path,
) -> crate::Result<Loaded> {
    session.authorize(store.conn(), Action::EditCalendar)?;
    let text = crate::files::read_text(path)?;
    import(store, session, now, &text)
}

/// A year's official schedule as a manager types it in the window's form
/// (the notice's holiday ranges and make-up days).
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub year: i32,
    pub source: String,
    #[serde(default)]
    pub holidays: Vec<HolidayPeriod>,
    #[serde(default)]
    pub workdays: Vec<MakeUpDay>,
}

/// Loads a year entered in the form, checked like a file.
pub fn enter(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    entry: Entry,
) -> crate::Result<Loaded> {
    session.authorize(store.conn(), Action::EditCalendar)?;
    let schedule =
        YearSchedule::entered(entry.year, &entry.source, entry.holidays, entry.workdays)?;
    load_year(store, session, now, schedule)
}

/// The calendar of every loaded year.
pub fn load(conn: &Connection) -> Result<Calendar, StoreError> {
    let mut cal = Calendar::default();
    let mut years = conn.prepare_cached("SELECT year, provisional FROM calendar_years")?;
    for y in years.query_map([], |r| Ok((r.get::<_, i32>(0)?, r.get::<_, bool>(1)?)))? {
        let (year, provisional) = y?;
        cal.insert_year(year, provisional);
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

/// The year the 节假日 screen opens on: next year from November while it
/// has no official schedule (the one a manager has to load), else this year.
pub fn year_to_show(conn: &Connection, today: NaiveDate) -> Result<i32, StoreError> {
    let next = today.year() + 1;
    Ok(if today.month() >= 11 && !official(conn, next)? {
        next
    } else {
        today.year()
    })
}

/// What the workbench says from November while next year has no schedule
/// loaded: cases due then cannot be taken in.
pub fn missing_notice(conn: &Connection, today: NaiveDate) -> Result<Option<String>, StoreError> {
    let next = today.year() + 1;
    if today.month() < 11 {
        return Ok(None);
    }
    let loaded: i64 = conn
        .prepare_cached("SELECT count(*) FROM calendar_years WHERE year = ?1")?
        .query_row([next], |r| r.get(0))?;
    Ok((loaded == 0).then(|| {
        format!(
            "{next} 年的节假日安排尚未载入：办结期限落在 {next} 年的事项无法受理。\
             请中心负责人在“节假日”页面录入正式安排，或先推算暂定安排。"
        )
    }))
}

/// One loaded year as listed.
#[derive(Debug, Clone, Serialize)]
pub struct LoadedYear {
    pub year: i32,
    pub source: String,
    pub loaded_at: String,
    pub holidays: i64,
    pub workdays: i64,
    /// Computed from the statutory rules (暂定), not the official notice.
    pub provisional: bool,
}

/// The loaded years with their day counts.
pub fn years(conn: &Connection) -> Result<Vec<LoadedYear>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT y.year, y.source, y.loaded_at,
                (SELECT count(*) FROM calendar_days d WHERE d.year = y.year AND d.kind = 'holiday'),
                (SELECT count(*) FROM calendar_days d WHERE d.year = y.year AND d.kind = 'workday'),
                y.provisional
         FROM calendar_years y ORDER BY y.year",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LoadedYear {
            year: r.get(0)?,
            source: r.get(1)?,
            loaded_at: r.get(2)?,
            holidays: r.get(3)?,
            workdays: r.get(4)?,
            provisional: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Holiday days grouped into periods of consecutive days of one name.
pub(crate) fn periods<'a>(
    days: impl IntoIterator<Item = (NaiveDate, &'a str)>,
) -> Vec<HolidayPeriod> {
    let mut out: Vec<HolidayPeriod> = Vec::new();
    let mut last: Option<NaiveDate> = None;
    for (day, name) in days {
        match out.last_mut() {
            Some(p) if p.name == name && last.and_then(|d| d.succ_opt()) == Some(day) => {
                p.to = day.to_string();
            }
            _ => out.push(HolidayPeriod {
                name: name.to_owned(),
                from: day.to_string(),
                to: day.to_string(),
            }),
        }
        last = Some(day);
    }
    out
}

/// One day of a year's month grids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCell {
    pub day: NaiveDate,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// `holiday` (放假), `workday` (调休上班), `weekend` or `working`.
    pub kind: &'static str,
    /// The festival's name on a holiday or make-up day.
    pub name: Option<String>,
}

/// A year as the 节假日 screen shows it: every day, and the schedule as the
/// form edits it.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    pub year: i32,
    pub source: String,
    pub provisional: bool,
    pub days: Vec<DayCell>,
    pub holidays: Vec<HolidayPeriod>,
    pub workdays: Vec<MakeUpDay>,
    /// How many working days the year has.
    pub working_days: usize,
}

impl YearSchedule {
    /// The year's every day, marked, for the month grids.
    pub fn view(&self) -> YearView {
        let exceptions: std::collections::HashMap<NaiveDate, (DayKind, String)> = self
            .days()
            .into_iter()
            .map(|(d, k, n)| (d, (k, n)))
            .collect();
        let mut days = Vec::new();
        let first = NaiveDate::from_ymd_opt(self.year, 1, 1);
        for day in first
            .into_iter()
            .flat_map(|f| f.iter_days())
            .take_while(|d| d.year() == self.year)
        {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let (kind, name) = match exceptions.get(&day) {
                Some((DayKind::Holiday, n)) => ("holiday", Some(n.clone())),
                Some((DayKind::Workday, n)) => ("workday", Some(n.clone())),
                None if weekend => ("weekend", None),
                None => ("working", None),
            };
            days.push(DayCell {
                day,
                weekday: day.weekday().number_from_monday(),
                kind,
                name,
            });
        }
        YearView {
            year: self.year,
            source: self.source.clone(),
            provisional: self.provisional,
            working_days: days
                .iter()
                .filter(|c| matches!(c.kind, "working" | "workday"))
                .count(),
            days,
            holidays: self.holidays.clone(),
            workdays: self.workdays.clone(),
        }
    }
}

/// A loaded year's schedule as it is in the database, `None` when the year
/// is not loaded.
pub fn loaded_schedule(conn: &Connection, year: i32) -> Result<Option<YearSchedule>, StoreError> {
    let head: Option<(String, bool)> = conn
        .prepare_cached("SELECT source, provisional FROM calendar_years WHERE year = ?1")?
        .query_row([year], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((source, provisional)) = head else {
        return Ok(None);
    };
    let mut stmt = conn
        .prepare_cached("SELECT day, kind, name FROM calendar_days WHERE year = ?1 ORDER BY day")?;
    let rows: Vec<(NaiveDate, String, String)> = stmt
        .query_map([year], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let holidays = periods(
        rows.iter()
            .filter(|(_, k, _)| k == "holiday")
            .map(|(d, _, n)| (*d, n.as_str())),
    );
    let workdays = rows
        .iter()
        .filter(|(_, k, _)| k == "workday")
        .map(|(d, _, n)| MakeUpDay {
            name: n.clone(),
            date: d.to_string(),
        })
        .collect();
    Ok(Some(YearSchedule {
        year,
        source,
        holidays,
        workdays,
        provisional,
    }))
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
        "INSERT INTO calendar_years (year, source, loaded_at, loaded_by, provisional)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (year) DO UPDATE SET source = excluded.source, loaded_at = excluded.loaded_at,
                                          loaded_by = excluded.loaded_by,
                                          provisional = excluded.provisional",
        params![p.year, p.source, event.ts, event.user_id, p.provisional],
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
