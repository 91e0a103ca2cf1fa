//! Everything a document prints about a case, gathered from the case, the
//! matter version it was taken under, this device, the center profile and
//! the calendar — so each document file only lays out, never queries.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{Connection, OptionalExtension};

use super::layout::{render, Page, Rendered};
use super::DocumentError;
use crate::applicant::{mask, IdType};
use crate::calendar::schedule;
use crate::catalogue::versions;
use crate::center::{self, CenterProfile};
use crate::intake::lookup::{self, MaterialLine};
use crate::intake::Outcome;
use crate::store::device;

/// The facts a document prints.
#[derive(Debug, Clone)]
pub struct Facts {
    pub case_id: String,
    pub case_no: String,
    pub query_code: String,
    pub outcome: Outcome,
    pub center_name: String,
    pub device_code: String,
    pub profile: CenterProfile,
    pub matter_name: String,
    pub department: String,
    pub legal_basis: String,
    pub pickup_methods: Vec<&'static str>,
    pub promised_days: i64,
    pub applicant_name: String,
    pub applicant_id_type: &'static str,
    pub applicant_id_number: String,
    pub proxy: Option<(String, String)>,
    pub received_at: DateTime<FixedOffset>,
    pub received_on: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// "（按暂定节假日计算）" while the due date crosses a provisional year.
    pub due_note: Option<&'static str>,
    pub clerk_staff_no: String,
    pub materials: Vec<MaterialLine>,
    pub refusal_reason: Option<String>,
    /// The last day to supply missing materials, when the calendar has it.
    pub supply_by: Option<NaiveDate>,
    pub printed_at: DateTime<FixedOffset>,
    /// 1 for the first print; 2 and up are reprints (补打).
    pub copy: u32,
    pub printed_by_staff_no: String,
    /// A village agent's case (代办受理): the agent and laptop, and — once
    /// the center confirmed its bag — the center's acceptance day.
    pub agent: Option<AgentFacts>,
    /// 告知承诺制: each material promised instead of brought, with the
    /// text of the promise from the case's matter version.
    pub promises: Vec<(String, String)>,
    /// 告知承诺制: the day the 核查 is due while it is open.
    pub verify_due: Option<NaiveDate>,
    /// 撤销 after a 核查 found the promise false: the day and the reason.
    pub revoked: Option<(NaiveDate, String)>,
    /// 一件事: the bundle the case was taken in with.
    pub bundle: Option<super::bundle_papers::BundleFacts>,
}

/// What a document says about a village agent's case.
#[derive(Debug, Clone)]
pub struct AgentFacts {
    pub agent_name: String,
    pub agent_device: String,
    pub accepted_on: Option<NaiveDate>,
    pub bag_no: Option<String>,
}

impl Facts {
    /// The due date as printed: 2027年1月8日, with the provisional note.
    pub fn due_text(&self) -> Option<String> {
        self.due_date
            .map(|d| format!("{}{}", chinese_date(d), self.due_note.unwrap_or("")))
    }

    /// The missing required materials (for a one-time notice), in catalogue order.
    pub fn missing(&self) -> Vec<&MaterialLine> {
        self.materials
            .iter()
            .filter(|m| m.required && !m.provided)
            .collect()
    }

    /// The 容缺 materials to be supplied after acceptance, in catalogue order.
    pub fn tolerated(&self) -> Vec<&MaterialLine> {
        self.materials
            .iter()
            .filter(|m| m.tolerated_until.is_some())
            .collect()
    }

    /// The materials handed in.
    pub fn received(&self) -> Vec<&MaterialLine> {
        self.materials.iter().filter(|m| m.provided).collect()
    }

    pub fn masked_name(&self) -> String {
        mask::name(&self.applicant_name)
    }

    pub fn masked_id(&self) -> String {
        mask::id_number(&self.applicant_id_number)
    }

    /// "补打（第 N 次）" on a reprint.
    pub fn reprint_mark(&self) -> Option<String> {
        (self.copy > 1).then(|| format!("补打（第 {} 次）", self.copy - 1))
    }

    /// Renders finished pages as this case's PDF titled "{title} {case_no}".
    pub fn pdf(&self, title: &str, pages: &[Page]) -> Result<Rendered, DocumentError> {
        render(
            pages,
            &format!("{title} {}", self.case_no),
            &self.matter_name,
            &self.center_name,
            self.printed_at,
        )
    }

    /// 原件及复印件，1 份
    pub fn requirement(m: &MaterialLine) -> String {
        format!("{}，{} 份", m.form, m.copies)
    }
}

/// 2026年10月13日
pub fn chinese_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// 2026年11月23日 09:30
pub fn chinese_datetime(t: DateTime<FixedOffset>) -> String {
    t.format("%Y年%-m月%-d日 %H:%M").to_string()
}

/// "—" for an unset value.
pub fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() {
        "—"
    } else {
        s
    }
}

/// Gathers the facts of a case as of `now`.
pub fn gather(
    conn: &Connection,
    case_no: &str,
    now: DateTime<FixedOffset>,
) -> crate::Result<Facts> {
    let d = lookup::detail_unmasked(conn, case_no)?;
    let matter = versions::version(conn, &d.summary.matter_code, d.matter_version)?;
    let dev = device::load(conn)?;
    let profile = center::load(conn)?;
    let received_at = DateTime::parse_from_rfc3339(&d.summary.received_at).unwrap_or(now);
    let bundle = match &d.bundle {
        Some(standing) => Some(super::bundle_papers::BundleFacts {
            missing: crate::intake::bundle::missing(conn, &standing.id)?,
            due_texts: standing
                .cases
                .iter()
                .filter_map(|c| c.due_date.map(|due| (c.case_no.clone(), chinese_date(due))))
                .collect(),
            standing: standing.clone(),
        }),
        None => None,
    };
    // A notice, or a bundle with a notice among its cases, says by when.
    let tells_missing = d.summary.outcome == Outcome::Notice
        || bundle.as_ref().is_some_and(|b| !b.missing.is_empty());
    let supply_by = if tells_missing {
        schedule::load(conn)?
            .add_working_days(d.summary.received_on, i64::from(profile.supply_days))
            .ok()
    } else {
        None
    };
    let agent = agent_facts(conn, &d.summary.case_id)?;
    let promises = d
        .materials
        .iter()
        .filter(|m| m.promised)
        .map(|m| {
            let text = matter
                .materials
                .iter()
                .find(|x| x.name == m.name)
                .and_then(|x| x.commitment.clone())
                .unwrap_or_default();
            (m.name.clone(), text)
        })
        .collect();
    let revoked = match (d.summary.state.as_str(), d.verified_on) {
        ("revoked", Some(on)) => Some((on, d.closed_reason.clone().unwrap_or_default())),
        _ => None,
    };
    let id_type = IdType::ALL
        .into_iter()
        .find(|t| t.code() == d.applicant_id_type)
        .map(IdType::label)
        .unwrap_or("证件");
    Ok(Facts {
        case_id: d.summary.case_id.clone(),
        case_no: d.summary.case_no.clone(),
        query_code: d.summary.query_code.clone(),
        outcome: d.summary.outcome,
        center_name: profile.name.clone(),
        device_code: dev.device_code,
        profile,
        matter_name: d.summary.matter_name.clone(),
        department: matter.department.clone(),
        legal_basis: d.legal_basis.clone(),
        pickup_methods: matter.pickup_methods.iter().map(|p| p.label()).collect(),
        promised_days: d.promised_days,
        applicant_name: d.summary.applicant_name.clone(),
        applicant_id_type: id_type,
        applicant_id_number: d.summary.applicant_id_number.clone(),
        proxy: d
            .proxy_name
            .clone()
            .map(|n| (n, d.proxy_relation.clone().unwrap_or_default())),
        received_at,
        received_on: d.summary.received_on,
        due_date: d.summary.due_date,
        due_note: d.summary.due_note,
        clerk_staff_no: d.clerk_staff_no.clone(),
        materials: d.materials.clone(),
        refusal_reason: d.refusal_reason.clone(),
        supply_by,
        printed_at: now,
        copy: 1,
        printed_by_staff_no: d.clerk_staff_no,
        agent,
        promises,
        verify_due: d.verify_due,
        revoked,
        bundle,
    })
}

fn agent_facts(conn: &Connection, case_id: &str) -> crate::Result<Option<AgentFacts>> {
    let row = conn
        .prepare_cached(
            "SELECT u.display_name, c.device_id, c.accepted_on, c.bag_no
             FROM cases c JOIN users u ON u.user_id = c.agent_user_id WHERE c.case_id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })
        .optional()
        .map_err(crate::store::StoreError::from)?;
    let Some((agent_name, device_id, accepted_on, bag_no)) = row else {
        return Ok(None);
    };
    let agent_device = conn
        .prepare_cached("SELECT device_code FROM devices WHERE device_id = ?1")?
        .query_row([&device_id], |r| r.get(0))
        .optional()
        .map_err(crate::store::StoreError::from)?
        .or_else(|| {
            device::load(conn)
                .ok()
                .filter(|d| d.device_id == device_id)
                .map(|d| d.device_code)
        })
        .unwrap_or_else(|| "代办电脑".to_owned());
    Ok(Some(AgentFacts {
        agent_name,
        agent_device,
        accepted_on,
        bag_no,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_chinese_form_without_leading_zeros() {
        assert_eq!(
            chinese_date(NaiveDate::from_ymd_opt(2026, 10, 13).unwrap()),
            "2026年10月13日"
        );
        assert_eq!(
            chinese_date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
            "2026年1月5日"
        );
    }
}
