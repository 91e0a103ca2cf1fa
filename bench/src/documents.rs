//! `bianmin bench documents`: how long the A4 acceptance notice and the
//! receipt take to render and how large they are, over an accepted case of
//! every non-即办 matter of the default catalogue (fonts parsed once per
//! process); the cost of `documents::print` with its transaction; peak RSS;
//! and, for comparison, the same notice written as HTML and printed by
//! headless Chromium, one process per document.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::intake::{bench_store, bench_time, synthetic_applicant};
use super::{peak_rss_kib, Latency};
use bianmin::catalogue::{versions, CaseType};
use bianmin::documents::facts::{chinese_date, gather, or_dash, Facts};
use bianmin::documents::{self, fonts, DocumentKind};
use bianmin::intake::{self, Application};
use bianmin::store::StoreError;

/// Sizes of the produced files.
#[derive(Debug, Clone, Serialize)]
pub struct Sizes {
    pub files: usize,
    pub min_bytes: usize,
    pub p50_bytes: usize,
    pub max_bytes: usize,
}

impl Sizes {
    fn of(mut sizes: Vec<usize>) -> Sizes {
        sizes.sort_unstable();
        Sizes {
            files: sizes.len(),
            min_bytes: sizes.first().copied().unwrap_or(0),
            p50_bytes: sizes
                .get(sizes.len().saturating_sub(1) / 2)
                .copied()
                .unwrap_or(0),
            max_bytes: sizes.last().copied().unwrap_or(0),
        }
    }
}

/// Headless Chromium printing the same notice from HTML.
#[derive(Debug, Clone, Serialize)]
pub struct ChromiumBench {
    pub binary: String,
    pub per_document: Latency,
    pub sizes: Sizes,
    /// Chromium p50 ÷ printpdf p50 for the A4 notice.
    pub slower_by: f64,
}

/// The result of `bianmin bench documents`.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentsBench {
    pub font_parse_ms: f64,
    pub cases: usize,
    pub notice: Latency,
    pub notice_sizes: Sizes,
    pub receipt: Latency,
    pub receipt_sizes: Sizes,
    /// `documents::print` of a notice: render plus the recording transaction.
    pub print_with_record: Latency,
    pub peak_rss_kib: Option<u64>,
    pub chromium: Option<ChromiumBench>,
    /// Why Chromium was not measured, when it was not.
    pub chromium_skipped: Option<String>,
}

/// Runs the benchmark in `dir`. `rounds` renders of every case; up to
/// `chromium_docs` notices through Chromium (0 to skip).
pub fn documents(
    dir: &Path,
    rounds: usize,
    chromium_docs: usize,
) -> bianmin::Result<DocumentsBench> {
    let started = Instant::now();
    // Both faces a counter prints with: read, SHA-256 checked, parsed.
    let loaded = fonts::get()?;
    loaded.parsed(fonts::Face::Sans)?;
    loaded.parsed(fonts::Face::Serif)?;
    let font_parse_ms = started.elapsed().as_secs_f64() * 1000.0;

    // A Monday whose longest promised limits (30 working days) end in 2026.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
    let now = bench_time(day, 0);
    let (mut store, clerk) = bench_store(dir, now)?;
    let mut case_nos = Vec::new();
    for (n, m) in versions::list(store.conn())?.into_iter().enumerate() {
        let (_, matter) = versions::current(store.conn(), &m.code)?;
        if matter.case_type == CaseType::OnTheSpot {
            continue;
        }
        let app = Application {
            matter_code: matter.code.clone(),
            applicant: synthetic_applicant(n),
            proxy: None,
            provided: (1..=matter.materials.len())
                .map(|i| i.to_string())
                .collect(),
            refusal_reason: None,
            resubmission_of: None,
            tolerate: false,
            promised: Vec::new(),
        };
        case_nos.push(intake::record(&mut store, &clerk, bench_time(day, n as i64), app)?.case_no);
    }
    let facts: Vec<Facts> = case_nos
        .iter()
        .map(|no| gather(store.conn(), no, now))
        .collect::<bianmin::Result<_>>()?;

    let time_kind = |kind: DocumentKind| -> bianmin::Result<(Latency, Sizes)> {
        let mut times = Vec::new();
        let mut sizes = Vec::new();
        for round in 0..rounds.max(1) {
            for f in &facts {
                let t = Instant::now();
                let r = documents::render(kind, f)?;
                times.push(t.elapsed());
                if round == 0 {
                    sizes.push(r.bytes.len());
                }
            }
        }
        Ok((Latency::of(&mut times), Sizes::of(sizes)))
    };
    let (notice, notice_sizes) = time_kind(DocumentKind::Notice)?;
    let (receipt, receipt_sizes) = time_kind(DocumentKind::Receipt)?;

    let mut prints = Vec::new();
    for no in case_nos.iter().cycle().take(case_nos.len() * 2) {
        let t = Instant::now();
        documents::print(&mut store, &clerk, now, no, DocumentKind::Notice)?;
        prints.push(t.elapsed());
    }
    let peak = peak_rss_kib();

    let (chromium, chromium_skipped) = if chromium_docs == 0 {
        (None, Some("未要求（--chromium 0）".to_owned()))
    } else {
        match find_chromium() {
            None => (
                None,
                Some("未找到 chromium（apt-get install chromium）".to_owned()),
            ),
            Some(bin) => {
                let (per, sizes) =
                    chromium_run(&bin, dir, &facts[..chromium_docs.min(facts.len())])?;
                let slower_by = per.p50_ms / notice.p50_ms.max(f64::EPSILON);
                (
                    Some(ChromiumBench {
                        binary: bin.display().to_string(),
                        per_document: per,
                        sizes,
                        slower_by,
                    }),
                    None,
                )
            }
        }
    };
    Ok(DocumentsBench {
        font_parse_ms,
        cases: facts.len(),
        notice,
        notice_sizes,
        receipt,
        receipt_sizes,
        print_with_record: Latency::of(&mut prints),
        peak_rss_kib: peak,
        chromium,
        chromium_skipped,
    })
}

fn find_chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn chromium_run(bin: &Path, dir: &Path, facts: &[Facts]) -> bianmin::Result<(Latency, Sizes)> {
    let mut times: Vec<Duration> = Vec::new();
    let mut sizes = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        let html = dir.join(format!("notice-{i}.html"));
        let pdf = dir.join(format!("notice-{i}.pdf"));
        let profile = dir.join(format!("chromium-profile-{i}"));
        std::fs::write(&html, notice_html(f)).map_err(|e| StoreError::file(&html, e))?;
        let t = Instant::now();
        let status = Command::new(bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", html.display()))
            .output()
            .map_err(|e| StoreError::file(bin, e))?;
        times.push(t.elapsed());
        let bytes = std::fs::read(&pdf).map_err(|e| StoreError::File {
            path: pdf.display().to_string(),
            reason: format!("{e}; chromium: {}", String::from_utf8_lossy(&status.stderr)),
        })?;
        sizes.push(bytes.len());
        let _ = std::fs::remove_dir_all(&profile);
    }
    Ok((Latency::of(&mut times), Sizes::of(sizes)))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The acceptance notice's content as an HTML page (what a team printing
/// through a browser would write).
pub fn notice_html(f: &Facts) -> String {
    let rows: String = f
        .received()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            format!(
                "<tr><td class=c>{}</td><td>{}</td><td class=c>{}</td><td class=c>{}</td><td>{}</td></tr>",
                i + 1,
                esc(&m.name),
                esc(&m.form),
                m.copies,
                esc(&m.note)
            )
        })
        .collect();
    let due = f.due_date.map(chinese_date).unwrap_or_default();
    format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>受理通知书 {no}</title>
<style>@page {{ size: A4; margin: 20mm 22mm; }} body {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: 11pt; line-height: 1.5; }}
h1 {{ text-align: center; font-size: 20pt; margin: 2mm 0; }} .center {{ text-align: center; font-weight: bold; font-size: 13pt; }}
.no {{ text-align: right; }} p.body {{ text-indent: 2em; }} table {{ border-collapse: collapse; width: 100%; font-size: 10pt; }}
td, th {{ border: 0.5pt solid #000; padding: 1mm 1.5mm; }} .c {{ text-align: center; }} dl {{ display: grid; grid-template-columns: 7em 1fr; margin: 0; }}
dt, dd {{ margin: 0; }} .seal {{ float: right; width: 42mm; height: 42mm; border: 0.5pt dashed #000; text-align: center; line-height: 42mm; font-size: 9pt; }}
.foot {{ border-top: 0.5pt solid #000; font-size: 9pt; margin-top: 4mm; clear: both; }}</style></head><body>
<div class=center>{center}</div><h1>受理通知书</h1><div class=no>编号：{no}</div>
<p>{name}：</p><p class=body>你于{received}提出的“{matter}”申请，申请材料齐全、符合法定形式，本中心决定予以受理。现将有关事项告知如下：</p>
<dl><dt>办理事项：</dt><dd>{matter}</dd><dt>实施部门：</dt><dd>{dept}</dd><dt>申 请 人：</dt><dd>{name}（{id_type} {id}）</dd>
<dt>受理日期：</dt><dd>{received}</dd><dt><b>承诺办结日期：</b></dt><dd><b>{due}（承诺时限 {days} 个工作日，不含法定节假日）</b></dd>
<dt>结果领取方式：</dt><dd>{pickup}</dd><dt>受理窗口：</dt><dd>{device} 号窗口　经办人工号：{staff}</dd></dl>
<p><b>已收取的申请材料：</b></p><table><tr><th>序号</th><th>材料名称</th><th>形式</th><th>份数</th><th>备注</th></tr>{rows}</table>
<p class=body>请凭受理回执或查询码 {code} 查询办理进度、领取办理结果。</p>
<div class=seal>（印章位置）</div><div style="clear:both;text-align:right">{center}<br>{received}</div>
<p class=body>如对办理结果有异议，可以自知道该行政行为之日起六十日内依法申请行政复议，或者自知道该行政行为之日起六个月内依法向人民法院提起行政诉讼。</p>
<div class=foot>地址：{addr}　咨询电话：{phone}　投诉电话：{complaint}</div></body></html>"#,
        no = esc(&f.case_no),
        center = esc(&f.center_name),
        name = esc(&f.applicant_name),
        received = chinese_date(f.received_on),
        matter = esc(&f.matter_name),
        dept = esc(&f.department),
        id_type = f.applicant_id_type,
        id = esc(&f.masked_id()),
        days = f.promised_days,
        pickup = esc(&f.pickup_methods.join("、")),
        device = esc(&f.device_code),
        staff = esc(&f.clerk_staff_no),
        code = esc(&f.query_code),
        addr = esc(or_dash(&f.profile.address)),
        phone = esc(or_dash(&f.profile.phone)),
        complaint = esc(or_dash(&f.profile.complaint_phone)),
    )
}
