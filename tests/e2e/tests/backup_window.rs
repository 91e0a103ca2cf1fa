//! 备份 in the real window: a manager sees on the home screen that nothing
//! is backed up (red), chooses a folder on the settings screen, backs up
//! now (a checked file with its checksum appears, the home screen turns
//! green), then restores that backup after confirming with a password; and
//! the daily backup is made when the window starts.

use std::path::{Path, PathBuf};

use bianmin::auth::users;
use bianmin::backup::{self, schedule};
use bianmin::intake;
use bianmin::store::Store;
use bianmin_e2e::*;

fn backups_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .collect();
    found.sort();
    found
}

/// Takes one case in through the core, beside the open window.
fn take_case(db: &Path) -> String {
    let mut store = Store::open(db).expect("open");
    let clerk = users::verify_credentials(store.conn(), "clerk", "clerk-pass1").expect("clerk");
    intake::record(
        &mut store,
        &clerk,
        chrono::Local::now().fixed_offset(),
        accepted_application("孙秀兰", "37140219400315001", "姚家街道1号"),
    )
    .expect("intake")
    .case_no
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_made_from_the_settings_screen_and_restored_with_confirmation() {
    let w = Window::prepared().await;
    let usb = tempfile::tempdir().expect("usb");
    let folder = usb.path().join("备份");
    std::fs::create_dir(&folder).expect("folder");
    w.login("manager", "manager-pass1").await;
    let home = w.wait_text("#home-backup", "尚未设置备份文件夹").await;
    assert!(home.contains("数据备份"), "{home}");
    w.wait("#home-backup .message.error").await;

    w.click("#menu-backup").await;
    w.wait_text("#backup-list", "请先设置备份文件夹").await;
    // A folder that is not there is refused with its reason; nothing saved.
    w.fill("#backup-folder", "/media/没有插入的U盘").await;
    w.click("#backup-save").await;
    w.wait_text("#backup-result", "找不到备份文件夹").await;
    assert_eq!(w.count("backup_settings"), 0);

    w.fill("#backup-folder", folder.to_str().expect("utf-8"))
        .await;
    w.fill("#backup-keep", "3").await;
    w.click("#backup-save").await;
    w.wait_text("#backup-status", "尚未做过备份").await;
    assert_eq!(w.count("backup_settings WHERE keep = 3 AND daily = 1"), 1);

    w.click("#backup-now").await;
    w.wait_text("#backup-status", "最近一次成功备份").await;
    w.wait_text("#backup-list", "bianmin-370101-A01-").await;
    let made = backups_in(&folder);
    assert_eq!(made.len(), 1, "{made:?}");
    let events = backup::check(&made[0], None).expect("the backup checks out");
    assert!(events > 0);
    w.screenshot(&screenshot_path(&w, "window-backup.png"))
        .await;

    w.click("#menu-workbench").await;
    w.wait_text("#home-backup", "最近一次成功备份").await;
    w.wait("#home-backup .message.ok").await;

    // A case taken after the backup is gone once the backup is restored.
    let later = take_case(&w.db);
    w.click("#home-backup-open").await;
    w.click(".restore-button").await;
    w.wait_text("#restore-confirm", &format!("共 {events} 条事件"))
        .await;
    w.fill("#restore-password", "manager-pass1").await;
    w.click("#restore-go").await;
    w.wait_text("#restore-outcome", "请先勾选确认").await;
    assert_eq!(w.count(&format!("cases WHERE case_no = '{later}'")), 1);
    w.screenshot(&screenshot_path(&w, "window-restore-confirm.png"))
        .await;
    w.click("#restore-sure").await;
    w.click("#restore-go").await;
    w.wait("#login-form").await;
    w.wait_text("#toast", "已从备份恢复").await;
    assert_eq!(
        w.count(&format!("cases WHERE case_no = '{later}'")),
        0,
        "the restored file is the backup"
    );
    let kept = std::fs::read_dir(w.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".replaced-"))
        .count();
    assert_eq!(kept, 1, "the replaced database is kept");
    // The restored file works: log in again.
    w.login("manager", "manager-pass1").await;
    w.wait("#home-backup").await;
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daily_backup_is_made_when_the_window_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = prepared_center(dir.path());
    let usb = tempfile::tempdir().expect("usb");
    {
        let mut store = Store::open(&db).expect("open");
        let manager =
            users::verify_credentials(store.conn(), "manager", "manager-pass1").expect("manager");
        schedule::configure(
            &mut store,
            &manager,
            chrono::Local::now().fixed_offset(),
            usb.path().to_str().expect("utf-8"),
            5,
            true,
        )
        .expect("settings");
    }
    let w = Window::open(dir, db).await;
    w.login("manager", "manager-pass1").await;
    // The copy runs beside the first screen; the home screen shows it once made.
    let start = std::time::Instant::now();
    while backups_in(usb.path()).is_empty() {
        assert!(start.elapsed() < PATIENCE, "no daily backup was made");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(w.count("backup_runs WHERE trigger = 'daily' AND ok = 1"), 1);
    w.click("#menu-backup").await;
    let last = w.wait_text("#backup-last", "每日自动备份").await;
    assert!(last.contains("成功"), "{last}");
    w.close().await;
}
