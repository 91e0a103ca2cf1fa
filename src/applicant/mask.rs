//! Masking personal data on slips and lists: names as 张*三 (first and last
//! character kept), ID numbers with the first 6 and last 4 visible, mobile
//! numbers as 139****1234. A name is counted in the characters a reader
//! sees (grapheme clusters), invisible formatting characters left out: a
//! zero-width joiner cannot make 张三 look like three characters and show
//! it whole, and a direction mark cannot choose which character is hidden.

use unicode_segmentation::UnicodeSegmentation;

use crate::documents::fonts::is_invisible;

/// The characters of `text` as a reader sees them, without invisible ones.
fn visible(text: &str) -> Vec<String> {
    text.graphemes(true)
        .map(|g| g.chars().filter(|c| !is_invisible(*c)).collect::<String>())
        .filter(|g| !g.is_empty())
        .collect()
}

/// 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明; one character → *.
pub fn name(name: &str) -> String {
    let chars = visible(name);
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// First 6 and last 4 characters visible, the rest as `*`.
pub fn id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    if n <= 10 {
        return "*".repeat(n);
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 10))
}

/// A mobile number as 139****1234; other numbers keep their last 4.
pub fn phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    if n == 11 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[7..].iter().collect();
        return format!("{head}****{tail}");
    }
    if n <= 4 {
        return "*".repeat(n);
    }
    let tail: String = chars[n - 4..].iter().collect();
    format!("{}{tail}", "*".repeat(n - 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name("张三"), "张*");
        assert_eq!(name("张小三"), "张*三");
        assert_eq!(name("欧阳小明"), "欧**明");
        assert_eq!(name("王𠮷䶮"), "王*䶮");
        assert_eq!(name("李"), "*");
    }

    #[test]
    fn names_are_counted_as_seen_and_invisible_marks_do_not_count() {
        // A zero-width joiner does not turn 张三 into three characters.
        assert_eq!(name("张\u{200D}三"), "张*");
        // A direction override does not shift which character is hidden.
        assert_eq!(name("\u{202E}李四"), "李*");
        assert_eq!(name("李\u{200B}小\u{FEFF}四"), "李*四");
        // A base letter with its combining mark is one character.
        assert_eq!(name("Jose\u{301} Li"), "J*****i");
        assert_eq!(name("\u{200D}"), "");
    }

    #[test]
    fn id_numbers_show_first_six_and_last_four() {
        assert_eq!(id_number("11010519491231002X"), "110105********002X");
        assert_eq!(id_number("E1234"), "*****");
    }

    #[test]
    fn phones() {
        assert_eq!(phone("13905341234"), "139****1234");
        assert_eq!(phone("0534-2621234"), "********1234");
    }
}
