//! The window's performance figures for docs/BENCHMARKS.md (not a test:
//! ignored by default, no timing asserts). Run against the release build:
//!
//! ```sh
//! cargo build --release -p bianmin-desk
//! WEBKIT_DISABLE_COMPOSITING_MODE=1 BIANMIN_DESK=target/release/bianmin-desk xvfb-run -a -s "-screen 0 1366x768x24" \
//!   cargo test -p bianmin-e2e --test bench -- --ignored --nocapture
//! ```

use std::time::{Duration, Instant};

use fantoccini::Locator;

use bianmin_e2e::*;

fn id(n: u32) -> String {
    bianmin::applicant::id_number::with_check_char(&format!("3714021940031{:04}", n))
        .expect("17 digits")
}

/// The largest parts of a process's PSS in KiB: each mapped file by name,
/// anonymous memory as `[anon]` (the heap included).
fn largest_mappings(pid_dir: &std::path::Path, n: usize) -> Vec<(String, u64)> {
    let Ok(smaps) = std::fs::read_to_string(pid_dir.join("smaps")) else {
        return Vec::new();
    };
    let mut by_name: std::collections::BTreeMap<String, u64> = Default::default();
    let mut current = String::new();
    for line in smaps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields
            .first()
            .is_some_and(|f| f.contains('-') && !f.ends_with(':'))
        {
            let name = fields.get(5).copied().unwrap_or("[anon]");
            current = match name {
                "[heap]" => "[anon]".to_owned(),
                n => n.rsplit('/').next().unwrap_or(n).to_owned(),
            };
        } else if let Some(v) = line.strip_prefix("Pss:") {
            let kib: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
            *by_name.entry(current.clone()).or_default() += kib;
        }
    }
    let mut all: Vec<(String, u64)> = by_name.into_iter().collect();
    all.sort_by_key(|(_, kib)| std::cmp::Reverse(*kib));
    all.truncate(n);
    all
}

/// A process's program, PSS in KiB and largest mappings.
type ProcessPss = (String, u64, Vec<(String, u64)>);

/// PSS in KiB of every process whose program name ends with one of
/// `needles`, with each one's largest mappings.
fn pss_kib(needles: &[&str]) -> (u64, Vec<ProcessPss>) {
    let mut total = 0;
    let mut each = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return (0, each);
    };
    for entry in dir.flatten() {
        let path = entry.path();
        let Ok(cmd) = std::fs::read(path.join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        let program = cmd.split(' ').next().unwrap_or_default();
        if !needles.iter().any(|n| program.ends_with(n)) {
            continue;
        }
        let Ok(rollup) = std::fs::read_to_string(path.join("smaps_rollup")) else {
            continue;
        };
        for line in rollup.lines() {
            if let Some(v) = line.strip_prefix("Pss:") {
                let kib: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                total += kib;
                each.push((
                    program.rsplit('/').next().unwrap_or(program).to_owned(),
                    kib,
                    largest_mappings(&path, 8),
                ));
            }
        }
    }
    (total, each)
}

/// Waits for the login field, asking every 5 ms: the WebDriver client's
/// own default (every 250 ms) would add up to a quarter of a second of
/// waiting to a cold start.
async fn login_screen(w: &Window) {
    w.client
        .wait()
        .every(Duration::from_millis(5))
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("#login-username"))
        .await
        .expect("the login screen");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run by hand, see the module doc"]
async fn window_figures() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = prepared_center(dir.path());
    let t0 = Instant::now();
    let w = Window::open(dir, db).await;
    login_screen(&w).await;
    let cold_start = t0.elapsed();
    // The floor: the window and WebKit with the login screen shown, before
    // anyone logs in (after a moment for the page to settle).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (pss_at_login, each_at_login) =
        pss_kib(&["bianmin-desk", "WebKitWebProcess", "WebKitNetworkProcess"]);
    w.login("clerk", "clerk-pass1").await;
    w.wait("#today-counts .card").await;

    // 100 intakes through the window's own invoke bridge, timed in the page:
    // from the call to the answer, by which the case is committed and its
    // receipt and notice PDFs are written.
    let mut ms = Vec::new();
    for n in 0..100u32 {
        let application = serde_json::json!({
            "matter_code": "MZ-005",
            "applicant": {"name": "刘桂英", "id_type": "resident_id", "id_number": id(n),
                          "phone": "13905341234", "address": "姚家街道杨庄村3组"},
            "proxy": null, "provided": ["1", "2", "3", "5"],
            "refusal_reason": null, "resubmission_of": null
        });
        let r = w
            .client
            .execute_async(
                "const [app, done] = arguments; const t = performance.now();
                 window.__TAURI__.core.invoke('intake_submit', {application: app})
                   .then(r => done([performance.now() - t, r.documents.length, r.documents[0].path]))
                   .catch(e => done([-1, 0, String(e && e.message || e)]));",
                vec![application],
            )
            .await
            .expect("invoke");
        let took = r[0].as_f64().expect("ms");
        assert!(took >= 0.0, "intake failed: {}", r[2]);
        let path = r[2].as_str().expect("path");
        assert!(std::path::Path::new(path).exists(), "{path}");
        ms.push(took);
    }
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    // Through the real screen too: fill the form and click, until the result shows.
    w.click("#menu-intake").await;
    w.fill("#matter-query", "gljt").await;
    w.wait_text("#matter-choices", "高龄津贴").await;
    w.keys("#matter-query", ENTER).await;
    w.wait("#all-materials").await;
    w.fill("#applicant-name", "王秀兰").await;
    w.fill("#applicant-id-number", &id(999)).await;
    w.fill("#applicant-phone", "13905341234").await;
    w.fill("#applicant-address", "杨庄村").await;
    w.click("#all-materials").await;
    let t = Instant::now();
    w.click("#intake-submit").await;
    w.wait("#result-case-no").await;
    let screen_ms = t.elapsed().as_secs_f64() * 1000.0;
    // The manager exports the day's ledger (A4 PDF) as at closing time.
    let folder = w.dir.path().to_string_lossy().into_owned();
    let r = w
        .client
        .execute_async(
            "const [folder, done] = arguments; const api = window.__TAURI__.core;
             api.invoke('logout')
               .then(() => api.invoke('login', {username: 'manager', password: 'manager-pass1'}))
               .then(() => api.invoke('ledger_export', {form: {folder, day: null, format: 'pdf'}}))
               .then(r => done(r.path || JSON.stringify(r)))
               .catch(e => done('ERROR ' + String(e && e.message || e)));",
            vec![serde_json::json!(folder)],
        )
        .await
        .expect("invoke");
    let ledger = r.as_str().unwrap_or_default().to_owned();
    assert!(!ledger.starts_with("ERROR"), "{ledger}");
    let (pss, each) = pss_kib(&["bianmin-desk", "WebKitWebProcess", "WebKitNetworkProcess"]);
    println!(
        "{}",
        serde_json::json!({
            "cold_start_to_login_ms": cold_start.as_secs_f64() * 1000.0,
            "intake_invoke_ms": {"samples": ms.len(), "p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)},
            "intake_click_to_result_ms_via_webdriver": screen_ms,
            "ledger": ledger,
            "pss_at_login_kib": pss_at_login,
            "pss_at_login_by_process_kib": each_at_login,
            "pss_after_101_intakes_and_the_ledger_kib": pss,
            "pss_by_process_kib": each,
        })
    );
    w.close().await;
}

/// Cold starts only, several in a row (`BIANMIN_COLD_STARTS`, default 6),
/// each from asking for the WebDriver session to the login field, with the
/// session's own retries counted in (stderr says when one happened).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run by hand, see the module doc"]
async fn cold_starts() {
    let runs: usize = std::env::var("BIANMIN_COLD_STARTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let (mut ms, mut in_page) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = prepared_center(dir.path());
        let t0 = Instant::now();
        let w = Window::open(dir, db).await;
        login_screen(&w).await;
        ms.push(t0.elapsed().as_secs_f64() * 1000.0);
        // The page's own clock, from the start of its navigation: when its
        // modules had run (DOMContentLoaded) and now (the login field found).
        let page = w
            .client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0];
                 return [n ? n.domContentLoadedEventEnd : -1, performance.now()];",
                vec![],
            )
            .await
            .expect("page timing");
        in_page.push(page);
        w.close().await;
    }
    let mut sorted = ms.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({
            "cold_start_to_login_ms": ms,
            "median": sorted[sorted.len() / 2],
            "in_page_dom_content_loaded_and_now_ms": in_page,
        })
    );
}
