//! `bianmin-bench`: the measurements recorded in docs/BENCHMARKS.md. Each
//! builds its own database in a folder and times the core functions the
//! counter calls; nothing here asserts a timing. Kept out of the core
//! library and the `bianmin` binary that a counter installs.

use std::fmt::Write as _;
use std::path::PathBuf;

use bianmin::store::StoreError;
use bianmin::Result;
use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "bianmin-bench",
    about = "便民服务台性能测试（结果记入 docs/BENCHMARKS.md）"
)]
struct Cli {
    /// 以 JSON 输出
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// 生成大量办件的测试数据库（经真实的受理和办理函数）
    Seed {
        /// 办件数
        #[arg(long, default_value_t = 1_000_000)]
        cases: usize,
        /// 存放测试数据库的目录
        #[arg(long)]
        dir: PathBuf,
    },
    /// 在 bench seed 生成的数据库上计时：列出红灯、黄灯在办件
    Deadlines {
        /// bench seed 使用的目录
        #[arg(long)]
        dir: PathBuf,
        /// 每种列表计时次数
        #[arg(long, default_value_t = 100)]
        samples: usize,
    },
    /// 快速查询：在 bench seed 生成的数据库上按各种输入方式（姓名中的字、拼音首字母、手机尾号、身份证尾号、村名、编号尾号）计时
    Search {
        /// bench seed 使用的目录
        #[arg(long)]
        dir: PathBuf,
        /// 每种输入方式计时次数
        #[arg(long, default_value_t = 500)]
        samples: usize,
    },
    /// 负责人统计：在 bench seed 生成的数据库上计时一次统计调用
    Dashboard {
        /// bench seed 使用的目录
        #[arg(long)]
        dir: PathBuf,
        /// 计时次数
        #[arg(long, default_value_t = 200)]
        samples: usize,
    },
    /// 数据交换：导出一天的批次、导入约十万条事件、每千件办件的批次大小
    Exchange {
        /// 存放测试数据库和批次的目录
        #[arg(long)]
        dir: PathBuf,
        /// 天数（最后一天单独成批，其余合成一个大批次）
        #[arg(long, default_value_t = 14)]
        days: usize,
        /// 每天的办件数
        #[arg(long, default_value_t = 1000)]
        cases_per_day: usize,
        /// 两台设备的数据库都加密（代办笔记本的情形）
        #[arg(long)]
        encrypt: bool,
        /// 最后一天的办件共附带约这么多 MB 的扫描件（每件一个 PNG），如 500
        #[arg(long, default_value_t = 0)]
        scan_mb: usize,
        /// 大批次导入的次数：每次导入同一个接收方数据库的一份副本（导入前的状态），报告每次的耗时
        #[arg(long, default_value_t = 1)]
        imports: usize,
    },
    /// 文书生成：A4 受理通知书与受理回执的耗时和大小，并与 Chromium 打印 HTML 对比
    Documents {
        /// 每个办件的渲染轮数
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        /// 用 headless Chromium 打印的通知书份数（0 为不比较）
        #[arg(long, default_value_t = 10)]
        chromium: usize,
        /// 存放测试数据的目录（默认临时目录）
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// 局域网同步：多台窗口电脑每秒各受理一件时的传播延迟、离线一天后的追赶时间、汇总机内存与 CPU（需要同目录下的 bianmin）
    Lan {
        /// 存放测试数据库的目录
        #[arg(long)]
        dir: PathBuf,
        /// 窗口电脑台数
        #[arg(long, default_value_t = 8)]
        counters: usize,
        /// 持续秒数
        #[arg(long, default_value_t = 300)]
        seconds: u64,
        /// 离线电脑在离线期间受理的办件数（其他电脑同时受理其 5 倍）
        #[arg(long, default_value_t = 1000)]
        catch_up_cases: usize,
    },
    /// 受理提交延迟（p50/p99）与已有大量办件时的受理吞吐量
    Intake {
        /// 数据库中预先存在的办件数
        #[arg(long, default_value_t = 100_000)]
        existing: usize,
        /// 计时的受理次数
        #[arg(long, default_value_t = 2_000)]
        samples: usize,
        /// 存放测试数据库的目录（默认临时目录）
        #[arg(long)]
        dir: Option<PathBuf>,
        /// 数据库加密（代办笔记本的情形）
        #[arg(long)]
        encrypt: bool,
        /// 另测“受理并立即添加一个约这么多 KB 的扫描件（PNG）”的延迟，如 2048
        #[arg(long, default_value_t = 0)]
        scan_kb: usize,
    },
}

fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce(&T) -> String) {
    if json {
        match serde_json::to_string_pretty(value) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("错误：无法输出 JSON：{e}"),
        }
    } else {
        println!("{}", human(value));
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli.json, cli.command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn bench_dir(dir: Option<std::path::PathBuf>) -> Result<(std::path::PathBuf, Option<TempDir>)> {
    match dir {
        Some(d) => {
            std::fs::create_dir_all(&d).map_err(|e| StoreError::file(&d, e))?;
            Ok((d, None))
        }
        None => {
            let t = tempdir()?;
            Ok((t.0.clone(), Some(t)))
        }
    }
}

fn run(json: bool, b: BenchCommand) -> Result<()> {
    match b {
        BenchCommand::Seed { cases, dir } => {
            let (dir, _keep) = bench_dir(Some(dir))?;
            let mut last = std::time::Instant::now();
            let r = bianmin_bench::deadlines::seed(&dir, cases, &mut |done, total| {
                if last.elapsed().as_secs() >= 5 || done == total {
                    eprintln!("已生成 {done} / {total} 件");
                    last = std::time::Instant::now();
                }
            })?;
            print(json, &r, |r| {
                format!(
                    "已生成 {} 件（在办 {} 件），用时 {:.0} 秒，数据库 {:.0} MB",
                    r.cases,
                    r.open_cases,
                    r.seconds,
                    r.database_bytes as f64 / 1e6
                )
            });
        }
        BenchCommand::Search { dir, samples } => {
            let r = bianmin_bench::search::search(&dir, samples)?;
            print(json, &r, |r| {
                let mut s = format!(
                    "数据库办件 {} 件；检索索引 {:.1} MB，每件 {:.0} 字节",
                    r.cases,
                    r.index_bytes as f64 / 1_048_576.0,
                    r.index_bytes_per_case
                );
                for x in &r.shapes {
                    s.push_str(&format!(
                        "\n{}（如“{}”）：p50 {:.2} ms，p99 {:.2} ms，最大 {:.2} ms，平均列出 {:.1} 件",
                        x.shape, x.example, x.latency.p50_ms, x.latency.p99_ms, x.latency.max_ms, x.mean_hits
                    ));
                }
                s
            });
        }
        BenchCommand::Deadlines { dir, samples } => {
            let r = bianmin_bench::deadlines::deadlines(&dir, samples)?;
            print(json, &r, |r| {
                format!(
                    "数据库办件 {} 件，以 {} 为准：红灯 {} 件，黄灯 {} 件\n红灯列表：p50 {:.2} ms，p99 {:.2} ms\n黄灯列表：p50 {:.2} ms，p99 {:.2} ms\n红灯+黄灯：p50 {:.2} ms，p99 {:.2} ms",
                    r.cases, r.as_of, r.red_cases, r.yellow_cases, r.red.p50_ms, r.red.p99_ms,
                    r.yellow.p50_ms, r.yellow.p99_ms, r.red_and_yellow.p50_ms, r.red_and_yellow.p99_ms
                )
            });
        }
        BenchCommand::Exchange {
            dir,
            days,
            cases_per_day,
            encrypt,
            scan_mb,
            imports,
        } => {
            let r = bianmin_bench::exchange::exchange(
                &dir,
                days,
                cases_per_day,
                encrypt,
                scan_mb,
                imports,
            )?;
            print(json, &r, |r| {
                format!(
                    "一天 {} 件办件：{} 条事件，扫描件 {} 个共 {} MB，导出 {:.1} ms，批次 {} 字节（每千件 {} 字节），导入 {:.1} ms
内存峰值（常驻）：导出时 {} MB，导入时 {} MB
大批次（{} 天）：{} 条事件，导出 {:.1} ms，{} 字节；导入 {:.1} ms（每秒 {:.0} 条）{}
生成数据用时 {:.1} s",
                    r.cases_per_day, r.day_events, r.day_scans, r.day_scan_bytes / 1_048_576, r.day_export_ms, r.day_batch_bytes, r.bytes_per_1000_cases, r.day_import_ms,
                    r.day_export_peak_rss_mb, r.day_import_peak_rss_mb,
                    r.days - 1, r.big_events, r.big_export_ms, r.big_batch_bytes, r.big_import_ms, r.import_events_per_second,
                    if r.big_import_runs_ms.len() > 1 {
                        let list = |v: &[f64]| v.iter().map(|ms| format!("{ms:.0}")).collect::<Vec<_>>().join(" / ");
                        format!("\n大批次各次导入（ms）：{}\n其处理器时间（ms）：{}", list(&r.big_import_runs_ms), list(&r.big_import_cpu_ms))
                    } else {
                        String::new()
                    },
                    r.seed_seconds
                )
            });
        }
        BenchCommand::Lan {
            dir,
            counters,
            seconds,
            catch_up_cases,
        } => {
            let r = bianmin_bench::lan::lan(&dir, counters, seconds, catch_up_cases)?;
            print(json, &r, |r| {
                format!(
                    "{} 台窗口电脑，{} 秒，共受理 {} 件\n传播（一台提交 → 另一台数据库可见，{} 件）：p50 {:.1} ms，p99 {:.1} ms，最大 {:.1} ms\n同步运行时受理提交：p50 {:.2} ms，p99 {:.2} ms\n追赶：离线受理 {} 件、汇总机新增 {} 条事件，重连后 {:.0} ms 一致\n汇总机内存：空闲 {:?} KiB，峰值 {:?} KiB；CPU {:?} s\n每件办件的批次字节数：{:?}（百件一批），{:?}（一件一批）",
                    r.counters, r.seconds, r.cases, r.propagation.samples, r.propagation.p50_ms, r.propagation.p99_ms, r.propagation.max_ms,
                    r.intake_commit.p50_ms, r.intake_commit.p99_ms, r.catch_up_cases, r.catch_up_hub_events, r.catch_up_ms,
                    r.hub_idle_rss_kib, r.hub_peak_rss_kib, r.hub_cpu_seconds, r.batch_bytes_per_case, r.single_case_batch_bytes
                )
            });
        }
        BenchCommand::Dashboard { dir, samples } => {
            let r = bianmin_bench::dashboard::dashboard(&dir, samples)?;
            print(json, &r, |r| {
                format!(
                    "数据库办件 {} 件，以 {} 为准：红灯 {}，黄灯 {}，本月接件 {}\n统计调用（{} 次）：p50 {:.2} ms，p99 {:.2} ms，最大 {:.2} ms",
                    r.cases, r.as_of, r.red, r.yellow, r.month_received,
                    r.call.samples, r.call.p50_ms, r.call.p99_ms, r.call.max_ms
                )
            });
        }
        BenchCommand::Documents {
            rounds,
            chromium,
            dir,
        } => {
            let (dir, _keep) = bench_dir(dir)?;
            let r = bianmin_bench::documents::documents(&dir, rounds, chromium)?;
            print(json, &r, |r| {
                let mut s = format!(
                    "字体解析：{:.1} ms（每进程一次）；办件 {} 个\nA4 受理通知书：p50 {:.2} ms，p99 {:.2} ms；大小 p50 {} 字节（{}–{}）\n受理回执：p50 {:.2} ms，p99 {:.2} ms；大小 p50 {} 字节（{}–{}）\n打印并记录（含事务）：p50 {:.2} ms，p99 {:.2} ms\n峰值内存：{} KiB\n",
                    r.font_parse_ms, r.cases,
                    r.notice.p50_ms, r.notice.p99_ms, r.notice_sizes.p50_bytes, r.notice_sizes.min_bytes, r.notice_sizes.max_bytes,
                    r.receipt.p50_ms, r.receipt.p99_ms, r.receipt_sizes.p50_bytes, r.receipt_sizes.min_bytes, r.receipt_sizes.max_bytes,
                    r.print_with_record.p50_ms, r.print_with_record.p99_ms,
                    r.peak_rss_kib.map(|k| k.to_string()).unwrap_or_else(|| "—".into()),
                );
                match (&r.chromium, &r.chromium_skipped) {
                    (Some(c), _) => {
                        let _ = write!(
                            s,
                            "Chromium 打印同一通知书（每份一个进程，{} 份）：p50 {:.0} ms，p99 {:.0} ms；大小 p50 {} 字节；慢 {:.0} 倍",
                            c.per_document.samples, c.per_document.p50_ms, c.per_document.p99_ms, c.sizes.p50_bytes, c.slower_by
                        );
                    }
                    (None, Some(why)) => {
                        let _ = write!(s, "Chromium 对比：{why}");
                    }
                    (None, None) => {}
                }
                s
            });
        }
        BenchCommand::Intake {
            existing,
            samples,
            dir,
            encrypt,
            scan_kb,
        } => {
            let (dir, _keep) = bench_dir(dir)?;
            let r = bianmin_bench::intake(&dir, existing, samples, encrypt, scan_kb)?;
            print(json, &r, |r| {
                let scan = match &r.with_scan {
                    Some(l) => format!(
                        "\n受理并添加 {:.1} MB 扫描件（{} 次）：p50 {:.3} ms，p99 {:.3} ms，最大 {:.3} ms",
                        r.scan_bytes as f64 / 1024.0 / 1024.0,
                        l.samples,
                        l.p50_ms,
                        l.p99_ms,
                        l.max_ms
                    ),
                    None => String::new(),
                };
                format!(
                    "已有办件 {}（预置耗时 {:.1} 秒）\n受理提交延迟（{} 次，synchronous=FULL）：p50 {:.3} ms，p99 {:.3} ms，最大 {:.3} ms\n受理吞吐量：{:.0} 件/秒\n数据库大小：{:.1} MB",
                    r.existing_cases,
                    r.seed_seconds,
                    r.accepted_commit.samples,
                    r.accepted_commit.p50_ms,
                    r.accepted_commit.p99_ms,
                    r.accepted_commit.max_ms,
                    r.intakes_per_second,
                    r.database_bytes as f64 / 1e6
                ) + &scan
            });
        }
    }
    Ok(())
}

/// A temporary folder removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> Result<TempDir> {
    let p = std::env::temp_dir().join(format!("bianmin-bench-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&p).map_err(|e| StoreError::file(&p, e))?;
    Ok(TempDir(p))
}
