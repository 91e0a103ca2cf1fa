//! 一事一袋: a case a village agent took in offline arrives at the center
//! with its paper materials in a numbered bag. A clerk at the center
//! confirms the bag number; only then is the case 已受理 at the center, and
//! the promised clock starts that day (the village intake day stays on the
//! case as `received_on`, the center's day is `accepted_on`).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::handling::{act, StepDone};
use super::{LifecycleError, Step};
use crate::auth::Session;
use crate::calendar::schedule;
use crate::catalogue::versions;
use crate::store::device::{self, DeviceRole};
use crate::store::Store;

/// Payload of `case.bag_confirmed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BagConfirmed {
    pub bag_no: String,
    pub accepted_on: NaiveDate,
    pub due_date: NaiveDate,
}

/// Confirms the bag of a village agent's case at the center.
pub fn confirm(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    case_no: &str,
    bag_no: &str,
) -> crate::Result<StepDone> {
    if device::load(store.conn())?.role == DeviceRole::Agent {
        return Err(LifecycleError::BagAtAgentDevice.into());
    }
    let bag_no = bag_no.trim();
    if bag_no.is_empty() {
        return Err(LifecycleError::Missing("材料袋编号").into());
    }
    let bag_no = crate::applicant::text_field(bag_no, "材料袋编号", 40, false)?;
    act(store, session, now, case_no, Step::ConfirmBag, |tx, row| {
        let matter = versions::version(tx, &row.matter_code, row.matter_version)?;
        let today = now.date_naive();
        let due_date = schedule::load(tx)?.due_date(today, i64::from(matter.promised_days), 0)?;
        Ok(BagConfirmed {
            bag_no,
            accepted_on: today,
            due_date,
        })
    })
}
