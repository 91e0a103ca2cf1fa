//! `bianmin demo`: sets up a demonstration center in a new database, adds a
//! manager and a clerk, and takes four applications, one for each intake
//! outcome, through the same core functions the counter uses.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::applicant::{IdType, Person};
use crate::auth::users::{self, NewUser};
use crate::auth::Role;
use crate::center::CenterProfile;
use crate::intake::{self, Application, IntakeResult};
use crate::setup::{self, SetupInput};
use crate::store::device::DeviceRole;
use crate::store::{verify, Store};

/// The demonstration accounts (username, password, role).
pub const ACCOUNTS: [(&str, &str, Role); 3] = [
    ("admin", "admin2026", Role::Admin),
    ("zhangli", "manager2026", Role::Manager),
    ("wangfang", "clerk2026", Role::Clerk),
];

/// What the demo did.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub database: String,
    pub center_name: String,
    pub accounts: Vec<(String, String, &'static str)>,
    pub intakes: Vec<IntakeResult>,
    pub events: i64,
    pub chain_ok: bool,
}

fn person(name: &str, id17: &str, phone: &str, address: &str) -> Person {
    Person {
        name: name.into(),
        id_type: IdType::ResidentId,
        id_number: crate::applicant::id_number::with_check_char(id17).unwrap_or_default(),
        phone: phone.into(),
        address: address.into(),
    }
}

/// Runs the demo in a new database at `path` (refused if it is already set up).
pub fn run(path: &Path, now: DateTime<FixedOffset>) -> crate::Result<DemoReport> {
    let mut store = Store::open(path)?;
    let report = setup::init(
        &mut store,
        now,
        SetupInput {
            center_code: "371402101".into(),
            center_name: "德州市德城区新湖街道便民服务中心".into(),
            device_code: "A01".into(),
            role: DeviceRole::Counter,
            admin: NewUser {
                username: ACCOUNTS[0].0.into(),
                display_name: "系统管理员".into(),
                staff_no: "9001".into(),
                role: Role::Admin,
                password: ACCOUNTS[0].1.into(),
            },
            profile: Some(CenterProfile {
                name: String::new(),
                address: "德州市德城区新湖街道湖滨北大道18号便民服务中心一楼".into(),
                phone: "0534-2688123".into(),
                complaint_phone: "0534-2688100".into(),
                supply_days: 5,
                warning_days: 2,
                lockout_attempts: 5,
                lockout_minutes: 15,
                idle_minutes: 10,
                rectify_days: 5,
                sample_percent: 10,
                office_hours: "周一至周五上午 8:30—12:00，下午 13:30—17:30（法定节假日除外）"
                    .into(),
                tolerance_allowed: true,
                scan_max_mb: crate::scans::DEFAULT_MAX_MB,
            }),
        },
    )?;
    let admin = users::verify_credentials(store.conn(), ACCOUNTS[0].0, ACCOUNTS[0].1)?;
    for (username, password, role, name, staff_no) in [
        (ACCOUNTS[1].0, ACCOUNTS[1].1, ACCOUNTS[1].2, "张丽", "0101"),
        (ACCOUNTS[2].0, ACCOUNTS[2].1, ACCOUNTS[2].2, "王芳", "0102"),
    ] {
        users::add(
            &mut store,
            &admin,
            now,
            &NewUser {
                username: username.into(),
                display_name: name.into(),
                staff_no: staff_no.into(),
                role,
                password: password.into(),
            },
        )?;
    }
    let clerk = users::verify_credentials(store.conn(), ACCOUNTS[2].0, ACCOUNTS[2].1)?;
    let address = "新湖街道杨庄村3组12号";
    let applications = [
        // 受理: every material of a promised matter.
        Application {
            matter_code: "MZ-005".into(),
            applicant: person("刘桂英", "37140219430815002", "13905341234", address),
            proxy: None,
            provided: vec!["1".into(), "2".into(), "3".into(), "5".into()],
            refusal_reason: None,
            resubmission_of: None,
            tolerate: false,
            promised: Vec::new(),
        },
        // 一次性告知: three required materials missing (4, 5 and 7).
        Application {
            matter_code: "MZ-001".into(),
            applicant: person("王𠮷", "37140219780302003", "13605347788", address),
            proxy: None,
            provided: vec!["1".into(), "2".into(), "3".into()],
            refusal_reason: None,
            resubmission_of: None,
            tolerate: false,
            promised: Vec::new(),
        },
        // 不予受理: the clerk refuses with a reason.
        Application {
            matter_code: "ZJ-001".into(),
            applicant: person("赵建国", "37140219650101001", "13805345566", address),
            proxy: None,
            provided: vec![],
            refusal_reason: Some("申请人非本集体经济组织成员，不符合农村宅基地申请条件".into()),
            resubmission_of: None,
            tolerate: false,
            promised: Vec::new(),
        },
        // 即办: an on-the-spot matter with its materials.
        Application {
            matter_code: "MZ-006".into(),
            applicant: person("孙秀兰", "37140219650520002", "13705341122", address),
            proxy: None,
            provided: vec!["1".into(), "2".into()],
            refusal_reason: None,
            resubmission_of: None,
            tolerate: false,
            promised: Vec::new(),
        },
    ];
    let mut intakes = Vec::new();
    for app in applications {
        intakes.push(intake::record(&mut store, &clerk, now, app)?);
    }
    let chain = verify::verify(store.conn())?;
    Ok(DemoReport {
        database: path.display().to_string(),
        center_name: report.device.center_name,
        accounts: ACCOUNTS
            .iter()
            .map(|(u, p, r)| (u.to_string(), p.to_string(), r.label()))
            .collect(),
        intakes,
        events: chain.events(),
        chain_ok: chain.broken.is_none(),
    })
}
