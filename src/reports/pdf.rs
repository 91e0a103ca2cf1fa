//! The ledger as an A4 landscape PDF: the center and the day on top, the
//! case table with its header repeated on every page, the totals, a line
//! for the manager's signature, and "第 N 页 共 M 页" on each page.
//! Applicants' names are masked: the paper leaves the building.

use chrono::{DateTime, FixedOffset};

use super::ledger::{self, Ledger};
use crate::applicant::mask;
use crate::auth::Session;
use crate::documents::flow::{Column, Flow};
use crate::documents::layout::{self, Align, Rendered, Style};

const fn col(title: &'static str, width: f32, align: Align) -> Column {
    Column {
        title,
        width,
        align,
    }
}

/// The printed columns (253 mm: the width of A4 landscape inside the margins).
const COLUMNS: [Column; 13] = [
    col("办件编号", 47.0, Align::Left),
    col("事项", 35.0, Align::Left),
    col("申请人", 14.0, Align::Left),
    col("经办人", 18.0, Align::Left),
    col("受理结果", 16.0, Align::Center),
    col("当前状态", 16.0, Align::Center),
    col("接件时间", 22.0, Align::Left),
    col("办结期限", 18.0, Align::Center),
    col("办结日期", 18.0, Align::Center),
    col("按时", 10.0, Align::Center),
    col("提前", 10.0, Align::Right),
    col("收费(元)", 15.0, Align::Right),
    col("评价", 14.0, Align::Center),
];

/// A landscape report: "{center} {kind}" on top, the subtitle under it,
/// continuation pages headed "{center} {kind}（续）　{when}".
fn start(center: &str, kind: &str, when: &str, subtitle: &str) -> Result<Flow, crate::Error> {
    let mut f = Flow::landscape(&format!("{center} {kind}（续）　{when}"))?;
    f.paragraph(
        0.0,
        Style::bold(16.0),
        Align::Center,
        &format!("{center} {kind}"),
    )?;
    f.paragraph(0.0, Style::regular(10.5), Align::Center, subtitle)?;
    f.gap(3.0);
    Ok(f)
}

/// The manager's signature line, page numbers, and the PDF.
fn sign_and_render(
    mut f: Flow,
    title: &str,
    subject: &str,
    session: &Session,
    now: DateTime<FixedOffset>,
) -> Result<Rendered, crate::Error> {
    f.gap(10.0);
    f.ensure(12.0)?;
    f.paragraph(
        0.0,
        Style::regular(11.0),
        Align::Right,
        "中心负责人（签字）：____________________　　日期：______年____月____日",
    )?;
    let pages = f.finish();
    Ok(layout::render(
        &pages,
        title,
        subject,
        &session.display_name,
        now,
    )?)
}

/// Renders the ledger of a day.
pub fn ledger(
    l: &Ledger,
    session: &Session,
    now: DateTime<FixedOffset>,
) -> Result<Rendered, crate::Error> {
    let day = l.day.format("%Y年%m月%d日").to_string();
    let count = format!("{day}　共 {} 件", l.rows.len());
    let mut f = start(&l.center_name, "日台账", &day, &count)?;
    let rows: Vec<Vec<String>> = l
        .rows
        .iter()
        .map(|r| {
            vec![
                r.case_no.clone(),
                r.matter.clone(),
                mask::name(&r.applicant),
                r.clerk.clone(),
                r.outcome.to_owned(),
                r.state.to_owned(),
                r.accepted_at
                    .get(5..16)
                    .unwrap_or_default()
                    .replace('T', " "),
                r.due_date.map(|d| d.to_string()).unwrap_or_default(),
                r.completed_on.map(|d| d.to_string()).unwrap_or_default(),
                ledger::on_time_label(r.on_time).to_owned(),
                r.days_saved.map(|d| d.to_string()).unwrap_or_default(),
                format!("{:.2}", r.fee),
                r.evaluation.unwrap_or_default().to_owned(),
            ]
        })
        .collect();
    if rows.is_empty() {
        f.paragraph(0.0, Style::regular(10.5), Align::Left, "当日没有办件。")?;
    } else {
        f.table(&COLUMNS, &rows, Style::regular(8.0))?;
    }
    f.gap(5.0);
    f.paragraph(0.0, Style::bold(11.0), Align::Left, "当日合计")?;
    f.gap(1.0);
    // The totals four pairs to a row.
    let lines = ledger::total_lines(&l.totals);
    let pair = [
        col("项目", 38.0, Align::Left),
        col("数量", 25.25, Align::Right),
    ];
    let columns: Vec<Column> = pair.iter().cycle().take(8).copied().collect();
    let total_rows: Vec<Vec<String>> = lines
        .chunks(4)
        .map(|chunk| {
            let mut row: Vec<String> = chunk
                .iter()
                .flat_map(|(k, v)| [k.clone(), v.clone()])
                .collect();
            row.resize(8, String::new());
            row
        })
        .collect();
    f.table(&columns, &total_rows, Style::regular(9.0))?;
    let title = format!("{} 日台账 {}", l.center_name, l.day);
    sign_and_render(f, &title, "日台账", session, now)
}

/// The columns of the monthly tables (253 mm).
const MONTH_COLUMNS: [Column; 11] = [
    col("名称", 64.0, Align::Left),
    col("接件", 16.0, Align::Right),
    col("受理", 16.0, Align::Right),
    col("即办", 16.0, Align::Right),
    col("办结", 16.0, Align::Right),
    col("按时办结", 20.0, Align::Right),
    col("现场办结率", 22.0, Align::Right),
    col("按时办结率", 22.0, Align::Right),
    col("平均提前", 20.0, Align::Right),
    col("满意率", 21.0, Align::Right),
    col("投诉", 20.0, Align::Right),
];

fn pct(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn month_rows(lines: &[super::monthly::Line]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| {
            vec![
                l.name.clone(),
                l.received.to_string(),
                l.accepted.to_string(),
                l.on_the_spot.to_string(),
                l.completed.to_string(),
                l.on_time.to_string(),
                pct(l.on_the_spot_rate()),
                pct(l.on_time_rate()),
                l.average_days_saved().map_or("—".into(), |d| d.to_string()),
                pct(l.satisfaction_rate()),
                l.complaints.to_string(),
            ]
        })
        .collect()
}

/// A chart frame at the flow's cursor: title, axes; returns the plot area
/// (left, top, width, height) in millimetres.
fn chart_frame(f: &mut Flow, x: f32, w: f32, h: f32, title: &str) -> (f32, f32, f32, f32) {
    let top = f.y;
    let page = f.page();
    page.text(x, w, top, Style::bold(10.0), Align::Center, title);
    let (px, py, pw, ph) = (x + 10.0, top + 8.0, w - 14.0, h - 16.0);
    page.line(px, py, px, py + ph, 0.6);
    page.line(px, py + ph, px + pw, py + ph, 0.6);
    (px, py, pw, ph)
}

/// The three charts of the month, side by side: applications per day
/// (bars), the on-time rate per day (line), and the ratings by level (bars).
fn month_charts(f: &mut Flow, m: &super::monthly::Monthly) -> Result<(), crate::Error> {
    let (w, h) = (80.0, 62.0);
    f.ensure(h + 4.0)?;
    let gap = (f.width() - 3.0 * w) / 2.0;
    let left = Flow::LEFT;
    let label = Style::regular(7.0);

    // 1. Applications per day.
    let (px, py, pw, ph) = chart_frame(f, left, w, h, "每日接件量");
    let max = m
        .by_day
        .iter()
        .map(|d| d.received)
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = pw / m.by_day.len().max(1) as f32;
    let page = f.page();
    page.text(
        px - 10.0,
        9.0,
        py - 1.0,
        label,
        Align::Right,
        &max.to_string(),
    );
    for (i, d) in m.by_day.iter().enumerate() {
        let bh = ph * d.received as f32 / max as f32;
        if d.received > 0 {
            page.fill(
                px + i as f32 * slot + slot * 0.15,
                py + ph - bh,
                slot * 0.7,
                bh,
            );
        }
        if i % 5 == 0 {
            page.text(
                px + i as f32 * slot - 2.0,
                8.0,
                py + ph + 0.5,
                label,
                Align::Left,
                &(i + 1).to_string(),
            );
        }
    }

    // 2. On-time rate per day with completions (a line through the days that had any).
    let x2 = left + w + gap;
    let (px, py, pw, ph) = chart_frame(f, x2, w, h, "每日按时办结率");
    let slot = pw / m.by_day.len().max(1) as f32;
    let page = f.page();
    page.text(px - 10.0, 9.0, py - 1.0, label, Align::Right, "100%");
    page.text(px - 10.0, 9.0, py + ph - 3.0, label, Align::Right, "0%");
    let mut prev: Option<(f32, f32)> = None;
    for (i, d) in m.by_day.iter().enumerate() {
        if let Some(r) = d.on_time_rate() {
            let (x, y) = (px + (i as f32 + 0.5) * slot, py + ph - ph * r as f32);
            page.fill(x - 0.6, y - 0.6, 1.2, 1.2);
            if let Some((x0, y0)) = prev {
                page.line(x0, y0, x, y, 0.8);
            }
            prev = Some((x, y));
        }
        if i % 5 == 0 {
            page.text(
                px + i as f32 * slot - 2.0,
                8.0,
                py + ph + 0.5,
                label,
                Align::Left,
                &(i + 1).to_string(),
            );
        }
    }

    // 3. Ratings by level.
    let x3 = left + 2.0 * (w + gap);
    let (px, py, pw, ph) = chart_frame(f, x3, w, h, "评价分布");
    let max = m
        .evaluations_by_level
        .iter()
        .map(|e| e.2)
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = ph / m.evaluations_by_level.len().max(1) as f32;
    let page = f.page();
    for (i, (_, level, n)) in m.evaluations_by_level.iter().enumerate() {
        let y = py + i as f32 * slot;
        page.text(px + 0.5, 15.0, y + slot * 0.25, label, Align::Left, level);
        let bw = (pw - 30.0) * *n as f32 / max as f32;
        if *n > 0 {
            page.fill(px + 16.0, y + slot * 0.2, bw, slot * 0.6);
        }
        page.text(
            px + 17.0 + bw,
            12.0,
            y + slot * 0.25,
            label,
            Align::Left,
            &n.to_string(),
        );
    }
    f.y += h + 2.0;
    Ok(())
}

/// Renders the monthly report.
pub fn monthly(
    m: &super::monthly::Monthly,
    session: &Session,
    now: DateTime<FixedOffset>,
) -> Result<Rendered, crate::Error> {
    let title = format!("{}年{}月", m.year, m.month);
    let t = &m.tolerance;
    let subtitle = format!(
        "{title}（{} 至 {}）　咨询 {} 次　收费合计 {:.2} 元　容缺受理 {} 件，补齐 {} 项（按期 {} 项）",
        m.first, m.last, m.consultations, m.totals.fees, t.cases, t.supplied, t.supplied_on_time
    );
    let mut f = start(&m.center_name, "月报", &title, &subtitle)?;
    f.table(
        &MONTH_COLUMNS,
        &month_rows(std::slice::from_ref(&m.totals)),
        Style::regular(8.5),
    )?;
    f.gap(4.0);
    month_charts(&mut f, m)?;
    for (heading, lines) in [
        ("按事项", &m.by_matter),
        ("按人员（经办人）", &m.by_clerk),
        ("接件量前十的事项", &m.top_matters),
    ] {
        f.gap(3.0);
        f.ensure(20.0)?;
        f.paragraph(0.0, Style::bold(11.0), Align::Left, heading)?;
        f.gap(1.0);
        f.table(&MONTH_COLUMNS, &month_rows(lines), Style::regular(8.0))?;
    }
    let title = format!("{} 月报 {title}", m.center_name);
    sign_and_render(f, &title, "月报", session, now)
}
