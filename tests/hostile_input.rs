//! Hostile and broken input, as property tests: whatever a clerk types or a
//! manager imports, nothing panics, every refusal is a Chinese message, a
//! refusal leaves the database exactly as it was, and accepted text is
//! stored exactly as given. Bounded case counts keep CI fast; raise them
//! with PROPTEST_CASES.

mod common;

use bianmin::applicant::id_number;
use bianmin::calendar::schedule::{self, YearSchedule};
use bianmin::catalogue::{file, versions};
use bianmin::intake;
use common::*;
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn is_chinese_message(msg: &str) -> bool {
    msg.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// Text a person could type or paste: any script, emoji, RTL marks, quotes,
/// SQL and markup, rare Han characters.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        Just("'; DROP TABLE cases;--".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("\u{200F}עברית\u{200E}😀\\\"".to_owned()),
        "[𠮷䶮𪚥王李张·]{1,8}",
    ]
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn the_id_parser_never_panics_and_explains_every_refusal(s in ".{0,30}") {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        match id_number::check_resident_id(&s, today) {
            Err(e) => prop_assert!(is_chinese_message(&e.to_string()), "{e}"),
            // Random text that passes is 18 characters with a valid check.
            Ok(info) => {
                prop_assert_eq!(s.trim().chars().count(), 18);
                prop_assert_eq!(id_number::with_check_char(&s.trim()[..17]).unwrap(), s.trim().to_uppercase());
                prop_assert!(info.birth_date <= today);
            }
        }
    }

    #[test]
    fn every_generated_valid_id_passes_and_any_one_digit_change_fails(
        region in prop::sample::select(vec!["110105", "371402", "440524", "650102"]),
        y in 1900u32..2020, m in 1u32..=12, d in 1u32..=28, seq in 0u32..1000, pos in 0usize..17, digit in 0u8..10,
    ) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let first17 = format!("{region}{y:04}{m:02}{d:02}{seq:03}");
        let id = id_number::with_check_char(&first17).unwrap();
        prop_assert!(id_number::check_resident_id(&id, today).is_ok(), "{id}");
        let mut bytes = id.into_bytes();
        let new = b'0' + digit;
        prop_assume!(bytes[pos] != new);
        bytes[pos] = new;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(id_number::check_resident_id(&changed, today).is_err(), "{changed}");
    }
}

/// A file cut in the middle of a matter or a year is refused whole: the
/// proptests below take a valid result too, so this is shown once for sure.
#[test]
fn a_catalogue_or_calendar_cut_short_is_refused_and_changes_nothing() {
    // Cut right after the opening quote of a value past the middle: the
    // string is never closed.
    let cut_short = |text: &'static str| -> &'static str {
        let middle = text
            .char_indices()
            .map(|(i, _)| i)
            .find(|&i| i >= text.len() / 2)
            .unwrap();
        let quote = text[middle..].find("= \"").unwrap();
        &text[..middle + quote + 3]
    };
    let mut c = center();
    let before = snapshot(&c.store);
    let cut = cut_short(file::DEFAULT);
    let e = versions::import(&mut c.store, &c.manager, monday(), cut).unwrap_err();
    assert!(is_chinese_message(&e.to_string()), "{e}");
    assert_eq!(snapshot(&c.store), before);
    let cut = cut_short(schedule::SHIPPED[1]);
    let e = schedule::import(&mut c.store, &c.manager, monday(), cut).unwrap_err();
    assert!(is_chinese_message(&e.to_string()), "{e}");
    assert_eq!(snapshot(&c.store), before);
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn a_broken_catalogue_file_is_refused_whole_and_changes_nothing(cut in 0usize..8000, junk in ".{0,12}") {
        let mut c = center();
        let text = file::DEFAULT;
        let cut = text.char_indices().map(|(i, _)| i).take_while(|i| *i <= cut).last().unwrap_or(0);
        let broken = format!("{}{}{}", &text[..cut], junk, &text[cut..]);
        let before = snapshot(&c.store);
        match versions::import(&mut c.store, &c.manager, monday(), &broken) {
            // Junk that leaves a valid file (inside a note, say) is taken
            // whole: every matter the file holds is there, none half.
            Ok(r) => {
                let parsed = file::parse(&broken).unwrap().matters;
                prop_assert_eq!(r.added.len() + r.updated.len() + r.unchanged, parsed.len());
                for m in &parsed {
                    prop_assert_eq!(&versions::current(c.store.conn(), &m.code).unwrap().1, m);
                }
            }
            Err(e) => {
                prop_assert!(is_chinese_message(&e.to_string()), "{e}");
                prop_assert_eq!(snapshot(&c.store), before);
            }
        }
    }

    #[test]
    fn a_broken_calendar_file_is_refused_whole_and_changes_nothing(cut in 0usize..1200, junk in ".{0,8}") {
        let mut c = center();
        let text = schedule::SHIPPED[1];
        let cut = text.char_indices().map(|(i, _)| i).take_while(|i| *i <= cut).last().unwrap_or(0);
        let broken = format!("{}{}{}", &text[..cut], junk, &text[cut..]);
        let before = snapshot(&c.store);
        match schedule::import(&mut c.store, &c.manager, monday(), &broken) {
            // A still-valid file is loaded as it reads.
            Ok(year) => {
                prop_assert_eq!(year.schedule, YearSchedule::parse(&broken).unwrap());
            }
            Err(e) => {
                prop_assert!(is_chinese_message(&e.to_string()), "{e}");
                prop_assert_eq!(snapshot(&c.store), before);
            }
        }
    }

    #[test]
    fn any_typed_text_is_either_refused_cleanly_or_stored_verbatim(
        name in typed(), address in typed(), phone in prop_oneof![Just("13905341234".to_owned()), ".{0,14}"], reason in typed(),
    ) {
        let mut c = center();
        let mut p = person("占位", 1);
        p.name = name.clone();
        p.address = address.clone();
        p.phone = phone;
        let mut app = application("ZJ-001", p, &[]);
        app.refusal_reason = Some(reason.clone());
        let before = snapshot(&c.store);
        match intake::record(&mut c.store, &c.clerk, monday(), app) {
            Ok(r) => {
                let d = intake::lookup::detail_unmasked(c.store.conn(), &r.case_no).unwrap();
                prop_assert_eq!(d.summary.applicant_name, name.trim());
                prop_assert_eq!(d.applicant_address, address);
                prop_assert_eq!(d.refusal_reason, Some(reason));
            }
            Err(e) => {
                prop_assert!(is_chinese_message(&e.to_string()), "{e}");
                prop_assert_eq!(snapshot(&c.store), before);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn canonical_json_round_trips_any_text(s in "\\PC{0,60}") {
        let v = serde_json::json!({"b": s.clone(), "a": [s.clone(), 1, null]});
        let text = bianmin::store::canonical::to_string(&v);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, v);
    }
}

proptest! {
    #![proptest_config(config(150))]

    /// The service desk's free text (an enquiry, a complaint) is refused
    /// cleanly or kept exactly as typed (trimmed), read back as stored.
    #[test]
    fn service_desk_text_is_either_refused_cleanly_or_stored_verbatim(
        asker in typed(), question in typed(), answer in typed(),
        complainant in typed(), contact in typed(), target in typed(), content in typed(),
    ) {
        use bianmin::service::complaints::{self, NewComplaint};
        use bianmin::service::consultation::{self, Channel, Enquiry};
        let mut c = center();
        let before = snapshot(&c.store);
        let enquiry = Enquiry {
            asker_name: asker.clone(),
            asker_phone: String::new(),
            question: question.clone(),
            matter_code: None,
            answer: answer.clone(),
            follow_up_department: None,
            follow_up_days: None,
        };
        match consultation::record(&mut c.store, &c.clerk, monday(), Channel::WalkIn, enquiry) {
            Ok(r) => {
                let back = consultation::find(c.store.conn(), &r.consultation_id).unwrap();
                prop_assert_eq!(back.asker_name, asker.trim());
                prop_assert_eq!(back.question, question.trim());
                prop_assert_eq!(back.answer, answer.trim());
            }
            Err(e) => {
                prop_assert!(is_chinese_message(&e.to_string()), "{e}");
                prop_assert_eq!(snapshot(&c.store), before.clone());
            }
        }
        let before = snapshot(&c.store);
        let complaint = NewComplaint {
            complainant_name: complainant.clone(),
            complainant_contact: contact.clone(),
            channel: "电话".into(),
            target: target.clone(),
            category: "态度".into(),
            content: content.clone(),
            days: None,
        };
        match complaints::register(&mut c.store, &c.clerk, monday(), complaint) {
            Ok(r) => {
                let back = complaints::find(c.store.conn(), &c.manager, &r.complaint_id).unwrap();
                prop_assert_eq!(back.complainant_name, complainant.trim());
                prop_assert_eq!(back.complainant_contact, contact.trim());
                prop_assert_eq!(back.target, target.trim());
                prop_assert_eq!(back.content, content.trim());
            }
            Err(e) => {
                prop_assert!(is_chinese_message(&e.to_string()), "{e}");
                prop_assert_eq!(snapshot(&c.store), before);
            }
        }
    }
}
