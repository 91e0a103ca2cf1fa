//! What the clerk enters for an intake, and how the materials the applicant
//! brought are matched against the matter's list.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::IntakeError;
use crate::applicant::{self, Person};
use crate::catalogue::Matter;

/// Someone applying on the applicant's behalf (代办人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proxy {
    pub person: Person,
    /// How they relate to the applicant (子女, 配偶, 村代办员 …).
    pub relation: String,
}

/// An application as entered at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub matter_code: String,
    pub applicant: Person,
    pub proxy: Option<Proxy>,
    /// The materials brought: 1-based positions in the matter's list, or full names.
    pub provided: Vec<String>,
    /// The clerk's reason when refusing (不予受理).
    pub refusal_reason: Option<String>,
    /// The case number of an earlier notice or refusal this re-submits.
    pub resubmission_of: Option<String>,
    /// 容缺受理 asked for: when every missing required material is 可容缺
    /// (and the center allows it), accept now and have them supplied later.
    #[serde(default)]
    pub tolerate: bool,
    /// 告知承诺制: the materials (positions or full names) the applicant
    /// signs a promise for instead of bringing them.
    #[serde(default)]
    pub promised: Vec<String>,
}

/// The longest refusal reason accepted, in characters.
const MAX_REASON_CHARS: usize = 500;
/// The longest relation (与申请人关系) accepted, in characters.
const MAX_RELATION_CHARS: usize = 50;

/// The longest text each typed field of an application takes, in
/// characters (not bytes): the window shows them as the clerk types, and
/// [`Application::checked`] refuses what is longer.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Limits {
    pub name: usize,
    pub address: usize,
    pub relation: usize,
    pub refusal_reason: usize,
}

pub const LIMITS: Limits = Limits {
    name: applicant::name::MAX_CHARS,
    address: applicant::MAX_ADDRESS_CHARS,
    relation: MAX_RELATION_CHARS,
    refusal_reason: MAX_REASON_CHARS,
};

impl Application {
    /// Checks the people and texts; returns the application as it will be stored.
    pub fn checked(self, matter: &Matter, today: NaiveDate) -> crate::Result<Application> {
        if self.proxy.is_some() && matter.in_person_only {
            return Err(IntakeError::ProxyNotAllowed(matter.name.clone()).into());
        }
        let applicant = self.applicant.checked("申请人姓名", today)?;
        let proxy = match self.proxy {
            Some(p) => Some(Proxy {
                person: p.person.checked("代办人姓名", today)?,
                relation: applicant::text_field(
                    &p.relation,
                    "代办人与申请人关系",
                    MAX_RELATION_CHARS,
                    true,
                )?,
            }),
            None => None,
        };
        let tolerate = self.tolerate && self.refusal_reason.is_none();
        let refusal_reason = match self.refusal_reason {
            Some(r) if r.trim().is_empty() => return Err(IntakeError::RefusalReasonMissing.into()),
            Some(r) => Some(applicant::text_field(
                &r,
                "不予受理理由",
                MAX_REASON_CHARS,
                true,
            )?),
            None => None,
        };
        Ok(Application {
            matter_code: matter.code.clone(),
            applicant,
            proxy,
            provided: self.provided,
            refusal_reason,
            resubmission_of: self.resubmission_of.map(|s| s.trim().to_owned()),
            tolerate,
            promised: self.promised,
        })
    }

    /// Which of the matter's materials were brought, by position.
    pub fn provided_flags(&self, matter: &Matter) -> Result<Vec<bool>, IntakeError> {
        let mut flags = vec![false; matter.materials.len()];
        for given in &self.provided {
            flags[self.material_index(matter, given)?] = true;
        }
        Ok(flags)
    }

    /// The position (0-based) of a material given as its 1-based position
    /// or its full name.
    pub fn material_index(&self, matter: &Matter, given: &str) -> Result<usize, IntakeError> {
        let g = given.trim();
        let count = matter.materials.len();
        g.parse::<usize>()
            .ok()
            .filter(|n| (1..=count).contains(n))
            .map(|n| n - 1)
            .or_else(|| matter.materials.iter().position(|m| m.name == g))
            .ok_or_else(|| IntakeError::UnknownMaterial {
                matter: matter.name.clone(),
                given: given.to_owned(),
                count,
            })
    }
}
