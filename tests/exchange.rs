//! Offline exchange between three devices — hub A01, counter A02 and
//! village agent laptop V03 — in temporary folders: batches exchanged in
//! shuffled orders and twice; every device ends with the same projections.
//! Every tampered batch is refused with its own message and changes
//! nothing; the batch reader survives arbitrary bytes.

mod common;

use common::{id, join_code_of, png, remember_join_code};

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use proptest::prelude::*;

use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{Role, Session};
use bianmin::catalogue::versions;
use bianmin::documents::{self, DocumentKind};
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::exchange::import::{self, ImportReport};
use bianmin::exchange::join::{self, JoinInput};
use bianmin::exchange::reader::{self, Trust};
use bianmin::exchange::{devices, envelope, keys, Progress};
use bianmin::intake::{self, Outcome};
use bianmin::lifecycle::request::{self, StepRequest};
use bianmin::lifecycle::State;
use bianmin::setup::{self, SetupInput};
use bianmin::store::device::DeviceRole;
use bianmin::store::{dump, Store};

use common::{application, person};

/// 2026-11-23 (Monday) at hh:mm, China time.
fn t(day: u32, h: u32, m: u32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 11, day, h, m, 0)
        .unwrap()
}

fn quiet() -> impl FnMut(Progress) {
    |_| {}
}

struct Device {
    _dir: tempfile::TempDir,
    store: Store,
}

impl Device {
    fn login(&self, user: &str) -> Session {
        users::verify_credentials(self.store.conn(), user, &format!("{user}-pass1")).unwrap()
    }

    fn export(
        &mut self,
        user: &str,
        now: DateTime<FixedOffset>,
        usb: &Path,
        dest: Option<&str>,
    ) -> PathBuf {
        let s = self.login(user);
        let r = export::export(
            &mut self.store,
            &s,
            now,
            &ExportRequest {
                out_dir: usb.to_path_buf(),
                destination: dest.map(str::to_owned),
                since_batch: None,
                date: None,
            },
            &mut quiet(),
        )
        .unwrap();
        remember_join_code(&r);
        PathBuf::from(r.path)
    }

    fn import(
        &mut self,
        user: &str,
        now: DateTime<FixedOffset>,
        file: &Path,
    ) -> bianmin::Result<ImportReport> {
        let s = self.login(user);
        import::import(&mut self.store, &s, now, file, &mut quiet())
    }

    fn state(&self) -> (String, i64, i64, i64) {
        let c = self.store.conn();
        let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        (
            dump::projections(c).unwrap(),
            n("SELECT count(*) FROM events"),
            n("SELECT count(*) FROM pending_events"),
            n("SELECT count(*) FROM batch_imports"),
        )
    }

    fn dump(&self) -> String {
        dump::projections(self.store.conn()).unwrap()
    }

    fn intake(&mut self, user: &str, now: DateTime<FixedOffset>, n: u32) -> String {
        let s = self.login(user);
        let (_, matter) = versions::current(self.store.conn(), "MZ-003").unwrap();
        let all: Vec<String> = (1..=matter.materials.len())
            .map(|i| i.to_string())
            .collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let r = intake::record(
            &mut self.store,
            &s,
            now,
            application("MZ-003", person("张三", n), &all),
        )
        .unwrap();
        assert_eq!(r.outcome, Outcome::Accepted);
        r.case_no
    }

    fn step(
        &mut self,
        user: &str,
        now: DateTime<FixedOffset>,
        case_no: &str,
        req: StepRequest,
    ) -> bianmin::Result<bianmin::lifecycle::handling::StepDone> {
        let s = self.login(user);
        request::take(&mut self.store, &s, now, case_no, req)
    }

    fn case_state(&self, case_no: &str) -> String {
        self.store
            .conn()
            .query_row(
                "SELECT state FROM cases WHERE case_no = ?1",
                [case_no],
                |r| r.get(0),
            )
            .unwrap()
    }
}

fn new_user(username: &str, role: Role, no: &str) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: format!("{username}姓名"),
        staff_no: no.into(),
        role,
        password: format!("{username}-pass1"),
    }
}

/// The hub A01 with a manager, two clerks and an agent.
fn hub() -> Device {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("a01.db")).unwrap();
    let now = t(23, 8, 0);
    setup::init(
        &mut store,
        now,
        SetupInput {
            center_code: "371402101".into(),
            center_name: "新湖街道便民服务中心".into(),
            device_code: "A01".into(),
            role: DeviceRole::Hub,
            admin: new_user("admin", Role::Admin, "9001"),
            profile: None,
        },
    )
    .unwrap();
    let admin = users::verify_credentials(store.conn(), "admin", "admin-pass1").unwrap();
    for (u, role, no) in [
        ("wang", Role::Manager, "1001"),
        ("li", Role::Clerk, "1002"),
        ("qian", Role::Clerk, "1003"),
        ("zhao", Role::Agent, "2001"),
    ] {
        users::add(&mut store, &admin, now, &new_user(u, role, no)).unwrap();
    }
    Device { _dir: dir, store }
}

fn join_from(
    batch: &Path,
    code: &str,
    role: DeviceRole,
    now: DateTime<FixedOffset>,
) -> (Device, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(format!("{code}.db"))).unwrap();
    let r = join::join(
        &mut store,
        now,
        &JoinInput {
            device_code: code.into(),
            role,
            fingerprint: None,
            join_code: join_code_of(batch),
        },
        batch,
        &mut quiet(),
    )
    .unwrap();
    (Device { _dir: dir, store }, r.key_line)
}

fn trust(hub: &mut Device, line: &str, now: DateTime<FixedOffset>) {
    let s = hub.login("wang");
    devices::trust(&mut hub.store, &s, now, line).unwrap();
}

/// A small deterministic shuffle (no extra crate): Fisher–Yates with an LCG.
fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut v = items.to_vec();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for i in (1..v.len()).rev() {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (x >> 33) as usize % (i + 1);
        v.swap(i, j);
    }
    v
}

struct World {
    usb: tempfile::TempDir,
    hub: Device,
    a02: Device,
    v03: Device,
    /// The hub's batch an observer joins from, then every batch since,
    /// opened as the plain batches an older program writes: an observer
    /// joining later is none of their recipients.
    observer_join: PathBuf,
    batches: Vec<PathBuf>,
    x: String,
    z: String,
}

/// The plain batch inside the sealed batch at `sealed`, opened by whichever
/// of `readers` it is for (or its join code), written beside it.
fn opened_copy(readers: &[&Device], sealed: &Path) -> PathBuf {
    let name = sealed.file_name().unwrap().to_string_lossy().into_owned();
    let code = join_code_of(sealed);
    let inner = readers
        .iter()
        .find_map(|d| envelope::unseal(d.store.conn(), &name, sealed, None, Trust::Registered).ok())
        .or_else(|| {
            let trust = Trust::Joining {
                fingerprint: None,
                code: code.as_deref(),
            };
            envelope::unseal(readers[0].store.conn(), &name, sealed, None, trust).ok()
        })
        .unwrap_or_else(|| panic!("none of the devices opens {name}"));
    let path = sealed.with_extension("plain.bmb");
    std::fs::write(&path, inner.inner.as_slice()).unwrap();
    path
}

/// Builds the three devices and a day of work with a conflict.
fn world() -> World {
    let usb = tempfile::tempdir().unwrap();
    let u = usb.path();
    let mut hub = hub();
    let h_a02 = hub.export("wang", t(23, 8, 10), u, Some("A02"));
    let h_v03 = hub.export("wang", t(23, 8, 10), u, Some("V03"));
    let (mut a02, a02_line) = join_from(&h_a02, "A02", DeviceRole::Counter, t(23, 8, 20));
    let (mut v03, v03_line) = join_from(&h_v03, "V03", DeviceRole::Agent, t(23, 8, 20));
    trust(&mut hub, &a02_line, t(23, 8, 30));
    trust(&mut hub, &v03_line, t(23, 8, 30));
    let observer_join = hub.export("wang", t(23, 8, 31), u, Some("A09"));
    let mut batches = Vec::new();

    // Cases on each device.
    let x = hub.intake("li", t(23, 9, 0), 1);
    let y = a02.intake("qian", t(23, 9, 5), 2);
    let z = v03.intake("zhao", t(23, 9, 10), 3);
    let a1 = a02.export("qian", t(23, 9, 30), u, None);
    let v1 = v03.export("zhao", t(23, 9, 30), u, None);
    batches.extend([a1.clone(), v1.clone()]);
    hub.import("wang", t(23, 9, 40), &v1).unwrap();
    hub.import("wang", t(23, 9, 41), &a1).unwrap();
    hub.step(
        "li",
        t(23, 9, 50),
        &z,
        StepRequest::ConfirmBag {
            bag: "袋-0007".into(),
        },
    )
    .unwrap();
    let h2a = hub.export("wang", t(23, 10, 0), u, Some("A02"));
    let h2v = hub.export("wang", t(23, 10, 0), u, Some("V03"));
    batches.push(hub.export("wang", t(23, 10, 0), u, Some("A09")));
    a02.import("qian", t(23, 10, 5), &h2a).unwrap();
    v03.import("zhao", t(23, 10, 5), &h2v).unwrap();

    // The conflict: at A02 the manager withdraws X at 10:30; at the hub,
    // unaware, the clerk assigns and completes X at 10:45 and 11:00.
    a02.step(
        "wang",
        t(23, 10, 30),
        &x,
        StepRequest::Withdraw {
            reason: "申请人撤回".into(),
        },
    )
    .unwrap();
    hub.step(
        "li",
        t(23, 10, 45),
        &x,
        StepRequest::Assign {
            to: "li".into(),
            forward: None,
        },
    )
    .unwrap();
    hub.step(
        "li",
        t(23, 11, 0),
        &x,
        StepRequest::Complete {
            result: "approve".into(),
            reason: None,
        },
    )
    .unwrap();
    // Y moves on at A02, Z at the hub.
    a02.step(
        "qian",
        t(23, 10, 40),
        &y,
        StepRequest::Assign {
            to: "qian".into(),
            forward: None,
        },
    )
    .unwrap();
    hub.step(
        "li",
        t(23, 11, 5),
        &z,
        StepRequest::Assign {
            to: "li".into(),
            forward: None,
        },
    )
    .unwrap();
    hub.step(
        "li",
        t(23, 11, 10),
        &z,
        StepRequest::Complete {
            result: "approve".into(),
            reason: None,
        },
    )
    .unwrap();
    let w = v03.intake("zhao", t(23, 11, 20), 4);
    let a2 = a02.export("qian", t(23, 11, 30), u, None);
    let v2 = v03.export("zhao", t(23, 11, 30), u, None);
    batches.extend([a2.clone(), v2.clone()]);
    hub.import("wang", t(23, 11, 40), &a2).unwrap();
    hub.import("wang", t(23, 11, 41), &v2).unwrap();
    // The laptop's second case reached the hub, waiting for its bag.
    assert_eq!(hub.case_state(&w), "agent_taken");
    // Results flow back.
    let h3a = hub.export("wang", t(23, 12, 0), u, Some("A02"));
    let h3v = hub.export("wang", t(23, 12, 0), u, Some("V03"));
    batches.push(hub.export("wang", t(23, 12, 0), u, Some("A09")));
    a02.import("qian", t(23, 12, 5), &h3a).unwrap();
    v03.import("zhao", t(23, 12, 5), &h3v).unwrap();
    let batches = batches
        .iter()
        .map(|b| opened_copy(&[&hub, &a02, &v03], b))
        .collect();
    World {
        usb,
        hub,
        a02,
        v03,
        observer_join,
        batches,
        x,
        z,
    }
}

#[test]
fn three_devices_converge_and_a_conflict_is_flagged_not_applied() {
    let w = world();
    let hub = w.hub.dump();
    assert_eq!(hub, w.a02.dump(), "A02 differs from the hub");
    assert_eq!(hub, w.v03.dump(), "V03 differs from the hub");
    // X was withdrawn first (10:30); the hub's assign and completion of it
    // are kept in the log, flagged, and did not change the case.
    assert_eq!(w.hub.case_state(&w.x), "withdrawn");
    let conflicts = import::conflicts(w.hub.store.conn()).unwrap();
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    assert!(conflicts
        .iter()
        .all(|c| c.device_code == "A01" && c.case_no.as_deref() == Some(w.x.as_str())));
    assert!(
        conflicts[0].reason.contains("已撤回"),
        "{}",
        conflicts[0].reason
    );
    // The agent's laptop learned that its case Z was completed at the center.
    assert_eq!(w.v03.case_state(&w.z), "completed");
    let events: i64 = w
        .hub
        .store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    for d in [&w.a02, &w.v03] {
        let n: i64 = d
            .store
            .conn()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, events);
    }
    // A rebuild from the log gives the same tables.
    let mut hubdev = w.hub;
    let admin = hubdev.login("admin");
    bianmin::projections::rebuild(&mut hubdev.store, &admin).unwrap();
    assert_eq!(hubdev.dump(), hub);
}

#[test]
fn the_hub_sees_each_devices_last_batch_and_flags_a_silent_one() {
    let w = world();
    let conn = w.hub.store.conn();
    let of = |list: &[devices::Standing], code: &str| -> devices::Standing {
        list.iter()
            .find(|d| d.device.device_code == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} listed"))
    };
    let today = devices::standing(conn, t(23, 18, 0)).unwrap();
    let own = of(&today, "A01");
    assert!(own.own && !own.quiet, "{own:?}");
    let v03 = of(&today, "V03");
    assert!(!v03.quiet && v03.last_batch_no.is_some(), "{v03:?}");
    assert_eq!(v03.silent_days, Some(0));
    assert!(v03.note.contains("最近导入第"), "{}", v03.note);
    // A week without the laptop at the center.
    let later = devices::standing(conn, t(30, 9, 0)).unwrap();
    let v03 = of(&later, "V03");
    assert!(v03.quiet, "{v03:?}");
    assert_eq!(v03.silent_days, Some(7));
    assert!(v03.note.contains("超过 3 天没有新数据"), "{}", v03.note);
    assert!(!of(&later, "A01").quiet, "never this machine itself");
}

#[test]
fn any_import_order_with_duplicates_gives_the_same_tables() {
    let w = world();
    let want = w.hub.dump();
    let mut any_gaps = false;
    for seed in 0..4u64 {
        let (mut obs, _) = join_from(&w.observer_join, "A09", DeviceRole::Counter, t(23, 13, 0));
        let mut order = shuffled(&w.batches, seed);
        // Every batch a second time, in another order.
        order.extend(shuffled(&w.batches, seed + 100));
        let mut gaps_seen = false;
        for b in &order {
            let r = obs.import("qian", t(23, 13, 5), b).unwrap();
            gaps_seen |= !r.gaps.is_empty();
        }
        assert!(import::gaps(obs.store.conn()).unwrap().is_empty());
        assert_eq!(obs.dump(), want, "order {seed} differs from the hub");
        // The conflicted case's history reads the same, refused steps marked.
        let log = |d: &Device| {
            serde_json::to_string(
                &bianmin::lifecycle::timeline::of_case(d.store.conn(), &w.x).unwrap(),
            )
            .unwrap()
        };
        assert_eq!(log(&obs), log(&w.hub), "order {seed}: the history differs");
        assert!(log(&obs).contains("未生效"), "order {seed}");
        any_gaps |= gaps_seen;
    }
    // Some order brought a later batch first: held and filled, not lost.
    assert!(any_gaps, "no order exercised a gap");
}

#[test]
fn a_later_batch_first_is_held_and_named_then_applied() {
    let w = world();
    let (mut obs, _) = join_from(&w.observer_join, "A09", DeviceRole::Counter, t(23, 13, 0));
    // A02's batch 2 before its batch 1.
    let a1 = &w.batches[0];
    let a2 = &w.batches[3];
    assert!(a1.to_string_lossy().contains("-A02-") && a2.to_string_lossy().contains("-A02-"));
    let before = obs.dump();
    let r = obs.import("qian", t(23, 13, 5), a2).unwrap();
    assert_eq!(r.added, 0);
    assert!(r.held > 0);
    assert_eq!(r.gaps.len(), 1, "{:?}", r.gaps);
    let msg = &r.gaps[0].message;
    assert!(msg.starts_with("缺少 A02 设备第 1 批（序号 1–"), "{msg}");
    assert_eq!(obs.dump(), before, "held events change no table");
    let r = obs.import("qian", t(23, 13, 6), a1).unwrap();
    assert!(r.released > 0 && r.gaps.is_empty(), "{r:?}");
}

// ---------------------------------------------------------------- tampering

/// A zip's members, by name, in order.
type Members = Vec<(String, Vec<u8>)>;

fn members(file: &Path) -> Members {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut data).unwrap();
            (e.name().to_owned(), data)
        })
        .collect()
}

fn rezip(path: &Path, members: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, data) in members {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
}

/// A02's first batch and a device (a fresh observer) to import it into.
fn tamper_setup() -> (World, Device, PathBuf) {
    let w = world();
    let (obs, _) = join_from(&w.observer_join, "A09", DeviceRole::Counter, t(23, 13, 0));
    let a1 = w.batches[0].clone();
    (w, obs, a1)
}

/// The batch at `file` once per member with one bit of that member
/// flipped, written to `dir`: in the description (`described`) a digit of
/// its time (a field with no format of its own to break: only the
/// signature can tell); elsewhere the middle.
fn each_member_flipped(file: &Path, dir: &Path, described: &str) -> Vec<(String, PathBuf)> {
    let original = members(file);
    let mut out = Vec::new();
    for (i, (name, _)) in original.iter().enumerate() {
        let mut changed = original.clone();
        let data = &mut changed[i].1;
        let at = if name == described {
            let key = b"\"created_at\": \"";
            data.windows(key.len()).position(|w| w == key).unwrap() + key.len() + 3
        } else {
            data.len() / 2
        };
        data[at] ^= 0x01;
        let path = dir.join(format!("flip-{name}.bmb"));
        rezip(&path, &changed);
        out.push((name.clone(), path));
    }
    out
}

fn refused(obs: &mut Device, file: &Path, expect: &str) {
    let before = obs.state();
    let err = obs
        .import("qian", t(23, 13, 5), file)
        .unwrap_err()
        .to_string();
    assert!(err.contains(expect), "expected “{expect}” in: {err}");
    assert_eq!(obs.state(), before, "a refused import changed the database");
}

#[test]
fn each_tampered_member_is_refused_by_its_own_check() {
    let (w, mut obs, a1) = tamper_setup();
    let dir = w.usb.path().join("bad");
    std::fs::create_dir(&dir).unwrap();
    let original = members(&a1);
    for (name, path) in each_member_flipped(&a1, &dir, "manifest.json") {
        let expect = match name.as_str() {
            "manifest.json" | "manifest.sig" => "第 4 步 核对签名",
            _ => "第 5 步 核对文件校验值",
        };
        refused(&mut obs, &path, expect);
    }
    // A byte flipped in the zip itself: refused, never a panic. (Inside
    // the compressed events; the local headers are not read.)
    let raw = std::fs::read(&a1).unwrap();
    let (start, size) = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&a1).unwrap()).unwrap();
        let e = zip.by_name("events.jsonl").unwrap();
        (e.data_start() as usize, e.compressed_size() as usize)
    };
    for at in [start + size / 3, start + size / 2] {
        let mut bad = raw.clone();
        bad[at] ^= 0xff;
        let path = dir.join(format!("raw-{at}.bmb"));
        std::fs::write(&path, &bad).unwrap();
        refused(&mut obs, &path, "步");
    }
    // Truncated, as when the stick is pulled.
    let path = dir.join("truncated.bmb");
    std::fs::write(&path, &raw[..raw.len() * 2 / 3]).unwrap();
    refused(&mut obs, &path, "第 1 步 读取文件");
    // A member that escapes the folder.
    let mut evil = original.clone();
    evil.push(("../evil".into(), b"x".to_vec()));
    let path = dir.join("evil.bmb");
    rezip(&path, &evil);
    refused(&mut obs, &path, "路径不安全");
    // An unexpected member, and a missing one.
    let mut extra = original.clone();
    extra.push(("readme.txt".into(), b"x".to_vec()));
    rezip(&dir.join("extra.bmb"), &extra);
    refused(&mut obs, &dir.join("extra.bmb"), "不应出现的文件");
    let missing: Vec<_> = original
        .iter()
        .filter(|(n, _)| n != "cases.csv")
        .cloned()
        .collect();
    rezip(&dir.join("missing.bmb"), &missing);
    refused(&mut obs, &dir.join("missing.bmb"), "缺少“cases.csv”");
    // A member twice: write it under a same-length name, then rename it in the bytes.
    let mut twice = original.clone();
    twice.push(("cases.csX".into(), b"x".to_vec()));
    let path = dir.join("twice.bmb");
    rezip(&path, &twice);
    let bytes = std::fs::read(&path).unwrap();
    let patched = replace_all(&bytes, b"cases.csX", b"cases.csv");
    std::fs::write(&path, patched).unwrap();
    let before = obs.state();
    let err = obs
        .import("qian", t(23, 13, 5), &path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("“cases.csv”出现了不止一次"), "{err}");
    assert_eq!(obs.state(), before);
    // The genuine batch still imports.
    obs.import("qian", t(23, 13, 6), &a1).unwrap();
}

fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = haystack.to_vec();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    out
}

#[test]
fn a_changed_event_re_signed_with_the_real_key_fails_the_chain_check() {
    let (w, mut obs, a1) = tamper_setup();
    let mut m = members(&a1);
    let events = m.iter().position(|(n, _)| n == "events.jsonl").unwrap();
    let text = String::from_utf8(m[events].1.clone()).unwrap();
    let changed = text.replacen("张三", "李四", 1);
    assert_ne!(changed, text);
    m[events].1 = changed.into_bytes();
    // Fix the manifest's digests and sign it with A02's own key: only the
    // event hashes can tell.
    let mi = m.iter().position(|(n, _)| n == "manifest.json").unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&m[mi].1).unwrap();
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&m[events].1));
    manifest["members"]["events.jsonl"]["sha256"] = digest.into();
    manifest["members"]["events.jsonl"]["bytes"] = (m[events].1.len() as u64).into();
    let bytes = serde_json::to_vec_pretty(&manifest).unwrap();
    let sig = keys::sign(w.a02.store.conn(), &bytes).unwrap();
    m[mi].1 = bytes;
    let si = m.iter().position(|(n, _)| n == "manifest.sig").unwrap();
    m[si].1 = sig.into_bytes();
    let path = w.usb.path().join("resigned.bmb");
    rezip(&path, &m);
    refused(&mut obs, &path, "第 6 步 核对事件链");
}

#[test]
fn replays_untrusted_devices_and_other_centers_are_refused() {
    let (mut w, mut obs, a1) = tamper_setup();
    obs.import("qian", t(23, 13, 5), &a1).unwrap();
    // The same batch again: nothing new, nothing changed.
    let before = obs.state();
    let r = obs.import("qian", t(23, 13, 6), &a1).unwrap();
    assert!(r.already_imported_at.is_some() && r.added == 0);
    assert_eq!(obs.state(), before);
    // A device nobody registered.
    let mut stranger = hub();
    let rogue = stranger.export("wang", t(23, 9, 0), w.usb.path(), Some("A09"));
    refused(&mut obs, &rogue, "未登记的设备");
    // The hub refuses a batch from a device of its own center it never trusted.
    let (mut a03, _) = join_from(&w.observer_join, "A03", DeviceRole::Counter, t(23, 13, 0));
    a03.intake("qian", t(23, 13, 10), 9);
    let b = a03.export("qian", t(23, 13, 20), w.usb.path(), None);
    let before = w.hub.state();
    let err = w
        .hub
        .import("wang", t(23, 13, 30), &b)
        .unwrap_err()
        .to_string();
    assert!(err.contains("未登记的设备 A03"), "{err}");
    assert_eq!(w.hub.state(), before);
}

#[test]
fn only_a_manager_trusts_a_device_and_only_once() {
    let mut h = hub();
    let usb = tempfile::tempdir().unwrap();
    let b = h.export("wang", t(23, 8, 10), usb.path(), Some("A02"));
    let (_a02, line) = join_from(&b, "A02", DeviceRole::Counter, t(23, 8, 20));
    let clerk = h.login("li");
    let err = devices::trust(&mut h.store, &clerk, t(23, 8, 30), &line).unwrap_err();
    assert!(err.to_string().contains("登记信任其他设备"), "{err}");
    trust(&mut h, &line, t(23, 8, 30));
    let wang = h.login("wang");
    let err = devices::trust(&mut h.store, &wang, t(23, 8, 31), &line).unwrap_err();
    assert!(err.to_string().contains("已经登记过"), "{err}");
    let own = keys::own_line(h.store.conn()).unwrap().to_line();
    let err = devices::trust(&mut h.store, &wang, t(23, 8, 31), &own).unwrap_err();
    assert!(err.to_string().contains("本机自己的公钥"), "{err}");
    // Joining with a wrong fingerprint is refused and leaves the file empty.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("x.db")).unwrap();
    let err = join::join(
        &mut store,
        t(23, 9, 0),
        &JoinInput {
            device_code: "A04".into(),
            role: DeviceRole::Counter,
            fingerprint: Some("0000 0000 0000 0000".into()),
            join_code: join_code_of(&b),
        },
        &b,
        &mut quiet(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("指纹"), "{err}");
    assert!(bianmin::store::device::load(store.conn()).is_err());
}

#[test]
fn an_agents_case_waits_for_the_bag_and_counts_from_the_center() {
    let mut h = hub();
    let usb = tempfile::tempdir().unwrap();
    let b = h.export("wang", t(23, 8, 10), usb.path(), Some("V03"));
    let (mut v03, line) = join_from(&b, "V03", DeviceRole::Agent, t(23, 8, 20));
    trust(&mut h, &line, t(23, 8, 30));
    // Taken in the village on Monday 23rd.
    let z = v03.intake("zhao", t(23, 9, 0), 5);
    let s = v03.login("zhao");
    let facts = documents::facts::gather(v03.store.conn(), &z, t(23, 9, 1)).unwrap();
    assert!(facts.due_date.is_none());
    let agent = facts.agent.as_ref().unwrap();
    assert_eq!(agent.agent_device, "V03");
    assert_eq!(
        DocumentKind::for_outcome(
            documents::Papers {
                outcome: Some(Outcome::Accepted),
                ..Default::default()
            },
            true
        ),
        vec![DocumentKind::Receipt]
    );
    let err =
        documents::print(&mut v03.store, &s, t(23, 9, 1), &z, DocumentKind::Notice).unwrap_err();
    assert!(err.to_string().contains("确认收件"), "{err}");
    let receipt =
        documents::print(&mut v03.store, &s, t(23, 9, 1), &z, DocumentKind::Receipt).unwrap();
    let text = common_pdf_text(&receipt.pdf);
    assert!(text.contains("代办受理，送交中心"), "{text}");
    assert!(text.contains("自中心确认收件之日起"), "{text}");
    assert_eq!(v03.case_state(&z), State::AgentTaken.code());
    // The agent cannot confirm a bag.
    assert!(v03
        .step(
            "zhao",
            t(23, 9, 2),
            &z,
            StepRequest::ConfirmBag { bag: "1".into() }
        )
        .is_err());
    let v1 = v03.export("zhao", t(23, 17, 0), usb.path(), None);
    // The center receives the bag on Wednesday 25th: 10 working days from then.
    h.import("wang", t(25, 9, 0), &v1).unwrap();
    let err = h
        .step(
            "li",
            t(25, 9, 5),
            &z,
            StepRequest::ConfirmBag { bag: " ".into() },
        )
        .unwrap_err();
    assert!(err.to_string().contains("材料袋编号"), "{err}");
    let done = h
        .step(
            "li",
            t(25, 9, 5),
            &z,
            StepRequest::ConfirmBag {
                bag: "袋-0012".into(),
            },
        )
        .unwrap();
    assert_eq!(done.state, State::Accepted);
    assert_eq!(done.due_date, NaiveDate::from_ymd_opt(2026, 12, 9));
    let (received_on, accepted_on, bag): (String, String, String) = h
        .store
        .conn()
        .query_row(
            "SELECT received_on, accepted_on, bag_no FROM cases WHERE case_no = ?1",
            [&z],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (received_on.as_str(), accepted_on.as_str(), bag.as_str()),
        ("2026-11-23", "2026-11-25", "袋-0012")
    );
    // A second confirmation is not a step from 已受理.
    assert!(h
        .step(
            "li",
            t(25, 9, 6),
            &z,
            StepRequest::ConfirmBag {
                bag: "袋-0013".into()
            }
        )
        .is_err());
    // Back on the laptop the case shows as accepted by the center.
    let back = h.export("wang", t(25, 10, 0), usb.path(), Some("V03"));
    v03.import("zhao", t(26, 8, 0), &back).unwrap();
    assert_eq!(v03.case_state(&z), "accepted");
}

fn common_pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&p)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).replace([' ', '\n'], "")
}

#[test]
fn export_records_nothing_when_the_folder_is_missing_and_refuses_an_empty_batch() {
    let mut h = hub();
    let s = h.login("wang");
    let before = h.state();
    let err = export::export(
        &mut h.store,
        &s,
        t(23, 9, 0),
        &ExportRequest {
            out_dir: PathBuf::from("/nonexistent/usb"),
            ..ExportRequest::default()
        },
        &mut quiet(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("无法写入"), "{err}");
    assert_eq!(h.state(), before);
    let usb = tempfile::tempdir().unwrap();
    // A hub with no device registered has nobody to seal a batch to.
    let err = export::export(
        &mut h.store,
        &s,
        t(23, 9, 0),
        &ExportRequest {
            out_dir: usb.path().to_path_buf(),
            ..ExportRequest::default()
        },
        &mut quiet(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("没有可以接收该批次"), "{err}");
    assert_eq!(h.state(), before);
    assert_eq!(std::fs::read_dir(usb.path()).unwrap().count(), 0);
    h.export("wang", t(23, 9, 0), usb.path(), Some("A02"));
    let err = export::export(
        &mut h.store,
        &s,
        t(23, 9, 1),
        &ExportRequest {
            out_dir: usb.path().to_path_buf(),
            destination: Some("A02".into()),
            ..ExportRequest::default()
        },
        &mut quiet(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("没有需要导出的新数据"), "{err}");
    // --since-batch 0 sends everything again, under a new name.
    let r = export::export(
        &mut h.store,
        &s,
        t(23, 9, 2),
        &ExportRequest {
            out_dir: usb.path().to_path_buf(),
            destination: Some("A02".into()),
            since_batch: Some(0),
            ..ExportRequest::default()
        },
        &mut quiet(),
    )
    .unwrap();
    assert_eq!(r.batch_no, 2);
    assert_eq!(
        std::fs::read_dir(usb.path()).unwrap().count(),
        2,
        "no temporary file is left"
    );
}

// ------------------------------------------------------------------ fuzzing

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        // Arbitrary bytes are never a signed batch: refused, not a panic.
        prop_assert!(reader::open("fuzz.bmb", &bytes).is_err());
        // Arbitrary bytes behind a valid zip signature too.
        let mut z = b"PK\x03\x04".to_vec();
        z.extend_from_slice(&bytes);
        prop_assert!(reader::open("fuzz.bmb", &z).is_err());
    }
}

#[test]
fn mutated_batches_never_panic_and_never_change_anything_when_refused() {
    let (w, mut obs, a1) = tamper_setup();
    let raw = std::fs::read(&a1).unwrap();
    let path = w.usb.path().join("mutant.bmb");
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let cases: u64 = std::env::var("BIANMIN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut before = obs.state();
    for _ in 0..cases {
        let mut bad = raw.clone();
        for _ in 0..(1 + x % 4) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            let at = (x >> 16) as usize % bad.len();
            bad[at] = (x >> 40) as u8;
        }
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        if x.is_multiple_of(5) {
            bad.truncate((x >> 20) as usize % bad.len());
        }
        std::fs::write(&path, &bad).unwrap();
        match obs.import("qian", t(23, 13, 5), &path) {
            // A change to bytes no check covers (a zip header's time, say)
            // leaves the signed content intact: it imports, and later
            // refusals are compared with the state after it.
            Ok(r) => {
                assert!(r.added > 0 || r.held > 0 || r.already_imported_at.is_some());
                before = obs.state();
            }
            Err(_) => assert_eq!(obs.state(), before),
        }
    }
}

#[test]
fn hostile_text_crosses_a_batch_unchanged() {
    let mut h = hub();
    let usb = tempfile::tempdir().unwrap();
    let b = h.export("wang", t(23, 8, 10), usb.path(), Some("A02"));
    let (mut a02, line) = join_from(&b, "A02", DeviceRole::Counter, t(23, 8, 20));
    trust(&mut h, &line, t(23, 8, 30));
    let nasty = [
        "'; DROP TABLE cases;--",
        "<script>alert(1)</script>",
        "引号\"单引号'反斜杠\\",
        "\u{200F}עברית\u{200E} 😀👨‍👩‍👧",
    ];
    let long = "杨庄村".repeat(50);
    let s = a02.login("qian");
    let mut sent = Vec::new();
    for (i, text) in nasty.iter().enumerate() {
        let mut p = person("𠮷䶮𪚥", 30 + i as u32);
        p.address = format!("{text}{long}");
        let mut app = application("ZJ-001", p.clone(), &[]);
        // The reason is printed on the refusal notice, so intake takes only
        // what the fonts can draw (Hebrew and emoji they cannot); the
        // address carries every text.
        let reason = if bianmin::documents::fonts::get()
            .unwrap()
            .check_every_family(text)
            .is_ok()
        {
            text.to_string()
        } else {
            "不符合受理条件".to_string()
        };
        app.refusal_reason = Some(reason.clone());
        let r = intake::record(&mut a02.store, &s, t(23, 9, i as u32), app).unwrap();
        sent.push((r.case_no, p.address, reason));
    }
    let batch = a02.export("qian", t(23, 10, 0), usb.path(), None);
    h.import("wang", t(23, 10, 5), &batch).unwrap();
    for (case_no, address, reason) in &sent {
        let d = bianmin::intake::lookup::detail_unmasked(h.store.conn(), case_no).unwrap();
        assert_eq!(d.summary.applicant_name, "𠮷䶮𪚥");
        assert_eq!(&d.applicant_address, address);
        assert_eq!(d.refusal_reason.as_deref(), Some(reason.as_str()));
    }
    let addresses = |d: &Device| -> Vec<String> {
        let mut stmt = d
            .store
            .conn()
            .prepare("SELECT applicant_address FROM cases ORDER BY case_no")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let (cases_a02, cases_hub) = (addresses(&a02), addresses(&h));
    assert_eq!(cases_a02, cases_hub);
}

#[test]
fn a_manager_sees_both_steps_of_a_conflict_and_keeps_what_stands() {
    use bianmin::exchange::conflicts::{self, Resolution};
    let mut w = world();
    let open = conflicts::open(w.hub.store.conn()).unwrap();
    assert_eq!(open.len(), 2, "{open:?}");
    let complete = open
        .iter()
        .find(|c| c.refused.what == "办结")
        .unwrap()
        .clone();
    let assign = open
        .iter()
        .find(|c| c.refused.what == "分派/转办")
        .unwrap()
        .clone();
    assert_eq!(complete.refused.device_code, "A01");
    assert_eq!(complete.case_no.as_deref(), Some(w.x.as_str()));
    assert_eq!(complete.case_state, Some("已撤回"));
    let standing = complete.standing.as_ref().expect("the step that stands");
    assert_eq!(
        (standing.device_code.as_str(), standing.what),
        ("A02", "撤回")
    );

    // Refusals change nothing: a clerk, no reason, a step the rules still refuse.
    let before = w.hub.state();
    let (clerk, manager) = (w.hub.login("li"), w.hub.login("wang"));
    let resolve = |store: &mut Store, s: &Session, c: &conflicts::OpenConflict, r, why: &str| {
        conflicts::resolve(
            store,
            s,
            t(23, 13, 0),
            &c.refused.device_code,
            c.seq,
            r,
            why,
        )
    };
    let err = resolve(&mut w.hub.store, &clerk, &complete, Resolution::Keep, "x").unwrap_err();
    assert!(matches!(err, bianmin::Error::Auth(_)), "{err}");
    let err = resolve(&mut w.hub.store, &manager, &complete, Resolution::Keep, " ").unwrap_err();
    assert!(err.to_string().contains("处理理由"), "{err}");
    let err = resolve(
        &mut w.hub.store,
        &manager,
        &complete,
        Resolution::Apply,
        "补办",
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("现在不能再做“办结”") && msg.contains("已撤回"),
        "{msg}"
    );
    assert_eq!(
        w.hub.state(),
        before,
        "a refused resolution records nothing"
    );

    for c in [&complete, &assign] {
        let r = resolve(
            &mut w.hub.store,
            &manager,
            c,
            Resolution::Keep,
            "申请人已撤回，以撤回为准",
        )
        .unwrap();
        assert_eq!((r.label, r.case_state), ("保留现状", Some("已撤回")));
    }
    assert!(conflicts::open(w.hub.store.conn()).unwrap().is_empty());
    let err = resolve(
        &mut w.hub.store,
        &manager,
        &complete,
        Resolution::Keep,
        "again",
    )
    .unwrap_err();
    assert!(err.to_string().contains("已经处理过"), "{err}");
    // The log keeps both steps; the resolution travels and survives a rebuild.
    assert_eq!(import::conflicts(w.hub.store.conn()).unwrap().len(), 2);
    assert_eq!(w.hub.case_state(&w.x), "withdrawn");
    let usb = tempfile::tempdir().unwrap();
    let batch = w.hub.export("wang", t(23, 13, 30), usb.path(), Some("A02"));
    w.a02.import("qian", t(23, 13, 35), &batch).unwrap();
    assert!(conflicts::open(w.a02.store.conn()).unwrap().is_empty());
    assert_eq!(w.a02.dump(), w.hub.dump());
    let admin = w.hub.login("admin");
    let kept = w.hub.dump();
    bianmin::projections::rebuild(&mut w.hub.store, &admin).unwrap();
    assert_eq!(w.hub.dump(), kept);
}

#[test]
fn a_refused_step_is_applied_anew_once_the_case_allows_it() {
    use bianmin::exchange::conflicts::{self, Resolution};
    let usb = tempfile::tempdir().unwrap();
    let u = usb.path();
    let mut hub = hub();
    let to_a02 = hub.export("wang", t(23, 8, 10), u, Some("A02"));
    let (mut a02, line) = join_from(&to_a02, "A02", DeviceRole::Counter, t(23, 8, 20));
    trust(&mut hub, &line, t(23, 8, 30));
    let x = hub.intake("li", t(23, 9, 0), 1);
    let assign = StepRequest::Assign {
        to: "li".into(),
        forward: None,
    };
    hub.step("li", t(23, 9, 10), &x, assign).unwrap();
    let batch = hub.export("wang", t(23, 9, 20), u, Some("A02"));
    a02.import("qian", t(23, 9, 25), &batch).unwrap();
    // At A02 the manager asks for a supplement at 10:30; at the hub, unaware,
    // the clerk completes the case at 10:45.
    let suspend = StepRequest::Suspend {
        kind: "补正".into(),
        reason: "缺户口簿".into(),
    };
    a02.step("wang", t(23, 10, 30), &x, suspend).unwrap();
    let complete = StepRequest::Complete {
        result: "approve".into(),
        reason: None,
    };
    hub.step("li", t(23, 10, 45), &x, complete).unwrap();
    let batch = a02.export("qian", t(23, 11, 0), u, None);
    hub.import("wang", t(23, 11, 5), &batch).unwrap();
    assert_eq!(hub.case_state(&x), "suspended");
    let open = conflicts::open(hub.store.conn()).unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].refused.what, "办结");
    // The supplement came in: the case resumes, and the completion the hub
    // made is applied now, in the manager's name.
    hub.step("wang", t(23, 14, 0), &x, StepRequest::Resume)
        .unwrap();
    let manager = hub.login("wang");
    let r = conflicts::resolve(
        &mut hub.store,
        &manager,
        t(23, 14, 5),
        "A01",
        open[0].seq,
        Resolution::Apply,
        "申请人已补交户口簿，按原审核意见办结",
    )
    .unwrap();
    assert_eq!((r.label, r.case_state), ("采用另一步", Some("已办结")));
    assert_eq!(hub.case_state(&x), "completed");
    assert!(conflicts::open(hub.store.conn()).unwrap().is_empty());
    let applied: i64 = hub
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM conflict_resolutions WHERE applied_event_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(applied, 1);
}

// ------------------------------------------------------- origin and forks

/// The manifest of `m` with its digests and counts fixed for the events
/// member as it now is, signed with the key of `signer`.
fn resign(m: &mut [(String, Vec<u8>)], manifest: &mut serde_json::Value, signer: &Device) {
    let events = m.iter().position(|(n, _)| n == "events.jsonl").unwrap();
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&m[events].1));
    manifest["members"]["events.jsonl"]["sha256"] = digest.into();
    manifest["members"]["events.jsonl"]["bytes"] = (m[events].1.len() as u64).into();
    let bytes = serde_json::to_vec_pretty(&manifest).unwrap();
    let sig = keys::sign(signer.store.conn(), &bytes).unwrap();
    let mi = m.iter().position(|(n, _)| n == "manifest.json").unwrap();
    m[mi].1 = bytes;
    let si = m.iter().position(|(n, _)| n == "manifest.sig").unwrap();
    m[si].1 = sig.into_bytes();
}

/// The next event of `victim`'s chain as `holder` knows it: V03's
/// withdrawal of case `case_no`, hashes right.
fn forged_next(holder: &Device, victim_code: &str, case_no: &str) -> bianmin::store::events::Event {
    let conn = holder.store.conn();
    let victim = devices::by_code(conn, victim_code).unwrap().unwrap();
    let (seq, prev) = bianmin::store::events::head(conn, &victim.device_id)
        .unwrap()
        .unwrap();
    let (case_id, user_id): (String, String) = conn
        .query_row(
            "SELECT c.case_id, u.user_id FROM cases c, users u WHERE c.case_no = ?1 AND u.username = 'zhao'",
            [case_no],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut e = bianmin::store::events::Event {
        event_id: uuid::Uuid::now_v7().to_string(),
        device_id: victim.device_id,
        seq: seq + 1,
        ts: "2026-11-23T12:30:00.000+08:00".into(),
        user_id,
        case_id: Some(case_id),
        kind: "case.withdrawn".into(),
        payload: serde_json::json!({ "reason": "申请人撤回" }),
        prev_hash: prev,
        hash: String::new(),
    };
    e.hash = e.compute_hash();
    e
}

/// The plain batch at `plain` sealed by `writer` to the hub, as any device
/// can: it needs only its own key and the hub's public key.
fn sealed_by(writer: &Device, plain: &Path) -> PathBuf {
    let conn = writer.store.conn();
    let opened = reader::open("plain.bmb", &std::fs::read(plain).unwrap()).unwrap();
    let own = bianmin::store::device::load(conn).unwrap();
    let targets = envelope::recipients(conn, &own, "*").unwrap();
    let sealed = envelope::seal(
        conn,
        &opened.manifest,
        &std::fs::read(plain).unwrap(),
        &targets,
    )
    .unwrap();
    let path = plain.with_extension("sealed.bmb");
    sealed
        .write(std::fs::File::create(&path).unwrap(), &path, conn, &[])
        .unwrap();
    path
}

/// A02's batch with `forged` slipped in as the laptop's own, signed with
/// A02's real key; `version` 1 (no origin signatures) or 2 (a head
/// signature made with A02's key, the only one it has).
fn relay_forgery(
    w: &World,
    a02_batch: &Path,
    forged: &bianmin::store::events::Event,
    version: u32,
) -> PathBuf {
    let mut m = members(&opened_copy(&[&w.hub], a02_batch));
    let ei = m.iter().position(|(n, _)| n == "events.jsonl").unwrap();
    let line = bianmin::store::canonical::to_string(&serde_json::to_value(forged).unwrap());
    m[ei].1.extend_from_slice(format!("{line}\n").as_bytes());
    let mi = m.iter().position(|(n, _)| n == "manifest.json").unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&m[mi].1).unwrap();
    let mut range = serde_json::json!({
        "device_id": forged.device_id,
        "device_code": "V03",
        "first_seq": forged.seq,
        "last_seq": forged.seq,
        "events": 1,
        "last_hash": forged.hash,
    });
    manifest["version"] = version.into();
    let sources = manifest["sources"].as_array_mut().unwrap();
    if version >= 2 {
        range["head_signature"] = bianmin::exchange::origin::sign_own(
            w.a02.store.conn(),
            &forged.device_id,
            forged.seq,
            &forged.hash,
        )
        .unwrap()
        .into();
    } else {
        for s in sources.iter_mut() {
            s.as_object_mut().unwrap().remove("head_signature");
        }
    }
    sources.push(range);
    let count = manifest["event_count"].as_u64().unwrap() + 1;
    manifest["event_count"] = count.into();
    let withdrawn = manifest["kinds"]["case.withdrawn"].as_u64().unwrap_or(0) + 1;
    manifest["kinds"]["case.withdrawn"] = withdrawn.into();
    resign(&mut m, &mut manifest, &w.a02);
    let path = w.usb.path().join(format!("forged-v{version}.bmb"));
    rezip(&path, &m);
    path
}

#[test]
fn a_counter_cannot_write_an_event_in_a_laptops_name() {
    let mut w = world();
    // The laptop's waiting case W, as A02 holds it from the hub.
    let w_case: String = w
        .a02
        .store
        .conn()
        .query_row(
            "SELECT case_no FROM cases WHERE state = 'agent_taken'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    w.a02.intake("qian", t(23, 12, 20), 11);
    let a3 = w.a02.export("qian", t(23, 12, 25), w.usb.path(), None);
    let forged = forged_next(&w.a02, "V03", &w_case);
    let sealed = sealed_by(&w.a02, &relay_forgery(&w, &a3, &forged, 2));
    let forgeries = [
        (3, sealed),
        (2, relay_forgery(&w, &a3, &forged, 2)),
        (1, relay_forgery(&w, &a3, &forged, 1)),
    ];
    for (version, path) in forgeries {
        let before = w.hub.state();
        let err = w
            .hub
            .import("wang", t(23, 12, 30), &path)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("第 7 步 核对来源签名") && err.contains("设备 V03"),
            "version {version}: {err}"
        );
        assert_eq!(w.hub.state(), before, "version {version} changed the hub");
    }
    assert_eq!(w.hub.case_state(&w_case), "agent_taken");
    // A02's genuine batch, and the laptop's genuine next one, still import.
    w.hub.import("wang", t(23, 12, 31), &a3).unwrap();
    w.v03.intake("zhao", t(23, 13, 0), 12);
    let v3 = w.v03.export("zhao", t(23, 13, 10), w.usb.path(), None);
    let r = w.hub.import("wang", t(23, 13, 20), &v3).unwrap();
    assert!(r.added >= 1, "{r:?}");
    assert_eq!(w.hub.case_state(&w_case), "agent_taken");
    // The hub relays the laptop's events with the laptop's own signature:
    // A02 accepts them from the hub.
    let h = w
        .hub
        .export("wang", t(23, 13, 30), w.usb.path(), Some("A02"));
    w.a02.import("qian", t(23, 13, 40), &h).unwrap();
    assert_eq!(w.a02.dump(), w.hub.dump());
}

#[test]
fn a_fork_is_named_and_a_revoked_laptop_joins_again_with_a_new_key() {
    let mut w = world();
    // Someone with the laptop's key (a copy of its database) writes the
    // next event of its chain: the laptop writes its own.
    let copy_dir = tempfile::tempdir().unwrap();
    let copy_path = copy_dir.path().join("copy.db");
    w.v03
        .store
        .conn()
        .execute("VACUUM INTO ?1", [copy_path.to_str().unwrap()])
        .unwrap();
    let mut thief = Device {
        _dir: copy_dir,
        store: Store::open(&copy_path).unwrap(),
    };
    thief.intake("zhao", t(23, 12, 40), 31);
    let stolen = thief.export("zhao", t(23, 12, 45), w.usb.path(), None);
    w.v03.intake("zhao", t(23, 12, 50), 21);
    let genuine = w.v03.export("zhao", t(23, 12, 55), w.usb.path(), None);
    w.hub.import("wang", t(23, 13, 0), &genuine).unwrap();
    let before = w.hub.state();
    let err = w
        .hub
        .import("wang", t(23, 13, 5), &stolen)
        .unwrap_err()
        .to_string();
    assert!(err.contains("分叉") && err.contains("设备 V03"), "{err}");
    assert_eq!(w.hub.state().0, before.0, "the fork changed the tables");
    let forks = bianmin::exchange::forks::list(w.hub.store.conn()).unwrap();
    assert_eq!(forks.len(), 1, "{forks:?}");
    assert_eq!(forks[0].device_code, "V03");
    assert_eq!(forks[0].other.kind, "case.received");
    assert_ne!(forks[0].held.hash, forks[0].other.hash);
    assert!(!forks[0].revoked);

    // Only a manager revokes, with a reason.
    let clerk = w.hub.login("li");
    assert!(devices::revoke(&mut w.hub.store, &clerk, t(23, 13, 10), "V03", "丢失").is_err());
    let wang = w.hub.login("wang");
    let err = devices::revoke(&mut w.hub.store, &wang, t(23, 13, 10), "V03", " ").unwrap_err();
    assert!(err.to_string().contains("原因"), "{err}");
    let revoked = devices::revoke(
        &mut w.hub.store,
        &wang,
        t(23, 13, 10),
        "V03",
        "笔记本电脑丢失",
    )
    .unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(bianmin::exchange::forks::list(w.hub.store.conn()).unwrap()[0].revoked);
    // The laptop's later batches are refused, naming it.
    w.v03.intake("zhao", t(23, 14, 0), 22);
    let later = w.v03.export("zhao", t(23, 14, 5), w.usb.path(), None);
    let err = w
        .hub
        .import("wang", t(23, 14, 10), &later)
        .unwrap_err()
        .to_string();
    assert!(err.contains("V03") && err.contains("吊销"), "{err}");
    // The revocation travels: A02 learns it from the hub's batch and then
    // refuses the laptop's events beyond what the hub held.
    let h = w
        .hub
        .export("wang", t(23, 14, 20), w.usb.path(), Some("A02"));
    w.a02.import("qian", t(23, 14, 25), &h).unwrap();
    let on_a02 = devices::list(w.a02.store.conn()).unwrap();
    assert!(on_a02
        .iter()
        .any(|d| d.device_code == "V03" && d.revoked_at.is_some()));
    let err = w
        .a02
        .import("qian", t(23, 14, 30), &later)
        .unwrap_err()
        .to_string();
    assert!(err.contains("吊销"), "{err}");

    // The laptop joins again as a new device with a new key, under its code.
    let back = w
        .hub
        .export("wang", t(23, 15, 0), w.usb.path(), Some("V03"));
    let (mut v03b, line) = join_from(&back, "V03", DeviceRole::Agent, t(23, 15, 5));
    trust(&mut w.hub, &line, t(23, 15, 10));
    let n = v03b.intake("zhao", t(23, 15, 20), 23);
    let b = v03b.export("zhao", t(23, 15, 30), w.usb.path(), None);
    w.hub.import("wang", t(23, 15, 40), &b).unwrap();
    assert_eq!(w.hub.case_state(&n), "agent_taken");
}

#[test]
fn a_cases_history_reads_the_same_on_every_device_with_the_refused_step_marked() {
    let w = world();
    let logs: Vec<serde_json::Value> = [&w.hub, &w.a02, &w.v03]
        .iter()
        .map(|d| {
            serde_json::to_value(
                bianmin::lifecycle::timeline::of_case(d.store.conn(), &w.x).unwrap(),
            )
            .unwrap()
        })
        .collect();
    assert_eq!(logs[0], logs[1], "hub and A02 differ");
    assert_eq!(logs[0], logs[2], "hub and V03 differ");
    // X: received at the hub, withdrawn at A02 (10:30), and the hub's
    // assign and completion (10:45, 11:00) refused and marked.
    let entries = logs[0].as_array().unwrap();
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    let withdrawn = kinds.iter().position(|k| *k == "case.withdrawn").unwrap();
    let completed = kinds.iter().position(|k| *k == "case.completed").unwrap();
    assert!(withdrawn < completed, "{kinds:?}");
    assert_eq!(kinds[0], "case.received", "{kinds:?}");
    let marked: Vec<&serde_json::Value> =
        entries.iter().filter(|e| !e["refused"].is_null()).collect();
    assert_eq!(marked.len(), 2, "{entries:?}");
    for e in marked {
        let label = e["refused"].as_str().unwrap();
        assert!(label.starts_with("未生效（与 A02 的撤回冲突"), "{label}");
    }
    assert!(entries[withdrawn]["refused"].is_null());
}

// ------------------------------------------------------------- encryption

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_lost_stick_shows_no_applicant_and_only_the_destination_opens_a_batch() {
    let mut w = world();
    let case_no = w.a02.intake("qian", t(23, 12, 20), 21);
    let to_hub = w.a02.export("qian", t(23, 12, 25), w.usb.path(), None);
    // Neither the file nor any member, unpacked, shows the applicant.
    let shows_nobody = |b: &Path| {
        let mut texts = vec![std::fs::read(b).unwrap()];
        texts.extend(members(b).into_iter().map(|(_, data)| data));
        let names: Vec<String> = members(b).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["envelope.json", "envelope.sig", "payload.bin"]);
        for bytes in &texts {
            for clear in ["张三", &id(21), &id(1), "13905341234", "杨庄村", &case_no] {
                assert!(!holds(bytes, clear), "{} shows {clear}", b.display());
            }
        }
    };
    shows_nobody(&to_hub);
    // A02's batch is for the hub: V03's key does not open it, and neither
    // does none at all (an observer's, or no key but a code).
    refused(
        &mut w.v03,
        &to_hub,
        "第 4 步 核对签名：该批次是加密发给中心的，本机（V03）不是收件设备",
    );
    for trust in [
        Trust::Registered,
        Trust::Joining {
            fingerprint: None,
            code: Some("ABCD-EFGH-JKMN-PQRS"),
        },
    ] {
        let (obs, _) = join_from(&w.observer_join, "A09", DeviceRole::Counter, t(23, 13, 0));
        assert!(envelope::unseal(obs.store.conn(), "b.bmb", &to_hub, None, trust).is_err());
    }
    // The hub opens it, with the case.
    w.hub.import("wang", t(23, 12, 33), &to_hub).unwrap();
    assert_eq!(w.hub.case_state(&case_no), "accepted");
    // The hub's batch for V03 carries the case on: A02 cannot open it and
    // nothing changes; V03 can.
    let to_v03 = w
        .hub
        .export("wang", t(23, 12, 36), w.usb.path(), Some("V03"));
    shows_nobody(&to_v03);
    refused(
        &mut w.a02,
        &to_v03,
        "第 4 步 核对签名：该批次是加密发给设备 V03的，本机（A02）不是收件设备",
    );
    w.v03.import("zhao", t(23, 12, 41), &to_v03).unwrap();
    assert_eq!(w.v03.case_state(&case_no), "accepted");

    // Each envelope member changed is refused at its own check.
    let dir = w.usb.path().join("bad-envelope");
    std::fs::create_dir(&dir).unwrap();
    w.a02.intake("qian", t(23, 13, 35), 22);
    let to_hub = w.a02.export("qian", t(23, 13, 40), w.usb.path(), None);
    for (name, path) in each_member_flipped(&to_hub, &dir, "envelope.json") {
        let expect = match name.as_str() {
            "payload.bin" => "第 5 步 核对文件校验值",
            _ => "第 4 步 核对签名",
        };
        refused(&mut w.hub, &path, expect);
    }
    w.hub.import("wang", t(23, 13, 46), &to_hub).unwrap();
}

#[test]
fn a_join_batch_opens_only_with_its_code() {
    let mut h = hub();
    h.intake("li", t(23, 9, 0), 31);
    let usb = tempfile::tempdir().unwrap();
    let b = h.export("wang", t(23, 9, 10), usb.path(), Some("A05"));
    let code = join_code_of(&b).expect("a join batch shows its code");
    assert!(!holds(&std::fs::read(&b).unwrap(), "张三"));
    assert!(!holds(&std::fs::read(&b).unwrap(), &code.replace('-', "")));
    for (given, expect) in [
        (None, "请输入中心电脑导出时显示的加入口令"),
        (Some("ABCD-EFGH-JKMN-PQRS"), "加入口令不对"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("a05.db")).unwrap();
        let err = join::join(
            &mut store,
            t(23, 9, 20),
            &JoinInput {
                device_code: "A05".into(),
                role: DeviceRole::Counter,
                fingerprint: None,
                join_code: given.map(str::to_owned),
            },
            &b,
            &mut quiet(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(expect), "{err}");
        assert!(bianmin::store::device::load(store.conn()).is_err());
    }
    // Typed loosely (lower case, spaces for dashes), it opens.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("a05.db")).unwrap();
    join::join(
        &mut store,
        t(23, 9, 20),
        &JoinInput {
            device_code: "A05".into(),
            role: DeviceRole::Counter,
            fingerprint: None,
            join_code: Some(code.to_lowercase().replace('-', " ")),
        },
        &b,
        &mut quiet(),
    )
    .unwrap();
}

#[test]
fn a_tolerated_material_supplied_at_two_windows_converges_with_the_second_flagged() {
    let usb = tempfile::tempdir().unwrap();
    let u = usb.path();
    let mut hub = hub();
    let wang = hub.login("wang");
    let profile = bianmin::center::load(hub.store.conn()).unwrap();
    bianmin::center::set(
        &mut hub.store,
        &wang,
        t(23, 8, 5),
        bianmin::center::CenterProfile {
            address: "新湖街道湖滨北大道18号".into(),
            phone: "0534-2688123".into(),
            tolerance_allowed: true,
            ..profile
        },
    )
    .unwrap();
    let h_a02 = hub.export("wang", t(23, 8, 10), u, Some("A02"));
    let (mut a02, a02_line) = join_from(&h_a02, "A02", DeviceRole::Counter, t(23, 8, 20));
    trust(&mut hub, &a02_line, t(23, 8, 30));
    let li = hub.login("li");
    let mut app = application("RS-002", person("刘桂英", 9), &["1", "3"]);
    app.tolerate = true;
    let r = intake::record(&mut hub.store, &li, t(23, 9, 0), app).unwrap();
    assert_eq!(r.tolerated.len(), 2);
    let no = r.case_no;
    let to_a02 = hub.export("wang", t(23, 9, 10), u, Some("A02"));
    a02.import("qian", t(23, 9, 15), &to_a02).unwrap();
    // The 户口簿 is handed in at A02 at 10:00; at the hub, unaware, at
    // 10:05 — and the 社会保障卡 at the hub at 10:06.
    let supply = |d: &mut Device, user: &str, at, material: &str| {
        d.step(
            user,
            at,
            &no,
            StepRequest::Supply {
                material: material.into(),
            },
        )
        .unwrap()
    };
    supply(&mut a02, "qian", t(23, 10, 0), "户口簿");
    supply(&mut hub, "li", t(23, 10, 5), "户口簿");
    supply(&mut hub, "li", t(23, 10, 6), "社会保障卡");
    let back = a02.export("qian", t(23, 10, 30), u, None);
    hub.import("wang", t(23, 10, 35), &back).unwrap();
    let again = hub.export("wang", t(23, 10, 40), u, Some("A02"));
    a02.import("qian", t(23, 10, 45), &again).unwrap();
    assert_eq!(hub.dump(), a02.dump(), "A02 differs from the hub");
    let conflicts = import::conflicts(hub.store.conn()).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].device_code, "A01");
    let supplied_at_a02: String = hub
        .store
        .conn()
        .query_row(
            "SELECT m.supplied_by FROM case_materials m JOIN cases c USING (case_id)
             WHERE c.case_no = ?1 AND m.name = '户口簿'",
            [&no],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(supplied_at_a02, a02.login("qian").user_id);
    // Nothing outstanding on either: the case may now be approved.
    hub.step(
        "li",
        t(23, 11, 0),
        &no,
        StepRequest::Complete {
            result: "approve".into(),
            reason: None,
        },
    )
    .unwrap();
}

#[test]
fn a_check_recorded_at_two_windows_converges_on_the_first() {
    let usb = tempfile::tempdir().unwrap();
    let u = usb.path();
    let mut hub = hub();
    let h_a02 = hub.export("wang", t(23, 8, 10), u, Some("A02"));
    let (mut a02, a02_line) = join_from(&h_a02, "A02", DeviceRole::Counter, t(23, 8, 20));
    trust(&mut hub, &a02_line, t(23, 8, 30));
    let li = hub.login("li");
    let mut app = application("MZ-003", person("赵秀芝", 9), &["1", "2", "3", "5"]);
    app.promised = vec!["4".into()];
    let no = intake::record(&mut hub.store, &li, t(23, 9, 0), app)
        .unwrap()
        .case_no;
    let to_a02 = hub.export("wang", t(23, 9, 10), u, Some("A02"));
    a02.import("qian", t(23, 9, 15), &to_a02).unwrap();
    // A02 finds the promise true at 10:00; the hub's manager, unaware,
    // revokes the case at 10:05: the first stands, the revocation is flagged.
    a02.step(
        "qian",
        t(23, 10, 0),
        &no,
        StepRequest::Verify {
            note: Some("村委会证实".into()),
        },
    )
    .unwrap();
    hub.step(
        "wang",
        t(23, 10, 5),
        &no,
        StepRequest::Revoke {
            reason: "承诺不实".into(),
        },
    )
    .unwrap();
    assert_eq!(hub.case_state(&no), "revoked");
    let back = a02.export("qian", t(23, 10, 30), u, None);
    hub.import("wang", t(23, 10, 35), &back).unwrap();
    let again = hub.export("wang", t(23, 10, 40), u, Some("A02"));
    a02.import("qian", t(23, 10, 45), &again).unwrap();
    assert_eq!(hub.dump(), a02.dump(), "A02 differs from the hub");
    assert_eq!(hub.case_state(&no), "accepted");
    let conflicts = import::conflicts(hub.store.conn()).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert!(
        conflicts[0].reason.contains("没有待核查"),
        "{}",
        conflicts[0].reason
    );
}

fn kept_files(d: &Device) -> i64 {
    d.store
        .conn()
        .query_row("SELECT count(*) FROM scan_files", [], |r| r.get(0))
        .unwrap()
}

/// Counter A02 joined to a fresh hub, two cases with scans: the same PNG
/// on case 1 line 1 and case 2 line 1, a PDF (marked `PDF-MARKER-1`, and
/// over one encryption chunk) on case 1 line 2; and A02's batch.
struct Scanned {
    usb: tempfile::TempDir,
    hub: Device,
    a02: Device,
    cases: [String; 2],
    png: Vec<u8>,
    pdf: Vec<u8>,
    batch: PathBuf,
}

fn scanned() -> Scanned {
    let usb = tempfile::tempdir().unwrap();
    let u = usb.path();
    let mut hub = hub();
    let h_a02 = hub.export("wang", t(23, 8, 10), u, Some("A02"));
    let (mut a02, a02_line) = join_from(&h_a02, "A02", DeviceRole::Counter, t(23, 8, 20));
    trust(&mut hub, &a02_line, t(23, 8, 30));
    let cases = [
        a02.intake("qian", t(23, 9, 0), 2),
        a02.intake("qian", t(23, 9, 1), 3),
    ];
    let qian = a02.login("qian");
    let png = png(640, 480);
    let mut pdf = b"%PDF-1.4\n% PDF-MARKER-1\n".to_vec();
    pdf.extend((0..150_000).map(|i| b"0123456789\n"[i % 11]));
    pdf.extend_from_slice(b"\n%%EOF\n");
    for (case, line, name, bytes) in [
        (&cases[0], 1, "身份证.png", &png),
        (&cases[0], 2, "户口簿.pdf", &pdf),
        (&cases[1], 1, "身份证（同一张）.png", &png),
    ] {
        bianmin::scans::attach_bytes(&mut a02.store, &qian, t(23, 9, 5), case, line, name, bytes)
            .unwrap();
    }
    let batch = a02.export("qian", t(23, 9, 30), u, None);
    Scanned {
        usb,
        hub,
        a02,
        cases,
        png,
        pdf,
        batch,
    }
}

#[test]
fn scanned_files_travel_sealed_once_each_and_open_at_the_hub() {
    let mut s = scanned();
    // Each file once, beside the payload, never in clear on the stick.
    let names: Vec<String> = members(&s.batch).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names.iter().filter(|n| n.starts_with("scans/")).count(),
        2,
        "{names:?}"
    );
    let raw = std::fs::read(&s.batch).unwrap();
    assert!(!holds(&raw, "PDF-MARKER-1"));
    assert!(!raw.windows(4).any(|w| w == b"IHDR"), "the PNG is in clear");
    // The hub keeps both, checked, with the image's thumbnail.
    let r = s.hub.import("wang", t(23, 9, 40), &s.batch).unwrap();
    assert_eq!(r.scans, 2, "{r:?}");
    assert_eq!(kept_files(&s.hub), 2);
    let lines = bianmin::scans::list(s.hub.store.conn(), &s.cases[0]).unwrap();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.here), "{lines:?}");
    for (line, want) in lines.iter().zip([&s.png, &s.pdf]) {
        let (_, got) =
            bianmin::scans::content_of(s.hub.store.conn(), &s.cases[0], &line.sha256).unwrap();
        assert_eq!(&got, want, "{}", line.file_name);
    }
    let thumb =
        bianmin::scans::thumbnail_of(s.hub.store.conn(), &s.cases[0], &lines[0].sha256).unwrap();
    let thumb = image::load_from_memory(&thumb.expect("a thumbnail")).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (240, 180));
    let second = bianmin::scans::list(s.hub.store.conn(), &s.cases[1]).unwrap();
    assert!(second[0].here);
    // The hub passes them on to a device that joins later: V03 gets the
    // files from the hub, not from A02.
    let h_v03 = s
        .hub
        .export("wang", t(23, 10, 0), s.usb.path(), Some("V03"));
    let (v03, _) = join_from(&h_v03, "V03", DeviceRole::Agent, t(23, 10, 5));
    assert_eq!(kept_files(&v03), 2);
    assert!(bianmin::scans::list(v03.store.conn(), &s.cases[1]).unwrap()[0].here);
    // A later batch of A02 with no new scan carries none again.
    s.a02.intake("qian", t(23, 11, 0), 4);
    let next = s.a02.export("qian", t(23, 11, 5), s.usb.path(), None);
    assert!(members(&next).iter().all(|(n, _)| !n.starts_with("scans/")));
}

#[test]
fn a_missing_extra_or_altered_scan_refuses_the_batch_at_check_8_and_changes_nothing() {
    let mut s = scanned();
    let dir = s.usb.path().join("bad");
    std::fs::create_dir(&dir).unwrap();
    let original = members(&s.batch);
    let scan_at: Vec<usize> = original
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n.starts_with("scans/"))
        .map(|(i, _)| i)
        .collect();
    let with = |name: &str, change: &dyn Fn(&mut Members)| {
        let mut m = original.clone();
        change(&mut m);
        let path = dir.join(name);
        rezip(&path, &m);
        path
    };
    // One bit of a file changed.
    let altered = with("altered.bmb", &|m| {
        let data = &mut m[scan_at[1]].1;
        let mid = data.len() / 2;
        data[mid] ^= 0x01;
    });
    // A file cut short.
    let cut = with("cut.bmb", &|m| {
        let data = &mut m[scan_at[1]].1;
        data.truncate(data.len() - 100);
    });
    // A file taken out.
    let missing = with("missing.bmb", &|m| {
        m.remove(scan_at[0]);
    });
    // A file the manifest does not list slipped in.
    let extra = with("extra.bmb", &|m| {
        let data = m[scan_at[0]].1.clone();
        m.push((format!("scans/{}", "ab".repeat(32)), data));
    });
    // Two files' contents swapped under each other's names.
    let swapped = with("swapped.bmb", &|m| {
        let (a, b) = (m[scan_at[0]].1.clone(), m[scan_at[1]].1.clone());
        m[scan_at[0]].1 = b;
        m[scan_at[1]].1 = a;
    });
    for (path, expect) in [
        (&altered, "第 8 步 核对扫描件：扫描件“"),
        (&cut, "第 8 步 核对扫描件：扫描件“"),
        (&missing, "第 8 步 核对扫描件：批次说明列出的扫描件“"),
        (
            &extra,
            "第 8 步 核对扫描件：批次中的扫描件 abababababab 没有列在批次说明中",
        ),
        (&swapped, "第 8 步 核对扫描件：扫描件“"),
    ] {
        let before = (s.hub.state(), kept_files(&s.hub));
        let err = s
            .hub
            .import("wang", t(23, 9, 40), path)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expect), "expected “{expect}” in: {err}");
        assert_eq!(
            (s.hub.state(), kept_files(&s.hub)),
            before,
            "a refused import changed the hub"
        );
    }
    // The altered file is named as the clerk attached it.
    let err = s
        .hub
        .import("wang", t(23, 9, 40), &altered)
        .unwrap_err()
        .to_string();
    assert!(err.contains(".pdf”") || err.contains(".png”"), "{err}");
    // The batch itself still imports whole.
    s.hub.import("wang", t(23, 9, 45), &s.batch).unwrap();
    assert_eq!(kept_files(&s.hub), 2);
}

#[test]
fn a_scan_whose_file_never_reached_the_writer_is_named_where_it_is() {
    let mut s = scanned();
    s.hub.import("wang", t(23, 9, 40), &s.batch).unwrap();
    // The hub lost its copy (a restore from before it came): its batch to
    // a new device names the scans, carries none, and says where they are.
    s.hub
        .store
        .conn()
        .execute("DELETE FROM scan_files", [])
        .unwrap();
    let h_v03 = s
        .hub
        .export("wang", t(23, 10, 0), s.usb.path(), Some("V03"));
    assert!(members(&h_v03)
        .iter()
        .all(|(n, _)| !n.starts_with("scans/")));
    let (v03, _) = join_from(&h_v03, "V03", DeviceRole::Agent, t(23, 10, 5));
    let lines = bianmin::scans::list(v03.store.conn(), &s.cases[0]).unwrap();
    assert!(
        lines.iter().all(|l| !l.here && l.device_code == "A02"),
        "{lines:?}"
    );
    let err = bianmin::scans::content_of(v03.store.conn(), &s.cases[0], &lines[0].sha256)
        .unwrap_err()
        .to_string();
    assert!(err.contains("A02"), "{err}");
    // On A02 itself the files are there.
    assert!(bianmin::scans::list(s.a02.store.conn(), &s.cases[0])
        .unwrap()
        .iter()
        .all(|l| l.here));
}
