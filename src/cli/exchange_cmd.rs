//! The exchange commands: `device key|trust|list`, `export`, `import`,
//! `exchange` (gaps, conflicts, recent batches) and `init --join`.

use std::fmt::Write as _;

use super::args::{DeviceCommand, ExportArgs, InitArgs};
use super::commands::{date, now, Ctx};
use super::output::print;
use bianmin::exchange::export::{self, ExportRequest};
use bianmin::exchange::join::{self, JoinInput};
use bianmin::exchange::{conflicts, devices, import, keys, Progress};
use bianmin::store::device::{self, DeviceRole};
use bianmin::sync::enrol;
use bianmin::Result;

/// Progress on stderr, overwriting one line.
fn progress(label: &'static str) -> impl FnMut(Progress) {
    move |p: Progress| {
        eprint!("\r{label}：{}/{} 条事件", p.done, p.total);
        if p.done == p.total {
            eprintln!();
        }
    }
}

pub(super) fn join_center(ctx: &Ctx, a: &InitArgs, role: DeviceRole) -> Result<()> {
    let Some(batch) = &a.join else {
        return Ok(());
    };
    let mut on = progress("导入中心数据");
    let (_, r) = bianmin::setup::on_new_database(&ctx.db, a.encrypt, |store| {
        join::join(
            store,
            now(),
            &JoinInput {
                device_code: a.device_code.clone(),
                role,
                fingerprint: a.fingerprint.clone(),
                join_code: a.join_code.clone(),
            },
            batch,
            &mut on,
        )
    })?;
    print(ctx.json, &r, |r| {
        format!(
            "已加入：{}（{}），本机为设备 {}（{}）\n中心电脑 {} 的指纹：{}（请与中心电脑屏幕上显示的核对）\n已导入 {} 条事件\n本机指纹：{}\n请把下面这一行（或 bianmin device key --out 写出的文件）交给中心负责人登记：\n{}",
            r.device.center_name,
            r.device.center_code,
            r.device.device_code,
            r.device.role.label(),
            r.hub_code,
            r.hub_fingerprint,
            r.import.added,
            r.fingerprint,
            r.key_line
        )
    });
    Ok(())
}

pub(super) fn device_cmd(ctx: &Ctx, command: Option<DeviceCommand>) -> Result<()> {
    match command {
        None => {
            let store = ctx.open()?;
            let d = device::load(store.conn())?;
            print(ctx.json, &d, |d| {
                format!(
                    "服务中心：{}（{}）\n设备编号：{}（{}）\n设备标识：{}",
                    d.center_name,
                    d.center_code,
                    d.device_code,
                    d.role.label(),
                    d.device_id
                )
            });
        }
        Some(DeviceCommand::Key { out }) => {
            let store = ctx.open()?;
            device::load(store.conn())?;
            // A database set up before the exchange existed gets its key now.
            keys::create_if_missing(store.conn(), now())?;
            let line = keys::own_line(store.conn())?;
            if let Some(path) = &out {
                bianmin::files::write_atomic(path, format!("{}\n", line.to_line()).as_bytes())?;
            }
            print(ctx.json, &line, |l| {
                let mut s = format!(
                    "设备 {}（{}）指纹：{}\n{}",
                    l.device_code,
                    l.role.label(),
                    l.fingerprint,
                    l.to_line()
                );
                if let Some(path) = &out {
                    let _ = write!(s, "\n已写入 {}", path.display());
                }
                s
            });
        }
        Some(DeviceCommand::Trust { key }) => {
            let (mut store, session) = ctx.login()?;
            let d = devices::trust(&mut store, &session, now(), &keys::key_text(&key)?)?;
            print(ctx.json, &d, |d| {
                format!(
                    "已登记信任设备 {}（{}），指纹 {}；此后接受它导出的批次",
                    d.device_code, d.role_label, d.fingerprint
                )
            });
        }
        Some(DeviceCommand::Requests { all }) => {
            let store = ctx.open()?;
            let list = enrol::requests(store.conn(), all)?;
            print(ctx.json, &list, |list| {
                if list.is_empty() {
                    return "没有待批准的加入申请".to_owned();
                }
                let mut s = String::from("加入申请：");
                for r in list {
                    let _ = write!(
                        s,
                        "\n{}  {}  {}  指纹 {}  来自 {}  {}  {}",
                        r.request_no,
                        r.device_code,
                        r.role_label,
                        r.fingerprint,
                        r.peer_address,
                        r.requested_at,
                        r.state_label
                    );
                }
                s
            });
        }
        Some(DeviceCommand::Approve { request }) => {
            let (mut store, session) = ctx.login()?;
            let d = enrol::approve(&mut store, &session, now(), request)?;
            print(ctx.json, &d, |d| {
                format!(
                    "已批准：登记信任设备 {}（{}），指纹 {}；中心数据正发往该电脑",
                    d.device_code, d.role_label, d.fingerprint
                )
            });
        }
        Some(DeviceCommand::Decline { request }) => {
            let (mut store, session) = ctx.login()?;
            let r = enrol::decline(&mut store, &session, now(), request)?;
            print(ctx.json, &r, |r| {
                format!(
                    "已拒绝 {} 的加入申请（编号 {}）",
                    r.device_code, r.request_no
                )
            });
        }
        Some(DeviceCommand::Revoke { code, reason }) => {
            let (mut store, session) = ctx.login()?;
            let d = devices::revoke(&mut store, &session, now(), &code, &reason)?;
            print(ctx.json, &d, |d| {
                format!(
                    "已吊销设备 {} 的密钥（指纹 {}）：此后拒绝它的批次；该电脑需以新密钥重新加入",
                    d.device_code, d.fingerprint
                )
            });
        }
        Some(DeviceCommand::Forks) => {
            let store = ctx.open()?;
            let list = bianmin::exchange::forks::list(store.conn())?;
            print(ctx.json, &list, |list| {
                if list.is_empty() {
                    return "没有分叉".to_owned();
                }
                let mut s = String::from("分叉（同一设备同一序号的两个不同事件）：");
                for f in list {
                    let _ = write!(
                        s,
                        "\n设备 {} 第 {} 号：本机 {} {}　另一份 {} {}（来自 {} 的批次 {}）{}",
                        f.device_code,
                        f.seq,
                        f.held.at,
                        f.held.what,
                        f.other.at,
                        f.other.what,
                        f.writer_code,
                        f.batch_file,
                        if f.revoked {
                            "　已吊销"
                        } else {
                            "　未吊销"
                        }
                    );
                }
                s
            });
        }
        Some(DeviceCommand::List) => {
            let store = ctx.open()?;
            let list = devices::standing(store.conn(), now())?;
            print(ctx.json, &list, |list| {
                let mut s = String::from("本机信任的设备：");
                for d in list {
                    let _ = write!(
                        s,
                        "\n{}  {}  指纹 {}  登记于 {}  {}",
                        d.device.device_code,
                        d.device.role_label,
                        d.device.fingerprint,
                        d.device.trusted_at,
                        d.note
                    );
                }
                s
            });
        }
    }
    Ok(())
}

pub(super) fn export_cmd(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    let (mut store, session) = ctx.login()?;
    let since_batch = match a.since_batch.as_deref().map(str::trim) {
        None | Some("last") => None,
        Some(n) => Some(n.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            bianmin::exchange::ExchangeError::Manifest(format!(
                "--since-batch 应为 last 或批次号，不是“{n}”"
            ))
        })?),
    };
    let request = ExportRequest {
        out_dir: a.out,
        destination: a.destination,
        since_batch,
        date: a.date.as_deref().map(date).transpose()?,
    };
    let mut on = progress("导出");
    let r = export::export(&mut store, &session, now(), &request, &mut on)?;
    print(ctx.json, &r, |r| {
        let mut text = format!(
            "已导出第 {} 批（发往{}）：{}\n事件 {} 条，办件 {} 件，{}{} 字节\n已加密，只有{}能打开",
            r.batch_no,
            export::destination_label(&r.destination),
            r.path,
            r.events,
            r.cases,
            if r.scans > 0 {
                format!("扫描件 {} 个，", r.scans)
            } else {
                String::new()
            },
            r.bytes,
            r.sealed_for.join("、")
        );
        if let Some(code) = &r.join_code {
            text.push_str(&format!(
                "\n加入口令：{code}\n（只显示这一次。新电脑加入时输入：bianmin init --join 批次文件 --join-code {code}；口令不要和 U 盘放在一起）"
            ));
        }
        text
    });
    Ok(())
}

pub(super) fn import_cmd(ctx: &Ctx, file: &std::path::Path) -> Result<()> {
    let (mut store, session) = ctx.login()?;
    let mut on = progress("导入");
    let r = import::import(&mut store, &session, now(), file, &mut on)?;
    print(ctx.json, &r, |r| {
        if let Some(at) = &r.already_imported_at {
            return format!(
                "批次 {}（{} 第 {} 批）已于 {} 导入过，没有新的数据，本机未作改动",
                r.file_name, r.from_device, r.batch_no, at
            );
        }
        let mut s = format!(
            "已核对：{}\n已导入 {}（{} 第 {} 批）：新增事件 {} 条，涉及办件 {} 件；已有 {} 条",
            import::CHECKS.join(" ✓ "),
            r.file_name,
            r.from_device,
            r.batch_no,
            r.added,
            r.cases,
            r.already_present
        );
        if r.scans > 0 {
            let _ = write!(s, "；收到扫描件 {} 个", r.scans);
        }
        if r.released > 0 {
            let _ = write!(s, "；补齐缺口后写入先前暂存的 {} 条", r.released);
        }
        if r.held > 0 {
            let _ = write!(s, "\n暂存 {} 条（等待更早的批次）", r.held);
        }
        for g in &r.gaps {
            let _ = write!(s, "\n{}", g.message);
        }
        if r.new_conflicts > 0 {
            let _ = write!(
                s,
                "\n发现 {} 条冲突记录（已保留，未改变办件），请负责人用 bianmin exchange 查看",
                r.new_conflicts
            );
        }
        s
    });
    Ok(())
}

pub(super) fn status_cmd(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    device::load(store.conn())?;
    let gaps = import::gaps(store.conn())?;
    let conflicts = conflicts::open(store.conn())?;
    let status = serde_json::json!({ "gaps": &gaps, "conflicts": &conflicts });
    print(ctx.json, &status, |_| {
        let mut s = String::new();
        if gaps.is_empty() {
            s.push_str("没有待补的批次缺口");
        }
        for g in &gaps {
            let _ = writeln!(s, "{}（暂存 {} 条）", g.message, g.held);
        }
        let _ = write!(s, "\n未处理的冲突 {} 条", conflicts.len());
        for c in &conflicts {
            let r = &c.refused;
            let _ = write!(
                s,
                "\n{} 第 {} 号 {} {}（{} {}）：{}",
                r.device_code,
                c.seq,
                c.case_no.as_deref().unwrap_or("—"),
                r.what,
                r.user,
                r.at,
                c.reason
            );
            if let Some(st) = &c.standing {
                let _ = write!(
                    s,
                    "\n    现行的一步：{} 第 {} 号 {}（{} {}）",
                    st.device_code, st.seq, st.what, st.user, st.at
                );
            }
        }
        s
    });
    Ok(())
}

pub(super) fn resolve_cmd(
    ctx: &Ctx,
    device: &str,
    seq: i64,
    apply: bool,
    reason: &str,
) -> Result<()> {
    let (mut store, session) = ctx.login()?;
    let resolution = if apply {
        conflicts::Resolution::Apply
    } else {
        conflicts::Resolution::Keep
    };
    let r = conflicts::resolve(&mut store, &session, now(), device, seq, resolution, reason)?;
    print(ctx.json, &r, |r| {
        format!(
            "冲突已处理（{}）{}{}",
            r.label,
            r.case_no
                .as_deref()
                .map(|n| format!("，办件 {n}"))
                .unwrap_or_default(),
            r.case_state
                .map(|s| format!("现为“{s}”"))
                .unwrap_or_default()
        )
    });
    Ok(())
}
