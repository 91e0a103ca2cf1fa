//! 告知承诺书 (A4, two copies: the applicant's and the center's): the
//! case, each material the applicant promised instead of bringing with the
//! text of the promise, what follows a false promise (撤销 and the credit
//! record), the 核查 that will check it, and the signatures of the
//! applicant and the clerk. Its rules are in src/intake/commitment.rs.

use super::facts::{chinese_date, or_dash, Facts};
use super::flow::Flow;
use super::layout::{Align, Rendered, Style};
use super::DocumentError;

/// Layout version, recorded with every print.
pub const TEMPLATE: &str = "commitment-notice-v1";

/// The title printed on the paper.
pub const TITLE: &str = "告知承诺书";

const COPIES: [&str; 2] = ["（申请人联）", "（中心存档联）"];

const BODY: Style = Style::regular(11.0);

/// What the applicant accepts if a promise is found false.
pub const CONSEQUENCE: &str = "本人已知悉上述事项所需证明材料及相关要求，自愿以承诺方式代替提交。本人承诺所承诺内容真实、完整、准确；如承诺不实，同意行政机关依法撤销已作出的决定，并将不实承诺行为记入本人信用记录，由此产生的法律责任由本人承担。";

/// Renders the commitment.
pub fn render(f: &Facts) -> Result<Rendered, DocumentError> {
    let mut flow = Flow::for_notice(TITLE, f)?;
    for (n, copy) in COPIES.iter().enumerate() {
        if n > 0 {
            flow.fresh_page()?;
        }
        flow.title_block(f, TITLE, &[copy])?;
        flow.applicant(f, BODY)?;
        flow.field("办理事项：", &f.matter_name, BODY)?;
        flow.field("受理日期：", &chinese_date(f.received_on), BODY)?;
        flow.gap(3.0);
        flow.body(
            BODY,
            &format!(
                "本人申请办理“{}”，对下列证明材料作出承诺，以代替提交该材料：",
                f.matter_name
            ),
        )?;
        for (i, (name, text)) in f.promises.iter().enumerate() {
            flow.gap(1.5);
            flow.paragraph(
                0.0,
                Style::bold(11.0),
                Align::Left,
                &format!("{}. {name}", i + 1),
            )?;
            flow.body(BODY, &format!("承诺内容：{text}"))?;
        }
        flow.gap(3.0);
        flow.body(BODY, CONSEQUENCE)?;
        if let Some(due) = f.verify_due {
            flow.body(
                BODY,
                &format!("本中心将于{}前对承诺内容进行核查。", chinese_date(due)),
            )?;
        }
        flow.gap(3.0);
        flow.field(
            "受理窗口：",
            &format!("{} 号窗口　经办人工号：{}", f.device_code, f.clerk_staff_no),
            BODY,
        )?;
        flow.field("投诉电话：", or_dash(&f.profile.complaint_phone), BODY)?;
        flow.signatures("承诺人")?;
        flow.contact(&f.profile)?;
    }
    f.pdf(TITLE, &flow.finish())
}
