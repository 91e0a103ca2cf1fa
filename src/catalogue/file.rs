//! The catalogue file (TOML, `[[matters]]` tables) that ships in
//! assets/catalogue/ and that a manager edits and imports. A file is checked
//! whole before anything is written; the first problem is reported with its
//! line number.

use serde::{Deserialize, Serialize};

use super::{CatalogueError, Matter};

/// The catalogue shipped with the program.
pub const DEFAULT: &str = include_str!("../../assets/catalogue/default.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    matters: Vec<toml::Spanned<Matter>>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    matters: &'a [Matter],
}

/// Parses and checks every matter of a catalogue file; refuses duplicate codes.
pub fn parse(text: &str) -> Result<Vec<Matter>, CatalogueError> {
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
    Ok(out)
}

/// Writes matters as a catalogue file that [`parse`] reads back unchanged.
pub fn to_toml(matters: &[Matter]) -> String {
    toml::to_string(&FileOut { matters }).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::CaseType;

    #[test]
    fn the_default_catalogue_has_at_least_twenty_valid_matters_and_round_trips() {
        let matters = parse(DEFAULT).unwrap();
        assert!(matters.len() >= 20, "{}", matters.len());
        assert!(matters.iter().any(|m| m.case_type == CaseType::OnTheSpot));
        assert!(matters.iter().any(|m| m.case_type == CaseType::Forwarded));
        assert!(matters.iter().any(|m| m.in_person_only));
        assert_eq!(parse(&to_toml(&matters)).unwrap(), matters);
    }

    #[test]
    fn a_broken_rule_is_reported_with_its_line_and_code() {
        let mut matters = parse(DEFAULT).unwrap();
        matters[2].promised_days = matters[2].statutory_days + 1;
        matters[2].case_type = CaseType::Promised;
        let text = to_toml(&matters);
        let err = parse(&text).unwrap_err();
        let CatalogueError::File { line, reason } = err else {
            panic!("{err:?}")
        };
        assert!(reason.contains(&matters[2].code), "{reason}");
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
        let mut matters = parse(DEFAULT).unwrap();
        let text = to_toml(&matters).replacen("fee_basis", "fee_basys", 1);
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("fee_basys"), "{err}");
        matters[1].code = matters[0].code.clone();
        let err = parse(&to_toml(&matters)).unwrap_err().to_string();
        assert!(err.contains("重复"), "{err}");
        assert!(parse("matters = []").is_err());
    }
}
