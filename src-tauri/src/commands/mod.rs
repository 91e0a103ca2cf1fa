//! The window's commands, one file per screen. Each command parses what the
//! window sent, calls one core function and returns its result or its
//! error as a [`UiError`](crate::error::UiError); no SQL and no rules here.

pub mod cases;
pub mod documents;
pub mod intake;
pub mod reports;
pub mod service;
pub mod session;
pub mod setup;

use chrono::{DateTime, FixedOffset};

/// The moment of an action, in the center's local time.
pub fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}
