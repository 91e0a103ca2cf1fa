//! Running the benchmark binary from its tests.

use std::process::Command;

/// Runs `bianmin-bench` with `args`, fails the test with its error output
/// if it fails, and returns what it printed.
pub fn run(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_bianmin-bench"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// [`run`] with `--json`: the figures it reported.
pub fn figures(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_slice(&run(&all)).unwrap()
}
