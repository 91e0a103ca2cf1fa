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

/// Renders the ledger of a day.
pub fn ledger(
    l: &Ledger,
    session: &Session,
    now: DateTime<FixedOffset>,
) -> Result<Rendered, crate::Error> {
    let day = l.day.format("%Y年%m月%d日").to_string();
    let mut f = Flow::landscape(&format!("{} 日台账（续）　{day}", l.center_name))?;
    f.paragraph(
        0.0,
        Style::bold(16.0),
        Align::Center,
        &format!("{} 日台账", l.center_name),
    )?;
    f.paragraph(
        0.0,
        Style::regular(10.5),
        Align::Center,
        &format!("{day}　共 {} 件", l.rows.len()),
    )?;
    f.gap(3.0);
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
        &format!("{} 日台账 {}", l.center_name, l.day),
        "日台账",
        &session.display_name,
        now,
    )?)
}
