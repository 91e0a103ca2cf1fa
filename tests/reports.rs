//! The daily ledger and the dashboard against activity with known answers:
//! every total checked in the CSV, the XLSX (read back with calamine, whose
//! formula results must equal the core's totals) and the PDF (pdftotext).

mod common;

use std::process::Command;

use bianmin::catalogue::versions;
use bianmin::documents::{self, DocumentKind};
use bianmin::intake;
use bianmin::lifecycle::request::{self, StepRequest};
use bianmin::reports::{self, dashboard, ledger, Format};
use bianmin::service::complaints::{self, NewComplaint};
use bianmin::service::consultation::{self, Channel, Enquiry};
use bianmin::service::evaluation::{self, Channel as Rated, Rating};
use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, NaiveDate};
use common::*;
use rust_decimal::Decimal;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// A matter with a fee: `code`, on the spot (即办) or promised in 5 days.
fn fee_matter(c: &mut Center, code: &str, on_the_spot: bool, fee: &str) {
    let (_, mut m) = versions::current(
        c.store.conn(),
        if on_the_spot { "MZ-006" } else { "MZ-005" },
    )
    .unwrap();
    m.code = code.into();
    m.name = format!("收费测试事项{code}");
    m.fee = fee.parse().unwrap();
    m.fee_basis = "测试".into();
    versions::publish(&mut c.store, &c.manager, monday(), &m).unwrap();
}

struct Known {
    c: Center,
    accepted: String,
    fee_case: String,
}

/// Monday 23rd: 2 consultations; 5 intakes (受理 ×2, 即办, 一次性告知,
/// 不予受理); fees 12.50 + 7.25; the 即办 case rated 非常满意; one complaint.
/// Tuesday 24th: the first case completed and rated 满意; a receipt reprinted.
fn known() -> Known {
    let mut c = center();
    fee_matter(&mut c, "ZZ-001", true, "12.50");
    fee_matter(&mut c, "ZZ-002", false, "7.25");
    for q in ["高龄津贴怎么申请", "低保需要什么材料"] {
        consultation::record(
            &mut c.store,
            &c.clerk,
            monday(),
            Channel::WalkIn,
            Enquiry {
                question: q.into(),
                answer: "已一次性告知".into(),
                ..Enquiry::default()
            },
        )
        .unwrap();
    }
    let rec = |c: &mut Center, a| intake::record(&mut c.store, &c.clerk, monday(), a).unwrap();
    let accepted = rec(
        &mut c,
        application("MZ-005", person("刘桂英", 1), &["1", "2", "3", "5"]),
    )
    .case_no;
    rec(&mut c, application("MZ-005", person("王秀兰", 2), &["1"]));
    let mut refused = application("MZ-005", person("赵大勇", 3), &["1", "2", "3", "5"]);
    refused.refusal_reason = Some("未满80周岁".into());
    rec(&mut c, refused);
    let spot = rec(
        &mut c,
        application("ZZ-001", person("孙玉梅", 4), &["1", "2"]),
    )
    .case_no;
    let fee_case = rec(
        &mut c,
        application("ZZ-002", person("周建华", 5), &["1", "2", "3", "5"]),
    )
    .case_no;
    let tuesday = at(2026, 11, 24);
    let rate = |c: &mut Center, when, case_no: &str, level| {
        evaluation::evaluate_case(
            &mut c.store,
            &c.clerk,
            when,
            case_no,
            &Rating {
                level,
                reasons: vec![],
                comment: String::new(),
                channel: Rated::Keypad,
            },
        )
        .unwrap()
    };
    rate(&mut c, monday(), &spot, 5);
    complaints::register(
        &mut c.store,
        &c.clerk,
        monday(),
        NewComplaint {
            complainant_name: "李明".into(),
            complainant_contact: "13800001111".into(),
            channel: "当面".into(),
            target: "3号窗口".into(),
            category: "拖延".into(),
            content: "等候时间过长".into(),
            days: None,
        },
    )
    .unwrap();
    request::take(
        &mut c.store,
        &c.clerk,
        tuesday,
        &accepted,
        StepRequest::Assign {
            to: "clerk".into(),
            forward: None,
        },
    )
    .unwrap();
    request::take(
        &mut c.store,
        &c.clerk,
        tuesday,
        &accepted,
        StepRequest::Complete {
            result: "准予".into(),
            reason: None,
        },
    )
    .unwrap();
    rate(&mut c, tuesday, &accepted, 4);
    documents::print(
        &mut c.store,
        &c.clerk,
        tuesday,
        &fee_case,
        DocumentKind::Receipt,
    )
    .unwrap();
    Known {
        c,
        accepted,
        fee_case,
    }
}

#[test]
fn the_daily_ledger_lists_the_cases_touched_and_every_total() {
    let k = known();
    let l = ledger::daily(k.c.store.conn(), day(23)).unwrap();
    assert_eq!(l.rows.len(), 5);
    let t = &l.totals;
    assert_eq!(t.consultations, 2);
    assert_eq!(
        (t.received, t.accepted, t.on_the_spot, t.notice, t.refused),
        (5, 2, 1, 1, 1)
    );
    assert_eq!(
        (t.completions, t.on_time_completions, t.overdue_open),
        (1, 1, 0)
    );
    assert_eq!(t.fees, "19.75".parse::<Decimal>().unwrap());
    let by_level: Vec<i64> = t.evaluations.iter().map(|e| e.2).collect();
    assert_eq!(by_level, vec![1, 0, 0, 0, 0]);
    assert_eq!((t.complaints_opened, t.complaints_closed), (1, 0));

    // Tuesday: the completed case and the reprinted one, nothing received.
    let l2 = ledger::daily(k.c.store.conn(), day(24)).unwrap();
    let nos: Vec<&str> = l2.rows.iter().map(|r| r.case_no.as_str()).collect();
    assert_eq!(nos, vec![k.accepted.as_str(), k.fee_case.as_str()]);
    let done = &l2.rows[0];
    assert_eq!(done.on_time, Some(true));
    assert_eq!(done.completed_on, Some(day(24)));
    assert_eq!(done.evaluation, Some("满意"));
    // 高龄津贴 taken Monday 23rd is due 5 working days later, Monday 30th;
    // completed Tuesday 24th it is 4 working days early.
    assert_eq!(done.due_date, Some(day(30)));
    assert_eq!(done.days_saved, Some(4));
    assert_eq!(
        (
            l2.totals.received,
            l2.totals.completions,
            l2.totals.on_time_completions
        ),
        (0, 1, 1)
    );
    assert_eq!(l2.totals.fees, Decimal::ZERO);
    let by_level: Vec<i64> = l2.totals.evaluations.iter().map(|e| e.2).collect();
    assert_eq!(by_level, vec![0, 1, 0, 0, 0]);
}

#[test]
fn csv_xlsx_and_pdf_carry_the_same_totals() {
    let k = known();
    let dir = tempfile::tempdir().unwrap();
    let now = at(2026, 11, 23);
    let out = |ext: &str| dir.path().join(format!("ledger.{ext}"));

    // Only a manager exports the ledger.
    let err = reports::export_ledger(
        &k.c.store,
        &k.c.clerk,
        now,
        day(23),
        Format::Csv,
        &out("csv"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("中心负责人"), "{err}");
    assert!(!out("csv").exists());

    let w = reports::export_ledger(
        &k.c.store,
        &k.c.manager,
        now,
        day(23),
        Format::Csv,
        &out("csv"),
    )
    .unwrap();
    assert_eq!(w.rows, 5);
    let csv = std::fs::read_to_string(out("csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'), "UTF-8 with BOM");
    for line in [
        "收费合计(元),19.75",
        "接件,5",
        "受理,2",
        "即办,1",
        "一次性告知,1",
        "不予受理,1",
        "办结,1",
        "按时办结,1",
        "咨询,2",
        "评价：非常满意,1",
        "评价：满意,0",
        "投诉受理,1",
    ] {
        assert!(
            csv.contains(&format!("{line}\r\n")),
            "CSV lacks {line}:\n{csv}"
        );
    }
    assert!(csv.contains("刘桂英"), "the CSV keeps full names");

    reports::export_ledger(
        &k.c.store,
        &k.c.manager,
        now,
        day(23),
        Format::Xlsx,
        &out("xlsx"),
    )
    .unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook(out("xlsx")).unwrap();
    let sheet = book.worksheet_range("日台账").unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    // Header on row 2, five case rows, then the totals.
    assert_eq!(cell(1, 0), Data::String("办件编号".into()));
    let mut totals = std::collections::HashMap::new();
    for r in 0..sheet.height() as u32 {
        if let Data::String(label) = cell(r, 0) {
            if let Data::Float(v) = cell(r, 1) {
                totals.insert(label, v);
            }
        }
    }
    for (label, value) in [
        ("接件", 5.0),
        ("受理", 2.0),
        ("即办", 1.0),
        ("一次性告知", 1.0),
        ("不予受理", 1.0),
        ("办结", 1.0),
        ("按时办结", 1.0),
        ("收费合计(元)", 19.75),
        ("咨询", 2.0),
        ("评价：非常满意", 1.0),
        ("投诉受理", 1.0),
    ] {
        assert_eq!(totals.get(label), Some(&value), "XLSX {label}: {totals:?}");
    }
    // Dates are real date cells; money a number.
    assert!(
        matches!(cell(2, 13), Data::DateTime(_)),
        "{:?}",
        cell(2, 13)
    );
    assert!(matches!(cell(2, 11), Data::Float(_)), "{:?}", cell(2, 11));
    let formulas = book.worksheet_formula("日台账").unwrap();
    let fee_formula = formulas
        .rows()
        .flatten()
        .find(|f| f.contains("SUMIFS"))
        .cloned()
        .unwrap_or_default();
    assert!(
        fee_formula.contains("SUMIFS"),
        "the fee total is a formula: {fee_formula}"
    );

    reports::export_ledger(
        &k.c.store,
        &k.c.manager,
        now,
        day(23),
        Format::Pdf,
        &out("pdf"),
    )
    .unwrap();
    let text = Command::new("pdftotext")
        .args(["-layout", out("pdf").to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    let compact: String = text.split_whitespace().collect();
    for needle in [
        "日台账",
        "2026年11月23日",
        "收费合计(元)",
        "19.75",
        "第1页共1页",
        "中心负责人（签字）",
        "刘*英",
    ] {
        assert!(compact.contains(needle), "PDF lacks {needle}:\n{text}");
    }
    assert!(!text.contains("刘桂英"), "the PDF masks applicants' names");
    let info = Command::new("pdfinfo").arg(out("pdf")).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("841.89 x 595.27"), "A4 landscape: {info}");
}

#[test]
fn a_ledger_with_many_cases_repeats_its_header_on_every_page() {
    let mut c = center();
    for n in 0..60 {
        intake::record(
            &mut c.store,
            &c.clerk,
            monday(),
            application("MZ-005", person("刘桂英", n), &["1", "2", "3", "5"]),
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("l.pdf");
    reports::export_ledger(&c.store, &c.manager, monday(), day(23), Format::Pdf, &out).unwrap();
    let text = Command::new("pdftotext")
        .args(["-layout", out.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 2, "60 cases take more than one page");
    let compact: String = text.split_whitespace().collect();
    assert!(
        compact.contains(&format!("第{pages}页共{pages}页")),
        "{text}"
    );
    let headers = text.matches("办件编号").count();
    assert_eq!(headers, pages, "the header repeats on each page");
}

#[test]
fn the_dashboard_counts_the_queue_today_and_the_month() {
    let k = known();
    let err = dashboard::today(k.c.store.conn(), &k.c.clerk, day(24)).unwrap_err();
    assert!(err.to_string().contains("中心负责人"), "{err}");
    let d = dashboard::today(k.c.store.conn(), &k.c.manager, day(24)).unwrap();
    // Open: the ZZ-002 case (due 12-01); the first case is completed.
    assert_eq!(
        (d.queue.red, d.queue.yellow + d.queue.green, d.queue.paused),
        (0, 1, 0)
    );
    assert_eq!(d.counts.completed, 1);
    assert_eq!(d.month.received, 5);
    assert_eq!(
        (d.month.completed, d.month.on_time, d.month.on_the_spot),
        (2, 2, 1)
    );
    assert_eq!(d.month.on_time_rate, Some(1.0));
    assert_eq!(d.month.satisfaction_rate, Some(1.0));
    assert!(d.most_overdue.is_empty());
    // Two weeks on, the open case is red and listed as most overdue.
    let later = dashboard::today(
        k.c.store.conn(),
        &k.c.manager,
        day(30) + chrono::Days::new(7),
    )
    .unwrap();
    assert_eq!(later.queue.red, 1);
    assert_eq!(later.most_overdue[0].case.case_no, k.fee_case);
}

/// October 2026 — the National Day week (Oct 1–7) included — with known
/// answers: a case taken Sep 30 and completed after the holiday, intakes of
/// every outcome by two clerks and a village agent, an overdue open case,
/// a reprint, ratings, consultations and a complaint naming a case.
fn october() -> Center {
    use bianmin::auth::users::{self, NewUser};
    use bianmin::auth::Role;
    use bianmin::intake::Proxy;
    let mut c = center();
    let tz = |d: u32, h: u32| at(2026, 10, d) + chrono::Duration::hours(i64::from(h));
    users::add(
        &mut c.store,
        &c.admin,
        at(2026, 9, 1),
        &NewUser {
            username: "clerk2".into(),
            display_name: "李强".into(),
            staff_no: "0103".into(),
            role: Role::Clerk,
            password: "clerk2-pass".into(),
        },
    )
    .unwrap();
    users::add(
        &mut c.store,
        &c.admin,
        at(2026, 9, 1),
        &NewUser {
            username: "agent".into(),
            display_name: "赵村代".into(),
            staff_no: "V301".into(),
            role: Role::Agent,
            password: "agent-pass".into(),
        },
    )
    .unwrap();
    let clerk2 = users::verify_credentials(c.store.conn(), "clerk2", "clerk2-pass").unwrap();
    let agent = users::verify_credentials(c.store.conn(), "agent", "agent-pass").unwrap();
    let full = ["1", "2", "3", "5"];
    // Sep 30: due Oct 14 (5 working days after the holiday week); completed Oct 9.
    let sep = intake::record(
        &mut c.store,
        &c.clerk,
        at(2026, 9, 30),
        application("MZ-005", person("刘桂英", 1), &full),
    )
    .unwrap()
    .case_no;
    request::take(
        &mut c.store,
        &c.clerk,
        tz(9, 0),
        &sep,
        StepRequest::Assign {
            to: "clerk".into(),
            forward: None,
        },
    )
    .unwrap();
    request::take(
        &mut c.store,
        &c.clerk,
        tz(9, 1),
        &sep,
        StepRequest::Complete {
            result: "准予".into(),
            reason: None,
        },
    )
    .unwrap();
    let mut n = 10;
    for d in [9u32, 12, 13, 14, 15, 16, 19, 20] {
        for (who, outcome) in [
            (&c.clerk.clone(), "accepted"),
            (&clerk2, "spot"),
            (&c.clerk.clone(), "notice"),
        ] {
            n += 1;
            let a = match outcome {
                "accepted" => application("MZ-005", person("王秀兰", n), &full),
                "spot" => application("MZ-006", person("孙玉梅", n), &["1", "2"]),
                _ => application("MZ-005", person("周建华", n), &["1"]),
            };
            let r = intake::record(&mut c.store, who, tz(d, 0), a).unwrap();
            if outcome == "accepted" && d != 12 {
                // Completed two days later (d = 12 stays open: overdue by month end).
                let done = tz(d, 0).date_naive() + chrono::Days::new(2);
                let when = at(2026, 10, done.day());
                request::take(
                    &mut c.store,
                    who,
                    when,
                    &r.case_no,
                    StepRequest::Assign {
                        to: who.username.clone(),
                        forward: None,
                    },
                )
                .unwrap();
                request::take(
                    &mut c.store,
                    who,
                    when,
                    &r.case_no,
                    StepRequest::Complete {
                        result: "准予".into(),
                        reason: None,
                    },
                )
                .unwrap();
            }
            if outcome == "spot" {
                let level = if d == 13 { 2 } else { 5 };
                evaluation::evaluate_case(
                    &mut c.store,
                    who,
                    tz(d, 1),
                    &r.case_no,
                    &Rating {
                        level,
                        reasons: vec![],
                        comment: String::new(),
                        channel: Rated::Keypad,
                    },
                )
                .unwrap();
            }
        }
    }
    let mut refused = application("MZ-005", person("赵大勇", 40), &full);
    refused.refusal_reason = Some("未满80周岁".into());
    let refused = intake::record(&mut c.store, &clerk2, tz(21, 0), refused)
        .unwrap()
        .case_no;
    documents::print(
        &mut c.store,
        &clerk2,
        tz(22, 0),
        &refused,
        DocumentKind::Refusal,
    )
    .unwrap();
    documents::print(
        &mut c.store,
        &clerk2,
        tz(23, 0),
        &refused,
        DocumentKind::Refusal,
    )
    .unwrap();
    let mut by_agent = application("MZ-005", person("吴秀英", 41), &full);
    by_agent.proxy = Some(Proxy {
        person: person("赵村代", 42),
        relation: "村代办员".into(),
    });
    intake::record(&mut c.store, &agent, tz(26, 0), by_agent).unwrap();
    for d in [9u32, 26] {
        consultation::record(
            &mut c.store,
            &c.clerk,
            tz(d, 2),
            Channel::Phone,
            Enquiry {
                question: "办理时间".into(),
                answer: "工作日办理".into(),
                ..Enquiry::default()
            },
        )
        .unwrap();
    }
    complaints::register(
        &mut c.store,
        &c.clerk,
        tz(27, 0),
        NewComplaint {
            complainant_name: "李明".into(),
            complainant_contact: "13800001111".into(),
            channel: "电话".into(),
            target: refused.clone(),
            category: "态度".into(),
            content: "态度生硬".into(),
            days: None,
        },
    )
    .unwrap();
    c
}

#[test]
fn the_monthly_totals_equal_the_sum_of_the_daily_ledgers() {
    use bianmin::reports::monthly;
    let c = october();
    let m = monthly::report(c.store.conn(), 2026, 10).unwrap();
    let mut sum = ledger::Totals::default();
    let mut levels = [0i64; 5];
    let mut d = day(1).with_month(10).unwrap();
    while d.month() == 10 {
        let t = ledger::daily(c.store.conn(), d).unwrap().totals;
        sum.consultations += t.consultations;
        sum.received += t.received;
        sum.accepted += t.accepted;
        sum.on_the_spot += t.on_the_spot;
        sum.notice += t.notice;
        sum.refused += t.refused;
        sum.completions += t.completions;
        sum.on_time_completions += t.on_time_completions;
        sum.fees += t.fees;
        sum.complaints_opened += t.complaints_opened;
        for (i, e) in t.evaluations.iter().enumerate() {
            levels[i] += e.2;
        }
        d = d.succ_opt().unwrap();
    }
    let t = &m.totals;
    assert_eq!(
        (t.received, t.accepted, t.on_the_spot, t.notice, t.refused),
        (
            sum.received,
            sum.accepted,
            sum.on_the_spot,
            sum.notice,
            sum.refused
        )
    );
    assert_eq!(
        (t.completed, t.on_time),
        (sum.completions, sum.on_time_completions)
    );
    assert_eq!(
        (t.fees, m.consultations, t.complaints),
        (sum.fees, sum.consultations, sum.complaints_opened)
    );
    let month_levels: Vec<i64> = m.evaluations_by_level.iter().map(|e| e.2).collect();
    assert_eq!(month_levels, levels.to_vec());
    // And the known answers: 8 days × 3 intakes + a refusal + the agent's case.
    assert_eq!(
        (t.received, t.accepted, t.on_the_spot, t.notice, t.refused),
        (26, 9, 8, 8, 1)
    );
    // Completed: Sep 30's case, 7 of 8 accepted, 8 on the spot — all on time.
    assert_eq!((t.completed, t.on_time), (16, 16));
    assert_eq!(t.on_time_rate(), Some(1.0));
    assert_eq!((t.evaluations, t.satisfied), (8, 7));
    assert_eq!(t.complaints, 1);
    // 现场办结率 = 8 / (9 + 8).
    assert!((t.on_the_spot_rate().unwrap() - 8.0 / 17.0).abs() < 1e-9);
    // Per matter and per clerk add up to the totals.
    assert_eq!(
        m.by_matter.iter().map(|l| l.received).sum::<i64>(),
        t.received
    );
    assert_eq!(
        m.by_clerk.iter().map(|l| l.received).sum::<i64>(),
        t.received
    );
    assert_eq!(m.by_clerk.len(), 3, "two clerks and the agent");
    let agent = m
        .by_clerk
        .iter()
        .find(|l| l.name.contains("赵村代"))
        .unwrap();
    assert_eq!(agent.received, 1);
    // The complaint names the refused case: it counts against 李强.
    let li = m.by_clerk.iter().find(|l| l.name.contains("李强")).unwrap();
    assert_eq!(li.complaints, 1);
    assert_eq!(m.top_matters[0].name, "高龄津贴申请");
    assert_eq!(m.by_day.len(), 31);
    assert_eq!(
        m.by_day[0].received + m.by_day[6].received,
        0,
        "the holiday week is empty"
    );
    // The overdue case taken Oct 12 shows on the dashboard at month end.
    let dash = dashboard::today(
        c.store.conn(),
        &c.manager,
        NaiveDate::from_ymd_opt(2026, 10, 30).unwrap(),
    )
    .unwrap();
    assert!(dash.queue.red >= 1);
}

#[test]
fn the_monthly_report_opens_as_xlsx_and_pdf_with_its_charts() {
    let c = october();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("m.xlsx");
    let pdf = dir.path().join("m.pdf");
    let now = at(2026, 11, 2);
    let err = reports::export_monthly(&c.store, &c.clerk, now, (2026, 10), Format::Pdf, &pdf)
        .unwrap_err();
    assert!(err.to_string().contains("中心负责人"), "{err}");
    reports::export_monthly(&c.store, &c.manager, now, (2026, 10), Format::Xlsx, &xlsx).unwrap();
    reports::export_monthly(&c.store, &c.manager, now, (2026, 10), Format::Pdf, &pdf).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["汇总", "按事项", "按人员", "前十事项", "每日"]
    );
    let sheet = book.worksheet_range("汇总").unwrap();
    assert_eq!(sheet.get_value((1, 1)), Some(&Data::Float(26.0)));
    assert_eq!(
        sheet.get_value((1, 7)),
        Some(&Data::Float(1.0)),
        "on-time rate 100%"
    );
    let text = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text: String = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect();
    for needle in [
        "月报",
        "2026年10月",
        "每日接件量",
        "每日按时办结率",
        "评价分布",
        "按事项",
        "按人员",
        "接件量前十的事项",
        "高龄津贴申请",
        "中心负责人（签字）",
    ] {
        assert!(text.contains(needle), "PDF lacks {needle}: {text}");
    }
    if std::env::var_os("BIANMIN_REPORT_PDF").is_some() {
        std::fs::copy(&pdf, std::env::var_os("BIANMIN_REPORT_PDF").unwrap()).unwrap();
    }
}

/// Splits RFC 4180 text (CRLF rows, `"` quoting, `""` escapes) into rows.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, _) => field.push(ch),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, _) => field.push(ch),
        }
    }
    rows
}

#[test]
fn hostile_text_round_trips_through_the_ledgers_csv_and_xlsx() {
    let mut c = center();
    let long = "杨庄村东头".repeat(400);
    assert_eq!(long.chars().count(), 2000);
    // The matter name carries the 2 000-character text; the applicant
    // names (at most 100 characters) carry the rest.
    let (_, mut m) = versions::current(c.store.conn(), "ZJ-001").unwrap();
    m.code = "ZZ-009".into();
    m.name = long.clone();
    versions::publish(&mut c.store, &c.manager, monday(), &m).unwrap();
    let names = [
        "'; DROP TABLE cases;--",
        "<script>alert(1)</script>",
        "引号\"单引号'反斜杠\\，逗号,换行",
        // Names the print fonts cannot draw (Hebrew, emoji) are refused at
        // intake now; formula injection is printable and still tried.
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "𠮷䶮𪚥",
        "=HYPERLINK(\"http://x\")",
    ];
    let mut cases = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let app = application("ZZ-009", person(name, 50 + i as u32), &[]);
        let mut app = app;
        app.refusal_reason = Some("材料不属于本中心受理范围".into());
        let r = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap();
        cases.push((r.case_no, name.to_string()));
    }
    let dir = tempfile::tempdir().unwrap();
    let (csv_path, xlsx_path) = (dir.path().join("l.csv"), dir.path().join("l.xlsx"));
    let today = monday().date_naive();
    reports::export_ledger(
        &c.store,
        &c.manager,
        monday(),
        today,
        Format::Csv,
        &csv_path,
    )
    .unwrap();
    reports::export_ledger(
        &c.store,
        &c.manager,
        monday(),
        today,
        Format::Xlsx,
        &xlsx_path,
    )
    .unwrap();

    let text = std::fs::read_to_string(&csv_path).unwrap();
    let rows = parse_csv(text.trim_start_matches('\u{feff}'));
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    let sheet = book.worksheet_range(&book.sheet_names()[0]).unwrap();
    let cell = |r: usize, col: u32| match sheet.get_value((r as u32, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("row {r} column {col}: {other:?}"),
    };
    for (case_no, name) in &cases {
        let row = rows
            .iter()
            .find(|r| r.first() == Some(case_no))
            .unwrap_or_else(|| panic!("{case_no} not in the CSV"));
        assert_eq!(row[1], long, "the matter name, whole, in the CSV");
        // A leading "=" or "@" is guarded by an apostrophe: shown, never run.
        let shown = if name.starts_with(['=', '@']) {
            format!("'{name}")
        } else {
            name.clone()
        };
        assert_eq!(&row[2], &shown, "the applicant in the CSV");
        let r = (0..sheet.height())
            .find(|&r| matches!(sheet.get_value((r as u32, 0)), Some(Data::String(s)) if s == case_no))
            .unwrap_or_else(|| panic!("{case_no} not in the XLSX"));
        assert_eq!(cell(r, 1), long, "the matter name in the XLSX");
        assert_eq!(&cell(r, 2), name, "the applicant in the XLSX, as text");
    }
}

/// A PDF's text without its spaces and line breaks (pdftotext).
fn compact_text(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect()
}

#[test]
fn an_unprintable_character_in_older_data_prints_a_placeholder_instead_of_failing_the_day() {
    let mut c = center();
    let no = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("刘桂英", 1), &["1", "2", "3", "5"]),
    )
    .unwrap()
    .case_no;
    intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("王秀兰", 2), &["1", "2", "3", "5"]),
    )
    .unwrap();
    // A name stored before every entry point refused what the fonts cannot
    // draw (the CLI without --print did): put into the table as it was.
    c.store
        .conn()
        .execute(
            "UPDATE cases SET applicant_name = '👨李四' WHERE case_no = ?1",
            [&no],
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("l.pdf");
    reports::export_ledger(&c.store, &c.manager, monday(), day(23), Format::Pdf, &out).unwrap();
    let text = compact_text(&out);
    assert!(text.contains("〔U+1F468〕"), "{text}");
    assert!(
        text.contains("王*兰"),
        "the rest of the day is there: {text}"
    );
    // The case's own papers print too, with the same placeholder.
    let receipt =
        documents::print(&mut c.store, &c.clerk, monday(), &no, DocumentKind::Receipt).unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, &receipt.pdf).unwrap();
    let text = compact_text(&path);
    assert!(text.contains("〔U+1F468〕"), "{text}");
}
