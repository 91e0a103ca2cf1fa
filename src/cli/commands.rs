//! Runs each command: parse → one core call → print.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::args::*;
use super::output::print;
use super::service_cmd;
use bianmin::applicant::{id_number, IdType, Person};
use bianmin::auth::users::{self, NewUser};
use bianmin::auth::{unlock, AuthError, Role, Session};
use bianmin::calendar::schedule;
use bianmin::catalogue::{versions, withdrawal};
use bianmin::center::{self, CenterProfile};
use bianmin::documents::{self, guide, DocumentKind};
use bianmin::intake::{lookup, papers, Application, Outcome, Proxy};
use bianmin::lifecycle::{self, deadline, deadline::Light};
use bianmin::setup::{self, SetupInput};
use bianmin::store::device::{self, DeviceRole};
use bianmin::store::{verify, Store, StoreError};
use bianmin::{demo, paths, Result};

pub(super) fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

pub(super) struct Ctx {
    pub(super) db: std::path::PathBuf,
    pub(super) json: bool,
    user: Option<String>,
    password: Option<String>,
}

impl Ctx {
    /// Opens the database; an encrypted one needs the login (`--user` and
    /// the password), which is then recorded like any other.
    pub(super) fn open(&self) -> Result<Store> {
        match Store::open(&self.db) {
            Err(StoreError::Encrypted(_)) => self.unlock().map(|(store, _)| store),
            opened => Ok(opened?),
        }
    }

    /// Opens the database of an initialized device and logs the user in.
    pub(super) fn login(&self) -> Result<(Store, Session)> {
        let mut store = match Store::open(&self.db) {
            Err(StoreError::Encrypted(_)) => return self.unlock(),
            opened => opened?,
        };
        device::load(store.conn())?;
        let (Some(user), Some(password)) = (&self.user, &self.password) else {
            return Err(AuthError::LoginRequired.into());
        };
        let session = users::authenticate(&mut store, now(), user, password)?;
        Ok((store, session))
    }

    /// Opens an encrypted database with the login given.
    fn unlock(&self) -> Result<(Store, Session)> {
        let (Some(user), Some(password)) = (&self.user, &self.password) else {
            return Err(StoreError::Encrypted(self.db.display().to_string()).into());
        };
        unlock::login(&self.db, now(), user, password)
    }

    pub(super) fn initialized(&self) -> Result<Store> {
        let store = self.open()?;
        device::load(store.conn())?;
        Ok(store)
    }
}

fn read(path: &Path) -> Result<String> {
    Ok(std::fs::read_to_string(path).map_err(|e| StoreError::file(path, e))?)
}

pub(super) fn date(s: &str) -> Result<NaiveDate> {
    Ok(bianmin::calendar::parse_day(s)?)
}

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        db: paths::database(cli.db),
        json: cli.json,
        user: cli.user,
        password: cli.password,
    };
    match cli.command {
        Command::Init(a) => init(&ctx, a),
        Command::User(c) => user(&ctx, c),
        Command::Catalog(c) => catalog(&ctx, c),
        Command::Calendar(c) => calendar(&ctx, c),
        Command::Intake(a) => match a.bundle.clone() {
            Some(code) => bundle_intake_cmd(&ctx, &code, a),
            None => intake_cmd(&ctx, a),
        },
        Command::Bundles { code } => bundles_cmd(&ctx, code.as_deref()),
        Command::Case { case_no } => case(&ctx, &case_no),
        Command::Center(c) => center_cmd(&ctx, c),
        Command::Handle(h) => handle(&ctx, h),
        Command::Standin {
            absent,
            stand_in,
            from,
            to,
            end,
        } => match (to, end) {
            (Some(to), false) => standin(&ctx, &absent, &stand_in, &from, &to),
            _ => standin_end(&ctx, &absent, &stand_in, &from),
        },
        Command::Log { case_no } => log(&ctx, &case_no),
        Command::Verifications => verifications(&ctx),
        Command::Scan(c) => scan_cmd(&ctx, c),
        Command::Consult(c) => service_cmd::consult(&ctx, c),
        Command::Evaluate {
            case_no,
            consultation,
            level,
            reason,
            comment,
            channel,
        } => service_cmd::evaluate(
            &ctx,
            case_no,
            consultation,
            level,
            &reason,
            &comment,
            &channel,
        ),
        Command::Rectify(c) => service_cmd::rectify(&ctx, c),
        Command::Followup(c) => service_cmd::followup(&ctx, c),
        Command::Complaint(c) => service_cmd::complaint(&ctx, c),
        Command::Doc {
            kind,
            case_no,
            out,
            printer,
        } => doc(&ctx, &kind, &case_no, out.as_deref(), printer.as_deref()),
        Command::Printer(c) => printer_cmd(&ctx, c),
        Command::Cases(a) => cases(&ctx, a),
        Command::Idcheck { number } => idcheck(&ctx, &number),
        Command::Verify => verify_cmd(&ctx),
        Command::Ledger {
            date: day,
            format,
            out,
        } => {
            let (store, session) = ctx.login()?;
            let day = match day {
                Some(d) => date(&d)?,
                None => now().date_naive(),
            };
            let format = bianmin::reports::Format::parse(&format)?;
            let w = bianmin::reports::export_ledger(&store, &session, now(), day, format, &out)?;
            print(ctx.json, &w, |w| {
                format!(
                    "{} 日台账已导出：{}（{} 件，{} 字节）",
                    w.day, w.path, w.rows, w.bytes
                )
            });
            Ok(())
        }
        Command::Report { month, format, out } => {
            let (store, session) = ctx.login()?;
            let month = bianmin::reports::monthly::parse_month(&month)?;
            let format = bianmin::reports::Format::parse(&format)?;
            let w = bianmin::reports::export_monthly(&store, &session, now(), month, format, &out)?;
            print(ctx.json, &w, |w| {
                format!(
                    "{}年{}月 月报已导出：{}（{} 字节）",
                    month.0, month.1, w.path, w.bytes
                )
            });
            Ok(())
        }
        Command::Dashboard { as_of } => {
            let (store, session) = ctx.login()?;
            let day = match as_of {
                Some(d) => date(&d)?,
                None => now().date_naive(),
            };
            let d = bianmin::reports::dashboard::today(store.conn(), &session, day)?;
            print(ctx.json, &d, |d| {
                let pct =
                    |r: Option<f64>| r.map_or("—".to_owned(), |r| format!("{:.1}%", r * 100.0));
                let mut s = format!(
                    "{} 在办：红灯 {}，黄灯 {}，正常 {}，暂停计时 {}\n今日：接件 {}（受理 {}，即办 {}，一次性告知 {}，不予受理 {}），办结 {}\n本月：接件 {}，办结 {}，按时办结率 {}，现场办结率 {}，满意率 {}（{} 条评价）\n",
                    d.today, d.queue.red, d.queue.yellow, d.queue.green, d.queue.paused,
                    d.counts.received, d.counts.accepted, d.counts.on_the_spot, d.counts.notice, d.counts.refused, d.counts.completed,
                    d.month.received, d.month.completed, pct(d.month.on_time_rate), pct(d.month.on_the_spot_rate),
                    pct(d.month.satisfaction_rate), d.month.evaluations
                );
                for w in &d.most_overdue {
                    let _ = writeln!(
                        s,
                        "  逾期 {} 个工作日\t{}\t{}\t{}",
                        w.standing.overdue_days, w.case.case_no, w.case.matter_name, w.handler
                    );
                }
                s
            });
            Ok(())
        }
        Command::Backup { to, keep } => {
            let (store, session) = ctx.login()?;
            let r = bianmin::backup::backup(
                &store,
                &session,
                now(),
                &to,
                keep.unwrap_or(bianmin::backup::DEFAULT_KEEP),
            )?;
            print(ctx.json, &r, |r| {
                let removed = if r.removed.is_empty() {
                    String::new()
                } else {
                    format!("；已删除较早的备份 {} 份", r.removed.len())
                };
                format!(
                    "已备份到 {}（{} 字节，SHA-256 {}）{}",
                    r.path, r.bytes, r.sha256, removed
                )
            });
            Ok(())
        }
        Command::Restore { file } => {
            let (Some(user), Some(password)) = (&ctx.user, &ctx.password) else {
                return Err(AuthError::LoginRequired.into());
            };
            let r = bianmin::backup::restore(&ctx.db, &file, user, password, now())?;
            print(ctx.json, &r, |r| {
                format!(
                    "已从 {} 恢复（{} 条事件，哈希链完整）{}",
                    r.restored_from,
                    r.events,
                    r.replaced_kept_as
                        .as_ref()
                        .map(|k| format!("；原数据库保留为 {k}"))
                        .unwrap_or_default()
                )
            });
            Ok(())
        }
        Command::Rebuild => rebuild(&ctx),
        Command::Device { command } => super::exchange_cmd::device_cmd(&ctx, command),
        Command::Export(a) => super::exchange_cmd::export_cmd(&ctx, a),
        Command::Import { file } => super::exchange_cmd::import_cmd(&ctx, &file),
        Command::Exchange => super::exchange_cmd::status_cmd(&ctx),
        Command::Resolve {
            device,
            seq,
            apply,
            reason,
        } => super::exchange_cmd::resolve_cmd(&ctx, &device, seq, apply, &reason),
        Command::Serve { listen } => super::sync_cmd::serve(&ctx, &listen),
        Command::Sync { hub, once } => super::sync_cmd::sync(&ctx, hub.as_deref(), once),
        Command::Discover { to, wait_ms } => super::sync_cmd::discover(&ctx, &to, wait_ms),
        Command::Demo => demo_cmd(&ctx),
    }
}

fn init(ctx: &Ctx, a: InitArgs) -> Result<()> {
    let role = DeviceRole::parse(&a.role)?;
    if a.join.is_some() {
        return super::exchange_cmd::join_center(ctx, &a, role);
    }
    if let Some(hub) = &a.join_hub {
        return super::sync_cmd::join_over_lan(ctx, &a, hub, role);
    }
    let (_, report) = setup::on_new_database(&ctx.db, a.encrypt, |store| {
        setup::init(
            store,
            now(),
            SetupInput {
                center_code: a.center_code.unwrap_or_default(),
                center_name: a.center_name.unwrap_or_default(),
                device_code: a.device_code,
                role,
                admin: NewUser {
                    username: a.admin.unwrap_or_default(),
                    display_name: a.admin_name,
                    staff_no: a.admin_staff_no,
                    role: Role::Admin,
                    password: a.admin_password.unwrap_or_default(),
                },
                profile: a
                    .profile
                    .any()
                    .then(|| a.profile.over(CenterProfile::default())),
            },
        )
    })?;
    print(ctx.json, &report, |r| {
        format!(
            "已初始化：{}（{}），设备 {}（{}）\n系统管理员：{}\n已载入事项 {} 个，节假日安排 {:?} 年\n数据库：{}",
            r.device.center_name,
            r.device.center_code,
            r.device.device_code,
            r.device.role.label(),
            r.admin.username,
            r.matters,
            r.calendar_years,
            ctx.db.display()
        ) + if a.encrypt { "\n数据库已加密：只有本机登记的用户登录后才能打开" } else { "" }
    });
    Ok(())
}

fn user(ctx: &Ctx, c: UserCommand) -> Result<()> {
    match c {
        UserCommand::Add {
            username,
            name,
            staff_no,
            role,
            new_password,
        } => {
            let (mut store, session) = ctx.login()?;
            let role = Role::parse(&role)?;
            let info = users::add(
                &mut store,
                &session,
                now(),
                &NewUser {
                    username,
                    display_name: name,
                    staff_no,
                    role,
                    password: new_password,
                },
            )?;
            print(ctx.json, &info, |u| {
                format!(
                    "已新增用户 {}（{}，工号 {}，{}）",
                    u.username,
                    u.display_name,
                    u.staff_no,
                    u.role.label()
                )
            });
        }
        UserCommand::List => {
            let store = ctx.initialized()?;
            let list = users::list(store.conn())?;
            print(ctx.json, &list, |list| {
                let mut s = String::from("用户名\t姓名\t工号\t角色\t状态\n");
                for u in list {
                    let _ = writeln!(
                        s,
                        "{}\t{}\t{}\t{}\t{}",
                        u.username,
                        u.display_name,
                        u.staff_no,
                        u.role.label(),
                        if u.disabled { "已停用" } else { "正常" }
                    );
                }
                s
            });
        }
        UserCommand::Disable { username } => {
            let (mut store, session) = ctx.login()?;
            let info = users::disable(&mut store, &session, now(), &username)?;
            print(ctx.json, &info, |u| {
                format!("已停用用户 {}（{}）", u.username, u.display_name)
            });
        }
        UserCommand::Enable { username } => {
            let (mut store, session) = ctx.login()?;
            let info = users::enable(&mut store, &session, now(), &username)?;
            print(ctx.json, &info, |u| {
                format!("已启用用户 {}（{}）", u.username, u.display_name)
            });
        }
        UserCommand::Unlock { username } => {
            let (mut store, session) = ctx.login()?;
            let info = users::unlock(&mut store, &session, now(), &username)?;
            print(ctx.json, &info, |u| {
                format!("已解除锁定：{}（{}）", u.username, u.display_name)
            });
        }
        UserCommand::ResetPassword {
            username,
            new_password,
        } => {
            let (mut store, session) = ctx.login()?;
            let info =
                users::reset_password(&mut store, &session, now(), &username, &new_password)?;
            print(ctx.json, &info, |u| {
                format!(
                    "已重置 {}（{}）的密码，其下次登录后须先修改密码",
                    u.username, u.display_name
                )
            });
        }
        UserCommand::Role { username, role } => {
            let (mut store, session) = ctx.login()?;
            let role = Role::parse(&role)?;
            let info = users::change_role(&mut store, &session, now(), &username, role)?;
            print(ctx.json, &info, |u| {
                format!(
                    "已将 {}（{}）的角色改为{}",
                    u.username,
                    u.display_name,
                    u.role.label()
                )
            });
        }
        UserCommand::Passwd { new_password } => {
            let (mut store, session) = ctx.login()?;
            // The login's own password is the old one.
            let old = ctx.password.clone().unwrap_or_default();
            let info = users::change_password(&mut store, &session, now(), &old, &new_password)?;
            print(ctx.json, &info, |u| format!("已修改 {} 的密码", u.username));
        }
    }
    Ok(())
}

fn catalog(ctx: &Ctx, c: CatalogCommand) -> Result<()> {
    match c {
        CatalogCommand::List => {
            let store = ctx.initialized()?;
            let list = versions::list(store.conn())?;
            print(ctx.json, &list, |list| {
                let mut s = String::from("编码\t版本\t类型\t承诺/法定时限\t名称\n");
                for m in list {
                    let _ = writeln!(
                        s,
                        "{}\tv{}\t{}\t{}/{} 个工作日\t{}{}",
                        m.code,
                        m.version,
                        m.case_type,
                        m.promised_days,
                        m.statutory_days,
                        m.name,
                        if m.withdrawn { "（已停用）" } else { "" }
                    );
                }
                s
            });
        }
        CatalogCommand::Show { code } => {
            let store = ctx.initialized()?;
            let (version, matter) = versions::current(store.conn(), &code)?;
            let value = serde_json::json!({ "version": version, "matter": matter });
            print(ctx.json, &value, |_| {
                let mut s = format!(
                    "{} {}（第 {} 版）\n实施部门：{}\n办件类型：{}\n承诺时限：{} 个工作日；法定时限：{} 个工作日\n收费：{} 元（{}）\n{}\n设定依据：{}\n申请材料：\n",
                    matter.code,
                    matter.name,
                    version,
                    matter.department,
                    matter.case_type.label(),
                    matter.promised_days,
                    matter.statutory_days,
                    matter.fee,
                    matter.fee_basis,
                    if matter.in_person_only { "须本人亲自办理" } else { "可以代办" },
                    matter.legal_basis_text()
                );
                for (i, m) in matter.materials.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "  {}. {}（{}，{} 份，{}）{}",
                        i + 1,
                        m.name,
                        m.form.label(),
                        m.copies,
                        if m.required { "必交" } else { "选交" },
                        m.note
                    );
                }
                s
            });
        }
        CatalogCommand::Import { file } => {
            let text = read(&file)?;
            let (mut store, session) = ctx.login()?;
            let report = versions::import(&mut store, &session, now(), &text)?;
            print(ctx.json, &report, |r| {
                format!(
                    "事项清单已导入：新增 {} 个，更新 {} 个（生成新版本），未变 {} 个",
                    r.added.len(),
                    r.updated.len(),
                    r.unchanged
                )
            });
        }
        CatalogCommand::Export { out } => {
            let store = ctx.initialized()?;
            let text = versions::export(store.conn())?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &text).map_err(|e| StoreError::file(&path, e))?;
                    let value = serde_json::json!({ "out": path, "bytes": text.len() });
                    print(ctx.json, &value, |_| {
                        format!("事项清单已导出到 {}", path.display())
                    });
                }
                None => print!("{text}"),
            }
        }
        CatalogCommand::Withdraw { code, reason } => {
            let (mut store, session) = ctx.login()?;
            let w = withdrawal::withdraw(&mut store, &session, now(), &code, &reason)?;
            print(ctx.json, &w, |w| {
                format!("事项 {} 已停用（{}），不再受理", w.code, w.reason)
            });
        }
        CatalogCommand::Reinstate { code } => {
            let (mut store, session) = ctx.login()?;
            withdrawal::reinstate(&mut store, &session, now(), &code)?;
            let value = serde_json::json!({ "code": code.trim() });
            print(ctx.json, &value, |_| {
                format!("事项 {} 已重新启用", code.trim())
            });
        }
        CatalogCommand::Guide { code, all, out } => {
            let (mut store, session) = ctx.login()?;
            let at = now();
            let dir = out.unwrap_or_else(|| {
                bianmin::paths::documents_dir(&ctx.db, store.is_encrypted(), at.date_naive())
            });
            let which = match code {
                Some(code) if !all => guide::Guide::Matter(code),
                _ => guide::Guide::Booklet,
            };
            let g = guide::print_into(&mut store, &session, at, &which, &dir)?;
            print(ctx.json, &g, |g| {
                format!(
                    "{}（{} 个事项，{} 页）已写入 {}",
                    g.title, g.matters, g.pages, g.path
                )
            });
        }
    }
    Ok(())
}

fn calendar(ctx: &Ctx, c: CalendarCommand) -> Result<()> {
    match c {
        CalendarCommand::Due {
            from,
            days,
            suspended,
        } => {
            let from = date(&from)?;
            // Without a set-up database the shipped schedules are used.
            let cal = match ctx.initialized() {
                Ok(store) => schedule::load(store.conn())?,
                Err(_) => {
                    let years = schedule::SHIPPED
                        .iter()
                        .map(|t| schedule::YearSchedule::parse(t))
                        .collect::<std::result::Result<Vec<_>, _>>()?;
                    bianmin::calendar::Calendar::from_schedules(&years)
                }
            };
            let due = cal.due_date(from, days, suspended)?;
            let value = serde_json::json!({ "from": from, "days": days, "suspended": suspended, "due": due });
            print(ctx.json, &value, |_| due.to_string());
        }
        CalendarCommand::Import { file } => {
            let text = read(&file)?;
            let (mut store, session) = ctx.login()?;
            let loaded = schedule::import(&mut store, &session, now(), &text)?;
            print_loaded(ctx, &loaded);
        }
        CalendarCommand::Provisional { year, apply } => {
            if apply {
                let (mut store, session) = ctx.login()?;
                let loaded =
                    bianmin::calendar::provisional::apply(&mut store, &session, now(), year)?;
                print_loaded(ctx, &loaded);
            } else {
                let s = bianmin::calendar::provisional::compute(year)?;
                print(ctx.json, &s, |s| {
                    let mut out = format!("{} 年暂定节假日（{}）\n", s.year, s.source);
                    for h in &s.holidays {
                        let _ = writeln!(out, "{}：{} 至 {}", h.name, h.from, h.to);
                    }
                    out
                });
            }
        }
        CalendarCommand::Show => {
            let store = ctx.initialized()?;
            let years = schedule::years(store.conn())?;
            print(ctx.json, &years, |ys| {
                let mut s = String::new();
                for y in ys {
                    let _ = writeln!(
                        s,
                        "{} 年{}：放假 {} 天，调休上班 {} 天（{}）",
                        y.year,
                        if y.provisional { "（暂定）" } else { "" },
                        y.holidays,
                        y.workdays,
                        y.source
                    );
                }
                s
            });
        }
    }
    Ok(())
}

/// What loading a year did, for people and for scripts.
fn print_loaded(ctx: &Ctx, loaded: &schedule::Loaded) {
    let days = loaded.schedule.days().len();
    let value = serde_json::json!({
        "year": loaded.schedule.year,
        "provisional": loaded.schedule.provisional,
        "days": days,
        "moved": loaded.moved,
    });
    print(ctx.json, &value, |_| {
        let s = &loaded.schedule;
        let mut out = format!(
            "已载入 {} 年{}放假调休安排（{} 个特殊日期）",
            s.year,
            if s.provisional { "暂定" } else { "" },
            days
        );
        if loaded.moved.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(
                out,
                "；{} 件在办案件的办结期限随之调整：",
                loaded.moved.len()
            );
            for m in &loaded.moved {
                let _ = writeln!(
                    out,
                    "{}  {}  {}  {} → {}",
                    m.case_no, m.applicant_name, m.matter_name, m.old_due_date, m.new_due_date
                );
            }
        }
        out
    });
}

impl ProfileArgs {
    fn any(&self) -> bool {
        self.address.is_some()
            || self.phone.is_some()
            || self.complaint_phone.is_some()
            || self.printed_name.is_some()
            || self.office_hours.is_some()
            || self.supply_days.is_some()
            || self.warning_days.is_some()
            || self.lockout_attempts.is_some()
            || self.lockout_minutes.is_some()
            || self.idle_minutes.is_some()
            || self.rectify_days.is_some()
            || self.sample_percent.is_some()
            || self.tolerance_allowed.is_some()
            || self.scan_max_mb.is_some()
    }

    /// The given values over `base`.
    fn over(&self, base: CenterProfile) -> CenterProfile {
        CenterProfile {
            name: self.printed_name.clone().unwrap_or(base.name),
            address: self.address.clone().unwrap_or(base.address),
            phone: self.phone.clone().unwrap_or(base.phone),
            complaint_phone: self.complaint_phone.clone().unwrap_or(base.complaint_phone),
            office_hours: self.office_hours.clone().unwrap_or(base.office_hours),
            supply_days: self.supply_days.unwrap_or(base.supply_days),
            warning_days: self.warning_days.unwrap_or(base.warning_days),
            lockout_attempts: self.lockout_attempts.unwrap_or(base.lockout_attempts),
            lockout_minutes: self.lockout_minutes.unwrap_or(base.lockout_minutes),
            idle_minutes: self.idle_minutes.unwrap_or(base.idle_minutes),
            rectify_days: self.rectify_days.unwrap_or(base.rectify_days),
            sample_percent: self.sample_percent.unwrap_or(base.sample_percent),
            tolerance_allowed: self.tolerance_allowed.unwrap_or(base.tolerance_allowed),
            scan_max_mb: self.scan_max_mb.unwrap_or(base.scan_max_mb),
        }
    }
}

fn center_cmd(ctx: &Ctx, c: CenterCommand) -> Result<()> {
    let show = |p: &CenterProfile| {
        format!(
            "中心名称：{}\n地址：{}\n咨询电话：{}\n投诉电话：{}\n办公时间：{}\n一次性告知补正期限：{} 个工作日",
            p.name, p.address, p.phone, p.complaint_phone, p.office_hours, p.supply_days
        )
    };
    match c {
        CenterCommand::Show => {
            let store = ctx.initialized()?;
            print(ctx.json, &center::load(store.conn())?, show);
        }
        CenterCommand::Set(p) => {
            let (mut store, session) = ctx.login()?;
            let current = center::load(store.conn())?;
            let saved = center::set(&mut store, &session, now(), p.over(current))?;
            print(ctx.json, &saved, show);
        }
    }
    Ok(())
}

fn describe(w: &documents::WrittenDocument) -> String {
    let reprint = if w.printed.copy > 1 {
        format!("（补打第 {} 次）", w.printed.copy - 1)
    } else {
        String::new()
    };
    format!(
        "{}{} → {}（{} 页，{} 字节）",
        w.printed.title, reprint, w.path, w.printed.pages, w.bytes
    )
}

fn doc(
    ctx: &Ctx,
    kind: &str,
    case_no: &str,
    out: Option<&Path>,
    printer: Option<&str>,
) -> Result<()> {
    let kind = DocumentKind::parse(kind)?;
    let (mut store, session) = ctx.login()?;
    let at = now();
    let w = match (out, printer) {
        (Some(out), _) => documents::print_to_file(&mut store, &session, at, case_no, kind, out)?,
        (None, printer) => {
            let dir = bianmin::paths::documents_dir(&ctx.db, store.is_encrypted(), at.date_naive());
            match printer {
                Some(p) => {
                    documents::print_to_printer(&mut store, &session, at, case_no, kind, &dir, p)?
                }
                None => documents::print_into(&mut store, &session, at, case_no, kind, &dir)?,
            }
        }
    };
    print(ctx.json, &w, |w| match &w.sent_to {
        Some(s) => format!(
            "{}，已发送到打印机 {}（任务 {}）",
            describe(w),
            s.printer,
            s.job
        ),
        None => describe(w),
    });
    Ok(())
}

fn printer_cmd(ctx: &Ctx, c: PrinterCommand) -> Result<()> {
    let (mut store, session) = ctx.login()?;
    match c {
        PrinterCommand::List => {
            let o = bianmin::printing::overview(store.conn(), &session)?;
            print(ctx.json, &o, |o| {
                let mut lines = Vec::new();
                if let Some(p) = &o.service_problem {
                    lines.push(p.clone());
                }
                for p in &o.printers {
                    let state = p.problem.as_deref().unwrap_or("可以打印");
                    lines.push(format!("打印机 {}：{state}", p.name));
                }
                for c in &o.choices {
                    let to = c.printer.as_deref().unwrap_or("只保存 PDF");
                    let auto = if c.auto {
                        "，受理后自动打印"
                    } else {
                        ""
                    };
                    lines.push(format!("{} → {to}{auto}", c.label));
                }
                lines.join("\n")
            });
        }
        PrinterCommand::Set {
            kind,
            printer,
            auto,
        } => {
            let kind = DocumentKind::parse(&kind)?;
            let c = bianmin::printing::choose(
                &mut store,
                &session,
                now(),
                kind,
                printer.as_deref(),
                auto,
            )?;
            print(ctx.json, &c, |c| {
                format!(
                    "{} → {}",
                    c.label,
                    c.printer.as_deref().unwrap_or("只保存 PDF")
                )
            });
        }
    }
    Ok(())
}

/// The applicant and proxy of an intake as typed.
fn people(a: &IntakeArgs) -> Result<(Person, Option<Proxy>)> {
    let proxy = match &a.proxy_name {
        Some(name) => Some(Proxy {
            person: Person {
                name: name.clone(),
                id_type: IdType::parse(&a.proxy_id_type)?,
                id_number: a.proxy_id_number.clone().unwrap_or_default(),
                phone: a.proxy_phone.clone().unwrap_or_default(),
                address: a.proxy_address.clone().unwrap_or_else(|| a.address.clone()),
            },
            relation: a.proxy_relation.clone().unwrap_or_default(),
        }),
        None => None,
    };
    let applicant = Person {
        name: a.name.clone(),
        id_type: IdType::parse(&a.id_type)?,
        id_number: a.id_number.clone(),
        phone: a.phone.clone(),
        address: a.address.clone(),
    };
    Ok((applicant, proxy))
}

/// Values of a repeatable list option, blanks dropped.
fn listed(values: &[String]) -> Vec<String> {
    values
        .iter()
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .collect()
}

fn bundle_intake_cmd(ctx: &Ctx, code: &str, a: IntakeArgs) -> Result<()> {
    let (mut store, session) = ctx.login()?;
    let (applicant, proxy) = people(&a)?;
    let application = bianmin::intake::bundle::BundleApplication {
        bundle_code: code.to_owned(),
        applicant,
        proxy,
        provided: listed(&a.provided),
        tolerate: a.tolerate,
        promised: listed(&a.promised),
    };
    let done =
        papers::take_in_bundle(&mut store, &session, now(), application, a.print.as_deref())?;
    print(ctx.json, &done, |o| {
        let r = &o.result;
        let mut s = format!("一件事：{}（{} 个事项）\n", r.bundle.name, r.cases.len());
        for (i, c) in r.cases.iter().enumerate() {
            let when = match (c.outcome, c.due_date) {
                (Outcome::Accepted, Some(d)) => {
                    format!("，承诺办结日期 {}", d.format("%Y年%m月%d日"))
                }
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "  {}. {}：{}{when}\n     办件编号 {}　查询码 {}",
                i + 1,
                c.matter_name,
                c.outcome_label,
                c.case_no,
                c.query_code
            );
        }
        if !r.missing.is_empty() {
            s.push_str("需补齐以下全部材料（同一材料只需提交一次）：\n");
            for (i, m) in r.missing.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "  {}. {}（{}，{} 份）用于：{}",
                    i + 1,
                    m.name,
                    m.form,
                    m.copies,
                    m.matters.join("、")
                );
            }
        }
        for w in &o.documents {
            let _ = writeln!(s, "已打印：{}", describe(w));
        }
        s
    });
    // The cases stand; a paper that could not be printed fails the command.
    match done.printing_failed() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn scan_cmd(ctx: &Ctx, c: ScanCommand) -> Result<()> {
    use bianmin::scans;
    if let ScanCommand::Scanners = c {
        let found = scans::scanner::scanners()?;
        print(ctx.json, &found, |found| {
            if found.is_empty() {
                return "本机没有找到扫描仪（需要安装 SANE 的 scanimage 并连接扫描仪）".to_owned();
            }
            found
                .iter()
                .map(|s| format!("{}  {}", s.device, s.label))
                .collect::<Vec<_>>()
                .join("\n")
        });
        return Ok(());
    }
    let (mut store, session) = ctx.login()?;
    match c {
        ScanCommand::Scanners => {}
        ScanCommand::Attach {
            case_no,
            line,
            file,
            scanner,
        } => {
            let a = match (file, scanner) {
                (_, Some(device)) => {
                    scans::attach_scanned(&mut store, &session, now(), &case_no, line, &device)?
                }
                (Some(file), None) => {
                    scans::attach(&mut store, &session, now(), &case_no, line, &file)?
                }
                (None, None) => return Err(bianmin::scans::ScanError::NoScanner.into()),
            };
            print(ctx.json, &a, |a| {
                format!(
                    "已添加扫描件：办件 {} 第 {} 项“{}”，{}，{} 字节，SHA-256 {}{}",
                    a.case_no,
                    a.position,
                    a.material,
                    a.kind.label(),
                    a.bytes,
                    a.sha256,
                    if a.already_kept {
                        "（同一文件已保存过，只存一份）"
                    } else {
                        ""
                    }
                )
            });
        }
        ScanCommand::List { case_no } => {
            let lines = scans::list(store.conn(), &case_no)?;
            print(ctx.json, &lines, |lines| {
                if lines.is_empty() {
                    return "该办件没有扫描件".to_owned();
                }
                let mut s = String::new();
                for l in lines {
                    let _ = writeln!(
                        s,
                        "第 {} 项 {}：{}（{}，{} 字节）{} {}{}",
                        l.position,
                        l.material,
                        l.file_name,
                        l.kind_label,
                        l.bytes,
                        l.attached_by,
                        l.attached_at,
                        if l.here {
                            String::new()
                        } else {
                            format!("，文件在 {} 上", l.device_code)
                        }
                    );
                }
                s
            });
        }
        ScanCommand::Extract { case_no, out } => {
            let written = scans::extract(&store, &session, &case_no, &out)?;
            print(ctx.json, &written, |w| {
                let mut s = format!("已导出 {} 个扫描件：\n", w.len());
                for e in w {
                    let _ = writeln!(s, "  {}（{} 字节）", e.path, e.bytes);
                }
                s
            });
        }
    }
    Ok(())
}

fn bundles_cmd(ctx: &Ctx, code: Option<&str>) -> Result<()> {
    let (store, _session) = ctx.login()?;
    match code {
        None => {
            let list = bianmin::catalogue::bundle::list(store.conn())?;
            print(ctx.json, &list, |list| {
                let mut s = String::new();
                for b in list {
                    let _ = writeln!(s, "{}  {}：{}", b.code, b.name, b.matter_names.join("、"));
                }
                s
            });
        }
        Some(code) => {
            let form = bianmin::intake::bundle::form(store.conn(), code)?;
            print(ctx.json, &form, |f| {
                let mut s = format!("{}  {}\n{}\n事项：\n", f.code, f.name, f.note);
                for m in &f.matters {
                    let _ = writeln!(s, "  {} {}（{}）", m.code, m.name, m.case_type);
                }
                s.push_str("材料（同一材料只需提交一次）：\n");
                for (i, p) in f.pool.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "  {}. {}（{}，{} 份，{}）用于：{}",
                        i + 1,
                        p.name,
                        p.form.label(),
                        p.copies,
                        p.requirement,
                        p.matters.join("、")
                    );
                }
                s
            });
        }
    }
    Ok(())
}

fn intake_cmd(ctx: &Ctx, a: IntakeArgs) -> Result<()> {
    let (mut store, session) = ctx.login()?;
    let (applicant, proxy) = people(&a)?;
    let application = Application {
        matter_code: a.matter.unwrap_or_default(),
        applicant,
        proxy,
        provided: listed(&a.provided),
        refusal_reason: a.refuse,
        resubmission_of: a.resubmit,
        tolerate: a.tolerate,
        promised: listed(&a.promised),
    };
    let done = papers::take_in(
        &mut store,
        &session,
        now(),
        papers::Source::Counter,
        application,
        a.print.as_deref(),
    )?;
    print(ctx.json, &done, |o| {
        let r = &o.result;
        let mut s = format!(
            "结果：{}\n办件编号：{}\n查询码：{}\n事项：{}\n",
            r.outcome_label, r.case_no, r.query_code, r.matter_name
        );
        match r.outcome {
            Outcome::Accepted => {
                if let Some(d) = r.due_date {
                    let _ = writeln!(s, "承诺办结日期：{}", d.format("%Y年%m月%d日"));
                }
                if !r.tolerated.is_empty() {
                    s.push_str("容缺材料（申请人已签署承诺书，须按期补齐）：\n");
                    for (i, m) in r.tolerated.iter().enumerate() {
                        let until = m
                            .tolerated_until
                            .map(|d| d.format("%Y年%m月%d日").to_string())
                            .unwrap_or_default();
                        let _ = writeln!(
                            s,
                            "  {}. {}（{}，{} 份）{until}前补齐",
                            i + 1,
                            m.name,
                            m.form.label(),
                            m.copies
                        );
                    }
                }
            }
            Outcome::OnTheSpot => s.push_str("已当场办结\n"),
            Outcome::Notice => {
                s.push_str("需补齐以下全部材料：\n");
                for (i, m) in r.missing.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "  {}. {}（{}，{} 份）{}",
                        i + 1,
                        m.name,
                        m.form.label(),
                        m.copies,
                        m.note
                    );
                }
            }
            Outcome::Refused => {
                let _ = writeln!(
                    s,
                    "不予受理理由：{}",
                    r.refusal_reason.as_deref().unwrap_or_default()
                );
                let _ = writeln!(s, "依据：{}", r.legal_basis);
            }
        }
        if let Some(prev) = &r.previous_case_no {
            let _ = writeln!(s, "重新提交自：{prev}");
        }
        for w in &o.documents {
            let _ = writeln!(s, "已打印：{}", describe(w));
        }
        s
    });
    // The case stands; a paper that could not be printed fails the command.
    match done.printing_failed() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn case(ctx: &Ctx, case_no: &str) -> Result<()> {
    let (mut store, session) = ctx.login()?;
    let d = lookup::detail_for(&mut store, &session, now(), case_no)?;
    let cal = bianmin::calendar::schedule::load(store.conn())?;
    let figures = deadline::figures(&cal, d.summary.outcome, d.summary.due_date, d.completed_on)?;
    // A step refused as a conflict is marked, as `log` and the window show it.
    let refused: std::collections::HashMap<(String, i64), String> =
        lifecycle::timeline::of_case(store.conn(), case_no)?
            .into_iter()
            .filter_map(|e| Some(((e.device_id, e.seq), e.refused?)))
            .collect();
    #[derive(serde::Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        detail: &'a lookup::CaseDetail,
        figures: deadline::Figures,
    }
    print(
        ctx.json,
        &Shown {
            detail: &d,
            figures,
        },
        |shown| {
            let d = shown.detail;
            let c = &d.summary;
            let mut s = format!(
            "办件编号：{}（查询码 {}）\n事项：{} {}（第 {} 版，{}）\n结果：{}；状态：{}（办件状态代码 {} {}）\n申请人：{}，{}，电话 {}\n地址：{}\n受理时间：{}，经办人：{}（工号 {}）\n",
            c.case_no, c.query_code, c.matter_code, c.matter_name, d.matter_version, d.case_type,
            c.outcome_label, c.state_label, d.national.code, d.national.label, c.applicant_name, c.applicant_id_number, c.applicant_phone,
            d.applicant_address, c.received_at, d.clerk_name, d.clerk_staff_no
        );
            if let Some(p) = &d.proxy_name {
                let _ = writeln!(
                    s,
                    "代办人：{}（{}）",
                    p,
                    d.proxy_relation.as_deref().unwrap_or_default()
                );
            }
            if let Some(due) = c.due_date {
                let _ = writeln!(s, "承诺办结日期：{due}");
            }
            if let Some(r) = &d.refusal_reason {
                let _ = writeln!(s, "不予受理理由：{r}");
            }
            if let Some(p) = &d.previous_case_no {
                let _ = writeln!(s, "重新提交自：{p}");
            }
            if let Some(n) = &d.next_case_no {
                let _ = writeln!(s, "已重新提交为：{n}");
            }
            if let Some(h) = &d.handler_name {
                let fwd = d
                    .forwarded_to
                    .as_ref()
                    .map(|f| format!("，已转办 {f}"))
                    .unwrap_or_default();
                let _ = writeln!(s, "承办人：{h}{fwd}");
            }
            if d.suspended_days > 0 {
                let _ = writeln!(s, "暂停计时：共 {} 个工作日", d.suspended_days);
            }
            if let Some(r) = &d.extension_reason {
                let _ = writeln!(s, "已延期：{r}");
            }
            if let Some(r) = &d.result {
                let why = d
                    .result_reason
                    .as_ref()
                    .map(|x| format!("（{x}）"))
                    .unwrap_or_default();
                let on = d
                    .completed_on
                    .map(|x| format!("，{x} 办结"))
                    .unwrap_or_default();
                let _ = writeln!(s, "办理结果：{r}{why}{on}");
            }
            if let Some(x) = &d.delivery {
                let _ = writeln!(s, "送达：{x}");
            }
            if let Some(x) = &d.closed_reason {
                let _ = writeln!(s, "退回/撤回原因：{x}");
            }
            let f = shown.figures;
            if let (Some(on_time), Some(saved)) = (f.on_time, f.days_saved) {
                let _ = writeln!(
                    s,
                    "{}{}，比承诺{} {} 个工作日",
                    if f.on_the_spot { "当场办结，" } else { "" },
                    if on_time {
                        "按时办结"
                    } else {
                        "超期办结"
                    },
                    if saved >= 0 { "提前" } else { "超出" },
                    saved.abs()
                );
            }
            s.push_str("材料：\n");
            for m in &d.materials {
                let _ = writeln!(
                    s,
                    "  {}. [{}] {}（{}，{} 份，{}）",
                    m.position,
                    if m.provided { "已交" } else { "未交" },
                    m.name,
                    m.form,
                    m.copies,
                    if m.required { "必交" } else { "选交" }
                );
            }
            s.push_str("记录：\n");
            for e in &d.timeline {
                let _ = writeln!(
                    s,
                    "  {} {} 第 {} 号事件 {}{}",
                    e.ts,
                    e.kind,
                    e.seq,
                    e.hash.get(..12).unwrap_or_default(),
                    refused
                        .get(&(e.device_id.clone(), e.seq))
                        .map(|r| format!(" {r}"))
                        .unwrap_or_default()
                );
            }
            s
        },
    );
    Ok(())
}

fn handle(ctx: &Ctx, h: HandleCommand) -> Result<()> {
    use bianmin::lifecycle::request::StepRequest as R;
    let (case_no, request) = match h {
        HandleCommand::ConfirmBag { case_no, bag } => (case_no, R::ConfirmBag { bag }),
        HandleCommand::Assign {
            case_no,
            to,
            forward,
        } => (case_no, R::Assign { to, forward }),
        HandleCommand::Suspend {
            case_no,
            kind,
            reason,
        } => (case_no, R::Suspend { kind, reason }),
        HandleCommand::Resume { case_no } => (case_no, R::Resume),
        HandleCommand::Complete {
            case_no,
            result,
            reason,
        } => (case_no, R::Complete { result, reason }),
        HandleCommand::NotifyPickup { case_no } => (case_no, R::NotifyPickup),
        HandleCommand::Collect {
            case_no,
            in_person,
            name,
            id_number,
            proxy,
        } => (
            case_no,
            R::Collect {
                name: name.unwrap_or_default(),
                id_number: id_number.unwrap_or_default(),
                proxy,
                in_person,
            },
        ),
        HandleCommand::Mail { case_no, tracking } => (case_no, R::Mail { tracking }),
        HandleCommand::Archive { case_no } => (case_no, R::Archive),
        HandleCommand::Return { case_no, reason } => (case_no, R::Return { reason }),
        HandleCommand::Withdraw { case_no, reason } => (case_no, R::Withdraw { reason }),
        HandleCommand::Supply { case_no, material } => (case_no, R::Supply { material }),
        HandleCommand::Verify { case_no, note } => (case_no, R::Verify { note }),
        HandleCommand::Revoke { case_no, reason } => (case_no, R::Revoke { reason }),
        HandleCommand::Extend {
            case_no,
            to,
            reason,
        } => (case_no, R::Extend { to, reason }),
    };
    let (mut store, s) = ctx.login()?;
    let done = bianmin::lifecycle::request::take(&mut store, &s, now(), &case_no, request)?;
    print(ctx.json, &done, |d| {
        let due = d
            .due_date
            .map(|x| format!("，办结期限 {x}"))
            .unwrap_or_default();
        format!(
            "{}：已{}，当前状态“{}”{}",
            d.case_no, d.step_label, d.state_label, due
        )
    });
    Ok(())
}

fn standin(ctx: &Ctx, absent: &str, stand_in: &str, from: &str, to: &str) -> Result<()> {
    let (mut store, s) = ctx.login()?;
    let set = lifecycle::stand_in::set(
        &mut store,
        &s,
        now(),
        absent,
        stand_in,
        date(from)?,
        date(to)?,
    )?;
    print(ctx.json, &set, |p| {
        format!(
            "已设置 AB 角：{} 不在岗期间（{} 至 {}）由 {} 代为办理",
            absent, p.from, p.to, stand_in
        )
    });
    Ok(())
}

fn standin_end(ctx: &Ctx, absent: &str, stand_in: &str, from: &str) -> Result<()> {
    let (mut store, s) = ctx.login()?;
    let ended = lifecycle::stand_in::end(&mut store, &s, now(), absent, stand_in, date(from)?)?;
    print(ctx.json, &ended, |p| {
        format!(
            "已结束 AB 角安排：{} 代 {} 办理至 {} 为止",
            stand_in, absent, p.last_day
        )
    });
    Ok(())
}

fn verifications(ctx: &Ctx) -> Result<()> {
    let (store, session) = ctx.login()?;
    let checks = bianmin::intake::commitment::checks(store.conn(), &session, now().date_naive())?;
    print(ctx.json, &checks, |c| {
        let f = &c.figures;
        let share = f
            .false_share
            .map(|p| format!("{p:.1}%"))
            .unwrap_or_else(|| "—".into());
        let mut s = format!(
            "告知承诺办件 {} 件：已核查 {} 件（不实 {} 件，不实比例 {share}），待核查 {} 件（逾期 {} 件）\n",
            f.cases, f.checked, f.found_false, f.open, f.overdue
        );
        for o in &c.open {
            let _ = writeln!(
                s,
                "{}　{}　{}　{}前核查{}　承诺：{}",
                o.case_no,
                o.matter_name,
                o.applicant_name,
                o.due,
                if o.overdue { "（已逾期）" } else { "" },
                o.promised.join("、")
            );
        }
        s
    });
    Ok(())
}

fn log(ctx: &Ctx, case_no: &str) -> Result<()> {
    let store = ctx.initialized()?;
    let entries = lifecycle::timeline::of_case(store.conn(), case_no)?;
    print(ctx.json, &entries, |list| {
        let mut s = String::new();
        for e in list {
            let _ = writeln!(
                s,
                "{}　{}（工号 {}）　{}{}{}　{}",
                e.ts,
                e.user,
                e.staff_no,
                e.what,
                e.national
                    .map(|n| format!("［{} {}］", n.code, n.label))
                    .unwrap_or_default(),
                e.refused
                    .as_deref()
                    .map(|r| format!("　{r}"))
                    .unwrap_or_default(),
                bianmin::store::canonical::to_string(&e.details)
            );
        }
        s
    });
    Ok(())
}

fn watch(ctx: &Ctx, which: &str, as_of: Option<&str>) -> Result<()> {
    let store = ctx.initialized()?;
    let today = match as_of {
        Some(d) => date(d)?,
        None => now().date_naive(),
    };
    let light = Light::parse_filter(which)?;
    let warning_days = i64::from(center::load(store.conn())?.warning_days);
    let list = deadline::watch_list(store.conn(), today, light, warning_days)?;
    print(ctx.json, &list, |list| {
        if list.is_empty() {
            return "没有符合条件的在办件".into();
        }
        let mut s =
            String::from("状态\t逾期/剩余(工作日)\t办件编号\t事项\t申请人\t承办人\t办结期限\n");
        for w in list {
            let days = if w.standing.overdue_days > 0 {
                format!("逾期 {}", w.standing.overdue_days)
            } else {
                format!("剩余 {}", w.standing.days_left)
            };
            let _ = writeln!(
                s,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                w.light_label,
                days,
                w.case.case_no,
                w.case.matter_name,
                w.case.applicant_name,
                w.handler,
                due_label(&w.case)
            );
        }
        s
    });
    Ok(())
}

/// The due date as listed, marked when it was extended.
fn due_label(c: &lookup::CaseSummary) -> String {
    match c.due_date {
        Some(d) if c.extended => format!("{d}（已延期）"),
        Some(d) => d.to_string(),
        None => "—".into(),
    }
}

fn cases(ctx: &Ctx, a: CasesArgs) -> Result<()> {
    if let Some(which) = &a.due_status {
        return watch(ctx, which, a.as_of.as_deref());
    }
    let store = ctx.initialized()?;
    let list = match (&a.search, &a.date) {
        (Some(text), _) => {
            let limit = a.limit.unwrap_or(lookup::SEARCH_LIMIT);
            let offset = a.page.unwrap_or(1).saturating_sub(1).saturating_mul(limit);
            lookup::search_page(store.conn(), text, limit, offset)?
        }
        (None, Some(day)) => lookup::received_on(store.conn(), date(day)?)?,
        (None, None) => lookup::received_on(store.conn(), now().date_naive())?,
    };
    print(ctx.json, &list, |list| {
        if list.is_empty() {
            return "没有找到办件".into();
        }
        let mut s = String::from("办件编号\t查询码\t结果\t状态\t申请人\t事项\t到期日\n");
        for c in list {
            let _ = writeln!(
                s,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                c.case_no,
                c.query_code,
                c.outcome_label,
                c.state_label,
                c.applicant_name,
                c.matter_name,
                due_label(c)
            );
        }
        s
    });
    Ok(())
}

fn idcheck(ctx: &Ctx, number: &str) -> Result<()> {
    let info = id_number::check_resident_id(number, now().date_naive())?;
    print(ctx.json, &info, |i| {
        format!(
            "有效：{}\n出生日期：{}\n性别：{}\n行政区划代码：{}",
            i.number,
            i.birth_date.format("%Y年%m月%d日"),
            i.sex,
            i.region_code
        )
    });
    Ok(())
}

fn verify_cmd(ctx: &Ctx) -> Result<()> {
    let store = ctx.initialized()?;
    let report = verify::verify(store.conn())?;
    print(ctx.json, &report, |r| {
        let mut s = String::new();
        for c in &r.chains {
            let _ = writeln!(
                s,
                "设备 {}：{} 条事件，链头 {}",
                c.device_id,
                c.events,
                c.head_hash.get(..16).unwrap_or_default()
            );
        }
        match &r.broken {
            None => {
                let _ = write!(s, "哈希链完整：共 {} 条事件", r.events());
            }
            Some(b) => s.push_str(&b.to_string()),
        }
        s
    });
    match report.broken {
        None => Ok(()),
        Some(b) => Err(StoreError::BadEvent {
            device: b.device_id,
            seq: b.seq,
            reason: b.problem,
        }
        .into()),
    }
}

fn rebuild(ctx: &Ctx) -> Result<()> {
    let (mut store, session) = ctx.login()?;
    let n = bianmin::projections::rebuild(&mut store, &session)?;
    let value = serde_json::json!({ "events": n });
    print(ctx.json, &value, |_| {
        format!("已从 {n} 条事件重建全部查询表")
    });
    Ok(())
}

fn demo_cmd(ctx: &Ctx) -> Result<()> {
    let report = demo::run(&ctx.db, now())?;
    print(ctx.json, &report, |r| {
        let mut s = format!(
            "演示数据库：{}\n服务中心：{}\n账号：\n",
            r.database, r.center_name
        );
        for (u, p, role) in &r.accounts {
            let _ = writeln!(s, "  {u} / {p}（{role}）");
        }
        s.push_str("演示受理：\n");
        for i in &r.intakes {
            let _ = write!(s, "  [{}] {} {}", i.outcome_label, i.case_no, i.matter_name);
            if let Some(d) = i.due_date {
                let _ = write!(s, "，承诺办结 {d}");
            }
            if !i.missing.is_empty() {
                let names: Vec<&str> = i.missing.iter().map(|m| m.name.as_str()).collect();
                let _ = write!(s, "，缺：{}", names.join("、"));
            }
            s.push('\n');
        }
        let _ = write!(
            s,
            "事件 {} 条，哈希链{}",
            r.events,
            if r.chain_ok { "完整" } else { "损坏" }
        );
        s
    });
    Ok(())
}
