//! The audit trail of one case (`bianmin log CASE_NO`): every event of the
//! case in order, with its time, the acting user and what changed.

use rusqlite::Connection;
use serde::Serialize;

use super::national::{self, NationalStatus};
use crate::documents;
use crate::exchange::conflicts;
use crate::intake::{lookup, record};
use crate::store::events;

/// One line of a case's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub ts: String,
    pub user: String,
    pub staff_no: String,
    pub kind: String,
    pub what: &'static str,
    pub details: serde_json::Value,
    pub device_id: String,
    pub seq: i64,
    pub hash: String,
    /// Set for a step the rules refused in the canonical order (a
    /// conflict between devices): it is kept in the log but did not
    /// happen, "未生效（与 A01 的办结冲突：…）".
    pub refused: Option<String>,
    /// The status code the step records (办件状态代码), for a step that
    /// changes the case's status and stood.
    pub national: Option<NationalStatus>,
}

/// What an event kind means to a reader.
pub fn describe(kind: &str) -> &'static str {
    use crate::service::{consultation, evaluation};
    if let Some(step) = super::Step::from_event_kind(kind) {
        return step.label();
    }
    match kind {
        record::CASE_RECEIVED => "受理登记",
        documents::DOCUMENT_PRINTED => "打印文书",
        documents::DOCUMENT_SENT => "文书发送到打印机",
        consultation::CONVERTED => "由咨询转为受理",
        evaluation::EVALUATION_RECORDED => "评价",
        evaluation::FOLLOWUP_RECORDED => "回访",
        lookup::ID_VIEWED => "负责人查看完整证件号码",
        crate::calendar::recompute::DUE_DATE_RECOMPUTED => "办结期限随节假日安排调整",
        crate::exchange::conflicts::CONFLICT_RESOLVED => "处理数据交换冲突",
        crate::scans::SCAN_ATTACHED => "添加扫描件",
        _ => "其他",
    }
}

/// The timeline of a case by its number.
pub fn of_case(conn: &Connection, case_no: &str) -> crate::Result<Vec<Entry>> {
    let summary = lookup::summary(conn, case_no)?
        .ok_or_else(|| crate::intake::IntakeError::NoSuchCase(case_no.trim().to_owned()))?;
    let mut out = Vec::new();
    let flagged = conflicts::flagged_on_case(conn, &summary.case_id)?;
    let mut history = national::History::default();
    for e in events::for_case(conn, &summary.case_id)? {
        let refused = match flagged.get(&(e.device_id.clone(), e.seq)) {
            Some(reason) => Some(conflicts::refused_label(conn, &e, reason)?),
            None => None,
        };
        let national = match refused {
            Some(_) => None,
            None => history.next(&e)?,
        };
        let (user, staff_no) = conn
            .query_row(
                "SELECT display_name, staff_no FROM users WHERE user_id = ?1",
                [&e.user_id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .unwrap_or_else(|_| (e.user_id.clone(), String::new()));
        out.push(Entry {
            what: describe(&e.kind),
            ts: e.ts,
            user,
            staff_no,
            kind: e.kind,
            details: e.payload,
            device_id: e.device_id,
            seq: e.seq,
            hash: e.hash,
            refused,
            national,
        });
    }
    Ok(out)
}
