//! The intake decision. Exactly one outcome per application:
//! 1. 不予受理 when the clerk refuses (a reason is required);
//! 2. else 一次性告知 when any required material is missing — listing ALL
//!    missing required materials, never a subset — unless the clerk asked
//!    for 容缺受理 and every missing one is 可容缺 ([`super::tolerance`]):
//!    then 受理, with those materials to be supplied later;
//! 3. else 即办 for an on-the-spot matter (completed at the counter);
//! 4. else 受理 (accepted; due date from the promised limit).

use serde::{Deserialize, Serialize};

use super::IntakeError;
use crate::catalogue::{CaseType, Matter};

/// The outcome of an intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 即办: completed on the spot.
    OnTheSpot,
    /// 受理: accepted, due on the promised date.
    Accepted,
    /// 一次性告知: materials missing, all listed at once.
    Notice,
    /// 不予受理: refused with a reason and the legal basis.
    Refused,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::OnTheSpot => "on_the_spot",
            Outcome::Accepted => "accepted",
            Outcome::Notice => "notice",
            Outcome::Refused => "refused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::OnTheSpot => "即办",
            Outcome::Accepted => "受理",
            Outcome::Notice => "一次性告知",
            Outcome::Refused => "不予受理",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::OnTheSpot,
            Outcome::Accepted,
            Outcome::Notice,
            Outcome::Refused,
        ]
        .into_iter()
        .find(|o| o.code() == s)
    }

    /// The state a case starts in after this outcome.
    pub fn initial_state(self) -> &'static str {
        match self {
            Outcome::OnTheSpot => "completed",
            Outcome::Accepted => "accepted",
            Outcome::Notice => "noticed",
            Outcome::Refused => "refused",
        }
    }
}

/// The decision and, for a notice, the positions of every missing required
/// material; for a 容缺受理, the positions of the materials to be supplied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub missing: Vec<usize>,
    pub tolerated: Vec<usize>,
}

/// Decides an intake. `provided[i]` says whether material `i` of the matter
/// was brought; `refusal` is the clerk's reason when refusing; `tolerate`
/// says the clerk asked for 容缺受理 (the center allowing it is checked by
/// the caller).
pub fn decide(
    matter: &Matter,
    provided: &[bool],
    refusal: Option<&str>,
    tolerate: bool,
) -> Result<Decision, IntakeError> {
    if let Some(reason) = refusal {
        if reason.trim().is_empty() {
            return Err(IntakeError::RefusalReasonMissing);
        }
        return Ok(Decision {
            outcome: Outcome::Refused,
            missing: Vec::new(),
            tolerated: Vec::new(),
        });
    }
    let missing: Vec<usize> = matter
        .materials
        .iter()
        .enumerate()
        .filter(|(i, m)| m.required && !provided.get(*i).copied().unwrap_or(false))
        .map(|(i, _)| i)
        .collect();
    if tolerate && super::tolerance::may_tolerate(matter, &missing) {
        return Ok(Decision {
            outcome: Outcome::Accepted,
            missing: Vec::new(),
            tolerated: missing,
        });
    }
    let outcome = if !missing.is_empty() {
        Outcome::Notice
    } else if matter.case_type == CaseType::OnTheSpot {
        Outcome::OnTheSpot
    } else {
        Outcome::Accepted
    };
    Ok(Decision {
        outcome,
        missing,
        tolerated: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::matter::tests::sample;

    #[test]
    fn all_required_materials_on_a_promised_matter_is_accepted() {
        let m = sample(CaseType::Promised, 5, 10);
        let d = decide(&m, &[true, true, false], None, false).unwrap();
        assert_eq!(
            d,
            Decision {
                outcome: Outcome::Accepted,
                missing: vec![],
                tolerated: vec![]
            }
        );
    }

    #[test]
    fn all_required_materials_on_an_on_the_spot_matter_is_completed() {
        let m = sample(CaseType::OnTheSpot, 0, 0);
        assert_eq!(
            decide(&m, &[true, true, true], None, false)
                .unwrap()
                .outcome,
            Outcome::OnTheSpot
        );
    }

    #[test]
    fn the_notice_lists_every_missing_required_material_and_no_optional_one() {
        let m = sample(CaseType::Promised, 5, 10);
        let d = decide(&m, &[false, false, false], None, false).unwrap();
        assert_eq!(
            d,
            Decision {
                outcome: Outcome::Notice,
                missing: vec![0, 1],
                tolerated: vec![]
            }
        );
        let d = decide(&m, &[true, false, true], None, false).unwrap();
        assert_eq!(d.missing, vec![1]);
        // An on-the-spot matter with missing materials is a notice too.
        let m = sample(CaseType::OnTheSpot, 0, 0);
        assert_eq!(decide(&m, &[], None, false).unwrap().missing, vec![0, 1]);
    }

    #[test]
    fn a_refusal_needs_a_reason_and_wins_over_missing_materials() {
        let m = sample(CaseType::Promised, 5, 10);
        assert_eq!(
            decide(&m, &[], Some("  "), false),
            Err(IntakeError::RefusalReasonMissing)
        );
        let d = decide(&m, &[], Some("不属于本中心受理范围"), true).unwrap();
        assert_eq!(d.outcome, Outcome::Refused);
    }

    #[test]
    fn tolerance_accepts_only_when_every_missing_material_is_tolerable() {
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials[0].core = true;
        m.materials[1].tolerance_days = Some(5);
        // Only the tolerable 户口簿 missing: 容缺受理 when asked, a notice otherwise.
        let d = decide(&m, &[true, false, false], None, true).unwrap();
        assert_eq!(
            d,
            Decision {
                outcome: Outcome::Accepted,
                missing: vec![],
                tolerated: vec![1]
            }
        );
        let d = decide(&m, &[true, false, false], None, false).unwrap();
        assert_eq!(d.outcome, Outcome::Notice);
        // The core ID card missing too: still a notice, listing everything missing.
        let d = decide(&m, &[false, false, false], None, true).unwrap();
        assert_eq!(
            d,
            Decision {
                outcome: Outcome::Notice,
                missing: vec![0, 1],
                tolerated: vec![]
            }
        );
        // Nothing missing: a plain acceptance, nothing to supply.
        let d = decide(&m, &[true, true, false], None, true).unwrap();
        assert_eq!(d.tolerated, Vec::<usize>::new());
        assert_eq!(d.outcome, Outcome::Accepted);
    }
}
