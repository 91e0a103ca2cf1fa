//! 分叉 in the real window: someone with a copy of counter A02's database
//! (and so its key) wrote the next event of its chain while A02 wrote its
//! own. The hub's manager opens 数据交换: the warning at the top names the
//! fork, the list shows both events, and after the key is revoked (by
//! keyboard, from the device row) the list says so and the warning goes.

use bianmin::auth::users;
use bianmin::exchange::{devices, import, keys};
use bianmin::intake;
use bianmin::store::Store;
use bianmin_e2e::*;
use chrono::Duration;

type At = chrono::DateTime<chrono::FixedOffset>;

fn take_in(store: &mut Store, at: At, name: &str, id: &str) {
    let clerk = users::verify_credentials(store.conn(), "clerk", "clerk-pass1").expect("clerk");
    intake::record(
        store,
        &clerk,
        at,
        accepted_application(name, id, "姚家街道1号"),
    )
    .expect("intake");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fork_is_shown_to_the_manager_and_named_revoked_once_the_key_is() {
    let hub_dir = tempfile::tempdir().expect("tempdir");
    let hub_db = prepared_center(hub_dir.path());
    let usb = tempfile::tempdir().expect("usb");
    let a02_dir = tempfile::tempdir().expect("a02");
    let now = chrono::Local::now().fixed_offset() + Duration::minutes(1);
    {
        let mut hub = Store::open(&hub_db).expect("hub");
        let mut a02 = Store::open(&a02_dir.path().join("bianmin.db")).expect("a02");
        let joined = export_batch(&mut hub, "manager", Some("A02"), usb.path(), now);
        join_as_counter(&mut a02, "A02", &joined, now);
        let manager = users::verify_credentials(hub.conn(), "manager", "manager-pass1").expect("m");
        let line = keys::own_line(a02.conn()).expect("key").to_line();
        devices::trust(&mut hub, &manager, now, &line).expect("trust");
        // The copy, with A02's key, and A02 each write event 1 onwards.
        let copy = a02_dir.path().join("copy.db");
        a02.conn()
            .execute("VACUUM INTO ?1", [copy.to_str().expect("utf-8")])
            .expect("copy");
        let mut thief = Store::open(&copy).expect("copy");
        take_in(
            &mut thief,
            now + Duration::seconds(10),
            "冒名者",
            "37140219400315001",
        );
        let stolen = export_batch(
            &mut thief,
            "clerk",
            None,
            usb.path(),
            now + Duration::seconds(15),
        );
        take_in(
            &mut a02,
            now + Duration::seconds(20),
            "孙秀兰",
            "37140219410315005",
        );
        let genuine = export_batch(
            &mut a02,
            "clerk",
            None,
            usb.path(),
            now + Duration::seconds(25),
        );
        import::import(
            &mut hub,
            &manager,
            now + Duration::seconds(30),
            std::path::Path::new(&genuine.path),
            &mut |_| {},
        )
        .expect("genuine");
        let err = import::import(
            &mut hub,
            &manager,
            now + Duration::seconds(35),
            std::path::Path::new(&stolen.path),
            &mut |_| {},
        )
        .expect_err("the copy's batch is a fork");
        assert!(err.to_string().contains("分叉"), "{err}");
    }

    let w = Window::open(hub_dir, hub_db).await;
    w.login("manager", "manager-pass1").await;
    w.click("#menu-exchange").await;
    let alert = w.wait_text("#fork-alert", "发现 1 处分叉").await;
    assert!(alert.contains("请查看下方"), "{alert}");
    let item = w
        .wait_text("#fork-list li[data-code=\"A02\"]", "未吊销")
        .await;
    assert!(item.contains("设备 A02 第"), "{item}");
    assert!(item.contains("办件受理") || item.contains("受理"), "{item}");
    w.scroll_to("#fork-list").await;
    w.screenshot(&screenshot_path(&w, "window-exchange-fork.png"))
        .await;

    // Revoked by keyboard from the device row: the fork says so, and the
    // warning is gone.
    let row = "#device-table tr[data-code=\"A02\"]";
    w.keys(&format!("{row} .revoke-device"), ENTER).await;
    w.wait("#revoke-reason-A02").await;
    w.keys("#revoke-reason-A02", "密钥被复制，已分叉").await;
    w.keys("#revoke-reason-A02", ENTER).await;
    w.wait_text(row, "吊销（密钥被复制，已分叉）").await;
    w.wait_text("#fork-list li[data-code=\"A02\"]", "已吊销")
        .await;
    w.wait_gone("#fork-alert").await;
    w.close().await;
}
