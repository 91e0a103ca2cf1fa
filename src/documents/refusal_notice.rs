//! 不予受理通知书 (A4): number, applicant, matter, the clerk's reason, the
//! legal basis, the remedy sentence (administrative reconsideration within
//! 60 days or a lawsuit within 6 months), seal area and date.

use super::facts::{chinese_date, Facts};
use super::flow::Flow;
use super::layout::{Rendered, Style};
use super::DocumentError;

/// Layout version, recorded with every print.
pub const TEMPLATE: &str = "refusal-notice-v1";

const BODY: Style = Style::regular(11.0);

/// Renders the refusal notice.
pub fn render(f: &Facts) -> Result<Rendered, DocumentError> {
    let mut flow = Flow::for_notice("不予受理通知书", f)?;
    flow.heading(f, "不予受理通知书", &[], BODY)?;
    flow.body(
        BODY,
        &format!(
            "你于{}提出的“{}”申请，经审查，本中心决定不予受理。",
            chinese_date(f.received_on),
            f.matter_name
        ),
    )?;
    flow.gap(2.0);
    flow.field("办理事项：", &f.matter_name, BODY)?;
    flow.field(
        "申 请 人：",
        &format!(
            "{}（{} {}）",
            f.applicant_name,
            f.applicant_id_type,
            f.masked_id()
        ),
        BODY,
    )?;
    flow.field(
        "不予受理理由：",
        f.refusal_reason.as_deref().unwrap_or("—"),
        Style::bold(11.0),
    )?;
    flow.field("依　　据：", &f.legal_basis, BODY)?;
    flow.field(
        "受理窗口：",
        &format!("{} 号窗口　经办人工号：{}", f.device_code, f.clerk_staff_no),
        BODY,
    )?;
    flow.gap(3.0);
    flow.body(
        BODY,
        "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。",
    )?;
    flow.gap(6.0);
    flow.seal(&f.center_name, &chinese_date(f.received_on))?;
    flow.contact(&f.profile)?;
    f.pdf("不予受理通知书", &flow.finish())
}
