//! Printing through the PC's real print service: CUPS with the virtual PDF
//! printers that scripts/test-printers.sh adds (scripts/test.sh starts it
//! and sets BIANMIN_TEST_PRINTED to the folder cups-pdf writes jobs into).
//! A printed job is read back from its page image (pdftoppm, tesseract).

mod common;

use std::path::Path;

use bianmin::documents::{self, DocumentKind};
use bianmin::intake::papers::{self, Source};
use bianmin::printing::{self, PrintError};
use bianmin::Error;
use common::printed::printed_text;
use common::*;

const SLIP: &str = "BianminTest80";
const A4: &str = "BianminTestA4";
const STOPPED: &str = "BianminTestStopped";

fn job_of(d: &documents::WrittenDocument) -> &str {
    &d.sent_to.as_ref().expect("sent to a printer").job
}

/// A clerk takes in an application with every material; papers into `dir`.
fn take_in(c: &mut Center, dir: &Path) -> papers::IntakeDone {
    papers::take_in(
        &mut c.store,
        &c.clerk,
        monday(),
        Source::Counter,
        application("MZ-005", person("刘桂英", 1), &["1", "2", "3", "5"]),
        Some(dir),
    )
    .unwrap()
}

enum Who {
    Manager,
    Clerk,
}

/// Chooses where `kind` prints on this PC, as the manager or a clerk.
fn choose(
    c: &mut Center,
    who: Who,
    kind: DocumentKind,
    printer: Option<&str>,
    auto: bool,
) -> bianmin::Result<printing::Choice> {
    let session = match who {
        Who::Manager => c.manager.clone(),
        Who::Clerk => c.clerk.clone(),
    };
    printing::choose(&mut c.store, &session, monday(), kind, printer, auto)
}

/// The clerk sends the saved copy of the case's receipt to its printer.
fn receipt_sent(
    c: &mut Center,
    case_no: &str,
    dir: &Path,
) -> bianmin::Result<documents::WrittenDocument> {
    documents::send_saved(
        &mut c.store,
        &c.clerk,
        monday(),
        case_no,
        DocumentKind::Receipt,
        dir,
    )
}

/// The clerk prints (补打) the case's receipt where this PC prints receipts.
fn receipt_here(
    c: &mut Center,
    case_no: &str,
    dir: &Path,
) -> bianmin::Result<documents::WrittenDocument> {
    documents::print_here(
        &mut c.store,
        &c.clerk,
        monday(),
        case_no,
        DocumentKind::Receipt,
        dir,
    )
}

fn printers_of(c: &Center) -> Vec<(String, u32, Option<String>)> {
    let mut stmt = c
        .store
        .conn()
        .prepare("SELECT kind, copy, printer FROM printed_documents ORDER BY kind, copy")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn an_intake_prints_its_papers_on_the_chosen_printers_and_records_where() {
    let mut c = center();
    choose(
        &mut c,
        Who::Manager,
        DocumentKind::Receipt,
        Some(SLIP),
        true,
    )
    .unwrap();
    choose(&mut c, Who::Manager, DocumentKind::Notice, Some(A4), true).unwrap();
    let choices = printing::choices(c.store.conn()).unwrap();
    assert_eq!(choices[0].printer.as_deref(), Some(SLIP));
    assert!(choices[0].auto);
    assert_eq!(choices[0].paper, "80 mm 小票");

    let dir = c.dir.path().join("docs");
    let done = take_in(&mut c, &dir);
    assert_eq!(done.print_error, None);
    let sent: Vec<_> = done
        .documents
        .iter()
        .map(|d| d.sent_to.as_ref().map(|s| s.printer.as_str()))
        .collect();
    assert_eq!(sent, [Some(SLIP), Some(A4)]);
    let job = &done.documents[0].sent_to.as_ref().unwrap().job;
    assert!(job.starts_with(&format!("{SLIP}-")), "{job}");
    // The PDF is kept too, for opening it again.
    assert!(Path::new(&done.documents[0].path).is_file());
    assert_eq!(
        printers_of(&c),
        [
            ("notice".into(), 1, Some(A4.into())),
            ("receipt".into(), 1, Some(SLIP.into())),
        ]
    );

    let case_no = done.result.case_no.as_str();
    let receipt = printed_text(job_of(&done.documents[0]));
    assert!(
        receipt.contains(case_no) && receipt.contains("受理回执"),
        "{receipt}"
    );
    let notice = printed_text(job_of(&done.documents[1]));
    assert!(
        notice.contains(case_no) && notice.contains("受理通知书"),
        "{notice}"
    );
}

#[test]
fn a_paused_printer_is_refused_in_chinese_and_records_nothing() {
    let mut c = center();
    choose(
        &mut c,
        Who::Manager,
        DocumentKind::Receipt,
        Some(STOPPED),
        true,
    )
    .unwrap();
    let dir = c.dir.path().join("docs");
    let done = take_in(&mut c, &dir);
    // The case stands; the receipt did not print, and nothing says it did.
    let reason = done.print_error.clone().unwrap();
    assert!(
        reason.contains("打印机“BianminTestStopped”已暂停（测试：已暂停）"),
        "{reason}"
    );
    assert!(done.documents.is_empty());
    assert_eq!(printers_of(&c), []);
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert!(left.is_empty(), "an unrecorded print left {left:?}");

    // Sent again by hand, it is refused the same way and still records nothing.
    let before = snapshot(&c.store);
    let e = receipt_here(&mut c, &done.result.case_no, &dir).unwrap_err();
    assert!(matches!(e, Error::Print(PrintError::Stopped { .. })), "{e}");
    assert_eq!(snapshot(&c.store), before);

    // The overview names the trouble before anyone prints.
    let o = printing::overview(c.store.conn(), &c.clerk).unwrap();
    assert_eq!(o.service_problem, None);
    let stopped = o.printers.iter().find(|p| p.name == STOPPED).unwrap();
    assert!(stopped.problem.as_deref().unwrap().contains("已暂停"));
    let slip = o.printers.iter().find(|p| p.name == SLIP).unwrap();
    assert_eq!(slip.problem, None);
}

#[test]
fn choosing_a_printer_is_the_managers_and_checked_against_the_service() {
    let mut c = center();
    let before = snapshot(&c.store);
    let e = choose(&mut c, Who::Clerk, DocumentKind::Receipt, Some(SLIP), true).unwrap_err();
    assert!(matches!(e, Error::Auth(_)), "{e}");
    let e = choose(
        &mut c,
        Who::Manager,
        DocumentKind::Receipt,
        Some("NoSuchPrinter"),
        false,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "本机没有名为“NoSuchPrinter”的打印机，请在“设置”中重新选择打印机"
    );
    let e = choose(&mut c, Who::Manager, DocumentKind::Notice, None, true).unwrap_err();
    assert!(
        e.to_string().contains("没有为“受理通知书”选择打印机"),
        "{e}"
    );
    assert_eq!(snapshot(&c.store), before);

    // Choosing none again means a PDF only.
    choose(
        &mut c,
        Who::Manager,
        DocumentKind::Receipt,
        Some(SLIP),
        false,
    )
    .unwrap();
    choose(&mut c, Who::Manager, DocumentKind::Receipt, None, false).unwrap();
    assert_eq!(
        printing::printer_for(c.store.conn(), DocumentKind::Receipt).unwrap(),
        None
    );
}

#[test]
fn a_saved_copy_goes_to_its_printer_as_the_same_copy_and_a_reprint_is_a_new_one() {
    let mut c = center();
    let dir = c.dir.path().join("docs");
    // No printer chosen: the intake saves its PDFs only.
    let done = take_in(&mut c, &dir);
    assert!(done.documents.iter().all(|d| d.sent_to.is_none()));
    let case_no = done.result.case_no.clone();
    let e = receipt_sent(&mut c, &case_no, &dir).unwrap_err();
    assert!(
        matches!(e, Error::Print(PrintError::NoPrinterChosen(_))),
        "{e}"
    );

    choose(
        &mut c,
        Who::Manager,
        DocumentKind::Receipt,
        Some(SLIP),
        false,
    )
    .unwrap();
    let sent = receipt_sent(&mut c, &case_no, &dir).unwrap();
    assert_eq!(sent.printed.copy, 1);
    assert_eq!(sent.sent_to.as_ref().unwrap().printer, SLIP);
    let text = printed_text(job_of(&sent));
    assert!(
        text.contains(&case_no) && text.contains("受理回执"),
        "{text}"
    );
    let kinds: Vec<String> = c
        .store
        .conn()
        .prepare("SELECT kind FROM events ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds.last().map(String::as_str), Some("document.sent"));
    assert!(printers_of(&c).contains(&("receipt".into(), 1, Some(SLIP.into()))));
    // That copy is on paper: another paper is a 补打, not the same copy again.
    let e = receipt_sent(&mut c, &case_no, &dir).unwrap_err();
    assert!(
        e.to_string().contains("已发送到打印机 BianminTest80"),
        "{e}"
    );

    // 补打 prints a second copy on the chosen printer.
    let again = receipt_here(&mut c, &case_no, &dir).unwrap();
    assert_eq!(again.printed.copy, 2);
    assert!(printers_of(&c).contains(&("receipt".into(), 2, Some(SLIP.into()))));

    // A saved file changed since it was printed is not sent as the record's copy.
    choose(&mut c, Who::Manager, DocumentKind::Receipt, None, false).unwrap();
    let third = receipt_here(&mut c, &case_no, &dir).unwrap();
    assert!(third.sent_to.is_none());
    choose(
        &mut c,
        Who::Manager,
        DocumentKind::Receipt,
        Some(SLIP),
        false,
    )
    .unwrap();
    std::fs::write(&third.path, b"%PDF-1.4 changed").unwrap();
    let before = snapshot(&c.store);
    let e = receipt_sent(&mut c, &case_no, &dir).unwrap_err();
    assert!(e.to_string().contains("与打印记录不一致"), "{e}");
    assert_eq!(snapshot(&c.store), before);
}
