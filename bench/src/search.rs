//! The quick search on the million-case database of `bench seed`: each
//! shape a clerk types (part of a two-character name, a surname and one
//! character, pinyin initials, a phone's last four digits, an ID number's
//! last six characters, a village, a case number's last four characters),
//! taken from cases spread over the whole file, timed through the same
//! function as the window (`lookup::search`, first page of 50); and the
//! index's size per case (SQLite's dbstat).

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::Latency;
use bianmin::catalogue::search::initials;
use bianmin::intake::lookup;
use bianmin::store::{Store, StoreError};

/// One query shape's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Shape {
    pub shape: &'static str,
    pub example: String,
    pub latency: Latency,
    /// Cases listed on the first page, on average.
    pub mean_hits: f64,
}

/// What `bianmin-bench search` measured.
#[derive(Debug, Clone, Serialize)]
pub struct SearchBench {
    pub cases: i64,
    pub index_bytes: i64,
    pub index_bytes_per_case: f64,
    pub shapes: Vec<Shape>,
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn tail(s: &str, n: usize) -> String {
    let c = chars(s);
    c[c.len().saturating_sub(n)..].iter().collect()
}

/// Times `samples` searches of each shape.
pub fn search(dir: &Path, samples: usize) -> bianmin::Result<SearchBench> {
    let store = Store::open(&dir.join("bench.db"))?;
    let conn = store.conn();
    let cases: i64 = conn
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    let index_bytes: i64 = conn
        .query_row(
            "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'case_search%'",
            [],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    // Cases spread over the file.
    let step = (cases / samples.max(1) as i64).max(1);
    let picked: Vec<(String, String, String, String, String)> = conn
        .prepare(
            "SELECT case_no, applicant_name, applicant_id_number, applicant_phone, applicant_address
             FROM cases WHERE rowid % ?1 = 0 LIMIT ?2",
        )
        .map_err(StoreError::from)?
        .query_map([step, samples as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(StoreError::from)?
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)?;
    type Make = fn(&(String, String, String, String, String)) -> String;
    let shapes: [(&'static str, Make); 7] = [
        ("two-character part of a name", |c| tail(&c.1, 2)),
        ("surname + one character", |c| {
            chars(&c.1)[..2].iter().collect()
        }),
        ("pinyin initials", |c| initials(&c.1)),
        ("phone, last 4 digits", |c| tail(&c.3, 4)),
        ("ID number, last 6", |c| tail(&c.2, 6)),
        ("village", |c| {
            let a = &c.4;
            let start = a
                .find("街道")
                .map(|i| i + "街道".len())
                .or_else(|| a.find('镇').map(|i| i + '镇'.len_utf8()))
                .unwrap_or(0);
            let end = a.find('村').map(|i| i + '村'.len_utf8()).unwrap_or(a.len());
            a[start..end].to_owned()
        }),
        ("case number, last 4", |c| tail(&c.0, 4)),
    ];
    let mut out = Vec::new();
    for (shape, make) in shapes {
        let mut times = Vec::with_capacity(picked.len());
        let mut hits = 0usize;
        for c in &picked {
            let q = make(c);
            let t = Instant::now();
            let found = lookup::search(conn, &q, lookup::SEARCH_LIMIT)?;
            times.push(t.elapsed());
            hits += found.len();
        }
        out.push(Shape {
            shape,
            example: picked.first().map(make).unwrap_or_default(),
            mean_hits: hits as f64 / picked.len().max(1) as f64,
            latency: Latency::of(&mut times),
        });
    }
    Ok(SearchBench {
        cases,
        index_bytes,
        index_bytes_per_case: index_bytes as f64 / cases.max(1) as f64,
        shapes: out,
    })
}
