//! `bianmin bench intake`: accepted-case commit latency and throughput
//! with many cases already in the database.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Duration as Days, FixedOffset, NaiveDate, TimeZone};
use serde::Serialize;

use bianmin::applicant::{id_number, IdType, Person};
use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{Role, Session};
use bianmin::intake::{self, record::record_in, Application, Outcome};
use bianmin::setup::{self, SetupInput};
use bianmin::store::device::DeviceRole;
use bianmin::store::Store;

use super::Latency;

/// The result of `bianmin bench intake`.
#[derive(Debug, Clone, Serialize)]
pub struct IntakeBench {
    pub existing_cases: usize,
    pub seed_seconds: f64,
    /// One accepted case per transaction, synchronous=FULL, as at the counter.
    pub accepted_commit: Latency,
    /// Accepted cases per second when taken one transaction each.
    pub intakes_per_second: f64,
    pub database_bytes: u64,
    /// With `--scan-kb`: the size of the scan attached after each intake,
    /// and the latency of the intake and its attachment together.
    pub scan_bytes: u64,
    pub with_scan: Option<Latency>,
}

/// A PNG of incompressible noise of about `kb` KB, its first pixel from
/// `n` so that each sample is a different file (a different hash).
pub(crate) fn noise_png(kb: usize, n: usize) -> Vec<u8> {
    let side = ((kb * 1024 / 3) as f64).sqrt().ceil() as u32;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ n as u64;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let b = state.to_le_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding a generated image into memory cannot fail but for memory.
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

/// A fixed weekday in a loaded calendar year, so figures do not depend on
/// the day the benchmark runs.
pub(crate) fn bench_time(day: NaiveDate, seconds: i64) -> DateTime<FixedOffset> {
    let tz = FixedOffset::east_opt(8 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC offset"));
    let naive = day.and_hms_opt(8, 30, 0).unwrap_or_default() + Days::seconds(seconds);
    tz.from_local_datetime(&naive)
        .single()
        .unwrap_or_else(|| tz.from_utc_datetime(&naive))
}

/// A synthetic applicant with a valid ID number, distinct per `n`.
pub fn synthetic_applicant(n: usize) -> Person {
    // Born 1930–2009 on any day of the year, a sequence of their own.
    let first17 = format!(
        "371402{:04}{:02}{:02}{:03}",
        1930 + n % 80,
        1 + (n / 80) % 12,
        1 + (n / 960) % 28,
        (n / 26_880) % 1000
    );
    Person {
        name: synthetic_name(n),
        id_type: IdType::ResidentId,
        id_number: id_number::with_check_char(&first17).unwrap_or_default(),
        phone: format!("139{:08}", n % 100_000_000),
        address: format!(
            "{}{}{}组",
            TOWNS[n % TOWNS.len()],
            VILLAGES[(n / 7) % VILLAGES.len()],
            1 + n % 12
        ),
    }
}

/// Common surnames, the most common more than once (as they are met).
const SURNAMES: [&str; 48] = [
    "王", "王", "李", "李", "张", "张", "刘", "刘", "陈", "陈", "杨", "黄", "赵", "吴", "周", "徐",
    "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩",
    "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "欧阳", "司马",
    "诸葛",
];

/// Characters of given names.
const GIVEN: [&str; 48] = [
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "兰", "霞", "平", "刚", "桂", "华", "玉", "萍", "红", "建", "文", "辉", "国",
    "庆", "春", "梅", "兵", "琴", "云", "莲", "珍", "凤", "海", "燕", "晨", "宇", "浩", "欣", "怡",
];

const TOWNS: [&str; 4] = ["新湖街道", "姚家街道", "柳林镇", "王庄镇"];

const VILLAGES: [&str; 40] = [
    "杨庄村",
    "李家洼村",
    "前进村",
    "后屯村",
    "张家庄村",
    "东关村",
    "西关村",
    "南湖村",
    "北岭村",
    "石桥村",
    "河口村",
    "柳树村",
    "大王村",
    "小王村",
    "新庄村",
    "老庄村",
    "刘家村",
    "赵家村",
    "马坊村",
    "孙集村",
    "高楼村",
    "白庙村",
    "黄河村",
    "青山村",
    "红旗村",
    "胜利村",
    "和平村",
    "团结村",
    "光明村",
    "朝阳村",
    "双庙村",
    "三里村",
    "五里村",
    "八里村",
    "十里铺村",
    "沙河村",
    "桃园村",
    "杏园村",
    "梨园村",
    "枣林村",
];

/// A name as a township's applicants have them: a common surname, then
/// one or (more often) two given characters; spread by a multiplicative
/// hash so neighbouring numbers differ.
fn synthetic_name(n: usize) -> String {
    let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16;
    let pick = |k: u64, list: &[&'static str]| list[(k % list.len() as u64) as usize];
    let surname = pick(h, &SURNAMES);
    let first = pick(h >> 8, &GIVEN);
    if (h >> 20) % 10 < 4 {
        format!("{surname}{first}")
    } else {
        format!("{surname}{first}{}", pick(h >> 28, &GIVEN))
    }
}

/// An application that is accepted (all materials of a promised matter).
pub(crate) fn accepted_application(n: usize) -> Application {
    Application {
        matter_code: "MZ-005".into(),
        applicant: synthetic_applicant(n),
        proxy: None,
        provided: vec!["1".into(), "2".into(), "3".into(), "5".into()],
        refusal_reason: None,
        resubmission_of: None,
        tolerate: false,
        promised: Vec::new(),
    }
}

/// Sets up a bench database in `dir` with a clerk session.
pub fn bench_store(dir: &Path, now: DateTime<FixedOffset>) -> bianmin::Result<(Store, Session)> {
    bench_store_at(&dir.join("bench.db"), now, false)
}

/// Sets up a bench database at `path`, encrypted when asked (as an agent
/// laptop's is), with a clerk session.
pub fn bench_store_at(
    path: &Path,
    now: DateTime<FixedOffset>,
    encrypt: bool,
) -> bianmin::Result<(Store, Session)> {
    for p in bianmin::store::files_of(path) {
        let _ = std::fs::remove_file(p);
    }
    let (mut store, _) = setup::on_new_database(path, encrypt, |store| {
        setup::init(
            store,
            now,
            SetupInput {
                center_code: "371402101".into(),
                center_name: "基准测试便民服务中心".into(),
                device_code: "A01".into(),
                role: DeviceRole::Counter,
                admin: NewUser {
                    username: "admin".into(),
                    display_name: "管理员".into(),
                    staff_no: "9001".into(),
                    role: Role::Admin,
                    password: "bench-admin".into(),
                },
                profile: None,
            },
        )
    })?;
    let admin = users::verify_credentials(store.conn(), "admin", "bench-admin")?;
    users::add(
        &mut store,
        &admin,
        now,
        &NewUser {
            username: "clerk".into(),
            display_name: "窗口人员".into(),
            staff_no: "0101".into(),
            role: Role::Clerk,
            password: "bench-clerk".into(),
        },
    )?;
    let clerk = users::verify_credentials(store.conn(), "clerk", "bench-clerk")?;
    Ok((store, clerk))
}

/// Adds `count` accepted cases spread over working days of 2025, 400 a day,
/// in one transaction (the same code path as a real intake).
pub fn seed_cases(store: &mut Store, clerk: &Session, count: usize) -> bianmin::Result<()> {
    let first = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default();
    store.write(|tx| {
        for n in 0..count {
            let day = first + Days::days((n / 400) as i64);
            let at = bench_time(day, (n % 400) as i64 * 60);
            let r = record_in(tx, clerk, at, accepted_application(n))?;
            debug_assert_eq!(r.outcome, Outcome::Accepted);
        }
        Ok(())
    })
}

/// Accepted-case commit latency and intake throughput with `existing` cases
/// already in the database.
pub fn intake(
    dir: &Path,
    existing: usize,
    samples: usize,
    encrypt: bool,
    scan_kb: usize,
) -> bianmin::Result<IntakeBench> {
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let (mut store, clerk) = bench_store_at(&dir.join("bench.db"), bench_time(day, 0), encrypt)?;
    let started = Instant::now();
    seed_cases(&mut store, &clerk, existing)?;
    let seed_seconds = started.elapsed().as_secs_f64();
    // The seed is one huge transaction; fold its log into the file first,
    // as a counter that has run for months has, so the samples do not
    // compete with copying 100 000 cases.
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(bianmin::store::StoreError::from)?;
    let mut durations = Vec::with_capacity(samples);
    let all = Instant::now();
    for n in 0..samples {
        let app = accepted_application(existing + n);
        let t = Instant::now();
        intake::record(&mut store, &clerk, bench_time(day, n as i64), app)?;
        durations.push(t.elapsed());
    }
    let total = all.elapsed().as_secs_f64();
    // Then each intake with a scan attached at once (the clerk's 扫描件
    // at the counter): both commits timed together.
    let mut scan_bytes = 0;
    let with_scan = if scan_kb > 0 {
        let mut timed = Vec::with_capacity(samples);
        for n in 0..samples {
            let app = accepted_application(existing + samples + n);
            let scan = noise_png(scan_kb, n);
            scan_bytes = scan.len() as u64;
            let at = bench_time(day, (samples + n) as i64);
            let t = Instant::now();
            let r = intake::record(&mut store, &clerk, at, app)?;
            bianmin::scans::attach_bytes(&mut store, &clerk, at, &r.case_no, 1, "扫描.png", &scan)?;
            timed.push(t.elapsed());
        }
        Some(Latency::of(&mut timed))
    } else {
        None
    };
    let path = dir.join("bench.db");
    let database_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(IntakeBench {
        existing_cases: existing,
        seed_seconds,
        accepted_commit: Latency::of(&mut durations),
        intakes_per_second: samples as f64 / total.max(f64::EPSILON),
        database_bytes,
        scan_bytes,
        with_scan,
    })
}
