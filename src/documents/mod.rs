//! The papers an intake produces, as PDFs:
//! - [`receipt`]: 受理回执, 80 mm roll-paper slip with a QR code;
//! - [`onetime_notice`]: 一次性告知单, as an 80 mm slip and as A4, two copies;
//! - [`acceptance_notice`]: 受理通知书, A4;
//! - [`refusal_notice`]: 不予受理通知书, A4;
//! - [`guide`]: 办事指南, A4, of one matter or the whole catalogue (no case).
//!
//! [`print`] renders one for a committed case and records it as a
//! `document.printed` event (template version, SHA-256 of the PDF, copy
//! number), so a second print is marked 补打 with its count. Shared
//! machinery: [`fonts`], [`wrap`], [`layout`], [`flow`], [`qr`], [`facts`].

pub mod acceptance_notice;
pub mod facts;
pub mod flow;
pub mod fonts;
pub mod guide;
pub mod layout;
pub mod onetime_notice;
pub mod qr;
pub mod receipt;
pub mod refusal_notice;
pub mod slip;
pub mod wrap;

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::{Action, Session};
use crate::intake::Outcome;
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};
pub use facts::Facts;
pub use layout::Rendered;

/// Refusals and failures of printing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("字符“{0}”（U+{code:04X}）在打印字体中不存在，无法打印；请核对该字，或改用规范汉字后再打印", code = *.0 as u32)]
    MissingGlyph(char),
    #[error("打印字体无法载入：{0}")]
    Font(String),
    #[error("PDF 无法生成：{0}")]
    Pdf(String),
    #[error("二维码无法生成：{0}")]
    Qr(String),
    #[error("办件 {0} 是村代办件，中心确认收件（一事一袋）后才能打印受理通知书")]
    NotYetAccepted(String),
    #[error("办件 {case_no} 的结果是“{outcome}”，没有{document}")]
    NotForOutcome {
        case_no: String,
        outcome: &'static str,
        document: &'static str,
    },
    #[error("事项清单中没有可以受理的事项，办事指南汇编无内容可打印")]
    NothingToPrint,
    #[error("未知的文书类型“{0}”，可选：receipt（受理回执）、onetime（一次性告知单）、onetime-a4（一次性告知单 A4）、notice（受理通知书）、refusal（不予受理通知书）")]
    UnknownKind(String),
}

/// The documents that can be printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    Receipt,
    Onetime,
    OnetimeA4,
    Notice,
    Refusal,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::Receipt,
        DocumentKind::Onetime,
        DocumentKind::OnetimeA4,
        DocumentKind::Notice,
        DocumentKind::Refusal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "receipt",
            DocumentKind::Onetime => "onetime",
            DocumentKind::OnetimeA4 => "onetime-a4",
            DocumentKind::Notice => "notice",
            DocumentKind::Refusal => "refusal",
        }
    }

    pub fn parse(s: &str) -> Result<DocumentKind, DocumentError> {
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| DocumentError::UnknownKind(s.to_owned()))
    }

    /// The title printed on the document.
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "受理回执",
            DocumentKind::Onetime | DocumentKind::OnetimeA4 => "一次性告知单",
            DocumentKind::Notice => "受理通知书",
            DocumentKind::Refusal => "不予受理通知书",
        }
    }

    /// The name a clerk chooses it by, telling the 80 mm slip from the A4
    /// form where a document comes in both.
    pub fn choice_label(self) -> &'static str {
        match self {
            DocumentKind::Onetime => "一次性告知单（80 mm 小票）",
            DocumentKind::OnetimeA4 => "一次性告知单（A4）",
            other => other.title(),
        }
    }

    /// The version of the layout, recorded with every print.
    pub fn template(self) -> &'static str {
        match self {
            DocumentKind::Receipt => receipt::TEMPLATE,
            DocumentKind::Onetime => onetime_notice::TEMPLATE_SLIP,
            DocumentKind::OnetimeA4 => onetime_notice::TEMPLATE_A4,
            DocumentKind::Notice => acceptance_notice::TEMPLATE,
            DocumentKind::Refusal => refusal_notice::TEMPLATE,
        }
    }

    /// Whether a case with `outcome` has this document.
    pub fn fits(self, outcome: Outcome) -> bool {
        match self {
            DocumentKind::Receipt => matches!(outcome, Outcome::Accepted | Outcome::OnTheSpot),
            DocumentKind::Notice => outcome == Outcome::Accepted,
            DocumentKind::Onetime | DocumentKind::OnetimeA4 => outcome == Outcome::Notice,
            DocumentKind::Refusal => outcome == Outcome::Refused,
        }
    }

    /// The documents an intake with `outcome` hands out at once. A village
    /// agent's intake hands out only the receipt: the 受理通知书 with its
    /// promised date is the center's, once it confirmed the bag.
    pub fn for_outcome(outcome: Outcome, via_agent: bool) -> Vec<DocumentKind> {
        match outcome {
            Outcome::Accepted if via_agent => vec![DocumentKind::Receipt],
            Outcome::Accepted => vec![DocumentKind::Receipt, DocumentKind::Notice],
            Outcome::OnTheSpot => vec![DocumentKind::Receipt],
            Outcome::Notice => vec![DocumentKind::Onetime, DocumentKind::OnetimeA4],
            Outcome::Refused => vec![DocumentKind::Refusal],
        }
    }
}

/// Payload of `document.printed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPrinted {
    pub kind: DocumentKind,
    pub copy: u32,
    pub template: String,
    pub sha256: String,
    pub bytes: u64,
    pub pages: u32,
}

/// A printed document.
#[derive(Clone, Serialize)]
pub struct Printed {
    pub kind: DocumentKind,
    pub title: &'static str,
    /// The name a clerk chooses it by ([`DocumentKind::choice_label`]).
    pub label: &'static str,
    pub case_no: String,
    /// 1 for the first print; 2 and up are reprints (补打).
    pub copy: u32,
    pub template: &'static str,
    pub pages: usize,
    pub sha256: String,
    #[serde(skip)]
    pub pdf: Vec<u8>,
}

impl std::fmt::Debug for Printed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printed")
            .field("kind", &self.kind)
            .field("case_no", &self.case_no)
            .field("copy", &self.copy)
            .field("pages", &self.pages)
            .field("sha256", &self.sha256)
            .field("pdf_bytes", &self.pdf.len())
            .finish()
    }
}

/// Renders a document from its facts (no database access).
pub fn render(kind: DocumentKind, facts: &Facts) -> Result<Rendered, DocumentError> {
    match kind {
        DocumentKind::Receipt => receipt::render(facts),
        DocumentKind::Onetime => onetime_notice::render_slip(facts),
        DocumentKind::OnetimeA4 => onetime_notice::render_a4(facts),
        DocumentKind::Notice => acceptance_notice::render(facts),
        DocumentKind::Refusal => refusal_notice::render(facts),
    }
}

/// Refuses, before an intake is committed, an application whose printed
/// fields (names, relation, refusal reason, ID number) hold a character no
/// shipped font has — so nothing is recorded that cannot be printed.
pub fn check_printable(application: &crate::intake::Application) -> Result<(), DocumentError> {
    let fonts = fonts::get()?;
    let a = &application.applicant;
    fonts.check(&a.name)?;
    fonts.check(&a.id_number)?;
    if let Some(p) = &application.proxy {
        fonts.check(&p.person.name)?;
        fonts.check(&p.relation)?;
    }
    if let Some(r) = &application.refusal_reason {
        fonts.check(r)?;
    }
    Ok(())
}

fn copies_so_far(conn: &Connection, case_id: &str, kind: DocumentKind) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM printed_documents WHERE case_id = ?1 AND kind = ?2")?
        .query_row(params![case_id, kind.code()], |r| r.get(0))?)
}

/// Prints a document of a committed case: renders it (refusing text no
/// font can print), hands it to `deliver` (write a file, send it to a
/// printer), and records the print — all in one transaction, so a print
/// that did not reach its file or printer records nothing.
pub fn print_with<T>(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: DocumentKind,
    deliver: impl FnOnce(&Printed) -> crate::Result<T>,
) -> crate::Result<(Printed, T)> {
    session.authorize(store.conn(), Action::PrintDocuments)?;
    store.write(|tx| {
        let mut facts = facts::gather(tx, case_no, now)?;
        let awaiting_center = kind == DocumentKind::Notice
            && facts
                .agent
                .as_ref()
                .is_some_and(|a| a.accepted_on.is_none());
        if awaiting_center {
            return Err(DocumentError::NotYetAccepted(facts.case_no.clone()).into());
        }
        if !kind.fits(facts.outcome) {
            return Err(DocumentError::NotForOutcome {
                case_no: facts.case_no.clone(),
                outcome: facts.outcome.label(),
                document: kind.title(),
            }
            .into());
        }
        let copy = copies_so_far(tx, &facts.case_id, kind)? + 1;
        facts.copy = copy;
        facts.printed_by_staff_no = session.staff_no.clone();
        let rendered = render(kind, &facts)?;
        let sha256 = hex::encode(Sha256::digest(&rendered.bytes));
        let payload = DocumentPrinted {
            kind,
            copy,
            template: kind.template().to_owned(),
            sha256: sha256.clone(),
            bytes: rendered.bytes.len() as u64,
            pages: rendered.pages as u32,
        };
        let printed = Printed {
            kind,
            title: kind.title(),
            label: kind.choice_label(),
            case_no: facts.case_no,
            copy,
            template: kind.template(),
            pages: rendered.pages,
            sha256,
            pdf: rendered.bytes,
        };
        let delivered = deliver(&printed)?;
        let draft = Draft::new(
            &session.user_id,
            Some(&facts.case_id),
            DOCUMENT_PRINTED,
            &payload,
        )?;
        events::append_here(tx, now, draft)?;
        Ok((printed, delivered))
    })
}

/// Prints a document and returns it in memory, recorded at once: for a
/// caller that needs no delivery (measurements, tests). Anything that
/// writes or sends the PDF uses [`print_with`], so that a failed delivery
/// records nothing.
pub fn print(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: DocumentKind,
) -> crate::Result<Printed> {
    Ok(print_with(store, session, now, case_no, kind, |_| Ok(()))?.0)
}

/// A document written to a file.
#[derive(Debug, Clone, Serialize)]
pub struct WrittenDocument {
    #[serde(flatten)]
    pub printed: Printed,
    pub path: String,
    pub bytes: u64,
}

impl WrittenDocument {
    fn at(printed: Printed, path: &std::path::Path) -> WrittenDocument {
        WrittenDocument {
            bytes: printed.pdf.len() as u64,
            path: path.display().to_string(),
            printed,
        }
    }
}

/// The file name of a print in a folder: `<case>-<kind>.pdf`, and
/// `<case>-<kind>-补打<n>.pdf` for the n-th reprint.
pub fn file_name(printed: &Printed) -> String {
    let (case_no, kind) = (&printed.case_no, printed.kind.code());
    if printed.copy > 1 {
        format!("{case_no}-{kind}-补打{}.pdf", printed.copy - 1)
    } else {
        format!("{case_no}-{kind}.pdf")
    }
}

/// Prints a document to the file `out` (written whole or not at all); the
/// print is recorded only once the file is written.
pub fn print_to_file(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: DocumentKind,
    out: &std::path::Path,
) -> crate::Result<WrittenDocument> {
    let (printed, ()) = print_with(store, session, now, case_no, kind, |p| {
        Ok(crate::files::write_atomic(out, &p.pdf)?)
    })?;
    Ok(WrittenDocument::at(printed, out))
}

/// Prints a document into the folder `dir` (made, private, if missing),
/// named by [`file_name`]; recorded only once the file is written.
pub fn print_into(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: DocumentKind,
    dir: &std::path::Path,
) -> crate::Result<WrittenDocument> {
    let (printed, path) = print_with(store, session, now, case_no, kind, |p| {
        crate::paths::create_private_dir(dir).map_err(|e| StoreError::file(dir, e))?;
        let path = dir.join(file_name(p));
        crate::files::write_atomic(&path, &p.pdf)?;
        Ok(path)
    })?;
    Ok(WrittenDocument::at(printed, &path))
}

/// A document of a case printed (payload [`DocumentPrinted`]).
pub const DOCUMENT_PRINTED: &str = "document.printed";

/// documents's tables follow its events.
pub const PROJECTOR: Projector = Projector {
    area: "documents",
    kinds: &[DOCUMENT_PRINTED],
    tables: &["printed_documents"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: DocumentPrinted) -> crate::Result<()> {
    let case_id = event.case_id.as_deref().unwrap_or_default();
    tx.execute(
        "INSERT INTO printed_documents (case_id, kind, copy, template, sha256, bytes, pages, printed_at, printed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![case_id, p.kind.code(), p.copy, p.template, p.sha256, p.bytes as i64, p.pages, event.ts, event.user_id],
    )?;
    Ok(())
}
