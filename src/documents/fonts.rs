//! The fonts of printed documents: Noto Sans CJK SC for all text and
//! HanaMinB for the Han characters of Extensions B–F that Noto lacks. Both
//! ship in assets/fonts/ and are compiled into the program, parsed once per
//! process. Text is split into runs by the font that has each character; a
//! character neither font has is an error naming it — never a blank.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use printpdf::ParsedFont;

use super::DocumentError;

static SANS_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJK-Regular.ttc");
static FALLBACK_BYTES: &[u8] = include_bytes!("../../assets/fonts/HanaMinB.ttf");
/// Noto Sans CJK SC is face 2 of the collection (JP, KR, SC, TC, HK …).
const SANS_FACE: usize = 2;

/// Which of the two fonts draws a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Sans,
    Fallback,
}

/// The parsed fonts, with a cache of each character's face and advance.
pub struct Fonts {
    sans: ParsedFont,
    /// Parsed on first need: most documents have no character outside
    /// Noto Sans CJK SC, and the parsed face costs tens of megabytes.
    fallback: OnceLock<Result<ParsedFont, String>>,
    /// char → (face, advance in em), `None` when no face has it.
    glyphs: RwLock<HashMap<char, Option<(Face, f32)>>>,
}

/// The fonts, parsed on first use (about 0.1 s) and kept for the process.
pub fn get() -> Result<&'static Fonts, DocumentError> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut warnings = Vec::new();
            let sans = ParsedFont::from_bytes(SANS_BYTES, SANS_FACE, &mut warnings)
                .ok_or_else(|| format!("Noto Sans CJK SC 无法解析：{warnings:?}"))?;
            Ok(Fonts {
                sans,
                fallback: OnceLock::new(),
                glyphs: RwLock::new(HashMap::new()),
            })
        })
        .as_ref()
        .map_err(|e| DocumentError::Font(e.clone()))
}

/// Invisible formatting characters (direction marks, zero-width joiners,
/// variation selectors, BOM). They are not drawn; neither font has them.
pub fn is_invisible(ch: char) -> bool {
    matches!(ch as u32,
        0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFE00..=0xFE0F | 0xFEFF)
}

impl Fonts {
    /// The parsed font of a face.
    pub fn parsed(&self, face: Face) -> Result<&ParsedFont, DocumentError> {
        match face {
            Face::Sans => Ok(&self.sans),
            Face::Fallback => self
                .fallback
                .get_or_init(|| {
                    let mut warnings = Vec::new();
                    ParsedFont::from_bytes(FALLBACK_BYTES, 0, &mut warnings)
                        .ok_or_else(|| format!("HanaMinB 无法解析：{warnings:?}"))
                })
                .as_ref()
                .map_err(|e| DocumentError::Font(e.clone())),
        }
    }

    /// The face that has `ch` (preferring Noto Sans CJK SC) and its
    /// advance in em, looked up once per character per process.
    fn glyph(&self, ch: char) -> Option<(Face, f32)> {
        if let Some(hit) = self.glyphs.read().ok().and_then(|m| m.get(&ch).copied()) {
            return hit;
        }
        let lookup = |face: Face| {
            let font = self.parsed(face).ok()?;
            let gid = font.lookup_glyph_index(ch as u32).filter(|g| *g != 0)?;
            let upem = f32::from(font.pdf_font_metrics.units_per_em.max(1));
            Some((face, f32::from(font.get_horizontal_advance(gid)) / upem))
        };
        let found = lookup(Face::Sans).or_else(|| lookup(Face::Fallback));
        if let Ok(mut m) = self.glyphs.write() {
            m.insert(ch, found);
        }
        found
    }

    /// The face that has `ch`, preferring Noto Sans CJK SC.
    pub fn face_for(&self, ch: char) -> Option<Face> {
        self.glyph(ch).map(|(face, _)| face)
    }

    /// Refuses text with a visible character that no shipped font has.
    pub fn check(&self, text: &str) -> Result<(), DocumentError> {
        for ch in text.chars() {
            if ch.is_control() || is_invisible(ch) {
                continue;
            }
            if self.face_for(ch).is_none() {
                return Err(DocumentError::MissingGlyph(ch));
            }
        }
        Ok(())
    }

    /// `text` as it can be printed: a visible character no shipped font has
    /// (in data stored before intake refused such characters) becomes a
    /// visible placeholder naming it, 〔U+1F468〕, instead of failing the
    /// whole document.
    pub fn printable<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let missing =
            |ch: char| !ch.is_control() && !is_invisible(ch) && self.face_for(ch).is_none();
        if !text.chars().any(missing) {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        for ch in text.chars() {
            if missing(ch) {
                out.push_str(&format!("〔U+{:04X}〕", ch as u32));
            } else {
                out.push(ch);
            }
        }
        std::borrow::Cow::Owned(out)
    }

    /// The advance of `ch` at `size` points, in points (0 for invisible characters).
    pub fn advance(&self, ch: char, size: f32) -> f32 {
        self.glyph(ch).map_or(0.0, |(_, em)| em * size)
    }

    /// The width of `text` at `size` points, in millimetres.
    pub fn width_mm(&self, text: &str, size: f32) -> f32 {
        pt_to_mm(text.chars().map(|c| self.advance(c, size)).sum())
    }

    /// Splits text into runs of one face each, dropping invisible characters.
    /// Call [`check`](Self::check) first: a character no face has is dropped here.
    pub fn runs(&self, text: &str) -> Vec<(Face, String)> {
        let mut out: Vec<(Face, String)> = Vec::new();
        for ch in text.chars() {
            if ch.is_control() || is_invisible(ch) {
                continue;
            }
            let Some(face) = self.face_for(ch) else {
                continue;
            };
            match out.last_mut() {
                Some((f, s)) if *f == face => s.push(ch),
                _ => out.push((face, ch.to_string())),
            }
        }
        out
    }
}

/// Points to millimetres.
pub fn pt_to_mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_characters_fall_back_to_hanamin_b_and_common_ones_stay_in_noto() {
        let f = get().unwrap();
        assert_eq!(f.face_for('张'), Some(Face::Sans));
        assert_eq!(f.face_for('䶮'), Some(Face::Sans));
        assert_eq!(f.face_for('𠮷'), Some(Face::Sans));
        assert_eq!(f.face_for('𪚥'), Some(Face::Fallback));
        assert_eq!(f.face_for('\u{2B820}'), Some(Face::Fallback));
        assert_eq!(f.face_for('\u{2CEB0}'), Some(Face::Fallback));
        let runs = f.runs("王𪚥𠮷");
        assert_eq!(
            runs,
            vec![
                (Face::Sans, "王".into()),
                (Face::Fallback, "𪚥".into()),
                (Face::Sans, "𠮷".into())
            ]
        );
    }

    #[test]
    fn a_character_no_font_has_is_named() {
        let f = get().unwrap();
        // U+9FFF was added in Unicode 14; neither shipped font has it.
        let err = f.check("王\u{9FFF}").unwrap_err();
        assert_eq!(err, DocumentError::MissingGlyph('\u{9FFF}'));
        assert!(err.to_string().contains("U+9FFF"), "{err}");
        assert!(
            f.check("王\u{200F}三").is_ok(),
            "direction marks are invisible, not missing"
        );
    }

    #[test]
    fn han_characters_are_square_and_latin_narrower() {
        let f = get().unwrap();
        assert!((f.advance('中', 10.0) - 10.0).abs() < 0.01);
        assert!(f.advance('1', 10.0) < 6.0);
    }
}
