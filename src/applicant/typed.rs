//! Numbers as clerks type them: a Chinese input method often gives
//! full-width digits and letters (“１１０１０５…Ｘ”), and people write a phone
//! as “138-0013-8000”, “138 0013 8000” or “+86 13800138000”. [`halfwidth`]
//! is the one place such text is brought to the ASCII forms the core
//! stores and compares (Unicode NFKC), for ID numbers, phones and what is
//! typed into the search; names and addresses are kept as typed.

use unicode_normalization::UnicodeNormalization;

/// Full-width (and other compatibility) forms in their plain forms, the
/// ideographic space as a space: Unicode NFKC.
pub fn halfwidth(text: &str) -> String {
    text.nfkc().collect()
}

/// [`halfwidth`] without any white space or hyphen-like separator: how an
/// ID number or a phone is compared whatever way it was grouped.
pub fn compact(text: &str) -> String {
    halfwidth(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '－'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_letters_and_spaces_become_ascii() {
        assert_eq!(
            halfwidth("１１０１０５１９４９１２３１００２Ｘ"),
            "11010519491231002X"
        );
        assert_eq!(halfwidth("ｗｆ\u{3000}王芳"), "wf 王芳");
        assert_eq!(compact(" 138－0013 8000\u{3000}"), "13800138000");
        assert_eq!(compact("110105 19491231 002x"), "11010519491231002x");
    }
}
