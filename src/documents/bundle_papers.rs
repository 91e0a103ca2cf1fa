//! The papers of a 一件事 bundle intake (src/intake/bundle.rs), printed
//! and recorded on its lead case (the first taken in):
//! - 一件事受理回执 (80 mm slip): every matter of the bundle with its case
//!   number, query code, outcome and its own promised date;
//! - 一件事受理通知书 (A4) when no matter lacks a material: every matter
//!   with its department and promised date;
//! - 一件事一次性告知单 (A4) when some matter lacks one: what was taken in
//!   with its dates, then every missing material once, with the matters
//!   that need it and the day to supply it by.

use super::facts::{chinese_date, or_dash, Facts};
use super::flow::{Column, Flow};
use super::layout::{Align, Rendered, Style};
use super::slip::{Slip, BODY};
use super::DocumentError;
use crate::intake::bundle::{BundleMissing, BundleStanding, Sibling};
use crate::intake::Outcome;

pub const RECEIPT_TITLE: &str = "一件事受理回执";
pub const NOTICE_TITLE: &str = "一件事受理通知书";
pub const ONETIME_TITLE: &str = "一件事一次性告知单";
pub const RECEIPT_TEMPLATE: &str = "bundle-receipt-v1";
pub const NOTICE_TEMPLATE: &str = "bundle-notice-v1";
pub const ONETIME_TEMPLATE: &str = "bundle-onetime-v1";

/// What a bundle's papers say beyond the lead case's facts.
#[derive(Debug, Clone)]
pub struct BundleFacts {
    pub standing: BundleStanding,
    /// Every material missing for a matter of the bundle, once.
    pub missing: Vec<BundleMissing>,
    /// The promised date of each case as printed, by case number.
    pub due_texts: Vec<(String, String)>,
}

impl BundleFacts {
    /// What the papers say of a case's outcome and date: "承诺 2026年12月11日
    /// 办结", "当场办结", "缺材料，一次性告知".
    pub fn result_of(&self, c: &Sibling) -> String {
        match c.outcome {
            Outcome::OnTheSpot => "当场办结".into(),
            Outcome::Accepted => match self.due_texts.iter().find(|(no, _)| *no == c.case_no) {
                Some((_, due)) => format!("已受理，承诺{due}前办结"),
                None => "已受理，自中心确认收件之日起计算时限".into(),
            },
            Outcome::Notice => "材料不全，一次性告知".into(),
            Outcome::Refused => "不予受理".into(),
        }
    }
}

fn bundle_of(f: &Facts) -> Result<&BundleFacts, DocumentError> {
    f.bundle
        .as_ref()
        .ok_or_else(|| DocumentError::NotBundled(f.case_no.clone()))
}

/// Renders the 一件事受理回执.
pub fn render_receipt(f: &Facts) -> Result<Rendered, DocumentError> {
    let b = bundle_of(f)?;
    let mut s = Slip::new()?;
    s.center(Style::bold(10.0), &f.center_name);
    s.center(Style::bold(15.0), RECEIPT_TITLE);
    if let Some(mark) = f.reprint_mark() {
        s.center(Style::bold(9.0), &mark);
    }
    s.rule();
    s.field("一 件 事：", &b.standing.name, Style::bold(10.0));
    super::receipt::applicant_lines(&mut s, f);
    for (i, c) in b.standing.cases.iter().enumerate() {
        s.rule();
        s.field(
            &format!("事项 {}：", i + 1),
            &c.matter_name,
            Style::bold(9.0),
        );
        s.field("办件编号：", &c.case_no, BODY);
        s.field("查 询 码：", &c.query_code, BODY);
        s.field("办理情况：", &b.result_of(c), BODY);
    }
    s.rule();
    s.field(
        "窗口工号：",
        &format!("{} 号窗口　工号 {}", f.device_code, f.clerk_staff_no),
        BODY,
    );
    s.field("咨询电话：", or_dash(&f.profile.phone), BODY);
    super::receipt::qr_footer(&mut s, f, "凭此回执查询/领取各事项结果")?;
    f.pdf(RECEIPT_TITLE, &[s.finish()])
}

const TEXT: Style = Style::regular(11.0);

/// Renders the 一件事受理通知书 (`onetime` false) or the 一件事一次性告知单.
pub fn render_notice(f: &Facts, onetime: bool) -> Result<Rendered, DocumentError> {
    let b = bundle_of(f)?;
    let title = if onetime { ONETIME_TITLE } else { NOTICE_TITLE };
    let mut flow = Flow::for_notice(title, f)?;
    flow.heading(f, title, &[], TEXT)?;
    let taken_in = b
        .standing
        .cases
        .iter()
        .any(|c| matches!(c.outcome, Outcome::Accepted | Outcome::OnTheSpot));
    let opening = if onetime && taken_in {
        "其中部分事项申请材料不全，现将须补齐的全部材料一次性告知如下；其余事项已予受理"
    } else if onetime {
        "申请材料不全，现将须补齐的全部材料一次性告知如下"
    } else {
        "申请材料齐全、符合法定形式，本中心决定对所列事项一并予以受理"
    };
    flow.body(
        TEXT,
        &format!(
            "你于{}提出的“{}”申请（共 {} 个事项），{opening}：",
            chinese_date(f.received_on),
            b.standing.name,
            b.standing.cases.len()
        ),
    )?;
    flow.gap(2.0);
    flow.applicant(f, TEXT)?;
    flow.gap(2.0);
    let columns = [
        Column {
            title: "序号",
            width: 12.0,
            align: Align::Center,
        },
        Column {
            title: "办理事项",
            width: 54.0,
            align: Align::Left,
        },
        Column {
            title: "办件编号",
            width: 56.0,
            align: Align::Left,
        },
        Column {
            title: "办理情况",
            width: 44.0,
            align: Align::Left,
        },
    ];
    let rows: Vec<Vec<String>> = b
        .standing
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                c.matter_name.clone(),
                c.case_no.clone(),
                b.result_of(c),
            ]
        })
        .collect();
    flow.table(&columns, &rows, Style::regular(10.0))?;
    if onetime {
        flow.gap(3.0);
        flow.paragraph(
            0.0,
            Style::bold(11.0),
            Align::Left,
            "须补齐的申请材料（同一材料只需提交一次）：",
        )?;
        flow.gap(1.0);
        let columns = [
            Column {
                title: "序号",
                width: 12.0,
                align: Align::Center,
            },
            Column {
                title: "材料名称",
                width: 56.0,
                align: Align::Left,
            },
            Column {
                title: "形式及份数",
                width: 36.0,
                align: Align::Left,
            },
            Column {
                title: "所需事项",
                width: 62.0,
                align: Align::Left,
            },
        ];
        let rows: Vec<Vec<String>> = b
            .missing
            .iter()
            .enumerate()
            .map(|(i, m)| {
                vec![
                    (i + 1).to_string(),
                    m.name.clone(),
                    format!("{}，{} 份", m.form, m.copies),
                    m.matters.join("、"),
                ]
            })
            .collect();
        flow.table(&columns, &rows, Style::regular(10.0))?;
        flow.gap(2.0);
        if let Some(day) = f.supply_by {
            flow.body(
                TEXT,
                &format!(
                    "请于{}前补齐上述材料，补齐后相关事项按重新提交办理，无需再提交已交过的材料。",
                    chinese_date(day)
                ),
            )?;
        }
    }
    flow.gap(3.0);
    flow.body(
        TEXT,
        "请凭一件事受理回执或各事项的查询码查询办理进度、领取办理结果。",
    )?;
    flow.gap(4.0);
    flow.seal(&f.center_name, &chinese_date(f.received_on))?;
    flow.contact(&f.profile)?;
    f.pdf(title, &flow.finish())
}
