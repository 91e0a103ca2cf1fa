//! 受理通知书 (A4): number, applicant, matter, implementing department, the
//! materials received (form and copies), acceptance date, promised
//! completion date in Chinese form, pickup method, window and clerk, seal
//! area with date, the center's address and phone, and the remedy footer.

use super::facts::{chinese_date, Facts};
use super::flow::{Column, Flow};
use super::layout::{Align, Rendered, Style};
use super::DocumentError;

/// Layout version, recorded with every print.
pub const TEMPLATE: &str = "acceptance-notice-v1";

const BODY: Style = Style::regular(11.0);

/// Renders the acceptance notice.
pub fn render(f: &Facts) -> Result<Rendered, DocumentError> {
    let mut flow = Flow::for_notice("受理通知书", f)?;
    flow.heading(f, "受理通知书", &[], BODY)?;
    let tolerated = f.tolerated();
    let opening = if tolerated.is_empty() {
        "申请材料齐全、符合法定形式，本中心决定予以受理"
    } else {
        "核心材料齐全，本中心决定予以容缺受理；暂缺的材料须按你签署的容缺受理承诺书如期补齐，补齐之前办理结果不予出具"
    };
    flow.body(
        BODY,
        &format!(
            "你于{}提出的“{}”申请，{opening}。现将有关事项告知如下：",
            chinese_date(f.received_on),
            f.matter_name,
        ),
    )?;
    flow.gap(2.0);
    flow.field("办理事项：", &f.matter_name, BODY)?;
    flow.field("实施部门：", &f.department, BODY)?;
    flow.applicant(f, BODY)?;
    flow.field("受理日期：", &chinese_date(f.received_on), BODY)?;
    let due = f.due_text().unwrap_or_else(|| "—".into());
    flow.field(
        "承诺办结日期：",
        &format!(
            "{due}（承诺时限 {} 个工作日，不含法定节假日）",
            f.promised_days
        ),
        Style::bold(11.0),
    )?;
    if !tolerated.is_empty() {
        let due: Vec<String> = tolerated
            .iter()
            .map(|m| {
                let until = m.tolerated_until.map(chinese_date).unwrap_or_default();
                format!("{}（{}，{until}前补齐）", m.name, Facts::requirement(m))
            })
            .collect();
        flow.field("容缺材料：", &due.join("；"), Style::bold(11.0))?;
    }
    if !f.promises.is_empty() {
        let names: Vec<&str> = f.promises.iter().map(|(n, _)| n.as_str()).collect();
        flow.field(
            "告知承诺：",
            &format!("{}（以告知承诺书代替，受理后核查）", names.join("、")),
            BODY,
        )?;
    }
    flow.field("结果领取方式：", &f.pickup_methods.join("、"), BODY)?;
    flow.field(
        "受理窗口：",
        &format!("{} 号窗口　经办人工号：{}", f.device_code, f.clerk_staff_no),
        BODY,
    )?;
    flow.gap(3.0);
    flow.paragraph(0.0, Style::bold(11.0), Align::Left, "已收取的申请材料：")?;
    flow.gap(1.0);
    let columns = [
        Column {
            title: "序号",
            width: 14.0,
            align: Align::Center,
        },
        Column {
            title: "材料名称",
            width: 80.0,
            align: Align::Left,
        },
        Column {
            title: "形式",
            width: 30.0,
            align: Align::Center,
        },
        Column {
            title: "份数",
            width: 14.0,
            align: Align::Center,
        },
        Column {
            title: "备注",
            width: 28.0,
            align: Align::Left,
        },
    ];
    let rows: Vec<Vec<String>> = f
        .received()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                (i + 1).to_string(),
                m.name.clone(),
                m.form.clone(),
                m.copies.to_string(),
                m.note.clone(),
            ]
        })
        .collect();
    flow.table(&columns, &rows, Style::regular(10.0))?;
    flow.gap(3.0);
    flow.body(
        BODY,
        &format!(
            "请凭受理回执或查询码 {} 查询办理进度、领取办理结果。",
            f.query_code
        ),
    )?;
    flow.gap(4.0);
    flow.seal(&f.center_name, &chinese_date(f.received_on))?;
    flow.gap(4.0);
    flow.body(
        Style::regular(10.0),
        "如对办理结果有异议，可以自知道该行政行为之日起六十日内依法申请行政复议，或者自知道该行政行为之日起六个月内依法向人民法院提起行政诉讼。",
    )?;
    flow.contact(&f.profile)?;
    f.pdf("受理通知书", &flow.finish())
}
