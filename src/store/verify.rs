//! Checking the hash chain of every device in the log. The first event whose
//! content, link or number is wrong is named, so a manager knows exactly
//! which record was tampered with or lost.

use rusqlite::Connection;
use serde::Serialize;

use super::events::{Event, GENESIS_HASH};
use super::StoreError;

/// The chain of one device, as verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub device_id: String,
    pub events: i64,
    pub head_hash: String,
}

/// What is wrong with the first broken event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("哈希链校验失败：设备 {device_id} 第 {seq} 号事件（{event_id}）{problem}")]
pub struct Broken {
    pub device_id: String,
    pub seq: i64,
    pub event_id: String,
    pub problem: String,
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub chains: Vec<Chain>,
    pub broken: Option<Broken>,
}

impl Report {
    pub fn events(&self) -> i64 {
        self.chains.iter().map(|c| c.events).sum()
    }
}

/// Verifies every device's chain; stops at the first broken event of each device.
pub fn verify(conn: &Connection) -> Result<Report, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT event_id, device_id, seq, ts, user_id, case_id, kind, payload, prev_hash, hash
         FROM events ORDER BY device_id, seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut chains: Vec<Chain> = Vec::new();
    let mut broken: Option<Broken> = None;
    let mut skip_device: Option<String> = None;
    while let Some(row) = rows.next()? {
        let event = Event::from_row(row)?;
        if skip_device.as_deref() == Some(event.device_id.as_str()) {
            continue;
        }
        let (expected_seq, expected_prev) = match chains.last() {
            Some(c) if c.device_id == event.device_id => (c.events + 1, c.head_hash.clone()),
            _ => (1, GENESIS_HASH.to_owned()),
        };
        let problem = if event.seq != expected_seq {
            Some(format!(
                "序号不连续：此处应为第 {expected_seq} 号（之前的记录缺失）"
            ))
        } else if event.hash != event.compute_hash() {
            Some("内容与其哈希不符（记录被修改）".to_owned())
        } else if event.prev_hash != expected_prev {
            Some("与前一条记录的哈希衔接不上（前面的记录被修改、删除或调换）".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            skip_device = Some(event.device_id.clone());
            if broken.is_none() {
                broken = Some(Broken {
                    device_id: event.device_id.clone(),
                    seq: event.seq,
                    event_id: event.event_id.clone(),
                    problem,
                });
            }
            continue;
        }
        match chains.last_mut() {
            Some(c) if c.device_id == event.device_id => {
                c.events = event.seq;
                c.head_hash = event.hash;
            }
            _ => chains.push(Chain {
                device_id: event.device_id,
                events: event.seq,
                head_hash: event.hash,
            }),
        }
    }
    Ok(Report { chains, broken })
}
