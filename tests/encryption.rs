//! The encrypted database of an agent laptop: the file, its WAL and its key
//! file hold no applicant data in clear; only a login opens it; wrong
//! passwords lock the account even while the database is shut and reach
//! the audit log; users follow the hub's batches; backups stay encrypted
//! and restore with a login; a failed encrypted set-up leaves nothing.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset};

use bianmin::auth::key_file::KeyFile;
use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{unlock, AuthError, Role, Session};
use bianmin::backup;
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::exchange::join::{self, JoinInput};
use bianmin::exchange::{devices, import, Progress};
use bianmin::intake::{self, Outcome};
use bianmin::setup;
use bianmin::store::device::DeviceRole;
use bianmin::store::encryption;
use bianmin::store::{dump, Store, StoreError};
use bianmin::Error;
use common::*;

fn quiet() -> impl FnMut(Progress) {
    |_| {}
}

/// A hub with an agent user `zhao`, and an encrypted laptop V03 joined
/// from the hub's batch (trusted by the hub).
struct Laptop {
    hub: Center,
    usb: tempfile::TempDir,
    dir: tempfile::TempDir,
}

impl Laptop {
    fn db(&self) -> PathBuf {
        self.dir.path().join("v03.db")
    }

    fn login(&self, user: &str, password: &str) -> bianmin::Result<(Store, Session)> {
        unlock::login(&self.db(), monday(), user, password)
    }

    fn hub_batch_for_v03(&mut self, now: DateTime<FixedOffset>) -> PathBuf {
        let r = export::export(
            &mut self.hub.store,
            &self.hub.manager,
            now,
            &ExportRequest {
                out_dir: self.usb.path().to_path_buf(),
                destination: Some("V03".into()),
                since_batch: None,
                date: None,
            },
            &mut quiet(),
        )
        .unwrap();
        remember_join_code(&r);
        PathBuf::from(r.path)
    }
}

fn add_user(hub: &mut Center, username: &str, role: Role) {
    users::add(
        &mut hub.store,
        &hub.admin,
        monday(),
        &NewUser {
            username: username.into(),
            display_name: "赵代办".into(),
            staff_no: "2001".into(),
            role,
            password: format!("{username}-pass"),
        },
    )
    .unwrap();
}

fn laptop() -> Laptop {
    let mut hub = center_as(DeviceRole::Hub);
    add_user(&mut hub, "zhao", Role::Agent);
    let mut l = Laptop {
        hub,
        usb: tempfile::tempdir().unwrap(),
        dir: tempfile::tempdir().unwrap(),
    };
    let batch = l.hub_batch_for_v03(monday());
    let (_, r) = setup::on_new_database(&l.db(), true, |store| {
        join::join(
            store,
            monday(),
            &JoinInput {
                device_code: "V03".into(),
                role: DeviceRole::Agent,
                fingerprint: None,
                join_code: join_code_of(&batch),
            },
            &batch,
            &mut quiet(),
        )
    })
    .unwrap();
    devices::trust(&mut l.hub.store, &l.hub.manager, monday(), &r.key_line).unwrap();
    l
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn bytes_of(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

fn take_case(store: &mut Store, session: &Session, n: u32) -> String {
    let r = intake::record(
        store,
        session,
        monday(),
        application("MZ-006", person("欧阳秀英", n), &["1", "2"]),
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Accepted);
    r.case_no
}

#[test]
fn the_laptops_files_hold_no_applicant_data_and_only_a_login_opens_them() {
    let l = laptop();
    let db = l.db();
    let (mut store, zhao) = l.login("zhao", "zhao-pass").unwrap();
    assert!(store.is_encrypted());
    let case_no = take_case(&mut store, &zhao, 7);
    // Still open: the WAL holds the case too, and must be ciphertext.
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    for path in [&db, &wal, &encryption::key_file_path(&db)] {
        let bytes = bytes_of(path);
        for clear in [
            "欧阳秀英",
            &id(7),
            "13905341234",
            &case_no,
            "SQLite format 3",
        ] {
            assert!(
                !contains(&bytes, clear),
                "{} holds {clear} in clear",
                path.display()
            );
        }
    }
    drop(store);

    // Without the login nothing reads it: the store refuses, naming what to
    // do, and SQLite itself sees no database.
    let err = Store::open(&db).unwrap_err();
    assert!(matches!(err, StoreError::Encrypted(_)), "{err}");
    assert!(err.to_string().contains("已加密"), "{err}");
    let raw = rusqlite::Connection::open(&db).unwrap();
    assert!(raw
        .query_row("SELECT count(*) FROM cases", [], |r| r.get::<_, i64>(0))
        .is_err());
    // Another key does not open it either.
    let other = bianmin::store::DbKey::generate();
    assert!(matches!(
        Store::open_encrypted(&db, &other).unwrap_err(),
        StoreError::WrongKey(_)
    ));

    // The login screen can name the device before anyone logs in.
    let dev = unlock::device(&db).unwrap();
    assert_eq!(
        (dev.device_code.as_str(), dev.role),
        ("V03", DeviceRole::Agent)
    );

    // The right login opens it, with the case.
    let (store, _) = l.login("zhao", "zhao-pass").unwrap();
    let n: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM cases WHERE case_no = ?1",
            [&case_no],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn the_laptops_cases_reach_the_hub_through_a_batch() {
    let mut l = laptop();
    let (mut store, zhao) = l.login("zhao", "zhao-pass").unwrap();
    let case_no = take_case(&mut store, &zhao, 8);
    let r = export::export(
        &mut store,
        &zhao,
        monday(),
        &ExportRequest {
            out_dir: l.usb.path().to_path_buf(),
            destination: None,
            since_batch: None,
            date: None,
        },
        &mut quiet(),
    )
    .unwrap();
    import::import(
        &mut l.hub.store,
        &l.hub.manager,
        monday(),
        Path::new(&r.path),
        &mut quiet(),
    )
    .unwrap();
    let dump_hub = dump::projections(l.hub.store.conn()).unwrap();
    assert!(dump_hub.contains(&case_no), "the hub has the laptop's case");
}

fn failed_events(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT payload FROM events WHERE kind = 'auth.login_failed' ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn wrong_passwords_lock_the_shut_laptop_and_reach_the_audit_log_at_the_next_login() {
    let l = laptop();
    let db = l.db();
    let t0 = monday();
    let db_before = bytes_of(&db);
    for n in 1..=4 {
        let err = unlock::login(&db, t0 + Duration::minutes(n), "zhao", "guess").unwrap_err();
        assert!(
            matches!(err, Error::Auth(AuthError::BadCredentials)),
            "{err}"
        );
    }
    let err = unlock::login(&db, t0 + Duration::minutes(5), "zhao", "guess").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Locked { attempts: 5, .. })),
        "{err}"
    );
    assert!(err.to_string().contains("已锁定"), "{err}");
    // Locked: even the right password is refused, without trying it.
    let err = unlock::login(&db, t0 + Duration::minutes(6), "zhao", "zhao-pass").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Locked { .. })),
        "{err}"
    );
    assert_eq!(
        bytes_of(&db),
        db_before,
        "the shut database was not touched"
    );
    let keys = KeyFile::read(&encryption::key_file_path(&db)).unwrap();
    assert_eq!(keys.entry("zhao").unwrap().failures.len(), 5);

    // An unknown user is refused like a wrong password.
    let err = unlock::login(&db, t0, "nobody", "zhao-pass").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::BadCredentials)),
        "{err}"
    );

    // After the 15 minutes the right password opens it; the five failures
    // are now in the audit log, and the count starts afresh.
    let (store, _) = unlock::login(&db, t0 + Duration::minutes(21), "zhao", "zhao-pass").unwrap();
    let failed = failed_events(&store);
    assert_eq!(failed.len(), 5, "{failed:?}");
    assert!(failed[4].contains("\"failures\":5") && failed[4].contains("locked_until"));
    assert!(failed.iter().all(|p| p.contains("\"at\":")));
    let keys = KeyFile::read(&encryption::key_file_path(&db)).unwrap();
    assert!(keys.entry("zhao").unwrap().failures.is_empty());
    let (failed_logins, locked): (i64, Option<String>) = store
        .conn()
        .query_row(
            "SELECT failed_logins, locked_until FROM users WHERE username = 'zhao'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((failed_logins, locked), (0, None));
}

#[test]
fn users_added_and_disabled_on_the_hub_follow_the_batch_to_the_laptop() {
    let mut l = laptop();
    // Before: the hub's clerk can open the laptop, a new agent cannot.
    l.login("clerk", "clerk-pass").unwrap();
    assert!(l.login("sun", "sun-pass").is_err());
    add_user(&mut l.hub, "sun", Role::Agent);
    users::disable(&mut l.hub.store, &l.hub.admin, monday(), "clerk").unwrap();
    let batch = l.hub_batch_for_v03(monday() + Duration::minutes(5));
    let (mut store, zhao) = l.login("zhao", "zhao-pass").unwrap();
    import::import(&mut store, &zhao, monday(), &batch, &mut quiet()).unwrap();
    drop(store);
    // The import's commit rewrote the key file: sun in, the clerk out.
    l.login("sun", "sun-pass").unwrap();
    let err = l.login("clerk", "clerk-pass").unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::BadCredentials)),
        "{err}"
    );
    let keys = KeyFile::read(&encryption::key_file_path(&l.db())).unwrap();
    assert!(keys.entry("clerk").is_none());
}

/// The way a laptop's key was recovered before unlock keys: the key that
/// wrapped it was SHA-256 of a domain and the user's argon2id hash output,
/// which the hub's batches carry. `None` when that does not open `entry`.
fn unwrap_with_the_login_hash(
    entry: &bianmin::auth::key_file::Entry,
    device_id: &str,
    phc: &str,
) -> Option<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    use sha2::{Digest, Sha256};
    let parsed = argon2::password_hash::PasswordHash::new(phc).unwrap();
    let output = parsed.hash.unwrap();
    let mut h = Sha256::new();
    h.update(b"bianmin/database-key-wrap/v1");
    h.update(output.as_bytes());
    let key: [u8; 32] = h.finalize().into();
    let nonce = hex::decode(&entry.nonce).ok()?;
    if nonce.len() != 12 {
        return None;
    }
    chacha20poly1305::ChaCha20Poly1305::new(&key.into())
        .decrypt(
            chacha20poly1305::Nonce::from_slice(&nonce),
            Payload {
                msg: &hex::decode(&entry.wrapped).ok()?,
                aad: format!("{}\n{device_id}", entry.user_id).as_bytes(),
            },
        )
        .ok()
}

fn login_hash(store: &Store, username: &str) -> String {
    store
        .conn()
        .query_row(
            "SELECT password_hash FROM users WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn what_the_batches_carry_does_not_open_the_laptop_without_a_password() {
    let mut l = laptop();
    let (store, _) = l.login("zhao", "zhao-pass").unwrap();
    let real_key = store.key().unwrap().bytes().to_vec();
    let device_id = bianmin::store::device::load(store.conn())
        .unwrap()
        .device_id;
    drop(store);
    let read_keys = |l: &Laptop| KeyFile::read(&encryption::key_file_path(&l.db())).unwrap();
    // Every user's login hash, as the hub's batches carry it, against
    // every wrap in the laptop's key file: none opens.
    let keys = read_keys(&l);
    assert_eq!(keys.format, 2);
    for user in ["zhao", "clerk", "admin", "manager"] {
        let phc = login_hash(&l.hub.store, user);
        for entry in &keys.entries {
            assert!(entry.enc.is_some(), "{} is sealed", entry.username);
            assert_eq!(
                unwrap_with_the_login_hash(entry, &device_id, &phc),
                None,
                "{user}'s hash opens {}'s wrap",
                entry.username
            );
        }
    }
    // A user added on the hub opens the laptop once the batch is in.
    add_user(&mut l.hub, "sun", Role::Agent);
    let batch = l.hub_batch_for_v03(monday() + Duration::minutes(5));
    let (mut store, zhao) = l.login("zhao", "zhao-pass").unwrap();
    import::import(&mut store, &zhao, monday(), &batch, &mut quiet()).unwrap();
    drop(store);
    let (store, _) = l.login("sun", "sun-pass").unwrap();
    assert_eq!(store.key().unwrap().bytes().to_vec(), real_key);
    drop(store);

    // A key file of format 1 (written before unlock keys) still opens,
    // and that way was open to anyone with the hash: shown here by
    // taking sun's unlock key away, as a password set by an old version.
    let (store, _) = l.login("zhao", "zhao-pass").unwrap();
    store
        .conn()
        .execute(
            "UPDATE users SET unlock_kdf = NULL, unlock_public = NULL WHERE username = 'sun'",
            [],
        )
        .unwrap();
    bianmin::auth::key_file::refresh(store.conn(), store.key().unwrap(), &l.db()).unwrap();
    let sun_hash = login_hash(&store, "sun");
    drop(store);
    let legacy = read_keys(&l).entry("sun").unwrap().clone();
    assert!(legacy.enc.is_none());
    assert_eq!(
        unwrap_with_the_login_hash(&legacy, &device_id, &sun_hash),
        Some(real_key.clone())
    );
    // Sun's next login gives the password an unlock key, and the key file
    // is sealed again: the hash opens nothing, the password still does.
    l.login("sun", "sun-pass").unwrap();
    let upgraded = read_keys(&l).entry("sun").unwrap().clone();
    assert!(upgraded.enc.is_some());
    assert_eq!(
        unwrap_with_the_login_hash(&upgraded, &device_id, &sun_hash),
        None
    );
    let (store, _) = l.login("sun", "sun-pass").unwrap();
    assert_eq!(store.key().unwrap().bytes().to_vec(), real_key);
}

#[test]
fn a_password_changed_on_the_laptop_or_reset_on_the_hub_opens_it_from_then_on() {
    let mut l = laptop();
    let (mut store, zhao) = l.login("zhao", "zhao-pass").unwrap();
    users::change_password(&mut store, &zhao, monday(), "zhao-pass", "zhao-new-pass").unwrap();
    drop(store);
    assert!(l.login("zhao", "zhao-pass").is_err());
    l.login("zhao", "zhao-new-pass").unwrap();
    // The hub's admin resets the clerk's password; the batch brings it.
    users::reset_password(
        &mut l.hub.store,
        &l.hub.admin,
        monday(),
        "clerk",
        "reset-123",
    )
    .unwrap();
    let batch = l.hub_batch_for_v03(monday() + Duration::minutes(5));
    let (mut store, zhao) = l.login("zhao", "zhao-new-pass").unwrap();
    import::import(&mut store, &zhao, monday(), &batch, &mut quiet()).unwrap();
    drop(store);
    assert!(l.login("clerk", "clerk-pass").is_err());
    let (store, clerk) = l.login("clerk", "reset-123").unwrap();
    assert!(users::must_change_password(store.conn(), &clerk.user_id).unwrap());
}

#[test]
fn an_encrypted_backup_stays_encrypted_and_restores_with_a_login() {
    let l = laptop();
    let db = l.db();
    let (mut store, zhao) = l.login("zhao", "zhao-pass").unwrap();
    take_case(&mut store, &zhao, 9);
    let folder = tempfile::tempdir().unwrap();
    let manager = users::verify_credentials(store.conn(), "manager", "manager-pass").unwrap();
    let r = backup::backup(&store, &manager, monday(), folder.path(), 3).unwrap();
    let file = PathBuf::from(&r.path);
    assert!(encryption::is_encrypted(&file), "the backup is ciphertext");
    assert!(!contains(&bytes_of(&file), "欧阳秀英"));
    assert!(
        encryption::key_file_path(&file).exists(),
        "its key file is beside it"
    );
    let leftovers: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Checking needs the key; with it every check passes.
    let err = backup::check(&file, None).unwrap_err();
    assert!(err.to_string().contains("已加密"), "{err}");
    assert!(backup::check(&file, store.key()).unwrap() > 0);
    let at_backup = dump::projections(store.conn()).unwrap();
    take_case(&mut store, &zhao, 10);
    drop(store);

    // A wrong password opens neither the backup nor anything else.
    let err = backup::restore(&db, &file, "manager", "wrong-pass", monday()).unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::BadCredentials)),
        "{err}"
    );
    // A clerk's wrap opens the backup, but a restore needs a manager.
    let err = backup::restore(&db, &file, "clerk", "clerk-pass", monday()).unwrap_err();
    assert!(err.to_string().contains("无权"), "{err}");
    let done = backup::restore(&db, &file, "manager", "manager-pass", monday()).unwrap();
    let (store, _) = l.login("zhao", "zhao-pass").unwrap();
    assert_eq!(dump::projections(store.conn()).unwrap(), at_backup);
    // The replaced file is kept with its own key file, and still opens.
    let kept = PathBuf::from(done.replaced_kept_as.unwrap());
    assert!(encryption::key_file_path(&kept).exists());
    unlock::login(&kept, monday(), "zhao", "zhao-pass").unwrap();
}

#[test]
fn a_failed_encrypted_set_up_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v09.db");
    let batch = dir.path().join("no-such-batch.bmb");
    let err = setup::on_new_database(&db, true, |store| {
        join::join(
            store,
            monday(),
            &JoinInput {
                device_code: "V09".into(),
                role: DeviceRole::Agent,
                fingerprint: None,
                join_code: join_code_of(&batch),
            },
            &batch,
            &mut quiet(),
        )
    })
    .unwrap_err();
    assert!(!err.to_string().is_empty());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    // An existing database is not encrypted in place.
    let plain = center();
    let path = plain.dir.path().join("center.db");
    let err = Store::create_encrypted(&path, &bianmin::store::DbKey::generate()).unwrap_err();
    assert!(matches!(err, StoreError::EncryptExisting(_)), "{err}");
    let before = std::fs::metadata(&path).unwrap().len();
    let err = setup::on_new_database(&path, true, |_| Ok(())).unwrap_err();
    assert!(err.to_string().contains("只能为新数据库启用加密"), "{err}");
    assert!(!encryption::is_encrypted(&path));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), before);
    // A file that holds nothing yet (what the window's first start leaves)
    // is replaced by the encrypted one.
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh).unwrap());
    let err = setup::on_new_database(&fresh, true, |_| Ok(())).unwrap_err();
    assert!(
        err.to_string().contains("尚未初始化"),
        "no device set up: {err}"
    );
    assert!(!fresh.exists(), "and the unopenable file is gone");
    drop(Store::open(&fresh).unwrap());
    let (store, _) = setup::on_new_database(&fresh, true, |store| {
        setup::init(store, monday(), setup_input("V05", DeviceRole::Agent))
    })
    .unwrap();
    assert!(store.is_encrypted() && encryption::is_encrypted(&fresh));
    drop(store);
    unlock::login(&fresh, monday(), "admin", "admin-pass").unwrap();
}
