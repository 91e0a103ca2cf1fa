//! 办事指南 (A4) for the applicant: one matter's — name, department,
//! conditions, every material (form, copies, required or not, note), steps,
//! promised and statutory limits, fee and its basis, legal basis, where and
//! when, consultation and complaint phones — or the whole catalogue of
//! matters that may be taken in as one booklet (公示) with a contents page.
//!
//! A guide is not a case's document: its print is a `guide.printed` event
//! naming the matters and versions printed, the SHA-256 of the PDF and its
//! pages, recorded in the same transaction as the delivery, so a guide that
//! did not reach its file records nothing.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::facts::{chinese_date, or_dash};
use super::flow::{Column, Flow};
use super::layout::{render as render_pdf, Align, Rendered, Style};
use super::DocumentError;
use crate::auth::{Action, Session};
use crate::catalogue::{versions, withdrawal, Matter};
use crate::center::{self, CenterProfile};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// Layout version, recorded with every print.
pub const TEMPLATE: &str = "guide-v1";

const BODY: Style = Style::regular(11.0);
const SMALL: Style = Style::regular(10.0);

/// Which guide to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "of", content = "code")]
pub enum Guide {
    /// One matter's guide, by its code.
    Matter(String),
    /// Every matter that may be taken in, as one booklet (公示).
    Booklet,
}

/// A matter as printed: its code and the version the text came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedMatter {
    pub code: String,
    pub version: i64,
}

/// Payload of `guide.printed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidePrinted {
    pub booklet: bool,
    pub matters: Vec<PrintedMatter>,
    pub template: String,
    pub sha256: String,
    pub bytes: u64,
    pub pages: u32,
}

/// A printed guide, with its PDF.
#[derive(Clone, Serialize)]
pub struct PrintedGuide {
    pub title: String,
    pub booklet: bool,
    pub matters: usize,
    pub pages: usize,
    pub sha256: String,
    pub path: String,
    #[serde(skip)]
    pub pdf: Vec<u8>,
}

impl std::fmt::Debug for PrintedGuide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrintedGuide")
            .field("title", &self.title)
            .field("matters", &self.matters)
            .field("pages", &self.pages)
            .field("path", &self.path)
            .finish()
    }
}

/// What every page of a guide needs besides the matter.
struct Center {
    name: String,
    profile: CenterProfile,
}

fn center(conn: &Connection) -> crate::Result<Center> {
    let profile = center::load(conn)?;
    Ok(Center {
        name: profile.name.clone(),
        profile,
    })
}

/// "不收费", or "20.00 元".
fn fee_text(m: &Matter) -> String {
    if m.fee.is_zero() {
        "不收费".to_owned()
    } else {
        format!("{} 元", m.fee.round_dp(2))
    }
}

fn limit_text(days: u32) -> String {
    if days == 0 {
        "即办（当场办结）".to_owned()
    } else {
        format!("{days} 个工作日")
    }
}

/// One matter's guide, from the top of the current page.
fn matter_pages(
    flow: &mut Flow,
    c: &Center,
    m: &Matter,
    version: i64,
) -> Result<(), DocumentError> {
    flow.paragraph(0.0, Style::bold(13.0), Align::Center, &c.name)?;
    flow.gap(2.0);
    flow.paragraph(0.0, Style::bold(18.0), Align::Center, &m.name)?;
    flow.paragraph(0.0, Style::bold(15.0), Align::Center, "办事指南")?;
    flow.gap(4.0);
    flow.field(
        "事项编码：",
        &format!("{}（事项清单第 {version} 版）", m.code),
        BODY,
    )?;
    for (label, code) in [
        ("基本编码：", &m.basic_code),
        ("实施编码：", &m.implementation_code),
        ("业务办理项编码：", &m.handling_item_code),
    ] {
        if !code.is_empty() {
            flow.field(label, code, BODY)?;
        }
    }
    flow.field("实施部门：", &m.department, BODY)?;
    flow.field("办件类型：", m.case_type.label(), BODY)?;
    flow.field("承诺时限：", &limit_text(m.promised_days), BODY)?;
    flow.field("法定时限：", &limit_text(m.statutory_days), BODY)?;
    flow.field("收费标准：", &fee_text(m), BODY)?;
    if !m.fee.is_zero() {
        flow.field("收费依据：", or_dash(&m.fee_basis), BODY)?;
    }
    flow.field(
        "办理方式：",
        if m.in_person_only {
            "须申请人本人到场办理，不可代办"
        } else {
            "可本人办理，也可委托他人代办（代办人携带本人身份证件）"
        },
        BODY,
    )?;
    let pickup: Vec<&str> = m.pickup_methods.iter().map(|p| p.label()).collect();
    flow.field("结果领取方式：", &pickup.join("、"), BODY)?;

    section(flow, "一、受理条件")?;
    flow.body(BODY, or_dash(&m.conditions))?;

    section(flow, "二、申请材料")?;
    let columns = [
        Column {
            title: "序号",
            width: 12.0,
            align: Align::Center,
        },
        Column {
            title: "材料名称",
            width: 62.0,
            align: Align::Left,
        },
        Column {
            title: "形式",
            width: 26.0,
            align: Align::Center,
        },
        Column {
            title: "份数",
            width: 12.0,
            align: Align::Center,
        },
        Column {
            title: "是否必交",
            width: 18.0,
            align: Align::Center,
        },
        Column {
            title: "备注",
            width: 36.0,
            align: Align::Left,
        },
    ];
    let rows: Vec<Vec<String>> = m
        .materials
        .iter()
        .enumerate()
        .map(|(i, x)| {
            vec![
                (i + 1).to_string(),
                x.name.clone(),
                x.form.label().to_owned(),
                x.copies.to_string(),
                if x.required { "必交" } else { "选交" }.to_owned(),
                x.note.clone(),
            ]
        })
        .collect();
    flow.table(&columns, &rows, SMALL)?;

    section(flow, "三、办理流程")?;
    if m.steps.is_empty() {
        flow.body(BODY, "窗口受理—审查—决定—送达。")?;
    }
    for (i, step) in m.steps.iter().enumerate() {
        flow.paragraph(4.0, BODY, Align::Left, &format!("{}. {step}", i + 1))?;
    }

    section(flow, "四、设定依据")?;
    for basis in &m.legal_basis {
        flow.paragraph(
            4.0,
            BODY,
            Align::Left,
            &format!("{}{}", basis.law, basis.article),
        )?;
    }

    section(flow, "五、办理地点和时间")?;
    let address = c.profile.address.trim();
    let place = if address.contains(c.name.as_str()) {
        address.to_owned()
    } else if address.is_empty() {
        c.name.clone()
    } else {
        format!("{}（{address}）", c.name)
    };
    flow.field("办理地点：", &place, BODY)?;
    flow.field("办理时间：", &c.profile.office_hours, BODY)?;
    flow.field("咨询电话：", or_dash(&c.profile.phone), BODY)?;
    flow.field("投诉电话：", or_dash(&c.profile.complaint_phone), BODY)?;
    Ok(())
}

fn section(flow: &mut Flow, title: &str) -> Result<(), DocumentError> {
    flow.gap(3.0);
    flow.ensure(16.0)?;
    flow.paragraph(0.0, Style::bold(12.0), Align::Left, title)?;
    flow.gap(1.0);
    Ok(())
}

/// Renders one matter's guide (no database access besides what is given).
fn render_matter(
    c: &Center,
    m: &Matter,
    version: i64,
    now: DateTime<FixedOffset>,
) -> Result<Rendered, DocumentError> {
    let mut flow = Flow::new(&format!("{} 办事指南（续）", m.name))?;
    matter_pages(&mut flow, c, m, version)?;
    render_pdf(
        &flow.finish(),
        &format!("办事指南 {}", m.name),
        &m.code,
        &c.name,
        now,
    )
}

/// Renders the booklet: a cover with the contents, then every matter from
/// a fresh page.
fn render_booklet(
    c: &Center,
    matters: &[(i64, Matter)],
    now: DateTime<FixedOffset>,
) -> Result<Rendered, DocumentError> {
    let title = format!("{}办事指南汇编", c.name);
    let mut flow = Flow::new(&title)?;
    flow.gap(30.0);
    flow.paragraph(0.0, Style::bold(20.0), Align::Center, &c.name)?;
    flow.gap(4.0);
    flow.paragraph(
        0.0,
        Style::bold(24.0),
        Align::Center,
        "政务服务事项办事指南",
    )?;
    flow.paragraph(0.0, Style::regular(14.0), Align::Center, "（公示）")?;
    flow.gap(6.0);
    flow.paragraph(
        0.0,
        BODY,
        Align::Center,
        &format!(
            "共 {} 个事项　{}",
            matters.len(),
            chinese_date(now.date_naive())
        ),
    )?;
    flow.gap(10.0);
    flow.paragraph(0.0, Style::bold(13.0), Align::Left, "目　录")?;
    flow.gap(1.0);
    let columns = [
        Column {
            title: "序号",
            width: 14.0,
            align: Align::Center,
        },
        Column {
            title: "事项编码",
            width: 30.0,
            align: Align::Left,
        },
        Column {
            title: "事项名称",
            width: 82.0,
            align: Align::Left,
        },
        Column {
            title: "承诺时限",
            width: 40.0,
            align: Align::Center,
        },
    ];
    let rows: Vec<Vec<String>> = matters
        .iter()
        .enumerate()
        .map(|(i, (_, m))| {
            vec![
                (i + 1).to_string(),
                m.code.clone(),
                m.name.clone(),
                limit_text(m.promised_days),
            ]
        })
        .collect();
    flow.table(&columns, &rows, SMALL)?;
    flow.contact(&c.profile)?;
    for (version, m) in matters {
        flow.fresh_page()?;
        matter_pages(&mut flow, c, m, *version)?;
    }
    render_pdf(&flow.finish(), &title, "办事指南汇编", &c.name, now)
}

/// The matters a guide prints: one (refused when withdrawn: nobody may
/// apply for it), or every matter that may be taken in, by code.
fn matters_of(conn: &Connection, guide: &Guide) -> crate::Result<Vec<(i64, Matter)>> {
    match guide {
        Guide::Matter(code) => Ok(vec![withdrawal::open_for_intake(conn, code)?]),
        Guide::Booklet => {
            let mut out = Vec::new();
            for s in versions::list(conn)? {
                if !s.withdrawn {
                    out.push(versions::current(conn, &s.code)?);
                }
            }
            if out.is_empty() {
                return Err(DocumentError::NothingToPrint.into());
            }
            Ok(out)
        }
    }
}

/// The file a guide is written to in the day's documents folder.
fn file_name(guide: &Guide, now: DateTime<FixedOffset>) -> String {
    let at = now.format("%H%M%S");
    match guide {
        Guide::Matter(code) => format!("办事指南-{}-{at}.pdf", code.trim()),
        Guide::Booklet => format!("办事指南汇编-{at}.pdf"),
    }
}

/// Prints a guide into the folder `dir` (made, private, if missing): renders
/// it (refusing text no font can print), writes the file whole, and records
/// the print — all in one transaction, so a guide that was not written
/// records nothing. Clerks and managers may print guides.
pub fn print_into(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    guide: &Guide,
    dir: &std::path::Path,
) -> crate::Result<PrintedGuide> {
    session.authorize(store.conn(), Action::PrintDocuments)?;
    store.write(|tx| {
        let matters = matters_of(tx, guide)?;
        let c = center(tx)?;
        let booklet = *guide == Guide::Booklet;
        let (rendered, title) = match &matters[..] {
            [(version, m)] if !booklet => (
                render_matter(&c, m, *version, now)?,
                format!("{} 办事指南", m.name),
            ),
            _ => (
                render_booklet(&c, &matters, now)?,
                "办事指南汇编".to_owned(),
            ),
        };
        let sha256 = hex::encode(Sha256::digest(&rendered.bytes));
        crate::paths::create_private_dir(dir).map_err(|e| StoreError::file(dir, e))?;
        let path = dir.join(file_name(guide, now));
        crate::files::write_atomic(&path, &rendered.bytes)?;
        let payload = GuidePrinted {
            booklet,
            matters: matters
                .iter()
                .map(|(version, m)| PrintedMatter {
                    code: m.code.clone(),
                    version: *version,
                })
                .collect(),
            template: TEMPLATE.to_owned(),
            sha256: sha256.clone(),
            bytes: rendered.bytes.len() as u64,
            pages: rendered.pages as u32,
        };
        let draft = Draft::new(&session.user_id, None, GUIDE_PRINTED, &payload)?;
        events::append_here(tx, now, draft)?;
        Ok(PrintedGuide {
            title,
            booklet,
            matters: matters.len(),
            pages: rendered.pages,
            sha256,
            path: path.display().to_string(),
            pdf: rendered.bytes,
        })
    })
}

/// A 办事指南 printed (payload [`GuidePrinted`]).
pub const GUIDE_PRINTED: &str = "guide.printed";

/// documents::guide's table follows its events.
pub const PROJECTOR: Projector = Projector {
    area: "documents::guide",
    kinds: &[GUIDE_PRINTED],
    tables: &["printed_guides"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: GuidePrinted) -> crate::Result<()> {
    let matters: Vec<String> = p
        .matters
        .iter()
        .map(|m| format!("{}@{}", m.code, m.version))
        .collect();
    tx.execute(
        "INSERT INTO printed_guides (event_id, booklet, matters, template, sha256, bytes, pages, printed_at, printed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            event.event_id,
            p.booklet,
            matters.join(","),
            p.template,
            p.sha256,
            p.bytes as i64,
            p.pages,
            event.ts,
            event.user_id
        ],
    )?;
    Ok(())
}
