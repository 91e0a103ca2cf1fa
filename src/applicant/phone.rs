//! Contact phone numbers: an 11-digit mobile number starting with 1, or a
//! landline with its area code, however it was typed (full-width digits,
//! spaces or hyphens between groups, a +86 or 0086 before a mobile), stored
//! one way: 13800138000, 0531-88888888.

use super::{typed, ApplicantError};

/// Checks a phone number and returns it as stored ([`stored_form`]).
pub fn check(phone: &str) -> Result<String, ApplicantError> {
    let p = stored_form(phone);
    if is_mobile(&p) || is_landline(&p) {
        Ok(p)
    } else {
        Err(ApplicantError::Phone(phone.trim().to_owned()))
    }
}

/// A phone as it is stored and compared: ASCII digits without separators
/// and without the country code for a mobile; a landline as its area code
/// (three digits for 010 and 02x, four otherwise), a hyphen and the number.
/// Text that is neither comes back compacted, for [`check`] to refuse.
pub fn stored_form(phone: &str) -> String {
    let digits = typed::compact(phone);
    let national = ["+86", "0086"]
        .iter()
        .find_map(|prefix| digits.strip_prefix(prefix))
        .filter(|rest| is_mobile(rest))
        .unwrap_or(&digits);
    if is_mobile(national) {
        return national.to_owned();
    }
    let bytes = national.as_bytes();
    if bytes.first() == Some(&b'0') && bytes.iter().all(u8::is_ascii_digit) && bytes.len() > 4 {
        let area = if matches!(bytes[1], b'1' | b'2') {
            3
        } else {
            4
        };
        return format!("{}-{}", &national[..area], &national[area..]);
    }
    national.to_owned()
}

/// 11 ASCII digits, the first one `1`.
pub fn is_mobile(p: &str) -> bool {
    p.len() == 11 && p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit())
}

/// Area code (0 + 2 or 3 digits), an optional hyphen, 7 or 8 digits.
fn is_landline(p: &str) -> bool {
    let digits: String = p.chars().filter(|c| *c != '-').collect();
    let hyphens = p.chars().filter(|c| *c == '-').count();
    if hyphens > 1 || !digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match p.find('-') {
        Some(i) => (3..=4).contains(&i) && (7..=8).contains(&(p.len() - i - 1)),
        None => (10..=12).contains(&digits.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers() {
        assert_eq!(check("13812345678").unwrap(), "13812345678");
        assert_eq!(check(" 19912345678 ").unwrap(), "19912345678");
        for bad in [
            "1381234567",
            "138123456789",
            "23812345678",
            "1381234567a",
            "",
            "+86 0531-88888888x",
            "138 0013 800",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_mobile_typed_with_full_width_digits_separators_or_the_country_code_is_one_number() {
        for typed in [
            "13800138000",
            "１３８００１３８０００",
            "138-0013-8000",
            "138 0013 8000",
            "+86 13800138000",
            "+86-138-0013-8000",
            "0086 138 0013 8000",
            "\u{3000}138 0013 8000\u{3000}",
        ] {
            assert_eq!(check(typed).unwrap(), "13800138000", "{typed}");
        }
    }

    #[test]
    fn landlines() {
        assert_eq!(check("0531-88888888").unwrap(), "0531-88888888");
        assert_eq!(check("010-1234567").unwrap(), "010-1234567");
        assert_eq!(check(" 053188888888 ").unwrap(), "0531-88888888");
        assert_eq!(check("0531 8888 8888").unwrap(), "0531-88888888");
        assert_eq!(check("01012345678").unwrap(), "010-12345678");
        // Separators are not digits: a doubled hyphen is the same number.
        assert_eq!(check("0531--8888888").unwrap(), "0531-8888888");
        for bad in ["531-88888888", "0531-888", "05318-88888888"] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
