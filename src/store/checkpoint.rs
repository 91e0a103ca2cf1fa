//! WAL checkpoints off the commit path.
//!
//! In WAL mode SQLite copies the log back into the database file (a
//! checkpoint) when it passes 1 000 pages, inside whichever COMMIT crossed
//! that line: with about 24 pages per accepted case, one acceptance in 42
//! waited some 4–5 ms for it, which set the p99 of the counter's commit
//! (docs/BENCHMARKS.md). Here a thread with its own connection does the
//! checkpoints instead: the store nudges it after each commit, and it runs
//! a PASSIVE checkpoint (which never blocks a writer) after [`EVERY`]
//! commits or once writes pause. The commit itself stays durable on its
//! own: the log is synced at COMMIT (`synchronous=FULL`), the checkpoint
//! only moves pages already safe in the log.
//!
//! SQLite's own automatic checkpoint stays on at [`BACKSTOP_PAGES`], so the
//! log stays bounded even if this thread could not keep up.
//!
//! The quick search's full-text index is kept the same way: each intake
//! adds a small segment, and merging segments (which FTS5 would do inside
//! whichever commit filled a level, 20–40 ms at 100 000 cases) is done here
//! when writes pause.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::DbKey;

/// Commits between two checkpoints while writes keep coming.
pub const EVERY: u32 = 16;

/// How long writes must pause before the pending commits are checkpointed.
const PAUSE: Duration = Duration::from_millis(250);

/// The full-text indexes whose segments are merged here, while writes
/// pause, instead of inside commits (their `automerge` is off; schema.sql).
const FULL_TEXT: [&str; 1] = ["case_search"];

/// Pages one merge may write (a few milliseconds), so a commit arriving
/// meanwhile waits little.
const MERGE_PAGES: u32 = 200;

/// The committing connection's own automatic checkpoint, in pages (16 MiB
/// of log at 4 KiB pages).
pub const BACKSTOP_PAGES: i64 = 4_000;

enum Message {
    Committed,
    Stop,
}

/// The checkpoint thread of one open store.
pub struct Checkpointer {
    tx: Sender<Message>,
    handle: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread for the database at `path`; `None` when a second
    /// connection cannot be opened (then SQLite's automatic checkpoint,
    /// still on, does the work inside commits as before).
    pub fn start(path: &Path, key: Option<&DbKey>) -> Option<Checkpointer> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        if let Some(key) = key {
            key.apply(&conn).ok()?;
        }
        conn.busy_timeout(Duration::from_secs(1)).ok()?;
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("bianmin-checkpoint".into())
            .spawn(move || {
                let mut pending = 0u32;
                loop {
                    match rx.recv_timeout(PAUSE) {
                        Ok(Message::Committed) => {
                            pending += 1;
                            if pending < EVERY {
                                continue;
                            }
                        }
                        Err(RecvTimeoutError::Timeout) if pending > 0 => {
                            // Writes paused: merge the full-text index's
                            // new segments now, a bounded amount, rather
                            // than inside a clerk's commit.
                            for table in FULL_TEXT {
                                let _ = conn.execute(
                                    &format!("INSERT INTO {table} ({table}, rank) VALUES ('merge', {MERGE_PAGES})"),
                                    [],
                                );
                            }
                        }
                        Err(RecvTimeoutError::Timeout) => continue,
                        Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                    }
                    pending = 0;
                    // A busy or failed checkpoint is retried after the next
                    // commits; the backstop bounds the log meanwhile.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .ok()?;
        Some(Checkpointer {
            tx,
            handle: Some(handle),
        })
    }

    /// Tells the thread that a transaction committed.
    pub fn committed(&self) {
        let _ = self.tx.send(Message::Committed);
    }
}

impl Drop for Checkpointer {
    /// Stops the thread and waits for it, so that its connection is closed
    /// when the store is (a restore replaces the file right after).
    fn drop(&mut self) {
        let _ = self.tx.send(Message::Stop);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
