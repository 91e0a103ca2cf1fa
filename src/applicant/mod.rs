//! Who applies: the applicant and, when someone applies on their behalf, the
//! proxy. Every field is checked here before anything is written.
//!
//! - [`id_number`]: 居民身份证 numbers by GB 11643 and other ID documents.
//! - [`phone`]: mobile and landline numbers.
//! - [`name`]: personal names (any script, rare Han characters included).
//! - [`mask`]: how names, ID numbers and phones are masked on slips.
//! - [`typed`]: full-width forms and separators as an input method types them.

pub mod id_number;
pub mod mask;
pub mod name;
pub mod phone;
pub mod typed;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use id_number::IdType;

/// Refusals of applicant data; nothing is written when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicantError {
    #[error("身份证号码应为 18 位，输入的是 {0} 位")]
    IdLength(usize),
    #[error("身份证号码前 17 位必须是数字，最后一位是数字或 X")]
    IdCharacters,
    #[error("身份证号码前两位“{0}”不是有效的省级行政区划代码")]
    IdRegion(String),
    #[error("身份证号码中的出生日期“{0}”不是有效日期")]
    IdBirthDate(String),
    #[error("身份证号码中的出生日期 {0} 晚于今天")]
    IdBirthInFuture(NaiveDate),
    /// The digit the check expects is kept for tests and logs, never shown:
    /// it would invite changing the last digit when the typo is elsewhere.
    #[error("身份证号码未通过校验（GB 11643）：号码中至少有一位与证件不符，请对照身份证逐位核对全部 18 位，不要只改最后一位")]
    IdChecksum { expected: char, found: char },
    #[error("{kind}号码“{number}”格式不对：应为 5 到 30 位字母或数字")]
    OtherIdFormat { kind: &'static str, number: String },
    #[error("未知的证件类型“{0}”，可选：居民身份证、港澳居民来往内地通行证、台湾居民来往大陆通行证、护照、外国人永久居留身份证")]
    UnknownIdType(String),
    #[error("联系电话“{0}”格式不对：手机号应为 1 开头的 11 位数字，固定电话应为区号加号码，如 0531-88888888")]
    Phone(String),
    #[error("{0}不能为空")]
    Empty(&'static str),
    #[error("{field}过长：最多 {max} 个字，输入了 {len} 个字")]
    TooLong {
        field: &'static str,
        max: usize,
        len: usize,
    },
    #[error("{field}应在 {min} 到 {max} 之间，输入的是 {value}")]
    OutOfRange {
        field: &'static str,
        min: i64,
        max: i64,
        value: i64,
    },
    #[error("{0}中含有不可见的控制字符，请重新输入")]
    ControlCharacter(&'static str),
}

/// A person at the counter: the applicant, or a proxy applying for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub id_type: IdType,
    pub id_number: String,
    pub phone: String,
    pub address: String,
}

/// The longest address accepted, in characters: a village address with
/// directions fits; a pasted paragraph does not.
pub const MAX_ADDRESS_CHARS: usize = 200;

impl Person {
    /// Checks every field and returns the person as it will be stored: the
    /// name trimmed, the ID number and phone normalized (ASCII digits, an
    /// upper-case X, no separators; src/applicant/typed.rs), text verbatim.
    pub fn checked(self, role: &'static str, today: NaiveDate) -> Result<Person, ApplicantError> {
        let name = name::check(&self.name, role)?;
        let id_number = id_number::check(self.id_type, &self.id_number, today)?;
        let phone = phone::check(&self.phone)?;
        let address = text_field(&self.address, "联系地址", MAX_ADDRESS_CHARS, true)?;
        Ok(Person {
            name,
            id_type: self.id_type,
            id_number,
            phone,
            address,
        })
    }
}

/// Checks a free-text field: not blank when `required`, at most `max`
/// characters, no control characters but line breaks and tabs. The text is
/// returned exactly as given (not even trimmed) so that it round-trips.
pub fn text_field(
    text: &str,
    field: &'static str,
    max: usize,
    required: bool,
) -> Result<String, ApplicantError> {
    if required && text.trim().is_empty() {
        return Err(ApplicantError::Empty(field));
    }
    let len = text.chars().count();
    if len > max {
        return Err(ApplicantError::TooLong { field, max, len });
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ApplicantError::ControlCharacter(field));
    }
    Ok(text.to_owned())
}
