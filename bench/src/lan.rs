//! Live sync's figures on loopback: a hub (`bianmin serve`, a separate
//! process, so its memory and CPU are its own) and `counters` counters,
//! each syncing on its own thread (`sync::device::keep_in_step`, as the
//! window runs it) and committing one accepted case per second through
//! the real intake function on its own connection.
//!
//! - propagation: commit at one counter → the case in the database of
//!   another (the first counter watches everyone else's), p50 and p99;
//! - the intake commit's own latency with sync running beside it;
//! - catch-up: a counter offline while it takes `catch_up_cases` cases and
//!   the hub gathers others' events; time from reconnecting to holding
//!   the same heads as the hub;
//! - the hub's peak resident memory and CPU time (from /proc), and bytes
//!   per accepted case of the batch the LAN sends (its frames add 21 bytes
//!   per 64 KiB).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::intake::{accepted_application, synthetic_applicant};
use super::Latency;
use bianmin::auth::users::{self, NewUser};
use bianmin::auth::Role;
use bianmin::exchange::devices;
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::exchange::join::{self, JoinInput};
use bianmin::setup::{self, SetupInput};
use bianmin::store::device::DeviceRole;
use bianmin::store::{events, Store, StoreError};
use bianmin::sync::{device, Notice};

/// What `bianmin-bench lan` measured.
#[derive(Debug, Clone, Serialize)]
pub struct LanBench {
    pub counters: usize,
    pub seconds: u64,
    pub cases: usize,
    pub propagation: Latency,
    pub intake_commit: Latency,
    pub catch_up_cases: usize,
    pub catch_up_hub_events: u64,
    pub catch_up_ms: f64,
    pub hub_peak_rss_kib: Option<u64>,
    pub hub_idle_rss_kib: Option<u64>,
    pub hub_cpu_seconds: Option<f64>,
    pub batch_bytes_per_case: Option<f64>,
    /// The batch of one case alone (how an intake goes out live).
    pub single_case_batch_bytes: Option<f64>,
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> bianmin::Error + '_ {
    move |e| StoreError::file(path, e).into()
}

/// The hub A01 and `n` counters A02… joined from it and registered on it.
fn hall(dir: &Path, n: usize) -> bianmin::Result<(PathBuf, Vec<PathBuf>)> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let hub_db = dir.join("A01.db");
    let mut hub = Store::open(&hub_db)?;
    setup::init(
        &mut hub,
        now(),
        SetupInput {
            center_code: "371402101".into(),
            center_name: "基准测试便民服务中心".into(),
            device_code: "A01".into(),
            role: DeviceRole::Hub,
            admin: NewUser {
                username: "admin".into(),
                display_name: "管理员".into(),
                staff_no: "9001".into(),
                role: Role::Admin,
                password: "bench-admin".into(),
            },
            profile: None,
        },
    )?;
    let admin = users::verify_credentials(hub.conn(), "admin", "bench-admin")?;
    for (u, role, no) in [
        ("manager", Role::Manager, "0100"),
        ("clerk", Role::Clerk, "0101"),
    ] {
        users::add(
            &mut hub,
            &admin,
            now(),
            &NewUser {
                username: u.into(),
                display_name: u.into(),
                staff_no: no.into(),
                role,
                password: format!("bench-{u}"),
            },
        )?;
    }
    let manager = users::verify_credentials(hub.conn(), "manager", "bench-manager")?;
    let usb = dir.join("usb");
    std::fs::create_dir_all(&usb).map_err(io(&usb))?;
    let mut out = Vec::new();
    for i in 0..n {
        let code = format!("A{:02}", i + 2);
        let batch = export::export(
            &mut hub,
            &manager,
            now(),
            &ExportRequest {
                out_dir: usb.clone(),
                destination: Some(code.clone()),
                ..ExportRequest::default()
            },
            &mut |_| {},
        )?;
        let db = dir.join(format!("{code}.db"));
        let mut store = Store::open(&db)?;
        let joined = join::join(
            &mut store,
            now(),
            &JoinInput {
                device_code: code,
                role: DeviceRole::Counter,
                fingerprint: None,
                join_code: batch.join_code.clone(),
            },
            Path::new(&batch.path),
            &mut |_| {},
        )?;
        devices::trust(&mut hub, &manager, now(), &joined.key_line)?;
        out.push(db);
    }
    Ok((hub_db, out))
}

/// `bianmin serve` beside this program, on a free port of 127.0.0.1.
struct HubProcess {
    child: Child,
    port: u16,
}

impl HubProcess {
    fn start(db: &Path) -> bianmin::Result<HubProcess> {
        let exe = std::env::current_exe().map_err(io(db))?;
        let bin = exe.with_file_name("bianmin");
        let mut child = Command::new(&bin)
            .args([
                "--db",
                &db.display().to_string(),
                "serve",
                "--listen",
                "127.0.0.1:0",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(io(&bin))?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line).map_err(io(&bin))?;
        }
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| StoreError::Encode(format!("bianmin serve 没有报告端口：{line}")))?;
        Ok(HubProcess { child, port })
    }

    fn status(&self, key: &str) -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// User + system CPU seconds so far.
    fn cpu_seconds(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: f64 =
            fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A counter's sync on its own thread, stopped by `stop`.
fn follow(db: PathBuf, port: u16, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        if let Ok(mut store) = Store::open(&db) {
            let notice = |_: Notice| {};
            device::keep_in_step(
                &mut store,
                &device::Target::Address(format!("127.0.0.1:{port}")),
                &stop,
                &now,
                &notice,
            );
        }
    })
}

/// Whether `have` holds every device's events of `want`.
fn covers(have: &[(String, i64)], want: &[(String, i64)]) -> bool {
    want.iter()
        .all(|(d, s)| have.iter().any(|(hd, hs)| hd == d && hs >= s))
}

fn heads(db: &Path) -> bianmin::Result<Vec<(String, i64)>> {
    Ok(events::heads(Store::open(db)?.conn())?)
}

/// Runs the benchmark in `dir`.
pub fn lan(
    dir: &Path,
    counters: usize,
    seconds: u64,
    catch_up_cases: usize,
) -> bianmin::Result<LanBench> {
    let counters = counters.max(2);
    let (hub_db, dbs) = hall(dir, counters)?;
    let hub = HubProcess::start(&hub_db)?;
    let stop = Arc::new(AtomicBool::new(false));
    let syncs: Vec<_> = dbs
        .iter()
        .map(|db| follow(db.clone(), hub.port, stop.clone()))
        .collect();
    // Let every counter connect, then the idle hub's memory.
    std::thread::sleep(Duration::from_secs(3));
    let hub_idle_rss_kib = hub.status("VmRSS:");

    // Each counter commits one case a second; A02 watches the others'.
    let committed: Arc<Mutex<HashMap<String, Instant>>> = Arc::new(Mutex::new(HashMap::new()));
    let commit_times: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::new()));
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut writers = Vec::new();
    for (i, db) in dbs.iter().enumerate() {
        let (db, committed, commit_times) = (db.clone(), committed.clone(), commit_times.clone());
        writers.push(std::thread::spawn(move || -> bianmin::Result<usize> {
            let mut store = Store::open(&db)?;
            let clerk = users::verify_credentials(store.conn(), "clerk", "bench-clerk")?;
            let mut n = 0usize;
            // Spread the counters over the second.
            std::thread::sleep(Duration::from_millis((i as u64 * 1000) / 8));
            while Instant::now() < until {
                let next = Instant::now() + Duration::from_secs(1);
                let mut app = accepted_application(i * 1_000_000 + n);
                app.applicant = synthetic_applicant(i * 1_000_000 + n);
                let t = Instant::now();
                let r = bianmin::intake::record(&mut store, &clerk, now(), app)?;
                let done = Instant::now();
                commit_times
                    .lock()
                    .map_err(|_| StoreError::Encode("锁".into()))?
                    .push(done - t);
                if i > 0 {
                    committed
                        .lock()
                        .map_err(|_| StoreError::Encode("锁".into()))?
                        .insert(r.case_no, done);
                }
                n += 1;
                if let Some(pause) = next.checked_duration_since(Instant::now()) {
                    std::thread::sleep(pause);
                }
            }
            Ok(n)
        }));
    }
    // The watcher: A02's database, read every 5 ms.
    let watcher = {
        let (db, committed) = (dbs[0].clone(), committed.clone());
        std::thread::spawn(move || -> bianmin::Result<Vec<Duration>> {
            let store = Store::open(&db)?;
            let mut seen: HashMap<String, ()> = HashMap::new();
            let mut latencies = Vec::new();
            let mut last_rowid = 0i64;
            let end = until + Duration::from_secs(5);
            while Instant::now() < end {
                let mut stmt = store
                    .conn()
                    .prepare_cached(
                        "SELECT rowid, case_no FROM cases WHERE rowid > ?1 ORDER BY rowid",
                    )
                    .map_err(StoreError::from)?;
                let rows: Vec<(i64, String)> = stmt
                    .query_map([last_rowid], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(StoreError::from)?
                    .collect::<Result<_, _>>()
                    .map_err(StoreError::from)?;
                let at = Instant::now();
                for (rowid, case_no) in rows {
                    last_rowid = last_rowid.max(rowid);
                    if seen.insert(case_no.clone(), ()).is_none() {
                        if let Some(t) =
                            committed.lock().ok().and_then(|c| c.get(&case_no).copied())
                        {
                            latencies.push(at.saturating_duration_since(t));
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(latencies)
        })
    };
    let mut cases = 0;
    for w in writers {
        cases += w
            .join()
            .map_err(|_| StoreError::Encode("受理线程失败".into()))??;
    }
    let mut latencies = watcher
        .join()
        .map_err(|_| StoreError::Encode("观察线程失败".into()))??;
    let hub_cpu_seconds = hub.cpu_seconds();
    let hub_peak_rss_kib = hub.status("VmHWM:");

    // Catch-up: the last counter goes offline and takes cases; meanwhile
    // the others' events reach the hub; then it reconnects.
    stop.store(true, Ordering::Relaxed);
    for s in syncs {
        let _ = s.join();
    }
    let offline = dbs[counters - 1].clone();
    {
        let mut store = Store::open(&offline)?;
        let clerk = users::verify_credentials(store.conn(), "clerk", "bench-clerk")?;
        for n in 0..catch_up_cases {
            bianmin::intake::record(
                &mut store,
                &clerk,
                now(),
                accepted_application(900_000_000 + n),
            )?;
        }
    }
    let hub_before: u64 = heads(&hub_db)?.iter().map(|(_, s)| *s as u64).sum();
    let stop2 = Arc::new(AtomicBool::new(false));
    let others: Vec<_> = dbs[..counters - 1]
        .iter()
        .map(|db| follow(db.clone(), hub.port, stop2.clone()))
        .collect();
    {
        // Others keep the hub busy with a burst while the laptop is away.
        let mut store = Store::open(&dbs[0])?;
        let clerk = users::verify_credentials(store.conn(), "clerk", "bench-clerk")?;
        for n in 0..catch_up_cases * 5 {
            bianmin::intake::record(
                &mut store,
                &clerk,
                now(),
                accepted_application(800_000_000 + n),
            )?;
        }
    }
    let target = heads(&dbs[0])?;
    let deadline = Instant::now() + Duration::from_secs(600);
    while !covers(&heads(&hub_db)?, &target) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let hub_after: u64 = heads(&hub_db)?.iter().map(|(_, s)| *s as u64).sum();
    let start = Instant::now();
    let back = follow(offline.clone(), hub.port, stop2.clone());
    while heads(&hub_db)? != heads(&offline)? && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let catch_up_ms = start.elapsed().as_secs_f64() * 1000.0;
    stop2.store(true, Ordering::Relaxed);
    let _ = back.join();
    for s in others {
        let _ = s.join();
    }
    let mut commits = commit_times
        .lock()
        .map_err(|_| StoreError::Encode("锁".into()))?
        .clone();
    let batch_bytes_per_case = batch_bytes(&dbs[0], 100).ok();
    let single_case_batch_bytes = batch_bytes(&dbs[0], 1).ok();
    Ok(LanBench {
        counters,
        seconds,
        cases,
        propagation: Latency::of(&mut latencies),
        intake_commit: Latency::of(&mut commits),
        catch_up_cases,
        catch_up_hub_events: hub_after.saturating_sub(hub_before),
        catch_up_ms,
        hub_peak_rss_kib,
        hub_idle_rss_kib,
        hub_cpu_seconds,
        batch_bytes_per_case,
        single_case_batch_bytes,
    })
}

/// Bytes of a batch per accepted case, as the LAN sends them: the signed
/// batch of one counter's last `cases` cases composed for the hub.
fn batch_bytes(counter: &Path, cases: i64) -> bianmin::Result<f64> {
    let store = Store::open(counter)?;
    let own = bianmin::store::device::load(store.conn())?.device_id;
    let Some((head, _)) = events::head(store.conn(), &own)? else {
        return Ok(0.0);
    };
    let from = (head - cases + 1).max(1);
    let bytes = bianmin::sync::link::batch_bytes(store.conn(), now(), "A01", from)?;
    Ok(bytes as f64 / (head - from + 1) as f64)
}
