//! The ledger as CSV: UTF-8 with a byte-order mark so that Excel and WPS
//! open the Chinese text correctly; fields quoted when they hold a comma,
//! quote or line break (RFC 4180); the totals follow the rows.

use super::ledger::{self, Ledger};

/// One CSV field, quoted when needed. A field that starts with `=`, `+`,
/// `-` or `@` gets a leading apostrophe so a spreadsheet shows it as text
/// instead of running it as a formula.
pub fn field(text: &str) -> String {
    let guarded = match text.chars().next() {
        Some('=' | '+' | '-' | '@') if text.parse::<f64>().is_err() => format!("'{text}"),
        _ => text.to_owned(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Appends one CSV row (fields escaped, CRLF).
pub fn line(out: &mut String, fields: &[String]) {
    let joined: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&joined.join(","));
    out.push_str("\r\n");
}

/// The ledger of a day as CSV text (starting with the BOM).
pub fn ledger(l: &Ledger) -> String {
    let mut out = String::from('\u{feff}');
    line(
        &mut out,
        &[format!(
            "{} 日台账 {}",
            l.center_name,
            l.day.format("%Y-%m-%d")
        )],
    );
    line(&mut out, &ledger::COLUMNS.map(str::to_owned));
    for r in &l.rows {
        line(
            &mut out,
            &[
                r.case_no.clone(),
                r.matter.clone(),
                r.applicant.clone(),
                r.clerk.clone(),
                r.outcome.to_owned(),
                r.state.to_owned(),
                r.accepted_at.clone(),
                r.due_date.map(|d| d.to_string()).unwrap_or_default(),
                r.completed_on.map(|d| d.to_string()).unwrap_or_default(),
                ledger::on_time_label(r.on_time).to_owned(),
                r.days_saved.map(|d| d.to_string()).unwrap_or_default(),
                format!("{:.2}", r.fee),
                r.evaluation.unwrap_or_default().to_owned(),
                r.received_on.to_string(),
                r.national.code.to_string(),
            ],
        );
    }
    line(&mut out, &[]);
    line(&mut out, &["合计".to_owned()]);
    for (label, value) in ledger::total_lines(&l.totals) {
        line(&mut out, &[label, value]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("刘桂英"), "刘桂英");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("-3"), "-3");
        assert_eq!(field("'; DROP TABLE cases;--"), "'; DROP TABLE cases;--");
    }
}
