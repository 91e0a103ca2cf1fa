//! A matter (事项) and the rules every published version must obey:
//! - 承诺时限 (promised) ≤ 法定时限 (statutory), both in working days;
//! - a 即办件 (on-the-spot matter) promises 0 days; every other type at least 1;
//! - a legal basis, at least one material, at least one pickup method;
//! - material names are unique; fees are not negative and have at most two decimals;
//! - the national codes of a province's 实施清单, when given, have their form:
//!   基本编码 12 characters, 实施编码 up to 36, 业务办理项编码 up to 50.
//!
//! A broken rule names the field it concerns ([`Field`]), so the window
//! shows the message beside that field.

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
    pub const ALL: [CaseType; 4] = [
        CaseType::OnTheSpot,
        CaseType::Promised,
        CaseType::Joint,
        CaseType::Forwarded,
    ];

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
    pub const ALL: [MaterialForm; 3] = [
        MaterialForm::Original,
        MaterialForm::Copy,
        MaterialForm::OriginalAndCopy,
    ];

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
    pub const ALL: [PickupMethod; 4] = [
        PickupMethod::Counter,
        PickupMethod::Mail,
        PickupMethod::VillageAgent,
        PickupMethod::TextMessage,
    ];

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
    /// 核心材料: what the matter cannot be decided without (the applicant's
    /// ID, the application form); never 可容缺.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub core: bool,
    /// 可容缺: a required secondary material that may be supplied after
    /// acceptance (容缺受理), within this many working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_days: Option<u32>,
    /// 可告知承诺: the applicant may sign this promise instead of bringing
    /// the material (告知承诺制); the case is then checked (核查) later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
}

/// The longest commitment text of a material, in characters.
pub const MAX_COMMITMENT_CHARS: usize = 500;
/// The longest time a 核查 may be given, in working days.
pub const MAX_VERIFY_DAYS: u32 = 90;

impl Material {
    /// What the intake form says a material is: 必交 (核心材料, 可容缺 with
    /// its time, or 可告知承诺) or 选交.
    pub fn requirement(&self) -> String {
        match (
            self.required,
            self.core,
            self.tolerance_days,
            &self.commitment,
        ) {
            (false, ..) => "选交".into(),
            (true, true, ..) => "必交（核心材料）".into(),
            (true, false, Some(days), _) => format!("必交，可容缺（{days} 个工作日内补齐）"),
            (true, false, None, Some(_)) => "必交，可告知承诺".into(),
            (true, false, None, None) => "必交".into(),
        }
    }
}

/// The longest time a 容缺 material may be given to be supplied, in working days.
pub const MAX_TOLERANCE_DAYS: u32 = 60;

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
    /// 告知承诺制: a case taken in on a commitment is checked (核查) within
    /// this many working days of its acceptance; required when a material
    /// is 可告知承诺.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_days: Option<u32>,
    /// 基本编码 of the national basic list (12 characters), when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basic_code: String,
    /// 实施编码 of the province's 实施清单 (up to 36 characters).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub implementation_code: String,
    /// 业务办理项编码 (up to 50 characters).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub handling_item_code: String,
}

/// The words a matter's form offers for its choices, in the core's order:
/// what a case type, a material's form and a pickup method may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choices {
    pub case_types: Vec<&'static str>,
    pub forms: Vec<&'static str>,
    pub pickup_methods: Vec<&'static str>,
    /// The longest national codes: 基本编码, 实施编码, 业务办理项编码.
    pub code_lengths: [usize; 3],
}

/// The choices of a matter's form.
pub fn choices() -> Choices {
    Choices {
        case_types: CaseType::ALL.iter().map(|t| t.label()).collect(),
        forms: MaterialForm::ALL.iter().map(|f| f.label()).collect(),
        pickup_methods: PickupMethod::ALL.iter().map(|p| p.label()).collect(),
        code_lengths: [
            BASIC_CODE_LEN,
            IMPLEMENTATION_CODE_MAX,
            HANDLING_ITEM_CODE_MAX,
        ],
    }
}

/// The field of a matter a rule concerns, by its name in the catalogue file.
pub type Field = &'static str;

/// The length of a 基本编码.
pub const BASIC_CODE_LEN: usize = 12;
/// The longest 实施编码.
pub const IMPLEMENTATION_CODE_MAX: usize = 36;
/// The longest 业务办理项编码.
pub const HANDLING_ITEM_CODE_MAX: usize = 50;

/// Whether a national code is made of digits, capital letters and "-" only.
fn national_chars(code: &str) -> bool {
    code.bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether a catalogue code (of a matter or a 一件事) has its form: 2 to 32
/// capital letters, digits or "-".
pub fn code_ok(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// The longest time limit accepted, in working days.
pub const MAX_LIMIT_DAYS: u32 = 3650;

impl Matter {
    /// A matter from the window's form, as JSON: a number or a fee that is
    /// not one is refused by its field in Chinese (not by the decoder's
    /// English), then every rule is checked.
    pub fn from_form(mut form: serde_json::Value) -> Result<Matter, CatalogueError> {
        let code = form
            .get("code")
            .and_then(|c| c.as_str())
            .unwrap_or_default()
            .to_owned();
        let fail = |field: Field, reason: String| CatalogueError::Rule {
            code: code.clone(),
            field,
            reason,
        };
        let whole = |field: Field, label: &str, v: Option<&serde_json::Value>| match v
            .and_then(|v| v.as_u64())
        {
            Some(n) if n <= u64::from(u32::MAX) => Ok(()),
            _ => Err(fail(field, format!("{label}应填写不小于 0 的整数"))),
        };
        whole("promised_days", "承诺时限", form.get("promised_days"))?;
        whole("statutory_days", "法定时限", form.get("statutory_days"))?;
        if let Some(days) = form.get("verify_days").filter(|d| !d.is_null()) {
            whole("verify_days", "核查期限", Some(days))?;
        }
        let typed = form.get("fee").and_then(|f| f.as_str()).unwrap_or_default();
        let fee: Decimal = typed
            .trim()
            .parse()
            .map_err(|_| fail("fee", format!("收费标准“{typed}”不是金额，不收费请填 0")))?;
        form["fee"] = serde_json::Value::String(fee.to_string());
        if let Some(materials) = form.get("materials").and_then(|m| m.as_array()) {
            for m in materials {
                let name = m.get("name").and_then(|n| n.as_str()).unwrap_or_default();
                whole(
                    "materials",
                    &format!("申请材料“{name}”的份数"),
                    m.get("copies"),
                )?;
                if let Some(days) = m.get("tolerance_days").filter(|d| !d.is_null()) {
                    whole(
                        "materials",
                        &format!("申请材料“{name}”的容缺补齐期限"),
                        Some(days),
                    )?;
                }
            }
        }
        let matter: Matter = serde_json::from_value(form)
            .map_err(|e| fail("code", format!("表单内容不完整（{e}）")))?;
        matter.check()?;
        Ok(matter)
    }

    /// Checks every rule; the first broken one is returned.
    pub fn check(&self) -> Result<(), CatalogueError> {
        let fail = |field: Field, reason: String| {
            Err(CatalogueError::Rule {
                code: self.code.clone(),
                field,
                reason,
            })
        };
        if !code_ok(&self.code) {
            return fail("code", "事项编码应为 2 到 32 位大写字母、数字或“-”".into());
        }
        if self.name.trim().is_empty() {
            return fail("name", "事项名称不能为空".into());
        }
        if self.department.trim().is_empty() {
            return fail("department", "实施部门不能为空".into());
        }
        if self.statutory_days > MAX_LIMIT_DAYS {
            return fail(
                "statutory_days",
                format!("法定时限 {} 个工作日超出范围", self.statutory_days),
            );
        }
        if self.promised_days > self.statutory_days {
            return fail(
                "promised_days",
                format!(
                    "承诺时限 {} 个工作日超过法定时限 {} 个工作日，承诺时限不得超过法定时限",
                    self.promised_days, self.statutory_days
                ),
            );
        }
        match self.case_type {
            CaseType::OnTheSpot if self.promised_days != 0 => {
                return fail(
                    "promised_days",
                    format!(
                        "即办件的承诺时限应为 0 个工作日（当场办结），现为 {}",
                        self.promised_days
                    ),
                )
            }
            CaseType::Promised | CaseType::Joint | CaseType::Forwarded
                if self.promised_days == 0 =>
            {
                return fail(
                    "promised_days",
                    format!(
                        "{}的承诺时限至少 1 个工作日；当场办结的事项应登记为即办件",
                        self.case_type.label()
                    ),
                )
            }
            _ => {}
        }
        if self.fee.is_sign_negative() || self.fee.scale() > 2 {
            return fail(
                "fee",
                format!("收费标准“{}”不对：不能为负数，最多两位小数", self.fee),
            );
        }
        if self.legal_basis.is_empty()
            || self
                .legal_basis
                .iter()
                .any(|b| b.law.trim().is_empty() || b.article.trim().is_empty())
        {
            return fail(
                "legal_basis",
                "至少需要一条设定依据，且每条都要写明法规名称和条款".into(),
            );
        }
        if self.materials.is_empty() {
            return fail("materials", "至少需要一项申请材料".into());
        }
        let mut names = std::collections::HashSet::new();
        for m in &self.materials {
            if m.name.trim().is_empty() {
                return fail("materials", "申请材料名称不能为空".into());
            }
            if !names.insert(m.name.trim()) {
                return fail("materials", format!("申请材料“{}”重复", m.name));
            }
            if m.copies == 0 {
                return fail("materials", format!("申请材料“{}”的份数至少为 1", m.name));
            }
            if let Some(text) = &m.commitment {
                let chars = text.trim().chars().count();
                if chars == 0 || chars > MAX_COMMITMENT_CHARS {
                    return fail(
                        "materials",
                        format!(
                            "申请材料“{}”的承诺内容应为 1 到 {MAX_COMMITMENT_CHARS} 个字",
                            m.name
                        ),
                    );
                }
                if m.tolerance_days.is_some() {
                    return fail(
                        "materials",
                        format!("申请材料“{}”不能既可容缺又可告知承诺", m.name),
                    );
                }
            }
            if let Some(days) = m.tolerance_days {
                if self.case_type == CaseType::OnTheSpot {
                    return fail(
                        "materials",
                        format!("即办件当场办结，申请材料“{}”不能设为可容缺", m.name),
                    );
                }
                if m.core {
                    return fail(
                        "materials",
                        format!("申请材料“{}”是核心材料，核心材料不能容缺", m.name),
                    );
                }
                if !m.required {
                    return fail(
                        "materials",
                        format!("申请材料“{}”是选交材料，无须设为可容缺", m.name),
                    );
                }
                if !(1..=MAX_TOLERANCE_DAYS).contains(&days) {
                    return fail(
                        "materials",
                        format!(
                            "申请材料“{}”的容缺补齐期限应为 1 到 {MAX_TOLERANCE_DAYS} 个工作日，现为 {days}",
                            m.name
                        ),
                    );
                }
            }
        }
        let promisable = self.materials.iter().any(|m| m.commitment.is_some());
        match self.verify_days {
            None if promisable => {
                return fail(
                    "verify_days",
                    "有可告知承诺的材料时，须填写核查期限（工作日）".into(),
                )
            }
            Some(d) if !(1..=MAX_VERIFY_DAYS).contains(&d) => {
                return fail(
                    "verify_days",
                    format!("核查期限应为 1 到 {MAX_VERIFY_DAYS} 个工作日，现为 {d}"),
                )
            }
            _ => {}
        }
        if self.pickup_methods.is_empty() {
            return fail("pickup_methods", "至少需要一种结果领取方式".into());
        }
        let basic = &self.basic_code;
        if !basic.is_empty() && (basic.len() != BASIC_CODE_LEN || !national_chars(basic)) {
            return fail(
                "basic_code",
                format!("基本编码应为 {BASIC_CODE_LEN} 位数字或大写字母，现为“{basic}”"),
            );
        }
        let implementation = &self.implementation_code;
        if !implementation.is_empty()
            && (implementation.len() > IMPLEMENTATION_CODE_MAX || !national_chars(implementation))
        {
            return fail(
                "implementation_code",
                format!(
                    "实施编码最多 {IMPLEMENTATION_CODE_MAX} 位数字、大写字母或“-”，现为“{implementation}”"
                ),
            );
        }
        let item = &self.handling_item_code;
        if !item.is_empty() && (item.len() > HANDLING_ITEM_CODE_MAX || !national_chars(item)) {
            return fail(
                "handling_item_code",
                format!("业务办理项编码最多 {HANDLING_ITEM_CODE_MAX} 位数字、大写字母或“-”，现为“{item}”"),
            );
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
                    core: false,
                    tolerance_days: None,
                    commitment: None,
                },
                Material {
                    name: "户口簿".into(),
                    form: MaterialForm::Copy,
                    copies: 1,
                    required: true,
                    note: String::new(),
                    core: false,
                    tolerance_days: None,
                    commitment: None,
                },
                Material {
                    name: "其他证明".into(),
                    form: MaterialForm::Copy,
                    copies: 1,
                    required: false,
                    note: String::new(),
                    core: false,
                    tolerance_days: None,
                    commitment: None,
                },
            ],
            verify_days: None,
            basic_code: String::new(),
            implementation_code: String::new(),
            handling_item_code: String::new(),
        }
    }

    #[test]
    fn the_choices_are_the_words_the_file_and_the_window_use() {
        for t in CaseType::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), t.label());
        }
        for f in MaterialForm::ALL {
            assert_eq!(serde_json::to_value(f).unwrap(), f.label());
        }
        for p in PickupMethod::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), p.label());
        }
        assert_eq!(choices().case_types.len(), 4);
    }

    #[test]
    fn a_core_material_can_never_be_tolerated_nor_an_optional_one() {
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials[1].tolerance_days = Some(10);
        assert!(m.check().is_ok());
        m.materials[0].core = true;
        assert!(m.check().is_ok(), "a core material that is not tolerated");
        m.materials[0].tolerance_days = Some(5);
        let msg = reason(&m);
        assert!(
            msg.contains("核心材料不能容缺") && msg.contains("居民身份证"),
            "{msg}"
        );
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials[2].tolerance_days = Some(5);
        assert!(reason(&m).contains("选交材料"));
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials[1].tolerance_days = Some(0);
        assert!(reason(&m).contains("容缺补齐期限"));
        let mut m = sample(CaseType::OnTheSpot, 0, 0);
        m.materials[1].tolerance_days = Some(5);
        assert!(reason(&m).contains("即办件"));
        // The file and the form carry both flags; a matter without them
        // serializes as before (old versions keep their bytes).
        let plain = serde_json::to_string(&sample(CaseType::Promised, 5, 10)).unwrap();
        assert!(
            !plain.contains("core") && !plain.contains("tolerance_days"),
            "{plain}"
        );
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials[0].core = true;
        m.materials[1].tolerance_days = Some(10);
        let form = serde_json::to_value(&m).unwrap();
        assert_eq!(Matter::from_form(form.clone()).unwrap(), m);
        let mut bad = form;
        bad["materials"][1]["tolerance_days"] = serde_json::json!("十");
        let err = Matter::from_form(bad).unwrap_err();
        assert!(err.to_string().contains("容缺补齐期限"), "{err}");
    }

    #[test]
    fn each_material_says_what_it_is_on_the_intake_form() {
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials[0].core = true;
        m.materials[1].tolerance_days = Some(5);
        let words: Vec<String> = m.materials.iter().map(Material::requirement).collect();
        assert_eq!(
            words,
            [
                "必交（核心材料）",
                "必交，可容缺（5 个工作日内补齐）",
                "选交"
            ]
        );
        m.materials[1].tolerance_days = None;
        m.materials[1].commitment = Some("承诺".into());
        assert_eq!(m.materials[1].requirement(), "必交，可告知承诺");
    }

    #[test]
    fn a_promisable_material_needs_its_text_and_the_matter_a_verification_time() {
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials[1].commitment = Some("本人承诺所填户籍信息真实".into());
        let err = m.check().unwrap_err();
        assert_eq!(err.field(), Some("verify_days"));
        m.verify_days = Some(20);
        assert!(m.check().is_ok());
        m.verify_days = Some(0);
        assert!(reason(&m).contains("核查期限"));
        m.verify_days = Some(20);
        m.materials[1].commitment = Some("  ".into());
        assert!(reason(&m).contains("承诺内容"));
        m.materials[1].commitment = Some("承诺".into());
        m.materials[1].tolerance_days = Some(5);
        assert!(reason(&m).contains("既可容缺又可告知承诺"));
    }

    #[test]
    fn national_codes_are_optional_and_checked_when_given() {
        let mut m = sample(CaseType::Promised, 5, 10);
        m.basic_code = "000140012000".into();
        m.implementation_code = "11371402MB2849371K000140012000".into();
        m.handling_item_code = "11371402MB2849371K00014001200001".into();
        assert!(m.check().is_ok());
        let mut short = m.clone();
        short.basic_code = "00014001".into();
        let err = short.check().unwrap_err();
        assert_eq!(err.field(), Some("basic_code"));
        assert!(err.to_string().contains("12 位"), "{err}");
        let mut long = m.clone();
        long.implementation_code = "1".repeat(37);
        assert_eq!(
            long.check().unwrap_err().field(),
            Some("implementation_code")
        );
        let mut lower = m;
        lower.handling_item_code = "abc".into();
        assert_eq!(
            lower.check().unwrap_err().field(),
            Some("handling_item_code")
        );
    }

    #[test]
    fn the_form_refuses_a_word_for_a_number_in_chinese_by_its_field() {
        let m = sample(CaseType::Promised, 5, 10);
        let form = serde_json::to_value(&m).unwrap();
        assert_eq!(Matter::from_form(form.clone()).unwrap(), m);
        let mut bad = form.clone();
        bad["promised_days"] = serde_json::json!(null);
        let err = Matter::from_form(bad).unwrap_err();
        assert_eq!(err.field(), Some("promised_days"));
        assert!(err.to_string().contains("承诺时限应填写"), "{err}");
        let mut bad = form.clone();
        bad["fee"] = serde_json::json!("五元");
        let err = Matter::from_form(bad).unwrap_err();
        assert_eq!(err.field(), Some("fee"));
        assert!(err.to_string().contains("不是金额"), "{err}");
        let mut bad = form.clone();
        bad["materials"][1]["copies"] = serde_json::json!(-1);
        let err = Matter::from_form(bad).unwrap_err();
        assert!(err.to_string().contains("户口簿”的份数"), "{err}");
        let mut spaced = form;
        spaced["fee"] = serde_json::json!(" 20.5 ");
        assert_eq!(Matter::from_form(spaced).unwrap().fee, Decimal::new(205, 1));
    }

    #[test]
    fn a_refusal_names_its_field() {
        assert_eq!(
            sample(CaseType::Promised, 21, 20)
                .check()
                .unwrap_err()
                .field(),
            Some("promised_days")
        );
        let mut m = sample(CaseType::Promised, 5, 10);
        m.materials.clear();
        assert_eq!(m.check().unwrap_err().field(), Some("materials"));
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
