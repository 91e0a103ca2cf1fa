//! The catalogue file (TOML, `[[matters]]` tables and `[[bundles]]` of
//! 一件事) that ships in assets/catalogue/ and that a manager edits and
//! imports. A file is checked whole before anything is written; the first
//! problem is reported with its line number.

use serde::{Deserialize, Serialize};

use super::bundle::Bundle;
use super::{CatalogueError, Matter};

/// The catalogue shipped with the program.
pub const DEFAULT: &str = include_str!("../../assets/catalogue/default.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    matters: Vec<toml::Spanned<Matter>>,
    #[serde(default)]
    bundles: Vec<toml::Spanned<Bundle>>,
}

/// A catalogue file's content: its matters and its 一件事 bundles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    pub matters: Vec<Matter>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bundles: Vec<Bundle>,
}

/// Parses and checks every matter and bundle of a catalogue file; refuses
/// duplicate codes. A bundle's matters must be in the file or already in
/// the catalogue: `known` answers for the catalogue.
pub fn parse_with(text: &str, known: impl Fn(&str) -> bool) -> Result<Catalogue, CatalogueError> {
    let file: FileIn = toml::from_str(text).map_err(|e| CatalogueError::File {
        line: e
            .span()
            .map(|s| crate::files::line_at(text, s.start))
            .unwrap_or(1),
        reason: format!("格式错误（{}）", e.message().trim()),
    })?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(file.matters.len());
    for spanned in file.matters {
        let line = crate::files::line_at(text, spanned.span().start);
        let matter = spanned.into_inner();
        if let Err(CatalogueError::Rule { code, reason, .. }) = matter.check() {
            return Err(CatalogueError::File {
                line,
                reason: format!("事项 {code}：{reason}"),
            });
        }
        if !seen.insert(matter.code.clone()) {
            return Err(CatalogueError::File {
                line,
                reason: format!("事项编码 {} 重复出现", matter.code),
            });
        }
        out.push(matter);
    }
    if out.is_empty() {
        return Err(CatalogueError::File {
            line: 1,
            reason: "文件中没有任何事项".into(),
        });
    }
    let mut bundles = Vec::with_capacity(file.bundles.len());
    let mut seen = std::collections::HashSet::new();
    for spanned in file.bundles {
        let line = crate::files::line_at(text, spanned.span().start);
        let bundle = spanned.into_inner();
        let checked = bundle
            .check()
            .and_then(|()| bundle.check_matters(|c| out.iter().any(|m| m.code == c) || known(c)));
        if let Err(CatalogueError::BundleRule { code, reason, .. }) = checked {
            return Err(CatalogueError::File {
                line,
                reason: format!("一件事 {code}：{reason}"),
            });
        }
        if !seen.insert(bundle.code.clone()) {
            return Err(CatalogueError::File {
                line,
                reason: format!("一件事编码 {} 重复出现", bundle.code),
            });
        }
        bundles.push(bundle);
    }
    Ok(Catalogue {
        matters: out,
        bundles,
    })
}

/// [`parse_with`] for a file that stands alone: a bundle's matters must
/// all be in it.
pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
    parse_with(text, |_| false)
}

/// Writes a catalogue file that [`parse`] reads back unchanged.
pub fn to_toml(catalogue: &Catalogue) -> String {
    toml::to_string(catalogue).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::CaseType;

    #[test]
    fn the_default_catalogue_has_at_least_twenty_valid_matters_and_round_trips() {
        let catalogue = parse(DEFAULT).unwrap();
        let matters = &catalogue.matters;
        assert!(matters.len() >= 20, "{}", matters.len());
        assert!(matters.iter().any(|m| m.case_type == CaseType::OnTheSpot));
        assert!(matters.iter().any(|m| m.case_type == CaseType::Forwarded));
        assert!(matters.iter().any(|m| m.in_person_only));
        assert!(catalogue.bundles.len() >= 3, "{:?}", catalogue.bundles);
        assert_eq!(parse(&to_toml(&catalogue)).unwrap(), catalogue);
    }

    #[test]
    fn a_broken_rule_is_reported_with_its_line_and_code() {
        let mut catalogue = parse(DEFAULT).unwrap();
        let matters = &mut catalogue.matters;
        matters[2].promised_days = matters[2].statutory_days + 1;
        matters[2].case_type = CaseType::Promised;
        let code = matters[2].code.clone();
        let text = to_toml(&catalogue);
        let err = parse(&text).unwrap_err();
        let CatalogueError::File { line, reason } = err else {
            panic!("{err:?}")
        };
        assert!(reason.contains(&code), "{reason}");
        assert!(reason.contains("法定时限"), "{reason}");
        let header_lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[[matters]]")
            .map(|(i, _)| i + 1)
            .collect();
        assert!(
            line >= header_lines[2] && line < header_lines[3],
            "{line} {header_lines:?}"
        );
    }

    #[test]
    fn syntax_errors_unknown_fields_and_duplicates_are_refused() {
        let err = parse("matters = [\n  { code = \"A\" \n").unwrap_err();
        assert!(matches!(err, CatalogueError::File { .. }), "{err:?}");
        let mut catalogue = parse(DEFAULT).unwrap();
        let text = to_toml(&catalogue).replacen("fee_basis", "fee_basys", 1);
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("fee_basys"), "{err}");
        catalogue.matters[1].code = catalogue.matters[0].code.clone();
        let err = parse(&to_toml(&catalogue)).unwrap_err().to_string();
        assert!(err.contains("重复"), "{err}");
        assert!(parse("matters = []").is_err());
    }

    #[test]
    fn a_bundle_of_a_matter_neither_in_the_file_nor_in_the_catalogue_is_refused_by_line() {
        let mut catalogue = parse(DEFAULT).unwrap();
        let gone = catalogue.bundles[0].matters[0].clone();
        catalogue.matters.retain(|m| m.code != gone);
        let text = to_toml(&catalogue);
        let err = parse(&text).unwrap_err();
        let CatalogueError::File { line, reason } = err else {
            panic!("{err:?}")
        };
        assert!(reason.contains(&gone), "{reason}");
        assert!(
            text.lines()
                .nth(line - 1)
                .is_some_and(|l| l.contains("[[bundles]]")),
            "{line}"
        );
        // Already in the catalogue: the file may leave it out.
        parse_with(&text, |c| c == gone).unwrap();
    }
}
