//! Printed documents, checked the way a reader sees them: text extracted
//! with pdftotext (poppler-utils, installed by scripts/test.sh) must hold
//! every field in order; pdffonts must show only embedded subset fonts with
//! Unicode maps; reprints are marked and recorded.

mod common;

use std::process::Command;

use bianmin::catalogue::{versions, CaseType, Material, MaterialForm};
use bianmin::documents::{self, DocumentError, DocumentKind, Printed};
use bianmin::intake::{self, Outcome};
use bianmin::Error;
use common::*;

fn tool(name: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(name)
        .args(args)
        .arg(&path)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{name} is needed (poppler-utils; scripts/test.sh installs it): {e}")
        });
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}

/// Every expected piece appears in the extracted text, in this order.
fn assert_in_order(pdf: &[u8], expected: &[&str]) -> String {
    let text = squeeze(&tool("pdftotext", &[], pdf));
    let mut from = 0;
    for want in expected {
        let want = squeeze(want);
        match text[from..].find(&want) {
            Some(i) => from += i + want.len(),
            None => panic!("“{want}” missing or out of order in:\n{text}"),
        }
    }
    text
}

fn assert_fonts_embedded_subset_unicode(pdf: &[u8]) {
    let fonts = tool("pdffonts", &[], pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb sub uni: {row}"
        );
        assert!(cols[0].contains('+'), "subset prefix: {row}");
    }
}

fn pages(pdf: &[u8]) -> usize {
    let info = tool("pdfinfo", &[], pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap()
}

fn print(c: &mut Center, case_no: &str, kind: DocumentKind) -> Printed {
    documents::print(&mut c.store, &c.clerk, monday(), case_no, kind).unwrap()
}

#[test]
fn the_receipt_has_every_field_masked_where_needed() {
    let mut c = center();
    let long = "阿卜杜热合曼·买买提艾力·克里木江";
    let mut p = person(long, 1);
    p.id_number = id(1);
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", p.clone(), &["1", "2", "3", "5"]),
    )
    .unwrap();
    let doc = print(&mut c, &r.case_no, DocumentKind::Receipt);
    assert_eq!((doc.copy, doc.pages), (1, 1));
    let masked_id = format!("{}********{}", &p.id_number[..6], &p.id_number[14..]);
    let text = assert_in_order(
        &doc.pdf,
        &[
            "新湖街道便民服务中心",
            "受理回执",
            &r.case_no,
            &r.query_code,
            "高龄津贴申请",
            &bianmin::applicant::mask::name(long),
            &masked_id,
            "2026年11月23日09:30",
            "2026年11月30日",
            "短信告知",
            "A01号窗口",
            "工号0101",
            "0534-2688123",
            "凭此回执查询/领取",
        ],
    );
    assert!(!text.contains(long), "the full name is masked on the slip");
    assert!(!text.contains(&p.id_number), "the full ID number is masked");
    assert_fonts_embedded_subset_unicode(&doc.pdf);
}

#[test]
fn the_acceptance_notice_lists_the_materials_received_and_the_chinese_due_date() {
    let mut c = center();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        at(2026, 9, 30),
        application("MZ-005", person("刘桂英", 1), &["1", "2", "3", "5"]),
    )
    .unwrap();
    let doc = print(&mut c, &r.case_no, DocumentKind::Notice);
    let text = assert_in_order(
        &doc.pdf,
        &[
            "受理通知书",
            &format!("编号：{}", r.case_no),
            "刘桂英：",
            "2026年9月30日",
            "办理事项：高龄津贴申请",
            "实施部门：县民政局",
            "受理日期：2026年9月30日",
            "承诺办结日期：2026年10月13日",
            "结果领取方式：短信告知",
            "受理窗口：A01号窗口",
            "居民身份证",
            "户口簿",
            "高龄津贴申请表",
            "社会保障卡或银行账户",
            "印章位置",
            "如对办理结果有异议",
            "地址：新湖街道湖滨北大道18号",
        ],
    );
    assert!(
        !text.contains("近期免冠一寸照片"),
        "a material not brought is not listed as received"
    );
    let info = tool("pdfinfo", &[], &doc.pdf);
    assert!(
        info.contains("Title:") && info.contains("受理通知书"),
        "{info}"
    );
    assert!(
        info.lines()
            .any(|l| l.starts_with("CreationDate:") && l.contains("2026")),
        "{info}"
    );
    assert_fonts_embedded_subset_unicode(&doc.pdf);
}

#[test]
fn a_rare_character_name_prints_with_the_fallback_font() {
    let mut c = center();
    let mut app = application("ZJ-001", person("𠮷䶮𪚥", 2), &[]);
    app.refusal_reason = Some("申请人“𠮷䶮𪚥”非本集体经济组织成员".into());
    documents::check_printable(&app).unwrap();
    let r = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap();
    let doc = print(&mut c, &r.case_no, DocumentKind::Refusal);
    assert_in_order(
        &doc.pdf,
        &[
            "不予受理通知书",
            &r.case_no,
            "𠮷䶮𪚥：",
            "农村宅基地和建房（规划许可）审批",
            "不予受理理由：申请人“𠮷䶮𪚥”非本集体经济组织成员",
            "《中华人民共和国土地管理法》第六十二条",
            "六十日内依法申请行政复议",
            "六个月内依法向人民法院提起行政诉讼",
            "印章位置",
        ],
    );
    let fonts = tool("pdffonts", &[], &doc.pdf);
    assert!(
        fonts.contains("NotoSerifCJKsc") && fonts.contains("HanaMinB"),
        "{fonts}"
    );
    assert_fonts_embedded_subset_unicode(&doc.pdf);
}

/// The font names `pdffonts` lists, without their subset tags.
fn font_names(pdf: &[u8]) -> Vec<String> {
    let mut names: Vec<String> = tool("pdffonts", &[], pdf)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.split_once('+').map_or(n, |(_, name)| name).to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn slips_are_set_in_sans_a4_papers_in_serif_and_the_same_facts_give_the_same_bytes() {
    let mut c = center();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("王芳", 1), &["1", "2", "3", "5"]),
    )
    .unwrap();
    let facts = bianmin::documents::facts::gather(c.store.conn(), &r.case_no, monday()).unwrap();
    for (kind, face) in [
        (DocumentKind::Receipt, "NotoSansCJKsc-Regular"),
        (DocumentKind::Notice, "NotoSerifCJKsc-Regular"),
    ] {
        let first = documents::render(kind, &facts).unwrap();
        assert_eq!(font_names(&first.bytes), vec![face.to_owned()], "{kind:?}");
        let again = documents::render(kind, &facts).unwrap();
        assert!(
            first.bytes == again.bytes,
            "{kind:?} differs between two renders"
        );
    }
}

#[test]
fn a_character_no_font_has_is_refused_before_anything_is_recorded() {
    let mut c = center();
    // U+9FFF (Unicode 14) is in neither shipped font.
    let app = application("MZ-005", person("王\u{9FFF}", 3), &["1", "2", "3", "5"]);
    let err = documents::check_printable(&app).unwrap_err();
    assert_eq!(err, DocumentError::MissingGlyph('\u{9FFF}'));
    assert!(err.to_string().contains("U+9FFF"));
    // Intake refuses it, from every entry point, and records nothing.
    let before = snapshot(&c.store);
    let err = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Document(DocumentError::MissingGlyph('\u{9FFF}'))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&c.store), before);
}

fn thirty_material_matter(c: &mut Center) {
    let (_, mut m) = versions::current(c.store.conn(), "MZ-001").unwrap();
    m.code = "XX-030".into();
    m.name = "材料很多的测试事项".into();
    m.case_type = CaseType::Promised;
    m.materials = (1..=30)
        .map(|i| Material {
            name: format!("第{i}号证明材料（须加盖村民委员会公章）"),
            form: if i % 2 == 0 {
                MaterialForm::Copy
            } else {
                MaterialForm::OriginalAndCopy
            },
            copies: 1 + i % 3,
            required: true,
            note: format!("说明{i}：材料内容应与户籍信息一致"),
            core: false,
            tolerance_days: None,
            commitment: None,
        })
        .collect();
    versions::publish(&mut c.store, &c.manager, monday(), &m).unwrap();
}

#[test]
fn thirty_missing_materials_flow_onto_a_second_page_with_the_header_repeated() {
    let mut c = center();
    thirty_material_matter(&mut c);
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("XX-030", person("王五", 4), &[]),
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Notice);
    assert_eq!(r.missing.len(), 30);
    let doc = print(&mut c, &r.case_no, DocumentKind::OnetimeA4);
    let n = pages(&doc.pdf);
    assert!(n >= 4, "two copies of at least two pages each, got {n}");
    // Each copy lists all 30 in order; every page carries the table header.
    let names: Vec<String> = (1..=30).map(|i| format!("第{i}号证明材料")).collect();
    let mut expected: Vec<&str> = vec!["（申请人联）"];
    expected.extend(names.iter().map(String::as_str));
    expected.extend(["本单一次性告知全部补正内容", "申请人（签字）", "（存档联）"]);
    expected.extend(names.iter().map(String::as_str));
    assert_in_order(&doc.pdf, &expected);
    let mut table_pages = 0;
    for page in 1..=n {
        let p = page.to_string();
        let text = squeeze(&tool("pdftotext", &["-f", &p, "-l", &p], &doc.pdf));
        assert!(
            text.contains(&format!("第{page}页共{n}页")),
            "page {page} number"
        );
        if text.contains("号证明材料") {
            table_pages += 1;
            assert!(
                text.contains("需补正的材料"),
                "page {page} has table rows without the header: {text}"
            );
        }
        if page > 1 && !text.contains("（申请人联）") && !text.contains("（存档联）") {
            assert!(
                text.contains("一次性告知单（续）"),
                "continuation page {page} has the running header"
            );
        }
    }
    assert!(
        table_pages >= 4,
        "each copy's table spans two pages: {table_pages}"
    );
    // The slip form lists all 30 too.
    let slip = print(&mut c, &r.case_no, DocumentKind::Onetime);
    assert_in_order(
        &slip.pdf,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );
}

#[test]
fn the_one_time_notice_lists_every_missing_item_the_deadline_and_both_copies() {
    let mut c = center();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-001", person("王𠮷", 5), &["2"]),
    )
    .unwrap();
    for kind in [DocumentKind::Onetime, DocumentKind::OnetimeA4] {
        let doc = print(&mut c, &r.case_no, kind);
        let mut expected = vec![
            "一次性告知单",
            "（申请人联）",
            &r.case_no,
            "最低生活保障申请",
        ];
        let missing: Vec<String> = r.missing.iter().map(|m| m.name.clone()).collect();
        expected.extend(missing.iter().map(String::as_str));
        expected.extend([
            "5个工作日内（2026年11月30日前）",
            "本单一次性告知全部补正内容",
            "0534-2688100",
            "（存档联）",
        ]);
        let text = assert_in_order(&doc.pdf, &expected);
        assert!(text.contains("《社会救助暂行办法》第十一条"), "legal basis");
        assert!(
            text.contains("申请人签字") || text.contains("申请人（签字）"),
            "signature line"
        );
        assert_fonts_embedded_subset_unicode(&doc.pdf);
    }
}

#[test]
fn a_second_print_is_a_numbered_reprint_and_every_print_is_recorded() {
    let mut c = center();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("刘桂英", 1), &["1", "2", "3", "5"]),
    )
    .unwrap();
    let first = print(&mut c, &r.case_no, DocumentKind::Receipt);
    assert!(!squeeze(&tool("pdftotext", &[], &first.pdf)).contains("补打"));
    let second = print(&mut c, &r.case_no, DocumentKind::Receipt);
    let third = print(&mut c, &r.case_no, DocumentKind::Receipt);
    assert_eq!((first.copy, second.copy, third.copy), (1, 2, 3));
    assert!(squeeze(&tool("pdftotext", &[], &third.pdf)).contains("补打（第2次）"));
    // The notice counts its own copies.
    assert_eq!(print(&mut c, &r.case_no, DocumentKind::Notice).copy, 1);
    let rows: Vec<(String, i64, String, String)> = c
        .store
        .conn()
        .prepare("SELECT kind, copy, template, sha256 FROM printed_documents ORDER BY kind, copy")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].0, "notice");
    assert_eq!(
        rows[3],
        (
            "receipt".into(),
            3,
            "receipt-v1".into(),
            third.sha256.clone()
        )
    );
    let events: i64 = c
        .store
        .conn()
        .query_row("SELECT count(*) FROM events WHERE kind = 'document.printed' AND case_id = ?1 AND user_id = ?2", [&r.case_id, &c.clerk.user_id], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 4);
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&third.pdf)), third.sha256);
}

#[test]
fn documents_that_do_not_fit_the_outcome_or_role_are_refused() {
    let mut c = center();
    let notice = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-001", person("王", 6), &[]),
    )
    .unwrap();
    let before = snapshot(&c.store);
    for kind in [
        DocumentKind::Receipt,
        DocumentKind::Notice,
        DocumentKind::Refusal,
    ] {
        let err =
            documents::print(&mut c.store, &c.clerk, monday(), &notice.case_no, kind).unwrap_err();
        assert!(
            matches!(err, Error::Document(DocumentError::NotForOutcome { .. })),
            "{err}"
        );
    }
    let err = documents::print(
        &mut c.store,
        &c.admin,
        monday(),
        &notice.case_no,
        DocumentKind::Onetime,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err}");
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn hostile_text_prints_verbatim_in_a_notice() {
    let mut c = center();
    let reasons = [
        "'; DROP TABLE cases;--",
        "<script>alert(1)</script>",
        "引号\"单引号'反斜杠\\",
        "𠮷 & </Tj> ) ( \\) 终",
    ];
    for (i, reason) in reasons.iter().enumerate() {
        let mut app = application("ZJ-001", person("𠮷䶮𪚥", 40 + i as u32), &[]);
        app.refusal_reason = Some(reason.to_string());
        documents::check_printable(&app).unwrap();
        let r = intake::record(&mut c.store, &c.clerk, monday(), app).unwrap();
        let doc = print(&mut c, &r.case_no, DocumentKind::Refusal);
        // -raw: the default mode joins a line ending in "-" to the next
        // one and drops the hyphen, which would eat the end of "--".
        let text = squeeze(&tool("pdftotext", &["-raw"], &doc.pdf));
        let want = squeeze(&format!("不予受理理由：{reason}"));
        assert!(text.contains(&want), "{want} not in {text}");
    }
}

#[test]
fn a_due_date_counted_on_a_provisional_year_says_so_on_the_notice_and_the_receipt() {
    let mut c = center();
    bianmin::calendar::provisional::apply(&mut c.store, &c.manager, at(2026, 12, 2), 2027).unwrap();
    let r = intake::record(
        &mut c.store,
        &c.clerk,
        at(2026, 12, 28),
        application("MZ-005", person("刘桂英", 1), &["1", "2", "3", "5"]),
    )
    .unwrap();
    let notice = print(&mut c, &r.case_no, DocumentKind::Notice);
    assert_in_order(
        &notice.pdf,
        &["承诺办结日期：", "2027年1月5日（按暂定节假日计算）"],
    );
    let receipt = print(&mut c, &r.case_no, DocumentKind::Receipt);
    assert_in_order(
        &receipt.pdf,
        &["承诺办结：", "2027年1月5日（按暂定节假日计算）"],
    );
    // A case due within an official year has no such note.
    let plain = intake::record(
        &mut c.store,
        &c.clerk,
        monday(),
        application("MZ-005", person("王秀英", 2), &["1", "2", "3", "5"]),
    )
    .unwrap();
    let notice = print(&mut c, &plain.case_no, DocumentKind::Notice);
    assert!(!squeeze(&tool("pdftotext", &[], &notice.pdf)).contains("暂定"));
}

#[test]
fn a_matters_guide_holds_every_material_and_the_booklet_every_matter_taken_in() {
    use bianmin::catalogue::withdrawal;
    use bianmin::documents::guide::{self, Guide};
    let mut c = center();
    let dir = c.dir.path().join("guides");
    let (_, m) = versions::current(c.store.conn(), "RS-002").unwrap();
    let g = guide::print_into(
        &mut c.store,
        &c.clerk,
        monday(),
        &Guide::Matter("RS-002".into()),
        &dir,
    )
    .unwrap();
    assert_eq!(
        std::fs::read(&g.path).unwrap(),
        g.pdf,
        "the file is the guide"
    );
    let mut expected = vec![m.name.clone(), "办事指南".into(), m.department.clone()];
    for x in &m.materials {
        expected.push(x.name.clone());
        expected.push(x.form.label().into());
        expected.push(if x.required { "必交" } else { "选交" }.into());
    }
    expected.extend(m.steps.iter().cloned());
    expected.push(m.legal_basis[0].law.clone());
    expected.extend([
        "办理地点".into(),
        "工作日8:30—17:30".into(),
        "0534-2688123".into(),
        "0534-2688100".into(),
    ]);
    // In reading order, table rows included.
    let text = squeeze(&tool("pdftotext", &["-raw"], &g.pdf));
    let mut from = 0;
    for want in &expected {
        let want = squeeze(want);
        match text[from..].find(&want) {
            Some(i) => from += i + want.len(),
            None => panic!("“{want}” missing or out of order in:\n{text}"),
        }
    }
    assert_fonts_embedded_subset_unicode(&g.pdf);
    let recorded: (i64, String) = c
        .store
        .conn()
        .query_row("SELECT booklet, matters FROM printed_guides", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(recorded, (0, "RS-002@1".to_owned()));

    // A withdrawn matter has no guide, and is left out of the booklet.
    withdrawal::withdraw(&mut c.store, &c.manager, monday(), "RS-003", "暂停办理").unwrap();
    let err = guide::print_into(
        &mut c.store,
        &c.clerk,
        monday(),
        &Guide::Matter("RS-003".into()),
        &dir,
    )
    .unwrap_err();
    assert!(err.to_string().contains("已停用"), "{err}");
    let booklet =
        guide::print_into(&mut c.store, &c.manager, monday(), &Guide::Booklet, &dir).unwrap();
    let listed = versions::list(c.store.conn()).unwrap();
    assert_eq!(booklet.matters, listed.len() - 1);
    assert!(
        booklet.pages > booklet.matters,
        "a contents page, then a page or more per matter"
    );
    let text = squeeze(&tool("pdftotext", &[], &booklet.pdf));
    for s in &listed {
        assert_eq!(text.contains(&squeeze(&s.name)), !s.withdrawn, "{}", s.name);
    }
    assert!(
        text.contains("政务服务事项办事指南（公示）")
            && text.contains("序号事项编码事项名称承诺时限"),
        "{text}"
    );
}

#[test]
fn a_guide_that_could_not_be_written_records_nothing() {
    use bianmin::documents::guide::{self, Guide};
    let mut c = center();
    let blocked = c.dir.path().join("a-file");
    std::fs::write(&blocked, b"not a folder").unwrap();
    let before = snapshot(&c.store);
    let err =
        guide::print_into(&mut c.store, &c.clerk, monday(), &Guide::Booklet, &blocked).unwrap_err();
    assert!(matches!(err, Error::Store(_)), "{err}");
    assert_eq!(snapshot(&c.store), before);
}

#[test]
fn set_up_takes_the_address_and_phones_and_names_what_is_still_missing() {
    use bianmin::center;
    use bianmin::setup;
    use bianmin::store::device::DeviceRole;
    // Nothing typed: no profile; the notices would print "—" for both.
    assert!(setup::profile_from(" ", "", "").is_none());
    let dir = tempfile::tempdir().unwrap();
    let mut blank = bianmin::store::Store::open(&dir.path().join("a.db")).unwrap();
    setup::init(
        &mut blank,
        monday(),
        setup_input("A01", DeviceRole::Counter),
    )
    .unwrap();
    assert_eq!(
        center::missing(blank.conn()).unwrap(),
        ["中心地址", "咨询电话"]
    );
    let notice = center::missing_notice(blank.conn()).unwrap().unwrap();
    assert!(
        notice.contains("中心地址、咨询电话") && notice.contains("设置"),
        "{notice}"
    );

    // Typed at set-up: kept, the 投诉电话 defaulting to 12345.
    let mut full = bianmin::store::Store::open(&dir.path().join("b.db")).unwrap();
    let input = bianmin::setup::SetupInput {
        profile: setup::profile_from("湖滨北大道18号", "0534-2688123", ""),
        ..setup_input("A01", DeviceRole::Counter)
    };
    setup::init(&mut full, monday(), input).unwrap();
    let p = center::load(full.conn()).unwrap();
    assert_eq!(
        (p.address.as_str(), p.phone.as_str()),
        ("湖滨北大道18号", "0534-2688123")
    );
    assert_eq!(p.complaint_phone, "12345");
    assert!(center::missing(full.conn()).unwrap().is_empty());
    assert_eq!(center::missing_notice(full.conn()).unwrap(), None);

    // Half typed: refused, naming the blank one.
    let mut half = bianmin::store::Store::open(&dir.path().join("c.db")).unwrap();
    let input = bianmin::setup::SetupInput {
        profile: setup::profile_from("湖滨北大道18号", "", ""),
        ..setup_input("A01", DeviceRole::Counter)
    };
    let err = setup::init(&mut half, monday(), input).unwrap_err();
    assert!(err.to_string().contains("咨询电话"), "{err}");
}
