//! 冲突: a step from another device that the rules refused in the canonical
//! order — the hub completed a case that a counter had already withdrawn —
//! is kept in the log and flagged on import (`store::projection::
//! apply_tolerant`). Here a manager sees it beside the step that stands on
//! the same case (who, when, which device, what) and resolves it: keep what
//! stands, or apply the other step now as a new event of her own, which the
//! rules check like any step taken today. Either way with a reason, as a
//! `conflict.resolved` event that travels like any other; a resolved
//! conflict leaves the list, and the log keeps both steps.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{devices, ExchangeError};
use crate::auth::{Action, Session};
use crate::lifecycle::timeline;
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{self, payload, Projector};
use crate::store::{Store, StoreError};

/// How a manager resolves a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The step that stands stays; the refused one stays refused.
    Keep,
    /// The refused step is taken now, as a new event, if the rules allow it today.
    Apply,
}

impl Resolution {
    pub fn parse(s: &str) -> Result<Resolution, ExchangeError> {
        match s.trim() {
            "keep" | "保留现状" => Ok(Resolution::Keep),
            "apply" | "采用另一步" => Ok(Resolution::Apply),
            other => Err(ExchangeError::UnknownResolution(other.to_owned())),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Resolution::Keep => "保留现状",
            Resolution::Apply => "采用另一步",
        }
    }
}

/// Payload of `conflict.resolved`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictResolved {
    /// The refused event: its device and sequence number.
    pub device_id: String,
    pub seq: i64,
    pub resolution: Resolution,
    pub reason: String,
    /// With [`Resolution::Apply`]: the new event that took the step.
    pub applied_event_id: Option<String>,
}

/// One step, as the two sides of a conflict show it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub device_code: String,
    pub seq: i64,
    pub at: String,
    pub user: String,
    /// What the step is (分派, 办结, 撤回 …).
    pub what: &'static str,
    /// The reason the step gave (a withdrawal's, a supplement's …), if any.
    pub note: String,
    pub details: serde_json::Value,
}

/// A flagged conflict not yet resolved.
#[derive(Debug, Clone, Serialize)]
pub struct OpenConflict {
    pub device_id: String,
    pub seq: i64,
    pub case_no: Option<String>,
    /// The case's state now (its Chinese name).
    pub case_state: Option<&'static str>,
    /// Why the rules refused it.
    pub reason: String,
    /// The refused step.
    pub refused: Step,
    /// The step on the same case that stands in its way: the latest one
    /// of the same kind, or else the latest step that moved the case.
    pub standing: Option<Step>,
}

fn step(conn: &Connection, e: &Event) -> crate::Result<Step> {
    let user: String = conn
        .query_row(
            "SELECT display_name FROM users WHERE user_id = ?1",
            [&e.user_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?
        .unwrap_or_else(|| e.user_id.clone());
    Ok(Step {
        device_code: devices::code_of(conn, &e.device_id)?,
        seq: e.seq,
        at: e.ts.clone(),
        user,
        what: timeline::describe(&e.kind),
        note: e
            .payload
            .get("reason")
            .and_then(|r| r.as_str())
            .unwrap_or_default()
            .to_owned(),
        details: e.payload.clone(),
    })
}

fn flagged(conn: &Connection) -> Result<Vec<(String, i64)>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT device_id, seq FROM conflicts")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The step standing in the way of `refused` on its case.
fn standing(conn: &Connection, refused: &Event) -> crate::Result<Option<Step>> {
    let Some(case_id) = &refused.case_id else {
        return Ok(None);
    };
    let flagged = flagged(conn)?;
    // The steps that move a case (not its prints, ratings or resolutions).
    let moves = |kind: &str| {
        crate::lifecycle::Step::from_event_kind(kind).is_some()
            || kind == crate::intake::record::CASE_RECEIVED
    };
    let applied: Vec<Event> = events::for_case(conn, case_id)?
        .into_iter()
        .filter(|e| moves(&e.kind) && !flagged.contains(&(e.device_id.clone(), e.seq)))
        .collect();
    let pick = applied
        .iter()
        .rev()
        .find(|e| e.kind == refused.kind)
        .or_else(|| applied.last());
    pick.map(|e| step(conn, e)).transpose()
}

/// The flagged steps of one case and why each was refused.
pub(crate) fn flagged_on_case(
    conn: &Connection,
    case_id: &str,
) -> Result<std::collections::HashMap<(String, i64), String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT device_id, seq, reason FROM conflicts WHERE case_id = ?1")?;
    let rows = stmt.query_map([case_id], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How a case's history shows a step the rules refused:
/// "未生效（与 A01 的办结冲突：办件已办结）".
pub(crate) fn refused_label(
    conn: &Connection,
    refused: &Event,
    reason: &str,
) -> crate::Result<String> {
    Ok(match standing(conn, refused)? {
        Some(s) => format!("未生效（与 {} 的{}冲突：{reason}）", s.device_code, s.what),
        None => format!("未生效（冲突：{reason}）"),
    })
}

/// Every flagged conflict not yet resolved, in the log's order.
pub fn open(conn: &Connection) -> crate::Result<Vec<OpenConflict>> {
    let mut stmt = conn
        .prepare(
            "SELECT f.device_id, f.seq, f.reason, c.case_no, c.state FROM conflicts f
             LEFT JOIN cases c ON c.case_id = f.case_id
             WHERE NOT EXISTS (SELECT 1 FROM conflict_resolutions r
                               WHERE r.device_id = f.device_id AND r.seq = f.seq)
             ORDER BY f.device_id, f.seq",
        )
        .map_err(StoreError::from)?;
    type Row = (String, i64, String, Option<String>, Option<String>);
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(StoreError::from)?
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)?;
    let mut out = Vec::with_capacity(rows.len());
    for (device_id, seq, reason, case_no, state) in rows {
        let Some(event) = events::at(conn, &device_id, seq)? else {
            continue;
        };
        let case_state = match state {
            Some(s) => Some(crate::lifecycle::State::parse(&s)?.label()),
            None => None,
        };
        out.push(OpenConflict {
            refused: step(conn, &event)?,
            standing: standing(conn, &event)?,
            device_id,
            seq,
            case_no,
            case_state,
            reason,
        });
    }
    Ok(out)
}

/// What a resolution did.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    pub resolution: Resolution,
    pub label: &'static str,
    pub case_no: Option<String>,
    /// With [`Resolution::Apply`]: the case's state after the step.
    pub case_state: Option<&'static str>,
}

/// Resolves the conflict of event `seq` of the device `device_code` (as the
/// list shows it: A01, V03); only a manager
/// may, with a reason. Applying takes the refused step now, in this
/// device's name and the manager's: if the rules refuse it today, the
/// refusal is returned and nothing is recorded.
pub fn resolve(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    device_code: &str,
    seq: i64,
    resolution: Resolution,
    reason: &str,
) -> crate::Result<Resolved> {
    session.authorize(store.conn(), Action::ResolveConflicts)?;
    let reason = crate::applicant::text_field(reason.trim(), "处理理由", 500, true)?;
    store.write(|tx| {
        let open = open(tx)?;
        let Some(conflict) = open
            .iter()
            .find(|c| c.refused.device_code == device_code.trim() && c.seq == seq)
        else {
            return Err(ExchangeError::NoSuchConflict.into());
        };
        let device_id = conflict.device_id.as_str();
        let refused = events::at(tx, device_id, seq)?.ok_or(ExchangeError::NoSuchConflict)?;
        let applied_event_id = match resolution {
            Resolution::Keep => None,
            Resolution::Apply => {
                let kind = projection::claiming(&refused.kind)
                    .and_then(|p| p.kinds.iter().find(|k| **k == refused.kind))
                    .ok_or(ExchangeError::NoSuchConflict)?;
                let draft = Draft {
                    user_id: session.user_id.clone(),
                    case_id: refused.case_id.clone(),
                    kind,
                    payload: refused.payload.clone(),
                };
                let event = events::append_here(tx, now, draft).map_err(|e| {
                    ExchangeError::CannotApply {
                        what: timeline::describe(&refused.kind),
                        reason: e.to_string(),
                    }
                })?;
                Some(event.event_id)
            }
        };
        let p = ConflictResolved {
            device_id: device_id.to_owned(),
            seq,
            resolution,
            reason,
            applied_event_id,
        };
        let draft = Draft::new(
            &session.user_id,
            refused.case_id.as_deref(),
            CONFLICT_RESOLVED,
            &p,
        )?;
        events::append_here(tx, now, draft)?;
        let case_state = match &conflict.case_no {
            Some(no) => {
                let state: String = tx
                    .query_row("SELECT state FROM cases WHERE case_no = ?1", [no], |r| {
                        r.get(0)
                    })
                    .map_err(StoreError::from)?;
                Some(crate::lifecycle::State::parse(&state)?.label())
            }
            None => None,
        };
        Ok(Resolved {
            resolution,
            label: resolution.label(),
            case_no: conflict.case_no.clone(),
            case_state,
        })
    })
}

/// A flagged conflict resolved by a manager (payload [`ConflictResolved`]).
pub const CONFLICT_RESOLVED: &str = "conflict.resolved";

/// exchange::conflicts's table follows its events.
pub const PROJECTOR: Projector = Projector {
    area: "exchange::conflicts",
    kinds: &[CONFLICT_RESOLVED],
    tables: &["conflict_resolutions"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: ConflictResolved) -> crate::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO conflict_resolutions
             (device_id, seq, resolution, reason, applied_event_id, resolved_at, resolved_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            p.device_id,
            p.seq,
            p.resolution.label(),
            p.reason,
            p.applied_event_id,
            event.ts,
            event.user_id
        ],
    )?;
    Ok(())
}
