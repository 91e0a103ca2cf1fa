//! The ledger as an Excel workbook (rust_xlsxwriter): the header row frozen,
//! column widths that fit Chinese text, dates as real date cells, money as
//! number cells formatted 0.00, and a totals block whose figures that can
//! be counted from the rows are formulas (COUNTIFS/SUMIFS) carrying the
//! core's computed value as their cached result — so Excel, WPS and
//! LibreOffice recompute the same numbers the CSV and PDF print.
//!
//! Money is a `Decimal` everywhere in the core; a spreadsheet cell can only
//! hold a binary number, so it is converted at this boundary only.

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
};

use super::ledger::{self, Ledger};
use super::ReportError;

fn err(e: rust_xlsxwriter::XlsxError) -> crate::Error {
    ReportError::Xlsx(e.to_string()).into()
}

fn date(d: NaiveDate) -> Result<ExcelDateTime, crate::Error> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(err)
}

/// Display width of a text in Excel character units (a CJK character is two).
fn width(text: &str) -> f64 {
    text.chars()
        .map(|c| if (c as u32) < 0x2E80 { 1.0 } else { 2.0 })
        .sum()
}

/// The first data row (0-based): row 0 is the title, row 1 the header.
const FIRST: u32 = 2;

/// The ledger of a day as an .xlsx file.
pub fn ledger(l: &Ledger) -> crate::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write(ws, l).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

fn write(ws: &mut Worksheet, l: &Ledger) -> Result<(), rust_xlsxwriter::XlsxError> {
    ws.set_name("日台账")?;
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_background_color("EEF1F4");
    let cell = Format::new().set_border(FormatBorder::Thin);
    let date_fmt = Format::new()
        .set_num_format("yyyy-mm-dd")
        .set_border(FormatBorder::Thin);
    let money = Format::new()
        .set_num_format("0.00")
        .set_border(FormatBorder::Thin);
    let bold = Format::new().set_bold();
    let bold_money = Format::new().set_bold().set_num_format("0.00");

    ws.write_string_with_format(
        0,
        0,
        format!("{} 日台账 {}", l.center_name, l.day.format("%Y年%m月%d日")),
        &title,
    )?;
    let mut widths: Vec<f64> = ledger::COLUMNS.iter().map(|c| width(c) + 2.0).collect();
    for (c, name) in ledger::COLUMNS.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *name, &head)?;
    }
    ws.set_freeze_panes(FIRST, 0)?;
    for (i, r) in l.rows.iter().enumerate() {
        let row = FIRST + i as u32;
        let texts = [
            (0u16, r.case_no.as_str()),
            (1, r.matter.as_str()),
            (2, r.applicant.as_str()),
            (3, r.clerk.as_str()),
            (4, r.outcome),
            (5, r.state),
            (6, r.accepted_at.as_str()),
            (9, ledger::on_time_label(r.on_time)),
            (12, r.evaluation.unwrap_or_default()),
        ];
        for (c, t) in texts {
            ws.write_string_with_format(row, c, t, &cell)?;
            widths[c as usize] = widths[c as usize].max(width(t) + 2.0);
        }
        for (c, d) in [
            (7u16, r.due_date),
            (8, r.completed_on),
            (13, Some(r.received_on)),
        ] {
            match d {
                Some(d) => {
                    ws.write_datetime_with_format(
                        row,
                        c,
                        date(d).map_err(|_| {
                            rust_xlsxwriter::XlsxError::ParameterError(format!("日期 {d}"))
                        })?,
                        &date_fmt,
                    )?;
                }
                None => {
                    ws.write_blank(row, c, &cell)?;
                }
            }
        }
        match r.days_saved {
            Some(n) => ws.write_number_with_format(row, 10, n as f64, &cell)?,
            None => ws.write_blank(row, 10, &cell)?,
        };
        ws.write_number_with_format(row, 11, r.fee.to_f64().unwrap_or(0.0), &money)?;
        ws.write_number_with_format(row, 14, f64::from(r.national.code), &cell)?;
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, w.clamp(10.0, 60.0))?;
    }
    for c in [7u16, 8, 13] {
        ws.set_column_width(c, 12)?;
    }

    // The totals block under the rows.
    let last = FIRST + l.rows.len().max(1) as u32; // exclusive, 0-based
    let range = |col: char| format!("{col}{}:{col}{}", FIRST + 1, last);
    let day = format!("DATE({},{},{})", l.day.year(), l.day.month(), l.day.day());
    let t = &l.totals;
    let mut row = last + 1;
    ws.write_string_with_format(row, 0, "合计", &bold)?;
    row += 1;
    let counted: [(&str, String, String); 8] = [
        (
            "接件",
            format!("=COUNTIF({},{day})", range('N')),
            t.received.to_string(),
        ),
        (
            "受理",
            format!("=COUNTIFS({},{day},{},\"受理\")", range('N'), range('E')),
            t.accepted.to_string(),
        ),
        (
            "即办",
            format!("=COUNTIFS({},{day},{},\"即办\")", range('N'), range('E')),
            t.on_the_spot.to_string(),
        ),
        (
            "一次性告知",
            format!(
                "=COUNTIFS({},{day},{},\"一次性告知\")",
                range('N'),
                range('E')
            ),
            t.notice.to_string(),
        ),
        (
            "不予受理",
            format!(
                "=COUNTIFS({},{day},{},\"不予受理\")",
                range('N'),
                range('E')
            ),
            t.refused.to_string(),
        ),
        (
            "办结",
            format!("=COUNTIF({},{day})", range('I')),
            t.completions.to_string(),
        ),
        (
            "按时办结",
            format!("=COUNTIFS({},{day},{},\"按时\")", range('I'), range('J')),
            t.on_time_completions.to_string(),
        ),
        (
            "收费合计(元)",
            format!(
                "=SUMIFS({m},{n},{day},{e},\"受理\")+SUMIFS({m},{n},{day},{e},\"即办\")",
                m = range('L'),
                n = range('N'),
                e = range('E')
            ),
            format!("{:.2}", t.fees),
        ),
    ];
    for (label, formula, result) in counted {
        ws.write_string(row, 0, label)?;
        let f = Formula::new(formula).set_result(result);
        if label.starts_with("收费") {
            ws.write_formula_with_format(row, 1, f, &bold_money)?;
        } else {
            ws.write_formula(row, 1, f)?;
        }
        row += 1;
    }
    let mut plain = vec![
        ("咨询".to_owned(), t.consultations),
        ("超期未办结".to_owned(), t.overdue_open),
    ];
    for (_, label, n) in &t.evaluations {
        plain.push((format!("评价：{label}"), *n));
    }
    plain.push(("投诉受理".to_owned(), t.complaints_opened));
    plain.push(("投诉办结".to_owned(), t.complaints_closed));
    for (label, n) in crate::intake::tolerance::figure_lines(&t.tolerance) {
        plain.push((label.to_owned(), n));
    }
    for (label, n) in plain {
        ws.write_string(row, 0, label)?;
        ws.write_number(row, 1, n as f64)?;
        row += 1;
    }
    Ok(())
}

/// A rate as a number cell formatted 0.0% (blank when there is nothing to rate).
fn rate(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    r: Option<f64>,
    pct: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match r {
        Some(v) => ws.write_number_with_format(row, col, v, pct).map(|_| ()),
        None => ws.write_string(row, col, "—").map(|_| ()),
    }
}

/// The columns of every table of the monthly report.
const MONTH_COLUMNS: [&str; 11] = [
    "名称",
    "接件",
    "受理",
    "即办",
    "办结",
    "按时办结",
    "现场办结率",
    "按时办结率",
    "平均提前(工作日)",
    "满意率",
    "投诉",
];

fn month_table(
    ws: &mut Worksheet,
    title: &str,
    lines: &[&super::monthly::Line],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("EEF1F4");
    let pct = Format::new().set_num_format("0.0%");
    let one = Format::new().set_num_format("0.0");
    ws.set_name(title)?;
    for (c, name) in MONTH_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, &head)?;
        ws.set_column_width(
            c as u16,
            if c == 0 {
                36.0
            } else {
                width(name).max(8.0) + 2.0
            },
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (i, l) in lines.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &l.name)?;
        for (c, n) in [
            (1u16, l.received),
            (2, l.accepted),
            (3, l.on_the_spot),
            (4, l.completed),
            (5, l.on_time),
        ] {
            ws.write_number(row, c, n as f64)?;
        }
        rate(ws, row, 6, l.on_the_spot_rate(), &pct)?;
        rate(ws, row, 7, l.on_time_rate(), &pct)?;
        match l.average_days_saved().and_then(|d| d.to_f64()) {
            Some(v) => ws.write_number_with_format(row, 8, v, &one)?,
            None => ws.write_string(row, 8, "—")?,
        };
        rate(ws, row, 9, l.satisfaction_rate(), &pct)?;
        ws.write_number(row, 10, l.complaints as f64)?;
    }
    Ok(())
}

/// The monthly report as an .xlsx file: 汇总, 按事项, 按人员, 前十事项, 每日.
pub fn monthly(m: &super::monthly::Monthly) -> crate::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let sheets: [(&str, Vec<&super::monthly::Line>); 5] = [
        ("汇总", vec![&m.totals]),
        ("按事项", m.by_matter.iter().collect()),
        ("按人员", m.by_clerk.iter().collect()),
        ("前十事项", m.top_matters.iter().collect()),
        ("每日", m.by_day.iter().collect()),
    ];
    for (title, lines) in sheets {
        let ws = wb.add_worksheet();
        month_table(ws, title, &lines).map_err(err)?;
        if title == "汇总" {
            let mut row = 3;
            let extra: Vec<(String, i64)> = std::iter::once(("咨询".to_owned(), m.consultations))
                .chain(
                    m.evaluations_by_level
                        .iter()
                        .map(|(_, l, n)| (format!("评价：{l}"), *n)),
                )
                .chain(
                    crate::intake::tolerance::figure_lines(&m.tolerance)
                        .into_iter()
                        .map(|(l, n)| (l.to_owned(), n)),
                )
                .collect();
            for (label, n) in extra {
                ws.write_string(row, 0, label).map_err(err)?;
                ws.write_number(row, 1, n as f64).map_err(err)?;
                row += 1;
            }
            ws.write_string(row, 0, "收费合计(元)").map_err(err)?;
            ws.write_number_with_format(
                row,
                1,
                m.totals.fees.to_f64().unwrap_or(0.0),
                &Format::new().set_num_format("0.00"),
            )
            .map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}
