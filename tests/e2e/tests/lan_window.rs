//! Two windows of the hall, one hub, over 127.0.0.1: two bianmin-desk
//! processes on their own databases, each set (设置 ▸ 局域网同步) to follow
//! the hub. A case taken in at window A02 is found by search at window A03
//! and appears on A03's 工作台 without anyone pressing anything; the case
//! page open at A03 follows the step taken at A02; the top
//! bar says 已联网同步, goes 离线 when the hub stops and back when it
//! returns. The hub runs in this process (its service, not a window).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bianmin::auth::users::{self, NewUser};
use bianmin::auth::Role;
use bianmin::exchange::devices;
use bianmin::lifecycle::request::{self, StepRequest};
use bianmin::store::device::DeviceRole;
use bianmin::store::Store;
use bianmin::sync::{hub, settings};
use bianmin_e2e::*;

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// The hub A01 of the prepared center, with a second clerk 王芳.
fn hub_db(dir: &Path) -> PathBuf {
    let db = prepared_center_as(dir, false, DeviceRole::Hub);
    let mut store = Store::open(&db).expect("hub");
    let admin = users::verify_credentials(store.conn(), "admin", "admin-pass1").expect("admin");
    users::add(
        &mut store,
        &admin,
        now(),
        &NewUser {
            username: "clerk2".into(),
            display_name: "王芳".into(),
            staff_no: "0102".into(),
            role: Role::Clerk,
            password: "clerk2-pass1".into(),
        },
    )
    .expect("user");
    db
}

/// The counter `code` joined from the hub's batch, registered on the hub,
/// set to follow the hub at `port`.
fn counter(hub: &Path, usb: &Path, dir: &Path, code: &str, port: u16) -> PathBuf {
    let mut h = Store::open(hub).expect("hub");
    let manager = users::verify_credentials(h.conn(), "manager", "manager-pass1").expect("manager");
    let batch = export_batch(&mut h, "manager", Some(code), usb, now());
    let db = dir.join(format!("{code}.db"));
    let mut store = Store::open(&db).expect("counter");
    let joined = join_as_counter(&mut store, code, &batch, now());
    devices::trust(&mut h, &manager, now(), &joined.key_line).expect("trust");
    let m = users::verify_credentials(store.conn(), "manager", "manager-pass1").expect("manager");
    settings::set(&mut store, &m, now(), true, &format!("127.0.0.1:{port}")).expect("sync on");
    db
}

/// The hub's service in this process; stops when dropped.
struct Hub {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hub {
    fn start(db: PathBuf, port: u16) -> Hub {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            let open: Arc<hub::Opener> = Arc::new(move || Ok(Store::open(&db)?));
            hub::serve(
                open,
                &format!("127.0.0.1:{port}"),
                s,
                Arc::new(now),
                Arc::new(|_| {}),
                &|_| {
                    let _ = tx.send(());
                },
            )
            .expect("serve");
        });
        rx.recv_timeout(PATIENCE).expect("the hub listens");
        Hub {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_taken_at_one_window_is_found_at_the_other_and_the_top_bar_follows_the_hub() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let hall = tempfile::tempdir().expect("tempdir");
    let usb = hall.path().join("usb");
    std::fs::create_dir_all(&usb).expect("usb");
    let hub_dir = hall.path().join("hub");
    std::fs::create_dir_all(&hub_dir).expect("hub dir");
    let hub_path = hub_db(&hub_dir);
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let db_a = counter(&hub_path, &usb, dir_a.path(), "A02", port);
    let db_b = counter(&hub_path, &usb, dir_b.path(), "A03", port);
    let hub = Hub::start(hub_path.clone(), port);

    let a = Window::open(dir_a, db_a).await;
    let b = Window::open(dir_b, db_b).await;
    a.login("clerk", "clerk-pass1").await;
    b.login("clerk2", "clerk2-pass1").await;
    a.wait_text("#sync-status", "已联网同步").await;
    b.wait_text("#sync-status", "已联网同步").await;

    // B sits on its 工作台; A takes a case in.
    b.wait("#today-counts .card").await;
    a.click("#menu-intake").await;
    a.take_in_elderly_allowance("欧阳秀英", &id(61)).await;
    let case_no = a.text("#result-case-no").await;
    // B's 工作台 draws itself again: today's intakes of the center count it.
    b.wait_text("#screen", &case_no).await;
    // And search at B finds it.
    b.click("#menu-search").await;
    b.fill("#search-input", "欧阳秀英").await;
    b.keys("#search-input", ENTER).await;
    b.wait_text("#search-results", &case_no).await;
    b.screenshot(&screenshot_path(&b, "window-lan-search.png"))
        .await;

    // B opens the case; A's clerk completes it (her window's sync sends
    // it): B's page draws itself again with the new state.
    b.click("#case-table tbody tr td.mono").await;
    b.wait_text("#case-facts", "已受理").await;
    {
        let mut store = Store::open(&a.db).expect("A02");
        let clerk = users::verify_credentials(store.conn(), "clerk", "clerk-pass1").expect("clerk");
        request::take(
            &mut store,
            &clerk,
            now(),
            &case_no,
            StepRequest::Complete {
                result: "approve".into(),
                reason: None,
            },
        )
        .expect("complete");
    }
    b.wait_text("#case-facts", "已办结").await;

    // The hub stops: both say 离线; it returns: 已联网同步 again.
    drop(hub);
    b.wait_text("#sync-status", "离线").await;
    b.screenshot(&screenshot_path(&b, "window-lan-offline.png"))
        .await;
    let _hub = Hub::start(hub_path, port);
    b.wait_text("#sync-status", "已联网同步").await;
    a.wait_text("#sync-status", "已联网同步").await;
    a.close().await;
    b.close().await;
}

/// A new PC joins over the LAN, in the windows: the hub's window serves
/// the hall; the new PC's set-up screen asks to join, typed with the hub's
/// address, and shows both fingerprints; the hub's manager sees the
/// request on 数据交换 with the same fingerprint and approves it there;
/// the new PC is set up from the center's data, its clerk logs in, and it
/// syncs with the hub by itself.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_pc_asks_to_join_in_its_window_and_the_hubs_manager_approves_in_hers() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let hub_dir = tempfile::tempdir().expect("hub dir");
    let hub_path = hub_db(hub_dir.path());
    let listen = format!("127.0.0.1:{port}");
    let hub = Window::open_with(
        hub_dir,
        hub_path.clone(),
        &[("BIANMIN_SYNC_LISTEN", &listen)],
    )
    .await;
    hub.login("manager", "manager-pass1").await;
    hub.wait_text("#sync-status", "同步服务运行中").await;

    let new = Window::fresh().await;
    new.wait("#setup-mode")
        .await
        .select_by_value("lan")
        .await
        .expect("mode");
    new.wait("#setup-lan:not([hidden])").await;
    new.fill("#setup-lan_address", &listen).await;
    new.fill("#setup-lan_device_code", "A05").await;
    new.click("#setup-submit").await;
    let own = new.wait_text("#setup-lan-own-fingerprint", " ").await;
    let shown_hub = new.text("#setup-lan-hub-fingerprint").await;
    let hub_key = {
        let store = Store::open(&hub_path).expect("hub");
        bianmin::exchange::keys::fingerprint(
            &bianmin::exchange::keys::public_key(store.conn()).expect("key"),
        )
    };
    assert_eq!(shown_hub, hub_key);
    new.screenshot(&screenshot_path(&new, "window-setup-lan-waiting.png"))
        .await;

    // The hub's manager: 数据交换 lists the request with that fingerprint.
    hub.click("#menu-exchange").await;
    let row = hub.wait_text("#join-request-table", "A05").await;
    assert!(row.contains(&own), "{row} lacks {own}");
    hub.screenshot(&screenshot_path(&hub, "window-exchange-join-request.png"))
        .await;
    // By keyboard, as a manager at the hub would: Enter on 批准.
    hub.keys("#join-request-table .join-approve", ENTER).await;

    // The new PC is set up and goes to the login; its clerk works there.
    new.wait_text("#setup-message", "已加入").await;
    new.click("#setup-continue").await;
    new.login("clerk2", "clerk2-pass1").await;
    new.wait_text("#sync-status", "已联网同步").await;
    new.click("#menu-intake").await;
    new.take_in_elderly_allowance("司马秀兰", &id(62)).await;
    let case_no = new.text("#result-case-no").await;
    // It reaches the hub over the LAN without anyone carrying a stick.
    let start = std::time::Instant::now();
    loop {
        let at_hub: i64 = Store::open(&hub_path)
            .expect("hub")
            .conn()
            .query_row(
                "SELECT count(*) FROM cases WHERE case_no = ?1",
                [&case_no],
                |r| r.get(0),
            )
            .expect("count");
        if at_hub == 1 {
            break;
        }
        assert!(start.elapsed() < PATIENCE, "the case never reached the hub");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    hub.wait_text("#device-table", "A05").await;
    new.close().await;
    hub.close().await;
}
