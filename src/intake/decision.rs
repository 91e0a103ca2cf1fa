//! The intake decision. Exactly one outcome per application:
//! 1. 不予受理 when the clerk refuses (a reason is required);
//! 2. else 一次性告知 when any required material is missing — listing ALL
//!    missing required materials, never a subset;
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

/// The decision and, for a notice, the positions of every missing required material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub missing: Vec<usize>,
}

/// Decides an intake. `provided[i]` says whether material `i` of the matter
/// was brought; `refusal` is the clerk's reason when refusing.
pub fn decide(
    matter: &Matter,
    provided: &[bool],
    refusal: Option<&str>,
) -> Result<Decision, IntakeError> {
    if let Some(reason) = refusal {
        if reason.trim().is_empty() {
            return Err(IntakeError::RefusalReasonMissing);
        }
        return Ok(Decision {
            outcome: Outcome::Refused,
            missing: Vec::new(),
        });
    }
    let missing: Vec<usize> = matter
        .materials
        .iter()
        .enumerate()
        .filter(|(i, m)| m.required && !provided.get(*i).copied().unwrap_or(false))
        .map(|(i, _)| i)
        .collect();
    let outcome = if !missing.is_empty() {
        Outcome::Notice
    } else if matter.case_type == CaseType::OnTheSpot {
        Outcome::OnTheSpot
    } else {
        Outcome::Accepted
    };
    Ok(Decision { outcome, missing })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::matter::tests::sample;

    #[test]
    fn all_required_materials_on_a_promised_matter_is_accepted() {
        let m = sample(CaseType::Promised, 5, 10);
        let d = decide(&m, &[true, true, false], None).unwrap();
        assert_eq!(
            d,
            Decision {
                outcome: Outcome::Accepted,
                missing: vec![]
            }
        );
    }

    #[test]
    fn all_required_materials_on_an_on_the_spot_matter_is_completed() {
        let m = sample(CaseType::OnTheSpot, 0, 0);
        assert_eq!(
            decide(&m, &[true, true, true], None).unwrap().outcome,
            Outcome::OnTheSpot
        );
    }

    #[test]
    fn the_notice_lists_every_missing_required_material_and_no_optional_one() {
        let m = sample(CaseType::Promised, 5, 10);
        let d = decide(&m, &[false, false, false], None).unwrap();
        assert_eq!(
            d,
            Decision {
                outcome: Outcome::Notice,
                missing: vec![0, 1]
            }
        );
        let d = decide(&m, &[true, false, true], None).unwrap();
        assert_eq!(d.missing, vec![1]);
        // An on-the-spot matter with missing materials is a notice too.
        let m = sample(CaseType::OnTheSpot, 0, 0);
        assert_eq!(decide(&m, &[], None).unwrap().missing, vec![0, 1]);
    }

    #[test]
    fn a_refusal_needs_a_reason_and_wins_over_missing_materials() {
        let m = sample(CaseType::Promised, 5, 10);
        assert_eq!(
            decide(&m, &[], Some("  ")),
            Err(IntakeError::RefusalReasonMissing)
        );
        let d = decide(&m, &[], Some("不属于本中心受理范围")).unwrap();
        assert_eq!(d.outcome, Outcome::Refused);
    }
}
