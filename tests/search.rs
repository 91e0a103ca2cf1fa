//! The quick search as clerks use it: any part of a name (two-character
//! names and a surname with one more character included), its pinyin, the
//! tail of a case number, ID number or phone, a village; ranked numbers
//! first, then names, then addresses; paged; masked; the index kept by the
//! intake's own transaction, rebuilt by `rebuild`, and filled for files
//! that had cases before it.

mod common;

use bianmin::applicant::{IdType, Person};
use bianmin::intake::{self, lookup, search_index, Proxy};
use bianmin::store::dump;

fn person(name: &str, n: u32, phone: &str, address: &str) -> Person {
    Person {
        phone: phone.into(),
        address: address.into(),
        ..common::person(name, n)
    }
}

/// Takes a case in; its number.
fn take(c: &mut common::Center, applicant: Person, proxy: Option<Person>) -> String {
    let mut app = common::application("MZ-005", applicant, &["1", "2", "3", "5"]);
    app.proxy = proxy.map(|person| Proxy {
        person,
        relation: "子女".into(),
    });
    intake::record(&mut c.store, &c.clerk, common::monday(), app)
        .expect("intake")
        .case_no
}

fn found(c: &common::Center, text: &str) -> Vec<String> {
    lookup::search(c.store.conn(), text, 50)
        .expect("search")
        .into_iter()
        .map(|s| s.case_no)
        .collect()
}

#[test]
fn every_shape_a_clerk_types_finds_the_case_ranked_numbers_names_then_places() {
    let mut c = common::center();
    let wang_fang = take(
        &mut c,
        person("王芳", 1, "13905341234", "姚家街道杨庄村3组"),
        None,
    );
    let wang_fen = take(
        &mut c,
        person("王芬", 2, "13905345678", "姚家街道李家洼村"),
        None,
    );
    let ouyang = take(
        &mut c,
        person("欧阳秀英", 3, "0534-2688123", "新湖街道王芳路8号"),
        Some(person("李强", 4, "13800138000", "济南市历下区")),
    );
    // Two characters, one of them, a surname and one more.
    assert_eq!(
        found(&c, "王芳"),
        [wang_fang.clone(), ouyang.clone()],
        "name first, then the 王芳路 address"
    );
    assert_eq!(found(&c, "芳"), [wang_fang.clone(), ouyang.clone()]);
    assert_eq!(
        found(&c, "王"),
        [wang_fen.clone(), wang_fang.clone(), ouyang.clone()]
    );
    // Longer parts: by their pairs, checked against the text.
    assert_eq!(found(&c, "秀英"), vec![ouyang.clone()]);
    assert_eq!(found(&c, "阳秀英"), vec![ouyang.clone()]);
    assert!(
        found(&c, "阳英秀").is_empty(),
        "the pairs alone are not enough"
    );
    // Pinyin: initials, or a syllable whole.
    assert_eq!(found(&c, "wf"), [wang_fen.clone(), wang_fang.clone()]);
    assert_eq!(found(&c, "wfang"), vec![wang_fang.clone()]);
    assert_eq!(found(&c, "WangFang"), vec![wang_fang.clone()]);
    assert_eq!(found(&c, "oyxy"), vec![ouyang.clone()]);
    // The proxy's name and numbers.
    assert_eq!(found(&c, "李强"), vec![ouyang.clone()]);
    assert_eq!(found(&c, "8000"), vec![ouyang.clone()]);
    // Tails: phone (4), ID (4–6), case number (4–6).
    assert_eq!(found(&c, "1234"), vec![wang_fang.clone()]);
    let id3 = common::id(3);
    assert_eq!(found(&c, &id3[12..]), vec![ouyang.clone()]);
    assert_eq!(found(&c, &id3[14..]), vec![ouyang.clone()]);
    let tail: String = wang_fen
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(found(&c, &tail).contains(&wang_fen), "{tail}");
    // Villages and address words.
    assert_eq!(found(&c, "杨庄"), vec![wang_fang.clone()]);
    assert_eq!(found(&c, "李家洼村"), vec![wang_fen.clone()]);
    assert_eq!(found(&c, "姚家"), [wang_fen.clone(), wang_fang.clone()]);
    // A full ID number ranks first and is never shown unmasked.
    let id1 = common::id(1);
    let hits = lookup::search(c.store.conn(), &id1, 50).expect("search");
    assert_eq!(hits[0].case_no, wang_fang);
    assert!(hits
        .iter()
        .all(|h| h.applicant_id_number != id1 && h.applicant_id_number.contains('*')));
    // Nothing typed, nothing listed.
    assert!(found(&c, "  ").is_empty());
    assert!(found(&c, "张").is_empty());
}

#[test]
fn results_are_capped_and_paged() {
    let mut c = common::center();
    let cases: Vec<String> = (0..5)
        .map(|n| {
            take(
                &mut c,
                person(
                    &format!("王{}", ["一", "二", "三", "四", "五"][n]),
                    n as u32 + 10,
                    "13905341234",
                    "杨庄村",
                ),
                None,
            )
        })
        .collect();
    let page = |limit, offset| -> Vec<String> {
        lookup::search_page(c.store.conn(), "王", limit, offset)
            .expect("search")
            .into_iter()
            .map(|s| s.case_no)
            .collect()
    };
    let newest_first: Vec<String> = cases.iter().rev().cloned().collect();
    assert_eq!(page(2, 0), newest_first[..2]);
    assert_eq!(page(2, 2), newest_first[2..4]);
    assert_eq!(page(2, 4), newest_first[4..]);
    assert!(page(2, 6).is_empty());
}

#[test]
fn the_index_is_the_same_when_rebuilt_and_when_filled_for_an_older_file() {
    let mut c = common::center();
    take(&mut c, person("王芳", 1, "13905341234", "杨庄村"), None);
    take(
        &mut c,
        person("欧阳秀英", 3, "0534-2688123", "王芳路8号"),
        Some(person("李强", 4, "13800138000", "历下区")),
    );
    let before = dump::projections(c.store.conn()).expect("dump");
    assert!(
        before.contains("case_search|numbers="),
        "the index is a projection"
    );
    bianmin::projections::rebuild(&mut c.store, &c.manager).expect("rebuild");
    assert_eq!(dump::projections(c.store.conn()).expect("dump"), before);
    c.store
        .write(|tx| -> bianmin::Result<()> {
            tx.execute("DELETE FROM case_search", [])
                .map_err(bianmin::store::StoreError::from)?;
            search_index::fill(tx)?;
            Ok(())
        })
        .expect("fill");
    assert_eq!(dump::projections(c.store.conn()).expect("dump"), before);
    assert_eq!(found(&c, "wf").len(), 1);
}

#[test]
fn an_id_typed_another_way_still_finds_only_by_its_stored_form() {
    let mut c = common::center();
    let mut p = person("赵敏", 5, "13905341234", "杨庄村");
    p.id_type = IdType::ResidentId;
    let case_no = take(&mut c, p, None);
    let id = common::id(5);
    let spaced = format!("{} {} {}", &id[..6], &id[6..14], &id[14..]);
    assert_eq!(found(&c, &spaced), [case_no]);
}

/// How many segment entries the full-text index holds (its `_idx` rows).
fn segments(c: &common::Center) -> i64 {
    c.store
        .conn()
        .query_row("SELECT count(*) FROM case_search_idx", [], |r| r.get(0))
        .expect("idx")
}

#[test]
fn the_index_is_merged_when_writes_pause_not_inside_the_commits() {
    let mut c = common::center();
    for n in 0..40 {
        take(
            &mut c,
            person(&format!("王{n}"), 20 + n, "13905341234", "杨庄村"),
            None,
        );
    }
    // Each commit left a segment of its own: nothing merged them inline.
    let burst = segments(&c);
    assert!(burst >= 40, "{burst}");
    // Writes pause: the store's background connection merges them.
    let start = std::time::Instant::now();
    while segments(&c) >= burst {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "never merged: {burst} segments"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(found(&c, "王").len(), 40);
}

#[test]
fn the_windows_pages_say_where_they_start_and_whether_more_follow() {
    let mut c = common::center();
    let n = lookup::SEARCH_LIMIT as u32 + 1;
    for i in 0..n {
        // ID numbers repeat every 70 (one applicant, several cases).
        take(
            &mut c,
            person(&format!("王{i}"), i % 70, "13905341234", "杨庄村"),
            None,
        );
    }
    let first = lookup::search_pages(c.store.conn(), "王", 0).expect("page 0");
    assert_eq!(
        (first.cases.len(), first.first, first.more),
        (lookup::SEARCH_LIMIT, 1, true)
    );
    let second = lookup::search_pages(c.store.conn(), "王", 1).expect("page 1");
    assert_eq!(
        (second.cases.len(), second.first, second.more),
        (1, lookup::SEARCH_LIMIT + 1, false)
    );
    assert!(!first
        .cases
        .iter()
        .any(|x| x.case_no == second.cases[0].case_no));
}
