//! The fonts of printed documents, read from the fonts the package depends
//! on (fonts-noto-cjk, fonts-hanazono) instead of compiled into each
//! binary: Noto Serif CJK SC (a 宋体-style face) for A4 documents, as GB/T
//! 9704 has official papers; Noto Sans CJK SC for the 80 mm slips; HanaMinB
//! for the Han characters of Extensions B–F that neither Noto face has.
//!
//! Each file is checked by its SHA-256 before it is parsed, so every
//! printed paper is drawn with exactly the font versions this program was
//! made with (the PDFs stay byte-for-byte the same for the same input);
//! [`installed`] is the quick check the window runs at start. Text is split
//! into runs by the face that has each character; a character no face has
//! is an error naming it — never a blank.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use printpdf::{AzulParsedFont, ParsedFont};
use rust_fontconfig::FontBytes;
use sha2::{Digest, Sha256};

use super::DocumentError;

/// A font file the package depends on, as this program expects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontFile {
    /// The face's name, as the messages say it.
    pub name: &'static str,
    /// The Debian package that installs it.
    pub package: &'static str,
    /// Where that package puts it, from the file-system root.
    pub path: &'static str,
    /// The face within a collection (.ttc); 0 for a single font.
    pub face: usize,
    pub size: u64,
    pub sha256: &'static str,
}

/// Noto Sans CJK SC: face 2 of the collection (JP, KR, SC, TC, HK),
/// version 2.004 as Debian 12 ships it.
pub const SANS: FontFile = FontFile {
    name: "Noto Sans CJK SC",
    package: "fonts-noto-cjk",
    path: "usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    face: 2,
    size: 19_484_784,
    sha256: "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a",
};

/// Noto Serif CJK SC: face 2 of its collection, version 2.001.
pub const SERIF: FontFile = FontFile {
    name: "Noto Serif CJK SC",
    package: "fonts-noto-cjk",
    path: "usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    face: 2,
    size: 26_297_400,
    sha256: "a04178ec485dffdff7cc0c0c20e1fce9202d7e2160d805e8e44a4c8841c58481",
};

/// HanaMinB 2017-09-04 (GlyphWiki): Extensions B–F.
pub const FALLBACK: FontFile = FontFile {
    name: "HanaMinB",
    package: "fonts-hanazono",
    path: "usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    face: 0,
    size: 30_739_236,
    sha256: "829543436cdf7b4c6730e2af5806fa406f8ddf0d4b656e0cd49c58d4db1c8d3c",
};

/// Every font file printing needs.
pub const ALL: [FontFile; 3] = [SANS, SERIF, FALLBACK];

impl FontFile {
    fn at(&self, root: &Path) -> PathBuf {
        root.join(self.path)
    }

    fn missing(&self, root: &Path) -> DocumentError {
        DocumentError::FontMissing {
            name: self.name,
            path: self.at(root).display().to_string(),
            package: self.package,
        }
    }

    fn changed(&self, root: &Path) -> DocumentError {
        DocumentError::FontChanged {
            name: self.name,
            path: self.at(root).display().to_string(),
            package: self.package,
        }
    }

    /// The quick check: the file is there and has the expected size.
    pub fn check_present(&self, root: &Path) -> Result<(), DocumentError> {
        match std::fs::metadata(self.at(root)) {
            Ok(m) if m.is_file() && m.len() == self.size => Ok(()),
            Ok(_) => Err(self.changed(root)),
            Err(_) => Err(self.missing(root)),
        }
    }

    /// The file mapped into memory, refused unless its SHA-256 is the
    /// expected one.
    ///
    /// Mapped, not read: printing needs only the tables and the outlines of
    /// the characters it sets, so only those pages of the 20–31 MB files
    /// come into this process, from the page cache the system shares with
    /// every process that maps the same font (the window's WebKit maps Noto
    /// Sans CJK). A copy on the heap kept all 46 MB of both faces resident
    /// (docs/BENCHMARKS.md). The checksum reads through the same open file,
    /// so its pages pass through the page cache without being mapped here.
    pub fn map_verified(&self, root: &Path) -> Result<Arc<FontBytes>, DocumentError> {
        self.check_present(root)?;
        let mut file = std::fs::File::open(self.at(root)).map_err(|_| self.missing(root))?;
        let mut hasher = Sha256::new();
        let read = std::io::copy(&mut file, &mut hasher).map_err(|_| self.missing(root))?;
        if read != self.size || hex::encode(hasher.finalize()) != self.sha256 {
            return Err(self.changed(root));
        }
        // SAFETY: a mapping is sound while nobody writes to or truncates the
        // file in place. These files belong to root under /usr/share and
        // are replaced only by dpkg, which writes a new file and renames it
        // over the old one: the inode mapped here keeps the bytes just
        // checked until the mapping goes. (ripgrep maps files it searches
        // under the same reasoning.)
        let map =
            unsafe { mmapio::MmapOptions::new().map(&file) }.map_err(|_| self.missing(root))?;
        if map.len() as u64 != self.size {
            return Err(self.changed(root));
        }
        Ok(Arc::new(FontBytes::Mmapped(map)))
    }

    /// Maps, verifies and parses the face; the parsed face keeps the
    /// mapping for embedding subsets of it.
    fn parse(&self, root: &Path) -> Result<ParsedFont, DocumentError> {
        let bytes = self.map_verified(root)?;
        let mut warnings = Vec::new();
        AzulParsedFont::from_bytes_shared(bytes, self.face, &mut warnings)
            .map(ParsedFont::from_azul)
            .ok_or_else(|| DocumentError::Font(format!("{} 无法解析：{warnings:?}", self.name)))
    }
}

/// Where the font files are looked for: the file-system root.
const ROOT: &str = "/";

/// The quick check at start (a few microseconds: the files are there with
/// the expected sizes); the full SHA-256 check runs when a face is first
/// parsed for printing. The error says which package to install.
pub fn installed() -> Result<(), DocumentError> {
    installed_under(Path::new(ROOT))
}

/// [`installed`] under another root (tests).
pub fn installed_under(root: &Path) -> Result<(), DocumentError> {
    ALL.iter().try_for_each(|f| f.check_present(root))
}

/// Loads the faces every counter prints with, on a thread of its own, so
/// that the first receipt after a login does not wait for reading,
/// checking and parsing 46 MB of fonts (a second or more from an old
/// disk). Returns at once; a font problem is said where it matters: at the
/// start check and when printing.
pub fn preload_in_background() {
    let _ = std::thread::Builder::new()
        .name("fonts".into())
        .spawn(|| get().and_then(Fonts::preload));
}

/// Which typeface a page is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Noto Sans CJK SC: the 80 mm slips.
    Sans,
    /// Noto Serif CJK SC: A4 official documents (GB/T 9704's 宋体 style).
    Serif,
}

impl Family {
    /// The rule: roll-paper slips (up to 80 mm wide) are set in the sans
    /// face, every wider (A4) page in the serif face.
    pub fn for_page_width(width_mm: f32) -> Family {
        if width_mm <= super::layout::ROLL_WIDTH {
            Family::Sans
        } else {
            Family::Serif
        }
    }

    /// Both families: a name must print in each (a slip and a notice).
    pub const ALL: [Family; 2] = [Family::Sans, Family::Serif];
}

/// Which font draws a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Sans,
    Serif,
    Fallback,
}

impl Face {
    /// The face's name among a PDF's resources (and its CMap's name).
    pub fn resource_name(self) -> &'static str {
        match self {
            Face::Sans => "NOTOSANSCJKSC",
            Face::Serif => "NOTOSERIFCJKSC",
            Face::Fallback => "HANAMINB",
        }
    }

    fn file(self) -> &'static FontFile {
        match self {
            Face::Sans => &SANS,
            Face::Serif => &SERIF,
            Face::Fallback => &FALLBACK,
        }
    }
}

impl From<Family> for Face {
    fn from(family: Family) -> Face {
        match family {
            Family::Sans => Face::Sans,
            Family::Serif => Face::Serif,
        }
    }
}

/// How a character is drawn: the face that has it, its glyph there, and
/// its advance in em.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Glyph {
    face: Face,
    id: u16,
    em: f32,
}

/// (family, char) → its glyph, `None` when no face has it.
type GlyphCache = HashMap<(Family, char), Option<Glyph>>;

/// The faces, each parsed on first need and kept for the process, with a
/// cache of each character's face, glyph id and advance.
pub struct Fonts {
    root: PathBuf,
    sans: OnceLock<Result<ParsedFont, DocumentError>>,
    serif: OnceLock<Result<ParsedFont, DocumentError>>,
    /// Most documents have no character outside the Noto faces.
    fallback: OnceLock<Result<ParsedFont, DocumentError>>,
    glyphs: RwLock<GlyphCache>,
}

/// The fonts of this process (each face parsed on first use, about 0.1 s).
pub fn get() -> Result<&'static Fonts, DocumentError> {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    Ok(FONTS.get_or_init(|| Fonts::under(Path::new(ROOT))))
}

/// Invisible formatting characters (direction marks, zero-width joiners,
/// variation selectors, BOM). They are not drawn; neither font has them.
pub fn is_invisible(ch: char) -> bool {
    matches!(ch as u32,
        0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFE00..=0xFE0F | 0xFEFF)
}

impl Fonts {
    /// Fonts read from under `root` (tests use a copy of the layout).
    pub fn under(root: &Path) -> Fonts {
        Fonts {
            root: root.to_path_buf(),
            sans: OnceLock::new(),
            serif: OnceLock::new(),
            fallback: OnceLock::new(),
            glyphs: RwLock::new(HashMap::new()),
        }
    }

    /// Parses the faces of both families (the rare-character face waits
    /// for a character that needs it).
    pub fn preload(&self) -> Result<(), DocumentError> {
        Family::ALL
            .iter()
            .try_for_each(|family| self.parsed((*family).into()).map(|_| ()))
    }

    /// The parsed font of a face.
    pub fn parsed(&self, face: Face) -> Result<&ParsedFont, DocumentError> {
        let slot = match face {
            Face::Sans => &self.sans,
            Face::Serif => &self.serif,
            Face::Fallback => &self.fallback,
        };
        slot.get_or_init(|| face.file().parse(&self.root))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The face that has `ch` in `family` (its own face first, then the
    /// rare-character face), its glyph there and its advance in em, looked
    /// up once per character per process.
    fn glyph(&self, family: Family, ch: char) -> Result<Option<Glyph>, DocumentError> {
        if let Some(hit) = self
            .glyphs
            .read()
            .ok()
            .and_then(|m| m.get(&(family, ch)).copied())
        {
            return Ok(hit);
        }
        let lookup = |face: Face| -> Result<Option<Glyph>, DocumentError> {
            let font = self.parsed(face)?;
            let Some(gid) = font.lookup_glyph_index(ch as u32).filter(|g| *g != 0) else {
                return Ok(None);
            };
            let upem = f32::from(font.pdf_font_metrics.units_per_em.max(1));
            Ok(Some(Glyph {
                face,
                id: gid,
                em: f32::from(font.get_horizontal_advance(gid)) / upem,
            }))
        };
        let found = match lookup(family.into())? {
            Some(hit) => Some(hit),
            None => lookup(Face::Fallback)?,
        };
        if let Ok(mut m) = self.glyphs.write() {
            m.insert((family, ch), found);
        }
        Ok(found)
    }

    /// The face that draws `ch` in `family`, `None` when no font has it.
    /// A face that cannot be loaded counts as not having it; [`check`]
    /// reports the font itself.
    pub fn face_for(&self, family: Family, ch: char) -> Option<Face> {
        self.glyph(family, ch).ok().flatten().map(|g| g.face)
    }

    /// Refuses text with a visible character that no font of `family` has,
    /// or a font that is missing or not the expected one.
    pub fn check(&self, family: Family, text: &str) -> Result<(), DocumentError> {
        for ch in text.chars() {
            if ch.is_control() || is_invisible(ch) {
                continue;
            }
            if self.glyph(family, ch)?.is_none() {
                return Err(DocumentError::MissingGlyph(ch));
            }
        }
        Ok(())
    }

    /// Refuses text that would not print on every paper (a name is on the
    /// slip and on the A4 notice).
    pub fn check_every_family(&self, text: &str) -> Result<(), DocumentError> {
        Family::ALL
            .iter()
            .try_for_each(|family| self.check(*family, text))
    }

    /// `text` as it can be printed in `family`: a visible character no font
    /// has (in data stored before intake refused such characters) becomes a
    /// visible placeholder naming it, 〔U+1F468〕, instead of failing the
    /// whole document.
    pub fn printable<'a>(&self, family: Family, text: &'a str) -> std::borrow::Cow<'a, str> {
        let missing =
            |ch: char| !ch.is_control() && !is_invisible(ch) && self.face_for(family, ch).is_none();
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
    pub fn advance(&self, family: Family, ch: char, size: f32) -> f32 {
        self.glyph(family, ch)
            .ok()
            .flatten()
            .map_or(0.0, |g| g.em * size)
    }

    /// The width of `text` at `size` points, in millimetres.
    pub fn width_mm(&self, family: Family, text: &str, size: f32) -> f32 {
        pt_to_mm(text.chars().map(|c| self.advance(family, c, size)).sum())
    }

    /// Each character of `text` that is drawn, with the face that draws it
    /// in `family` and its glyph id there. Control and invisible
    /// characters are not drawn. Call [`check`](Self::check) first: a
    /// character no face has is dropped here.
    pub fn drawn<'a>(
        &'a self,
        family: Family,
        text: &'a str,
    ) -> impl Iterator<Item = (char, Face, u16)> + 'a {
        text.chars()
            .filter(|ch| !ch.is_control() && !is_invisible(*ch))
            .filter_map(move |ch| {
                let g = self.glyph(family, ch).ok().flatten()?;
                Some((ch, g.face, g.id))
            })
    }

    /// Splits text into runs of one face each, dropping invisible characters.
    /// Call [`check`](Self::check) first: a character no face has is dropped here.
    pub fn runs(&self, family: Family, text: &str) -> Vec<(Face, String)> {
        let mut out: Vec<(Face, String)> = Vec::new();
        for (ch, face, _) in self.drawn(family, text) {
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
        for (family, face) in [(Family::Sans, Face::Sans), (Family::Serif, Face::Serif)] {
            assert_eq!(f.face_for(family, '张'), Some(face));
            assert_eq!(f.face_for(family, '䶮'), Some(face));
            assert_eq!(f.face_for(family, '𠮷'), Some(face));
            assert_eq!(f.face_for(family, '𪚥'), Some(Face::Fallback));
            assert_eq!(f.face_for(family, '\u{2B820}'), Some(Face::Fallback));
            assert_eq!(f.face_for(family, '\u{2CEB0}'), Some(Face::Fallback));
            let runs = f.runs(family, "王𪚥𠮷");
            assert_eq!(
                runs,
                vec![
                    (face, "王".into()),
                    (Face::Fallback, "𪚥".into()),
                    (face, "𠮷".into())
                ]
            );
        }
    }

    #[test]
    fn slips_are_set_in_sans_and_a4_in_serif() {
        assert_eq!(
            Family::for_page_width(super::super::layout::ROLL_WIDTH),
            Family::Sans
        );
        assert_eq!(
            Family::for_page_width(super::super::layout::A4.0),
            Family::Serif
        );
    }

    #[test]
    fn a_character_no_font_has_is_named() {
        let f = get().unwrap();
        // U+9FFF was added in Unicode 14; no font here has it.
        for family in Family::ALL {
            let err = f.check(family, "王\u{9FFF}").unwrap_err();
            assert_eq!(err, DocumentError::MissingGlyph('\u{9FFF}'));
            assert!(err.to_string().contains("U+9FFF"), "{err}");
            assert!(
                f.check(family, "王\u{200F}三").is_ok(),
                "direction marks are invisible, not missing"
            );
        }
    }

    #[test]
    fn han_characters_are_square_and_latin_narrower() {
        let f = get().unwrap();
        for family in Family::ALL {
            assert!((f.advance(family, '中', 10.0) - 10.0).abs() < 0.01);
            assert!(f.advance(family, '1', 10.0) < 6.0);
        }
    }

    /// A root holding the three files as the packages install them, with
    /// `alter` applied to one of them.
    fn root_with(alter: impl Fn(&FontFile, &Path)) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        for f in ALL {
            let to = f.at(root.path());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(f.at(Path::new(ROOT)), &to).unwrap();
            alter(&f, &to);
        }
        root
    }

    #[test]
    fn the_installed_fonts_are_the_expected_ones() {
        installed().unwrap();
        get().unwrap().preload().unwrap();
        for f in ALL {
            f.map_verified(Path::new(ROOT)).unwrap();
        }
    }

    #[test]
    fn the_faces_are_mapped_from_their_files_not_copied() {
        let fonts = get().unwrap();
        for face in [Face::Sans, Face::Serif] {
            let bytes = fonts.parsed(face).unwrap().source_bytes().expect("bytes");
            assert!(
                matches!(*bytes, FontBytes::Mmapped(_)),
                "{face:?}: {bytes:?}"
            );
            assert_eq!(bytes.len() as u64, face.file().size);
        }
    }

    #[test]
    fn a_missing_font_is_named_with_its_package_and_nothing_prints() {
        let root = root_with(|f, path| {
            if *f == SERIF {
                std::fs::remove_file(path).unwrap();
            }
        });
        let err = installed_under(root.path()).unwrap_err();
        assert!(
            matches!(
                err,
                DocumentError::FontMissing {
                    name: "Noto Serif CJK SC",
                    ..
                }
            ),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("找不到打印字体 Noto Serif CJK SC") && text.contains("fonts-noto-cjk"),
            "{text}"
        );
        let fonts = Fonts::under(root.path());
        assert_eq!(fonts.preload().unwrap_err(), err);
        assert_eq!(fonts.check(Family::Serif, "王芳").unwrap_err(), err);
        // The other family still prints.
        fonts.check(Family::Sans, "王芳").unwrap();
    }

    #[test]
    fn a_font_of_another_version_is_refused_even_at_the_same_size() {
        // One byte changed deep in the file: the quick check at start
        // passes, the SHA-256 check before parsing does not.
        let root = root_with(|f, path| {
            if *f == SANS {
                let mut bytes = std::fs::read(path).unwrap();
                let at = bytes.len() / 2;
                bytes[at] ^= 0x01;
                std::fs::write(path, bytes).unwrap();
            }
        });
        installed_under(root.path()).unwrap();
        let fonts = Fonts::under(root.path());
        let err = fonts.check(Family::Sans, "王芳").unwrap_err();
        assert!(
            matches!(
                err,
                DocumentError::FontChanged {
                    name: "Noto Sans CJK SC",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("fonts-noto-cjk"), "{err}");
        // A file of another size is refused by the quick check already.
        let root = root_with(|f, path| {
            if *f == FALLBACK {
                std::fs::write(path, b"not a font").unwrap();
            }
        });
        let err = installed_under(root.path()).unwrap_err();
        assert!(
            matches!(
                err,
                DocumentError::FontChanged {
                    name: "HanaMinB",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("fonts-hanazono"), "{err}");
    }
}
