//! 一件事 bundles (高效办成一件事): a named set of matters taken in
//! together, with one shared pool of materials — a material several of
//! the matters need (the same name) is asked for once.
//!
//! A bundle is published as a `bundle.published` event; the latest
//! definition of each code is the one intake uses. The matters keep their
//! own versions: each case of a bundle records the version it was taken
//! under, as any case does.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{versions, CatalogueError, Material, MaterialForm, Matter};
use crate::auth::{Action, Session};
use crate::store::events::{self, Draft, Event};
use crate::store::projection::{payload, Projector};
use crate::store::{Store, StoreError};

/// A bundle of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub code: String,
    pub name: String,
    /// The codes of its matters, in the order the papers list them.
    pub matters: Vec<String>,
    /// What the counter says about it (who it is for, what comes out).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The most matters a bundle may hold.
pub const MAX_MATTERS: usize = 10;

impl Bundle {
    /// Checks the bundle's own rules (its matters are checked against the
    /// catalogue by [`Bundle::check_matters`]).
    pub fn check(&self) -> Result<(), CatalogueError> {
        let fail = |field: super::matter::Field, reason: String| {
            Err(CatalogueError::BundleRule {
                code: self.code.clone(),
                field,
                reason,
            })
        };
        if !super::matter::code_ok(&self.code) {
            return fail(
                "code",
                "一件事编码应为 2 到 32 位大写字母、数字或“-”".into(),
            );
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return fail("name", "一件事名称应为 1 到 50 个字".into());
        }
        if !(2..=MAX_MATTERS).contains(&self.matters.len()) {
            return fail("matters", format!("一件事应包含 2 到 {MAX_MATTERS} 个事项"));
        }
        let mut seen = std::collections::HashSet::new();
        for code in &self.matters {
            if !seen.insert(code.as_str()) {
                return fail("matters", format!("事项 {code} 重复列入"));
            }
        }
        Ok(())
    }

    /// A bundle from the manager's form: the matters typed as codes in
    /// order, separated by commas, 、 or spaces (full-width or not).
    pub fn from_form(code: &str, name: &str, note: &str, matters: &str) -> Bundle {
        Bundle {
            code: code.trim().to_uppercase(),
            name: name.trim().to_owned(),
            matters: matters
                .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .map(|c| c.to_uppercase())
                .collect(),
            note: note.trim().to_owned(),
        }
    }

    /// Checks that every matter of the bundle is in the catalogue:
    /// `known` answers whether a code is.
    pub fn check_matters(&self, known: impl Fn(&str) -> bool) -> Result<(), CatalogueError> {
        match self.matters.iter().find(|c| !known(c)) {
            Some(code) => Err(CatalogueError::BundleRule {
                code: self.code.clone(),
                field: "matters",
                reason: format!("事项清单中没有编码为“{code}”的事项"),
            }),
            None => Ok(()),
        }
    }
}

/// A material of a bundle's shared pool: asked for once, for every matter
/// of the bundle that needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolMaterial {
    pub name: String,
    /// The form of its first matter; "原件及复印件" where they differ.
    pub form: MaterialForm,
    /// The most copies any of its matters asks for.
    pub copies: u32,
    /// Required by at least one of its matters.
    pub required: bool,
    /// What the intake form says it is, for the matter that needs it most.
    pub requirement: String,
    pub note: String,
    /// The names of the matters that need it, in the bundle's order.
    pub matters: Vec<String>,
}

/// The shared pool of a bundle's matters, in the order materials first
/// appear (matter by matter): one line per material name.
pub fn pool(matters: &[Matter]) -> Vec<PoolMaterial> {
    let mut out: Vec<(PoolMaterial, &Material)> = Vec::new();
    for matter in matters {
        for m in &matter.materials {
            match out.iter_mut().find(|(p, _)| p.name == m.name) {
                Some((p, strictest)) => {
                    if p.form != m.form {
                        p.form = MaterialForm::OriginalAndCopy;
                    }
                    p.copies = p.copies.max(m.copies);
                    p.required |= m.required;
                    // A core or plain required line says more than a
                    // tolerable, promisable or optional one.
                    if rank(m) > rank(strictest) {
                        *strictest = m;
                        p.requirement = m.requirement();
                    }
                    p.matters.push(matter.name.clone());
                }
                None => out.push((
                    PoolMaterial {
                        name: m.name.clone(),
                        form: m.form,
                        copies: m.copies,
                        required: m.required,
                        requirement: m.requirement(),
                        note: m.note.clone(),
                        matters: vec![matter.name.clone()],
                    },
                    m,
                )),
            }
        }
    }
    out.into_iter().map(|(p, _)| p).collect()
}

/// How strictly a material line asks for its material.
fn rank(m: &Material) -> u8 {
    match (m.required, m.core) {
        (true, true) => 4,
        (true, false) if m.tolerance_days.is_none() && m.commitment.is_none() => 3,
        (true, false) => 2,
        (false, _) => 1,
    }
}

/// A bundle as the counter lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleSummary {
    pub code: String,
    pub name: String,
    pub note: String,
    /// Its matters' codes and names, in order.
    pub matter_codes: Vec<String>,
    pub matter_names: Vec<String>,
}

/// Every bundle, by code, with its matters' current names.
pub fn list(conn: &Connection) -> crate::Result<Vec<BundleSummary>> {
    let mut out = Vec::new();
    for bundle in all(conn)? {
        let mut matter_names = Vec::with_capacity(bundle.matters.len());
        for code in &bundle.matters {
            matter_names.push(versions::current(conn, code)?.1.name);
        }
        out.push(BundleSummary {
            code: bundle.code,
            name: bundle.name,
            note: bundle.note,
            matter_codes: bundle.matters,
            matter_names,
        });
    }
    Ok(out)
}

/// Every bundle's definition, by code.
pub fn all(conn: &Connection) -> crate::Result<Vec<Bundle>> {
    let mut stmt = conn.prepare_cached("SELECT code, definition FROM bundles ORDER BY code")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (code, json) = row?;
        out.push(decode(&code, &json)?);
    }
    Ok(out)
}

/// The bundle `code`.
pub fn get(conn: &Connection, code: &str) -> crate::Result<Bundle> {
    let json: String = conn
        .prepare_cached("SELECT definition FROM bundles WHERE code = ?1")?
        .query_row([code.trim()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| CatalogueError::NoSuchBundle(code.trim().to_owned()))?;
    Ok(decode(code, &json)?)
}

fn decode(code: &str, json: &str) -> Result<Bundle, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::BadEvent {
        device: format!("bundle {code}"),
        seq: 0,
        reason: e.to_string(),
    })
}

/// Publishes `bundle` in the caller's transaction, its matters checked
/// against the catalogue as it stands there; `false` when identical to
/// the one published.
pub(crate) fn publish_in(
    tx: &Transaction<'_>,
    user_id: &str,
    now: DateTime<FixedOffset>,
    bundle: &Bundle,
) -> crate::Result<bool> {
    bundle.check()?;
    let known: std::collections::HashSet<String> =
        versions::list(tx)?.into_iter().map(|m| m.code).collect();
    bundle.check_matters(|code| known.contains(code))?;
    match get(tx, &bundle.code) {
        Ok(existing) if existing == *bundle => return Ok(false),
        Ok(_) | Err(crate::Error::Catalogue(CatalogueError::NoSuchBundle(_))) => {}
        Err(e) => return Err(e),
    }
    let draft = Draft::new(
        user_id,
        None,
        BUNDLE_PUBLISHED,
        &BundlePublished {
            bundle: bundle.clone(),
        },
    )?;
    events::append_here(tx, now, draft)?;
    Ok(true)
}

/// Publishes one bundle; only a manager may. `false` when nothing changed.
pub fn publish(
    store: &mut Store,
    session: &Session,
    now: DateTime<FixedOffset>,
    bundle: &Bundle,
) -> crate::Result<bool> {
    session.authorize(store.conn(), Action::EditCatalogue)?;
    store.write(|tx| publish_in(tx, &session.user_id, now, bundle))
}

/// Payload of `bundle.published`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BundlePublished {
    pub bundle: Bundle,
}

/// A bundle defined or changed (payload [`BundlePublished`]).
pub const BUNDLE_PUBLISHED: &str = "bundle.published";

/// catalogue::bundle's table follows its events; the later event wins.
pub const PROJECTOR: Projector = Projector {
    area: "catalogue::bundle",
    kinds: &[BUNDLE_PUBLISHED],
    tables: &["bundles"],
    apply: |tx, event| project(tx, event, payload(event)?),
};

fn project(tx: &Transaction<'_>, event: &Event, p: BundlePublished) -> crate::Result<()> {
    let definition = serde_json::to_string(&p.bundle).map_err(|e| StoreError::BadEvent {
        device: event.device_id.clone(),
        seq: event.seq,
        reason: e.to_string(),
    })?;
    // Events are applied in the canonical order: the last one applied is
    // the latest definition.
    tx.execute(
        "INSERT INTO bundles (code, name, definition, published_at, published_by)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, definition = excluded.definition,
             published_at = excluded.published_at, published_by = excluded.published_by",
        params![
            p.bundle.code,
            p.bundle.name,
            definition,
            event.ts,
            event.user_id
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::file;

    fn matters(codes: &[&str]) -> Vec<Matter> {
        let all = file::parse(file::DEFAULT).unwrap().matters;
        codes
            .iter()
            .map(|c| all.iter().find(|m| m.code == *c).unwrap().clone())
            .collect()
    }

    #[test]
    fn a_material_several_matters_need_is_in_the_pool_once_with_every_matter_named() {
        let ms = matters(&["RS-002", "MZ-006"]);
        let pool = pool(&ms);
        let id: Vec<_> = pool.iter().filter(|p| p.name == "居民身份证").collect();
        assert_eq!(id.len(), 1, "{pool:?}");
        assert_eq!(id[0].matters, [ms[0].name.clone(), ms[1].name.clone()]);
        let lines: usize = ms.iter().map(|m| m.materials.len()).sum();
        assert!(pool.len() < lines, "{} of {lines}", pool.len());
        // Every material of every matter is in the pool.
        for m in &ms {
            for mat in &m.materials {
                assert!(pool.iter().any(|p| p.name == mat.name), "{}", mat.name);
            }
        }
    }

    #[test]
    fn a_bundle_needs_two_distinct_known_matters_and_a_proper_code() {
        let ok = Bundle {
            code: "YJS-01".into(),
            name: "测试一件事".into(),
            matters: vec!["RS-002".into(), "MZ-006".into()],
            note: String::new(),
        };
        ok.check().unwrap();
        let one = Bundle {
            matters: vec!["RS-002".into()],
            ..ok.clone()
        };
        assert!(one.check().unwrap_err().to_string().contains("2 到"));
        let twice = Bundle {
            matters: vec!["RS-002".into(), "RS-002".into()],
            ..ok.clone()
        };
        assert!(twice.check().unwrap_err().to_string().contains("重复"));
        let bad = Bundle {
            code: "yjs 1".into(),
            ..ok.clone()
        };
        assert!(bad.check().is_err());
        let err = ok.check_matters(|c| c == "RS-002").unwrap_err().to_string();
        assert!(err.contains("MZ-006"), "{err}");
    }

    #[test]
    fn the_form_takes_codes_in_order_whatever_separates_them() {
        let b = Bundle::from_form(
            " yjs-01 ",
            " 测试一件事 ",
            "",
            "rs-002，MZ-006、 WJ-001,YB-001",
        );
        assert_eq!(b.code, "YJS-01");
        assert_eq!(b.name, "测试一件事");
        assert_eq!(b.matters, ["RS-002", "MZ-006", "WJ-001", "YB-001"]);
    }
}
