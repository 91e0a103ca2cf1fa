//! The search benchmark runs on a small seeded file and every query shape
//! it times finds cases (a shape that found nothing would time nothing).

use std::process::Command;

#[test]
fn the_search_benchmark_finds_every_shape_it_times() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_bianmin-bench");
    let work = dir.path().display().to_string();
    let seed = Command::new(bin)
        .args(["seed", "--cases", "3000", "--dir", &work])
        .output()
        .unwrap();
    assert!(
        seed.status.success(),
        "{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    let out = Command::new(bin)
        .args(["--json", "search", "--dir", &work, "--samples", "40"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["cases"], 3000);
    assert!(r["index_bytes_per_case"].as_f64().unwrap() > 0.0, "{r}");
    let shapes = r["shapes"].as_array().unwrap();
    assert_eq!(shapes.len(), 7);
    for s in shapes {
        assert!(s["mean_hits"].as_f64().unwrap() >= 1.0, "{s}");
        assert_eq!(s["latency"]["samples"], 40, "{s}");
    }
}
