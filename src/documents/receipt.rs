//! 受理回执: the 80 mm slip handed over when a case is accepted (or
//! completed on the spot). Fields, top to bottom: center name, title, case
//! number, query code, matter, applicant (masked 张*三), ID number (first 6
//! and last 4), proxy, time of acceptance, promised completion date, pickup
//! method, window and 工号, center phone, the QR code (case number + query
//! code) and "凭此回执查询/领取". A village agent's case says 代办受理，送交中心
//! and that the promised days count from the center's confirmation.

use super::facts::{chinese_date, chinese_datetime, or_dash, Facts};
use super::layout::{Rendered, Style};
use super::slip::{self, Slip, BODY};
use super::{qr, DocumentError};
use crate::applicant::mask;
use crate::intake::Outcome;

/// Layout version, recorded with every print.
pub const TEMPLATE: &str = "receipt-v1";

/// Renders the receipt.
pub fn render(f: &Facts) -> Result<Rendered, DocumentError> {
    let mut s = Slip::new()?;
    s.center(Style::bold(10.0), &f.center_name);
    s.center(Style::bold(15.0), "受理回执");
    if let Some(mark) = f.reprint_mark() {
        s.center(Style::bold(9.0), &mark);
    }
    s.rule();
    s.field("办件编号：", &f.case_no, BODY);
    s.field("查 询 码：", &f.query_code, Style::bold(13.0));
    s.field("办理事项：", &f.matter_name, BODY);
    applicant_lines(&mut s, f);
    if let Some(agent) = &f.agent {
        s.field("受理方式：", "代办受理，送交中心", Style::bold(9.0));
        s.field(
            "代 办 员：",
            &format!("{}（{}）", agent.agent_name, agent.agent_device),
            BODY,
        );
        if let Some(bag) = &agent.bag_no {
            s.field("材料袋号：", bag, BODY);
        }
        if let Some(day) = agent.accepted_on {
            s.field("中心收件：", &chinese_date(day), BODY);
        }
    }
    match (f.outcome, f.due_date) {
        (_, None) if f.agent.is_some() => s.field(
            "承诺办结：",
            &format!("自中心确认收件之日起 {} 个工作日", f.promised_days),
            Style::bold(9.0),
        ),
        (Outcome::OnTheSpot, _) => s.field("办理结果：", "已当场办结（即办件）", BODY),
        (_, Some(_)) => s.field(
            "承诺办结：",
            &f.due_text().unwrap_or_default(),
            Style::bold(9.0),
        ),
        (_, None) => s.field("承诺办结：", "—", BODY),
    }
    let tolerated = f.tolerated();
    if !tolerated.is_empty() {
        s.field("受理方式：", "容缺受理", Style::bold(9.0));
        for m in tolerated {
            let until = m.tolerated_until.map(chinese_date).unwrap_or_default();
            s.field("待补材料：", &format!("{}（{until}前）", m.name), BODY);
        }
    }
    for (name, _) in &f.promises {
        s.field("告知承诺：", name, BODY);
    }
    s.field("领取方式：", &f.pickup_methods.join("、"), BODY);
    if f.agent.is_some() {
        s.field("代办工号：", &f.clerk_staff_no, BODY);
    } else {
        s.field(
            "窗口工号：",
            &format!("{} 号窗口　工号 {}", f.device_code, f.clerk_staff_no),
            BODY,
        );
    }
    s.field("咨询电话：", or_dash(&f.profile.phone), BODY);
    s.rule();
    qr_footer(&mut s, f, "凭此回执查询/领取")?;
    f.pdf("受理回执", &[s.finish()])
}

/// The applicant (masked), the proxy and the time of acceptance.
pub(super) fn applicant_lines(s: &mut Slip, f: &Facts) {
    s.field("申 请 人：", &f.masked_name(), BODY);
    s.field("证件号码：", &f.masked_id(), BODY);
    if let Some((name, relation)) = &f.proxy {
        s.field(
            "代 办 人：",
            &format!("{}（{}）", mask::name(name), relation),
            BODY,
        );
    }
    s.field("受理时间：", &chinese_datetime(f.received_at), BODY);
}

/// The foot of a receipt: the QR code of the case number and query code,
/// `line` under it, and the time it was printed.
pub(super) fn qr_footer(s: &mut Slip, f: &Facts, line: &str) -> Result<(), DocumentError> {
    let size = 30.0;
    let y = s.y;
    qr::draw(
        &mut s.page,
        slip::LEFT + (slip::WIDTH - size) / 2.0,
        y,
        size,
        &qr::payload(&f.case_no, &f.query_code),
    )?;
    s.y = y + size + 1.0;
    s.center(Style::bold(10.0), line);
    s.center(
        Style::regular(7.5),
        &format!("打印时间 {}", chinese_datetime(f.printed_at)),
    );
    Ok(())
}
