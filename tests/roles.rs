//! Every core entry point × every role: refused with a permission error
//! exactly when the role table says the role may not take that action. The
//! window hides what a role cannot do; this proves the core is the guard.

mod common;

use bianmin::auth::roles::{allows, Action};
use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{AuthError, Role, Session};
use bianmin::calendar::schedule;
use bianmin::catalogue::versions;
use bianmin::center;
use bianmin::documents::{self, DocumentKind};
use bianmin::intake;
use bianmin::lifecycle::{handling, stand_in};
use bianmin::service::complaints::{self, NewComplaint};
use bianmin::service::consultation::{self, Channel, Enquiry};
use bianmin::service::evaluation;
use bianmin::store::Store;
use bianmin::{backup, Error};
use common::*;

type EntryPoint = Box<dyn Fn(&mut Store, &Session, &str) -> Result<(), Error>>;

fn forbidden(r: &Result<(), Error>) -> bool {
    matches!(r, Err(Error::Auth(AuthError::Forbidden { .. })))
}

#[test]
fn each_entry_point_refuses_exactly_the_roles_the_table_forbids() {
    let mut c = center();
    users::add(
        &mut c.store,
        &c.admin,
        monday(),
        &NewUser {
            username: "agent".into(),
            display_name: "村代办员".into(),
            staff_no: "0301".into(),
            role: Role::Agent,
            password: "agent-pass".into(),
        },
    )
    .unwrap();
    let agent = users::verify_credentials(c.store.conn(), "agent", "agent-pass").unwrap();
    let case_no = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("刘", 1), &["1", "2", "3", "5"]),
    )
    .unwrap()
    .case_no;
    let backups = tempfile::tempdir().unwrap();
    let backup_dir = backups.path().to_path_buf();
    let settings_dir = backups.path().display().to_string();
    let (_, matter) = versions::current(c.store.conn(), "MZ-005").unwrap();
    let entry_points: Vec<(&str, Action, EntryPoint)> = vec![
        (
            "intake::record",
            Action::Intake,
            Box::new(|s, who, _| {
                intake::record(
                    s,
                    who,
                    monday(),
                    application("MZ-006", person("王", 2), &["1", "2"]),
                )
                .map(|_| ())
            }),
        ),
        (
            "versions::publish",
            Action::EditCatalogue,
            Box::new(move |s, who, _| versions::publish(s, who, monday(), &matter).map(|_| ())),
        ),
        (
            "schedule::import",
            Action::EditCalendar,
            Box::new(|s, who, _| {
                schedule::import(s, who, monday(), schedule::SHIPPED[1]).map(|_| ())
            }),
        ),
        (
            "users::add",
            Action::ManageUsers,
            Box::new(|s, who, _| {
                let new = NewUser {
                    username: format!("u{}", who.staff_no),
                    display_name: "新人".into(),
                    staff_no: "0999".into(),
                    role: Role::Clerk,
                    password: "123456".into(),
                };
                users::add(s, who, monday(), &new).map(|_| ())
            }),
        ),
        (
            "projections::rebuild",
            Action::Maintain,
            Box::new(|s, who, _| bianmin::projections::rebuild(s, who).map(|_| ())),
        ),
        (
            "backup::backup",
            Action::Maintain,
            Box::new(move |s, who, _| backup::backup(s, who, monday(), &backup_dir, 3).map(|_| ())),
        ),
        (
            "backup::schedule::configure",
            Action::Maintain,
            Box::new(move |s, who, _| {
                backup::schedule::configure(s, who, monday(), &settings_dir, 3, true).map(|_| ())
            }),
        ),
        (
            "backup::schedule::backup_now",
            Action::Maintain,
            Box::new(|s, who, _| backup::schedule::backup_now(s, who, monday()).map(|_| ())),
        ),
        (
            "backup::schedule::status",
            Action::Maintain,
            Box::new(|s, who, _| backup::schedule::status(s.conn(), who, monday()).map(|_| ())),
        ),
        (
            "documents::print",
            Action::PrintDocuments,
            Box::new(|s, who, no| {
                documents::print(s, who, monday(), no, DocumentKind::Receipt).map(|_| ())
            }),
        ),
        (
            "center::set",
            Action::EditCenter,
            Box::new(|s, who, _| {
                let p = center::load(s.conn()).unwrap();
                center::set(s, who, monday(), p).map(|_| ())
            }),
        ),
        (
            "stand_in::set",
            Action::EditCenter,
            Box::new(|s, who, _| {
                stand_in::set(s, who, monday(), "clerk", "manager", day(), day()).map(|_| ())
            }),
        ),
        (
            "handling::extend",
            Action::HandleCases,
            Box::new(|s, who, no| {
                handling::extend(
                    s,
                    who,
                    monday(),
                    no,
                    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                    "核查",
                )
                .map(|_| ())
            }),
        ),
        (
            "consultation::record",
            Action::ServiceDesk,
            Box::new(|s, who, _| {
                let e = Enquiry {
                    question: "问".into(),
                    answer: "答".into(),
                    ..Default::default()
                };
                consultation::record(s, who, monday(), Channel::WalkIn, e).map(|_| ())
            }),
        ),
        (
            "complaints::register",
            Action::ServiceDesk,
            Box::new(|s, who, _| {
                let k = NewComplaint {
                    complainant_name: "赵".into(),
                    complainant_contact: "13805349999".into(),
                    channel: "当面".into(),
                    target: "A01".into(),
                    category: "态度".into(),
                    content: "内容".into(),
                    days: None,
                };
                complaints::register(s, who, monday(), k).map(|_| ())
            }),
        ),
        (
            "evaluation::sample",
            Action::ManageQuality,
            Box::new(|s, who, _| {
                evaluation::sample(
                    s,
                    who,
                    monday(),
                    evaluation::SamplePeriod {
                        from: day(),
                        to: day(),
                    },
                    Some(10),
                )
                .map(|_| ())
            }),
        ),
    ];
    let sessions = [
        (Role::Clerk, c.clerk.clone()),
        (Role::Agent, agent),
        (Role::Manager, c.manager.clone()),
        (Role::Admin, c.admin.clone()),
    ];
    let mut checked = 0;
    for (name, action, run) in &entry_points {
        for (role, session) in &sessions {
            let result = run(&mut c.store, session, &case_no);
            assert_eq!(
                forbidden(&result),
                !allows(*role, *action),
                "{name} as {role:?}: {:?}",
                result.as_ref().err().map(|e| e.to_string())
            );
            checked += 1;
        }
    }
    assert_eq!(checked, entry_points.len() * 4);
}

fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}
