//! Two windows of the hall, one hub, over 127.0.0.1: two bianmin-desk
//! processes on their own databases, each set (设置 ▸ 局域网同步) to follow
//! the hub. A case taken in at window A02 is found by search at window A03
//! and appears on A03's 工作台 without anyone pressing anything; the top
//! bar says 已联网同步, goes 离线 when the hub stops and back when it
//! returns. The hub runs in this process (its service, not a window).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bianmin::auth::users::{self, NewUser};
use bianmin::auth::Role;
use bianmin::exchange::devices;
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::exchange::join::{self, JoinInput};
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
    let batch = export::export(
        &mut h,
        &manager,
        now(),
        &ExportRequest {
            out_dir: usb.to_path_buf(),
            destination: Some(code.into()),
            ..ExportRequest::default()
        },
        &mut |_| {},
    )
    .expect("export");
    let db = dir.join(format!("{code}.db"));
    let mut store = Store::open(&db).expect("counter");
    let joined = join::join(
        &mut store,
        now(),
        &JoinInput {
            device_code: code.into(),
            role: DeviceRole::Counter,
            fingerprint: None,
        },
        Path::new(&batch.path),
        &mut |_| {},
    )
    .expect("join");
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
