//! Personal names. Any script is accepted — Han characters of every CJK
//! block including Extensions B–F (𠮷, 䶮), the middle dot of minority names
//! (阿卜杜拉·艾买提), Latin letters of foreign residents — and stored exactly
//! as entered, only trimmed at both ends.

use super::ApplicantError;

/// The longest name accepted, in characters.
pub const MAX_CHARS: usize = 100;

/// Checks a name; `field` names it in messages (申请人姓名, 代办人姓名 …).
pub fn check(name: &str, field: &'static str) -> Result<String, ApplicantError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(ApplicantError::Empty(field));
    }
    let len = trimmed.chars().count();
    if len > MAX_CHARS {
        return Err(ApplicantError::TooLong {
            field,
            max: MAX_CHARS,
            len,
        });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApplicantError::ControlCharacter(field));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_han_characters_of_every_extension_are_kept_exactly() {
        // U+20BB7 (Ext B), U+4DAE (Ext A), U+2A6A5 (Ext B), U+2B820 (Ext E), U+2CEB0 (Ext F)
        for n in ["𠮷", "䶮", "𪚥", "𫠠", "𬺰", "王𠮷䶮𪚥"] {
            assert_eq!(check(n, "申请人姓名").unwrap(), n);
        }
    }

    #[test]
    fn names_are_trimmed_and_minority_and_latin_names_pass() {
        assert_eq!(check("  张三 ", "申请人姓名").unwrap(), "张三");
        assert!(check("阿卜杜拉·艾买提", "申请人姓名").is_ok());
        assert!(check("John O'Brien", "申请人姓名").is_ok());
    }

    #[test]
    fn blank_long_and_control_names_are_refused() {
        assert_eq!(
            check(" \u{3000} ", "申请人姓名"),
            Err(ApplicantError::Empty("申请人姓名"))
        );
        assert!(matches!(
            check(&"张".repeat(101), "申请人姓名"),
            Err(ApplicantError::TooLong { .. })
        ));
        assert!(matches!(
            check("张\u{0007}三", "申请人姓名"),
            Err(ApplicantError::ControlCharacter(_))
        ));
    }
}
