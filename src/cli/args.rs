//! The commands and options of `bianmin` (documented in docs/cli.md).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "bianmin",
    version,
    about = "便民服务台：乡镇便民服务中心办件受理（命令行）"
)]
pub struct Cli {
    /// 数据库文件（默认：环境变量 BIANMIN_DB，或本机数据目录下的 bianmin/bianmin.db）
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    /// 以 JSON 格式输出（供脚本使用）
    #[arg(long, global = true)]
    pub json: bool,
    /// 操作用户的用户名（需要登录的命令）
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// 操作用户的密码（也可用环境变量 BIANMIN_PASSWORD）
    #[arg(long, global = true, env = "BIANMIN_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 初始化本机：服务中心、设备编号、第一个系统管理员，并载入默认事项清单和节假日安排
    Init(InitArgs),
    /// 用户管理
    #[command(subcommand)]
    User(UserCommand),
    /// 事项清单
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// 工作日日历
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// 受理一件申请（结果：即办、受理、一次性告知或不予受理）
    Intake(IntakeArgs),
    /// 一件事：列出全部一件事，或某个一件事的事项和合并后的材料清单（--code）
    Bundles {
        /// 一件事编码
        #[arg(long)]
        code: Option<String>,
    },
    /// 服务中心信息（地址、电话，打印在文书上）
    #[command(subcommand)]
    Center(CenterCommand),
    /// 打印办件文书（PDF）：receipt 受理回执、onetime 一次性告知单、onetime-a4 一次性告知单（A4）、notice 受理通知书、refusal 不予受理通知书、tolerance 容缺受理承诺书、commitment 告知承诺书、revocation 撤销决定书、bundle-receipt 一件事受理回执、bundle-notice 一件事受理通知书、bundle-onetime 一件事一次性告知单（一件事的文书在其第一个办件上打印）
    Doc {
        /// 文书类型
        kind: String,
        /// 办件编号
        case_no: String,
        /// 输出的 PDF 文件
        #[arg(long, required_unless_present = "printer", conflicts_with = "printer")]
        out: Option<PathBuf>,
        /// 直接打印到本机打印服务（CUPS）中的这台打印机（PDF 同时保存在当天的文书文件夹）
        #[arg(long)]
        printer: Option<String>,
    },
    /// 本机打印机：列出打印机和每种文书打印到哪台；为某种文书选择打印机（负责人）
    #[command(subcommand)]
    Printer(PrinterCommand),
    /// 办理办件：分派/转办、补正、恢复、办结、通知领取、领取、邮寄、归档、退回、撤回、延期、补齐容缺材料、核查属实、核查不实撤销
    #[command(subcommand)]
    Handle(HandleCommand),
    /// AB 角：设置某人不在岗期间由谁代为办理，或提前结束（负责人）
    Standin {
        /// 不在岗的人（A 角）用户名
        #[arg(long)]
        absent: String,
        /// 代为办理的人（B 角）用户名
        #[arg(long)]
        stand_in: String,
        /// 开始日期
        #[arg(long)]
        from: String,
        /// 结束日期（含）
        #[arg(long, required_unless_present = "end", conflicts_with = "end")]
        to: Option<String>,
        /// 提前结束从 --from 开始的这项安排（A 角今天回岗）
        #[arg(long)]
        end: bool,
    },
    /// 咨询登记（首问负责制）
    #[command(subcommand)]
    Consult(ConsultCommand),
    /// 评价（好差评）：1 非常不满意 … 5 非常满意；差评自动生成整改事项
    Evaluate {
        /// 办件编号（评价咨询时用 --consultation）
        case_no: Option<String>,
        /// 被评价的咨询编号
        #[arg(long)]
        consultation: Option<String>,
        /// 等级 1–5
        #[arg(long)]
        level: u8,
        /// 原因（可重复）：办事效率高、服务态度好、一次办好、指引清楚、等候时间长、多次跑腿、材料要求不清楚、服务态度差、办理超时、其他
        #[arg(long)]
        reason: Vec<String>,
        #[arg(long, default_value = "")]
        comment: String,
        /// 渠道：keypad（窗口评价器）、paper（纸质）、phone（电话回访）
        #[arg(long, default_value = "keypad")]
        channel: String,
    },
    /// 整改事项（差评整改）
    #[command(subcommand)]
    Rectify(RectifyCommand),
    /// 回访（负责人抽样，记录回访情况）
    #[command(subcommand)]
    Followup(FollowupCommand),
    /// 投诉来访登记
    #[command(subcommand)]
    Complaint(ComplaintCommand),
    /// 告知承诺核查：待核查的办件（逾期的在前）和核查情况（不实比例）
    Verifications,
    /// 扫描件：给办件的某项申请材料添加扫描件（JPEG、PNG 或 PDF），列出或导出办件的扫描件
    #[command(subcommand)]
    Scan(ScanCommand),
    /// 一个办件的完整记录（时间、操作人、内容）
    Log {
        /// 办件编号
        case_no: String,
    },
    /// 查看一个办件的详情和全部记录
    Case {
        /// 办件编号
        case_no: String,
    },
    /// 查找办件：办件编号、查询码、姓名、证件号码或电话；或列出某天受理的办件
    Cases(CasesArgs),
    /// 校验居民身份证号码（GB 11643）
    Idcheck {
        /// 身份证号码
        number: String,
    },
    /// 校验整个事件日志的哈希链
    Verify,
    /// 导出日台账（CSV、XLSX 或 PDF；中心负责人）
    Ledger {
        /// 日期 YYYY-MM-DD（默认今天）
        #[arg(long)]
        date: Option<String>,
        /// csv、xlsx 或 pdf
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// 输出文件
        #[arg(long)]
        out: PathBuf,
    },
    /// 导出月报（XLSX 或 PDF；中心负责人）
    Report {
        /// 月份 YYYY-MM
        #[arg(long)]
        month: String,
        /// xlsx 或 pdf
        #[arg(long, default_value = "pdf")]
        format: String,
        /// 输出文件
        #[arg(long)]
        out: PathBuf,
    },
    /// 今日统计：在办件红黄绿、今日数量、本月办结率和满意率、超期最久的 10 件（中心负责人）
    Dashboard {
        /// 以哪一天为准（默认今天）
        #[arg(long)]
        as_of: Option<String>,
    },
    /// 备份数据库到指定目录（可在程序运行时进行；负责人或系统管理员）
    Backup {
        /// 备份目录（第二块硬盘或 U 盘）
        #[arg(long)]
        to: PathBuf,
        /// 保留最近几份（默认 14）
        #[arg(long)]
        keep: Option<usize>,
    },
    /// 从备份恢复：先校验（校验值、完整性、哈希链），再替换当前数据库并保留原文件
    Restore {
        /// 备份文件（.db，旁边须有 .sha256）
        file: PathBuf,
    },
    /// 从事件日志重建全部查询表（负责人或系统管理员）
    Rebuild,
    /// 本机设备信息；key 显示本机公钥，trust 登记信任其他设备（负责人），list 列出已信任的设备
    Device {
        #[command(subcommand)]
        command: Option<DeviceCommand>,
    },
    /// 导出数据交换批次（.bmb）到 U 盘文件夹
    Export(ExportArgs),
    /// 导入数据交换批次（.bmb）：逐项核对后一次性写入
    Import {
        /// 批次文件
        file: PathBuf,
    },
    /// 数据交换状态：待补的批次缺口、未处理的冲突、最近的导出和导入
    Exchange,
    /// 处理一条冲突（负责人）：保留现状，或现在采用被拒绝的那一步
    Resolve {
        /// 冲突所在设备编号，如 A01
        device: String,
        /// 该设备上的事件序号
        seq: i64,
        /// 采用被拒绝的那一步（默认保留现状）
        #[arg(long)]
        apply: bool,
        /// 处理理由
        #[arg(long)]
        reason: String,
    },
    /// 中心汇总机：在局域网上提供同步服务，各窗口电脑用 bianmin sync 连接（持续运行）
    Serve {
        /// 监听的地址和端口
        #[arg(long, default_value = "0.0.0.0:47341")]
        listen: String,
    },
    /// 通过局域网与中心汇总机同步：持续进行，断开后自动重连；--once 同步到一致后退出
    Sync {
        /// 中心汇总机的地址，如 192.168.1.10（默认端口 47341）或 192.168.1.10:47341；不填则用本机设置的地址，未设置则在局域网中查找本中心登记的汇总机
        #[arg(long)]
        hub: Option<String>,
        /// 同步到双方数据一致后退出
        #[arg(long)]
        once: bool,
    },
    /// 在局域网中查找中心汇总机（广播询问，列出应答的汇总机及其指纹）
    Discover {
        /// 只询问这些地址（可多次给出；默认向本机各网卡的广播地址询问）
        #[arg(long = "to")]
        to: Vec<String>,
        /// 等待应答的毫秒数
        #[arg(long, default_value_t = 1500)]
        wait_ms: u64,
    },
    /// 演示：在新数据库中建立示例中心并受理四件申请
    Demo,
}

#[derive(Args)]
pub struct InitArgs {
    /// 中心编码（如乡镇区划代码 371402101）；加入已有中心（--join、--join-hub）时不用
    #[arg(long, required_unless_present_any = ["join", "join_hub"])]
    pub center_code: Option<String>,
    /// 服务中心名称
    #[arg(long, required_unless_present_any = ["join", "join_hub"])]
    pub center_name: Option<String>,
    /// 设备编号（如 A01 为 1 号窗口，V03 为 3 号村代办电脑）
    #[arg(long)]
    pub device_code: String,
    /// 设备类型：counter（窗口）、agent（村代办）、hub（中心汇总）
    #[arg(long, default_value = "counter")]
    pub role: String,
    /// 加入已有的服务中心：中心电脑导出的批次文件（.bmb），从中取得用户、事项清单和节假日安排
    #[arg(long, conflicts_with_all = ["center_code", "center_name", "admin", "join_hub"])]
    pub join: Option<PathBuf>,
    /// 通过局域网加入已有的服务中心：中心汇总机的地址（如 192.168.1.10）；等待负责人在汇总机上核对指纹并批准
    #[arg(long, conflicts_with_all = ["center_code", "center_name", "admin"])]
    pub join_hub: Option<String>,
    /// 中心电脑 bianmin device key 显示的指纹（加入时核对）
    #[arg(long)]
    pub fingerprint: Option<String>,
    /// 加入口令：中心电脑导出加入批次（export --for 本机编号）时显示的 16 位口令
    #[arg(long, env = "BIANMIN_JOIN_CODE", requires = "join")]
    pub join_code: Option<String>,
    /// 系统管理员用户名
    #[arg(long, required_unless_present_any = ["join", "join_hub"])]
    pub admin: Option<String>,
    /// 系统管理员姓名
    #[arg(long, default_value = "系统管理员")]
    pub admin_name: String,
    /// 系统管理员工号
    #[arg(long, default_value = "9001")]
    pub admin_staff_no: String,
    /// 系统管理员密码（至少 8 位；也可用环境变量 BIANMIN_NEW_PASSWORD）
    #[arg(long, env = "BIANMIN_NEW_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// 加密本机数据库（村代办笔记本电脑建议使用）：数据库文件加密保存，只有本机登记的用户登录后才能打开
    #[arg(long)]
    pub encrypt: bool,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

/// 打印在文书上的服务中心信息
#[derive(Args)]
pub struct ProfileArgs {
    /// 印在文书上的中心名称（默认为设置本机时的中心名称）
    #[arg(long)]
    pub printed_name: Option<String>,
    /// 中心地址
    #[arg(long)]
    pub address: Option<String>,
    /// 咨询电话
    #[arg(long)]
    pub phone: Option<String>,
    /// 投诉电话
    #[arg(long)]
    pub complaint_phone: Option<String>,
    /// 办公时间（印在办事指南上）
    #[arg(long)]
    pub office_hours: Option<String>,
    /// 一次性告知的补正期限（工作日，默认 5）
    #[arg(long)]
    pub supply_days: Option<u32>,
    /// 黄灯预警：距到期不超过几个工作日（默认 2）
    #[arg(long)]
    pub warning_days: Option<u32>,
    /// 连续输错几次密码锁定账号（3–10，默认 5）
    #[arg(long)]
    pub lockout_attempts: Option<u32>,
    /// 锁定多少分钟（默认 15）
    #[arg(long)]
    pub lockout_minutes: Option<u32>,
    /// 窗口无操作自动锁屏的分钟数（1–240，默认 10）
    #[arg(long)]
    pub idle_minutes: Option<u32>,
    /// 差评整改期限，工作日（1–15，默认 5）
    #[arg(long)]
    pub rectify_days: Option<u32>,
    /// 回访抽样比例，百分之几（1–100，默认 10）
    #[arg(long)]
    pub sample_percent: Option<u32>,
    /// 是否允许容缺受理：true 允许（次要材料暂缺时先受理、限期补齐），false 不允许
    #[arg(long)]
    pub tolerance_allowed: Option<bool>,
    /// 扫描件单个文件上限，MB（1–50，默认 10）
    #[arg(long)]
    pub scan_max_mb: Option<u32>,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// 新增用户（系统管理员）
    Add {
        #[arg(long)]
        username: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 工号
        #[arg(long)]
        staff_no: String,
        /// 角色：clerk（窗口人员）、agent（村代办员）、manager（负责人）、admin（系统管理员）
        #[arg(long)]
        role: String,
        /// 新用户的密码（也可用环境变量 BIANMIN_NEW_PASSWORD）
        #[arg(long, env = "BIANMIN_NEW_PASSWORD", hide_env_values = true)]
        new_password: String,
    },
    /// 列出用户
    List,
    /// 停用用户（系统管理员）
    Disable { username: String },
    /// 重新启用已停用的用户（系统管理员）
    Enable { username: String },
    /// 解除因密码连续输错而锁定的账号（系统管理员）
    Unlock { username: String },
    /// 重置用户的密码，用户下次登录后须先修改密码（系统管理员）
    ResetPassword {
        username: String,
        /// 新密码（也可用环境变量 BIANMIN_NEW_PASSWORD）
        #[arg(long, env = "BIANMIN_NEW_PASSWORD", hide_env_values = true)]
        new_password: String,
    },
    /// 更改用户的角色（系统管理员；不能改自己的）
    Role {
        username: String,
        /// clerk（窗口人员）、agent（村代办员）、manager（负责人）、admin（系统管理员）
        role: String,
    },
    /// 修改自己的密码（原密码即登录密码）
    Passwd {
        /// 新密码（也可用环境变量 BIANMIN_NEW_PASSWORD）
        #[arg(long, env = "BIANMIN_NEW_PASSWORD", hide_env_values = true)]
        new_password: String,
    },
}

#[derive(Subcommand)]
pub enum CenterCommand {
    /// 查看服务中心信息
    Show,
    /// 修改服务中心信息（负责人）；未给出的项保持不变
    Set(ProfileArgs),
}

#[derive(Subcommand)]
pub enum PrinterCommand {
    /// 列出本机的打印机（能否打印）和每种文书打印到哪台
    List,
    /// 选择某种文书打印到哪台打印机；不给打印机则只保存 PDF
    Set {
        /// 文书类型：receipt、onetime、onetime-a4、notice、refusal
        kind: String,
        /// 打印机名称（lpstat -e 列出的名称）
        printer: Option<String>,
        /// 受理保存后自动打印
        #[arg(long)]
        auto: bool,
    },
}

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// 列出事项
    List,
    /// 查看一个事项的当前版本
    Show { code: String },
    /// 导入事项清单文件（TOML，负责人）；整份文件校验通过才导入
    Import { file: PathBuf },
    /// 导出当前事项清单（TOML）
    Export {
        /// 输出文件；省略则输出到屏幕
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 停用一个事项：不再受理，已受理的办件不受影响（负责人）
    Withdraw {
        code: String,
        /// 停用原因
        #[arg(long)]
        reason: String,
    },
    /// 重新启用一个已停用的事项（负责人）
    Reinstate { code: String },
    /// 打印办事指南（A4 PDF）：一个事项，或 --all 全部可受理事项汇编成册
    Guide {
        /// 事项编码；与 --all 二选一
        #[arg(required_unless_present = "all")]
        code: Option<String>,
        /// 全部可受理事项的办事指南汇编（公示）
        #[arg(long, conflicts_with = "code")]
        all: bool,
        /// 输出文件夹；省略则为当天的文书文件夹
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// 计算到期日：受理日之后第 N 个工作日
    Due {
        /// 受理日期，如 2026-09-30
        #[arg(long)]
        from: String,
        /// 时限（工作日）
        #[arg(long)]
        days: i64,
        /// 中止（暂停计时）的工作日数
        #[arg(long, default_value_t = 0)]
        suspended: i64,
    },
    /// 导入一年的放假调休安排（TOML，负责人）
    Import { file: PathBuf },
    /// 按《全国年节及纪念日放假办法》推算一年的暂定节假日；加 --apply 载入（负责人）
    Provisional {
        /// 年份，如 2027
        year: i32,
        /// 载入为暂定安排（正式通知发布后再导入正式安排）
        #[arg(long)]
        apply: bool,
    },
    /// 列出已导入的年份
    Show,
}

#[derive(Args)]
pub struct IntakeArgs {
    /// 事项编码（见 bianmin catalog list）
    #[arg(long, required_unless_present = "bundle", conflicts_with = "bundle")]
    pub matter: Option<String>,
    /// 一件事编码（见 bianmin bundles）：一次受理其全部事项，每个事项一个办件；--provided/--promised 用一件事材料清单的序号或材料全称
    #[arg(long, conflicts_with_all = ["refuse", "resubmit"])]
    pub bundle: Option<String>,
    /// 申请人姓名
    #[arg(long)]
    pub name: String,
    /// 证件类型（默认居民身份证）
    #[arg(long, default_value = "居民身份证")]
    pub id_type: String,
    /// 证件号码
    #[arg(long)]
    pub id_number: String,
    /// 联系电话
    #[arg(long)]
    pub phone: String,
    /// 联系地址
    #[arg(long)]
    pub address: String,
    /// 已提交的材料：序号或材料全称，可重复或用逗号分隔，如 --provided 1,2,3
    #[arg(long, value_delimiter = ',')]
    pub provided: Vec<String>,
    /// 代办人姓名（他人代为申请时填写）
    #[arg(long)]
    pub proxy_name: Option<String>,
    /// 代办人证件类型
    #[arg(long, default_value = "居民身份证")]
    pub proxy_id_type: String,
    /// 代办人证件号码
    #[arg(long)]
    pub proxy_id_number: Option<String>,
    /// 代办人电话
    #[arg(long)]
    pub proxy_phone: Option<String>,
    /// 代办人联系地址
    #[arg(long)]
    pub proxy_address: Option<String>,
    /// 代办人与申请人关系
    #[arg(long)]
    pub proxy_relation: Option<String>,
    /// 不予受理，并写明理由
    #[arg(long)]
    pub refuse: Option<String>,
    /// 重新提交：原一次性告知或不予受理的办件编号
    #[arg(long)]
    pub resubmit: Option<String>,
    /// 容缺受理：缺少的必交材料都可容缺时先受理，申请人签署容缺受理承诺书、限期补齐（须中心已允许容缺受理）
    #[arg(long, conflicts_with = "refuse")]
    pub tolerate: bool,
    /// 告知承诺：申请人签署告知承诺书代替提交的材料（序号或材料全称，须为可告知承诺的材料），如 --promised 4
    #[arg(long, value_delimiter = ',')]
    pub promised: Vec<String>,
    /// 受理后立即把结果文书（PDF）写入此目录
    #[arg(long)]
    pub print: Option<PathBuf>,
}

#[derive(Args)]
pub struct CasesArgs {
    /// 查找内容：办件编号或其后几位、查询码、姓名或其中的字、姓名拼音（首字母）、证件号码或其后几位、电话或其后 4 位、地址中的村名
    #[arg(long)]
    pub search: Option<String>,
    /// 查找结果的第几页（每页 --limit 件，默认第 1 页）
    #[arg(long, requires = "search")]
    pub page: Option<usize>,
    /// 列出某天受理的办件，如 2026-11-23
    #[arg(long)]
    pub date: Option<String>,
    /// 最多列出多少件（默认 50）
    #[arg(long)]
    pub limit: Option<usize>,
    /// 按到期状态列出在办件：red（红灯，逾期最久的在前）、yellow（黄灯）、green（正常）、paused（暂停计时）、all
    #[arg(long)]
    pub due_status: Option<String>,
    /// 以哪一天为准计算到期状态（默认今天）
    #[arg(long)]
    pub as_of: Option<String>,
}

#[derive(Subcommand)]
pub enum RectifyCommand {
    /// 列出未关闭的整改事项；--all 也列出已关闭的
    List {
        /// 连同全部已关闭（已办结）的整改事项
        #[arg(long)]
        all: bool,
    },
    /// 写明整改结果后关闭（负责人）
    Close {
        /// 整改编号（如 ZG-A01-003）
        id: String,
        /// 整改结果
        #[arg(long)]
        result: String,
    },
}

#[derive(Subcommand)]
pub enum FollowupCommand {
    /// 列出待回访和近 30 天已回访的办件（含申请人电话）；--all 列出全部已回访的
    List {
        /// 连同全部已回访（已办结）的
        #[arg(long)]
        all: bool,
    },
    /// 从已办结的办件中抽取回访（负责人）；实名差评的办件全部纳入
    Sample {
        /// 办结日期从（默认 30 天前）
        #[arg(long)]
        from: Option<String>,
        /// 办结日期到（默认今天）
        #[arg(long)]
        to: Option<String>,
        /// 抽样比例（%，默认 10）
        #[arg(long)]
        percent: Option<u32>,
    },
    /// 记录一次回访
    Record {
        /// 回访编号
        id: String,
        /// 联系上了申请人
        #[arg(long)]
        reached: bool,
        /// 回访情况
        #[arg(long)]
        outcome: String,
    },
}

#[derive(Subcommand)]
pub enum ConsultCommand {
    /// 登记一次咨询
    Add {
        #[arg(long)]
        question: String,
        #[arg(long)]
        answer: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        phone: String,
        /// 相关事项编码
        #[arg(long)]
        matter: Option<String>,
        /// 当面（walk_in）或电话（phone）
        #[arg(long, default_value = "walk_in")]
        channel: String,
        /// 需其他部门跟进答复时：部门
        #[arg(long)]
        follow_up: Option<String>,
        /// 跟进答复的期限（工作日，默认 5 个工作日）
        #[arg(long)]
        follow_up_days: Option<u32>,
    },
    /// 记录其他部门的跟进答复
    Reply {
        id: String,
        #[arg(long)]
        reply: String,
    },
    /// 列出咨询（某天，或未答复的跟进）
    List {
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        open: bool,
    },
    /// 将咨询转为受理：事项、姓名、电话自动带入
    Intake {
        id: String,
        #[arg(long, default_value = "")]
        matter: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "居民身份证")]
        id_type: String,
        #[arg(long)]
        id_number: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long)]
        address: String,
        #[arg(long, value_delimiter = ',')]
        provided: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum ComplaintCommand {
    /// 登记投诉
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        contact: String,
        /// 当面、电话、信件
        #[arg(long, default_value = "当面")]
        channel: String,
        /// 被投诉的窗口或人员
        #[arg(long)]
        target: String,
        /// 推诿、拖延、刁难、态度、乱收费、擅离岗位、其他
        #[arg(long)]
        category: String,
        #[arg(long)]
        content: String,
        /// 办理时限（工作日，默认 5）
        #[arg(long)]
        days: Option<i64>,
    },
    /// 转交（负责人）
    Transfer {
        id: String,
        #[arg(long)]
        to: String,
    },
    /// 答复：处理结果和向投诉人的反馈（负责人）
    Answer {
        id: String,
        #[arg(long)]
        result: String,
        #[arg(long)]
        feedback: String,
    },
    /// 记录投诉人是否满意；不满意则复查（负责人）
    Review {
        id: String,
        #[arg(long)]
        accepted: bool,
    },
    /// 列出投诉（投诉人身份仅负责人可见）
    List {
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
pub enum HandleCommand {
    /// 确认收到村代办件的材料袋（一事一袋）：此后进入“已受理”，承诺时限自今天起算
    ConfirmBag {
        case_no: String,
        /// 材料袋编号
        #[arg(long)]
        bag: String,
    },
    /// 分派给承办人，可同时转办到部门
    Assign {
        case_no: String,
        /// 承办人用户名
        #[arg(long)]
        to: String,
        /// 转办部门（如县民政局）
        #[arg(long)]
        forward: Option<String>,
    },
    /// 暂停计时：补正、公示或专家评审
    Suspend {
        case_no: String,
        #[arg(long, default_value = "补正")]
        kind: String,
        #[arg(long)]
        reason: String,
    },
    /// 恢复办理（到期日顺延暂停的工作日）
    Resume { case_no: String },
    /// 办结：approve（准予）或 deny（不予许可，须写理由）
    Complete {
        case_no: String,
        #[arg(long)]
        result: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// 通知申请人领取
    NotifyPickup { case_no: String },
    /// 领取：申请人本人领取（--in-person，已核对身份证），或记录领取人及其身份证号
    Collect {
        case_no: String,
        /// 申请人本人领取：已核对其身份证与办件一致，不再录入姓名和号码
        #[arg(long, conflicts_with_all = ["name", "id_number", "proxy"])]
        in_person: bool,
        #[arg(long, required_unless_present = "in_person")]
        name: Option<String>,
        #[arg(long, required_unless_present = "in_person")]
        id_number: Option<String>,
        /// 由他人代领
        #[arg(long)]
        proxy: bool,
    },
    /// 邮寄送达
    Mail {
        case_no: String,
        #[arg(long)]
        tracking: String,
    },
    /// 归档
    Archive { case_no: String },
    /// 退回
    Return {
        case_no: String,
        #[arg(long)]
        reason: String,
    },
    /// 申请人撤回
    Withdraw {
        case_no: String,
        #[arg(long)]
        reason: String,
    },
    /// 补齐容缺材料：申请人补交了容缺受理时暂缺的材料
    Supply {
        case_no: String,
        /// 补齐的材料：办件材料清单中的序号或材料全称
        #[arg(long)]
        material: String,
    },
    /// 核查属实：告知承诺的内容经核查属实
    Verify {
        case_no: String,
        /// 核查说明（核查了什么、怎样核查）
        #[arg(long)]
        note: Option<String>,
    },
    /// 核查不实，撤销（负责人）：告知承诺的内容不实，撤销该办件
    Revoke {
        case_no: String,
        /// 撤销理由（印在撤销决定书上）
        #[arg(long)]
        reason: String,
    },
    /// 延期（负责人批准；不得超过法定时限）
    Extend {
        case_no: String,
        /// 新的办结日期
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// 显示本机公钥和指纹（交给中心负责人登记）
    Key {
        /// 同时把公钥写入此文件（如 U 盘上的 A02.key）
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 登记信任一台设备（负责人）：公钥文件，或 device key 显示的那一行
    Trust {
        /// 公钥文件或公钥行
        key: String,
    },
    /// 列出本机信任的设备
    List,
    /// 通过局域网申请加入本中心的电脑（中心汇总机）：默认列出待批准的，--all 列出最近的全部
    Requests {
        #[arg(long)]
        all: bool,
    },
    /// 批准一台电脑的加入申请（负责人）：先核对它屏幕上显示的指纹
    Approve {
        /// 申请编号（device requests 列出）
        request: i64,
    },
    /// 拒绝一台电脑的加入申请（负责人）
    Decline {
        /// 申请编号
        request: i64,
    },
    /// 吊销一台设备的密钥（负责人）：电脑丢失、被盗或出现分叉时；此后拒绝它的批次
    Revoke {
        /// 设备编号（如 V03）
        code: String,
        /// 吊销原因
        #[arg(long)]
        reason: String,
    },
    /// 列出分叉：同一设备同一序号的两个不同事件（都带有该设备的签名）
    Forks,
}

#[derive(Args)]
pub struct ExportArgs {
    /// 写入的文件夹（U 盘）
    #[arg(long)]
    pub out: PathBuf,
    /// 发给哪台设备（如 V03：把中心的更新带回村代办电脑）；不填则发往中心
    #[arg(long = "for")]
    pub destination: Option<String>,
    /// 重新导出某批之后的全部数据：last（默认，上次之后）或批次号（0 为全部）
    #[arg(long)]
    pub since_batch: Option<String>,
    /// 导出截至哪天的数据（YYYY-MM-DD，默认今天）
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(Subcommand)]
pub enum ScanCommand {
    /// 添加扫描件（受理时或补扫）：一个文件（按内容判断类型，不看扩展名），或用 --scanner 从扫描仪扫一页
    Attach {
        /// 办件编号
        case_no: String,
        /// 申请材料序号（见 bianmin case）
        #[arg(long)]
        line: u32,
        /// 扫描件文件
        #[arg(required_unless_present = "scanner", conflicts_with = "scanner")]
        file: Option<PathBuf>,
        /// 从这台扫描仪扫描一页（设备名见 bianmin scan scanners）
        #[arg(long)]
        scanner: Option<String>,
    },
    /// 列出本机可用的扫描仪（SANE）
    Scanners,
    /// 列出办件的扫描件
    List {
        /// 办件编号
        case_no: String,
    },
    /// 把办件在本机的扫描件写入文件夹（逐个核对 SHA-256）
    Extract {
        /// 办件编号
        case_no: String,
        /// 目标文件夹
        #[arg(long)]
        out: PathBuf,
    },
}
