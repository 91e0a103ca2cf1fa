//! One owner for every rule: what the window and the command line both do
//! is one core function with the same defaults and refusals. Each test here
//! pins a rule that had drifted between them (or whose error said the wrong
//! thing), through the binary where the CLI was the one that drifted.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use bianmin::intake::papers::{self, Source};
use bianmin::lifecycle::deadline::{self, Light};
use bianmin::service::consultation::{self, Channel, Enquiry};
use bianmin::service::evaluation::{SamplePeriod, SAMPLE_DAYS};
use bianmin::store::device::DeviceRole;
use chrono::NaiveDate;
use serde_json::Value;

use common::bin::{add_user, init_center, run};
use common::{application, center, monday, person, snapshot};

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn center_db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a01.db");
    init_center(&path, &[]);
    add_user(&path, "clerk", "王芳", "0102", "clerk", "clerk-pass");
    add_user(&path, "boss", "张丽", "0101", "manager", "boss-pass");
    Db { _dir: dir, path }
}

fn clerk(db: &Db, args: &[&str]) -> Output {
    run(
        &db.path,
        &[&["--json", "--user", "clerk"][..], args].concat(),
        Some("clerk-pass"),
    )
}

fn boss(db: &Db, args: &[&str]) -> Output {
    run(
        &db.path,
        &[&["--json", "--user", "boss"][..], args].concat(),
        Some("boss-pass"),
    )
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// How many events the database holds (read with plain SQLite).
fn events(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

fn intake_args<'a>(id: &'a str, name: &'a str) -> Vec<&'a str> {
    vec![
        "intake",
        "--matter",
        "MZ-005",
        "--name",
        name,
        "--id-number",
        id,
        "--phone",
        "13905341234",
        "--address",
        "杨庄村",
        "--provided",
        "1,2,3,5",
    ]
}

#[test]
fn joining_a_center_as_a_hub_is_refused_by_the_core_from_the_cli_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let out = run(
        &db,
        &[
            "init",
            "--device-code",
            "A09",
            "--role",
            "hub",
            "--join",
            dir.path().join("hub.bmb").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("中心汇总电脑只能在新建服务中心时设置"),
        "{err}"
    );
    // The core refuses it before reading any batch, for every entry point.
    let mut store = bianmin::store::Store::open(&dir.path().join("core.db")).unwrap();
    let input = bianmin::exchange::join::JoinInput {
        device_code: "A09".into(),
        role: DeviceRole::Hub,
        fingerprint: None,
        join_code: None,
    };
    let e = bianmin::exchange::join::join(
        &mut store,
        monday(),
        &input,
        &dir.path().join("hub.bmb"),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            bianmin::Error::Exchange(bianmin::exchange::ExchangeError::JoinAsHub)
        ),
        "{e}"
    );
}

#[test]
fn a_follow_up_without_a_limit_gets_the_cores_working_days_everywhere() {
    let mut c = center();
    let saved = consultation::record(
        &mut c.store,
        &c.clerk,
        monday(),
        Channel::WalkIn,
        Enquiry {
            question: "高龄津贴何时发放？".into(),
            answer: "须民政办答复".into(),
            follow_up_department: Some("民政办".into()),
            ..Enquiry::default()
        },
    )
    .unwrap();
    let cal = bianmin::calendar::schedule::load(c.store.conn()).unwrap();
    let expected = cal
        .add_working_days(
            monday().date_naive(),
            i64::from(consultation::FOLLOW_UP_DAYS),
        )
        .unwrap();
    assert_eq!(saved.follow_up_due, Some(expected));

    // The CLI, run today, gives the same limit as the calendar says.
    let db = center_db();
    let q = stdout_json(&clerk(
        &db,
        &[
            "consult",
            "add",
            "--question",
            "高龄津贴何时发放？",
            "--answer",
            "须民政办答复",
            "--follow-up",
            "民政办",
        ],
    ));
    let today = chrono::Local::now().date_naive().to_string();
    let days = consultation::FOLLOW_UP_DAYS.to_string();
    let due = run(
        &db.path,
        &[
            "--json", "calendar", "due", "--from", &today, "--days", &days,
        ],
        None,
    );
    let due: Value = stdout_json(&due);
    assert_eq!(q["follow_up_due"], due["due"], "{q} {due}");
}

#[test]
fn a_paper_that_cannot_be_written_leaves_the_case_and_records_no_print() {
    let db = center_db();
    // A folder that cannot be made: its parent is a file.
    let blocker = db.path.with_file_name("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let into = blocker.join("papers");
    let id = common::id(3);
    let mut args = intake_args(&id, "刘桂英");
    args.extend(["--print", into.to_str().unwrap()]);
    let out = clerk(&db, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("已受理并保存") && err.contains("补打"),
        "{err}"
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    let case_no = shown["case_no"].as_str().unwrap().to_owned();
    assert!(shown["print_error"].is_string(), "{shown}");
    assert_eq!(shown["documents"].as_array().unwrap().len(), 0);
    // The case stands; its log shows no print.
    let log = stdout_json(&clerk(&db, &["log", &case_no]));
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["case.received"], "{log}");

    // A reprint to a file that cannot be written records nothing either,
    // so the next real print is the first, not 补打.
    let before = events(&db.path);
    let bad = blocker.join("r.pdf");
    let out = clerk(
        &db,
        &["doc", "receipt", &case_no, "--out", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(events(&db.path), before);
    let good = db.path.with_file_name("r.pdf");
    let w = stdout_json(&clerk(
        &db,
        &["doc", "receipt", &case_no, "--out", good.to_str().unwrap()],
    ));
    assert_eq!(w["copy"], 1, "{w}");
    assert!(good.exists());
}

#[test]
fn the_window_and_the_cli_name_their_papers_the_same_way_through_one_core_call() {
    let mut c = center();
    let dir = c.dir.path().join("papers");
    let done = papers::take_in(
        &mut c.store,
        &c.clerk,
        monday(),
        Source::Counter,
        application("MZ-005", person("刘桂英", 4), &["1", "2", "3", "5"]),
        Some(&dir),
    )
    .unwrap();
    assert!(done.print_error.is_none());
    let names: Vec<String> = done
        .documents
        .iter()
        .map(|w| {
            Path::new(&w.path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let no = &done.result.case_no;
    assert_eq!(
        names,
        [format!("{no}-receipt.pdf"), format!("{no}-notice.pdf")]
    );
    for w in &done.documents {
        assert!(Path::new(&w.path).is_file(), "{}", w.path);
    }
}

#[test]
fn a_name_the_fonts_cannot_print_is_refused_at_intake_with_or_without_printing() {
    let db = center_db();
    let id = common::id(5);
    let before = events(&db.path);
    let out = clerk(&db, &intake_args(&id, "张👨"));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("U+1F468"), "{err}");
    assert_eq!(events(&db.path), before, "nothing recorded");
}

#[test]
fn a_mistyped_rectify_or_followup_word_is_a_usage_error_and_writes_nothing() {
    let db = center_db();
    let before = events(&db.path);
    for args in [
        &["followup", "recrod", "X"][..],
        &["followup"][..],
        &["rectify", "colse", "X"][..],
        &["rectify", "close", "X"][..],
    ] {
        let out = boss(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(events(&db.path), before);
}

#[test]
fn a_follow_up_sample_looks_back_the_cores_days_unless_told() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let p = SamplePeriod::of(today, None, None);
    assert_eq!(p.to, today);
    assert_eq!((p.to - p.from).num_days(), SAMPLE_DAYS);
    let from = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    assert_eq!(SamplePeriod::of(today, Some(from), None).from, from);
}

#[test]
fn the_workbench_order_is_the_cores_red_then_yellow_then_green_then_paused() {
    let mut c = center();
    // Four cases taken in on four days, so that on the day looked at they
    // stand red, yellow and green; a fifth is suspended.
    let days = [(2026, 11, 2), (2026, 11, 16), (2026, 11, 23), (2026, 11, 9)];
    let mut nos = Vec::new();
    for (i, (y, m, d)) in days.into_iter().enumerate() {
        let r = bianmin::intake::record(
            &mut c.store,
            &c.clerk,
            common::at(y, m, d),
            application(
                "MZ-005",
                person("刘桂英", 10 + i as u32),
                &["1", "2", "3", "5"],
            ),
        )
        .unwrap();
        nos.push(r.case_no);
    }
    let paused = &nos[3];
    bianmin::lifecycle::handling::assign(
        &mut c.store,
        &c.clerk,
        common::at(2026, 11, 9),
        paused,
        "clerk",
        None,
    )
    .unwrap();
    bianmin::lifecycle::handling::suspend(
        &mut c.store,
        &c.clerk,
        common::at(2026, 11, 9),
        paused,
        bianmin::lifecycle::handling::SuspendKind::Supplement,
        "缺户口簿",
    )
    .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let w = deadline::workbench(c.store.conn(), today).unwrap();
    let lights: Vec<Light> = w.watched.iter().map(|x| x.standing.light).collect();
    let mut sorted = lights.clone();
    sorted.sort_by_key(|l| match l {
        Light::Red => 0,
        Light::Yellow => 1,
        Light::Green => 2,
        Light::Paused => 3,
    });
    assert_eq!(lights, sorted, "{lights:?}");
    assert_eq!(lights.last(), Some(&Light::Paused));
    assert_eq!(w.watched.last().unwrap().case.case_no, *paused);
    assert_eq!(w.open_cases, 4);
    assert_eq!(
        w.red,
        lights.iter().filter(|l| **l == Light::Red).count(),
        "{lights:?}"
    );
    for pair in w.watched.windows(2) {
        assert!(deadline::urgency(&pair[0]) <= deadline::urgency(&pair[1]));
    }
}

#[test]
fn input_refusals_say_what_is_wrong_not_that_a_file_could_not_be_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let init = |center_name: &str, role: &str| {
        let args = [
            "init",
            "--center-code",
            "371402101",
            "--center-name",
            center_name,
            "--device-code",
            "A01",
            "--admin",
            "admin",
            "--admin-password",
            "admin-pass",
            "--role",
            role,
        ];
        run(&db, &args, None)
    };
    let out = init(" ", "counter");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("设备信息不对：服务中心名称不能为空"), "{err}");
    assert!(!err.contains("无法打开数据库文件"), "{err}");
    let out = init("新湖街道便民服务中心", "laptop");
    let err = stderr(&out);
    assert!(
        err.contains("“laptop”不是有效的设备类型") && !err.contains("无法打开"),
        "{err}"
    );
    // The parsers say it themselves, for the window and the CLI alike.
    assert_eq!(
        DeviceRole::parse("laptop").unwrap_err().to_string(),
        "“laptop”不是有效的设备类型，可选：counter（窗口电脑）、agent（村代办员电脑）、hub（中心汇总电脑）"
    );
    assert!(Light::parse("purple")
        .unwrap_err()
        .to_string()
        .contains("未知的到期状态“purple”"));
    assert_eq!(Light::parse_filter("全部").unwrap(), None);
    let e = bianmin::lifecycle::State::parse("lost")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("办件状态“lost”无法识别") && !e.contains("不存在"),
        "{e}"
    );
}

#[test]
fn an_unreadable_stored_state_is_named_as_such_not_as_a_missing_case() {
    let mut c = center();
    let r = bianmin::intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("刘桂英", 20), &["1", "2", "3", "5"]),
    )
    .unwrap();
    c.store
        .conn()
        .execute(
            "UPDATE cases SET state = 'lost' WHERE case_no = ?1",
            [&r.case_no],
        )
        .unwrap();
    let before = snapshot(&c.store);
    let e = bianmin::lifecycle::handling::assign(
        &mut c.store,
        &c.clerk,
        monday(),
        &r.case_no,
        "clerk",
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("“lost”无法识别"), "{e}");
    assert_eq!(snapshot(&c.store), before);
}
