//! Chinese line wrapping for printed documents:
//! - a line may break between any two Han characters;
//! - never inside a Latin word or a number (`2026-10-13`, `A01-0007`,
//!   `ID 11010519491231002X`), unless the word alone is wider than the line;
//! - no line starts with closing punctuation (，。、；：？！）》」 …) and no
//!   line ends with opening punctuation (（《「 …): such marks travel with
//!   their neighbour;
//! - spaces at a break are dropped; `\n` starts a new line.

/// Characters that may not start a line.
const NO_LINE_START: &str = "，。、；：？！）》」』】〕〉”’…%‰℃,.;:?!)]}>";
/// Characters that may not end a line.
const NO_LINE_END: &str = "（《「『【〔〈“‘([{<";

/// Splits one paragraph into unbreakable units.
fn units(paragraph: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    let mut word = String::new();
    for ch in paragraph.chars() {
        let latin =
            ch.is_ascii_graphic() && !NO_LINE_START.contains(ch) && !NO_LINE_END.contains(ch);
        if latin {
            word.push(ch);
            continue;
        }
        if !word.is_empty() {
            raw.push(std::mem::take(&mut word));
        }
        raw.push(ch.to_string());
    }
    if !word.is_empty() {
        raw.push(word);
    }
    // Glue closing marks to what precedes them and opening marks to what follows.
    let mut glued: Vec<String> = Vec::new();
    let mut pending_open = String::new();
    for u in raw {
        let first = u.chars().next().unwrap_or(' ');
        if u.chars().count() == 1 && NO_LINE_END.contains(first) {
            pending_open.push_str(&u);
            continue;
        }
        let u = format!("{}{u}", std::mem::take(&mut pending_open));
        let starts_closing = NO_LINE_START.contains(u.chars().next().unwrap_or(' '));
        match glued.last_mut() {
            Some(prev) if starts_closing && prev != " " => prev.push_str(&u),
            _ => glued.push(u),
        }
    }
    if !pending_open.is_empty() {
        glued.push(pending_open);
    }
    glued
}

/// A line being filled, with its width.
#[derive(Default)]
struct Line {
    text: String,
    width: f32,
}

impl Line {
    fn push(&mut self, s: &str, w: f32) {
        self.text.push_str(s);
        self.width += w;
    }

    fn take(&mut self) -> String {
        self.width = 0.0;
        std::mem::take(&mut self.text).trim_end().to_owned()
    }
}

/// Wraps `text` into lines no wider than `width` as measured by `measure`
/// (any unit, the same as `width`). Widths add up unit by unit (glyphs are
/// placed by their advances, without kerning), so each unit is measured once.
pub fn wrap(text: &str, width: f32, measure: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = Line::default();
        for unit in units(paragraph) {
            if unit == " " && line.text.is_empty() {
                continue;
            }
            let unit_w = measure(&unit);
            // Spaces never force a break; they are dropped at the end of a line.
            if unit == " " || line.width + unit_w <= width {
                line.push(&unit, unit_w);
                continue;
            }
            if !line.text.is_empty() {
                lines.push(line.take());
            }
            if unit_w <= width {
                line.push(&unit, unit_w);
                continue;
            }
            // A unit wider than the whole line: break it by characters.
            for ch in unit.chars() {
                let s = ch.to_string();
                let ch_w = measure(&s);
                if !line.text.is_empty() && line.width + ch_w > width {
                    lines.push(line.take());
                }
                line.push(&s, ch_w);
            }
        }
        lines.push(line.take());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Han characters 1 wide, ASCII 0.5 wide.
    fn measure(s: &str) -> f32 {
        s.chars()
            .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
            .sum()
    }

    #[test]
    fn han_text_breaks_anywhere() {
        assert_eq!(
            wrap("一二三四五六七", 3.0, measure),
            ["一二三", "四五六", "七"]
        );
    }

    #[test]
    fn numbers_and_latin_words_are_not_split() {
        // "2026-10-13" is 5 wide: it moves whole to the next line.
        let lines = wrap("到期日期2026-10-13请求", 6.0, measure);
        assert_eq!(lines, ["到期日期", "2026-10-13请", "求"]);
        let lines = wrap("窗口A01-0007号", 5.0, measure);
        assert!(lines.iter().any(|l| l.contains("A01-0007")), "{lines:?}");
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        // Without the rule "，" would start line 2.
        let lines = wrap("一二三，四五六。", 3.0, measure);
        assert_eq!(lines, ["一二", "三，四", "五六。"]);
        for l in wrap(
            "申请人（代办）：王五，李四。材料）齐全、有效；",
            4.0,
            measure,
        ) {
            let first = l.chars().next().unwrap();
            assert!(!NO_LINE_START.contains(first), "{l}");
        }
    }

    #[test]
    fn no_line_ends_with_opening_punctuation() {
        // "（" travels with "三" and "）" with "四".
        let lines = wrap("一二（三四）", 3.0, measure);
        assert_eq!(lines, ["一二", "（三", "四）"]);
        let lines = wrap("依据《社会救助暂行办法》第十一条", 5.0, measure);
        for l in &lines {
            assert!(
                !NO_LINE_END.contains(l.chars().last().unwrap()),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn an_over_long_word_is_split_by_characters_and_newlines_are_kept() {
        let lines = wrap("ABCDEFGHIJ", 2.0, measure);
        assert_eq!(lines, ["ABCD", "EFGH", "IJ"]);
        assert_eq!(wrap("一\n二", 5.0, measure), ["一", "二"]);
        assert_eq!(wrap("", 5.0, measure), [""]);
    }

    #[test]
    fn spaces_at_a_break_are_dropped() {
        assert_eq!(wrap("ab cd ef", 1.5, measure), ["ab", "cd", "ef"]);
    }

    #[test]
    fn every_character_is_kept_in_order() {
        let text = "您申请办理的“最低生活保障申请”事项，材料不齐全（缺5项）。请于2026年11月30日前补齐，逾期视为放弃。";
        let lines = wrap(text, 7.0, measure);
        assert_eq!(lines.concat(), text);
        assert!(lines.iter().all(|l| measure(l) <= 7.5), "{lines:?}");
    }
}
