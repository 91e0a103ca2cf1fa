//! Numbers typed as clerks type them (issue: full-width forms from a
//! Chinese input method, phones grouped by spaces or hyphens, +86): every
//! spelling that means the same number is stored the same way and finds
//! the same case; what is still wrong is refused, saying why.

mod common;

use bianmin::applicant::{id_number, phone, IdType};
use bianmin::intake::{self, lookup};
use proptest::prelude::*;

/// `s` with each ASCII digit or letter in its full-width form where `mask`
/// says so (bit i for character i).
fn full_width_where(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if (mask >> (i % 64)) & 1 == 1 && c.is_ascii_alphanumeric() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// `s` with `separator` put after each character whose bit is set in `cuts`.
fn grouped(s: &str, cuts: u64, separator: &str) -> String {
    let mut out = String::new();
    let n = s.chars().count();
    for (i, c) in s.chars().enumerate() {
        out.push(c);
        if i + 1 < n && (cuts >> (i % 64)) & 1 == 1 {
            out.push_str(separator);
        }
    }
    out
}

const SEPARATORS: [&str; 5] = [" ", "-", "－", "\u{3000}", "  "];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_spelling_of_an_id_number_is_stored_as_one(
        n in 0u32..70,
        wide in any::<u64>(),
        cuts in any::<u64>(),
        sep in 0usize..SEPARATORS.len(),
        lower in any::<bool>(),
    ) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        // Half of them end in X (one sequence number in eleven gives it).
        let canonical = (0..200)
            .filter_map(|k| {
                id_number::with_check_char(&format!("371402{}0315{:03}", 1940 + n, k))
            })
            .find(|i| (n % 2 == 0) == i.ends_with('X'))
            .expect("a number of the wanted kind");
        let mut typed = grouped(&full_width_where(&canonical, wide), cuts, SEPARATORS[sep]);
        if lower {
            typed = typed.replace('X', "x").replace('Ｘ', "ｘ");
        }
        prop_assert_eq!(
            id_number::check(IdType::ResidentId, &format!(" {typed} "), today).unwrap(),
            canonical.clone()
        );
        prop_assert_eq!(id_number::stored_form(&typed), canonical);
    }

    #[test]
    fn any_spelling_of_a_mobile_is_stored_as_one(
        tail in 0u32..100_000_000,
        wide in any::<u64>(),
        cuts in any::<u64>(),
        sep in 0usize..SEPARATORS.len(),
        prefix in 0usize..4,
    ) {
        let canonical = format!("139{tail:08}");
        let body = grouped(&full_width_where(&canonical, wide), cuts, SEPARATORS[sep]);
        let typed = format!("{}{body}", ["", "+86 ", "+86-", "0086 "][prefix]);
        prop_assert_eq!(phone::check(&typed).unwrap(), canonical);
    }

    #[test]
    fn any_spelling_of_a_landline_is_stored_as_one(
        tail in 0u32..100_000_000,
        wide in any::<u64>(),
        cuts in any::<u64>(),
        sep in 0usize..SEPARATORS.len(),
        big_city in any::<bool>(),
    ) {
        let (area, number) = if big_city { ("010", format!("{:08}", tail)) } else { ("0534", format!("{:07}", tail % 10_000_000 + 2_000_000)) };
        let digits = format!("{area}{number}");
        let typed = grouped(&full_width_where(&digits, wide), cuts, SEPARATORS[sep]);
        prop_assert_eq!(phone::check(&typed).unwrap(), format!("{area}-{number}"));
    }
}

#[test]
fn what_is_still_wrong_is_refused_saying_why() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    // One full-width digit short: the length, not the characters.
    let short = "３７１４０２１９５００３１５００";
    let e = id_number::check(IdType::ResidentId, short, today).unwrap_err();
    assert!(e.to_string().contains("应为 18 位"), "{e}");
    // A letter where a digit belongs is still a wrong character.
    let e = id_number::check(IdType::ResidentId, "37140219500315O01X", today).unwrap_err();
    assert!(e.to_string().contains("必须是数字"), "{e}");
    // Ten digits are no phone, however grouped.
    let e = phone::check("139 0534 123").unwrap_err();
    assert!(e.to_string().contains("格式不对"), "{e}");
}

#[test]
fn a_case_taken_in_with_full_width_numbers_is_stored_plainly_and_found_by_every_spelling() {
    let mut c = common::center();
    let id = common::id(7);
    let mut applicant = common::person("欧阳娜", 7);
    applicant.id_number = full_width_where(&id, u64::MAX);
    applicant.phone = "+86 １３９ ０５３４ ５６７８".into();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        common::monday(),
        common::application("MZ-005", applicant, &["1", "2", "3", "5"]),
    )
    .expect("intake");
    let (stored_id, stored_phone): (String, String) = c
        .store
        .conn()
        .query_row(
            "SELECT applicant_id_number, applicant_phone FROM cases WHERE case_no = ?1",
            [&r.case_no],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("case");
    assert_eq!(
        (stored_id.as_str(), stored_phone.as_str()),
        (id.as_str(), "13905345678")
    );
    let spellings = [
        id.clone(),
        full_width_where(&id, u64::MAX),
        grouped(&id, 0b10_0000_0010_0000, " "),
        "13905345678".to_owned(),
        "139-0534-5678".to_owned(),
        "+86 139 0534 5678".to_owned(),
        full_width_where("13905345678", 0b1010_1010),
        full_width_where(&r.case_no, u64::MAX),
    ];
    for typed in spellings {
        let found = lookup::search(c.store.conn(), &typed, 10).expect("search");
        assert_eq!(
            found.iter().map(|f| f.case_no.as_str()).collect::<Vec<_>>(),
            [r.case_no.as_str()],
            "{typed}"
        );
    }
}
