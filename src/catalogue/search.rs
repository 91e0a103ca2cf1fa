//! Finding a matter at the counter: by part of its name, by its code, or by
//! the pinyin initials of its name ("ylbx" → 城乡居民养老保险…), so a clerk
//! types a few letters instead of scrolling the whole catalogue. A 一件事
//! bundle is found the same way ("出生", "yjs").

use pinyin::ToPinyin;
use rusqlite::Connection;

use super::bundle::{self, BundleSummary};
use super::versions::{self, MatterSummary};
use crate::store::StoreError;

/// The pinyin initials of `text`, lower case: one letter per Chinese
/// character, other letters and digits kept as they are, the rest dropped.
pub fn initials(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.plain().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

/// How well `query` fits a matter or bundle of this code and name; `None`
/// when it does not.
fn rank(query: &str, code: &str, name: &str) -> Option<u8> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Some(9);
    }
    let code = code.to_lowercase();
    if code == q {
        return Some(0);
    }
    if name.starts_with(query.trim()) {
        return Some(1);
    }
    if name.contains(query.trim()) {
        return Some(2);
    }
    let letters: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if letters.chars().all(|c| c.is_ascii_alphanumeric()) {
        let init = initials(name);
        if init.starts_with(&letters) {
            return Some(3);
        }
        if init.contains(&letters) {
            return Some(4);
        }
        if code.contains(&letters) {
            return Some(5);
        }
    }
    None
}

/// The matters that may be taken in fitting `query`, best first (then by
/// code); all of them for an empty query. A withdrawn (停用) matter is not
/// offered at the counter.
pub fn find(conn: &Connection, query: &str) -> Result<Vec<MatterSummary>, StoreError> {
    let mut hits = browse(conn, query)?;
    hits.retain(|m| !m.withdrawn);
    Ok(hits)
}

/// Every matter fitting `query`, withdrawn ones included (marked): the
/// catalogue as a manager browses it.
pub fn browse(conn: &Connection, query: &str) -> Result<Vec<MatterSummary>, StoreError> {
    let mut hits: Vec<(u8, MatterSummary)> = versions::list(conn)?
        .into_iter()
        .filter_map(|m| rank(query, &m.code, &m.name).map(|r| (r, m)))
        .collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    Ok(hits.into_iter().map(|(_, m)| m).collect())
}

/// The 一件事 bundles fitting `query`, best first; none for an empty query
/// (the counter's list then shows matters).
pub fn find_bundles(conn: &Connection, query: &str) -> crate::Result<Vec<BundleSummary>> {
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut hits: Vec<(u8, BundleSummary)> = bundle::list(conn)?
        .into_iter()
        .filter_map(|b| rank(query, &b.code, &b.name).map(|r| (r, b)))
        .collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    Ok(hits.into_iter().map(|(_, b)| b).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matter(code: &str, name: &str) -> MatterSummary {
        MatterSummary {
            code: code.into(),
            version: 1,
            name: name.into(),
            case_type: "承诺件".into(),
            promised_days: 5,
            statutory_days: 20,
            fee: "0".into(),
            withdrawn: false,
        }
    }

    #[test]
    fn initials_of_chinese_names() {
        assert_eq!(initials("养老保险"), "ylbx");
        assert_eq!(initials("城乡居民养老保险参保登记"), "cxjmylbxcbdj");
        assert_eq!(initials("60周岁以上"), "60zsys");
        assert_eq!(initials("（农村）"), "nc");
    }

    #[test]
    fn ranks_code_name_and_initials() {
        let m = matter("SB-001", "城乡居民养老保险参保登记");
        let rank = |q: &str, m: &MatterSummary| rank(q, &m.code, &m.name);
        assert_eq!(rank("SB-001", &m), Some(0));
        assert_eq!(rank("城乡", &m), Some(1));
        assert_eq!(rank("养老", &m), Some(2));
        assert_eq!(rank("cxjm", &m), Some(3));
        assert_eq!(rank("ylbx", &m), Some(4));
        assert_eq!(rank("YLBX", &m), Some(4));
        assert_eq!(rank("sb", &m), Some(5));
        assert_eq!(rank("hksq", &m), None);
        assert_eq!(rank("户口", &m), None);
        assert_eq!(rank("  ", &m), Some(9));
    }
}
