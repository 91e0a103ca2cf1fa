//! The states of a case and the one table of which action may follow which
//! state (状态机). Every lifecycle action asks [`check`] before it writes.
//!
//! ```text
//! 已受理 ─分派/转办→ 办理中 ─补正→ 补正中 ─恢复→ 办理中 ─办结→ 已办结
//! 已办结 ─通知领取→ 待领取 ─领取→ 已送达 ─归档→ 已归档
//! 已办结/待领取 ─领取（当场交付）或邮寄→ 已送达
//! 已受理/办理中/补正中 ─退回→ 已退回；─撤回→ 已撤回；─延期（负责人）→ 同一状态
//! 已受理/办理中/补正中 ─补齐容缺材料→ 同一状态 (src/intake/tolerance.rs)
//! 受理后的任一状态 ─核查属实→ 同一状态；─核查不实，撤销（负责人）→ 已撤销
//! (src/intake/commitment.rs)
//! 即办件 starts as 已办结; 一次性告知 and 不予受理 attempts have no lifecycle.
//! 村代办受理 starts as 代办待送交 ─确认收件（中心，袋号）→ 已受理; the promised
//! clock starts at the center's confirmation (src/lifecycle/bag.rs).
//! ```

use serde::Serialize;

use super::LifecycleError;

/// A case state as stored in `cases.state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    AgentTaken,
    Accepted,
    InProgress,
    Suspended,
    Completed,
    AwaitingPickup,
    Delivered,
    Archived,
    Returned,
    Withdrawn,
    Noticed,
    Refused,
    Revoked,
}

/// The lifecycle actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    ConfirmBag,
    Assign,
    Suspend,
    Resume,
    Complete,
    NotifyPickup,
    Collect,
    Mail,
    Archive,
    Return,
    Withdraw,
    Extend,
    Supply,
    Verify,
    Revoke,
}

impl State {
    pub const ALL: [State; 13] = [
        State::AgentTaken,
        State::Accepted,
        State::InProgress,
        State::Suspended,
        State::Completed,
        State::AwaitingPickup,
        State::Delivered,
        State::Archived,
        State::Returned,
        State::Withdrawn,
        State::Noticed,
        State::Refused,
        State::Revoked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            State::AgentTaken => "agent_taken",
            State::Accepted => "accepted",
            State::InProgress => "in_progress",
            State::Suspended => "suspended",
            State::Completed => "completed",
            State::AwaitingPickup => "awaiting_pickup",
            State::Delivered => "delivered",
            State::Archived => "archived",
            State::Returned => "returned",
            State::Withdrawn => "withdrawn",
            State::Noticed => "noticed",
            State::Refused => "refused",
            State::Revoked => "revoked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::AgentTaken => "代办待送交",
            State::Accepted => "已受理",
            State::InProgress => "办理中",
            State::Suspended => "补正中",
            State::Completed => "已办结",
            State::AwaitingPickup => "待领取",
            State::Delivered => "已送达",
            State::Archived => "已归档",
            State::Returned => "已退回",
            State::Withdrawn => "已撤回",
            State::Noticed => "已一次性告知",
            State::Refused => "不予受理",
            State::Revoked => "已撤销",
        }
    }

    /// The state stored as `s`; a code this program does not know (a damaged
    /// file, or one written by a newer program) is its own refusal, never
    /// "no such case".
    pub fn parse(s: &str) -> Result<State, LifecycleError> {
        State::ALL
            .into_iter()
            .find(|st| st.code() == s)
            .ok_or_else(|| LifecycleError::UnreadableState(s.to_owned()))
    }

    /// Whether the promised clock runs for cases in this state.
    pub fn is_open(self) -> bool {
        matches!(self, State::Accepted | State::InProgress | State::Suspended)
    }

    /// Whether the applicant may rate (好差评) a case in this state: once
    /// it is completed, whatever happened to the result since.
    pub fn can_be_rated(self) -> bool {
        matches!(
            self,
            State::Completed | State::AwaitingPickup | State::Delivered | State::Archived
        )
    }

    /// The actions allowed from this state.
    pub fn next_steps(self) -> &'static [Step] {
        use Step::*;
        match self {
            State::AgentTaken => &[ConfirmBag, Withdraw],
            // The intake clerk is the handler until the case is assigned:
            // she may finish it herself (办结) or ask for 补正 at once.
            // 核查 (告知承诺制) is recorded whatever the case reached once
            // it was taken in; 不实 revokes it.
            State::Accepted => &[
                Assign, Suspend, Complete, Return, Withdraw, Extend, Supply, Verify, Revoke,
            ],
            State::InProgress => &[
                Assign, Suspend, Complete, Return, Withdraw, Extend, Supply, Verify, Revoke,
            ],
            State::Suspended => &[Resume, Return, Withdraw, Extend, Supply, Verify, Revoke],
            State::Completed => &[NotifyPickup, Collect, Mail, Verify, Revoke],
            State::AwaitingPickup => &[Collect, Mail, Verify, Revoke],
            State::Delivered => &[Archive, Verify, Revoke],
            State::Archived => &[Verify, Revoke],
            State::Returned
            | State::Withdrawn
            | State::Noticed
            | State::Refused
            | State::Revoked => &[],
        }
    }

    /// The state after `step`.
    pub fn after(self, step: Step) -> State {
        match step {
            Step::ConfirmBag => State::Accepted,
            Step::Assign | Step::Resume => State::InProgress,
            Step::Suspend => State::Suspended,
            Step::Complete => State::Completed,
            Step::NotifyPickup => State::AwaitingPickup,
            Step::Collect | Step::Mail => State::Delivered,
            Step::Archive => State::Archived,
            Step::Return => State::Returned,
            Step::Withdraw => State::Withdrawn,
            Step::Extend | Step::Supply | Step::Verify => self,
            Step::Revoke => State::Revoked,
        }
    }
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::ConfirmBag => "确认收件（代办送交）",
            Step::Assign => "分派/转办",
            Step::Suspend => "补正（暂停计时）",
            Step::Resume => "恢复办理",
            Step::Complete => "办结",
            Step::NotifyPickup => "通知领取",
            Step::Collect => "领取",
            Step::Mail => "邮寄送达",
            Step::Archive => "归档",
            Step::Return => "退回",
            Step::Withdraw => "撤回",
            Step::Extend => "延期",
            Step::Supply => "补齐容缺材料",
            Step::Verify => "核查属实",
            Step::Revoke => "核查不实，撤销",
        }
    }

    /// The event kind that records this step.
    pub fn event_kind(self) -> &'static str {
        match self {
            Step::ConfirmBag => kinds::BAG_CONFIRMED,
            Step::Assign => kinds::ASSIGNED,
            Step::Suspend => kinds::SUSPENDED,
            Step::Resume => kinds::RESUMED,
            Step::Complete => kinds::COMPLETED,
            Step::NotifyPickup => kinds::PICKUP_NOTIFIED,
            Step::Collect => kinds::COLLECTED,
            Step::Mail => kinds::MAILED,
            Step::Archive => kinds::ARCHIVED,
            Step::Return => kinds::RETURNED,
            Step::Withdraw => kinds::WITHDRAWN,
            Step::Extend => kinds::EXTENDED,
            Step::Supply => kinds::TOLERANCE_SUPPLIED,
            Step::Verify => kinds::VERIFIED,
            Step::Revoke => kinds::REVOKED,
        }
    }
}

/// The event kinds of the lifecycle steps, one per [`Step`]; the payload of
/// each is a struct in `handling.rs` (or `bag.rs`), named in its comment.
pub mod kinds {
    /// bag::BagConfirmed
    pub const BAG_CONFIRMED: &str = "case.bag_confirmed";
    /// handling::Assigned
    pub const ASSIGNED: &str = "case.assigned";
    /// handling::Suspended
    pub const SUSPENDED: &str = "case.suspended";
    /// handling::Resumed
    pub const RESUMED: &str = "case.resumed";
    /// handling::Completed
    pub const COMPLETED: &str = "case.completed";
    /// handling::OnDay
    pub const PICKUP_NOTIFIED: &str = "case.pickup_notified";
    /// handling::Collected
    pub const COLLECTED: &str = "case.collected";
    /// handling::Mailed
    pub const MAILED: &str = "case.mailed";
    /// handling::OnDay
    pub const ARCHIVED: &str = "case.archived";
    /// handling::Closed
    pub const RETURNED: &str = "case.returned";
    /// handling::Closed
    pub const WITHDRAWN: &str = "case.withdrawn";
    /// handling::Extended
    pub const EXTENDED: &str = "case.extended";
    /// intake::tolerance::Supplied
    pub const TOLERANCE_SUPPLIED: &str = "case.tolerance_supplied";
    /// intake::commitment::Verified
    pub const VERIFIED: &str = "case.verified";
    /// intake::commitment::Verified
    pub const REVOKED: &str = "case.revoked";

    /// Every step's kind, in the order of [`super::Step::ALL`].
    pub const ALL: &[&str] = &[
        BAG_CONFIRMED,
        ASSIGNED,
        SUSPENDED,
        RESUMED,
        COMPLETED,
        PICKUP_NOTIFIED,
        COLLECTED,
        MAILED,
        ARCHIVED,
        RETURNED,
        WITHDRAWN,
        EXTENDED,
        TOLERANCE_SUPPLIED,
        VERIFIED,
        REVOKED,
    ];
}

impl Step {
    pub const ALL: [Step; 15] = [
        Step::ConfirmBag,
        Step::Assign,
        Step::Suspend,
        Step::Resume,
        Step::Complete,
        Step::NotifyPickup,
        Step::Collect,
        Step::Mail,
        Step::Archive,
        Step::Return,
        Step::Withdraw,
        Step::Extend,
        Step::Supply,
        Step::Verify,
        Step::Revoke,
    ];

    /// The step an event kind records.
    pub fn from_event_kind(kind: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.event_kind() == kind)
    }
}

/// SQL condition on `cases.state`: the case is open and its clock runs
/// (accepted or in progress; a suspended case's clock stands still).
pub const RUNNING_SQL: &str = "state IN ('accepted', 'in_progress')";
/// SQL condition on `cases.state`: the case is open ([`State::is_open`]).
pub const OPEN_SQL: &str = "state IN ('accepted', 'in_progress', 'suspended')";

/// Refuses `step` from `state`, naming the state and what may be done instead.
pub fn check(case_no: &str, state: State, step: Step) -> Result<(), LifecycleError> {
    if state.next_steps().contains(&step) {
        return Ok(());
    }
    let allowed: Vec<&str> = state.next_steps().iter().map(|s| s.label()).collect();
    Err(LifecycleError::IllegalStep {
        case_no: case_no.to_owned(),
        state: state.label(),
        step: step.label(),
        allowed: if allowed.is_empty() {
            "无（已结束）".into()
        } else {
            allowed.join("、")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_from_acceptance_to_archive() {
        let mut s = State::Accepted;
        for step in [
            Step::Assign,
            Step::Suspend,
            Step::Resume,
            Step::Complete,
            Step::NotifyPickup,
            Step::Collect,
            Step::Archive,
        ] {
            check("X", s, step).unwrap();
            s = s.after(step);
        }
        assert_eq!(s, State::Archived);
    }

    #[test]
    fn an_accepted_case_is_completed_or_suspended_without_being_assigned_first() {
        let no = "371402101-20261123-A01-0001";
        check(no, State::Accepted, Step::Complete).unwrap();
        check(no, State::Accepted, Step::Suspend).unwrap();
        assert_eq!(State::Accepted.after(Step::Complete), State::Completed);
        // Nothing to resume or hand over yet.
        let msg = check(no, State::Accepted, Step::Resume)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("已受理") && msg.contains("恢复办理") && msg.contains("分派/转办"),
            "{msg}"
        );
    }

    #[test]
    fn ended_states_allow_nothing_and_say_so() {
        for s in [
            State::Returned,
            State::Withdrawn,
            State::Noticed,
            State::Refused,
            State::Revoked,
        ] {
            for step in [Step::Assign, Step::Complete, Step::Archive, Step::Extend] {
                let msg = check("X", s, step).unwrap_err().to_string();
                assert!(msg.contains("已结束"), "{msg}");
            }
        }
    }

    #[test]
    fn an_archived_case_still_takes_its_check_and_a_revocation_ends_any_case() {
        assert_eq!(State::Archived.next_steps(), [Step::Verify, Step::Revoke]);
        for s in State::ALL
            .into_iter()
            .filter(|s| s.next_steps().contains(&Step::Revoke))
        {
            assert_eq!(s.after(Step::Revoke), State::Revoked);
            assert_eq!(s.after(Step::Verify), s);
        }
        assert!(State::Revoked.next_steps().is_empty());
        assert!(!State::Revoked.is_open() && !State::Revoked.can_be_rated());
    }

    #[test]
    fn every_allowed_step_is_listed_and_every_other_refused() {
        let steps = Step::ALL;
        let mut allowed = 0;
        for s in State::ALL {
            for step in steps {
                let ok = check("X", s, step).is_ok();
                assert_eq!(ok, s.next_steps().contains(&step));
                allowed += usize::from(ok);
            }
        }
        assert_eq!(allowed, 2 + 9 + 9 + 7 + 5 + 4 + 3 + 2);
        for (i, step) in Step::ALL.into_iter().enumerate() {
            assert_eq!(Step::from_event_kind(step.event_kind()), Some(step));
            assert_eq!(kinds::ALL[i], step.event_kind());
        }
    }

    #[test]
    fn only_accepted_in_progress_and_suspended_cases_are_open() {
        let open: Vec<State> = State::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [State::Accepted, State::InProgress, State::Suspended]);
        let codes = |v: &[State]| {
            let quoted: Vec<String> = v.iter().map(|s| format!("'{}'", s.code())).collect();
            format!("state IN ({})", quoted.join(", "))
        };
        assert_eq!(OPEN_SQL, codes(&open));
        assert_eq!(RUNNING_SQL, codes(&[State::Accepted, State::InProgress]));
    }
}
