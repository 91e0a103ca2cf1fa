//! Live sync over the hall's LAN: `serve` (the hub), `sync [--hub ADDR]
//! [--once]` (a device), `discover` (the hubs answering on the LAN) and
//! `init --join-hub ADDR` (a new PC joining over the LAN). What happens is
//! logged on stderr, a line each, with the time.

use std::io::Write as _;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use std::fmt::Write as _;
use std::net::ToSocketAddrs;
use std::time::Duration;

use super::args::InitArgs;
use super::commands::{now, Ctx};
use super::output::print;
use bianmin::exchange::join::JoinInput;
use bianmin::store::device::DeviceRole;
use bianmin::store::Store;
use bianmin::sync::settings::{self, Plan};
use bianmin::sync::{device, discovery, enrol, hub, link::Mode, Notice, SyncError};
use bianmin::Result;

fn log(n: Notice) {
    eprintln!("{} {n}", now().format("%H:%M:%S%.3f"));
}

pub(super) fn serve(ctx: &Ctx, listen: &str) -> Result<()> {
    // Opened once here (an encrypted one with the login given); each
    // connection then opens its own, with the same key.
    let key = ctx.initialized()?.key().cloned();
    let db = ctx.db.clone();
    let open: Arc<hub::Opener> = Arc::new(move || Ok(Store::open_again(&db, key.as_ref())?));
    let json = ctx.json;
    hub::serve(
        open,
        listen,
        Arc::new(AtomicBool::new(false)),
        Arc::new(now),
        Arc::new(log),
        &|s| {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"listen": s.addr.to_string(), "device_code": s.device_code, "fingerprint": s.fingerprint})
                );
            } else {
                println!(
                    "同步服务已启动：监听 {}（本机 {}，指纹 {}）",
                    s.addr, s.device_code, s.fingerprint
                );
            }
            let _ = std::io::stdout().flush();
        },
    )
}

pub(super) fn sync(ctx: &Ctx, hub_addr: Option<&str>, once: bool) -> Result<()> {
    let mut store = ctx.initialized()?;
    // Without --hub: the address set on this PC, else found on the LAN.
    let target = match (hub_addr, settings::plan(store.conn())?) {
        (Some(a), _) => device::Target::Address(a.to_owned()),
        (None, Plan::Follow(a)) => device::Target::Address(a),
        (None, _) => device::Target::Discover,
    };
    let stop = AtomicBool::new(false);
    if once {
        device::exchange_once(&mut store, &target, Mode::Once, &stop, &now, &log)?;
        println!("已与中心汇总机同步，数据一致");
        return Ok(());
    }
    device::keep_in_step(&mut store, &target, &stop, &now, &log);
    Ok(())
}

pub(super) fn discover(ctx: &Ctx, to: &[String], wait_ms: u64) -> Result<()> {
    let wait = Duration::from_millis(wait_ms.clamp(100, 30_000));
    let found = if to.is_empty() {
        discovery::probe_lan(wait)
    } else {
        let mut targets = Vec::new();
        for t in to {
            let addr = device::hub_address(t);
            let resolved = addr
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .ok_or_else(|| SyncError::BadHubAddress(t.clone()))?;
            targets.push(resolved);
        }
        discovery::probe(&targets, wait)
    };
    print(ctx.json, &found, |found| {
        if found.is_empty() {
            return "局域网中没有找到中心汇总机".to_owned();
        }
        let mut s = String::from("找到的中心汇总机：");
        for f in found {
            let _ = write!(
                s,
                "\n{}  {}（{}）  汇总机 {}  指纹 {}",
                f.address,
                f.beacon.center_name,
                f.beacon.center_code,
                f.beacon.hub_code,
                f.beacon.fingerprint
            );
        }
        s
    });
    Ok(())
}

/// `init --join-hub ADDR`: asks the hub to join and waits for a manager.
pub(super) fn join_over_lan(ctx: &Ctx, a: &InitArgs, hub: &str, role: DeviceRole) -> Result<()> {
    let input = JoinInput {
        device_code: a.device_code.clone(),
        role,
        fingerprint: a.fingerprint.clone(),
        join_code: None,
    };
    let stop = AtomicBool::new(false);
    let (_, r) = bianmin::setup::on_new_database(&ctx.db, a.encrypt, |store| {
        enrol::ask_to_join(store, hub, &input, &stop, &now, &|w| {
            if ctx.json {
                eprintln!("{}", serde_json::to_string(w).unwrap_or_default());
            } else {
                eprintln!(
                    "已向{}（{}）的中心汇总机 {}（{}）申请加入。\n汇总机指纹：{}\n本机指纹：{}\n请中心负责人在汇总机的“数据交换”页面核对本机指纹后批准……",
                    w.hub.center_name, w.hub.center_code, w.hub.device_code, w.hub_address, w.hub.fingerprint, w.own_fingerprint
                );
            }
        })
    })?;
    print(ctx.json, &r, |r| {
        format!(
            "已加入：{}（{}），本机为设备 {}（{}）\n已导入 {} 条事件；本机此后通过局域网与中心汇总机 {} 同步",
            r.device.center_name,
            r.device.center_code,
            r.device.device_code,
            r.device.role.label(),
            r.import.added,
            r.hub_code
        )
    });
    Ok(())
}
