//! 撤销决定书 (A4): after a 核查 found an applicant's promise (告知承诺制)
//! false, the decision taken on the case is revoked — number, applicant,
//! matter, the promise checked, the reason, the legal basis, the remedy
//! sentence, seal area and date. Its rules are in src/intake/commitment.rs.

use super::facts::{chinese_date, Facts};
use super::flow::Flow;
use super::layout::{Rendered, Style};
use super::DocumentError;

/// Layout version, recorded with every print.
pub const TEMPLATE: &str = "revocation-notice-v1";

/// The title printed on the paper.
pub const TITLE: &str = "撤销决定书";

const BODY: Style = Style::regular(11.0);

/// Renders the revocation; `None` when the case was not revoked.
pub fn render(f: &Facts) -> Result<Rendered, DocumentError> {
    let (on, reason) = f
        .revoked
        .clone()
        .ok_or_else(|| DocumentError::NotRevoked(f.case_no.clone()))?;
    let mut flow = Flow::for_notice(TITLE, f)?;
    flow.heading(f, TITLE, &[], BODY)?;
    let promised: Vec<&str> = f.promises.iter().map(|(n, _)| n.as_str()).collect();
    flow.body(
        BODY,
        &format!(
            "你于{}以告知承诺方式申请办理“{}”，承诺代替提交{}。经核查，你的承诺内容与实际情况不符。本中心决定撤销对该申请作出的受理及办理决定，并将不实承诺情况记入信用记录。",
            chinese_date(f.received_on),
            f.matter_name,
            promised.join("、")
        ),
    )?;
    flow.gap(2.0);
    flow.field("办理事项：", &f.matter_name, BODY)?;
    flow.applicant(f, BODY)?;
    flow.field("核查结果：", "承诺不实", Style::bold(11.0))?;
    flow.field("撤销理由：", &reason, Style::bold(11.0))?;
    flow.field("依　　据：", &f.legal_basis, BODY)?;
    flow.field("撤销日期：", &chinese_date(on), BODY)?;
    flow.gap(3.0);
    flow.body(
        BODY,
        "如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。",
    )?;
    flow.gap(6.0);
    flow.seal(&f.center_name, &chinese_date(on))?;
    flow.contact(&f.profile)?;
    f.pdf(TITLE, &flow.finish())
}
