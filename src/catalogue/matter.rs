//! A matter (事项) and the rules every published version must obey:
//! - 承诺时限 (promised) ≤ 法定时限 (statutory), both in working days;
//! - a 即办件 (on-the-spot matter) promises 0 days; every other type at least 1;
//! - a legal basis, at least one material, at least one pickup method;
//! - material names are unique; fees are not negative and have at most two decimals.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::CatalogueError;

/// How a case of this matter is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseType {
    /// Completed at the counter on the spot.
    #[serde(rename = "即办件")]
    OnTheSpot,
    /// Completed within the promised working days.
    #[serde(rename = "承诺件")]
    Promised,
    /// Handled jointly with other departments.
    #[serde(rename = "联办件")]
    Joint,
    /// Forwarded to the county for decision.
    #[serde(rename = "上报件")]
    Forwarded,
}

impl CaseType {
    pub fn label(self) -> &'static str {
        match self {
            CaseType::OnTheSpot => "即办件",
            CaseType::Promised => "承诺件",
            CaseType::Joint => "联办件",
            CaseType::Forwarded => "上报件",
        }
    }
}

/// In what form a material is handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaterialForm {
    #[serde(rename = "原件")]
    Original,
    #[serde(rename = "复印件")]
    Copy,
    /// Original shown for checking, copy kept (核原件收复印件).
    #[serde(rename = "原件及复印件")]
    OriginalAndCopy,
}

impl MaterialForm {
    pub fn label(self) -> &'static str {
        match self {
            MaterialForm::Original => "原件",
            MaterialForm::Copy => "复印件",
            MaterialForm::OriginalAndCopy => "原件及复印件",
        }
    }
}

/// How the applicant receives the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PickupMethod {
    #[serde(rename = "窗口领取")]
    Counter,
    #[serde(rename = "邮寄送达")]
    Mail,
    #[serde(rename = "村代办员送达")]
    VillageAgent,
    #[serde(rename = "短信告知")]
    TextMessage,
}

impl PickupMethod {
    pub fn label(self) -> &'static str {
        match self {
            PickupMethod::Counter => "窗口领取",
            PickupMethod::Mail => "邮寄送达",
            PickupMethod::VillageAgent => "村代办员送达",
            PickupMethod::TextMessage => "短信告知",
        }
    }
}

/// A law or regulation and the article a matter rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub law: String,
    pub article: String,
}

/// A material the applicant must (or may) bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub name: String,
    pub form: MaterialForm,
    pub copies: u32,
    pub required: bool,
    #[serde(default)]
    pub note: String,
}

/// A matter of the catalogue, as one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matter {
    pub code: String,
    pub name: String,
    /// 实施部门
    pub department: String,
    pub case_type: CaseType,
    /// 承诺时限, working days.
    pub promised_days: u32,
    /// 法定时限, working days.
    pub statutory_days: u32,
    #[serde(with = "rust_decimal::serde::str")]
    pub fee: Decimal,
    #[serde(default)]
    pub fee_basis: String,
    /// 本人亲办: no proxy or agent may apply.
    #[serde(default)]
    pub in_person_only: bool,
    pub pickup_methods: Vec<PickupMethod>,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub steps: Vec<String>,
    pub legal_basis: Vec<LegalBasis>,
    pub materials: Vec<Material>,
}

/// The longest time limit accepted, in working days.
pub const MAX_LIMIT_DAYS: u32 = 3650;

impl Matter {
    /// Checks every rule; the first broken one is returned.
    pub fn check(&self) -> Result<(), CatalogueError> {
        let fail = |reason: String| {
            Err(CatalogueError::Rule {
                code: self.code.clone(),
                reason,
            })
        };
        let code_ok = (2..=32).contains(&self.code.len())
            && self
                .code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if !code_ok {
            return fail("事项编码应为 2 到 32 位大写字母、数字或“-”".into());
        }
        if self.name.trim().is_empty() {
            return fail("事项名称不能为空".into());
        }
        if self.department.trim().is_empty() {
            return fail("实施部门不能为空".into());
        }
        if self.statutory_days > MAX_LIMIT_DAYS {
            return fail(format!("法定时限 {} 个工作日超出范围", self.statutory_days));
        }
        if self.promised_days > self.statutory_days {
            return fail(format!(
                "承诺时限 {} 个工作日超过法定时限 {} 个工作日，承诺时限不得超过法定时限",
                self.promised_days, self.statutory_days
            ));
        }
        match self.case_type {
            CaseType::OnTheSpot if self.promised_days != 0 => {
                return fail(format!(
                    "即办件的承诺时限应为 0 个工作日（当场办结），现为 {}",
                    self.promised_days
                ))
            }
            CaseType::Promised | CaseType::Joint | CaseType::Forwarded
                if self.promised_days == 0 =>
            {
                return fail(format!(
                    "{}的承诺时限至少 1 个工作日；当场办结的事项应登记为即办件",
                    self.case_type.label()
                ))
            }
            _ => {}
        }
        if self.fee.is_sign_negative() || self.fee.scale() > 2 {
            return fail(format!(
                "收费标准“{}”不对：不能为负数，最多两位小数",
                self.fee
            ));
        }
        if self.legal_basis.is_empty()
            || self
                .legal_basis
                .iter()
                .any(|b| b.law.trim().is_empty() || b.article.trim().is_empty())
        {
            return fail("至少需要一条设定依据，且每条都要写明法规名称和条款".into());
        }
        if self.materials.is_empty() {
            return fail("至少需要一项申请材料".into());
        }
        let mut names = std::collections::HashSet::new();
        for m in &self.materials {
            if m.name.trim().is_empty() {
                return fail("申请材料名称不能为空".into());
            }
            if !names.insert(m.name.trim()) {
                return fail(format!("申请材料“{}”重复", m.name));
            }
            if m.copies == 0 {
                return fail(format!("申请材料“{}”的份数至少为 1", m.name));
            }
        }
        if self.pickup_methods.is_empty() {
            return fail("至少需要一种结果领取方式".into());
        }
        Ok(())
    }

    /// The legal basis as one line, as printed on notices.
    pub fn legal_basis_text(&self) -> String {
        self.legal_basis
            .iter()
            .map(|b| format!("{}{}", b.law, b.article))
            .collect::<Vec<_>>()
            .join("；")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(case_type: CaseType, promised: u32, statutory: u32) -> Matter {
        Matter {
            code: "MZ-099".into(),
            name: "测试事项".into(),
            department: "县民政局".into(),
            case_type,
            promised_days: promised,
            statutory_days: statutory,
            fee: Decimal::ZERO,
            fee_basis: "不收费".into(),
            in_person_only: false,
            pickup_methods: vec![PickupMethod::Counter],
            conditions: String::new(),
            steps: vec![],
            legal_basis: vec![LegalBasis {
                law: "《社会救助暂行办法》".into(),
                article: "第十一条".into(),
            }],
            materials: vec![
                Material {
                    name: "居民身份证".into(),
                    form: MaterialForm::OriginalAndCopy,
                    copies: 1,
                    required: true,
                    note: String::new(),
                },
                Material {
                    name: "户口簿".into(),
                    form: MaterialForm::Copy,
                    copies: 1,
                    required: true,
                    note: String::new(),
                },
                Material {
                    name: "其他证明".into(),
                    form: MaterialForm::Copy,
                    copies: 1,
                    required: false,
                    note: String::new(),
                },
            ],
        }
    }

    fn reason(m: &Matter) -> String {
        m.check().unwrap_err().to_string()
    }

    #[test]
    fn promised_may_not_exceed_statutory() {
        assert!(sample(CaseType::Promised, 20, 20).check().is_ok());
        let msg = reason(&sample(CaseType::Promised, 21, 20));
        assert!(msg.contains("不得超过法定时限"), "{msg}");
    }

    #[test]
    fn on_the_spot_matters_promise_zero_days() {
        assert!(sample(CaseType::OnTheSpot, 0, 0).check().is_ok());
        assert!(sample(CaseType::OnTheSpot, 0, 5).check().is_ok());
        assert!(reason(&sample(CaseType::OnTheSpot, 1, 5)).contains("即办件"));
    }

    #[test]
    fn every_other_type_needs_at_least_one_working_day() {
        for t in [CaseType::Promised, CaseType::Joint, CaseType::Forwarded] {
            assert!(
                reason(&sample(t, 0, 5)).contains("至少 1 个工作日"),
                "{t:?}"
            );
            assert!(sample(t, 1, 5).check().is_ok());
        }
    }

    #[test]
    fn other_rules() {
        let mut m = sample(CaseType::Promised, 5, 10);
        m.fee = Decimal::new(-1, 0);
        assert!(reason(&m).contains("收费"));
        m.fee = Decimal::new(1001, 3);
        assert!(reason(&m).contains("两位小数"));
        let mut m = sample(CaseType::Promised, 5, 10);
        m.legal_basis.clear();
        assert!(reason(&m).contains("设定依据"));
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials[1].name = "居民身份证".into();
        assert!(reason(&m).contains("重复"));
        let mut m = sample(CaseType::Promised, 5, 10);
        m.pickup_methods.clear();
        assert!(reason(&m).contains("领取方式"));
        let mut m = sample(CaseType::Promised, 5, 10);
        m.code = "mz 1".into();
        assert!(reason(&m).contains("编码"));
    }
}
