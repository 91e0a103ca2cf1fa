//! 办件状态代码: every case as the status code the provincial government
//! service platforms carry for a 办件 (已接件 1 … 撤销 15), beside the
//! Chinese state on the case's page and in the exported ledgers, so that a
//! later upload can use it. The table and how each state maps to it are in
//! docs/status-codes.md.
//!
//! A code depends on more than the state: a completed case is 办结（通过）,
//! 办结（容缺通过） when it was accepted with a material missing (容缺), or
//! 办结（不通过）; a paused case is 补正 or 特别程序 by the kind of pause.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::handling::{Completed, Decision, SuspendKind, Suspended};
use super::state::{kinds, State};
use crate::intake::record::CaseReceived;
use crate::intake::Outcome;
use crate::store::events::Event;
use crate::store::projection::payload;
use crate::store::StoreError;

/// The codes and their names, as the platforms define them.
pub const CODES: [(u8, &str); 15] = [
    (1, "已接件"),
    (2, "已撤件"),
    (3, "已受理"),
    (4, "不受理"),
    (5, "不予受理"),
    (6, "补正（开始）"),
    (7, "补正（结束）"),
    (8, "部门开始办理"),
    (9, "特别程序（开始）"),
    (10, "特别程序（结束）"),
    (11, "办结（通过）"),
    (12, "办结（容缺通过）"),
    (13, "办结（不通过）"),
    (14, "撤回"),
    (15, "撤销"),
];

/// A case's status as the platforms code it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NationalStatus {
    pub code: u8,
    pub label: &'static str,
}

impl NationalStatus {
    fn of_code(code: u8) -> NationalStatus {
        let label = CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("", |(_, l)| l);
        NationalStatus { code, label }
    }
}

/// What, besides its state, decides a case's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub state: State,
    /// The decision of a completed case (`None`: 即办, done on the spot).
    pub decision: Option<Decision>,
    /// Accepted with a material missing (容缺受理).
    pub tolerated: bool,
    /// The kind of the pause of a paused case.
    pub pause: Option<SuspendKind>,
}

/// The code of a case with `facts`.
pub fn status(facts: &Facts) -> NationalStatus {
    let code = match facts.state {
        // Taken in by a village agent, not yet accepted at the center.
        State::AgentTaken => 1,
        State::Accepted => 3,
        State::InProgress => 8,
        State::Suspended => match facts.pause {
            Some(SuspendKind::Publicity | SuspendKind::ExpertReview) => 9,
            _ => 6,
        },
        State::Completed | State::AwaitingPickup | State::Delivered | State::Archived => {
            match facts.decision {
                Some(Decision::Deny) => 13,
                _ if facts.tolerated => 12,
                _ => 11,
            }
        }
        // Returned to the applicant unfinished: not approved.
        State::Returned => 13,
        State::Withdrawn => 14,
        // Materials incomplete, told once (一次性告知): not taken in.
        State::Noticed => 4,
        State::Refused => 5,
        State::Revoked => 15,
    };
    NationalStatus::of_code(code)
}

/// The code of the end of a pause of `pause`'s kind: 补正（结束） or
/// 特别程序（结束） (a step with a code of its own, not a state's).
pub fn of_resume(pause: Option<SuspendKind>) -> NationalStatus {
    NationalStatus::of_code(match pause {
        Some(SuspendKind::Publicity | SuspendKind::ExpertReview) => 10,
        _ => 7,
    })
}

/// Reads a case's events in order and gives each the code of the status
/// it records (the platforms' 过程信息), or none for an event that changes
/// no status (a print, a 领取, a rating).
#[derive(Debug, Default)]
pub struct History {
    pause: Option<SuspendKind>,
    tolerated: bool,
}

impl History {
    /// The code of `event`, the next event of the case.
    pub fn next(&mut self, event: &Event) -> crate::Result<Option<NationalStatus>> {
        use super::Step;
        if event.kind == crate::intake::record::CASE_RECEIVED {
            let p: CaseReceived = payload(event)?;
            self.tolerated = p.materials.iter().any(|m| m.tolerated_until.is_some());
            return Ok(Some(NationalStatus::of_code(match (p.outcome, &p.agent) {
                (Outcome::Accepted, Some(_)) => 1,
                (Outcome::Accepted, None) => 3,
                (Outcome::OnTheSpot, _) => 11,
                (Outcome::Notice, _) => 4,
                (Outcome::Refused, _) => 5,
            })));
        }
        let Some(step) = Step::from_event_kind(&event.kind) else {
            return Ok(None);
        };
        let code = match step {
            Step::ConfirmBag => 3,
            Step::Assign => 8,
            Step::Suspend => {
                let p: Suspended = payload(event)?;
                self.pause = Some(p.kind);
                return Ok(Some(status(&Facts {
                    state: State::Suspended,
                    decision: None,
                    tolerated: self.tolerated,
                    pause: self.pause,
                })));
            }
            Step::Resume => return Ok(Some(of_resume(self.pause.take()))),
            Step::Complete => {
                let p: Completed = payload(event)?;
                return Ok(Some(status(&Facts {
                    state: State::Completed,
                    decision: Some(p.decision),
                    tolerated: self.tolerated,
                    pause: None,
                })));
            }
            Step::Return => 13,
            Step::Withdraw => 14,
            Step::Revoke => 15,
            Step::NotifyPickup
            | Step::Collect
            | Step::Mail
            | Step::Archive
            | Step::Extend
            | Step::Supply
            | Step::Verify => return Ok(None),
        };
        Ok(Some(NationalStatus::of_code(code)))
    }
}

/// The code of the case `case_id` as the tables hold it.
pub fn of_case(conn: &Connection, case_id: &str) -> crate::Result<NationalStatus> {
    let row: Option<(String, Option<String>, bool)> = conn
        .prepare_cached(&format!(
            "SELECT state, result, {} FROM cases c WHERE case_id = ?1",
            crate::intake::tolerance::TOLERATED_SQL
        ))?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
        .map_err(StoreError::from)?;
    let Some((state, result, tolerated)) = row else {
        return Err(StoreError::BadEvent {
            device: String::new(),
            seq: 0,
            reason: format!("办件 {case_id} 不存在"),
        }
        .into());
    };
    let state = State::parse(&state)?;
    let decision = result.as_deref().map(Decision::parse).transpose()?;
    let pause = if state == State::Suspended {
        last_pause(conn, case_id)?
    } else {
        None
    };
    Ok(status(&Facts {
        state,
        decision,
        tolerated,
        pause,
    }))
}

/// The kind of the case's latest pause (补正, 公示, 专家评审).
pub fn last_pause(conn: &Connection, case_id: &str) -> crate::Result<Option<SuspendKind>> {
    let kind: Option<String> = conn
        .prepare_cached(
            "SELECT json_extract(payload, '$.kind') FROM events
             WHERE case_id = ?1 AND kind = ?2 ORDER BY ts DESC, seq DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![case_id, kinds::SUSPENDED], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()
        .map_err(StoreError::from)?
        .flatten();
    kind.as_deref().map(SuspendKind::parse).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(state: State) -> Facts {
        Facts {
            state,
            decision: None,
            tolerated: false,
            pause: None,
        }
    }

    #[test]
    fn every_state_has_a_code_from_the_table() {
        for state in State::ALL {
            let s = status(&facts(state));
            assert!(CODES.contains(&(s.code, s.label)), "{state:?} → {s:?}");
        }
    }

    #[test]
    fn a_completed_case_is_coded_by_its_decision_and_its_tolerance() {
        let mut f = facts(State::Completed);
        assert_eq!(status(&f).label, "办结（通过）");
        f.tolerated = true;
        assert_eq!(status(&f).code, 12);
        f.decision = Some(Decision::Deny);
        assert_eq!(status(&f).label, "办结（不通过）");
        f.state = State::Archived;
        assert_eq!(status(&f).code, 13);
    }

    #[test]
    fn a_pause_is_supplement_or_a_special_procedure_and_so_is_its_end() {
        let mut f = facts(State::Suspended);
        f.pause = Some(SuspendKind::Supplement);
        assert_eq!(status(&f).label, "补正（开始）");
        assert_eq!(of_resume(f.pause).label, "补正（结束）");
        f.pause = Some(SuspendKind::Publicity);
        assert_eq!(status(&f).label, "特别程序（开始）");
        assert_eq!(of_resume(f.pause).label, "特别程序（结束）");
        f.pause = Some(SuspendKind::ExpertReview);
        assert_eq!(status(&f).code, 9);
    }
}
