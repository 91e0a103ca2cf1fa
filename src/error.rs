//! The one error type that crosses the core's boundary. Each area has its
//! own error enum whose messages are written in Chinese for the person at
//! the counter; this type only gathers them.

use crate::applicant::ApplicantError;
use crate::auth::AuthError;
use crate::backup::BackupError;
use crate::calendar::CalendarError;
use crate::catalogue::CatalogueError;
use crate::documents::DocumentError;
use crate::exchange::ExchangeError;
use crate::intake::IntakeError;
use crate::lifecycle::LifecycleError;
use crate::reports::ReportError;
use crate::scans::ScanError;
use crate::service::ServiceError;
use crate::store::StoreError;

/// Any refusal or failure of a core operation. `Display` is a Chinese
/// message fit to show to the user as it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Applicant(#[from] ApplicantError),
    #[error(transparent)]
    Intake(#[from] IntakeError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    #[error(transparent)]
    Print(#[from] crate::printing::PrintError),
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::from(e))
    }
}
