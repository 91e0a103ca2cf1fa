//! The `bianmin` binary as a script or an administrator uses it: exit
//! codes, Chinese messages on stderr, `--json` output.

mod common;

use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;

use common::bin::{add_user, init_center, run, run_with};

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn refused(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected a refusal: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

fn initialized() -> Db {
    initialized_with(&[])
}

/// A set-up device, with `extra` arguments to `init` (`--encrypt`).
fn initialized_with(extra: &[&str]) -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a01.db");
    init_center(&path, extra);
    add_user(&path, "clerk", "王芳", "0102", "clerk", "clerk-pass");
    add_user(&path, "boss", "张丽", "0101", "manager", "boss-pass");
    Db { _dir: dir, path }
}

fn intake(db: &Db, extra: &[&str]) -> Output {
    let id = common::id(1);
    let mut args = vec![
        "--json",
        "--user",
        "clerk",
        "intake",
        "--name",
        "刘桂英",
        "--id-number",
        &id,
        "--phone",
        "13905341234",
        "--address",
        "杨庄村",
    ];
    args.extend_from_slice(extra);
    run(&db.path, &args, Some("clerk-pass"))
}

#[test]
fn calendar_due_prints_the_issue_example() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &dir.path().join("none.db"),
        &["calendar", "due", "--from", "2026-09-30", "--days", "5"],
        None,
    );
    assert_eq!(ok(&out).trim(), "2026-10-13");
    let out = run(
        &dir.path().join("none.db"),
        &[
            "--json",
            "calendar",
            "due",
            "--from",
            "2026-12-31",
            "--days",
            "1",
        ],
        None,
    );
    assert!(refused(&out).contains("2027"));
}

#[test]
fn a_provisional_year_is_shown_then_loaded_by_a_manager_only() {
    let db = initialized();
    let shown = json(&run(
        &db.path,
        &["--json", "calendar", "provisional", "2027"],
        None,
    ));
    assert_eq!(shown["provisional"], true);
    assert_eq!(shown["holidays"][1]["name"], "春节");
    assert_eq!(shown["holidays"][1]["from"], "2027-02-05");
    let err = refused(&run(
        &db.path,
        &[
            "--user",
            "clerk",
            "calendar",
            "provisional",
            "2027",
            "--apply",
        ],
        Some("clerk-pass"),
    ));
    assert!(err.contains("中心负责人"), "{err}");
    let loaded = json(&run(
        &db.path,
        &[
            "--json",
            "--user",
            "boss",
            "calendar",
            "provisional",
            "2027",
            "--apply",
        ],
        Some("boss-pass"),
    ));
    assert_eq!(loaded["provisional"], true);
    assert_eq!(loaded["moved"], serde_json::json!([]));
    let years = ok(&run(&db.path, &["calendar", "show"], None));
    assert!(years.contains("2027 年（暂定）"), "{years}");
}

#[test]
fn a_stand_in_is_set_and_ended_early_by_a_manager() {
    let db = initialized();
    let today = chrono::Local::now().date_naive();
    let from = (today - chrono::Duration::days(2)).to_string();
    let to = (today + chrono::Duration::days(5)).to_string();
    let manager = |args: &[&str]| {
        let mut all = vec![
            "--user",
            "boss",
            "standin",
            "--absent",
            "clerk",
            "--stand-in",
            "boss",
        ];
        all.extend_from_slice(args);
        run(&db.path, &all, Some("boss-pass"))
    };
    let usage = manager(&["--from", &from]);
    assert_eq!(usage.status.code(), Some(2), "a usage error");
    let err = String::from_utf8_lossy(&usage.stderr);
    assert!(err.contains("--to"), "an end date or --end: {err}");
    ok(&manager(&["--from", &from, "--to", &to]));
    let ended = ok(&manager(&["--from", &from, "--end"]));
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    assert!(ended.contains(&yesterday), "{ended}");
    let err = refused(&manager(&["--from", &from, "--end"]));
    assert!(err.contains("已于"), "{err}");
}

#[test]
fn idcheck_explains_valid_and_invalid_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let out = ok(&run(&db, &["idcheck", "11010519491231002x"], None));
    assert!(
        out.contains("有效：11010519491231002X")
            && out.contains("1949年12月31日")
            && out.contains("女"),
        "{out}"
    );
    let err = refused(&run(&db, &["idcheck", "110105194912310021"], None));
    assert!(
        err.contains("未通过校验") && err.contains("逐位核对"),
        "{err}"
    );
    assert!(!err.contains("应为"), "no digit is suggested: {err}");
    let err = refused(&run(&db, &["idcheck", "1101051949"], None));
    assert!(err.contains("18 位"), "{err}");
}

#[test]
fn each_intake_outcome_through_the_binary() {
    let db = initialized();
    let v = json(&intake(
        &db,
        &["--matter", "MZ-005", "--provided", "1,2,3,5"],
    ));
    assert_eq!(v["outcome"], "accepted");
    let case_no = v["case_no"].as_str().unwrap().to_owned();
    assert!(
        case_no.starts_with("371402101-") && case_no.contains("-A01-0001"),
        "{case_no}"
    );
    assert!(v["due_date"].is_string());
    let v = json(&intake(
        &db,
        &["--matter", "MZ-001", "--provided", "2", "--provided", "3"],
    ));
    assert_eq!(v["outcome"], "notice");
    let missing: Vec<&str> = v["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        missing,
        [
            "最低生活保障申请书",
            "家庭收入和财产状况声明",
            "家庭经济状况核对授权书",
            "银行账户"
        ]
    );
    let v = json(&intake(
        &db,
        &["--matter", "ZJ-001", "--refuse", "非本集体经济组织成员"],
    ));
    assert_eq!(v["outcome"], "refused");
    assert!(v["legal_basis"].as_str().unwrap().contains("土地管理法"));
    let v = json(&intake(
        &db,
        &[
            "--matter",
            "MZ-006",
            "--provided",
            "居民身份证,近期免冠一寸照片",
        ],
    ));
    assert_eq!(v["outcome"], "on_the_spot");
    // Human output of the case and the search.
    let shown = ok(&run(
        &db.path,
        &["--user", "clerk", "case", &case_no],
        Some("clerk-pass"),
    ));
    assert!(
        shown.contains("刘桂英")
            && shown.contains("高龄津贴申请")
            && shown.contains("case.received"),
        "{shown}"
    );
    let found: Value = serde_json::from_str(&ok(&run(
        &db.path,
        &["--json", "cases", "--search", "刘桂英"],
        None,
    )))
    .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 4);
    let verify = ok(&run(&db.path, &["verify"], None));
    assert!(verify.contains("哈希链完整"), "{verify}");
}

#[test]
fn refusals_exit_1_with_a_chinese_message_and_write_nothing() {
    let db = initialized();
    let count = || -> i64 {
        rusqlite::Connection::open(&db.path)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM events WHERE kind NOT LIKE 'auth.%'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = count();
    let bad_id = run(
        &db.path,
        &[
            "--user",
            "clerk",
            "intake",
            "--matter",
            "MZ-005",
            "--name",
            "刘",
            "--id-number",
            "110105194912310021",
            "--phone",
            "13905341234",
            "--address",
            "x",
            "--provided",
            "1,2,3,5",
        ],
        Some("clerk-pass"),
    );
    assert!(refused(&bad_id).contains("未通过校验"));
    let out = run(
        &db.path,
        &[
            "--user",
            "clerk",
            "intake",
            "--matter",
            "MZ-005",
            "--name",
            "刘",
            "--id-number",
            "11010519491231002X",
            "--phone",
            "1",
            "--address",
            "x",
        ],
        Some("wrong"),
    );
    assert!(refused(&out).contains("用户名或密码错误"));
    let out = run(
        &db.path,
        &[
            "intake",
            "--matter",
            "MZ-005",
            "--name",
            "刘",
            "--id-number",
            "11010519491231002X",
            "--phone",
            "1",
            "--address",
            "x",
        ],
        None,
    );
    assert!(refused(&out).contains("需要登录"));
    let json_err = run(
        &db.path,
        &[
            "--json",
            "--user",
            "clerk",
            "catalog",
            "import",
            "/nonexistent.toml",
        ],
        Some("clerk-pass"),
    );
    let err: Value = serde_json::from_str(refused(&json_err).trim()).unwrap();
    assert!(err["error"].as_str().unwrap().contains("无法读写文件"));
    assert_eq!(
        count(),
        before,
        "no refused command wrote anything but the audit of the failed login"
    );
    let failed: i64 = rusqlite::Connection::open(&db.path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'auth.login_failed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 1, "the wrong password is in the audit log");
}

#[test]
fn catalogue_export_edit_import_by_the_manager() {
    let db = initialized();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("catalog.toml");
    ok(&run(
        &db.path,
        &["catalog", "export", "--out", file.to_str().unwrap()],
        None,
    ));
    let text = std::fs::read_to_string(&file).unwrap();
    // A clerk may not import; a broken file names its line; a good edit makes version 2.
    let err = refused(&run(
        &db.path,
        &[
            "--user",
            "clerk",
            "catalog",
            "import",
            file.to_str().unwrap(),
        ],
        Some("clerk-pass"),
    ));
    assert!(err.contains("无权"), "{err}");
    let broken = text.replacen("promised_days = 5", "promised_days = 50", 1);
    std::fs::write(&file, &broken).unwrap();
    let err = refused(&run(
        &db.path,
        &[
            "--user",
            "boss",
            "catalog",
            "import",
            file.to_str().unwrap(),
        ],
        Some("boss-pass"),
    ));
    assert!(
        err.contains("行") && err.contains("法定时限") && err.contains("整份文件未导入"),
        "{err}"
    );
    let edited = text.replacen("promised_days = 5", "promised_days = 4", 1);
    std::fs::write(&file, &edited).unwrap();
    let v: Value = serde_json::from_str(&ok(&run(
        &db.path,
        &[
            "--json",
            "--user",
            "boss",
            "catalog",
            "import",
            file.to_str().unwrap(),
        ],
        Some("boss-pass"),
    )))
    .unwrap();
    assert_eq!(v["updated"].as_array().unwrap().len(), 1);
    let code = v["updated"][0].as_str().unwrap();
    let shown: Value = serde_json::from_str(&ok(&run(
        &db.path,
        &["--json", "catalog", "show", code],
        None,
    )))
    .unwrap();
    assert_eq!(shown["version"], 2);
    assert_eq!(shown["matter"]["promised_days"], 4);
}

#[test]
fn verify_names_a_tampered_event_and_rebuild_restores_projections() {
    let db = initialized();
    ok(&intake(
        &db,
        &["--matter", "MZ-005", "--provided", "1,2,3,5"],
    ));
    let out = run(
        &db.path,
        &["--user", "clerk", "rebuild"],
        Some("clerk-pass"),
    );
    assert!(refused(&out).contains("无权"));
    let v: Value = serde_json::from_str(&ok(&run(
        &db.path,
        &["--json", "--user", "admin", "rebuild"],
        Some("admin-pass"),
    )))
    .unwrap();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let total: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v["events"].as_i64(), Some(total));
    conn.execute_batch("DROP TRIGGER events_are_never_updated; UPDATE events SET payload = replace(payload, '刘桂英', '刘桂兰') WHERE kind = 'case.received';").unwrap();
    let seq: i64 = conn
        .query_row(
            "SELECT seq FROM events WHERE kind = 'case.received'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    let err = refused(&run(&db.path, &["verify"], None));
    assert!(
        err.contains(&format!("第 {seq} 号")) && err.contains("被修改"),
        "{err}"
    );
}

#[test]
fn commands_on_a_new_file_ask_for_init_and_init_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    assert!(refused(&run(&db, &["catalog", "list"], None)).contains("bianmin init"));
    let db2 = initialized();
    let again = run(
        &db2.path,
        &[
            "init",
            "--center-code",
            "X1",
            "--center-name",
            "x",
            "--device-code",
            "A02",
            "--admin",
            "a2",
            "--admin-password",
            "12345678",
        ],
        None,
    );
    assert!(refused(&again).contains("不能重复初始化"));
    let bad = run(
        &db,
        &[
            "init",
            "--center-code",
            "371402101",
            "--center-name",
            "x",
            "--device-code",
            "a1",
            "--admin",
            "admin",
            "--admin-password",
            "12345678",
        ],
        None,
    );
    assert!(refused(&bad).contains("设备编号"));
}

#[test]
fn the_demo_takes_one_case_of_each_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let v: Value = serde_json::from_str(&ok(&run(
        &dir.path().join("demo.db"),
        &["--json", "demo"],
        None,
    )))
    .unwrap();
    let outcomes: Vec<&str> = v["intakes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["accepted", "notice", "refused", "on_the_spot"]);
    assert_eq!(v["chain_ok"], true);
}

#[test]
fn intake_with_print_writes_the_outcomes_documents_and_doc_reprints() {
    let db = initialized();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    // The manager sets the phones printed on documents; a clerk may not.
    let err = refused(&run(
        &db.path,
        &["--user", "clerk", "center", "set", "--phone", "0534-1"],
        Some("clerk-pass"),
    ));
    assert!(err.contains("无权"), "{err}");
    let v: Value = serde_json::from_str(&ok(&run(
        &db.path,
        &[
            "--json",
            "--user",
            "boss",
            "center",
            "set",
            "--address",
            "湖滨北大道18号",
            "--phone",
            "0534-2688123",
        ],
        Some("boss-pass"),
    )))
    .unwrap();
    assert_eq!(v["supply_days"], 5);
    let v = json(&intake(
        &db,
        &[
            "--matter",
            "MZ-005",
            "--provided",
            "1,2,3,5",
            "--print",
            out,
        ],
    ));
    let docs = v["documents"].as_array().unwrap();
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["receipt", "notice"]);
    for d in docs {
        let path = d["path"].as_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{path}");
        assert_eq!(d["bytes"].as_u64(), Some(bytes.len() as u64));
        use sha2::Digest;
        assert_eq!(
            d["sha256"].as_str().unwrap(),
            hex::encode(sha2::Sha256::digest(&bytes))
        );
    }
    let case_no = v["case_no"].as_str().unwrap();
    let again = dir.path().join("again.pdf");
    let v: Value = serde_json::from_str(&ok(&run(
        &db.path,
        &[
            "--json",
            "--user",
            "clerk",
            "doc",
            "receipt",
            case_no,
            "--out",
            again.to_str().unwrap(),
        ],
        Some("clerk-pass"),
    )))
    .unwrap();
    assert_eq!(v["copy"], 2, "a second receipt is a reprint");
    assert!(again.exists());
    let err = refused(&run(
        &db.path,
        &[
            "--user",
            "clerk",
            "doc",
            "refusal",
            case_no,
            "--out",
            again.to_str().unwrap(),
        ],
        Some("clerk-pass"),
    ));
    assert!(err.contains("没有不予受理通知书"), "{err}");
    // An unprintable name is refused before the case is recorded.
    let count = || -> i64 {
        rusqlite::Connection::open(&db.path)
            .unwrap()
            .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
            .unwrap()
    };
    let before = count();
    let id = common::id(2);
    let err = refused(&run(
        &db.path,
        &[
            "--user",
            "clerk",
            "intake",
            "--matter",
            "MZ-006",
            "--name",
            "王\u{9FFF}",
            "--id-number",
            &id,
            "--phone",
            "13905341234",
            "--address",
            "村",
            "--provided",
            "1,2",
            "--print",
            out,
        ],
        Some("clerk-pass"),
    ));
    assert!(err.contains("U+9FFF"), "{err}");
    assert_eq!(count(), before);
}

#[test]
fn a_day_at_the_desk_through_the_binary_consult_intake_handle_evaluate_complain() {
    let db = initialized();
    let clerk = |args: &[&str]| {
        run(
            &db.path,
            &[&["--json", "--user", "clerk"][..], args].concat(),
            Some("clerk-pass"),
        )
    };
    let boss = |args: &[&str]| {
        run(
            &db.path,
            &[&["--json", "--user", "boss"][..], args].concat(),
            Some("boss-pass"),
        )
    };
    let q = json(&clerk(&[
        "consult",
        "add",
        "--question",
        "高龄津贴怎么办？",
        "--answer",
        "带身份证户口簿",
        "--name",
        "刘桂英",
        "--phone",
        "13905341234",
        "--matter",
        "MZ-005",
    ]));
    let qid = q["consultation_id"].as_str().unwrap().to_owned();
    let id = common::id(1);
    let r = json(&clerk(&[
        "consult",
        "intake",
        &qid,
        "--id-number",
        &id,
        "--address",
        "杨庄村",
        "--provided",
        "1,2,3,5",
    ]));
    assert_eq!(r["outcome"], "accepted");
    let no = r["case_no"].as_str().unwrap().to_owned();
    // An illegal step is refused with the allowed ones named.
    let err = refused(&clerk(&["handle", "resume", &no]));
    assert!(err.contains("已受理") && err.contains("分派/转办"), "{err}");
    assert_eq!(
        json(&clerk(&["handle", "assign", &no, "--to", "clerk"]))["state"],
        "in_progress"
    );
    assert_eq!(
        json(&clerk(&["handle", "complete", &no, "--result", "approve"]))["state"],
        "completed"
    );
    assert_eq!(
        json(&clerk(&[
            "handle",
            "collect",
            &no,
            "--name",
            "刘桂英",
            "--id-number",
            &id
        ]))["state"],
        "delivered"
    );
    let log = json(&clerk(&["log", &no]));
    let what: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["what"].as_str().unwrap())
        .collect();
    assert_eq!(
        what,
        ["受理登记", "由咨询转为受理", "分派/转办", "办结", "领取"]
    );
    // A bad rating opens a rectification only the manager can close.
    let ev = json(&clerk(&[
        "evaluate",
        &no,
        "--level",
        "1",
        "--reason",
        "服务态度差",
        "--channel",
        "paper",
    ]));
    let rid = ev["rectification_id"].as_str().unwrap().to_owned();
    let open = json(&clerk(&["rectify", "list"]));
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert!(refused(&clerk(&["rectify", "close", &rid, "--result", "x"])).contains("无权"));
    json(&boss(&[
        "rectify",
        "close",
        &rid,
        "--result",
        "已约谈并培训",
    ]));
    // A complaint: the clerk sees it masked, the manager in full.
    let k = json(&clerk(&[
        "complaint",
        "add",
        "--name",
        "赵大妈",
        "--contact",
        "13805349999",
        "--target",
        "A01",
        "--category",
        "态度",
        "--content",
        "态度生硬",
    ]));
    assert_eq!(k["complainant_name"], "***");
    let seen = json(&boss(&["complaint", "list"]));
    assert_eq!(seen[0]["complainant_name"], "赵大妈");
    // The deadline board.
    let red = json(&clerk(&[
        "cases",
        "--due-status",
        "all",
        "--as-of",
        "2026-12-15",
    ]));
    assert!(
        red.as_array().unwrap().is_empty(),
        "the only case was delivered"
    );
    let err = refused(&clerk(&[
        "cases",
        "--due-status",
        "red",
        "--as-of",
        "2027-01-01",
    ]));
    assert!(err.contains("2027 年的节假日安排尚未导入"), "{err}");
    let err = refused(&clerk(&["cases", "--due-status", "purple"]));
    assert!(err.contains("到期状态"), "{err}");
}

#[test]
fn an_encrypted_device_works_the_same_through_the_binary_once_logged_in() {
    let db = initialized_with(&["--encrypt"]);
    let head = std::fs::read(&db.path).unwrap();
    assert!(
        !head.starts_with(b"SQLite format 3"),
        "the file is encrypted"
    );
    assert!(PathBuf::from(format!("{}.keys", db.path.display())).exists());
    // The users added after init can log in: the key file followed them.
    let r = json(&intake(
        &db,
        &["--matter", "MZ-005", "--provided", "1,2,3,5"],
    ));
    assert_eq!(r["outcome"], "accepted");
    let case_no = r["case_no"].as_str().unwrap().to_owned();
    // Without a login nothing opens it, not even a read.
    let msg = refused(&run(&db.path, &["catalog", "list"], None));
    assert!(msg.contains("已加密") && msg.contains("登录"), "{msg}");
    let msg = refused(&run(
        &db.path,
        &["--user", "clerk", "case", &case_no],
        Some("wrong-pass"),
    ));
    assert!(msg.contains("用户名或密码错误"), "{msg}");
    assert!(ok(&run(
        &db.path,
        &["--user", "clerk", "case", &case_no],
        Some("clerk-pass")
    ))
    .contains(&case_no));
    assert!(ok(&run(
        &db.path,
        &["--user", "admin", "verify"],
        Some("admin-pass")
    ))
    .contains("完整"));
    // Nothing of the applicant is in the file in clear.
    let bytes = std::fs::read(&db.path).unwrap();
    assert!(!bytes
        .windows("刘桂英".len())
        .any(|w| w == "刘桂英".as_bytes()));
}

#[test]
fn a_bundle_through_the_binary_lists_its_pool_takes_it_in_and_prints_on_its_lead_case() {
    let db = initialized();
    let list = json(&run(
        &db.path,
        &["--json", "--user", "clerk", "bundles"],
        Some("clerk-pass"),
    ));
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"YJS-SH"), "{codes:?}");
    let form = json(&run(
        &db.path,
        &["--json", "--user", "clerk", "bundles", "--code", "YJS-SH"],
        Some("clerk-pass"),
    ));
    let pool: Vec<&str> = form["pool"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(pool.iter().filter(|n| **n == "死亡证明").count(), 1);
    // --refuse does not go with a bundle: refused by the parser, nothing kept.
    let out = intake(&db, &["--bundle", "YJS-SH", "--refuse", "不符合"]);
    assert!(!out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let v = json(&intake(
        &db,
        &[
            "--bundle",
            "YJS-SH",
            "--provided",
            "1,3,4",
            "--print",
            dir.path().to_str().unwrap(),
        ],
    ));
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert!(cases.iter().all(|c| c["outcome"] == "notice"));
    let missing: Vec<&str> = v["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(missing.iter().filter(|n| **n == "死亡证明").count(), 1);
    let lead = cases[0]["case_no"].as_str().unwrap();
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0]["kind"], "bundle-onetime");
    assert_eq!(docs[0]["case_no"], lead);
    // The other case names the lead for the bundle's papers.
    let other = cases[1]["case_no"].as_str().unwrap();
    let out_file = dir.path().join("x.pdf");
    let err = refused(&run(
        &db.path,
        &[
            "--user",
            "clerk",
            "doc",
            "bundle-onetime",
            other,
            "--out",
            out_file.to_str().unwrap(),
        ],
        Some("clerk-pass"),
    ));
    assert!(err.contains(lead), "{err}");
    assert!(!out_file.exists());
}

#[test]
fn a_scan_is_attached_listed_and_extracted_through_the_binary() {
    let db = initialized();
    let v = json(&intake(
        &db,
        &["--matter", "MZ-005", "--provided", "1,2,3,5"],
    ));
    let case_no = v["case_no"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("申请表.pdf");
    let pdf = b"%PDF-1.4\n% form\n%%EOF\n";
    std::fs::write(&file, pdf).unwrap();
    let a = json(&run(
        &db.path,
        &[
            "--json",
            "--user",
            "clerk",
            "scan",
            "attach",
            &case_no,
            "--line",
            "3",
            file.to_str().unwrap(),
        ],
        Some("clerk-pass"),
    ));
    assert_eq!(a["kind"], "pdf");
    assert_eq!(a["material"], "高龄津贴申请表");
    // A text file is refused by its content, exit 1, in Chinese.
    let text = dir.path().join("假的.pdf");
    std::fs::write(&text, "不是 PDF").unwrap();
    let err = refused(&run(
        &db.path,
        &[
            "--user",
            "clerk",
            "scan",
            "attach",
            &case_no,
            "--line",
            "3",
            text.to_str().unwrap(),
        ],
        Some("clerk-pass"),
    ));
    assert!(err.contains("不是 JPEG、PNG 图片或 PDF 文件"), "{err}");
    let list = json(&run(
        &db.path,
        &["--json", "--user", "clerk", "scan", "list", &case_no],
        Some("clerk-pass"),
    ));
    assert_eq!(list.as_array().unwrap().len(), 1);
    let out = dir.path().join("导出");
    let written = json(&run(
        &db.path,
        &[
            "--json",
            "--user",
            "clerk",
            "scan",
            "extract",
            &case_no,
            "--out",
            out.to_str().unwrap(),
        ],
        Some("clerk-pass"),
    ));
    let path = written[0]["path"].as_str().unwrap();
    assert_eq!(std::fs::read(path).unwrap(), pdf);
}

#[test]
fn a_page_is_scanned_on_a_sane_scanner_and_attached_through_the_binary() {
    let db = initialized();
    let v = json(&intake(
        &db,
        &["--matter", "MZ-005", "--provided", "1,2,3,5"],
    ));
    let case_no = v["case_no"].as_str().unwrap().to_owned();
    let sane = common::sane_test_scanners();
    let env = [("SANE_CONFIG_DIR", sane.path())];
    let found = json(&run_with(
        &db.path,
        &["--json", "scan", "scanners"],
        None,
        &env,
    ));
    let devices: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["device"].as_str())
        .collect();
    assert!(devices.contains(&"test:0"), "{found}");
    let scan = |device: &str, line: &str| {
        run_with(
            &db.path,
            &[
                "--json",
                "--user",
                "clerk",
                "scan",
                "attach",
                &case_no,
                "--line",
                line,
                "--scanner",
                device,
            ],
            Some("clerk-pass"),
            &env,
        )
    };
    // A scanner that is not there, and a line the case does not have:
    // refused in words, nothing kept.
    let err = refused(&scan("nosuch:0", "1"));
    assert!(err.contains("扫描仪 nosuch:0 扫描失败"), "{err}");
    let err = refused(&scan("test:0", "9"));
    assert!(err.contains("没有第 9 项"), "{err}");
    let listed = || {
        json(&run(
            &db.path,
            &["--json", "--user", "clerk", "scan", "list", &case_no],
            Some("clerk-pass"),
        ))
    };
    assert_eq!(listed().as_array().unwrap().len(), 0);
    // The page: a JPEG from the scanner, on line 1.
    let a = json(&scan("test:0", "1"));
    assert_eq!(a["kind"], "jpeg", "{a}");
    assert_eq!(a["material"], "居民身份证");
    let listed = listed();
    let name = listed[0]["file_name"].as_str().unwrap();
    assert!(
        name.starts_with("扫描仪 ") && name.ends_with(".jpg"),
        "{name}"
    );
    // With no scanner configured, the list says so.
    let none = tempfile::tempdir().unwrap();
    std::fs::write(none.path().join("dll.conf"), "").unwrap();
    let out = ok(&run_with(
        &db.path,
        &["scan", "scanners"],
        None,
        &[("SANE_CONFIG_DIR", none.path())],
    ));
    assert!(out.contains("没有找到扫描仪"), "{out}");
}
