//! `bianmin bench seed` and `bianmin bench deadlines`: a database of many
//! cases made through the real intake and lifecycle functions, and the time
//! to list its red and yellow cases (target: p99 < 50 ms at 1 000 000).
//!
//! The seed spreads cases over working and non-working days from
//! 2025-01-02 to 2026-11-20: 60 % 即办 (closed at intake); the others are
//! accepted and then assigned and completed, except those of the last 15
//! days and one in a thousand older ones, which stay open (the red and
//! yellow population). The seeding connection runs with synchronous=OFF —
//! a benchmark database, not a counter's.

use std::path::Path;
use std::time::Instant;

use chrono::{Duration as Days, NaiveDate};
use serde::Serialize;

use super::intake::{bench_store, bench_time, synthetic_applicant};
use super::Latency;
use bianmin::auth::users;
use bianmin::intake::{record::record_in, Application};
use bianmin::lifecycle::deadline::{watch_list, Light};
use bianmin::lifecycle::handling::{self, Decision};
use bianmin::store::{Store, StoreError};

/// What the seed made.
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub cases: usize,
    pub open_cases: usize,
    pub seconds: f64,
    pub database_bytes: u64,
}

/// The result of `bianmin bench deadlines`.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlinesBench {
    pub cases: i64,
    pub as_of: NaiveDate,
    pub red_cases: usize,
    pub yellow_cases: usize,
    pub red: Latency,
    pub yellow: Latency,
    /// Red and yellow together, as the deadline board asks for them.
    pub red_and_yellow: Latency,
}

const FIRST_DAY: (i32, u32, u32) = (2025, 1, 2);
const LAST_DAY: (i32, u32, u32) = (2026, 11, 20);

/// The day the benchmark looks at the seeded cases from.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

fn application(n: usize, on_the_spot: bool) -> Application {
    if on_the_spot {
        Application {
            matter_code: "MZ-006".into(),
            applicant: synthetic_applicant(n),
            proxy: None,
            provided: vec!["1".into(), "2".into()],
            refusal_reason: None,
            resubmission_of: None,
            tolerate: false,
            promised: Vec::new(),
        }
    } else {
        super::intake::accepted_application(n)
    }
}

/// Seeds `cases` cases into a new database in `dir`.
pub fn seed(
    dir: &Path,
    cases: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> bianmin::Result<SeedReport> {
    let started = Instant::now();
    let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2).unwrap_or_default();
    let span = (last - first).num_days() as usize + 1;
    let (mut store, clerk) = bench_store(dir, bench_time(first, 0))?;
    store
        .conn()
        .pragma_update(None, "synchronous", "OFF")
        .map_err(StoreError::from)?;
    let handler = users::find(store.conn(), "clerk")?
        .map(|u| u.username)
        .unwrap_or_default();
    let open_from = last - Days::days(14);
    let mut open = 0;
    let batch = 5_000;
    let mut n = 0;
    while n < cases {
        let end = (n + batch).min(cases);
        // Intake in large transactions; remember which cases to close.
        let to_close: Vec<(String, NaiveDate)> = store.write(|tx| {
            let mut close = Vec::new();
            for i in n..end {
                let day = first + Days::days((i * span / cases.max(1)) as i64);
                let at = bench_time(day, (i % 600) as i64 * 60);
                let on_the_spot = i % 100 < 60;
                let r = record_in(tx, &clerk, at, application(i, on_the_spot))?;
                let stays_open = !on_the_spot && (day >= open_from || i % 1000 == 999);
                if !on_the_spot && !stays_open {
                    close.push((r.case_no, day));
                }
            }
            Ok::<_, bianmin::Error>(close)
        })?;
        open += (end - n) - to_close.len() - (n..end).filter(|i| i % 100 < 60).count();
        for (case_no, day) in to_close {
            let done = bench_time(day + Days::days(1), 0);
            handling::assign(&mut store, &clerk, done, &case_no, &handler, None)?;
            handling::complete(&mut store, &clerk, done, &case_no, Decision::Approve, None)?;
        }
        n = end;
        progress(n, cases);
    }
    // A counter's search index is merged while it works (the store's
    // background connection, when writes pause): the seed's is merged now.
    bianmin::intake::search_index::optimize(store.conn())?;
    let _ = store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
    let database_bytes = std::fs::metadata(dir.join("bench.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    Ok(SeedReport {
        cases,
        open_cases: open,
        seconds: started.elapsed().as_secs_f64(),
        database_bytes,
    })
}

/// Times the red, yellow and red+yellow lists `samples` times each on the
/// database `bench seed` made in `dir`.
pub fn deadlines(dir: &Path, samples: usize) -> bianmin::Result<DeadlinesBench> {
    let store = Store::open(&dir.join("bench.db"))?;
    let conn = store.conn();
    let cases: i64 = conn
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    let today = as_of();
    let warning_days = i64::from(bianmin::center::load(conn)?.warning_days);
    let time = |light: Option<Light>| -> bianmin::Result<(Latency, usize)> {
        let mut times = Vec::with_capacity(samples);
        let mut count = 0;
        for _ in 0..samples.max(1) {
            let t = Instant::now();
            count = match light {
                Some(l) => watch_list(conn, today, Some(l), warning_days)?.len(),
                None => {
                    watch_list(conn, today, Some(Light::Red), warning_days)?.len()
                        + watch_list(conn, today, Some(Light::Yellow), warning_days)?.len()
                }
            };
            times.push(t.elapsed());
        }
        Ok((Latency::of(&mut times), count))
    };
    let (red, red_cases) = time(Some(Light::Red))?;
    let (yellow, yellow_cases) = time(Some(Light::Yellow))?;
    let (red_and_yellow, _) = time(None)?;
    Ok(DeadlinesBench {
        cases,
        as_of: today,
        red_cases,
        yellow_cases,
        red,
        yellow,
        red_and_yellow,
    })
}
