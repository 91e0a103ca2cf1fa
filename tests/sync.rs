//! Live sync over the LAN, on 127.0.0.1 only: the hub (`bianmin serve`)
//! and the counters (`bianmin sync`) as separate processes on their own
//! databases; faults (the hub killed mid-sync and restarted, a counter cut
//! off for a day, a counter killed with -9); and the channel's security
//! (an unregistered device, a registered id with another key, a changed
//! byte, replayed traffic) driven in-process through a recording proxy.
//! Every wait is bounded; none asserts a time.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};

use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{Role, Session};
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::exchange::join::{self, JoinInput};
use bianmin::exchange::{devices, import};
use bianmin::intake;
use bianmin::lifecycle::request::{self, StepRequest};
use bianmin::setup;
use bianmin::store::device::DeviceRole;
use bianmin::store::Store;
use bianmin::sync::{device, enrol, hub, link::Mode, Notice};
use common::bin::BIN;

/// Long enough for a loaded CI machine; a pass takes well under a second.
const PATIENCE: Duration = Duration::from_secs(30);

fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn login(store: &Store, user: &str) -> Session {
    users::verify_credentials(store.conn(), user, &format!("{user}-pass1")).expect("login")
}

/// A hall: the hub A01 (with a manager and two clerks) and counters joined
/// from its batches and registered on it, each its own database file.
struct Hall {
    dir: tempfile::TempDir,
}

impl Hall {
    fn db(&self, code: &str) -> PathBuf {
        self.dir.path().join(format!("{code}.db"))
    }

    fn new(counters: &[&str]) -> Hall {
        let dir = tempfile::tempdir().expect("tempdir");
        let hall = Hall { dir };
        let at = now();
        let mut hub = Store::open(&hall.db("A01")).expect("hub");
        let mut input = common::setup_input("A01", DeviceRole::Hub);
        input.admin.password = "admin-pass1".into();
        setup::init(&mut hub, at, input).expect("setup");
        let admin = login(&hub, "admin");
        for (u, role, no) in [
            ("wang", Role::Manager, "1001"),
            ("li", Role::Clerk, "1002"),
            ("qian", Role::Clerk, "1003"),
        ] {
            users::add(
                &mut hub,
                &admin,
                at,
                &NewUser {
                    username: u.into(),
                    display_name: format!("{u}姓名"),
                    staff_no: no.into(),
                    role,
                    password: format!("{u}-pass1"),
                },
            )
            .expect("user");
        }
        drop(hub);
        for code in counters {
            let line = hall.join(code);
            let mut hub = hall.open("A01");
            let manager = login(&hub, "wang");
            devices::trust(&mut hub, &manager, at, &line).expect("trust");
        }
        hall
    }

    /// Sets up the counter `code` from the hub's batch for it (it then
    /// knows the hub); its key line, which the hub has not registered yet.
    fn join(&self, code: &str) -> String {
        let at = now();
        let usb = self.dir.path().join("usb");
        std::fs::create_dir_all(&usb).expect("usb");
        let mut hub = self.open("A01");
        let manager = login(&hub, "wang");
        let r = export::export(
            &mut hub,
            &manager,
            at,
            &ExportRequest {
                out_dir: usb,
                destination: Some(code.into()),
                ..ExportRequest::default()
            },
            &mut |_| {},
        )
        .expect("export");
        let mut store = Store::open(&self.db(code)).expect("counter");
        join::join(
            &mut store,
            at,
            &JoinInput {
                device_code: code.into(),
                role: DeviceRole::Counter,
                fingerprint: None,
                join_code: r.join_code.clone(),
            },
            Path::new(&r.path),
            &mut |_| {},
        )
        .expect("join")
        .key_line
    }

    fn open(&self, code: &str) -> Store {
        Store::open(&self.db(code)).expect("open")
    }

    /// Takes an accepted case in at `code`; its case number.
    fn intake(&self, code: &str, clerk: &str, n: u32) -> String {
        let mut store = self.open(code);
        let s = login(&store, clerk);
        let app = common::application(
            "MZ-005",
            common::person(&format!("申请人{n}"), n),
            &["1", "2", "3", "5"],
        );
        intake::record(&mut store, &s, now(), app)
            .expect("intake")
            .case_no
    }

    fn step(&self, code: &str, user: &str, case_no: &str, req: StepRequest) {
        let mut store = self.open(code);
        let s = login(&store, user);
        request::take(&mut store, &s, now(), case_no, req).expect("step");
    }

    /// Every projection and the number of events.
    fn dump(&self, code: &str) -> (String, i64) {
        common::snapshot(&self.open(code))
    }

    fn handler_of(&self, code: &str, case_no: &str) -> Option<String> {
        self.open(code)
            .conn()
            .query_row(
                "SELECT u.username FROM cases c LEFT JOIN users u ON u.user_id = c.handler_user_id WHERE c.case_no = ?1",
                [case_no],
                |r| r.get::<_, Option<String>>(0),
            )
            .ok()
            .flatten()
    }

    fn state_of(&self, code: &str, case_no: &str) -> Option<String> {
        self.open(code)
            .conn()
            .query_row(
                "SELECT state FROM cases WHERE case_no = ?1",
                [case_no],
                |r| r.get(0),
            )
            .ok()
    }
}

/// Waits (bounded) until `done` holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// `bianmin serve` on `port`, once it says it listens.
fn serve(db: &Path, port: u16) -> Running {
    let mut child = Command::new(BIN)
        .args(["--db", &db.display().to_string(), "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .env_remove("BIANMIN_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let out = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(out).read_line(&mut line).expect("started");
    assert!(line.contains("同步服务已启动"), "{line}");
    Running(child)
}

/// `bianmin sync --hub` (continuous) for the device at `db`.
fn sync(db: &Path, port: u16) -> Running {
    Running(
        Command::new(BIN)
            .args(["--db", &db.display().to_string(), "sync", "--hub"])
            .arg(format!("127.0.0.1:{port}"))
            .env_remove("BIANMIN_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sync"),
    )
}

fn same_everywhere(hall: &Hall, codes: &[&str]) -> bool {
    let first = hall.dump(codes[0]);
    codes.iter().all(|c| hall.dump(c) == first)
}

#[test]
fn a_case_taken_at_one_window_is_on_the_handlers_workbench_at_another_and_steps_come_back() {
    let hall = Hall::new(&["A02", "A03"]);
    let port = free_port();
    let _hub = serve(&hall.db("A01"), port);
    let _a02 = sync(&hall.db("A02"), port);
    let _a03 = sync(&hall.db("A03"), port);

    // Taken in and assigned to qian at A02: her case at A03.
    let case_no = hall.intake("A02", "li", 1);
    hall.step(
        "A02",
        "li",
        &case_no,
        StepRequest::Assign {
            to: "qian".into(),
            forward: None,
        },
    );
    wait_until("the case reaches A03 with its handler", || {
        hall.handler_of("A03", &case_no).as_deref() == Some("qian")
    });
    // qian completes it at A03: A02 and the hub see it.
    hall.step(
        "A03",
        "qian",
        &case_no,
        StepRequest::Complete {
            result: "approve".into(),
            reason: None,
        },
    );
    wait_until("the step reaches A02 and the hub", || {
        hall.state_of("A02", &case_no) == hall.state_of("A03", &case_no)
            && hall.state_of("A01", &case_no) == hall.state_of("A03", &case_no)
            && hall.state_of("A03", &case_no).as_deref() != Some("accepted")
    });
    wait_until("every table the same", || {
        same_everywhere(&hall, &["A01", "A02", "A03"])
    });
}

#[test]
fn after_the_hub_is_killed_and_restarted_and_a_counter_killed_all_converge_with_nothing_lost_or_doubled(
) {
    let hall = Hall::new(&["A02", "A03"]);
    let port = free_port();
    let mut cases = Vec::new();
    {
        let _hub = serve(&hall.db("A01"), port);
        let _a02 = sync(&hall.db("A02"), port);
        let _a03 = sync(&hall.db("A03"), port);
        for n in 1..=3 {
            cases.push(hall.intake("A02", "li", n));
            cases.push(hall.intake("A03", "qian", 10 + n));
        }
        // The hub is killed (SIGKILL) mid-stream, as the counters sync.
    }
    // The hub down, the counters keep taking cases (A03's sync process
    // killed -9 above as well, restarted below).
    for n in 4..=8 {
        cases.push(hall.intake("A02", "li", n));
        cases.push(hall.intake("A03", "qian", 10 + n));
    }
    // A03 cut off for a "day": only A02 syncs when the hub returns.
    let _hub = serve(&hall.db("A01"), port);
    let _a02 = sync(&hall.db("A02"), port);
    for n in 20..=29 {
        cases.push(hall.intake("A03", "qian", n));
    }
    wait_until("A02 and the hub in step", || {
        same_everywhere(&hall, &["A01", "A02"])
    });
    let _a03 = sync(&hall.db("A03"), port);
    wait_until("all three in step", || {
        same_everywhere(&hall, &["A01", "A02", "A03"])
    });
    let store = hall.open("A01");
    let count: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .expect("count");
    assert_eq!(count as usize, cases.len(), "every case once");
    let doubled: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM (SELECT device_id, seq FROM events GROUP BY device_id, seq HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .expect("doubles");
    assert_eq!(doubled, 0);
    let chains = bianmin::store::verify::verify(store.conn()).expect("verify");
    assert!(chains.broken.is_none(), "every chain holds");
    assert_eq!(chains.events(), hall.dump("A01").1);
}

#[test]
fn the_same_events_by_usb_and_by_lan_are_applied_once() {
    let hall = Hall::new(&["A02"]);
    let case_no = hall.intake("A02", "li", 1);
    // By USB first.
    let usb = hall.dir.path().join("usb2");
    std::fs::create_dir_all(&usb).expect("usb");
    let batch = {
        let mut a02 = hall.open("A02");
        let s = login(&a02, "li");
        export::export(
            &mut a02,
            &s,
            now(),
            &ExportRequest {
                out_dir: usb.clone(),
                ..ExportRequest::default()
            },
            &mut |_| {},
        )
        .expect("export")
    };
    {
        let mut hub = hall.open("A01");
        let s = login(&hub, "wang");
        import::import(&mut hub, &s, now(), Path::new(&batch.path), &mut |_| {}).expect("import");
    }
    let after_usb = hall.dump("A01");
    // Then by LAN: nothing new arrives at the hub, A02 gets the hub's own.
    let port = free_port();
    let _hub = serve(&hall.db("A01"), port);
    let out = common::bin::run(
        &hall.db("A02"),
        &["sync", "--hub", &format!("127.0.0.1:{port}"), "--once"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(hall.dump("A01"), after_usb, "nothing doubled at the hub");
    assert_eq!(hall.dump("A02"), after_usb);
    assert!(hall.state_of("A01", &case_no).is_some());
}

#[test]
fn an_encrypted_laptop_syncs_with_its_login() {
    let hall = Hall::new(&[]);
    let at = now();
    let usb = hall.dir.path().join("usb");
    std::fs::create_dir_all(&usb).expect("usb");
    let batch = {
        let mut hub = hall.open("A01");
        let manager = login(&hub, "wang");
        export::export(
            &mut hub,
            &manager,
            at,
            &ExportRequest {
                out_dir: usb,
                destination: Some("V03".into()),
                ..ExportRequest::default()
            },
            &mut |_| {},
        )
        .expect("export")
    };
    let laptop = hall.db("V03");
    let (_, joined) = setup::on_new_database(&laptop, true, |store| {
        join::join(
            store,
            at,
            &JoinInput {
                device_code: "V03".into(),
                role: DeviceRole::Agent,
                fingerprint: None,
                join_code: batch.join_code.clone(),
            },
            Path::new(&batch.path),
            &mut |_| {},
        )
    })
    .expect("join encrypted");
    {
        let mut hub = hall.open("A01");
        let manager = login(&hub, "wang");
        devices::trust(&mut hub, &manager, at, &joined.key_line).expect("trust");
    }
    let case_no = {
        let (mut store, s) =
            bianmin::auth::unlock::login(&laptop, at, "li", "li-pass1").expect("unlock");
        let app = common::application(
            "MZ-005",
            common::person("代办申请人", 7),
            &["1", "2", "3", "5"],
        );
        intake::record(&mut store, &s, now(), app)
            .expect("intake")
            .case_no
    };
    let port = free_port();
    let _hub = serve(&hall.db("A01"), port);
    let hub_addr = format!("127.0.0.1:{port}");
    // Without the login the database stays shut.
    let refused = common::bin::run(&laptop, &["sync", "--hub", &hub_addr, "--once"], None);
    assert!(!refused.status.success());
    let out = common::bin::run(
        &laptop,
        &["--user", "li", "sync", "--hub", &hub_addr, "--once"],
        Some("li-pass1"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        hall.state_of("A01", &case_no).is_some(),
        "the laptop's case reached the hub"
    );
}

// ---- Security, in-process, through a proxy that records and can alter. ----

/// The hub's service in this process, on a free port; stopped when dropped.
struct Hub {
    port: u16,
    stop: Arc<AtomicBool>,
    notices: Arc<Mutex<Vec<Notice>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hub {
    fn start(db: PathBuf) -> Hub {
        let stop = Arc::new(AtomicBool::new(false));
        let notices = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let (s, n) = (stop.clone(), notices.clone());
        let thread = std::thread::spawn(move || {
            let open: Arc<hub::Opener> = Arc::new(move || Ok(Store::open(&db)?));
            hub::serve(
                open,
                "127.0.0.1:0",
                s,
                Arc::new(now),
                Arc::new(move |x| n.lock().expect("notices").push(x)),
                &|started| {
                    let _ = tx.send(started.addr.port());
                },
            )
            .expect("serve");
        });
        let port = rx.recv_timeout(PATIENCE).expect("hub started");
        Hub {
            port,
            stop,
            notices,
            thread: Some(thread),
        }
    }

    fn refusals(&self) -> Vec<String> {
        self.notices
            .lock()
            .expect("notices")
            .iter()
            .filter_map(|n| match n {
                Notice::Refused { reason, .. } => Some(reason.clone()),
                _ => None,
            })
            .collect()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One `--once` exchange of the device at `db` with the hub at `port`.
fn once(db: &Path, port: u16) -> bianmin::Result<()> {
    let mut store = Store::open(db).expect("open");
    device::exchange_once(
        &mut store,
        &device::Target::Address(format!("127.0.0.1:{port}")),
        Mode::Once,
        &AtomicBool::new(false),
        &now,
        &|_| {},
    )
}

/// A proxy between a device and the hub: records what the device sends,
/// and changes one byte of the device's `alter`-th frame when asked.
struct Proxy {
    port: u16,
    sent: Arc<Mutex<Vec<u8>>>,
}

fn proxy(hub_port: u16, alter: Option<usize>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").expect("proxy");
    let port = listener.local_addr().expect("addr").port();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let recorded = sent.clone();
    std::thread::spawn(move || {
        let Ok((device, _)) = listener.accept() else {
            return;
        };
        let Ok(hub) = TcpStream::connect(("127.0.0.1", hub_port)) else {
            return;
        };
        let (mut from_hub, mut to_device) = (
            hub.try_clone().expect("clone"),
            device.try_clone().expect("clone"),
        );
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from_hub, &mut to_device);
            let _ = to_device.shutdown(std::net::Shutdown::Both);
        });
        let (mut from_device, mut to_hub) = (device, hub);
        let mut frame_no = 0usize;
        loop {
            let mut len = [0u8; 2];
            if from_device.read_exact(&mut len).is_err() {
                break;
            }
            let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
            if from_device.read_exact(&mut body).is_err() {
                break;
            }
            frame_no += 1;
            if alter == Some(frame_no) {
                let mid = body.len() / 2;
                body[mid] ^= 0x01;
            }
            recorded.lock().expect("record").extend_from_slice(&len);
            recorded.lock().expect("record").extend_from_slice(&body);
            if to_hub
                .write_all(&len)
                .and_then(|_| to_hub.write_all(&body))
                .is_err()
            {
                break;
            }
        }
        let _ = to_hub.shutdown(std::net::Shutdown::Both);
    });
    Proxy { port, sent }
}

#[test]
fn an_unregistered_device_and_a_registered_id_with_another_key_are_refused() {
    let hall = Hall::new(&["A02"]);
    let hub = Hub::start(hall.db("A01"));
    let before = hall.dump("A01");

    // A PC joined from the hub's batch (it knows the hub) whose key no
    // manager registered on the hub.
    hall.join("A09");
    let stranger = hall.db("A09");
    let e = once(&stranger, hub.port).expect_err("refused");
    assert!(
        matches!(e, bianmin::Error::Sync(_) | bianmin::Error::Exchange(_)),
        "{e}"
    );
    wait_until("the hub names the refusal", || {
        hub.refusals()
            .iter()
            .any(|r| r.contains("不是本中心登记的设备"))
    });

    // A02's database with the stranger's key: A02's id, another key.
    let forged = hall.dir.path().join("forged.db");
    std::fs::copy(hall.db("A02"), &forged).expect("copy");
    {
        let stranger = Store::open(&stranger).expect("open");
        let (secret, public): (String, String) = stranger
            .conn()
            .query_row("SELECT secret_key, public_key FROM device_key", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("key");
        let forged = Store::open(&forged).expect("open");
        forged
            .conn()
            .execute(
                "UPDATE device_key SET secret_key = ?1, public_key = ?2",
                [&secret, &public],
            )
            .expect("swap key");
    }
    once(&forged, hub.port).expect_err("refused");
    wait_until("the hub names the wrong key", || {
        hub.refusals()
            .iter()
            .any(|r| r.contains("A02 使用的密钥与登记的不符"))
    });
    assert_eq!(hall.dump("A01"), before, "nothing changed at the hub");
}

#[test]
fn a_changed_byte_or_replayed_traffic_changes_nothing() {
    let hall = Hall::new(&["A02"]);
    let hub = Hub::start(hall.db("A01"));
    hall.intake("A02", "li", 1);
    let before = hall.dump("A01");

    // The device's frames: 1 and 2 are its handshake messages, 3 its
    // heads, 4 its batch. Each changed by one bit ends the connection
    // before anything is applied.
    for frame in [1, 2, 3, 4] {
        let p = proxy(hub.port, Some(frame));
        assert!(
            once(&hall.db("A02"), p.port).is_err(),
            "frame {frame} changed"
        );
        assert_eq!(hall.dump("A01"), before, "frame {frame}: nothing applied");
    }

    // The hub as it is now, copied (same keys, same registrations).
    let copy = hall.dir.path().join("A01-copy.db");
    hall.open("A01")
        .conn()
        .execute("VACUUM INTO ?1", [copy.display().to_string()])
        .expect("copy");
    // A clean exchange through the proxy, recorded.
    let p = proxy(hub.port, None);
    once(&hall.db("A02"), p.port).expect("clean exchange");
    assert_ne!(hall.dump("A01"), before, "the case reached the hub");
    let recording = p.sent.lock().expect("recording").clone();
    assert!(!recording.is_empty());

    // The recording replayed to the copy, which never saw the case: the
    // handshake's fresh keys make it worthless; nothing is applied.
    let replayed = Hub::start(copy.clone());
    let mut s = TcpStream::connect(("127.0.0.1", replayed.port)).expect("connect");
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = s.write_all(&recording);
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink);
    wait_until("the replay is refused", || {
        replayed
            .refusals()
            .iter()
            .any(|r| r.contains("被改动或已损坏"))
    });
    drop(replayed);
    assert_eq!(
        common::snapshot(&Store::open(&copy).expect("copy")),
        before,
        "the replay changed nothing"
    );
}

/// `bianmin init --join-hub` for a new PC at `db`, waiting for a manager;
/// its fingerprint and the hub's, as it shows them while it waits.
struct Asking {
    child: Running,
    own_fingerprint: String,
    hub_fingerprint: String,
}

fn ask_to_join(db: &Path, port: u16, code: &str, extra: &[&str]) -> Asking {
    let mut child = Command::new(BIN)
        .args(["--db", &db.display().to_string(), "init", "--join-hub"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["--device-code", code, "--role", "counter"])
        .args(extra)
        .env_remove("BIANMIN_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("init --join-hub");
    let err = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(err).lines();
    let mut field = |label: &str| -> String {
        loop {
            let line = lines
                .next()
                .expect("the PC says what it waits for")
                .expect("stderr");
            if let Some(v) = line.strip_prefix(label) {
                return v.trim().to_owned();
            }
        }
    };
    let hub_fingerprint = field("汇总机指纹：");
    let own_fingerprint = field("本机指纹：");
    Asking {
        child: Running(child),
        own_fingerprint,
        hub_fingerprint,
    }
}

impl Asking {
    /// Waits (bounded) for the process to end; its status and output.
    fn finish(mut self) -> (bool, String) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.0.try_wait().expect("wait") {
                let mut out = String::new();
                if let Some(mut o) = self.child.0.stdout.take() {
                    let _ = o.read_to_string(&mut out);
                }
                return (status.success(), out);
            }
            assert!(start.elapsed() < PATIENCE, "the joining PC never ended");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn pending_requests(hall: &Hall) -> Vec<enrol::JoinRequest> {
    enrol::requests(hall.open("A01").conn(), false).expect("requests")
}

#[test]
fn a_pc_asks_to_join_over_the_lan_and_is_set_up_once_a_manager_compares_and_approves() {
    let hall = Hall::new(&[]);
    let port = free_port();
    let _hub = serve(&hall.db("A01"), port);
    let db = hall.db("A05");
    let asking = ask_to_join(&db, port, "A05", &[]);
    // The hub's screen lists the request with the fingerprint the new PC
    // shows; the new PC shows the hub's real fingerprint.
    wait_until("the request is listed on the hub", || {
        !pending_requests(&hall).is_empty()
    });
    let req = pending_requests(&hall).remove(0);
    assert_eq!(req.device_code, "A05");
    assert_eq!(req.fingerprint, asking.own_fingerprint);
    let hub_key = bianmin::exchange::keys::public_key(hall.open("A01").conn()).expect("key");
    assert_eq!(
        asking.hub_fingerprint,
        bianmin::exchange::keys::fingerprint(&hub_key)
    );
    // Nothing is registered before a manager says so; a clerk may not.
    assert!(devices::by_code(hall.open("A01").conn(), "A05")
        .expect("devices")
        .is_none());
    {
        let mut hub = hall.open("A01");
        let clerk = login(&hub, "li");
        assert!(enrol::approve(&mut hub, &clerk, now(), req.request_no).is_err());
        let manager = login(&hub, "wang");
        let trusted = enrol::approve(&mut hub, &manager, now(), req.request_no).expect("approve");
        assert_eq!(trusted.fingerprint, asking.own_fingerprint);
        // Decided once.
        assert!(enrol::decline(&mut hub, &manager, now(), req.request_no).is_err());
    }
    let (ok, out) = asking.finish();
    assert!(ok, "{out}");
    assert!(out.contains("已加入"), "{out}");
    // The new PC is A05 of the center, with its users, following the hub.
    let store = hall.open("A05");
    let dev = bianmin::store::device::load(store.conn()).expect("device");
    assert_eq!(
        (dev.device_code.as_str(), dev.role),
        ("A05", DeviceRole::Counter)
    );
    assert_eq!(
        bianmin::sync::settings::plan(store.conn()).expect("plan"),
        bianmin::sync::settings::Plan::Follow(format!("127.0.0.1:{port}"))
    );
    drop(store);
    // A case taken at A05 reaches the hub with `sync --once` (the address
    // it joined from), and the hub's data is A05's.
    let case_no = hall.intake("A05", "li", 1);
    let out = common::bin::run(&db, &["sync", "--once"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(hall.state_of("A01", &case_no).as_deref(), Some("accepted"));
    assert!(same_everywhere(&hall, &["A01", "A05"]));
}

#[test]
fn a_declined_an_abandoned_and_a_wrong_hub_request_leave_nothing_behind() {
    let hall = Hall::new(&[]);
    let port = free_port();
    let _hub = serve(&hall.db("A01"), port);
    // Declined: the PC is told, its database stays empty, nothing is
    // registered on the hub.
    let db = hall.db("A06");
    let asking = ask_to_join(&db, port, "A06", &[]);
    wait_until("the request is listed", || {
        !pending_requests(&hall).is_empty()
    });
    let no = pending_requests(&hall)[0].request_no;
    {
        let mut hub = hall.open("A01");
        let manager = login(&hub, "wang");
        enrol::decline(&mut hub, &manager, now(), no).expect("decline");
    }
    let (ok, _) = asking.finish();
    assert!(!ok, "a declined PC must not be set up");
    assert!(bianmin::store::device::load(hall.open("A06").conn()).is_err());
    assert!(devices::by_code(hall.open("A01").conn(), "A06")
        .expect("devices")
        .is_none());

    // Abandoned: the PC is switched off while it waits; the request is
    // withdrawn and can no longer be approved.
    let asking = ask_to_join(&hall.db("A07"), port, "A07", &[]);
    wait_until("the request is listed", || {
        !pending_requests(&hall).is_empty()
    });
    let no = pending_requests(&hall)[0].request_no;
    drop(asking);
    wait_until("the request is withdrawn", || {
        pending_requests(&hall).is_empty()
    });
    {
        let mut hub = hall.open("A01");
        let manager = login(&hub, "wang");
        let refused = enrol::approve(&mut hub, &manager, now(), no).expect_err("withdrawn");
        assert!(refused.to_string().contains("已撤回"), "{refused}");
    }
    assert!(devices::by_code(hall.open("A01").conn(), "A07")
        .expect("devices")
        .is_none());

    // The fingerprint typed from the hub's screen does not match: the PC
    // stops before asking, and the hub records nothing.
    let out = common::bin::run(
        &hall.db("A08"),
        &[
            "init",
            "--join-hub",
            &format!("127.0.0.1:{port}"),
            "--device-code",
            "A08",
            "--fingerprint",
            "0000 0000 0000 0000",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("不符"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = enrol::requests(hall.open("A01").conn(), true).expect("requests");
    assert!(all.iter().all(|r| r.device_code != "A08"), "{all:?}");
}

#[test]
fn the_hub_answers_a_probe_on_its_port_with_its_center_and_fingerprint() {
    let hall = Hall::new(&[]);
    let port = free_port();
    let _hub = serve(&hall.db("A01"), port);
    let out = common::bin::run(
        &hall.db("A01"),
        &["--json", "discover", "--to", &format!("127.0.0.1:{port}")],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let key = bianmin::exchange::keys::public_key(hall.open("A01").conn()).expect("key");
    assert_eq!(found[0]["hub_code"], "A01");
    assert_eq!(found[0]["center_code"], "371402101");
    assert_eq!(
        found[0]["fingerprint"],
        bianmin::exchange::keys::fingerprint(&key).as_str()
    );
    assert_eq!(found[0]["address"], format!("127.0.0.1:{port}").as_str());
}

/// Two network namespaces of this test's own, joined by a veth pair: the
/// hub's (10.231.N.1/24) and a counter's (10.231.N.2/24), with broadcast
/// addresses, so a probe really goes out as a broadcast. Removed on drop.
struct Lan {
    hub_ns: String,
    counter_ns: String,
}

impl Lan {
    fn new() -> Lan {
        let n = std::process::id() % 200 + 20;
        let lan = Lan {
            hub_ns: format!("bmhub{n}"),
            counter_ns: format!("bmctr{n}"),
        };
        let ip = |args: &[&str]| {
            let out = Command::new("ip").args(args).output().expect("ip runs");
            assert!(
                out.status.success(),
                "ip {args:?}: {} (this test makes network namespaces: it runs as root)",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let (h, c) = (lan.hub_ns.as_str(), lan.counter_ns.as_str());
        let (hv, cv) = (format!("vh{n}"), format!("vc{n}"));
        let (ha, ca) = (format!("10.231.{n}.1/24"), format!("10.231.{n}.2/24"));
        ip(&["netns", "add", h]);
        ip(&["netns", "add", c]);
        ip(&[
            "link", "add", &hv, "netns", h, "type", "veth", "peer", "name", &cv, "netns", c,
        ]);
        ip(&["-n", h, "addr", "add", &ha, "brd", "+", "dev", &hv]);
        ip(&["-n", c, "addr", "add", &ca, "brd", "+", "dev", &cv]);
        for (ns, dev) in [(h, hv.as_str()), (c, cv.as_str())] {
            ip(&["-n", ns, "link", "set", dev, "up"]);
            ip(&["-n", ns, "link", "set", "lo", "up"]);
        }
        lan
    }

    fn in_ns(&self, ns: &str, db: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", ns, BIN, "--db"])
            .arg(db)
            .args(args)
            .env_remove("BIANMIN_DB")
            .env_remove("BIANMIN_PASSWORD")
            // The real broadcast, inside this test's own namespaces.
            .env_remove("BIANMIN_DISCOVER_TO");
        cmd
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        for ns in [&self.hub_ns, &self.counter_ns] {
            let _ = Command::new("ip").args(["netns", "del", ns]).output();
        }
    }
}

#[test]
fn a_counter_with_no_address_finds_its_hub_by_broadcast_and_syncs() {
    let hall = Hall::new(&["A02"]);
    let case_no = hall.intake("A02", "li", 1);
    let lan = Lan::new();
    let hub_db = hall.db("A01");
    let mut hub = lan
        .in_ns(&lan.hub_ns, &hub_db, &["serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    BufReader::new(hub.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("started");
    let _hub = Running(hub);
    assert!(line.contains("同步服务已启动"), "{line}");
    // The counter's side of the wire: the probe is broadcast, the hub in
    // the other namespace answers.
    let out = lan
        .in_ns(&lan.counter_ns, &hall.db("A02"), &["--json", "discover"])
        .output()
        .expect("discover");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let n = std::process::id() % 200 + 20;
    assert_eq!(
        found[0]["address"],
        format!("10.231.{n}.1:47341").as_str(),
        "{found}"
    );
    assert_eq!(found[0]["hub_code"], "A01");
    // No address set on A02: `sync --once` finds the registered hub.
    let out = lan
        .in_ns(&lan.counter_ns, &hall.db("A02"), &["sync", "--once"])
        .output()
        .expect("sync");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(hall.state_of("A01", &case_no).as_deref(), Some("accepted"));
}

/// A PDF-looking file of `n` bytes (over one encryption chunk when large).
fn scan_pdf(n: usize, marker: &str) -> Vec<u8> {
    let mut pdf = format!("%PDF-1.4\n% {marker}\n").into_bytes();
    pdf.resize(n, b'0');
    pdf.extend_from_slice(b"\n%%EOF\n");
    pdf
}

/// Attaches `bytes` to line 1 of `case_no` at `code`; its SHA-256.
fn attach(hall: &Hall, code: &str, case_no: &str, bytes: &[u8]) -> String {
    let mut store = hall.open(code);
    let s = login(&store, "li");
    bianmin::scans::attach_bytes(&mut store, &s, now(), case_no, 1, "身份证.pdf", bytes)
        .expect("attach")
        .sha256
}

/// The content of the scan `sha` of `case_no` as `code` keeps it.
fn scan_at(hall: &Hall, code: &str, case_no: &str, sha: &str) -> Option<Vec<u8>> {
    bianmin::scans::content_of(hall.open(code).conn(), case_no, sha)
        .ok()
        .map(|(_, bytes)| bytes)
}

#[test]
fn a_scan_attached_at_one_window_opens_at_another_over_the_lan() {
    let hall = Hall::new(&["A02", "A03"]);
    let port = free_port();
    let _hub = serve(&hall.db("A01"), port);
    let _a02 = sync(&hall.db("A02"), port);
    let _a03 = sync(&hall.db("A03"), port);
    let case_no = hall.intake("A02", "li", 1);
    let pdf = scan_pdf(200_000, "LAN-SCAN");
    let sha = attach(&hall, "A02", &case_no, &pdf);
    // The hub asks A02 for it, A03 asks the hub: each checks and keeps it.
    wait_until("the scan opens at the hub and at A03", || {
        scan_at(&hall, "A01", &case_no, &sha).as_deref() == Some(pdf.as_slice())
            && scan_at(&hall, "A03", &case_no, &sha).as_deref() == Some(pdf.as_slice())
    });
}

#[test]
fn a_once_exchange_ends_when_nobody_has_a_file_and_brings_those_that_exist() {
    let hall = Hall::new(&["A02"]);
    let port = free_port();
    let _hub = serve(&hall.db("A01"), port);
    let case_no = hall.intake("A02", "li", 1);
    let kept = scan_pdf(1_000, "KEPT");
    let lost = scan_pdf(2_000, "LOST");
    let kept_sha = attach(&hall, "A02", &case_no, &kept);
    let lost_sha = attach(&hall, "A02", &case_no, &lost);
    // A02 lost one file (a restore from before it): nobody has it.
    hall.open("A02")
        .conn()
        .execute("DELETE FROM scan_files WHERE sha256 = ?1", [&lost_sha])
        .expect("delete");
    let db = hall.db("A02");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(once(&db, port).map_err(|e| e.to_string()));
    });
    let done = rx.recv_timeout(PATIENCE).expect("the once exchange ended");
    assert!(done.is_ok(), "{done:?}");
    wait_until("the kept file reached the hub", || {
        scan_at(&hall, "A01", &case_no, &kept_sha).as_deref() == Some(kept.as_slice())
    });
    let lines = bianmin::scans::list(hall.open("A01").conn(), &case_no).expect("list");
    let lost_line = lines.iter().find(|l| l.sha256 == lost_sha).expect("line");
    assert!(!lost_line.here);
    assert_eq!(lost_line.device_code, "A02");
}
