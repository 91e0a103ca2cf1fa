//! Every screen worked by keyboard alone: on each screen a user's menu
//! offers (and on a case's page), pressing Tab from the menu reaches every
//! visible control and everything that looks clickable (a list row), in the
//! page's own order (no positive tabindex that would jump about).

use std::path::Path;

use bianmin::auth::users;
use bianmin::intake;
use bianmin::store::Store;
use bianmin_e2e::*;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};

/// Marks the controls of the screen and starts recording where the focus
/// goes. Returns (how many were marked, any with a positive tabindex, any
/// that look clickable but can never get the focus).
const MARK: &str = r#"
const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const native = 'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]';
const root = document.getElementById('screen');
root.querySelectorAll('[data-probe]').forEach((el) => { delete el.dataset.probe; });
const marked = [...root.querySelectorAll(native)]
  .filter((el) => visible(el) && !el.closest('[inert]'));
marked.forEach((el, i) => { el.dataset.probe = String(i); });
const positive = [...document.querySelectorAll('[tabindex]')]
  .filter((el) => el.tabIndex > 0).map((el) => el.id || el.outerHTML.slice(0, 80));
const unreachable = [...root.querySelectorAll('*')]
  .filter((el) => visible(el) && getComputedStyle(el).cursor === 'pointer'
    && !el.closest('[data-probe]') && !el.querySelector('[data-probe]')
    && !(el.tagName === 'LABEL' && el.control))
  .map((el) => (el.id ? '#' + el.id : el.tagName.toLowerCase()) + ' ' + el.textContent.trim().slice(0, 30));
window.__seen = new Set();
if (window.__probeListener) document.removeEventListener('focusin', window.__probeListener);
window.__probeListener = (e) => { if (e.target.dataset && e.target.dataset.probe) window.__seen.add(e.target.dataset.probe); };
document.addEventListener('focusin', window.__probeListener);
const first = document.querySelector('#menu button');
if (first) first.focus(); else if (document.activeElement) document.activeElement.blur();
return [marked.length, positive, unreachable];
"#;

/// The controls the focus never reached.
const MISSED: &str = r#"
return [...document.querySelectorAll('#screen [data-probe]')]
  .filter((el) => !window.__seen.has(el.dataset.probe))
  .map((el) => (el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' ' + (el.textContent || el.value || '').trim().slice(0, 30));
"#;

/// Tabs through the whole window from the menu and asserts what the screen
/// `name` shows can all be reached.
async fn walk(w: &Window, name: &str) {
    let marked = w.client.execute(MARK, vec![]).await.expect("mark");
    let count = marked[0].as_u64().unwrap_or(0) as usize;
    assert!(count > 0, "{name}: nothing to reach on the screen");
    assert_eq!(
        marked[1],
        serde_json::json!([]),
        "{name}: positive tabindex"
    );
    assert_eq!(
        marked[2],
        serde_json::json!([]),
        "{name}: looks clickable but the keyboard never reaches it"
    );
    // The menu and top bar come first; then the screen. Tab enough times
    // for all of it, in one go (the keys go to whatever has the focus).
    let mut keys = KeyActions::new("keyboard".into());
    for _ in 0..count + 40 {
        keys = keys
            .then(KeyAction::Down { value: '\u{E004}' })
            .then(KeyAction::Up { value: '\u{E004}' });
    }
    w.client.perform_actions(keys).await.expect("tab");
    let missed = w.client.execute(MISSED, vec![]).await.expect("missed");
    assert_eq!(
        missed,
        serde_json::json!([]),
        "{name}: Tab never reaches these ({count} controls)"
    );
    w.client.release_actions().await.expect("release");
}

fn take_case(db: &Path) -> String {
    let now = chrono::Local::now().fixed_offset();
    let mut store = Store::open(db).expect("open");
    let clerk = users::verify_credentials(store.conn(), "clerk", "clerk-pass1").expect("clerk");
    intake::record(
        &mut store,
        &clerk,
        now,
        accepted_application("欧阳秀英", "37140219400315002", "姚家街道杨庄村2号"),
    )
    .expect("intake")
    .case_no
}

/// The keys of the menu entries the logged-in user is offered.
async fn menu_keys(w: &Window) -> Vec<String> {
    let keys = w
        .client
        .execute(
            "return [...document.querySelectorAll('#menu button[data-key]')].map((b) => b.dataset.key);",
            vec![],
        )
        .await
        .expect("menu");
    keys.as_array()
        .expect("list")
        .iter()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn tab_reaches_every_control_of_every_screen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = prepared_center(dir.path());
    let case_no = take_case(&db);
    let w = Window::open(dir, db).await;

    // The login screen itself.
    w.wait("#login-username").await;
    walk(&w, "登录").await;

    for (user, password) in [("manager", "manager-pass1"), ("admin", "admin-pass1")] {
        w.login(user, password).await;
        let keys = menu_keys(&w).await;
        assert!(keys.len() >= 5, "{user}: {keys:?}");
        for key in &keys {
            w.menu(key).await;
            // Let the screen and its lists arrive.
            tokio::time::sleep(std::time::Duration::from_millis(800)).await;
            walk(&w, &format!("{user} {key}")).await;
            if key == "intake" {
                // With a matter chosen: its card and the checklist.
                w.fill("#matter-query", "gljt").await;
                w.wait_text("#matter-choices", "高龄津贴申请").await;
                w.keys("#matter-query", ENTER).await;
                w.wait_text("#matter-info", "高龄津贴申请").await;
                walk(&w, &format!("{user} intake with a matter")).await;
                // With a 一件事 chosen: its matters and the shared list.
                w.fill("#matter-query", "退休一件事").await;
                w.wait_text("#matter-choices", "城乡居民退休一件事").await;
                w.keys("#matter-query", ENTER).await;
                w.wait_text("#bundle-card", "城乡居民退休一件事").await;
                walk(&w, &format!("{user} intake with a bundle")).await;
            }
        }
        if user == "manager" {
            // A case's page, with its steps.
            w.menu("search").await;
            w.fill("#search-input", &case_no).await;
            w.keys("#search-input", ENTER).await;
            w.wait_text("#search-results", &case_no).await;
            w.click("#case-table tbody tr td.mono").await;
            w.wait_text("#case-facts", &case_no).await;
            tokio::time::sleep(std::time::Duration::from_millis(600)).await;
            walk(&w, "办件详情").await;
        }
        w.click("#logout-button").await;
        w.wait("#login-username").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tab_reaches_every_control_of_the_set_up_screen() {
    let w = Window::fresh().await;
    w.wait("#setup-mode").await;
    walk(&w, "初始设置（新建）").await;
    // Joining a center: the USB folder, its batch, the role.
    w.client
        .execute(
            "const s = document.getElementById('setup-mode'); s.value = 'join'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .expect("join mode");
    w.wait("#setup-join-folder").await;
    walk(&w, "初始设置（加入）").await;
    // Joining over the LAN: the hubs found (none here), the address, the
    // code, the role, the fingerprint.
    w.client
        .execute(
            "const s = document.getElementById('setup-mode'); s.value = 'lan'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .expect("lan mode");
    w.wait_text("#setup-lan-found", "没有找到").await;
    walk(&w, "初始设置（局域网加入）").await;
}
