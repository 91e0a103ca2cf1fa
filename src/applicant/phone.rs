//! Contact phone numbers: an 11-digit mobile number starting with 1, or a
//! landline with its area code (0531-88888888 or 053188888888).

use super::ApplicantError;

/// Checks a phone number and returns it trimmed.
pub fn check(phone: &str) -> Result<String, ApplicantError> {
    let p = phone.trim();
    if is_mobile(p) || is_landline(p) {
        Ok(p.to_owned())
    } else {
        Err(ApplicantError::Phone(phone.to_owned()))
    }
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
            "１3812345678",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn landlines() {
        assert_eq!(check("0531-88888888").unwrap(), "0531-88888888");
        assert_eq!(check("010-1234567").unwrap(), "010-1234567");
        assert_eq!(check(" 053188888888 ").unwrap(), "053188888888");
        for bad in [
            "531-88888888",
            "0531--8888888",
            "0531-888",
            "05318-88888888",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
