//! The manager's dashboard on a seeded database (see [`super::deadlines`]):
//! the time of one `reports::dashboard::today` call, which the 统计 screen
//! makes every few seconds.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::Latency;
use bianmin::auth::users::{self, NewUser};
use bianmin::auth::Role;
use bianmin::store::{Store, StoreError};

/// What the dashboard benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardBench {
    pub cases: i64,
    pub as_of: chrono::NaiveDate,
    pub red: i64,
    pub yellow: i64,
    pub month_received: i64,
    pub call: Latency,
}

/// Times `samples` dashboard calls on the database `bench seed` made in `dir`.
pub fn dashboard(dir: &Path, samples: usize) -> bianmin::Result<DashboardBench> {
    let mut store = Store::open(&dir.join("bench.db"))?;
    let as_of = super::deadlines::as_of();
    let now = super::intake::bench_time(as_of, 0);
    // The seed has no manager; add one once.
    if users::find(store.conn(), "manager")?.is_none() {
        let admin = users::verify_credentials(store.conn(), "admin", "bench-admin")?;
        users::add(
            &mut store,
            &admin,
            now,
            &NewUser {
                username: "manager".into(),
                display_name: "负责人".into(),
                staff_no: "0100".into(),
                role: Role::Manager,
                password: "bench-manager".into(),
            },
        )?;
    }
    let manager = users::verify_credentials(store.conn(), "manager", "bench-manager")?;
    let conn = store.conn();
    let cases: i64 = conn
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    let mut times = Vec::with_capacity(samples);
    let mut last = None;
    for _ in 0..samples.max(1) {
        let t = Instant::now();
        let d = bianmin::reports::dashboard::today(conn, &manager, as_of)?;
        times.push(t.elapsed());
        last = Some(d);
    }
    let d = last.ok_or_else(|| StoreError::Encode("no sample".into()))?;
    Ok(DashboardBench {
        cases,
        as_of,
        red: d.queue.red,
        yellow: d.queue.yellow,
        month_received: d.month.received,
        call: Latency::of(&mut times),
    })
}
