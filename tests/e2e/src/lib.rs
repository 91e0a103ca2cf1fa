//! The harness of the end-to-end tests: starts `tauri-driver` (in front of
//! WebKitWebDriver) in its own process group, opens the built
//! `bianmin-desk` window on a temporary database through WebDriver, and
//! gives the tests short helpers to type, click, read and take screenshots.
//!
//! Run under Xvfb: `xvfb-run -a cargo test -p bianmin-e2e -- --test-threads=1`
//! after `cargo build -p bianmin-desk`. `BIANMIN_DESK` names another binary.

/// Reading back what the tests' printers printed (shared with the core's tests).
#[path = "../../common/printed.rs"]
pub mod printed;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bianmin::auth::users::{self, NewUser};
use bianmin::auth::Role;
use bianmin::setup::{self, SetupInput};
use bianmin::store::device::DeviceRole;
use bianmin::store::Store;
pub use fantoccini::{Client, Locator};

/// How long to wait for something to appear in the window.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The workspace root (two levels above this crate).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The window binary under test.
pub fn desk_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("BIANMIN_DESK") {
        // Relative to the workspace root (tests run in this crate's folder).
        return workspace().join(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let bin = target.join("debug").join("bianmin-desk");
    assert!(
        bin.exists(),
        "{} not found: run `cargo build -p bianmin-desk` first",
        bin.display()
    );
    bin
}

/// Two distinct free ports: both are held until both are known, so the
/// system cannot hand out the same one twice.
fn free_ports() -> (u16, u16) {
    let bind = || TcpListener::bind("127.0.0.1:0").expect("a free port");
    let (a, b) = (bind(), bind());
    let port = |l: &TcpListener| l.local_addr().map(|a| a.port()).expect("a free port");
    (port(&a), port(&b))
}

/// A running tauri-driver; stopped (with its WebKitWebDriver) when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    pub fn start() -> Driver {
        Driver::start_with(&[])
    }

    /// With `env` set for the window it starts (as a PC's own settings
    /// would be, e.g. the port its hub serves on).
    pub fn start_with(env: &[(&str, &str)]) -> Driver {
        use std::os::unix::process::CommandExt;
        let (port, native) = free_ports();
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            // The window must not open a PDF viewer during tests.
            .env("BIANMIN_NO_VIEWER", "1")
            // WebKitWebDriver's screenshot can wait forever for a frame
            // when compositing is off (the window's default, for memory);
            // the functional tests run WebKit with compositing on. The
            // memory benchmark runs the default.
            .env(
                "WEBKIT_DISABLE_COMPOSITING_MODE",
                std::env::var("WEBKIT_DISABLE_COMPOSITING_MODE").unwrap_or_else(|_| "0".into()),
            )
            // A window looking for its hub asks this machine only: tests
            // send nothing beyond it.
            .env("BIANMIN_DISCOVER_TO", "127.0.0.1")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("tauri-driver (cargo install tauri-driver --version ^2 --locked)");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < PATIENCE, "tauri-driver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM to the driver's own process group (the driver,
        // WebKitWebDriver and the window): a SIGKILL would orphan
        // WebKitWebDriver. Sent with the system call, not the `kill`
        // program: procps-ng 4.0.2 misreads `kill -TERM -<pgid>`.
        if let Ok(pgid) = libc::pid_t::try_from(self.child.id()) {
            if pgid > 1 {
                // SAFETY: kill(2) with a negative pid signals that group only.
                unsafe {
                    libc::kill(-pgid, libc::SIGTERM);
                }
            }
        }
        let _ = self.child.wait();
    }
}

/// The window of one test, on its own database.
pub struct Window {
    pub client: Client,
    pub db: PathBuf,
    pub dir: tempfile::TempDir,
    _driver: Driver,
}

/// An application for 高龄津贴 (MZ-005) with every material brought: it is
/// accepted. `id17` is the first 17 digits of the ID number.
pub fn accepted_application(name: &str, id17: &str, address: &str) -> bianmin::intake::Application {
    bianmin::intake::Application {
        matter_code: "MZ-005".into(),
        applicant: bianmin::applicant::Person {
            name: name.into(),
            id_type: bianmin::applicant::IdType::ResidentId,
            id_number: bianmin::applicant::id_number::with_check_char(id17).expect("id"),
            phone: "13905341234".into(),
            address: address.into(),
        },
        proxy: None,
        provided: vec!["1".into(), "2".into(), "3".into(), "5".into()],
        refusal_reason: None,
        resubmission_of: None,
        tolerate: false,
        promised: Vec::new(),
    }
}

/// Takes an accepted case in through the core as the prepared center's
/// clerk, beside the window (as another clerk's intake would be); its
/// case number.
pub fn take_in_beside(db: &Path, name: &str, id17: &str, address: &str) -> String {
    let mut store = bianmin::store::Store::open(db).expect("db");
    let clerk = bianmin::auth::users::verify_credentials(store.conn(), "clerk", "clerk-pass1")
        .expect("clerk");
    bianmin::intake::record(
        &mut store,
        &clerk,
        chrono::Local::now().fixed_offset(),
        accepted_application(name, id17, address),
    )
    .expect("intake")
    .case_no
}

/// `user` (password `{user}-pass1`) exports a batch of `store` for `dest`
/// (`None`: the default destination) into `dir`, through the core.
pub fn export_batch(
    store: &mut Store,
    user: &str,
    dest: Option<&str>,
    dir: &Path,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> bianmin::exchange::export::ExportReport {
    let s = users::verify_credentials(store.conn(), user, &format!("{user}-pass1")).expect("login");
    bianmin::exchange::export::export(
        store,
        &s,
        at,
        &bianmin::exchange::export::ExportRequest {
            out_dir: dir.to_path_buf(),
            destination: dest.map(str::to_owned),
            ..Default::default()
        },
        &mut |_| {},
    )
    .expect("export")
}

/// An empty `store` joins as counter `code` from the hub's batch `joined`,
/// with the join code the hub showed.
pub fn join_as_counter(
    store: &mut Store,
    code: &str,
    joined: &bianmin::exchange::export::ExportReport,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> bianmin::exchange::join::JoinReport {
    bianmin::exchange::join::join(
        store,
        at,
        &bianmin::exchange::join::JoinInput {
            device_code: code.into(),
            role: DeviceRole::Counter,
            fingerprint: None,
            join_code: joined.join_code.clone(),
        },
        Path::new(&joined.path),
        &mut |_| {},
    )
    .expect("join")
}

/// A device set up through the core: center 370101, counter A01, with an
/// admin, a manager and a clerk (passwords `<username>-pass1`).
pub fn prepared_center(dir: &Path) -> PathBuf {
    prepared_center_with(dir, false)
}

/// The same center, its database encrypted when `encrypt` (an agent
/// laptop's): then only a login opens it.
pub fn prepared_center_with(dir: &Path, encrypt: bool) -> PathBuf {
    prepared_center_as(dir, encrypt, DeviceRole::Counter)
}

/// The same center, this device in `role` (the hub A01 of a hall).
pub fn prepared_center_as(dir: &Path, encrypt: bool, role: DeviceRole) -> PathBuf {
    let db = dir.join("bianmin.db");
    let now = chrono::Local::now().fixed_offset();
    let (mut store, _) = setup::on_new_database(&db, encrypt, |store| {
        setup::init(
            store,
            now,
            SetupInput {
                center_code: "370101".into(),
                center_name: "历下区姚家街道便民服务中心".into(),
                device_code: "A01".into(),
                role,
                admin: NewUser {
                    username: "admin".into(),
                    display_name: "系统管理员".into(),
                    staff_no: "0001".into(),
                    role: Role::Admin,
                    password: "admin-pass1".into(),
                },
                profile: None,
            },
        )
    })
    .expect("setup");
    let admin = users::verify_credentials(store.conn(), "admin", "admin-pass1").expect("admin");
    for (u, name, no, role) in [
        ("manager", "王建国", "0100", Role::Manager),
        ("clerk", "张丽", "0101", Role::Clerk),
    ] {
        users::add(
            &mut store,
            &admin,
            now,
            &NewUser {
                username: u.into(),
                display_name: name.into(),
                staff_no: no.into(),
                role,
                password: format!("{u}-pass1"),
            },
        )
        .expect("user");
    }
    db
}

impl Window {
    /// Opens the window on a new, empty database (the set-up screen).
    pub async fn fresh() -> Window {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("bianmin.db");
        Window::open(dir, db).await
    }

    /// Opens the window on a prepared center (see [`prepared_center`]).
    pub async fn prepared() -> Window {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = prepared_center(dir.path());
        Window::open(dir, db).await
    }

    pub async fn open(dir: tempfile::TempDir, db: PathBuf) -> Window {
        Window::open_with(dir, db, &[]).await
    }

    /// [`Window::open`] with `env` set for the window.
    pub async fn open_with(dir: tempfile::TempDir, db: PathBuf, env: &[(&str, &str)]) -> Window {
        let caps = serde_json::json!({
            "tauri:options": {
                "application": desk_binary().display().to_string(),
                "args": ["--db", db.display().to_string()],
            }
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        // tauri-driver listens before WebKitWebDriver behind it does; a
        // session asked for too early is dropped mid-answer: ask again. A
        // WebKitWebDriver that never answers (it failed to start) is
        // replaced by a new driver, up to three.
        let mut launch = 0;
        let (client, driver) = 'launch: loop {
            launch += 1;
            let driver = Driver::start_with(env);
            let url = format!("http://127.0.0.1:{}", driver.port);
            let mut attempt = 0;
            loop {
                let connector = hyper_util::client::legacy::connect::HttpConnector::new();
                match fantoccini::ClientBuilder::new(connector)
                    .capabilities(caps.clone())
                    .connect(&url)
                    .await
                {
                    Ok(client) => break 'launch (client, driver),
                    Err(e) if attempt < 10 => {
                        attempt += 1;
                        eprintln!("WebDriver session not ready ({e}); asking again");
                        tokio::time::sleep(Duration::from_millis(300)).await;
                    }
                    Err(e) if launch < 3 => {
                        eprintln!("WebDriver never answered ({e}); a new driver");
                        break;
                    }
                    Err(e) => panic!("WebDriver session: {e}"),
                }
            }
        };
        Window {
            client,
            db,
            dir,
            _driver: driver,
        }
    }

    pub async fn wait(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Waits until the text of `css` contains `text`; returns the full text.
    pub async fn wait_text(&self, css: &str, text: &str) -> String {
        let start = Instant::now();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(t) = el.text().await {
                    if t.contains(text) {
                        return t;
                    }
                    if start.elapsed() > PATIENCE {
                        panic!("{css} shows {t:?}, never {text:?}");
                    }
                }
            }
            assert!(start.elapsed() < PATIENCE, "{css} never showed {text:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        self.wait(css).await.text().await.expect("text")
    }

    /// Clears `css` and types `text` into it.
    /// The current value of the input `css` (what is typed or filled in).
    pub async fn value(&self, css: &str) -> String {
        self.wait(css)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.wait(css).await;
        el.clear().await.expect("clear");
        el.send_keys(text).await.expect("type");
    }

    /// Clicks `css`; while it is covered (a toast) or was just redrawn,
    /// finds it again and retries, up to the usual patience.
    pub async fn click(&self, css: &str) {
        let start = Instant::now();
        loop {
            let el = self.wait(css).await;
            match el.clone().click().await {
                Ok(_) => return,
                Err(e) if start.elapsed() < PATIENCE => {
                    eprintln!("{css} not clickable yet ({e}); again");
                    // It may sit under the fixed top bar: bring it to the middle.
                    if let Ok(arg) = serde_json::to_value(&el) {
                        let _ = self
                            .client
                            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
                            .await;
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => panic!("click {css}: {e}"),
            }
        }
    }

    /// Brings `css` to the middle of the window (for a screenshot of a part
    /// below the fold), after what was drawn last has settled.
    pub async fn scroll_to(&self, css: &str) {
        self.wait(css).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
                vec![serde_json::Value::from(css)],
            )
            .await
            .expect("scroll");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    /// Opens a screen from the menu bar, through "更多" when it sits there.
    pub async fn menu(&self, key: &str) {
        let css = format!("#menu-{key}");
        self.wait(&css).await;
        let hidden = self
            .client
            .execute(
                "const b = document.querySelector(arguments[0]);
                 const list = b && b.closest('#menu-more-list');
                 return !!(list && list.hidden);",
                vec![serde_json::json!(css)],
            )
            .await
            .expect("menu entry");
        if hidden == serde_json::json!(true) {
            self.click("#menu-more").await;
        }
        self.click(&css).await;
    }

    /// Presses keys on the focused element (e.g. "\u{E007}" for Enter).
    pub async fn keys(&self, css: &str, keys: &str) {
        self.wait(css).await.send_keys(keys).await.expect("keys");
    }

    /// Saves a screenshot of the window as a PNG.
    pub async fn screenshot(&self, path: &Path) {
        // Bounded: WebKitWebDriver can wait forever for a frame.
        let png = tokio::time::timeout(PATIENCE, self.client.screenshot())
            .await
            .expect("the screenshot did not come back in time")
            .expect("screenshot");
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("screenshot dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Logs in through the login screen.
    pub async fn login(&self, user: &str, password: &str) {
        self.fill("#login-username", user).await;
        self.fill("#login-password", password).await;
        self.click("#login-submit").await;
        self.wait("#topbar:not([hidden]) #who").await;
        self.wait_text("#who", "（").await;
    }

    /// Number of rows in `table` of the window's database (read beside the app).
    pub fn count(&self, table: &str) -> i64 {
        let store = Store::open(&self.db).expect("open db");
        store
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Where screenshots for docs/images go when `BIANMIN_SCREENSHOTS` is set;
/// otherwise into the test's temporary folder.
pub fn screenshot_path(w: &Window, name: &str) -> PathBuf {
    match std::env::var_os("BIANMIN_SCREENSHOTS") {
        Some(dir) => PathBuf::from(dir).join(name),
        None => w.dir.path().join(name),
    }
}

/// Enter, as WebDriver sends it.
pub const ENTER: &str = "\u{E007}";
/// Tab.
pub const TAB: &str = "\u{E004}";
/// The Escape key, for `keys`.
pub const ESC: &str = "\u{E00C}";
/// The space bar, for `keys`.
pub const SPACE: &str = "\u{E00D}";

/// Alt together with `key` (released afterwards), for `keys`.
pub fn alt(key: char) -> String {
    format!("\u{E00A}{key}\u{E000}")
}

impl Window {
    /// The id of the element that has the keyboard focus.
    pub async fn focused(&self) -> String {
        self.client
            .execute(
                "return document.activeElement ? document.activeElement.id : '';",
                vec![],
            )
            .await
            .expect("focused element")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Presses keys on whatever has the focus (a key the page itself handles).
    pub async fn press(&self, keys: &str) {
        let id = self.focused().await;
        assert!(!id.is_empty(), "nothing with an id has the focus");
        self.keys(&format!("#{id}"), keys).await;
    }

    /// The natural width of the image `css` once loaded (0 if it never
    /// loads within [`PATIENCE`]).
    pub async fn natural_width(&self, css: &str) -> u64 {
        let start = Instant::now();
        loop {
            let v = self
                .client
                .execute(
                    "const i = document.querySelector(arguments[0]); return i && i.complete ? i.naturalWidth : 0;",
                    vec![serde_json::json!(css)],
                )
                .await
                .expect("width");
            let n = v.as_u64().unwrap_or(0);
            if n > 0 || start.elapsed() > PATIENCE {
                return n;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}

/// A PNG scan of `w`×`h` pixels (a red and white check).
pub fn scan_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        if (x / 40 + y / 40) % 2 == 0 {
            image::Rgb([200, 40, 40])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

impl Window {
    /// Waits until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let start = Instant::now();
        loop {
            let left = self
                .client
                .execute(
                    "return document.querySelectorAll(arguments[0]).length;",
                    vec![serde_json::json!(css)],
                )
                .await
                .expect("query")
                .as_i64()
                .unwrap_or(0);
            if left == 0 {
                return;
            }
            assert!(start.elapsed() < PATIENCE, "{css} is still there");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A valid resident ID number for the n-th test applicant (born 1940-03-15).
pub fn id(n: u32) -> String {
    bianmin::applicant::id_number::with_check_char(&format!("3714021940031{:04}", 5000 + n))
        .expect("17 digits")
}

impl Window {
    /// On 受理: 高龄津贴申请 found by its pinyin initials, every material
    /// ticked with Alt+A, the applicant typed in, submitted.
    pub async fn take_in_elderly_allowance(&self, name: &str, id_number: &str) {
        self.fill("#matter-query", "gljt").await;
        self.wait_text("#matter-choices", "高龄津贴申请").await;
        self.keys("#matter-query", ENTER).await;
        self.wait_text("#matter-info", "高龄津贴申请").await;
        self.press(&alt('a')).await;
        self.fill("#applicant-name", name).await;
        self.fill("#applicant-id-number", id_number).await;
        self.fill("#applicant-phone", "13905341234").await;
        self.fill("#applicant-address", "姚家街道杨庄村3组").await;
        self.click("#intake-submit").await;
    }
}

/// The text of a PDF file as pdftotext reads it, without white space.
pub fn pdf_text(path: &str) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext {path}");
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}
