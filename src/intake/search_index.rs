//! The quick search's index (src/intake/lookup.rs `search`): per case, the
//! terms a clerk may type, in SQLite's full-text index (FTS5, table
//! `case_search`, rowid = the case's rowid), written in the intake's own
//! transaction and rebuilt with the other projections.
//!
//! Chinese names are two or three characters, so a trigram index alone
//! finds nothing for them: names and addresses are indexed by every single
//! character and every pair of neighbouring characters, so any part of a
//! name is found (a longer part by all its pairs, then checked against the
//! text). Three columns, ranked in this order when a search is answered:
//!
//! - `numbers`: the case number (and its last 4–6 characters), the query
//!   code, the ID numbers (and their last 4–6 characters), the phones (and
//!   their last 4 digits), of the applicant and the proxy;
//! - `names`: the applicant's and the proxy's names, by characters and
//!   pairs, and their pinyin with each syllable whole or as its initial
//!   (王芳: wangfang, wangf, wfang, wf);
//! - `places`: the address, by characters and pairs, and its words of
//!   letters or digits.

use pinyin::ToPinyin;
use rusqlite::{params, Transaction};

use crate::store::StoreError;

/// What a case is found by.
pub(crate) struct Indexed<'a> {
    pub case_no: &'a str,
    pub query_code: &'a str,
    pub names: [Option<&'a str>; 2],
    pub id_numbers: [Option<&'a str>; 2],
    pub phones: [Option<&'a str>; 2],
    pub address: &'a str,
}

/// Letters and digits only (the index's tokenizer splits at anything else).
fn alnum(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The last 4, 5 and 6 characters of `text` (and `text` itself).
fn tails(text: &str, out: &mut Vec<String>, shortest: usize) {
    let chars = alnum(text);
    if chars.is_empty() {
        return;
    }
    out.push(chars.iter().collect());
    for n in shortest..=6 {
        if chars.len() > n {
            out.push(chars[chars.len() - n..].iter().collect());
        }
    }
}

/// Every character and every pair of neighbours, within runs of letters
/// and digits.
fn grams(text: &str, out: &mut Vec<String>) {
    let words = text.split(|c: char| !c.is_alphanumeric());
    for word in words.filter(|w| !w.is_empty()) {
        let chars: Vec<char> = word.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            out.push(c.to_string());
            if let Some(next) = chars.get(i + 1) {
                out.push(format!("{c}{next}"));
            }
        }
        if word.is_ascii() && chars.len() > 2 {
            out.push(word.to_ascii_lowercase());
        }
    }
}

/// The pinyin spellings of a name of up to four Chinese characters: each
/// syllable whole or as its initial letter.
fn pinyin_spellings(name: &str, out: &mut Vec<String>) {
    let syllables: Option<Vec<String>> = alnum(name)
        .iter()
        .map(|c| c.to_pinyin().map(|p| p.plain().to_owned()))
        .collect();
    let Some(syllables) = syllables.filter(|s| !s.is_empty() && s.len() <= 4) else {
        return;
    };
    for mask in 0u32..(1 << syllables.len()) {
        let spelled: String = syllables
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if mask >> i & 1 == 1 {
                    s.as_str()
                } else {
                    &s[..1]
                }
            })
            .collect();
        out.push(spelled);
    }
}

/// The terms of each column, space-separated.
pub(crate) fn terms(c: &Indexed<'_>) -> [String; 3] {
    let mut numbers = Vec::new();
    tails(c.case_no, &mut numbers, 4);
    numbers.push(c.query_code.to_owned());
    for id in c.id_numbers.iter().flatten() {
        tails(id, &mut numbers, 4);
    }
    for phone in c.phones.iter().flatten() {
        tails(phone, &mut numbers, 4);
    }
    let mut names = Vec::new();
    for name in c.names.iter().flatten() {
        grams(name, &mut names);
        pinyin_spellings(name, &mut names);
    }
    let mut places = Vec::new();
    grams(c.address, &mut places);
    [numbers, names, places].map(|mut terms| {
        terms.sort_unstable();
        terms.dedup();
        terms.join(" ")
    })
}

/// Indexes the case whose row is `case_rowid`, in the intake's transaction.
pub(crate) fn index(
    tx: &Transaction<'_>,
    case_rowid: i64,
    case: &Indexed<'_>,
) -> Result<(), StoreError> {
    let [numbers, names, places] = terms(case);
    tx.prepare_cached(
        "INSERT INTO case_search (rowid, numbers, names, places) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![case_rowid, numbers, names, places])?;
    Ok(())
}

/// Indexes every case of a file that had cases before the index existed
/// (schema step 9, src/store/migrations.rs).
pub fn fill(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("DELETE FROM case_search", [])?;
    let mut stmt = tx.prepare(
        "SELECT rowid, case_no, query_code, applicant_name, proxy_name, applicant_id_number,
                proxy_id_number, applicant_phone, proxy_phone, applicant_address FROM cases",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> Result<Option<String>, StoreError> { Ok(r.get(i)?) };
        let (case_no, query_code, address) = (
            text(1)?.unwrap_or_default(),
            text(2)?.unwrap_or_default(),
            text(9)?.unwrap_or_default(),
        );
        let (name, proxy) = (text(3)?, text(4)?);
        let (id, proxy_id) = (text(5)?, text(6)?);
        let (phone, proxy_phone) = (text(7)?, text(8)?);
        index(
            tx,
            r.get(0)?,
            &Indexed {
                case_no: &case_no,
                query_code: &query_code,
                names: [name.as_deref(), proxy.as_deref()],
                id_numbers: [id.as_deref(), proxy_id.as_deref()],
                phones: [phone.as_deref(), proxy_phone.as_deref()],
                address: &address,
            },
        )?;
    }
    Ok(())
}

/// Merges the whole index into one segment, as the store's background
/// merges do bit by bit while a counter works (`rebuild`, which refills
/// it at once, and the benchmark's seed, which stands for months of use).
pub fn optimize(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO case_search (case_search) VALUES ('optimize')",
        [],
    )?;
    Ok(())
}

/// One way to look for what was typed, in rank order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Probe {
    /// The FTS5 query.
    pub query: String,
    /// Text that must occur in the name or address found (a part longer
    /// than two characters, found by its pairs).
    pub check: Option<String>,
}

fn quoted(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// How to look for `text` (already folded to half-width): by number, by
/// name (characters or pinyin), then by address, in that order.
pub(crate) fn probes(text: &str) -> Vec<Probe> {
    let chars = alnum(text);
    if chars.is_empty() {
        return Vec::new();
    }
    let word: String = chars.iter().collect();
    let mut out = Vec::new();
    if chars.len() >= 4
        && chars.iter().all(|c| c.is_ascii_alphanumeric())
        && chars.iter().any(|c| c.is_ascii_digit())
    {
        out.push(Probe {
            query: format!("numbers : {}", quoted(&word)),
            check: None,
        });
        return out;
    }
    if chars.iter().all(|c| c.is_ascii_alphabetic()) {
        if chars.len() >= 2 {
            out.push(Probe {
                // Every spelling is a term of its own: an exact term is
                // one list to read, where a prefix would merge many.
                query: format!("names : {}", quoted(&word.to_ascii_lowercase())),
                check: None,
            });
        }
        return out;
    }
    // Characters: a part of up to two is one term; a longer part is all
    // its pairs, then checked against the text itself.
    let (terms, check) = if chars.len() <= 2 {
        (vec![word.clone()], None)
    } else {
        let pairs: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
        (pairs, Some(word.clone()))
    };
    for column in ["names", "places"] {
        let query = terms
            .iter()
            .map(|t| format!("{column} : {}", quoted(t)))
            .collect::<Vec<_>>()
            .join(" AND ");
        out.push(Probe {
            query,
            check: check.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case<'a>(name: &'a str, address: &'a str) -> Indexed<'a> {
        Indexed {
            case_no: "371402101-A01-20261123-0042",
            query_code: "K7P2Q9",
            names: [Some(name), None],
            id_numbers: [Some("11010519491231002X"), None],
            phones: [Some("13905341234"), None],
            address,
        }
    }

    #[test]
    fn a_two_character_name_is_found_by_each_character_the_pair_and_its_pinyin() {
        let [numbers, names, places] = terms(&case("王芳", "姚家街道杨庄村3组"));
        let names: Vec<&str> = names.split(' ').collect();
        for t in ["王", "芳", "王芳", "wangfang", "wfang", "wangf", "wf"] {
            assert!(names.contains(&t), "{t} in {names:?}");
        }
        let numbers: Vec<&str> = numbers.split(' ').collect();
        for t in [
            "0042",
            "30042",
            "230042",
            "1234",
            "002X",
            "1002X",
            "31002X",
            "K7P2Q9",
            "13905341234",
        ] {
            assert!(numbers.contains(&t), "{t} in {numbers:?}");
        }
        let places: Vec<&str> = places.split(' ').collect();
        for t in ["杨庄", "庄村", "杨", "3组"] {
            assert!(places.contains(&t), "{t} in {places:?}");
        }
    }

    #[test]
    fn what_is_typed_decides_where_to_look() {
        assert_eq!(
            probes("1234"),
            [Probe {
                query: "numbers : \"1234\"".into(),
                check: None
            }]
        );
        assert_eq!(probes("wf")[0].query, "names : \"wf\"");
        assert_eq!(probes("王")[0].query, "names : \"王\"");
        assert_eq!(probes("王芳")[1].query, "places : \"王芳\"");
        let long = probes("杨庄村");
        assert_eq!(long[0].query, "names : \"杨庄\" AND names : \"庄村\"");
        assert_eq!(long[1].check.as_deref(), Some("杨庄村"));
        assert!(probes("  ").is_empty());
        // A single letter would match half the center: not searched.
        assert!(probes("w").is_empty());
    }
}
