//! The search benchmark runs on a small seeded file and every query shape
//! it times finds cases (a shape that found nothing would time nothing).

mod common;

#[test]
fn the_search_benchmark_finds_every_shape_it_times() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().display().to_string();
    common::run(&["seed", "--cases", "3000", "--dir", &work]);
    let r = common::figures(&["search", "--dir", &work, "--samples", "40"]);
    assert_eq!(r["cases"], 3000);
    assert!(r["index_bytes_per_case"].as_f64().unwrap() > 0.0, "{r}");
    let shapes = r["shapes"].as_array().unwrap();
    assert_eq!(shapes.len(), 7);
    for s in shapes {
        assert!(s["mean_hits"].as_f64().unwrap() >= 1.0, "{s}");
        assert_eq!(s["latency"]["samples"], 40, "{s}");
    }
}
