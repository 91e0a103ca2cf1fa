//! A real USB stick, as the window meets it: a small ext2 file system made
//! by this test, loop-mounted under /media as a desktop mounts a stick (so
//! the test runs as root, as CI does). 数据交换 offers it as a button; the
//! clerk chooses it by keyboard, exports, and the batch is on the stick's
//! own file system (still there after it is unmounted and mounted again);
//! the window's chooser lists the stick first; 备份 offers it and writes
//! its copy there.

use std::path::{Path, PathBuf};
use std::process::Command;

use bianmin_e2e::*;

/// A stick image mounted at /media/LABEL; unmounted and removed on drop.
struct Stick {
    image: PathBuf,
    mount: PathBuf,
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {} (this test mounts a file system: it runs as root)",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Stick {
    fn plug_in(dir: &Path, label: &str) -> Stick {
        let image = dir.join(format!("{label}.img"));
        let file = std::fs::File::create(&image).expect("image");
        file.set_len(16 * 1024 * 1024).expect("size");
        drop(file);
        let path = image.display().to_string();
        run("mke2fs", &["-q", "-F", "-t", "ext2", "-L", label, &path]);
        let mount = PathBuf::from("/media").join(label);
        std::fs::create_dir_all(&mount).expect("mount point");
        let stick = Stick { image, mount };
        stick.mount();
        stick
    }

    fn mount(&self) {
        run(
            "mount",
            &[
                "-o",
                "loop",
                &self.image.display().to_string(),
                &self.mount.display().to_string(),
            ],
        );
    }

    fn unmount(&self) {
        run("umount", &[&self.mount.display().to_string()]);
    }
}

impl Drop for Stick {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.mount).output();
        let _ = std::fs::remove_dir(&self.mount);
        let _ = std::fs::remove_file(&self.image);
    }
}

fn batches(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".bmb"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mounted_stick_is_offered_chosen_by_keyboard_and_written_to() {
    let images = tempfile::tempdir().expect("images");
    let label = format!("BM{}", std::process::id());
    let stick = Stick::plug_in(images.path(), &label);
    let w = Window::prepared().await;
    w.login("clerk", "clerk-pass1").await;
    take_in_beside(&w.db, "东方秀珍", "37140219400315001", "姚家街道1号");

    // 数据交换: the stick is a button beside the folder box; Enter on it
    // fills the box.
    w.click("#menu-exchange").await;
    let button = format!(
        "#exchange-sticks button.stick[data-path=\"{}\"]",
        stick.mount.display()
    );
    let shown = w.wait_text(&button, &label).await;
    assert!(shown.contains("U 盘"), "{shown}");
    w.wait(&button).await.send_keys(ENTER).await.expect("enter");
    let folder = w.value("#exchange-folder").await;
    assert_eq!(folder, stick.mount.display().to_string());
    // This center of one PC has registered no other device: the batch is
    // for a new one, sealed to the join code shown once.
    w.fill("#export-new-device", "A05").await;
    w.click("#export-button").await;
    w.wait_text("#export-result", "已导出第 1 批").await;
    let code = w.text("#export-join-code").await;
    assert_eq!(code.len(), 19, "{code}");
    assert!(w.text("#export-sealed-for").await.contains("新设备"));
    w.scroll_to("#export-join-code").await;
    w.screenshot(&screenshot_path(&w, "window-exchange-join-code.png"))
        .await;
    w.screenshot(&screenshot_path(&w, "window-exchange-stick.png"))
        .await;
    let written = batches(&stick.mount);
    assert_eq!(written.len(), 1, "{written:?}");
    // On the stick's own file system: there after it is pulled and put back.
    stick.unmount();
    assert!(
        batches(&stick.mount).is_empty(),
        "the mount point is empty when unplugged"
    );
    stick.mount();
    assert_eq!(batches(&stick.mount), written);

    // The window's own chooser lists the stick first.
    w.click("#exchange-choose").await;
    w.wait("#chooser[open]").await;
    let first = w.text("#chooser-places button").await;
    assert!(first.contains(&label), "{first}");
    w.keys("#chooser-path", ESC).await;

    // 备份 (a manager's) offers it too and writes the copy there.
    w.click("#logout-button").await;
    w.login("manager", "manager-pass1").await;
    w.click("#menu-backup").await;
    let backup_button = format!(
        "#backup-sticks button.stick[data-path=\"{}\"]",
        stick.mount.display()
    );
    w.click(&backup_button).await;
    let folder = w.value("#backup-folder").await;
    assert_eq!(folder, stick.mount.display().to_string());
    w.click("#backup-save").await;
    w.click("#backup-now").await;
    let start = std::time::Instant::now();
    let copies = loop {
        let copies: Vec<String> = std::fs::read_dir(&stick.mount)
            .expect("stick")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".db"))
            .collect();
        if !copies.is_empty() {
            break copies;
        }
        assert!(start.elapsed() < PATIENCE, "no backup on the stick");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(copies.len(), 1, "{copies:?}");
    w.close().await;
}
