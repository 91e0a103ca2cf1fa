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
    let case_no = done.result.case_no.clone();
    let papers = documents::Papers {
        outcome: Some(done.result.outcome),
        tolerated: !done.result.tolerated.is_empty(),
        promised: !done.result.promised.is_empty(),
        revoked: false,
    };
    for kind in DocumentKind::for_outcome(papers, done.result.via_agent) {
        // The case stands whatever happens here: every failure is reported.
        let printed = match crate::printing::auto_printer(store.conn(), kind) {
            Ok(Some(printer)) => {
                documents::print_to_printer(store, session, now, &case_no, kind, dir, &printer)
            }
            Ok(None) => documents::print_into(store, session, now, &case_no, kind, dir),
            Err(e) => Err(e.into()),
        };
        match printed {
            Ok(written) => done.documents.push(written),
            Err(e) => {
                done.print_error = Some(e.to_string());
                break;
            }
        }
    }
    Ok(done)
}
