//! 一次性告知单: every missing material with its requirement, the legal
//! basis, the time allowed to supply them, "本单一次性告知全部补正内容",
//! window and 工号, date, complaint phone, and a signature line — in two
//! copies, 申请人联 and 存档联. As an 80 mm slip (both copies on the roll,
//! with a cut line) and as A4 (each copy from a new page; long lists flow
//! onto further pages with the table header repeated).

use super::facts::{chinese_date, or_dash, Facts};
use super::flow::{Column, Flow};
use super::layout::{Align, Rendered, Style};
use super::slip::{Slip, BODY};
use super::DocumentError;

/// Layout versions, recorded with every print.
pub const TEMPLATE_SLIP: &str = "onetime-notice-slip-v1";
pub const TEMPLATE_A4: &str = "onetime-notice-a4-v1";

/// The two copies.
const COPIES: [&str; 2] = ["（申请人联）", "（存档联）"];

fn deadline(f: &Facts) -> String {
    match f.supply_by {
        Some(day) => format!(
            "请在 {} 个工作日内（{}前）补齐上述全部材料，并携带本告知单到窗口重新提交。",
            f.profile.supply_days,
            chinese_date(day)
        ),
        None => format!(
            "请在 {} 个工作日内补齐上述全部材料，并携带本告知单到窗口重新提交。",
            f.profile.supply_days
        ),
    }
}

fn opening(f: &Facts) -> String {
    format!(
        "你于{}申请办理的“{}”事项，经审查，申请材料不齐全。依据{}，现一次性告知需要补正的全部材料如下：",
        chinese_date(f.received_on),
        f.matter_name,
        f.legal_basis
    )
}

/// Renders the 80 mm slip form (both copies on one roll).
pub fn render_slip(f: &Facts) -> Result<Rendered, DocumentError> {
    let mut s = Slip::new()?;
    for (n, copy) in COPIES.iter().enumerate() {
        if n > 0 {
            s.gap(3.0);
            s.center(Style::regular(7.5), "－－－－－－ 沿此线撕开 －－－－－－");
            s.gap(3.0);
        }
        s.center(Style::bold(10.0), &f.center_name);
        s.center(Style::bold(15.0), "一次性告知单");
        s.center(Style::regular(9.0), copy);
        if let Some(mark) = f.reprint_mark() {
            s.center(Style::bold(9.0), &mark);
        }
        s.rule();
        s.field("编　　号：", &f.case_no, BODY);
        s.field("申 请 人：", &f.masked_name(), BODY);
        s.field("办理事项：", &f.matter_name, BODY);
        s.gap(1.0);
        s.paragraph(BODY, &opening(f));
        for (i, m) in f.missing().iter().enumerate() {
            s.paragraph(Style::bold(9.0), &format!("{}. {}", i + 1, m.name));
            s.indented(4.0, BODY, &format!("要求：{}", Facts::requirement(m)));
            if !m.note.trim().is_empty() {
                s.indented(4.0, BODY, &format!("说明：{}", m.note));
            }
        }
        s.gap(1.0);
        s.paragraph(BODY, &deadline(f));
        s.paragraph(Style::bold(9.0), "本单一次性告知全部补正内容。");
        s.rule();
        s.field(
            "窗口工号：",
            &format!("{} 号窗口　工号 {}", f.device_code, f.clerk_staff_no),
            BODY,
        );
        s.field("告知日期：", &chinese_date(f.received_on), BODY);
        s.field("投诉电话：", or_dash(&f.profile.complaint_phone), BODY);
        s.gap(3.0);
        s.paragraph(BODY, "申请人签字：______________");
    }
    f.pdf("一次性告知单", &[s.finish()])
}

/// Renders the A4 form: each copy starts on a new page.
pub fn render_a4(f: &Facts) -> Result<Rendered, DocumentError> {
    let body = Style::regular(11.0);
    let mut flow = Flow::for_notice("一次性告知单", f)?;
    let columns = [
        Column {
            title: "序号",
            width: 14.0,
            align: Align::Center,
        },
        Column {
            title: "需补正的材料",
            width: 62.0,
            align: Align::Left,
        },
        Column {
            title: "要求",
            width: 38.0,
            align: Align::Center,
        },
        Column {
            title: "说明",
            width: 52.0,
            align: Align::Left,
        },
    ];
    let rows: Vec<Vec<String>> = f
        .missing()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                (i + 1).to_string(),
                m.name.clone(),
                Facts::requirement(m),
                m.note.clone(),
            ]
        })
        .collect();
    for (n, copy) in COPIES.iter().enumerate() {
        if n > 0 {
            flow.fresh_page()?;
        }
        flow.heading(f, "一次性告知单", &[copy], body)?;
        flow.body(body, &opening(f))?;
        flow.gap(2.0);
        flow.table(&columns, &rows, Style::regular(10.0))?;
        flow.gap(3.0);
        flow.body(body, &deadline(f))?;
        flow.body(Style::bold(11.0), "本单一次性告知全部补正内容。")?;
        flow.gap(3.0);
        flow.field("设定依据：", &f.legal_basis, body)?;
        flow.field(
            "告知窗口：",
            &format!(
                "{} 号窗口　经办人工号：{}　告知日期：{}",
                f.device_code,
                f.clerk_staff_no,
                chinese_date(f.received_on)
            ),
            body,
        )?;
        flow.field("投诉电话：", or_dash(&f.profile.complaint_phone), body)?;
        flow.gap(8.0);
        flow.ensure(10.0)?;
        flow.paragraph(
            0.0,
            body,
            Align::Left,
            "申请人（签字）：____________________　　日期：________年____月____日",
        )?;
        flow.contact(&f.profile)?;
    }
    f.pdf("一次性告知单", &flow.finish())
}
