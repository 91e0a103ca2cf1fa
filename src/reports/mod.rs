//! What a manager takes away on USB: the daily ledger (台账) as CSV, XLSX
//! or PDF, and the figures of the 统计 screen.
//!
//! - [`ledger`]: which cases a day touched and every total of that day.
//! - [`csv`], [`xlsx`], [`pdf`]: the ledger in each file format.
//! - [`monthly`]: the monthly report (月报) per matter, per clerk and per day.
//! - [`dashboard`]: today's queue, counts and this month's rates in one call.

pub mod csv;
pub mod dashboard;
pub mod ledger;
pub mod monthly;
pub mod pdf;
pub mod xlsx;

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use crate::auth::{Action, Session};
use crate::store::{Store, StoreError};

/// Refusals of report requests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("未知的报表格式“{0}”，可选 csv、xlsx、pdf")]
    UnknownFormat(String),
    #[error("无法生成 Excel 文件：{0}")]
    Xlsx(String),
}

/// The file formats of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Xlsx,
    Pdf,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, ReportError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" | "excel" => Ok(Format::Xlsx),
            "pdf" => Ok(Format::Pdf),
            other => Err(ReportError::UnknownFormat(other.to_owned())),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }
}

/// A ledger written to a file.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub path: String,
    pub format: Format,
    pub day: NaiveDate,
    pub rows: usize,
    pub bytes: u64,
}

/// Writes a report file atomically (a pulled USB stick leaves no
/// half-written file under the final name), making its folder if needed.
fn write(out: &Path, bytes: &[u8]) -> crate::Result<()> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::file(parent, e))?;
    }
    Ok(crate::files::write_atomic(out, bytes)?)
}

/// Builds the report of `year`-`month` and writes it to `out` (XLSX or
/// PDF), atomically. Only a manager may.
pub fn export_monthly(
    store: &Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    (year, month): (i32, u32),
    format: Format,
    out: &Path,
) -> crate::Result<Written> {
    session.authorize(store.conn(), Action::ViewReports)?;
    let m = monthly::report(store.conn(), year, month)?;
    let bytes = match format {
        Format::Xlsx => xlsx::monthly(&m)?,
        Format::Pdf => pdf::monthly(&m, session, now)?.bytes,
        Format::Csv => {
            return Err(ReportError::UnknownFormat("csv（月报只提供 xlsx 和 pdf）".into()).into())
        }
    };
    write(out, &bytes)?;
    Ok(Written {
        path: out.display().to_string(),
        format,
        day: m.first,
        rows: m.by_matter.len(),
        bytes: bytes.len() as u64,
    })
}

/// Builds the ledger of `day` and writes it to `out` in `format` (atomically:
/// a pulled USB stick leaves no half-written file under the final name).
/// Only a manager may.
pub fn export_ledger(
    store: &Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    day: NaiveDate,
    format: Format,
    out: &Path,
) -> crate::Result<Written> {
    session.authorize(store.conn(), Action::ViewReports)?;
    let ledger = ledger::daily(store.conn(), day)?;
    let bytes = match format {
        Format::Csv => csv::ledger(&ledger).into_bytes(),
        Format::Xlsx => xlsx::ledger(&ledger)?,
        Format::Pdf => pdf::ledger(&ledger, session, now)?.bytes,
    };
    write(out, &bytes)?;
    Ok(Written {
        path: out.display().to_string(),
        format,
        day,
        rows: ledger.rows.len(),
        bytes: bytes.len() as u64,
    })
}
