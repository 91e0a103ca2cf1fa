//! Shared set-up for integration tests: a fresh device database in a
//! temporary folder with an admin, a manager and a clerk.
#![allow(dead_code)]

pub mod bin;
pub mod printed;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

use bianmin::applicant::{id_number, IdType, Person};
use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{Role, Session};
use bianmin::intake::Application;
use bianmin::setup::{self, SetupInput};
use bianmin::store::device::DeviceRole;
use bianmin::store::{dump, Store};

pub struct Center {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub admin: Session,
    pub manager: Session,
    pub clerk: Session,
}

/// 09:30 China time on a day.
pub fn at(y: i32, m: u32, d: u32) -> DateTime<FixedOffset> {
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    tz.from_local_datetime(
        &NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap(),
    )
    .unwrap()
}

/// Monday 2026-11-23.
pub fn monday() -> DateTime<FixedOffset> {
    at(2026, 11, 23)
}

/// The set-up of a device `code` of the test center with admin `admin` /
/// `admin-pass`, no address or phones.
pub fn setup_input(code: &str, role: DeviceRole) -> SetupInput {
    SetupInput {
        center_code: "371402101".into(),
        center_name: "新湖街道便民服务中心".into(),
        device_code: code.into(),
        role,
        admin: NewUser {
            username: "admin".into(),
            display_name: "管理员".into(),
            staff_no: "9001".into(),
            role: Role::Admin,
            password: "admin-pass".into(),
        },
        profile: None,
    }
}

pub fn center() -> Center {
    center_as(DeviceRole::Counter)
}

/// The same center on a device of another role (a hub, to export to agents).
pub fn center_as(role: DeviceRole) -> Center {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("center.db")).unwrap();
    let now = monday();
    setup::init(
        &mut store,
        now,
        SetupInput {
            profile: Some(bianmin::center::CenterProfile {
                name: String::new(),
                address: "新湖街道湖滨北大道18号".into(),
                phone: "0534-2688123".into(),
                complaint_phone: "0534-2688100".into(),
                supply_days: 5,
                warning_days: 2,
                lockout_attempts: 5,
                lockout_minutes: 15,
                idle_minutes: 10,
                rectify_days: 5,
                sample_percent: 10,
                office_hours: "工作日 8:30—17:30".into(),
                tolerance_allowed: true,
                scan_max_mb: 10,
            }),
            ..setup_input("A01", role)
        },
    )
    .unwrap();
    let admin = users::verify_credentials(store.conn(), "admin", "admin-pass").unwrap();
    for (u, role, no) in [
        ("manager", Role::Manager, "0100"),
        ("clerk", Role::Clerk, "0101"),
    ] {
        users::add(
            &mut store,
            &admin,
            now,
            &NewUser {
                username: u.into(),
                display_name: "测试".into(),
                staff_no: no.into(),
                role,
                password: format!("{u}-pass"),
            },
        )
        .unwrap();
    }
    let manager = users::verify_credentials(store.conn(), "manager", "manager-pass").unwrap();
    let clerk = users::verify_credentials(store.conn(), "clerk", "clerk-pass").unwrap();
    Center {
        dir,
        store,
        admin,
        manager,
        clerk,
    }
}

/// A valid 居民身份证 number distinct per `n` (born 1950 + n).
pub fn id(n: u32) -> String {
    id_number::with_check_char(&format!("371402{}0315{:03}", 1950 + n, n)).unwrap()
}

pub fn person(name: &str, n: u32) -> Person {
    Person {
        name: name.into(),
        id_type: IdType::ResidentId,
        id_number: id(n),
        phone: "13905341234".into(),
        address: "新湖街道杨庄村3组".into(),
    }
}

/// An application for a matter with the given materials.
pub fn application(matter: &str, applicant: Person, provided: &[&str]) -> Application {
    Application {
        matter_code: matter.into(),
        applicant,
        proxy: None,
        provided: provided.iter().map(|s| s.to_string()).collect(),
        refusal_reason: None,
        resubmission_of: None,
        tolerate: false,
        promised: Vec::new(),
    }
}

/// Every projection, plus the number of events: equal before and after
/// means nothing was written.
pub fn snapshot(store: &Store) -> (String, i64) {
    let events: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    (dump::projections(store.conn()).unwrap(), events)
}

/// The join codes the hub showed, by batch path: a test reads the code off
/// the export's report as a person reads it off the hub's screen.
static JOIN_CODES: std::sync::Mutex<Vec<(std::path::PathBuf, String)>> =
    std::sync::Mutex::new(Vec::new());

/// Keeps the join code of an export report, if it has one.
pub fn remember_join_code(report: &bianmin::exchange::export::ExportReport) {
    if let Some(code) = &report.join_code {
        if let Ok(mut codes) = JOIN_CODES.lock() {
            codes.push((std::path::PathBuf::from(&report.path), code.clone()));
        }
    }
}

/// The join code shown when the batch at `path` was exported.
pub fn join_code_of(path: &std::path::Path) -> Option<String> {
    JOIN_CODES.lock().ok().and_then(|codes| {
        codes
            .iter()
            .rev()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c.clone())
    })
}

/// The text of a PDF as pdftotext reads it (poppler-utils; scripts/test.sh
/// installs it), without white space, so wrapped lines still match.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/test.sh installs it)");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}

/// A real PNG of `w`×`h` pixels (a gradient), as a scanner writes one.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 77])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// A SANE configuration folder with only SANE's own test backend (two
/// virtual flatbeds, `test:0` and `test:1`): a real `scanimage` scanning
/// with no scanner attached. Pass it as `SANE_CONFIG_DIR`.
pub fn sane_test_scanners() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("dll.conf"), "test\n").expect("dll.conf");
    dir
}
