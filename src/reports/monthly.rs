//! The monthly report (月报): per matter and per clerk — received,
//! accepted, completed, 现场办结率, 按时办结率, average working days saved
//! against the promise, satisfaction rate, complaints — the top ten matters
//! by volume, and the figures of each day for the charts. The month's
//! totals use the same definitions as the daily ledger, so they equal the
//! sum of that month's ledgers (tested).

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::Serialize;

use super::ledger::{stored_fee, stored_outcome};
use crate::calendar::{schedule, CalendarError};
use crate::intake::Outcome;
use crate::lifecycle::deadline;
use crate::service::evaluation;
use crate::store::StoreError;

/// The figures of one matter, one clerk, one day or the whole month.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Line {
    pub name: String,
    pub received: i64,
    pub accepted: i64,
    pub on_the_spot: i64,
    pub notice: i64,
    pub refused: i64,
    pub completed: i64,
    pub on_time: i64,
    /// Sum and count of working days saved by completed promised cases.
    pub days_saved_sum: i64,
    pub days_saved_n: i64,
    pub fees: Decimal,
    pub evaluations: i64,
    /// 非常满意 + 满意 + 基本满意.
    pub satisfied: i64,
    pub complaints: i64,
}

fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Line {
    fn named(name: &str) -> Line {
        Line {
            name: name.to_owned(),
            ..Line::default()
        }
    }

    /// 现场办结率: on-the-spot cases among those taken in (受理 + 即办).
    pub fn on_the_spot_rate(&self) -> Option<f64> {
        ratio(self.on_the_spot, self.accepted + self.on_the_spot)
    }

    /// 按时办结率: completed on time among those completed.
    pub fn on_time_rate(&self) -> Option<f64> {
        ratio(self.on_time, self.completed)
    }

    /// Average working days completed ahead of the promise.
    pub fn average_days_saved(&self) -> Option<Decimal> {
        (self.days_saved_n > 0).then(|| {
            (Decimal::from(self.days_saved_sum) / Decimal::from(self.days_saved_n)).round_dp(1)
        })
    }

    /// (非常满意 + 满意 + 基本满意) / all ratings.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        ratio(self.satisfied, self.evaluations)
    }
}

/// The month's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Monthly {
    pub center_name: String,
    pub year: i32,
    pub month: u32,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub totals: Line,
    pub consultations: i64,
    /// 容缺受理 and 补齐 of the month (src/intake/tolerance.rs).
    pub tolerance: crate::intake::tolerance::Figures,
    /// Ratings of the month by level, best first: (level, label, count).
    pub evaluations_by_level: Vec<(u8, &'static str, i64)>,
    pub by_matter: Vec<Line>,
    pub by_clerk: Vec<Line>,
    /// The ten matters with most applications, most first.
    pub top_matters: Vec<Line>,
    /// One line per calendar day of the month (name = the date).
    pub by_day: Vec<Line>,
}

/// Parses "2026-11".
pub fn parse_month(s: &str) -> Result<(i32, u32), CalendarError> {
    let bad = || CalendarError::BadDate(s.to_owned());
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let (y, m) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    Ok((y, m))
}

fn add(map: &mut BTreeMap<String, Line>, key: &str, f: impl Fn(&mut Line)) {
    f(map
        .entry(key.to_owned())
        .or_insert_with(|| Line::named(key)));
}

/// The report of `year`-`month`.
pub fn report(conn: &Connection, year: i32, month: u32) -> crate::Result<Monthly> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)
        .ok_or_else(|| CalendarError::BadDate(format!("{year}-{month}")))?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| CalendarError::BadDate(format!("{year}-{month}")))?;
    let last = next - Days::new(1);
    let cal = schedule::load(conn)?;
    let mut totals = Line::named("合计");
    let (mut by_matter, mut by_clerk, mut by_day) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let clerk_of = "u.display_name || '（' || u.staff_no || '）'";

    // Taken in this month.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.matter_name, {clerk_of}, c.outcome, c.received_on, c.fee, c.case_no
         FROM cases c JOIN users u ON u.user_id = c.clerk_user_id
         WHERE c.received_on BETWEEN ?1 AND ?2"
    ))?;
    let rows = stmt.query_map(params![first, last], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, NaiveDate>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (matter, clerk, outcome, on, fee, case_no) = row.map_err(StoreError::from)?;
        let outcome = stored_outcome(&outcome, &case_no)?;
        let fee = stored_fee(&fee, &case_no)?;
        let count = |l: &mut Line| {
            l.received += 1;
            match outcome {
                Outcome::Accepted => l.accepted += 1,
                Outcome::OnTheSpot => l.on_the_spot += 1,
                Outcome::Notice => l.notice += 1,
                Outcome::Refused => l.refused += 1,
            }
            if matches!(outcome, Outcome::Accepted | Outcome::OnTheSpot) {
                l.fees += fee;
            }
        };
        count(&mut totals);
        add(&mut by_matter, &matter, count);
        add(&mut by_clerk, &clerk, count);
        add(&mut by_day, &on.to_string(), count);
    }

    // Completed this month.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.matter_name, {clerk_of}, c.outcome, c.due_date, c.completed_on, c.case_no
         FROM cases c JOIN users u ON u.user_id = c.clerk_user_id
         WHERE c.completed_on BETWEEN ?1 AND ?2"
    ))?;
    let rows = stmt.query_map(params![first, last], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<NaiveDate>>(3)?,
            r.get::<_, NaiveDate>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (matter, clerk, outcome, due, done, case_no) = row.map_err(StoreError::from)?;
        let outcome = stored_outcome(&outcome, &case_no)?;
        let f = deadline::figures(&cal, outcome, due, Some(done))?;
        let count = |l: &mut Line| {
            l.completed += 1;
            if f.on_time != Some(false) {
                l.on_time += 1;
            }
            if let (Some(saved), false) = (f.days_saved, f.on_the_spot) {
                l.days_saved_sum += saved;
                l.days_saved_n += 1;
            }
        };
        count(&mut totals);
        add(&mut by_matter, &matter, count);
        add(&mut by_clerk, &clerk, count);
        add(&mut by_day, &done.to_string(), count);
    }

    // Ratings of this month: of cases to their matter and clerk; all in the totals.
    let mut levels = [0i64; 6];
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.level, substr(e.evaluated_at, 1, 10), c.matter_name, {clerk_of}
         FROM evaluations e LEFT JOIN cases c ON c.case_id = e.case_id
         LEFT JOIN users u ON u.user_id = c.clerk_user_id
         WHERE substr(e.evaluated_at, 1, 10) BETWEEN ?1 AND ?2"
    ))?;
    let rows = stmt.query_map(params![first.to_string(), last.to_string()], |r| {
        Ok((
            r.get::<_, u8>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    for row in rows {
        let (level, day, matter, clerk) = row.map_err(StoreError::from)?;
        levels[usize::from(level.min(5))] += 1;
        let count = |l: &mut Line| {
            l.evaluations += 1;
            if level >= 3 {
                l.satisfied += 1;
            }
        };
        count(&mut totals);
        add(&mut by_day, &day, count);
        if let (Some(m), Some(c)) = (matter, clerk) {
            add(&mut by_matter, &m, count);
            add(&mut by_clerk, &c, count);
        }
    }

    // Complaints registered this month; those naming a case number count
    // against that case's matter and clerk.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT k.received_on, c.matter_name, {clerk_of}
         FROM complaints k LEFT JOIN cases c ON c.case_no = trim(k.target)
         LEFT JOIN users u ON u.user_id = c.clerk_user_id
         WHERE k.received_on BETWEEN ?1 AND ?2"
    ))?;
    let rows = stmt.query_map(params![first, last], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    for row in rows {
        let (day, matter, clerk) = row.map_err(StoreError::from)?;
        let count = |l: &mut Line| l.complaints += 1;
        count(&mut totals);
        add(&mut by_day, &day.to_string(), count);
        if let (Some(m), Some(c)) = (matter, clerk) {
            add(&mut by_matter, &m, count);
            add(&mut by_clerk, &c, count);
        }
    }
    let consultations: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM consultations WHERE substr(asked_at, 1, 10) BETWEEN ?1 AND ?2",
        )?
        .query_row(params![first.to_string(), last.to_string()], |r| r.get(0))
        .map_err(StoreError::from)?;

    let by_matter: Vec<Line> = by_matter.into_values().collect();
    let mut top_matters = by_matter.clone();
    top_matters.sort_by(|a, b| {
        b.received
            .cmp(&a.received)
            .then_with(|| a.name.cmp(&b.name))
    });
    top_matters.retain(|l| l.received > 0);
    top_matters.truncate(10);
    let mut days = Vec::new();
    let mut d = first;
    while d <= last {
        let key = d.to_string();
        days.push(by_day.remove(&key).unwrap_or_else(|| Line::named(&key)));
        d = d + Days::new(1);
    }
    totals.fees = totals.fees.round_dp(2);
    Ok(Monthly {
        center_name: crate::center::name(conn)?,
        year: first.year(),
        month: first.month(),
        first,
        last,
        totals,
        consultations,
        tolerance: crate::intake::tolerance::figures(conn, first, last)?,
        evaluations_by_level: evaluation::LEVELS
            .iter()
            .map(|&(level, label)| (level, label, levels[usize::from(level)]))
            .collect(),
        by_matter,
        by_clerk: by_clerk.into_values().collect(),
        top_matters,
        by_day: days,
    })
}
