//! 一件事 intake: one application for every matter of a bundle
//! ([`crate::catalogue::bundle`]), its materials ticked once from the
//! bundle's shared pool. Each matter becomes its own case, decided by the
//! one rule of [`super::decision`], numbered and dated as any case; all of
//! them are committed in one transaction or none is. The cases carry the
//! bundle's id, so each knows its siblings.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::decision::Outcome;
use super::record::{record_linked, IntakeResult};
use super::{Application, IntakeError, Proxy};
use crate::applicant::Person;
use crate::auth::Session;
use crate::catalogue::bundle::{self, Bundle, PoolMaterial};
use crate::catalogue::{versions, Matter};
use crate::lifecycle::State;
use crate::store::{Store, StoreError};

/// What a case of a bundle records of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRef {
    /// One id per bundle intake: the siblings share it.
    pub id: String,
    pub code: String,
    pub name: String,
}

/// A bundle application as entered at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleApplication {
    pub bundle_code: String,
    pub applicant: Person,
    pub proxy: Option<Proxy>,
    /// The materials brought: 1-based positions in the bundle's pool
    /// ([`bundle::pool`]), or full names.
    pub provided: Vec<String>,
    /// 容缺受理 asked for, for every matter where it applies.
    #[serde(default)]
    pub tolerate: bool,
    /// 告知承诺制: pool materials (positions or names) promised instead of
    /// brought, for every matter that accepts the promise.
    #[serde(default)]
    pub promised: Vec<String>,
}

/// A missing material of a bundle intake, listed once with the matters
/// that lack it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleMissing {
    pub name: String,
    pub form: String,
    pub copies: u32,
    pub note: String,
    pub matters: Vec<String>,
}

/// What the counter shows and prints after a bundle intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleResult {
    pub bundle: BundleRef,
    /// One per matter, in the bundle's order; the first is the lead case
    /// the bundle's papers are printed and recorded on.
    pub cases: Vec<IntakeResult>,
    /// Every required material missing for some matter, once.
    pub missing: Vec<BundleMissing>,
}

impl BundleResult {
    /// The case the bundle's papers are recorded on.
    pub fn lead_case_no(&self) -> &str {
        self.cases.first().map(|c| c.case_no.as_str()).unwrap_or("")
    }
}

/// A bundle and its shared pool, as the intake form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleForm {
    pub code: String,
    pub name: String,
    pub note: String,
    /// Its matters at their current version: code, name, type, promise.
    pub matters: Vec<BundleMatter>,
    pub pool: Vec<PoolMaterial>,
    /// Whether the form offers 容缺受理 (here, for some matter of it).
    pub tolerable: bool,
}

/// A matter of a bundle as the intake form lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleMatter {
    pub code: String,
    pub name: String,
    pub case_type: &'static str,
    pub promised_days: u32,
}

/// The matters of a bundle at their current version, each open for intake.
fn matters_of(conn: &Connection, b: &Bundle) -> crate::Result<Vec<Matter>> {
    b.matters
        .iter()
        .map(|code| Ok(versions::current(conn, code)?.1))
        .collect()
}

/// The bundle `code` as the intake form shows it.
pub fn form(conn: &Connection, code: &str) -> crate::Result<BundleForm> {
    let b = bundle::get(conn, code)?;
    let matters = matters_of(conn, &b)?;
    let mut tolerable = false;
    for m in &matters {
        tolerable |= super::tolerance::offered(conn, m)?;
    }
    Ok(BundleForm {
        pool: bundle::pool(&matters),
        tolerable,
        matters: matters
            .iter()
            .map(|m| BundleMatter {
                code: m.code.clone(),
                name: m.name.clone(),
                case_type: m.case_type.label(),
                promised_days: m.promised_days,
            })
            .collect(),
        code: b.code,
        name: b.name,
        note: b.note,
    })
}

/// The pool material given as its 1-based position or its full name.
fn pool_name<'a>(
    b: &Bundle,
    pool: &'a [PoolMaterial],
    given: &str,
) -> Result<&'a str, IntakeError> {
    let g = given.trim();
    g.parse::<usize>()
        .ok()
        .filter(|n| (1..=pool.len()).contains(n))
        .map(|n| pool[n - 1].name.as_str())
        .or_else(|| pool.iter().find(|p| p.name == g).map(|p| p.name.as_str()))
        .ok_or_else(|| IntakeError::UnknownMaterial {
            matter: b.name.clone(),
            given: given.to_owned(),
            count: pool.len(),
        })
}

/// Takes in a bundle application: one case per matter, all committed in
/// one transaction. A refusal of any matter's input (a withdrawn matter, a
/// bad ID, a missing calendar year …) writes nothing.
pub fn record(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    application: BundleApplication,
) -> crate::Result<BundleResult> {
    store.write(|tx| {
        let b = bundle::get(tx, &application.bundle_code)?;
        let matters = matters_of(tx, &b)?;
        let pool = bundle::pool(&matters);
        let brought = application
            .provided
            .iter()
            .map(|g| pool_name(&b, &pool, g))
            .collect::<Result<Vec<_>, _>>()?;
        let promised = application
            .promised
            .iter()
            .map(|g| pool_name(&b, &pool, g))
            .collect::<Result<Vec<_>, _>>()?;
        // A promise goes to the matters that accept it; one no matter
        // accepts is refused as any promise of a material that is not
        // 可告知承诺.
        for name in &promised {
            if !matters.iter().any(|m| takes_promise(m, name)) {
                return Err(IntakeError::NotPromisable((*name).to_owned()).into());
            }
        }
        let link = BundleRef {
            id: uuid::Uuid::now_v7().to_string(),
            code: b.code.clone(),
            name: b.name.clone(),
        };
        let mut cases = Vec::with_capacity(matters.len());
        for m in &matters {
            let has = |name: &&&str| m.materials.iter().any(|x| x.name == **name);
            let app = Application {
                matter_code: m.code.clone(),
                applicant: application.applicant.clone(),
                proxy: application.proxy.clone(),
                provided: brought
                    .iter()
                    .filter(has)
                    .map(|n| (*n).to_owned())
                    .collect(),
                refusal_reason: None,
                resubmission_of: None,
                tolerate: application.tolerate
                    && m.materials.iter().any(|x| x.tolerance_days.is_some()),
                promised: promised
                    .iter()
                    .filter(|n| takes_promise(m, n))
                    .map(|n| (*n).to_owned())
                    .collect(),
            };
            cases.push(record_linked(tx, session, now, app, Some(&link))?);
        }
        let missing = missing(tx, &link.id)?;
        Ok(BundleResult {
            bundle: link,
            cases,
            missing,
        })
    })
}

/// Whether `matter` has the material `name` as 可告知承诺.
fn takes_promise(matter: &Matter, name: &str) -> bool {
    matter
        .materials
        .iter()
        .any(|x| x.name == name && x.commitment.is_some())
}

/// Every required material missing for a case of the bundle intake `id`
/// (its 一次性告知 cases), once, in the order the cases and their lists
/// name them, with the matters that lack it.
pub fn missing(conn: &Connection, id: &str) -> crate::Result<Vec<BundleMissing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.name, m.form, m.copies, m.note, c.matter_name
         FROM cases c JOIN case_materials m ON m.case_id = c.case_id
         WHERE c.bundle_id = ?1 AND c.outcome = ?2 AND m.required AND NOT m.provided
         ORDER BY c.case_no, m.position",
    )?;
    let rows = stmt.query_map(rusqlite::params![id, Outcome::Notice.code()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out: Vec<BundleMissing> = Vec::new();
    for row in rows {
        let (name, form, copies, note, matter) = row.map_err(StoreError::from)?;
        match out.iter_mut().find(|m| m.name == name) {
            Some(m) => {
                m.copies = m.copies.max(copies);
                m.matters.push(matter);
            }
            None => out.push(BundleMissing {
                name,
                form,
                copies,
                note,
                matters: vec![matter],
            }),
        }
    }
    Ok(out)
}

/// A case of a bundle as its siblings list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sibling {
    pub case_no: String,
    pub query_code: String,
    pub matter_name: String,
    pub outcome: Outcome,
    pub outcome_label: &'static str,
    pub state_label: &'static str,
    pub due_date: Option<NaiveDate>,
    pub completed: bool,
}

/// The bundle a case was taken in with, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleStanding {
    pub id: String,
    pub code: String,
    pub name: String,
    /// Every case of the bundle intake (this one included), by case number.
    pub cases: Vec<Sibling>,
    /// How many of them are completed (办结 and after).
    pub completed: usize,
    /// The case the bundle's papers are printed on: the first taken in.
    pub lead_case_no: String,
    /// "已全部办结" or "已办结 n / m 件".
    pub label: String,
}

impl BundleStanding {
    /// The bundle is complete when all its cases are.
    pub fn is_complete(&self) -> bool {
        self.completed == self.cases.len()
    }
}

/// The bundle the case `case_id` belongs to, if any.
pub fn standing(conn: &Connection, case_id: &str) -> crate::Result<Option<BundleStanding>> {
    let head: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT bundle_id, bundle_code, bundle_name FROM cases
             WHERE case_id = ?1 AND bundle_id IS NOT NULL",
        )?
        .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
        .map_err(StoreError::from)?;
    let Some((id, code, name)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT case_no, matter_name, outcome, state, due_date, query_code FROM cases
         WHERE bundle_id = ?1 ORDER BY case_no",
    )?;
    let rows = stmt.query_map([&id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<NaiveDate>>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut cases = Vec::new();
    for row in rows {
        let (case_no, matter_name, outcome, state, due_date, query_code) =
            row.map_err(StoreError::from)?;
        let outcome = Outcome::parse(&outcome).ok_or_else(|| StoreError::BadEvent {
            device: case_no.clone(),
            seq: 0,
            reason: format!("未知的受理结果 {outcome}"),
        })?;
        let state = State::parse(&state)?;
        cases.push(Sibling {
            case_no,
            query_code,
            matter_name,
            outcome,
            outcome_label: outcome.label(),
            state_label: state.label(),
            due_date,
            completed: state.can_be_rated(),
        });
    }
    let completed = cases.iter().filter(|c| c.completed).count();
    let label = if completed == cases.len() {
        "已全部办结".to_owned()
    } else {
        format!("已办结 {completed} / {} 件", cases.len())
    };
    Ok(Some(BundleStanding {
        lead_case_no: cases.first().map(|c| c.case_no.clone()).unwrap_or_default(),
        id,
        code,
        name,
        cases,
        completed,
        label,
    }))
}
