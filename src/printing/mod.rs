//! The counter's printers: which printer of this PC each document goes to
//! (80 mm slips to the receipt printer, A4 forms to the A4 printer),
//! whether it prints by itself right after an intake, and the print
//! service ([`cups`]) that takes the job.
//!
//! The choices are this PC's (a printer is a queue of this machine's print
//! service), kept in the local table `printer_choices` (migration 8); what
//! was printed where is the documents area's (`document.printed` and
//! `document.sent` name the printer).

pub mod cups;

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::auth::{Action, Session};
use crate::documents::DocumentKind;
use crate::store::{Store, StoreError};

/// Why a document did not reach a printer. Nothing is recorded then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    #[error(
        "本机没有安装打印服务（CUPS），无法直接打印；可先“打开 PDF”打印，或请管理员安装打印服务"
    )]
    NoService,
    #[error("打印服务没有运行，请重新启动电脑或请管理员启动打印服务（CUPS）后再打印")]
    ServiceDown,
    #[error("打印服务出错：{0}")]
    Service(String),
    #[error("本机没有名为“{0}”的打印机，请在“设置”中重新选择打印机")]
    NoSuchPrinter(String),
    #[error("打印机“{printer}”已暂停{reason}，请在打印机管理中恢复后再打印")]
    Stopped { printer: String, reason: String },
    #[error("打印机“{0}”不接受新的打印任务，请在打印机管理中恢复后再打印")]
    NotAccepting(String),
    #[error("打印机“{printer}”{what}")]
    Reported { printer: String, what: &'static str },
    #[error("打印机“{printer}”拒绝了打印任务：{message}")]
    Refused { printer: String, message: String },
    #[error("没有为“{0}”选择打印机，请中心负责人在“设置—打印机”中选择")]
    NoPrinterChosen(&'static str),
    #[error("无法读取要打印的文件 {path}：{reason}")]
    File { path: String, reason: String },
}

/// Where one document kind prints on this PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub kind: DocumentKind,
    /// The name a clerk knows it by (80 mm slip or A4 form).
    pub label: &'static str,
    /// The paper it is laid out for.
    pub paper: &'static str,
    /// The printer; `None`: saved as a PDF only, opened to print.
    pub printer: Option<String>,
    /// Printed right after an intake, without a click.
    pub auto: bool,
}

/// The paper a document kind is laid out for.
pub fn paper(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Receipt | DocumentKind::Onetime | DocumentKind::BundleReceipt => "80 mm 小票",
        DocumentKind::OnetimeA4
        | DocumentKind::BundleNotice
        | DocumentKind::BundleOnetime
        | DocumentKind::Notice
        | DocumentKind::Refusal
        | DocumentKind::Tolerance
        | DocumentKind::Commitment
        | DocumentKind::Revocation => "A4",
    }
}

/// Every document kind with where it prints on this PC, in
/// [`DocumentKind::ALL`] order.
pub fn choices(conn: &Connection) -> Result<Vec<Choice>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT printer, auto FROM printer_choices WHERE kind = ?1")?;
    let mut out = Vec::new();
    for kind in DocumentKind::ALL {
        let row: Option<(String, bool)> = stmt
            .query_row([kind.code()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        out.push(Choice {
            kind,
            label: kind.choice_label(),
            paper: paper(kind),
            auto: row.as_ref().is_some_and(|r| r.1),
            printer: row.map(|r| r.0),
        });
    }
    Ok(out)
}

/// The printer `kind` goes to on this PC, if one is chosen.
pub fn printer_for(conn: &Connection, kind: DocumentKind) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT printer FROM printer_choices WHERE kind = ?1")?
        .query_row([kind.code()], |r| r.get(0))
        .optional()?)
}

/// The printer `kind` prints to by itself right after an intake, if any.
pub fn auto_printer(conn: &Connection, kind: DocumentKind) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT printer FROM printer_choices WHERE kind = ?1 AND auto = 1")?
        .query_row([kind.code()], |r| r.get(0))
        .optional()?)
}

/// A manager chooses where `kind` prints on this PC: `printer` `None`
/// saves it as a PDF only. A printer the print service does not have is
/// refused; automatic printing needs a printer.
pub fn choose(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    kind: DocumentKind,
    printer: Option<&str>,
    auto: bool,
) -> crate::Result<Choice> {
    session.authorize(store.conn(), Action::EditCenter)?;
    let printer = printer.map(str::trim).filter(|p| !p.is_empty());
    match printer {
        None if auto => return Err(PrintError::NoPrinterChosen(kind.choice_label()).into()),
        None => {
            store
                .conn()
                .execute("DELETE FROM printer_choices WHERE kind = ?1", [kind.code()])?;
        }
        Some(name) => {
            cups::printer(name)?;
            store.conn().execute(
                "INSERT INTO printer_choices (kind, printer, auto, set_by, set_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (kind) DO UPDATE SET printer = ?2, auto = ?3, set_by = ?4, set_at = ?5",
                params![kind.code(), name, auto, session.user_id, now.to_rfc3339()],
            )?;
        }
    }
    Ok(Choice {
        kind,
        label: kind.choice_label(),
        paper: paper(kind),
        printer: printer.map(str::to_owned),
        auto: printer.is_some() && auto,
    })
}

/// What the 设置—打印机 section shows: where each document prints, the
/// printers the print service has now, and why none can be listed.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub choices: Vec<Choice>,
    pub printers: Vec<cups::Printer>,
    /// The print service's trouble (not installed, not running), in Chinese.
    pub service_problem: Option<String>,
}

/// The printers and this PC's choices, for anyone who prints.
pub fn overview(conn: &Connection, session: &Session) -> crate::Result<Overview> {
    session.authorize(conn, Action::PrintDocuments)?;
    let (printers, service_problem) = match cups::printers() {
        Ok(p) => (p, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    Ok(Overview {
        choices: choices(conn)?,
        printers,
        service_problem,
    })
}
