//! Measurements behind docs/BENCHMARKS.md (`bianmin bench …`). Each builds
//! its own database in a given folder and times the same core functions the
//! counter calls. Nothing here asserts a timing.
//!
//! - [`intake`]: accepted-case commit latency and throughput.
//! - [`documents`]: PDF rendering time and size, against headless Chromium.
//! - [`deadlines`]: a million-case database and its red/yellow lists.
//! - [`exchange`]: exporting a day's batch and importing 100 000 events.
//! - [`lan`]: live sync's propagation, catch-up and the hub's footprint.

pub mod dashboard;
pub mod deadlines;
pub mod documents;
pub mod exchange;
pub mod intake;
pub mod lan;
pub mod search;

use std::time::Duration;

use serde::Serialize;

pub use intake::{bench_store, intake, seed_cases, synthetic_applicant, IntakeBench};

/// Latency figures of one measured operation.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub samples: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Latency {
    /// Summarizes durations (sorted in place).
    pub fn of(durations: &mut [Duration]) -> Latency {
        durations.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let n = durations.len().max(1);
        let at = |q: f64| {
            durations
                .get(((n as f64 * q).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        Latency {
            samples: durations.len(),
            p50_ms: ms(at(0.50)),
            p99_ms: ms(at(0.99)),
            max_ms: ms(durations.last().copied().unwrap_or_default()),
            mean_ms: ms(durations.iter().sum::<Duration>()) / n as f64,
        }
    }
}

/// The peak resident set size of this process so far, in KiB (Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
