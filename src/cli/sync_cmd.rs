//! Live sync over the hall's LAN: `serve` (the hub) and `sync --hub ADDR
//! [--once]` (a device). What happens is logged on stderr, a line each,
//! with the time.

use std::io::Write as _;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::commands::{now, Ctx};
use bianmin::store::Store;
use bianmin::sync::{device, hub, link::Mode, Notice};
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

pub(super) fn sync(ctx: &Ctx, hub_addr: &str, once: bool) -> Result<()> {
    let mut store = ctx.initialized()?;
    let stop = AtomicBool::new(false);
    if once {
        device::exchange_once(&mut store, hub_addr, Mode::Once, &stop, &now, &log)?;
        println!("已与中心汇总机同步，数据一致");
        return Ok(());
    }
    device::keep_in_step(&mut store, hub_addr, &stop, &now, &log);
    Ok(())
}
