//! ID documents. 居民身份证 numbers are checked by GB 11643-1999: 18
//! characters, a province code, a real birth date not in the future, and the
//! ISO 7064 MOD 11-2 check character (`X` for 10, accepted in either case,
//! stored upper-case). Other documents are checked for a plausible shape.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ApplicantError;

/// The kinds of ID document accepted at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证
    ResidentId,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 护照
    Passport,
    /// 外国人永久居留身份证
    ForeignPermanentResidence,
}

impl IdType {
    pub const ALL: [IdType; 5] = [
        IdType::ResidentId,
        IdType::HkMacaoPermit,
        IdType::TaiwanPermit,
        IdType::Passport,
        IdType::ForeignPermanentResidence,
    ];

    /// The Chinese name printed on forms.
    pub fn label(self) -> &'static str {
        match self {
            IdType::ResidentId => "居民身份证",
            IdType::HkMacaoPermit => "港澳居民来往内地通行证",
            IdType::TaiwanPermit => "台湾居民来往大陆通行证",
            IdType::Passport => "护照",
            IdType::ForeignPermanentResidence => "外国人永久居留身份证",
        }
    }

    /// The stored code (`resident_id` …).
    pub fn code(self) -> &'static str {
        match self {
            IdType::ResidentId => "resident_id",
            IdType::HkMacaoPermit => "hk_macao_permit",
            IdType::TaiwanPermit => "taiwan_permit",
            IdType::Passport => "passport",
            IdType::ForeignPermanentResidence => "foreign_permanent_residence",
        }
    }

    /// Accepts the stored code or the Chinese name (身份证 for short).
    pub fn parse(s: &str) -> Result<IdType, ApplicantError> {
        let s = s.trim();
        if s == "身份证" {
            return Ok(IdType::ResidentId);
        }
        IdType::ALL
            .into_iter()
            .find(|t| t.code() == s || t.label() == s)
            .ok_or_else(|| ApplicantError::UnknownIdType(s.to_owned()))
    }
}

/// What a valid 居民身份证 number tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResidentId {
    /// The number as stored (upper-case X).
    pub number: String,
    /// The 6-digit administrative division code of first registration.
    pub region_code: String,
    pub birth_date: NaiveDate,
    /// 男 or 女 (odd or even sequence digit).
    pub sex: &'static str,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes (first two digits), plus 91 for the 2023 foreign
/// permanent residence card that shares the 18-character layout.
const PROVINCES: [u32; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 91,
];

/// The check character GB 11643 gives for the first 17 digits.
fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// Completes 17 digits with their GB 11643 check character (for generating
/// demo and benchmark data). `None` when `first17` is not 17 ASCII digits.
pub fn with_check_char(first17: &str) -> Option<String> {
    let b = first17.as_bytes();
    (b.len() == 17 && b.iter().all(u8::is_ascii_digit))
        .then(|| format!("{first17}{}", check_char(b)))
}

/// A number as it is stored and compared: full-width digits and letters
/// as ASCII, spaces and hyphens between groups dropped, letters upper-case
/// (a typed lower-case x is the same number).
pub fn stored_form(number: &str) -> String {
    super::typed::compact(number).to_ascii_uppercase()
}

/// Checks a 居民身份证 number against GB 11643 and says what it encodes.
pub fn check_resident_id(number: &str, today: NaiveDate) -> Result<ResidentId, ApplicantError> {
    let n = stored_form(number);
    let len = n.chars().count();
    if len != 18 {
        return Err(ApplicantError::IdLength(len));
    }
    let bytes = n.as_bytes();
    if !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
    {
        return Err(ApplicantError::IdCharacters);
    }
    let province: u32 = n[..2].parse().map_err(|_| ApplicantError::IdCharacters)?;
    if !PROVINCES.contains(&province) {
        return Err(ApplicantError::IdRegion(n[..2].to_owned()));
    }
    let birth_text = &n[6..14];
    let birth_date = NaiveDate::parse_from_str(birth_text, "%Y%m%d")
        .ok()
        .filter(|d| d.year() >= 1850)
        .ok_or_else(|| ApplicantError::IdBirthDate(birth_text.to_owned()))?;
    if birth_date > today {
        return Err(ApplicantError::IdBirthInFuture(birth_date));
    }
    let expected = check_char(&bytes[..17]);
    let found = bytes[17] as char;
    if expected != found {
        return Err(ApplicantError::IdChecksum { expected, found });
    }
    let sex = if (bytes[16] - b'0') % 2 == 1 {
        "男"
    } else {
        "女"
    };
    Ok(ResidentId {
        region_code: n[..6].to_owned(),
        number: n,
        birth_date,
        sex,
    })
}

/// Checks a number of any document type and returns it as stored.
pub fn check(id_type: IdType, number: &str, today: NaiveDate) -> Result<String, ApplicantError> {
    if number.trim().is_empty() {
        return Err(ApplicantError::Empty("证件号码"));
    }
    match id_type {
        IdType::ResidentId => Ok(check_resident_id(number, today)?.number),
        other => {
            let n = stored_form(number);
            let ok = (5..=30).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric());
            if ok {
                Ok(n)
            } else {
                Err(ApplicantError::OtherIdFormat {
                    kind: other.label(),
                    number: number.to_owned(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    // Both examples are printed in GB 11643-1999 itself.
    const STANDARD_X: &str = "11010519491231002X";
    const STANDARD_4: &str = "440524188001010014";

    #[test]
    fn the_standards_own_examples_are_valid() {
        let a = check_resident_id(STANDARD_X, today()).unwrap();
        assert_eq!(a.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(a.sex, "女");
        assert_eq!(a.region_code, "110105");
        let b = check_resident_id(STANDARD_4, today()).unwrap();
        assert_eq!(b.sex, "男");
    }

    #[test]
    fn completing_digits_gives_the_standards_numbers() {
        assert_eq!(with_check_char("11010519491231002").unwrap(), STANDARD_X);
        assert_eq!(with_check_char("44052418800101001").unwrap(), STANDARD_4);
        assert_eq!(with_check_char("1101051949123100"), None);
    }

    #[test]
    fn lower_case_x_is_accepted_and_stored_upper_case() {
        let n = check(IdType::ResidentId, "11010519491231002x", today()).unwrap();
        assert_eq!(n, STANDARD_X);
    }

    #[test]
    fn a_wrong_check_character_is_refused_without_suggesting_a_digit() {
        let err = check_resident_id("110105194912310021", today()).unwrap_err();
        assert_eq!(
            err,
            ApplicantError::IdChecksum {
                expected: 'X',
                found: '1'
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("逐位核对"), "{msg}");
        assert!(
            !msg.contains('X'),
            "the expected character is not shown: {msg}"
        );
    }

    #[test]
    fn every_single_digit_change_is_caught() {
        // MOD 11-2 detects every single-digit substitution.
        let base = STANDARD_4.as_bytes();
        for pos in 0..17 {
            for d in b'0'..=b'9' {
                if d == base[pos] {
                    continue;
                }
                let mut v = base.to_vec();
                v[pos] = d;
                let s = String::from_utf8(v).unwrap();
                assert!(check_resident_id(&s, today()).is_err(), "{s}");
            }
        }
    }

    #[test]
    fn length_characters_region_and_birth_date_are_checked() {
        assert_eq!(
            check_resident_id("11010519491231002", today()),
            Err(ApplicantError::IdLength(17))
        );
        assert_eq!(
            check_resident_id("110105194912310", today()),
            Err(ApplicantError::IdLength(15))
        );
        assert_eq!(
            check_resident_id("1101051949123100XX", today()),
            Err(ApplicantError::IdCharacters)
        );
        assert_eq!(
            check_resident_id("99010519491231002X", today()),
            Err(ApplicantError::IdRegion("99".into()))
        );
        assert!(matches!(
            check_resident_id("110105194902300021", today()),
            Err(ApplicantError::IdBirthDate(_))
        ));
        assert!(matches!(
            check_resident_id("110105203001010011", today()),
            Err(ApplicantError::IdBirthInFuture(_))
        ));
    }

    #[test]
    fn other_documents_need_a_plausible_shape() {
        assert_eq!(
            check(IdType::Passport, "e12345678", today()).unwrap(),
            "E12345678"
        );
        assert!(check(IdType::HkMacaoPermit, "H1234", today()).is_ok());
        // Spaces between groups, as printed on some documents, are not part
        // of the number; other punctuation is refused.
        assert_eq!(
            check(IdType::Passport, "E12 345 678", today()).unwrap(),
            "E12345678"
        );
        assert!(check(IdType::Passport, "E12#345", today()).is_err());
        assert!(check(IdType::Passport, "E12", today()).is_err());
        assert_eq!(
            check(IdType::Passport, "  ", today()),
            Err(ApplicantError::Empty("证件号码"))
        );
    }

    #[test]
    fn id_types_parse_from_code_or_chinese_name() {
        assert_eq!(IdType::parse("身份证").unwrap(), IdType::ResidentId);
        assert_eq!(IdType::parse("护照").unwrap(), IdType::Passport);
        assert_eq!(IdType::parse("passport").unwrap(), IdType::Passport);
        assert!(IdType::parse("驾驶证").is_err());
    }
}
