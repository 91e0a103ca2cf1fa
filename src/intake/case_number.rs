//! Case numbers, unique across every device of a center with no network:
//! `{center code}-{yyyymmdd}-{device code}-{4-digit per-device daily serial}`,
//! e.g. `371402101-20261123-A01-0007`.

use chrono::NaiveDate;

use super::IntakeError;

/// The largest daily serial of one device.
pub const MAX_SERIAL: i64 = 9999;

/// Formats a case number.
pub fn format(center_code: &str, day: NaiveDate, device_code: &str, serial: i64) -> String {
    format!(
        "{center_code}-{}-{device_code}-{serial:04}",
        day.format("%Y%m%d")
    )
}

/// The parts of a case number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNumber {
    pub center_code: String,
    pub day: NaiveDate,
    pub device_code: String,
    pub serial: i64,
}

/// Parses a case number back into its parts.
pub fn parse(s: &str) -> Result<CaseNumber, IntakeError> {
    let bad = || IntakeError::BadCaseNumber(s.to_owned());
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [center, day, device, serial] = parts[..] else {
        return Err(bad());
    };
    let day = NaiveDate::parse_from_str(day, "%Y%m%d").map_err(|_| bad())?;
    if serial.len() != 4 || !serial.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let serial: i64 = serial.parse().map_err(|_| bad())?;
    if serial == 0 || center.is_empty() || device.is_empty() {
        return Err(bad());
    }
    Ok(CaseNumber {
        center_code: center.to_owned(),
        day,
        device_code: device.to_owned(),
        serial,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_parse_round_trip() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let n = format("371402101", day, "A01", 7);
        assert_eq!(n, "371402101-20261123-A01-0007");
        let p = parse(&n).unwrap();
        assert_eq!(
            (
                p.center_code.as_str(),
                p.day,
                p.device_code.as_str(),
                p.serial
            ),
            ("371402101", day, "A01", 7)
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "371402101-20261123-A01",
            "371402101-20261323-A01-0001",
            "X-20261123-A01-01",
            "X-20261123-A01-0000",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
