//! The `bianmin` binary as the CLI tests, the crash tests and the USB-stick
//! tests drive it: one way to run it, set up the test center, add a user.

use std::path::Path;
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_bianmin");

/// Runs `bianmin --db DB ARGS`, with `password` (if any) in
/// `BIANMIN_PASSWORD` and nothing else taken from the environment.
pub fn run(db: &Path, args: &[&str], password: Option<&str>) -> Output {
    run_with(db, args, password, &[])
}

/// [`run`] with `env` set for the binary.
pub fn run_with(db: &Path, args: &[&str], password: Option<&str>, env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.envs(env.iter().map(|(k, v)| (*k, *v)));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("BIANMIN_PASSWORD")
        .env_remove("BIANMIN_NEW_PASSWORD")
        .env_remove("BIANMIN_DB");
    if let Some(p) = password {
        cmd.env("BIANMIN_PASSWORD", p);
    }
    cmd.output().expect("bianmin runs")
}

fn succeeded(out: Output) -> Output {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out
}

/// `bianmin init` of center 371402101 (新湖街道便民服务中心), device A01, admin
/// `admin` / `admin-pass`, with `extra` arguments (`--role hub`, `--encrypt`).
pub fn init_center(db: &Path, extra: &[&str]) {
    let mut args = vec![
        "init",
        "--center-code",
        "371402101",
        "--center-name",
        "新湖街道便民服务中心",
        "--device-code",
        "A01",
        "--admin",
        "admin",
        "--admin-password",
        "admin-pass",
    ];
    args.extend_from_slice(extra);
    succeeded(run(db, &args, None));
}

/// `bianmin user add` by the admin: `username` with `name`, staff number,
/// role code and password.
pub fn add_user(db: &Path, username: &str, name: &str, staff_no: &str, role: &str, password: &str) {
    succeeded(run(
        db,
        &[
            "--user",
            "admin",
            "user",
            "add",
            "--username",
            username,
            "--name",
            name,
            "--staff-no",
            staff_no,
            "--role",
            role,
            "--new-password",
            password,
        ],
        Some("admin-pass"),
    ));
}
