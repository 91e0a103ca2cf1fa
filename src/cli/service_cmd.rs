//! The service-desk commands: consultations, evaluations, rectification,
//! follow-up calls and complaints.

use std::fmt::Write as _;

use super::args::{ComplaintCommand, ConsultCommand, FollowupCommand, RectifyCommand};
use super::commands::{date, now, Ctx};
use super::output::print;
use bianmin::applicant::{IdType, Person};
use bianmin::intake::Application;
use bianmin::service::complaints::{self, Complaint, NewComplaint};
use bianmin::service::consultation::{self, Channel, Consultation, Enquiry};
use bianmin::service::evaluation::{self, Channel as Rated, Rating};
use bianmin::Result;

fn show_consultation(c: &Consultation) -> String {
    let mut s = format!(
        "咨询 {}（{}）\n咨询人：{} {}\n问题：{}\n答复：{}\n首问责任人：{}",
        c.consultation_id, c.asked_at, c.asker_name, c.asker_phone, c.question, c.answer, c.owner
    );
    if let Some(dept) = &c.follow_up_department {
        let _ = write!(
            s,
            "\n跟进：{} 于 {} 前答复；{}",
            dept,
            c.follow_up_due.map(|d| d.to_string()).unwrap_or_default(),
            c.follow_up_reply.as_deref().unwrap_or("尚未答复")
        );
    }
    if let Some(no) = &c.case_no {
        let _ = write!(s, "\n已转为受理：{no}");
    }
    s
}

pub(super) fn consult(ctx: &Ctx, c: ConsultCommand) -> Result<()> {
    match c {
        ConsultCommand::Add {
            question,
            answer,
            name,
            phone,
            matter,
            channel,
            follow_up,
            follow_up_days,
        } => {
            let (mut store, s) = ctx.login()?;
            let e = Enquiry {
                asker_name: name,
                asker_phone: phone,
                question,
                matter_code: matter,
                answer,
                follow_up_department: follow_up,
                follow_up_days,
            };
            let saved = consultation::record(&mut store, &s, now(), Channel::parse(&channel)?, e)?;
            print(ctx.json, &saved, show_consultation);
        }
        ConsultCommand::Reply { id, reply } => {
            let (mut store, s) = ctx.login()?;
            let saved = consultation::reply(&mut store, &s, now(), &id, &reply)?;
            print(ctx.json, &saved, show_consultation);
        }
        ConsultCommand::List { date: day, open } => {
            let store = ctx.initialized()?;
            let day = match day {
                Some(d) => Some(date(&d)?),
                None => None,
            };
            let list = consultation::list(store.conn(), day, open)?;
            print(ctx.json, &list, |l| {
                l.iter()
                    .map(show_consultation)
                    .collect::<Vec<_>>()
                    .join("\n\n")
            });
        }
        ConsultCommand::Intake {
            id,
            matter,
            name,
            id_type,
            id_number,
            phone,
            address,
            provided,
        } => {
            let (mut store, s) = ctx.login()?;
            let app = Application {
                matter_code: matter,
                applicant: Person {
                    name,
                    id_type: IdType::parse(&id_type)?,
                    id_number,
                    phone,
                    address,
                },
                proxy: None,
                provided,
                refusal_reason: None,
                resubmission_of: None,
                tolerate: false,
                promised: Vec::new(),
            };
            let r = consultation::convert(&mut store, &s, now(), &id, app)?;
            print(ctx.json, &r, |r| {
                format!(
                    "咨询已转为受理：{}（{}），结果：{}",
                    r.case_no, r.matter_name, r.outcome_label
                )
            });
        }
    }
    Ok(())
}

pub(super) fn evaluate(
    ctx: &Ctx,
    case_no: Option<String>,
    consultation_id: Option<String>,
    level: u8,
    reasons: &[String],
    comment: &str,
    channel: &str,
) -> Result<()> {
    let (mut store, s) = ctx.login()?;
    let rating = Rating {
        level,
        reasons: reasons.to_vec(),
        comment: comment.to_owned(),
        channel: Rated::parse(channel)?,
    };
    let r = match (case_no, consultation_id) {
        (_, Some(id)) => evaluation::evaluate_consultation(&mut store, &s, now(), &id, &rating)?,
        (Some(no), None) => evaluation::evaluate_case(&mut store, &s, now(), &no, &rating)?,
        (None, None) => {
            return Err(bianmin::lifecycle::LifecycleError::Missing(
                "办件编号或 --consultation 咨询编号",
            )
            .into())
        }
    };
    print(ctx.json, &r, |r| match &r.rectification_number {
        Some(id) => format!(
            "已记录评价：{}。已生成整改事项 {}，请负责人于 {} 前整改",
            r.level_label,
            id,
            r.rectification_due
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
        None => format!("已记录评价：{}", r.level_label),
    });
    Ok(())
}

pub(super) fn rectify(ctx: &Ctx, c: RectifyCommand) -> Result<()> {
    match c {
        RectifyCommand::Close { id, result } => {
            let (mut store, s) = ctx.login()?;
            evaluation::close_rectification(&mut store, &s, now(), &id, &result)?;
            print(ctx.json, &serde_json::json!({ "closed": id }), |_| {
                format!("整改事项 {id} 已关闭")
            });
        }
        RectifyCommand::List { all } => {
            let store = ctx.initialized()?;
            let mut list = evaluation::rectifications(store.conn(), now().date_naive(), all)?;
            if !all {
                list.retain(|r| r.result.is_none());
            }
            print(ctx.json, &list, |l| {
                let mut s = String::new();
                for r in l {
                    let _ = writeln!(
                        s,
                        "{}　{}　{}　{}　负责人 {}，{} 前{}",
                        r.number,
                        r.case_no.as_deref().unwrap_or("（咨询）"),
                        r.level_label,
                        r.comment,
                        r.assigned_to,
                        r.due_date,
                        match (&r.result, r.overdue) {
                            (Some(result), _) => format!("（已整改：{result}）"),
                            (None, true) => "（已超期）".to_owned(),
                            (None, false) => String::new(),
                        }
                    );
                }
                if s.is_empty() {
                    s = "没有未关闭的整改事项".into();
                }
                s
            });
        }
    }
    Ok(())
}

pub(super) fn followup(ctx: &Ctx, c: FollowupCommand) -> Result<()> {
    let (mut store, s) = ctx.login()?;
    match c {
        FollowupCommand::List { all } => {
            let list = evaluation::followups(store.conn(), &s, now().date_naive(), all)?;
            print(ctx.json, &list, |l| {
                let mut out = String::new();
                for f in l {
                    let status = match (f.reached, &f.outcome) {
                        (None, _) => "待回访".to_owned(),
                        (Some(true), Some(o)) => format!("已回访：{o}"),
                        (Some(false), Some(o)) => format!("未联系上：{o}"),
                        (Some(_), None) => "已回访".to_owned(),
                    };
                    let _ = writeln!(
                        out,
                        "{}　{}　{}　{} {}{}　{}",
                        f.number,
                        f.case_no,
                        f.matter_name,
                        f.applicant_name,
                        f.applicant_phone,
                        if f.bad_rating { "（差评）" } else { "" },
                        status
                    );
                }
                if out.is_empty() {
                    out = "没有待回访的办件".into();
                }
                out
            });
        }
        FollowupCommand::Record {
            id,
            reached,
            outcome,
        } => {
            evaluation::record_call(&mut store, &s, now(), &id, reached, &outcome)?;
            print(ctx.json, &serde_json::json!({ "recorded": id }), |_| {
                format!("回访 {id} 已记录")
            });
        }
        FollowupCommand::Sample { from, to, percent } => {
            let day = |d: Option<String>| d.as_deref().map(date).transpose();
            let period = evaluation::SamplePeriod::of(now().date_naive(), day(from)?, day(to)?);
            let drawn = evaluation::sample(&mut store, &s, now(), period, percent)?;
            print(ctx.json, &drawn, |d| {
                let mut s = format!("抽取回访 {} 件：\n", d.len());
                for (call, no) in d {
                    let _ = writeln!(s, "{call}　{no}");
                }
                s
            });
        }
    }
    Ok(())
}

fn show_complaint(k: &Complaint) -> String {
    format!(
        "投诉 {}（{}，{}）\n投诉人：{} {}\n对象：{}　类别：{}\n内容：{}\n期限：{}　状态：{}{}",
        k.complaint_id,
        k.received_on,
        k.channel,
        k.complainant_name,
        k.complainant_contact,
        k.target,
        k.category,
        k.content,
        k.deadline,
        k.state_label,
        k.result
            .as_ref()
            .map(|r| format!("\n处理结果：{r}"))
            .unwrap_or_default()
    )
}

pub(super) fn complaint(ctx: &Ctx, c: ComplaintCommand) -> Result<()> {
    let (mut store, s) = ctx.login()?;
    let t = now();
    let shown = match c {
        ComplaintCommand::Add {
            name,
            contact,
            channel,
            target,
            category,
            content,
            days,
        } => complaints::register(
            &mut store,
            &s,
            t,
            NewComplaint {
                complainant_name: name,
                complainant_contact: contact,
                channel,
                target,
                category,
                content,
                days,
            },
        )?,
        ComplaintCommand::Transfer { id, to } => complaints::transfer(&mut store, &s, t, &id, &to)?,
        ComplaintCommand::Answer {
            id,
            result,
            feedback,
        } => complaints::answer(&mut store, &s, t, &id, &result, &feedback)?,
        ComplaintCommand::Review { id, accepted } => {
            complaints::review(&mut store, &s, t, &id, accepted)?
        }
        ComplaintCommand::List { all } => {
            let list = complaints::list(store.conn(), &s, all)?;
            print(ctx.json, &list, |l| {
                l.iter()
                    .map(show_complaint)
                    .collect::<Vec<_>>()
                    .join("\n\n")
            });
            return Ok(());
        }
    };
    print(ctx.json, &shown, show_complaint);
    Ok(())
}
