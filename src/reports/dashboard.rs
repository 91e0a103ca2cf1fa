//! The figures of the manager's 统计 screen in one call, fast enough to
//! refresh every few seconds on a database of a million cases: the queue
//! of open cases by light, today's counts, this month's rates, and the ten
//! most overdue cases. Every query runs on an index (state and due date,
//! received day, completion day).

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::auth::{Action, Session};
use crate::calendar::schedule;
use crate::center;
use crate::intake::lookup::{self, DayCounts};
use crate::lifecycle::deadline::{self, Light, Watched};
use crate::store::StoreError;

/// Open cases by light.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Queue {
    pub red: i64,
    pub yellow: i64,
    pub green: i64,
    pub paused: i64,
}

/// This month's rates, from the first of the month to today.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MonthRates {
    pub received: i64,
    /// Cases completed this month; of them on time, and on the spot.
    pub completed: i64,
    pub on_time: i64,
    pub on_the_spot: i64,
    /// on_time / completed, 0–1 (`None` without completions).
    pub on_time_rate: Option<f64>,
    /// on_the_spot / completed (现场办结率).
    pub on_the_spot_rate: Option<f64>,
    pub evaluations: i64,
    /// (非常满意 + 满意 + 基本满意) / all ratings.
    pub satisfaction_rate: Option<f64>,
}

/// Everything the 统计 screen shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub queue: Queue,
    pub counts: DayCounts,
    pub month: MonthRates,
    pub most_overdue: Vec<Watched>,
}

fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Today's figures; managers only.
pub fn today(conn: &Connection, session: &Session, today: NaiveDate) -> crate::Result<Dashboard> {
    session.authorize(conn, Action::ViewReports)?;
    let warning_days = i64::from(center::load(conn)?.warning_days);
    let q = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<i64, StoreError> {
        Ok(conn.prepare_cached(sql)?.query_row(p, |r| r.get(0))?)
    };
    let cal = schedule::load(conn)?;
    let by = |light| deadline::count(conn, &cal, today, Some(light), warning_days);
    let queue = Queue {
        red: by(Light::Red)?,
        yellow: by(Light::Yellow)?,
        green: by(Light::Green)?,
        paused: by(Light::Paused)?,
    };
    let first = today.with_day(1).unwrap_or(today);
    let received = q(
        "SELECT count(*) FROM cases WHERE received_on BETWEEN ?1 AND ?2",
        &[&first, &today],
    )?;
    let (completed, on_time, on_the_spot): (i64, i64, i64) = conn
        .prepare_cached(
            "SELECT count(*),
                    coalesce(sum(outcome = 'on_the_spot' OR due_date IS NULL OR completed_on <= due_date), 0),
                    coalesce(sum(outcome = 'on_the_spot'), 0)
             FROM cases WHERE completed_on BETWEEN ?1 AND ?2",
        )?
        .query_row(params![first, today], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(StoreError::from)?;
    let (evaluations, satisfied): (i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(level >= 3), 0) FROM evaluations
             WHERE evaluated_at >= ?1 AND evaluated_at < ?2",
        )?
        .query_row(
            params![
                first.to_string(),
                (today + chrono::Days::new(1)).to_string()
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(StoreError::from)?;
    let most_overdue =
        deadline::watch_list_limited(conn, today, Some(Light::Red), warning_days, Some(10))?;
    Ok(Dashboard {
        today,
        queue,
        counts: lookup::day_counts(conn, today)?,
        month: MonthRates {
            received,
            completed,
            on_time,
            on_the_spot,
            on_time_rate: ratio(on_time, completed),
            on_the_spot_rate: ratio(on_the_spot, completed),
            evaluations,
            satisfaction_rate: ratio(satisfied, evaluations),
        },
        most_overdue,
    })
}
