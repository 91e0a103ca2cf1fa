//! 容缺受理承诺书 (A4, two copies: the applicant's and the center's): the
//! case, the applicant's promise to supply each missing 容缺 material by
//! its day (form, copies, day), what follows if one is not supplied, and
//! the signatures of the applicant and the clerk. Its rules are in
//! src/intake/tolerance.rs.

use super::facts::{chinese_date, or_dash, Facts};
use super::flow::{Column, Flow};
use super::layout::{Align, Rendered, Style};
use super::DocumentError;

/// Layout version, recorded with every print.
pub const TEMPLATE: &str = "tolerance-commitment-v1";

/// The title printed on the paper.
pub const TITLE: &str = "容缺受理承诺书";

const COPIES: [&str; 2] = ["（申请人联）", "（中心存档联）"];

const BODY: Style = Style::regular(11.0);

/// What the applicant accepts if a material is not supplied in time.
pub const CONSEQUENCE: &str = "本人知悉：上述材料补齐之前，办理结果不予出具；逾期未补齐或补交的材料不符合要求的，本申请将被退回或作出不予批准的决定，由此产生的后果由本人承担。本人对已提交和将补交材料的真实性负责。";

/// Renders the commitment.
pub fn render(f: &Facts) -> Result<Rendered, DocumentError> {
    let mut flow = Flow::for_notice(TITLE, f)?;
    let columns = [
        Column {
            title: "序号",
            width: 14.0,
            align: Align::Center,
        },
        Column {
            title: "容缺材料",
            width: 62.0,
            align: Align::Left,
        },
        Column {
            title: "要求",
            width: 44.0,
            align: Align::Center,
        },
        Column {
            title: "补齐期限",
            width: 46.0,
            align: Align::Center,
        },
    ];
    let rows: Vec<Vec<String>> = f
        .tolerated()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                (i + 1).to_string(),
                m.name.clone(),
                Facts::requirement(m),
                m.tolerated_until
                    .map(|d| format!("{}前", chinese_date(d)))
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    for (n, copy) in COPIES.iter().enumerate() {
        if n > 0 {
            flow.fresh_page()?;
        }
        flow.title_block(f, TITLE, &[copy])?;
        flow.applicant(f, BODY)?;
        flow.field("办理事项：", &f.matter_name, BODY)?;
        flow.field("受理日期：", &chinese_date(f.received_on), BODY)?;
        let due = f.due_text().unwrap_or_else(|| "—".into());
        flow.field("承诺办结日期：", &due, BODY)?;
        flow.gap(3.0);
        flow.body(
            BODY,
            &format!(
                "本人申请办理“{}”，核心材料齐全，下列次要材料暂缺。{}对本申请予以容缺受理。本人承诺在下列期限内补齐以下全部材料：",
                f.matter_name, f.center_name
            ),
        )?;
        flow.gap(2.0);
        flow.table(&columns, &rows, Style::regular(10.0))?;
        flow.gap(3.0);
        flow.body(BODY, CONSEQUENCE)?;
        flow.gap(3.0);
        flow.field(
            "受理窗口：",
            &format!("{} 号窗口　经办人工号：{}", f.device_code, f.clerk_staff_no),
            BODY,
        )?;
        flow.field("投诉电话：", or_dash(&f.profile.complaint_phone), BODY)?;
        flow.signatures("申请人")?;
        flow.contact(&f.profile)?;
    }
    f.pdf(TITLE, &flow.finish())
}
