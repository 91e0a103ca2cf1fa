//! The window of an agent laptop whose database is encrypted: before login
//! the file is shut (the login screen names the device from its key file
//! and says the database is encrypted), a wrong password is refused, the
//! right one opens the database and its cases, and logging out shuts it
//! again so that the next person must log in to read anything. And setting
//! such a laptop up from the set-up screen: joining the center from the
//! hub's batch on a USB stick, encrypted by default for an agent.

use std::path::Path;

use bianmin::auth::{unlock, users};
use bianmin::exchange::devices;
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::intake;
use bianmin::store::{encryption, Store};
use bianmin_e2e::*;

const ENTER: &str = "\u{E007}";

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(walk(&p));
        } else {
            found.push(p);
        }
    }
    found
}

/// Takes a case in through the core (the database opened by a login).
fn take_case(db: &Path) -> String {
    let now = chrono::Local::now().fixed_offset();
    let (mut store, clerk) = unlock::login(db, now, "clerk", "clerk-pass1").expect("login");
    intake::record(
        &mut store,
        &clerk,
        now,
        accepted_application("欧阳秀英", "37140219400315002", "姚家街道杨庄村2号"),
    )
    .expect("intake")
    .case_no
}

#[tokio::test(flavor = "multi_thread")]
async fn an_encrypted_laptop_opens_only_with_a_login_and_shuts_at_logout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = prepared_center_with(dir.path(), true);
    assert!(encryption::is_encrypted(&db));
    let case_no = take_case(&db);
    let w = Window::open(dir, db.clone()).await;

    w.wait_text("#login-encrypted", "本机数据库已加密").await;
    let lead = w.text("#login-form .lead").await;
    assert!(
        lead.contains("姚家街道便民服务中心") && lead.contains("A01"),
        "{lead}"
    );
    w.screenshot(&screenshot_path(&w, "window-login-encrypted.png"))
        .await;

    // A wrong password opens nothing and is counted in the key file.
    w.fill("#login-username", "clerk").await;
    w.fill("#login-password", "not-the-password").await;
    w.click("#login-submit").await;
    w.wait_text("#login-message", "用户名或密码错误").await;
    let keys =
        bianmin::auth::key_file::KeyFile::read(&encryption::key_file_path(&db)).expect("key file");
    assert_eq!(keys.entry("clerk").expect("clerk").failures.len(), 1);

    // The right one opens the database: the case taken beside it is found.
    w.login("clerk", "clerk-pass1").await;
    w.click("#menu-search").await;
    w.fill("#search-input", "欧阳秀英").await;
    w.keys("#search-input", ENTER).await;
    w.wait_text("#search-results", &case_no).await;

    // A reprint's PDF (the applicant's name in clear) is written in memory,
    // never beside the database on the laptop's disk.
    w.click("#case-table tbody tr td.mono").await;
    w.wait_text("#case-facts", &case_no).await;
    w.click("#case-documents button").await;
    w.wait_text("#toast", "已生成").await;
    let memory = bianmin::paths::documents_root(&db, true);
    let written: Vec<_> = walk(&memory);
    assert!(
        written
            .iter()
            .any(|p| p.to_string_lossy().contains(&case_no)),
        "{written:?}"
    );
    assert!(
        !db.with_file_name("documents").exists(),
        "nothing beside the database"
    );

    // Logging out shuts the database and removes the session's PDFs: the
    // login screen says so again, and only a login opens it.
    w.click("#logout-button").await;
    w.wait_text("#login-encrypted", "本机数据库已加密").await;
    assert!(!memory.exists(), "the printed PDFs are gone at logout");
    w.login("manager", "manager-pass1").await;
    w.wait_text("#home-backup", "数据备份").await;
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_laptop_joins_the_center_from_the_set_up_screen_encrypted() {
    let hub_dir = tempfile::tempdir().expect("tempdir");
    let hub_db = prepared_center(hub_dir.path());
    let usb = tempfile::tempdir().expect("usb");
    let now = chrono::Local::now().fixed_offset();
    let mut hub = Store::open(&hub_db).expect("hub");
    let manager =
        users::verify_credentials(hub.conn(), "manager", "manager-pass1").expect("manager");
    let batch = export::export(
        &mut hub,
        &manager,
        now,
        &ExportRequest {
            out_dir: usb.path().to_path_buf(),
            destination: Some("V03".into()),
            ..ExportRequest::default()
        },
        &mut |_| {},
    )
    .expect("hub batch");

    let w = Window::fresh().await;
    w.wait("#setup-mode")
        .await
        .select_by_value("join")
        .await
        .expect("join mode");
    w.fill("#setup-join-folder", usb.path().to_str().expect("utf-8"))
        .await;
    w.keys("#setup-join-folder", "\u{E004}").await; // Tab: the folder is listed
    let name = std::path::Path::new(&batch.path)
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    w.wait_text("#setup-join-batch", &name).await;
    w.fill("#setup-join_device_code", "V03").await;
    // The join code the hub showed when it exported the batch.
    w.fill(
        "#setup-join_code",
        batch.join_code.as_deref().expect("join code"),
    )
    .await;
    // An agent's laptop is encrypted unless the person unticks it.
    let ticked = w
        .wait("#setup-encrypt")
        .await
        .is_selected()
        .await
        .expect("checkbox");
    assert!(ticked, "encryption is the default for an agent laptop");
    w.click("#setup-submit").await;
    w.wait_text("#setup-message", "已加入").await;
    let shown = w.text("#setup-hub-fingerprint").await;
    let line = bianmin::exchange::keys::own_line(hub.conn()).expect("hub key");
    assert!(shown.contains(&line.fingerprint), "{shown}");
    w.wait_text("#setup-key-file", "V03.key").await;
    w.screenshot(&screenshot_path(&w, "window-setup-join.png"))
        .await;
    assert!(
        encryption::is_encrypted(&w.db),
        "the new database is encrypted"
    );

    // The hub's manager registers the key file the laptop wrote.
    let key = std::fs::read_to_string(usb.path().join("V03.key")).expect("key file");
    devices::trust(&mut hub, &manager, now, &key).expect("trust V03");

    // The center's users log in on the laptop; the screen says it is encrypted.
    w.click("#setup-continue").await;
    w.wait_text("#login-encrypted", "本机数据库已加密").await;
    w.login("clerk", "clerk-pass1").await;
    w.close().await;
}

/// The cases of an encrypted database, read beside the window (a login).
fn has_case(db: &Path, case_no: &str) -> bool {
    let now = chrono::Local::now().fixed_offset();
    let (store, _) = unlock::login(db, now, "clerk", "clerk-pass1").expect("login");
    store
        .conn()
        .query_row(
            "SELECT count(*) FROM cases WHERE case_no = ?1",
            [case_no],
            |r| r.get::<_, i64>(0),
        )
        .expect("count")
        == 1
}

#[tokio::test(flavor = "multi_thread")]
async fn an_encrypted_laptops_backup_is_encrypted_and_restores_in_the_window() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = prepared_center_with(dir.path(), true);
    let usb = tempfile::tempdir().expect("usb");
    let folder = usb.path().join("备份");
    std::fs::create_dir(&folder).expect("folder");
    let first = take_case(&db);
    let w = Window::open(dir, db.clone()).await;
    w.login("manager", "manager-pass1").await;
    w.click("#menu-backup").await;
    w.fill("#backup-folder", folder.to_str().expect("utf-8"))
        .await;
    w.click("#backup-save").await;
    w.wait_text("#backup-status", "尚未做过备份").await;
    w.click("#backup-now").await;
    w.wait_text("#backup-status", "最近一次成功备份").await;
    let made: Vec<_> = std::fs::read_dir(&folder)
        .expect("folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    assert!(
        encryption::is_encrypted(&made[0]),
        "the backup is encrypted"
    );
    assert!(
        encryption::key_file_path(&made[0]).exists(),
        "with its key file"
    );

    // A case taken after the backup is gone once the backup is restored.
    let later = take_case(&db);
    assert!(has_case(&db, &later));
    w.click("#menu-workbench").await;
    w.click("#home-backup-open").await;
    w.click(".restore-button").await;
    w.wait_text("#restore-confirm", "条事件").await;
    w.fill("#restore-password", "manager-pass1").await;
    w.click("#restore-sure").await;
    w.click("#restore-go").await;
    w.wait("#login-form").await;
    w.wait_text("#toast", "已从备份恢复").await;
    assert!(has_case(&db, &first) && !has_case(&db, &later));
    // The restored, still encrypted database opens with a login.
    w.wait_text("#login-encrypted", "本机数据库已加密").await;
    w.login("manager", "manager-pass1").await;
    w.wait("#home-backup").await;
    w.close().await;
}
