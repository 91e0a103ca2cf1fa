//! Bianmin Counter (便民服务台) core: every rule and all storage of the
//! township convenience-service counter.
//!
//! The folders follow the words a clerk would use:
//! - [`store`]: the SQLite file, the hash-chained event log and the tables
//!   projected from it.
//! - [`catalogue`]: the matters (事项) a center handles and their versions.
//! - [`calendar`]: official holidays, make-up workdays and working-day due dates.
//! - [`applicant`]: checks on an applicant's name, ID number and phone.
//! - [`intake`]: taking in an application and deciding its outcome.
//! - [`lifecycle`]: a case after intake: steps, deadlines, stand-ins, its timeline.
//! - [`scans`]: scanned materials kept with a case (扫描件).
//! - [`auth`]: users, roles, passwords and what each role may do.
//! - [`center`]: the center's address and phones printed on documents.
//! - [`service`]: the enquiry log, ratings and rectification, follow-up calls, complaints.
//! - [`documents`]: the printed papers (受理回执, 一次性告知单, 受理通知书, 不予受理通知书).
//! - [`exchange`]: signed daily batches on USB between devices, and joining a center.
//! - [`reports`]: the daily ledger (CSV, XLSX, PDF) and the dashboard figures.
//! - [`setup`]: first-run set-up of a device.
//! - [`backup`]: verified backups and restore.
//! - [`printing`]: this PC's printers for each document and the print service (CUPS).
//! - [`usb`]: the USB sticks plugged in, offered for exchange and backups.
//! - [`paths`]: where the database and printed documents live.
//! - [`projections`]: every area's projector in one list, and rebuild.
//! - [`demo`]: a demonstration center with one intake of each outcome.
//!
//! The desktop shell and the `bianmin` command-line tool only parse input,
//! call one function here and show its result or its [`Error`].
//!
//! To add an event kind: declare its constant beside the code of the area
//! that appends it, add it to that area's `PROJECTOR` (its `kinds`, and its
//! `tables` for a new table, which also goes into `schema.sql` and a new
//! step in `src/store/migrations/`), and handle it in that projector's
//! `apply`. A new area lists its `PROJECTOR` in [`projections::ALL`]. The
//! store itself names no area: it hands each event to the projector that
//! claims its kind.

pub mod applicant;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod catalogue;
pub mod center;
pub mod chooser;
pub mod demo;
pub mod documents;
mod error;
pub mod exchange;
pub mod files;
pub mod intake;
pub mod lifecycle;
pub mod paths;
pub mod printing;
pub mod projections;
pub mod reports;
pub mod scans;
pub mod seal;
pub mod service;
pub mod setup;
pub mod store;
pub mod sync;
pub mod usb;

pub use error::Error;

/// The result type of every fallible core entry point.
pub type Result<T, E = Error> = std::result::Result<T, E>;
