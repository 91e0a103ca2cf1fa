//! The papers an intake produces, as PDFs:
//! - [`receipt`]: 受理回执, 80 mm roll-paper slip with a QR code;
//! - [`onetime_notice`]: 一次性告知单, as an 80 mm slip and as A4, two copies;
//! - [`acceptance_notice`]: 受理通知书, A4;
//! - [`refusal_notice`]: 不予受理通知书, A4;
//! - [`tolerance_commitment`]: 容缺受理承诺书, A4, two copies;
//! - [`commitment_notice`]: 告知承诺书, A4, two copies;
//! - [`revocation_notice`]: 撤销决定书, A4, after a false promise;
//! - [`bundle_papers`]: a 一件事's receipt, 受理通知书 or 一次性告知单, on its lead case;
//! - [`guide`]: 办事指南, A4, of one matter or the whole catalogue (no case).
//!
//! [`print`] renders one for a committed case and records it as a
//! `document.printed` event (template version, SHA-256 of the PDF, copy
//! number), so a second print is marked 补打 with its count. Shared
//! machinery: [`fonts`], [`wrap`], [`layout`], [`flow`], [`qr`], [`facts`], and
//! [`subset`] with [`cff`] (each document's own small font of the
//! characters it draws).

pub mod acceptance_notice;
pub mod bundle_papers;
pub mod cff;
pub mod commitment_notice;
pub mod facts;
pub mod flow;
pub mod fonts;
pub mod guide;
pub mod layout;
pub mod onetime_notice;
pub mod qr;
pub mod receipt;
pub mod refusal_notice;
pub mod revocation_notice;
pub mod slip;
pub mod subset;
pub mod tolerance_commitment;
pub mod wrap;

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
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
    #[error("找不到打印字体 {name}（{path}），文书无法打印：请管理员安装软件包 {package} 后重新打开本程序")]
    FontMissing {
        name: &'static str,
        path: String,
        package: &'static str,
    },
    #[error("打印字体 {name}（{path}）不是本程序核对过的版本，打印出的文书会与规定式样不同，因此不打印：请管理员重新安装软件包 {package}（随本程序一同发布的版本）后重新打开本程序")]
    FontChanged {
        name: &'static str,
        path: String,
        package: &'static str,
    },
    #[error("PDF 无法生成：{0}")]
    Pdf(String),
    #[error("二维码无法生成：{0}")]
    Qr(String),
    #[error("办件 {0} 是村代办件，中心确认收件（一事一袋）后才能打印受理通知书")]
    NotYetAccepted(String),
    #[error("办件 {0} 不是容缺受理，没有容缺受理承诺书")]
    NotTolerated(String),
    #[error("办件 {0} 没有告知承诺的材料，没有告知承诺书")]
    NotPromised(String),
    #[error("办件 {0} 没有被撤销，没有撤销决定书")]
    NotRevoked(String),
    #[error("办件 {0} 不是一件事受理的办件，没有一件事的文书")]
    NotBundled(String),
    #[error("一件事的文书打印在其第一个办件 {lead} 上，请在该办件上打印（本办件 {case_no}）")]
    NotBundleLead { case_no: String, lead: String },
    #[error("办件 {case_no} 的结果是“{outcome}”，没有{document}")]
    NotForOutcome {
        case_no: String,
        outcome: &'static str,
        document: &'static str,
    },
    #[error("事项清单中没有可以受理的事项，办事指南汇编无内容可打印")]
    NothingToPrint,
    #[error("未知的文书类型“{0}”，可选：receipt（受理回执）、onetime（一次性告知单）、onetime-a4（一次性告知单 A4）、notice（受理通知书）、refusal（不予受理通知书）、tolerance（容缺受理承诺书）、commitment（告知承诺书）、revocation（撤销决定书）、bundle-receipt（一件事受理回执）、bundle-notice（一件事受理通知书）、bundle-onetime（一件事一次性告知单）")]
    UnknownKind(String),
    #[error("办件 {case_no} 还没有打印过{document}，请先打印")]
    NotPrintedYet {
        case_no: String,
        document: &'static str,
    },
    #[error("保存的文书 {0} 与打印记录不一致（文件已被改动），请用“补打”重新打印")]
    SavedCopyChanged(String),
    #[error("{document}已发送到打印机 {printer}；再打印一份请在办件详情中“补打”")]
    AlreadySent {
        document: &'static str,
        printer: String,
    },
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
    Tolerance,
    Commitment,
    Revocation,
    BundleReceipt,
    BundleNotice,
    BundleOnetime,
}

/// A case's part in a 一件事 bundle intake, for its papers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BundleRole {
    #[default]
    Alone,
    /// A case of a bundle other than its first.
    Member,
    /// The first case of a bundle: the bundle's papers are printed on it.
    Lead {
        /// Some case of the bundle lacks a material (一次性告知).
        any_notice: bool,
        /// Some case of the bundle was taken in (受理 or 即办).
        any_taken_in: bool,
    },
}

impl BundleRole {
    /// The lead case's role in a bundle whose cases came out as `outcomes`.
    pub fn lead(outcomes: impl Iterator<Item = Outcome>) -> BundleRole {
        let (mut any_notice, mut any_taken_in) = (false, false);
        for o in outcomes {
            any_notice |= o == Outcome::Notice;
            any_taken_in |= matches!(o, Outcome::Accepted | Outcome::OnTheSpot);
        }
        BundleRole::Lead {
            any_notice,
            any_taken_in,
        }
    }

    /// The role of the case `case_no` in `standing` (none: not bundled).
    pub fn of(
        case_no: &str,
        standing: Option<&crate::intake::bundle::BundleStanding>,
    ) -> BundleRole {
        match standing {
            None => BundleRole::Alone,
            Some(b) if b.lead_case_no == case_no => {
                BundleRole::lead(b.cases.iter().map(|c| c.outcome))
            }
            Some(_) => BundleRole::Member,
        }
    }
}

/// What decides which papers a case has: its outcome, whether it was
/// taken in with 容缺 materials, on a promise, and revoked since, and its
/// part in a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Papers {
    pub outcome: Option<Outcome>,
    pub tolerated: bool,
    pub promised: bool,
    pub revoked: bool,
    pub bundle: BundleRole,
}

impl Papers {
    /// The papers of a case as its facts say.
    pub fn of(f: &Facts) -> Papers {
        Papers {
            outcome: Some(f.outcome),
            tolerated: !f.tolerated().is_empty(),
            promised: !f.promises.is_empty(),
            revoked: f.revoked.is_some(),
            bundle: BundleRole::of(&f.case_no, f.bundle.as_ref().map(|b| &b.standing)),
        }
    }

    /// The papers of a case as its detail says.
    pub fn of_detail(d: &crate::intake::lookup::CaseDetail) -> Papers {
        Papers {
            outcome: Some(d.summary.outcome),
            tolerated: d.materials.iter().any(|m| m.tolerated_until.is_some()),
            promised: d.materials.iter().any(|m| m.promised),
            revoked: d.summary.state == "revoked",
            bundle: BundleRole::of(&d.summary.case_no, d.bundle.as_ref()),
        }
    }
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 11] = [
        DocumentKind::Receipt,
        DocumentKind::Onetime,
        DocumentKind::OnetimeA4,
        DocumentKind::Notice,
        DocumentKind::Refusal,
        DocumentKind::Tolerance,
        DocumentKind::Commitment,
        DocumentKind::Revocation,
        DocumentKind::BundleReceipt,
        DocumentKind::BundleNotice,
        DocumentKind::BundleOnetime,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "receipt",
            DocumentKind::Onetime => "onetime",
            DocumentKind::OnetimeA4 => "onetime-a4",
            DocumentKind::Notice => "notice",
            DocumentKind::Refusal => "refusal",
            DocumentKind::Tolerance => "tolerance",
            DocumentKind::Commitment => "commitment",
            DocumentKind::Revocation => "revocation",
            DocumentKind::BundleReceipt => "bundle-receipt",
            DocumentKind::BundleNotice => "bundle-notice",
            DocumentKind::BundleOnetime => "bundle-onetime",
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
            DocumentKind::Tolerance => tolerance_commitment::TITLE,
            DocumentKind::Commitment => commitment_notice::TITLE,
            DocumentKind::Revocation => revocation_notice::TITLE,
            DocumentKind::BundleReceipt => bundle_papers::RECEIPT_TITLE,
            DocumentKind::BundleNotice => bundle_papers::NOTICE_TITLE,
            DocumentKind::BundleOnetime => bundle_papers::ONETIME_TITLE,
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
            DocumentKind::Tolerance => tolerance_commitment::TEMPLATE,
            DocumentKind::Commitment => commitment_notice::TEMPLATE,
            DocumentKind::Revocation => revocation_notice::TEMPLATE,
            DocumentKind::BundleReceipt => bundle_papers::RECEIPT_TEMPLATE,
            DocumentKind::BundleNotice => bundle_papers::NOTICE_TEMPLATE,
            DocumentKind::BundleOnetime => bundle_papers::ONETIME_TEMPLATE,
        }
    }

    /// Whether a case with these `papers` has this document.
    pub fn fits(self, papers: Papers) -> bool {
        let Some(outcome) = papers.outcome else {
            return false;
        };
        let taken_in = matches!(outcome, Outcome::Accepted | Outcome::OnTheSpot);
        match self {
            DocumentKind::Receipt => taken_in,
            DocumentKind::Notice => outcome == Outcome::Accepted,
            DocumentKind::Onetime | DocumentKind::OnetimeA4 => outcome == Outcome::Notice,
            DocumentKind::Refusal => outcome == Outcome::Refused,
            DocumentKind::Tolerance => outcome == Outcome::Accepted && papers.tolerated,
            DocumentKind::Commitment => taken_in && papers.promised,
            DocumentKind::Revocation => papers.revoked,
            DocumentKind::BundleReceipt => matches!(
                papers.bundle,
                BundleRole::Lead {
                    any_taken_in: true,
                    ..
                }
            ),
            DocumentKind::BundleNotice => matches!(
                papers.bundle,
                BundleRole::Lead {
                    any_notice: false,
                    ..
                }
            ),
            DocumentKind::BundleOnetime => matches!(
                papers.bundle,
                BundleRole::Lead {
                    any_notice: true,
                    ..
                }
            ),
        }
    }

    /// The documents an intake hands out at once. A village agent's intake
    /// hands out only the receipt: the 受理通知书 with its promised date is
    /// the center's, once it confirmed the bag. A 容缺受理 adds the 承诺书
    /// the applicant signs, a promise (告知承诺) the 告知承诺书. A bundle's
    /// cases hand out the bundle's papers once, on its lead case, instead
    /// of a receipt and notice each.
    pub fn for_outcome(papers: Papers, via_agent: bool) -> Vec<DocumentKind> {
        let Some(outcome) = papers.outcome else {
            return Vec::new();
        };
        let mut kinds = match papers.bundle {
            BundleRole::Member => Vec::new(),
            BundleRole::Lead { .. } => [
                DocumentKind::BundleReceipt,
                DocumentKind::BundleNotice,
                DocumentKind::BundleOnetime,
            ]
            .into_iter()
            // A village laptop's notice would have no dates: the center's.
            .filter(|k| k.fits(papers) && !(via_agent && *k == DocumentKind::BundleNotice))
            .collect(),
            BundleRole::Alone => Self::alone(outcome, via_agent),
        };
        for extra in [DocumentKind::Tolerance, DocumentKind::Commitment] {
            if !via_agent && extra.fits(papers) {
                kinds.push(extra);
            }
        }
        kinds
    }

    /// The papers of a case taken in on its own, by its outcome.
    fn alone(outcome: Outcome, via_agent: bool) -> Vec<DocumentKind> {
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
    /// The printer it was sent to (its job id follows); absent: saved as a
    /// PDF only. Absent in prints recorded before printers were chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
}

/// Payload of `document.sent`: a saved copy sent to a printer later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSent {
    pub kind: DocumentKind,
    pub copy: u32,
    pub printer: String,
    pub job: String,
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
        DocumentKind::Tolerance => tolerance_commitment::render(facts),
        DocumentKind::Commitment => commitment_notice::render(facts),
        DocumentKind::Revocation => revocation_notice::render(facts),
        DocumentKind::BundleReceipt => bundle_papers::render_receipt(facts),
        DocumentKind::BundleNotice => bundle_papers::render_notice(facts, false),
        DocumentKind::BundleOnetime => bundle_papers::render_notice(facts, true),
    }
}

/// Refuses, before an intake is committed, an application whose printed
/// fields (names, relation, refusal reason, ID number) hold a character no
/// shipped font has — so nothing is recorded that cannot be printed.
pub fn check_printable(application: &crate::intake::Application) -> Result<(), DocumentError> {
    let fonts = fonts::get()?;
    let a = &application.applicant;
    fonts.check_every_family(&a.name)?;
    fonts.check_every_family(&a.id_number)?;
    if let Some(p) = &application.proxy {
        fonts.check_every_family(&p.person.name)?;
        fonts.check_every_family(&p.relation)?;
    }
    if let Some(r) = &application.refusal_reason {
        fonts.check_every_family(r)?;
    }
    Ok(())
}

/// How many times `kind` was printed for the case (0: never; the next is 补打).
pub fn copies_so_far(
    conn: &Connection,
    case_id: &str,
    kind: DocumentKind,
) -> Result<u32, StoreError> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM printed_documents WHERE case_id = ?1 AND kind = ?2")?
        .query_row(params![case_id, kind.code()], |r| r.get(0))?)
}

/// Where a delivered document went to paper: the printer and the print
/// service's job id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentTo {
    pub printer: String,
    pub job: String,
}

/// Prints a document of a committed case: renders it (refusing text no
/// font can print), hands it to `deliver` (write a file, send it to a
/// printer), and records the print — all in one transaction, so a print
/// that did not reach its file or printer records nothing. `deliver`
/// returns its result and, when it sent the document to a printer, where.
pub fn print_with<T>(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: DocumentKind,
    deliver: impl FnOnce(&Printed) -> crate::Result<(T, Option<SentTo>)>,
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
        let papers = Papers::of(&facts);
        let taken_in = matches!(facts.outcome, Outcome::Accepted | Outcome::OnTheSpot);
        match kind {
            DocumentKind::Tolerance if facts.outcome == Outcome::Accepted && !papers.tolerated => {
                return Err(DocumentError::NotTolerated(facts.case_no.clone()).into())
            }
            DocumentKind::Commitment if taken_in && !papers.promised => {
                return Err(DocumentError::NotPromised(facts.case_no.clone()).into())
            }
            DocumentKind::Revocation if !papers.revoked => {
                return Err(DocumentError::NotRevoked(facts.case_no.clone()).into())
            }
            DocumentKind::BundleReceipt
            | DocumentKind::BundleNotice
            | DocumentKind::BundleOnetime => match (&facts.bundle, papers.bundle) {
                (None, _) => return Err(DocumentError::NotBundled(facts.case_no.clone()).into()),
                (Some(b), BundleRole::Member) => {
                    return Err(DocumentError::NotBundleLead {
                        case_no: facts.case_no.clone(),
                        lead: b.standing.lead_case_no.clone(),
                    }
                    .into())
                }
                _ => {}
            },
            _ => {}
        }
        if !kind.fits(papers) {
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
        let mut payload = DocumentPrinted {
            kind,
            copy,
            template: kind.template().to_owned(),
            sha256: sha256.clone(),
            bytes: rendered.bytes.len() as u64,
            pages: rendered.pages as u32,
            printer: None,
            job: None,
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
        let (delivered, sent) = deliver(&printed)?;
        if let Some(sent) = sent {
            payload.printer = Some(sent.printer);
            payload.job = Some(sent.job);
        }
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
    Ok(print_with(store, session, now, case_no, kind, |_| Ok(((), None)))?.0)
}

/// A document written to a file.
#[derive(Debug, Clone, Serialize)]
pub struct WrittenDocument {
    #[serde(flatten)]
    pub printed: Printed,
    pub path: String,
    pub bytes: u64,
    /// The printer it went to as well, when it was printed to one.
    pub sent_to: Option<SentTo>,
}

impl WrittenDocument {
    fn at(printed: Printed, path: &std::path::Path) -> WrittenDocument {
        WrittenDocument {
            bytes: printed.pdf.len() as u64,
            path: path.display().to_string(),
            printed,
            sent_to: None,
        }
    }
}

/// The file name of a print in a folder: `<case>-<kind>.pdf`, and
/// `<case>-<kind>-补打<n>.pdf` for the n-th reprint.
pub fn file_name(printed: &Printed) -> String {
    copy_file_name(&printed.case_no, printed.kind, printed.copy)
}

fn copy_file_name(case_no: &str, kind: DocumentKind, copy: u32) -> String {
    let kind = kind.code();
    if copy > 1 {
        format!("{case_no}-{kind}-补打{}.pdf", copy - 1)
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
        crate::files::write_atomic(out, &p.pdf)?;
        Ok(((), None))
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
        Ok((save_into(dir, p)?, None))
    })?;
    Ok(WrittenDocument::at(printed, &path))
}

/// Writes a print into `dir` (made, private, if missing) under [`file_name`].
fn save_into(dir: &std::path::Path, p: &Printed) -> crate::Result<std::path::PathBuf> {
    crate::paths::create_private_dir(dir).map_err(|e| StoreError::file(dir, e))?;
    let path = dir.join(file_name(p));
    crate::files::write_atomic(&path, &p.pdf)?;
    Ok(path)
}

/// What the print queue shows for a print: "受理回执 371402101-20261123-A01-0001".
fn job_title(kind: DocumentKind, case_no: &str) -> String {
    format!("{} {case_no}", kind.title())
}

/// Prints a document to `printer` through the print service, keeping the
/// PDF in `dir` as well (for opening it again). Recorded only once the
/// print service took the job; a printer that cannot print now (stopped,
/// out of paper, unknown) is refused in Chinese and records nothing, and
/// the file written for it is removed.
pub fn print_to_printer(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: DocumentKind,
    dir: &std::path::Path,
    printer: &str,
) -> crate::Result<WrittenDocument> {
    let (printed, (path, sent)) = print_with(store, session, now, case_no, kind, |p| {
        let path = save_into(dir, p)?;
        match crate::printing::cups::submit(printer, &path, &job_title(p.kind, &p.case_no)) {
            Ok(job) => {
                let sent = SentTo {
                    printer: printer.to_owned(),
                    job,
                };
                Ok(((path, sent.clone()), Some(sent)))
            }
            Err(e) => {
                // Best effort: the file is an unrecorded print; a failure
                // to remove it changes nothing that is recorded.
                let _ = std::fs::remove_file(&path);
                Err(e.into())
            }
        }
    })?;
    let mut written = WrittenDocument::at(printed, &path);
    written.sent_to = Some(sent);
    Ok(written)
}

/// Prints a document where this PC prints that kind ([`crate::printing`]):
/// to its printer when one is chosen, else saved into `dir` only.
pub fn print_here(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: DocumentKind,
    dir: &std::path::Path,
) -> crate::Result<WrittenDocument> {
    match crate::printing::printer_for(store.conn(), kind)? {
        Some(printer) => print_to_printer(store, session, now, case_no, kind, dir, &printer),
        None => print_into(store, session, now, case_no, kind, dir),
    }
}

/// Sends the latest saved copy of a case's document to the printer this
/// PC prints that kind on, as it was printed (no new copy, no 补打): the
/// file in `dir` must be the one recorded. Recorded as `document.sent`
/// once the print service took the job.
pub fn send_saved(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    kind: DocumentKind,
    dir: &std::path::Path,
) -> crate::Result<WrittenDocument> {
    session.authorize(store.conn(), Action::PrintDocuments)?;
    let printer = crate::printing::printer_for(store.conn(), kind)?.ok_or(
        crate::printing::PrintError::NoPrinterChosen(kind.choice_label()),
    )?;
    store.write(|tx| {
        let facts = facts::gather(tx, case_no, now)?;
        let last: Option<(u32, String, Option<String>)> = tx
            .query_row(
                "SELECT copy, sha256, printer FROM printed_documents WHERE case_id = ?1 AND kind = ?2
                 ORDER BY copy DESC LIMIT 1",
                params![facts.case_id, kind.code()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (copy, sha256, went_to) = last.ok_or_else(|| DocumentError::NotPrintedYet {
            case_no: facts.case_no.clone(),
            document: kind.choice_label(),
        })?;
        // One paper per recorded copy: another one is a 补打, marked as such.
        if let Some(printer) = went_to {
            return Err(DocumentError::AlreadySent {
                document: kind.choice_label(),
                printer,
            }
            .into());
        }
        let path = dir.join(copy_file_name(&facts.case_no, kind, copy));
        let pdf = std::fs::read(&path).map_err(|e| StoreError::file(&path, e))?;
        if hex::encode(Sha256::digest(&pdf)) != sha256 {
            return Err(DocumentError::SavedCopyChanged(path.display().to_string()).into());
        }
        let job =
            crate::printing::cups::submit(&printer, &path, &job_title(kind, &facts.case_no))?;
        let payload = DocumentSent {
            kind,
            copy,
            printer: printer.clone(),
            job: job.clone(),
        };
        let draft = Draft::new(&session.user_id, Some(&facts.case_id), DOCUMENT_SENT, &payload)?;
        events::append_here(tx, now, draft)?;
        Ok(WrittenDocument {
            printed: Printed {
                kind,
                title: kind.title(),
                label: kind.choice_label(),
                case_no: facts.case_no,
                copy,
                template: kind.template(),
                pages: 0,
                sha256,
                pdf: Vec::new(),
            },
            bytes: pdf.len() as u64,
            path: path.display().to_string(),
            sent_to: Some(SentTo { printer, job }),
        })
    })
}

/// A document of a case printed (payload [`DocumentPrinted`]).
pub const DOCUMENT_PRINTED: &str = "document.printed";

/// A saved copy of a case's document sent to a printer (payload [`DocumentSent`]).
pub const DOCUMENT_SENT: &str = "document.sent";

/// documents's tables follow its events.
pub const PROJECTOR: Projector = Projector {
    area: "documents",
    kinds: &[DOCUMENT_PRINTED, DOCUMENT_SENT],
    tables: &["printed_documents"],
    apply: |tx, event| match event.kind.as_str() {
        DOCUMENT_SENT => project_sent(tx, event, payload(event)?),
        _ => project(tx, event, payload(event)?),
    },
};

fn project(tx: &Transaction<'_>, event: &Event, p: DocumentPrinted) -> crate::Result<()> {
    let case_id = event.case_id.as_deref().unwrap_or_default();
    tx.execute(
        "INSERT INTO printed_documents (case_id, kind, copy, template, sha256, bytes, pages, printed_at, printed_by, printer)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![case_id, p.kind.code(), p.copy, p.template, p.sha256, p.bytes as i64, p.pages, event.ts, event.user_id, p.printer],
    )?;
    Ok(())
}

fn project_sent(tx: &Transaction<'_>, event: &Event, p: DocumentSent) -> crate::Result<()> {
    let case_id = event.case_id.as_deref().unwrap_or_default();
    tx.execute(
        "UPDATE printed_documents SET printer = ?4 WHERE case_id = ?1 AND kind = ?2 AND copy = ?3",
        params![case_id, p.kind.code(), p.copy, p.printer],
    )?;
    Ok(())
}
