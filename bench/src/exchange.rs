//! The exchange's figures: exporting a day of a busy center, importing
//! about 100 000 events, and the batch size per 1 000 cases.
//!
//! A sending counter takes cases in and moves each through the whole
//! lifecycle (received, assigned, suspended, resumed, completed, pickup
//! notified, collected, archived: eight events) with the same functions the
//! counter calls; a receiving device joined from the sender's first batch.
//! All but the last day go in one large batch; the last day is the "daily
//! batch". Seeding runs with `synchronous=OFF` (only the timed export and
//! import use the normal settings).
//!
//! With `--scan-mb`, each case of the last day has a scan attached (one
//! PNG of noise, which does not compress), together about that many MB:
//! the daily batch carries them, and the peak resident memory of its
//! export and of its import is read from the kernel (`VmHWM`, reset before
//! each), to show it stays flat however large the batch.

use std::path::Path;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::intake::{
    accepted_application, bench_store_at, bench_time, noise_png, synthetic_applicant,
};
use super::Latency;
use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{Role, Session};
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::exchange::join::{self, JoinInput};
use bianmin::exchange::{devices, import};
use bianmin::intake::record::record_in;
use bianmin::lifecycle::request::{self, StepRequest};
use bianmin::setup;
use bianmin::store::device::DeviceRole;
use bianmin::store::{Store, StoreError};

/// What `bianmin bench exchange` measured.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeBench {
    pub cases_per_day: usize,
    pub days: usize,
    pub day_events: u64,
    pub day_export_ms: f64,
    pub day_batch_bytes: u64,
    pub bytes_per_1000_cases: u64,
    pub big_events: u64,
    pub big_export_ms: f64,
    pub big_batch_bytes: u64,
    /// The p50 of `big_import_runs_ms` (nearest rank: the middle run of
    /// an odd number).
    pub big_import_ms: f64,
    /// Each import of the big batch, into the same receiver each time.
    pub big_import_runs_ms: Vec<f64>,
    /// The processor time of each (user and system, every thread): less
    /// noisy on a shared VM than the wall time, which waits for the disk.
    pub big_import_cpu_ms: Vec<f64>,
    pub import_events_per_second: f64,
    pub day_import_ms: f64,
    pub day_scans: usize,
    pub day_scan_bytes: u64,
    /// Peak resident memory while exporting / importing the daily batch.
    pub day_export_peak_rss_mb: u64,
    pub day_import_peak_rss_mb: u64,
    pub seed_seconds: f64,
}

/// Resets the process's peak resident memory (Linux `clear_refs` 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory since the last [`reset_peak`], MB.
fn peak_rss_mb() -> u64 {
    crate::peak_rss_kib().map_or(0, |kib| kib / 1024)
}

/// Runs the exchange benchmark in `dir`.
pub fn exchange(
    dir: &Path,
    days: usize,
    cases_per_day: usize,
    encrypt: bool,
    scan_mb: usize,
    imports: usize,
) -> bianmin::Result<ExchangeBench> {
    let first_day = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap_or_default();
    let sender_dir = dir.join("sender");
    let usb = dir.join("usb");
    for d in [&sender_dir, &usb] {
        let _ = std::fs::remove_dir_all(d);
        std::fs::create_dir_all(d).map_err(|e| StoreError::file(d, e))?;
    }
    let (mut sender, clerk) = bench_store_at(
        &sender_dir.join("bench.db"),
        bench_time(first_day, 0),
        encrypt,
    )?;
    let quiet = &mut |_| {};
    let request = |date| ExportRequest {
        out_dir: usb.clone(),
        destination: Some("B01".into()),
        since_batch: None,
        date: Some(date),
    };
    let first = export::export(
        &mut sender,
        &clerk,
        bench_time(first_day, 1),
        &request(first_day),
        quiet,
    )?;
    let receiver_path = dir.join("receiver.db");
    for p in bianmin::store::files_of(&receiver_path) {
        let _ = std::fs::remove_file(p);
    }
    let (mut receiver, joined) = setup::on_new_database(&receiver_path, encrypt, |store| {
        join::join(
            store,
            bench_time(first_day, 2),
            &JoinInput {
                device_code: "B01".into(),
                role: DeviceRole::Counter,
                fingerprint: None,
                join_code: first.join_code.clone(),
            },
            Path::new(&first.path),
            quiet,
        )
    })?;
    let receiver_clerk = users::verify_credentials(receiver.conn(), "clerk", "bench-clerk")?;
    // The sender registers the receiver: its batches are sealed to it.
    let admin = users::verify_credentials(sender.conn(), "admin", "bench-admin")?;
    users::add(
        &mut sender,
        &admin,
        bench_time(first_day, 3),
        &NewUser {
            username: "manager".into(),
            display_name: "中心负责人".into(),
            staff_no: "0100".into(),
            role: Role::Manager,
            password: "bench-manager".into(),
        },
    )?;
    let manager = users::verify_credentials(sender.conn(), "manager", "bench-manager")?;
    devices::trust(
        &mut sender,
        &manager,
        bench_time(first_day, 4),
        &joined.key_line,
    )?;

    let started = Instant::now();
    let mut day = first_day;
    let mut n = 0;
    for d in 0..days {
        if d + 1 == days {
            // The large batch: every day but the last.
            let t = Instant::now();
            let big = export::export(
                &mut sender,
                &clerk,
                bench_time(day, 36_000),
                &request(day),
                quiet,
            )?;
            let big_export_ms = t.elapsed().as_secs_f64() * 1000.0;
            day = next_weekday(day);
            let cases = seed_day(&mut sender, &clerk, day, n, cases_per_day)?;
            let mut day_scan_bytes = 0;
            if scan_mb > 0 {
                let kb = (scan_mb * 1024 / cases.len().max(1)).max(1);
                for (i, case_no) in cases.iter().enumerate() {
                    let scan = noise_png(kb, n + i);
                    day_scan_bytes += scan.len() as u64;
                    bianmin::scans::attach_bytes(
                        &mut sender,
                        &clerk,
                        bench_time(day, 30_000 + i as i64),
                        case_no,
                        1,
                        "扫描.png",
                        &scan,
                    )?;
                }
            }
            let seed_seconds = started.elapsed().as_secs_f64();
            reset_peak();
            let t = Instant::now();
            let daily = export::export(
                &mut sender,
                &clerk,
                bench_time(day, 36_000),
                &request(day),
                quiet,
            )?;
            let day_export_ms = t.elapsed().as_secs_f64() * 1000.0;
            let day_export_peak_rss_mb = peak_rss_mb();
            // With more than one import, each goes into a copy of the
            // receiver as it was before the first: one seed gives several
            // figures, which this VM's noise needs.
            let key = receiver.key().cloned();
            let before = dir.join("receiver-before");
            // Closes the receiver, copies its files and opens it again.
            let copied = |receiver: Store, from: &Path, to: &Path| -> bianmin::Result<Store> {
                drop(receiver);
                copy_files(from, to)?;
                Ok(Store::open_again(&receiver_path, key.as_ref())?)
            };
            if imports > 1 {
                receiver = copied(receiver, &receiver_path, &before)?;
            }
            let mut big_import_runs = Vec::with_capacity(imports);
            let mut big_import_cpu_ms = Vec::with_capacity(imports);
            let mut r = None;
            for run in 0..imports.max(1) {
                if run > 0 {
                    receiver = copied(receiver, &before, &receiver_path)?;
                }
                let (t, cpu) = (Instant::now(), cpu_ms());
                r = Some(import::import(
                    &mut receiver,
                    &receiver_clerk,
                    bench_time(day, 40_000),
                    Path::new(&big.path),
                    quiet,
                )?);
                big_import_runs.push(t.elapsed());
                big_import_cpu_ms.push(cpu_ms() - cpu);
            }
            let added = r.map_or(0, |r| r.added);
            let big_import_runs_ms: Vec<f64> = big_import_runs
                .iter()
                .map(|d| d.as_secs_f64() * 1000.0)
                .collect();
            let big_import_ms = Latency::of(&mut big_import_runs).p50_ms;
            reset_peak();
            let t = Instant::now();
            let day_import = import::import(
                &mut receiver,
                &receiver_clerk,
                bench_time(day, 40_001),
                Path::new(&daily.path),
                quiet,
            )?;
            let day_import_ms = t.elapsed().as_secs_f64() * 1000.0;
            let day_import_peak_rss_mb = peak_rss_mb();
            return Ok(ExchangeBench {
                cases_per_day,
                days,
                day_events: daily.events,
                day_export_ms,
                day_batch_bytes: daily.bytes,
                bytes_per_1000_cases: daily.bytes * 1000 / cases_per_day.max(1) as u64,
                big_events: added,
                big_export_ms,
                big_batch_bytes: big.bytes,
                big_import_ms,
                big_import_runs_ms,
                big_import_cpu_ms,
                import_events_per_second: added as f64 / (big_import_ms / 1000.0),
                day_import_ms,
                day_scans: day_import.scans,
                day_scan_bytes,
                day_export_peak_rss_mb,
                day_import_peak_rss_mb,
                seed_seconds,
            });
        }
        if d > 0 {
            day = next_weekday(day);
        }
        seed_day(&mut sender, &clerk, day, n, cases_per_day)?;
        n += cases_per_day;
    }
    Err(StoreError::Encode("bench exchange needs at least two days".into()).into())
}

/// Copies the files of the database at `from` (the database, its log and
/// key file, those that exist) to the same names at `to`, replacing them.
fn copy_files(from: &Path, to: &Path) -> bianmin::Result<()> {
    for (src, dst) in bianmin::store::files_of(from)
        .into_iter()
        .zip(bianmin::store::files_of(to))
    {
        let _ = std::fs::remove_file(&dst);
        if src.exists() {
            std::fs::copy(&src, &dst).map_err(|e| StoreError::file(&dst, e))?;
            // On the disk before the next import starts, so that writing
            // the copy back does not slow that import down.
            std::fs::File::open(&dst)
                .and_then(|f| f.sync_all())
                .map_err(|e| StoreError::file(&dst, e))?;
        }
    }
    Ok(())
}

/// The processor time this process has used so far (user and system, all
/// its threads), ms. `/proc` counts it in ticks of USER_HZ, which is 100 on
/// Linux; 0 where it cannot be read.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The fields after the command name, which is in parentheses.
            let rest = s.rsplit_once(')')?.1.to_owned();
            let fields: Vec<&str> = rest.split_whitespace().collect();
            // utime and stime are fields 14 and 15 of the line: 11 and 12
            // counted from 0 at the state (field 3), which follows the name.
            let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
            Some((ticks(11)? + ticks(12)?) * 10.0)
        })
        .unwrap_or(0.0)
}

fn next_weekday(day: NaiveDate) -> NaiveDate {
    let mut d = day + Days::new(1);
    while chrono::Datelike::weekday(&d).number_from_monday() > 5 {
        d = d + Days::new(1);
    }
    d
}

/// `count` cases taken in on `day` and each moved through its lifecycle;
/// their numbers.
fn seed_day(
    store: &mut Store,
    clerk: &Session,
    day: NaiveDate,
    first: usize,
    count: usize,
) -> bianmin::Result<Vec<String>> {
    store
        .conn()
        .pragma_update(None, "synchronous", "OFF")
        .map_err(StoreError::from)?;
    let mut case_nos = Vec::with_capacity(count);
    store.write(|tx| -> bianmin::Result<()> {
        for i in 0..count {
            let r = record_in(
                tx,
                clerk,
                bench_time(day, i as i64 * 2),
                accepted_application(first + i),
            )?;
            case_nos.push(r.case_no);
        }
        Ok(())
    })?;
    for (i, case_no) in case_nos.iter().enumerate() {
        let applicant = synthetic_applicant(first + i);
        let steps = [
            StepRequest::Assign {
                to: "clerk".into(),
                forward: None,
            },
            StepRequest::Suspend {
                kind: "补正".into(),
                reason: "缺少签字".into(),
            },
            StepRequest::Resume,
            StepRequest::Complete {
                result: "approve".into(),
                reason: None,
            },
            StepRequest::NotifyPickup,
            StepRequest::Collect {
                name: applicant.name.clone(),
                id_number: applicant.id_number.clone(),
                proxy: false,
                in_person: false,
            },
            StepRequest::Archive,
        ];
        for (k, step) in steps.into_iter().enumerate() {
            let at = bench_time(day, 3 * 3600 + (i * 7 + k) as i64);
            request::take(store, clerk, at, case_no, step)?;
        }
    }
    store
        .conn()
        .pragma_update(None, "synchronous", "FULL")
        .map_err(StoreError::from)?;
    Ok(case_nos)
}
