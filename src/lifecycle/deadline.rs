//! Deadlines and warnings of open cases (已受理, 办理中):
//! - 红灯: the due date has passed; overdue by the working days after it;
//! - 黄灯: due within `warning_days` working days (default 2), due today included;
//! - 正常: otherwise;
//! - 暂停: suspended (补正中) — the clock is stopped, so no light; on resume
//!   the due date moves later by the suspended working days.
//! - 容缺: a running case with a 容缺 material outstanding (src/intake/
//!   tolerance.rs) is watched against the earlier of its due date and that
//!   material's day; when the material's day decides, the light says so
//!   (红灯：容缺材料逾期, 黄灯：容缺材料将到期).
//!
//! Lists select by due date with the (state, due_date) index, so a watch
//! list stays fast with a million cases. Per-case figures for the ledger:
//! completed on time, on the spot, and working days saved against the promise.

use chrono::NaiveDate;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use super::LifecycleError;
use crate::calendar::{schedule, Calendar};
use crate::intake::lookup::CaseSummary;
use crate::store::StoreError;

/// The light of an open case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
    Paused,
}

impl Light {
    pub fn label(self) -> &'static str {
        match self {
            Light::Green => "正常",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
            Light::Paused => "暂停计时",
        }
    }

    /// A light by its code or its Chinese label.
    pub fn parse(s: &str) -> Result<Light, LifecycleError> {
        match s.trim() {
            "green" | "正常" => Ok(Light::Green),
            "yellow" | "黄灯" => Ok(Light::Yellow),
            "red" | "红灯" => Ok(Light::Red),
            "paused" | "暂停计时" => Ok(Light::Paused),
            other => Err(LifecycleError::Unknown {
                kind: "到期状态",
                given: other.to_owned(),
                allowed:
                    "red（红灯）、yellow（黄灯）、green（正常）、paused（暂停计时）、all（全部）",
            }),
        }
    }

    /// A watch-list filter: one light, or every open case for `all` / `全部`.
    pub fn parse_filter(s: &str) -> Result<Option<Light>, LifecycleError> {
        match s.trim() {
            "all" | "全部" => Ok(None),
            other => Light::parse(other).map(Some),
        }
    }
}

/// Where an open case stands against its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub light: Light,
    /// Working days from today to the due date (0 = due today, negative = overdue).
    pub days_left: i64,
    /// Working days past the due date (0 unless red).
    pub overdue_days: i64,
    /// The light is set by an outstanding 容缺 material's day, not the
    /// case's due date.
    pub tolerance: bool,
}

impl Standing {
    /// The light as lists show it, naming a 容缺 material's day when it decides.
    pub fn label(&self) -> &'static str {
        match (self.light, self.tolerance) {
            (Light::Red, true) => "红灯：容缺材料逾期",
            (Light::Yellow, true) => "黄灯：容缺材料将到期",
            (light, _) => light.label(),
        }
    }
}

/// The standing of a running case due on `due` whose earliest outstanding
/// 容缺 material is due on `tolerance_due`: the earlier day decides.
pub fn standing_with_tolerance(
    cal: &Calendar,
    today: NaiveDate,
    due: NaiveDate,
    tolerance_due: Option<NaiveDate>,
    suspended: bool,
    warning_days: i64,
) -> crate::Result<Standing> {
    match tolerance_due {
        Some(t) if t < due && !suspended => Ok(Standing {
            tolerance: true,
            ..standing(cal, today, t, suspended, warning_days)?
        }),
        _ => standing(cal, today, due, suspended, warning_days),
    }
}

/// The standing of a case due on `due`, as of `today`.
pub fn standing(
    cal: &Calendar,
    today: NaiveDate,
    due: NaiveDate,
    suspended: bool,
    warning_days: i64,
) -> crate::Result<Standing> {
    let days_left = cal.working_days_between(today, due)?;
    let light = if suspended {
        Light::Paused
    } else if due < today {
        Light::Red
    } else if days_left <= warning_days {
        Light::Yellow
    } else {
        Light::Green
    };
    let overdue_days = if light == Light::Red { -days_left } else { 0 };
    Ok(Standing {
        light,
        days_left,
        overdue_days,
        tolerance: false,
    })
}

/// One line of a watch list.
#[derive(Debug, Clone, Serialize)]
pub struct Watched {
    #[serde(flatten)]
    pub case: CaseSummary,
    pub handler: String,
    #[serde(flatten)]
    pub standing: Standing,
    pub light_label: &'static str,
}

/// The open cases of one light (all open cases when `light` is `None`), as
/// of `today`. Red cases come most overdue first (the escalation list);
/// the others by due date.
pub fn watch_list(
    conn: &Connection,
    today: NaiveDate,
    light: Option<Light>,
    warning_days: i64,
) -> crate::Result<Vec<Watched>> {
    watch_list_limited(conn, today, light, warning_days, None)
}

/// The most open cases the 工作台 lists.
pub const WORKBENCH_ROWS: usize = 200;

/// The 工作台's open cases, most urgent first, with the counts of the
/// whole list (before it is cut to [`WORKBENCH_ROWS`]).
#[derive(Debug, Clone, Serialize)]
pub struct Urgent {
    pub open_cases: usize,
    pub red: usize,
    pub yellow: usize,
    pub watched: Vec<Watched>,
}

/// The order of the 工作台: red first (most overdue first), then yellow,
/// then the rest by due date, suspended cases last.
pub fn urgency(w: &Watched) -> (u8, i64, Option<NaiveDate>) {
    let rank = match w.standing.light {
        Light::Red => 0,
        Light::Yellow => 1,
        Light::Green => 2,
        Light::Paused => 3,
    };
    (rank, -w.standing.overdue_days, w.case.due_date)
}

/// Every open case in [`urgency`] order, cut to [`WORKBENCH_ROWS`], with
/// the center's warning days.
pub fn workbench(conn: &Connection, today: NaiveDate) -> crate::Result<Urgent> {
    let warning_days = i64::from(crate::center::load(conn)?.warning_days);
    let mut watched = watch_list(conn, today, None, warning_days)?;
    watched.sort_by_key(urgency);
    let count = |l: Light| watched.iter().filter(|w| w.standing.light == l).count();
    let (red, yellow, open_cases) = (count(Light::Red), count(Light::Yellow), watched.len());
    watched.truncate(WORKBENCH_ROWS);
    Ok(Urgent {
        open_cases,
        red,
        yellow,
        watched,
    })
}

/// One light as SQL: the condition on `cases` and the dates it binds.
struct LightFilter {
    condition: String,
    dates: Vec<NaiveDate>,
}

/// The cases at `light` today (every open case for `None`); a case is
/// yellow up to the last due date `warning_days` working days ahead.
fn light_filter(
    cal: &Calendar,
    today: NaiveDate,
    light: Option<Light>,
    warning_days: i64,
) -> crate::Result<LightFilter> {
    use super::state::{OPEN_SQL, RUNNING_SQL};
    let yellow_until = || cal.add_working_days(today, warning_days);
    // A running case is watched against the earlier of its due date and
    // its earliest outstanding 容缺 day (NULL when none is outstanding).
    let (condition, dates) = match light {
        Some(Light::Red) => (
            format!("{RUNNING_SQL} AND (due_date < ?1 OR tolerance_due < ?1)"),
            vec![today],
        ),
        Some(Light::Yellow) => (
            format!(
                "{RUNNING_SQL} AND due_date >= ?1 AND (tolerance_due IS NULL OR tolerance_due >= ?1)
                 AND (due_date <= ?2 OR tolerance_due <= ?2)"
            ),
            vec![today, yellow_until()?],
        ),
        Some(Light::Green) => (
            format!(
                "{RUNNING_SQL} AND due_date > ?1 AND (tolerance_due IS NULL OR tolerance_due > ?1)"
            ),
            vec![yellow_until()?],
        ),
        Some(Light::Paused) => ("state = 'suspended'".to_owned(), vec![]),
        None => (OPEN_SQL.to_owned(), vec![]),
    };
    Ok(LightFilter { condition, dates })
}

/// How many open cases stand at `light` today (every open case for `None`).
pub fn count(
    conn: &Connection,
    cal: &Calendar,
    today: NaiveDate,
    light: Option<Light>,
    warning_days: i64,
) -> crate::Result<i64> {
    let f = light_filter(cal, today, light, warning_days)?;
    let sql = format!("SELECT count(*) FROM cases WHERE {}", f.condition);
    let n = conn
        .prepare_cached(&sql)
        .and_then(|mut stmt| stmt.query_row(params_from_iter(&f.dates), |r| r.get(0)))
        .map_err(StoreError::from)?;
    Ok(n)
}

/// How many running cases are past their own due date at the end of
/// `day` (超期未办结 on the ledger): the case's promise only, whatever the
/// day of a 容缺 material (that has its own figure, src/intake/tolerance.rs).
pub fn overdue_count(conn: &Connection, day: NaiveDate) -> crate::Result<i64> {
    use super::state::RUNNING_SQL;
    let n = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM cases WHERE {RUNNING_SQL} AND due_date < ?1"
        ))
        .and_then(|mut stmt| stmt.query_row([day], |r| r.get(0)))
        .map_err(StoreError::from)?;
    Ok(n)
}

/// The first `limit` cases of [`watch_list`] (all with `None`); with a
/// limit the database stops after them (the dashboard's ten most overdue).
pub fn watch_list_limited(
    conn: &Connection,
    today: NaiveDate,
    light: Option<Light>,
    warning_days: i64,
    limit: Option<usize>,
) -> crate::Result<Vec<Watched>> {
    let cal = schedule::load(conn)?;
    // Whatever light is asked, a list as of a day whose warning window the
    // calendar does not cover is refused (the standing of each case needs it).
    cal.add_working_days(today, warning_days)?;
    let f = light_filter(&cal, today, light, warning_days)?;
    let condition = &f.condition;
    let sql = format!(
        "SELECT {}, coalesce(h.display_name, k.display_name)
         FROM cases c JOIN users k ON k.user_id = c.clerk_user_id LEFT JOIN users h ON h.user_id = c.handler_user_id
         WHERE {condition} ORDER BY c.due_date ASC, c.case_no LIMIT {}",
        crate::intake::lookup::summary_columns(),
        limit.map_or(-1, |n| n as i64)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(&f.dates))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let case = crate::intake::lookup::summary_row(r)
            .map(crate::intake::lookup::masked)
            .map_err(StoreError::from)?;
        let handler: String = r
            .get(crate::intake::lookup::SUMMARY_WIDTH)
            .map_err(StoreError::from)?;
        let due = case.due_date.unwrap_or(today);
        let standing = standing_with_tolerance(
            &cal,
            today,
            due,
            case.tolerance_due,
            case.state == "suspended",
            warning_days,
        )?;
        out.push(Watched {
            light_label: standing.label(),
            case,
            handler,
            standing,
        });
    }
    Ok(out)
}

/// The ledger figures of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Completed on the spot (即办).
    pub on_the_spot: bool,
    /// Completed no later than the due date (`None` while not completed).
    pub on_time: Option<bool>,
    /// Working days between completion and the due date (positive = early).
    pub days_saved: Option<i64>,
}

/// The figures of a case from its outcome, due date and completion day.
pub fn figures(
    cal: &Calendar,
    outcome: crate::intake::Outcome,
    due: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
) -> crate::Result<Figures> {
    let on_the_spot = outcome == crate::intake::Outcome::OnTheSpot;
    let (on_time, days_saved) = match (due, completed_on) {
        (Some(due), Some(done)) => (
            Some(done <= due),
            Some(cal.working_days_between(done, due)?),
        ),
        _ if on_the_spot => (Some(true), Some(0)),
        _ => (None, None),
    };
    Ok(Figures {
        on_the_spot,
        on_time,
        days_saved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::schedule::{YearSchedule, SHIPPED};

    fn cal() -> Calendar {
        let years: Vec<YearSchedule> = SHIPPED
            .iter()
            .map(|t| YearSchedule::parse(t).unwrap())
            .collect();
        Calendar::from_schedules(&years)
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn exactly_two_working_days_left_is_yellow_three_is_green() {
        let c = cal();
        // Mon 11-23 → Wed 11-25 is 2 working days away.
        let s = standing(&c, d(11, 23), d(11, 25), false, 2).unwrap();
        assert_eq!(
            (s.light, s.days_left, s.overdue_days),
            (Light::Yellow, 2, 0)
        );
        assert_eq!(
            standing(&c, d(11, 23), d(11, 26), false, 2).unwrap().light,
            Light::Green
        );
        // Across a weekend: Fri 11-20 → Tue 11-24 is 2 working days.
        assert_eq!(
            standing(&c, d(11, 20), d(11, 24), false, 2).unwrap().light,
            Light::Yellow
        );
    }

    #[test]
    fn due_today_is_yellow_with_zero_days_left() {
        let s = standing(&cal(), d(11, 23), d(11, 23), false, 2).unwrap();
        assert_eq!((s.light, s.days_left), (Light::Yellow, 0));
    }

    #[test]
    fn one_day_late_across_a_holiday_is_red_by_one_working_day() {
        // Due Wed 9-30; on Thu 10-08 (Oct 1–7 off) it is 1 working day late.
        let s = standing(&cal(), d(10, 8), d(9, 30), false, 2).unwrap();
        assert_eq!((s.light, s.overdue_days, s.days_left), (Light::Red, 1, -1));
        // During the holiday it is red but 0 working days late.
        let s = standing(&cal(), d(10, 3), d(9, 30), false, 2).unwrap();
        assert_eq!((s.light, s.overdue_days), (Light::Red, 0));
    }

    #[test]
    fn a_suspended_case_has_no_light() {
        let s = standing(&cal(), d(10, 8), d(9, 30), true, 2).unwrap();
        assert_eq!(s.light, Light::Paused);
        assert_eq!(s.overdue_days, 0);
    }

    #[test]
    fn the_warning_window_is_configurable() {
        assert_eq!(
            standing(&cal(), d(11, 23), d(11, 26), false, 3)
                .unwrap()
                .light,
            Light::Yellow
        );
        assert_eq!(
            standing(&cal(), d(11, 23), d(11, 24), false, 0)
                .unwrap()
                .light,
            Light::Green
        );
    }

    #[test]
    fn figures_on_time_late_and_on_the_spot() {
        use crate::intake::Outcome;
        let c = cal();
        let f = figures(&c, Outcome::Accepted, Some(d(11, 30)), Some(d(11, 25))).unwrap();
        assert_eq!(
            f,
            Figures {
                on_the_spot: false,
                on_time: Some(true),
                days_saved: Some(3)
            }
        );
        let f = figures(&c, Outcome::Accepted, Some(d(11, 30)), Some(d(12, 1))).unwrap();
        assert_eq!(
            f,
            Figures {
                on_the_spot: false,
                on_time: Some(false),
                days_saved: Some(-1)
            }
        );
        let f = figures(&c, Outcome::OnTheSpot, None, None).unwrap();
        assert_eq!(
            f,
            Figures {
                on_the_spot: true,
                on_time: Some(true),
                days_saved: Some(0)
            }
        );
        assert_eq!(
            figures(&c, Outcome::Accepted, Some(d(11, 30)), None)
                .unwrap()
                .on_time,
            None
        );
    }
}
