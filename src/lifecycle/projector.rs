//! How each lifecycle step's event changes the case's row. Events from other
//! devices arrive here too: a step is applied only if the state table allows
//! it from the state the case is in now (in the canonical order); otherwise
//! it is a conflict, kept in the log and listed for a manager
//! (src/store/projection.rs).

use rusqlite::{OptionalExtension, Transaction};

use super::bag::BagConfirmed;
use super::handling::{
    Assigned, Closed, Collected, Completed, Extended, Mailed, Resumed, Suspended,
};
use super::state::{self, kinds, State, Step};
use crate::applicant;
use crate::intake::{commitment, tolerance, IntakeError};
use crate::store::events::Event;
use crate::store::projection::{payload, unknown_kind, Projector};
use crate::store::StoreError;

/// The lifecycle claims its steps' kinds; the rows it changes are intake's
/// (`cases`), so it owns no table of its own.
pub const PROJECTOR: Projector = Projector {
    area: "lifecycle",
    kinds: kinds::ALL,
    tables: &[],
    apply,
};

fn apply(tx: &Transaction<'_>, event: &Event) -> crate::Result<()> {
    let step = Step::from_event_kind(&event.kind).ok_or_else(|| unknown_kind(event))?;
    let case_id = event.case_id.as_deref().unwrap_or_default();
    let (case_no, current): (String, String) = tx
        .prepare_cached("SELECT case_no, state FROM cases WHERE case_id = ?1")?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(StoreError::from)?
        .ok_or_else(|| IntakeError::NoSuchCase(case_id.to_owned()))?;
    let current = State::parse(&current)?;
    state::check(&case_no, current, step)?;
    let set = |sql: &str, values: &[&dyn rusqlite::ToSql]| -> crate::Result<()> {
        let mut all: Vec<&dyn rusqlite::ToSql> = values.to_vec();
        all.push(&case_id);
        tx.prepare_cached(sql)?.execute(all.as_slice())?;
        Ok(())
    };
    match step {
        Step::ConfirmBag => {
            let p: BagConfirmed = payload(event)?;
            set(
                "UPDATE cases SET state = 'accepted', bag_no = ?1, accepted_on = ?2, due_date = ?3 WHERE case_id = ?4",
                &[&p.bag_no, &p.accepted_on, &p.due_date],
            )
        }
        Step::Assign => {
            let p: Assigned = payload(event)?;
            set(
                "UPDATE cases SET state = 'in_progress', handler_user_id = ?1, forwarded_to = coalesce(?2, forwarded_to),
                 forwarded_on = coalesce(?3, forwarded_on) WHERE case_id = ?4",
                &[&p.handler_user_id, &p.forwarded_to, &p.sent_on],
            )
        }
        Step::Suspend => {
            let p: Suspended = payload(event)?;
            set(
                "UPDATE cases SET state = 'suspended', suspended_since = ?1 WHERE case_id = ?2",
                &[&p.since],
            )
        }
        Step::Resume => {
            let p: Resumed = payload(event)?;
            set(
                "UPDATE cases SET state = 'in_progress', suspended_since = NULL, suspended_days = suspended_days + ?1,
                 due_date = coalesce(?2, due_date) WHERE case_id = ?3",
                &[&p.suspended_days, &p.new_due_date],
            )
        }
        Step::Complete => {
            let p: Completed = payload(event)?;
            if p.decision == super::handling::Decision::Approve {
                tolerance::refuse_approval(tx, &case_no, case_id)?;
            }
            set(
                "UPDATE cases SET state = 'completed', result = ?1, result_reason = ?2, completed_on = ?3,
                 completed_at = ?4 WHERE case_id = ?5",
                &[&p.decision.label(), &p.reason, &p.on, &event.ts],
            )
        }
        Step::NotifyPickup => set(
            "UPDATE cases SET state = 'awaiting_pickup' WHERE case_id = ?1",
            &[],
        ),
        Step::Collect => {
            let p: Collected = payload(event)?;
            let who = format!(
                "{}领取：{}（{}）",
                if p.by_proxy { "代领" } else { "本人" },
                p.collector_name,
                applicant::mask::id_number(&p.collector_id_number)
            );
            set("UPDATE cases SET state = 'delivered', delivery = ?1, delivered_at = ?2 WHERE case_id = ?3", &[&who, &event.ts])
        }
        Step::Mail => {
            let p: Mailed = payload(event)?;
            let how = format!("邮寄：{}", p.tracking_no);
            set("UPDATE cases SET state = 'delivered', delivery = ?1, delivered_at = ?2 WHERE case_id = ?3", &[&how, &event.ts])
        }
        Step::Archive => set(
            "UPDATE cases SET state = 'archived', archived_at = ?1 WHERE case_id = ?2",
            &[&event.ts],
        ),
        Step::Return | Step::Withdraw => {
            let p: Closed = payload(event)?;
            set(
                "UPDATE cases SET state = ?1, closed_reason = ?2 WHERE case_id = ?3",
                &[&current.after(step).code(), &p.reason],
            )
        }
        Step::Verify => {
            let p: commitment::Verified = payload(event)?;
            commitment::apply(tx, &case_no, case_id, &p)
        }
        Step::Revoke => {
            let p: commitment::Verified = payload(event)?;
            commitment::apply(tx, &case_no, case_id, &p)?;
            set(
                "UPDATE cases SET state = 'revoked', closed_reason = ?1 WHERE case_id = ?2",
                &[&p.note],
            )
        }
        Step::Supply => {
            let p: tolerance::Supplied = payload(event)?;
            tolerance::apply_supplied(tx, case_id, &event.user_id, &p)
        }
        Step::Extend => {
            let p: Extended = payload(event)?;
            set(
                "UPDATE cases SET due_date = ?1, extension_reason = ?2, extended_by = ?3 WHERE case_id = ?4",
                &[&p.new_due_date, &p.reason, &event.user_id],
            )
        }
    }
}
