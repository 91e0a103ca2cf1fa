//! Taking an application in and printing its papers, as the counter does
//! it from the window and the command line alike: the case is committed
//! first; then each paper of its outcome is printed into a folder, and to
//! its printer when this PC prints that kind by itself after an intake
//! ([`crate::printing::auto_printer`]). A paper
//! that cannot be printed there does not undo the case (it stands, and is
//! reprinted from the case later); it is reported with the result, and
//! that failed print records nothing.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::{Application, IntakeResult};
use crate::auth::Session;
use crate::documents::{self, DocumentKind, WrittenDocument};
use crate::store::Store;

/// An intake and what was printed for it.
#[derive(Debug, Clone, Serialize)]
pub struct IntakeDone {
    #[serde(flatten)]
    pub result: IntakeResult,
    /// The papers written, in the order of [`DocumentKind::for_outcome`].
    pub documents: Vec<WrittenDocument>,
    /// Why the next paper could not be printed, after the case was
    /// committed; the papers after it were not tried.
    pub print_error: Option<String>,
}

impl IntakeDone {
    /// The refusal to report when a paper could not be printed: the case
    /// stands and is named, with how to reprint it.
    pub fn printing_failed(&self) -> Option<crate::Error> {
        self.print_error.as_ref().map(|reason| {
            super::IntakeError::PapersNotPrinted {
                case_no: self.result.case_no.clone(),
                reason: reason.clone(),
            }
            .into()
        })
    }
}

/// How the case is recorded: a plain intake, or one that began as a
/// consultation (咨询转受理).
pub enum Source<'a> {
    Counter,
    Consultation(&'a str),
}

/// Takes `application` in and, with `print_dir`, prints its papers there.
pub fn take_in(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    from: Source<'_>,
    application: Application,
    print_dir: Option<&Path>,
) -> crate::Result<IntakeDone> {
    let result = match from {
        Source::Counter => super::record(store, session, now, application)?,
        Source::Consultation(id) => {
            crate::service::consultation::convert(store, session, now, id, application)?
        }
    };
    let mut done = IntakeDone {
        result,
        documents: Vec::new(),
        print_error: None,
    };
    let Some(dir) = print_dir else {
        return Ok(done);
    };
    let papers = papers_of(&done.result, documents::BundleRole::Alone);
    done.print_error = print_papers(
        store,
        session,
        now,
        &done.result,
        papers,
        dir,
        &mut done.documents,
    )
    .err();
    Ok(done)
}

/// The papers of a case just taken in.
fn papers_of(r: &IntakeResult, bundle: documents::BundleRole) -> documents::Papers {
    documents::Papers {
        outcome: Some(r.outcome),
        tolerated: !r.tolerated.is_empty(),
        promised: !r.promised.is_empty(),
        revoked: false,
        bundle,
    }
}

/// Prints the papers of a committed case into `dir` (and to its printer
/// where one prints that kind by itself), pushing each written one; the
/// first failure stops and is returned, in words.
fn print_papers(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    r: &IntakeResult,
    papers: documents::Papers,
    dir: &Path,
    written: &mut Vec<WrittenDocument>,
) -> Result<(), String> {
    for kind in DocumentKind::for_outcome(papers, r.via_agent) {
        // The case stands whatever happens here: every failure is reported.
        let printed = match crate::printing::auto_printer(store.conn(), kind) {
            Ok(Some(printer)) => {
                documents::print_to_printer(store, session, now, &r.case_no, kind, dir, &printer)
            }
            Ok(None) => documents::print_into(store, session, now, &r.case_no, kind, dir),
            Err(e) => Err(e.into()),
        };
        written.push(printed.map_err(|e| e.to_string())?);
    }
    Ok(())
}

/// A bundle intake and what was printed for it.
#[derive(Debug, Clone, Serialize)]
pub struct BundleDone {
    #[serde(flatten)]
    pub result: super::bundle::BundleResult,
    /// The papers written: the bundle's on its lead case, then each
    /// case's own (容缺受理承诺书, 告知承诺书).
    pub documents: Vec<WrittenDocument>,
    /// Why the next paper could not be printed, after every case was
    /// committed; the papers after it were not tried.
    pub print_error: Option<String>,
}

impl BundleDone {
    /// The refusal to report when a paper could not be printed: the cases
    /// stand, and the lead case is named to reprint from.
    pub fn printing_failed(&self) -> Option<crate::Error> {
        self.print_error.as_ref().map(|reason| {
            super::IntakeError::PapersNotPrinted {
                case_no: self.result.lead_case_no().to_owned(),
                reason: reason.clone(),
            }
            .into()
        })
    }
}

/// Takes a bundle application in and, with `print_dir`, prints its papers
/// there: the bundle's receipt and notice (or 一次性告知单) once, on the
/// lead case, and each case's own commitments.
pub fn take_in_bundle(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    application: super::bundle::BundleApplication,
    print_dir: Option<&Path>,
) -> crate::Result<BundleDone> {
    let result = super::bundle::record(store, session, now, application)?;
    let mut done = BundleDone {
        result,
        documents: Vec::new(),
        print_error: None,
    };
    let Some(dir) = print_dir else {
        return Ok(done);
    };
    let lead = documents::BundleRole::lead(done.result.cases.iter().map(|c| c.outcome));
    for (i, case) in done.result.cases.iter().enumerate() {
        let role = if i == 0 {
            lead
        } else {
            documents::BundleRole::Member
        };
        let printed = print_papers(
            store,
            session,
            now,
            case,
            papers_of(case, role),
            dir,
            &mut done.documents,
        );
        if let Err(e) = printed {
            done.print_error = Some(e);
            break;
        }
    }
    Ok(done)
}
