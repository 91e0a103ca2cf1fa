//! The font of one document: a CJK face cut down to the characters the
//! document draws, made here instead of by printpdf's subsetter.
//!
//! printpdf subsets through allsorts, which for every document builds the
//! subset's `cmap` by walking the whole face's mapping (two thirds of a
//! notice's subsetting time, for a table the PDF never embeds), parses the
//! face's CFF dictionaries, and keeps every subroutine slot, which
//! [`cff`](super::cff) then had to take out again.
//!
//! [`document_face`] writes instead a small OpenType font with just
//! `.notdef` and the glyphs of the given characters, in the order of their
//! glyph ids in the face: their outlines flattened by [`cff::subset`]
//! (no subroutines, no hints, CID = new glyph id), their advances and side
//! bearings from the face's `hmtx`, a `cmap` of those characters only, and
//! the face's `head`, `hhea`, `OS/2` and `post` header as they are. printpdf
//! is handed that font whole (it embeds its `CFF ` table, widths from its
//! `hmtx`, the text mapping from its `cmap`), so the PDF carries the very
//! outlines of the face. Everything in it follows from the face and the
//! characters, so the same facts give the same bytes.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::cff::{self, card16, offset, slice, Refused};

type Result<T> = std::result::Result<T, Refused>;

/// The tables of face `index` of an OpenType file or collection.
struct Tables<'a> {
    file: &'a [u8],
    /// (tag, offset, length), as the face's directory lists them.
    records: Vec<([u8; 4], usize, usize)>,
}

impl<'a> Tables<'a> {
    fn read(file: &'a [u8], index: usize) -> Result<Self> {
        let at = if file.get(..4) == Some(b"ttcf") {
            let faces = offset(file, 8, 4)?;
            if index >= faces {
                return Err(Refused("no such face in the collection"));
            }
            offset(file, 12 + 4 * index, 4)?
        } else {
            0
        };
        let count = card16(file, at + 4)?;
        let records = (0..count)
            .map(|i| {
                let r = at + 12 + 16 * i;
                let tag = file.get(r..r + 4).ok_or(Refused("truncated sfnt"))?;
                Ok((
                    [tag[0], tag[1], tag[2], tag[3]],
                    offset(file, r + 8, 4)?,
                    offset(file, r + 12, 4)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Tables { file, records })
    }

    fn get(&self, tag: &[u8; 4]) -> Result<&'a [u8]> {
        let (_, at, len) = self
            .records
            .iter()
            .find(|r| &r.0 == tag)
            .ok_or(Refused("table missing"))?;
        self.file
            .get(*at..at + len)
            .ok_or(Refused("table outside the file"))
    }
}

/// A six-letter subset tag (ISO 32000-1, 9.6.4) drawn from the glyphs, so
/// different subsets of one face get different names.
fn tag(gids: &[u16]) -> String {
    let digest = Sha256::digest(
        gids.iter()
            .flat_map(|g| g.to_be_bytes())
            .collect::<Vec<u8>>(),
    );
    digest[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// The font of one document: face `index` of `file` (an OpenType CFF
/// face), with the glyphs `chars` map to (character → the face's glyph
/// id), its PostScript name `name` given a subset tag. Refused for a face
/// without CFF outlines, or one this reader does not know.
pub fn document_face(
    file: &[u8],
    index: usize,
    name: &str,
    chars: &BTreeMap<char, u16>,
) -> Result<Vec<u8>> {
    let face = Tables::read(file, index)?;
    let cff_table = face.get(b"CFF ")?;
    let head = face.get(b"head")?;
    let hhea = face.get(b"hhea")?;
    let hmtx = face.get(b"hmtx")?;
    let glyphs = card16(face.get(b"maxp")?, 4)?;
    let metrics = card16(hhea, 34)?;
    if metrics == 0 || head.len() < 54 || hhea.len() < 36 {
        return Err(Refused("bad head or hhea"));
    }

    let mut gids: Vec<u16> = chars.values().copied().filter(|g| *g != 0).collect();
    gids.push(0);
    gids.sort_unstable();
    gids.dedup();
    if gids.iter().any(|g| usize::from(*g) >= glyphs) {
        return Err(Refused("glyph id beyond the face"));
    }
    let new_id: BTreeMap<u16, u16> = gids
        .iter()
        .enumerate()
        .map(|(new, old)| (*old, new as u16))
        .collect();
    let count = u16::try_from(gids.len()).map_err(|_| Refused("too many glyphs"))?;

    let mut tables: Vec<(&[u8; 4], Vec<u8>)> = Vec::with_capacity(9);
    tables.push((b"CFF ", cff::subset(cff_table, &gids)?));
    tables.push((b"OS/2", face.get(b"OS/2")?.to_vec()));

    // cmap: one format 12 subtable (Windows, full Unicode), a group per
    // character.
    let mut cmap = Vec::with_capacity(28 + 12 * chars.len());
    cmap.extend_from_slice(&[0, 0, 0, 1, 0, 3, 0, 10, 0, 0, 0, 12]);
    let mapped: Vec<(u32, u16)> = chars
        .iter()
        .filter_map(|(c, g)| new_id.get(g).filter(|n| **n != 0).map(|n| (*c as u32, *n)))
        .collect();
    cmap.extend_from_slice(&[0, 12, 0, 0]);
    cmap.extend_from_slice(&((16 + 12 * mapped.len()) as u32).to_be_bytes());
    cmap.extend_from_slice(&[0, 0, 0, 0]);
    cmap.extend_from_slice(&(mapped.len() as u32).to_be_bytes());
    for (c, g) in &mapped {
        cmap.extend_from_slice(&c.to_be_bytes());
        cmap.extend_from_slice(&c.to_be_bytes());
        cmap.extend_from_slice(&u32::from(*g).to_be_bytes());
    }
    tables.push((b"cmap", cmap));

    let mut head = head[..54].to_vec();
    head[8..12].copy_from_slice(&[0; 4]);
    tables.push((b"head", head));

    let mut hhea = hhea[..36].to_vec();
    hhea[34..36].copy_from_slice(&count.to_be_bytes());
    tables.push((b"hhea", hhea));

    // Each glyph's advance and left side bearing; past the face's last
    // full metric, the advance is that metric's and the bearing is in the
    // array after the metrics.
    let mut new_hmtx = Vec::with_capacity(4 * gids.len());
    for g in &gids {
        let g = usize::from(*g);
        let advance = 4 * g.min(metrics - 1);
        let bearing = if g < metrics {
            4 * g + 2
        } else {
            4 * metrics + 2 * (g - metrics)
        };
        new_hmtx.extend_from_slice(slice(hmtx, advance, advance + 2)?);
        new_hmtx.extend_from_slice(slice(hmtx, bearing, bearing + 2)?);
    }
    tables.push((b"hmtx", new_hmtx));

    // maxp version 0.5 (CFF outlines): the glyph count only.
    let mut maxp = vec![0, 0, 0x50, 0];
    maxp.extend_from_slice(&count.to_be_bytes());
    tables.push((b"maxp", maxp));

    // name: the PostScript name (ID 6), Windows Unicode, with the tag.
    let full = format!("{}+{name}", tag(&gids));
    let utf16: Vec<u8> = full.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut names = vec![0, 0, 0, 1, 0, 18, 0, 3, 0, 1, 0x04, 0x09, 0, 6];
    names.extend_from_slice(&(utf16.len() as u16).to_be_bytes());
    names.extend_from_slice(&[0, 0]);
    names.extend_from_slice(&utf16);
    tables.push((b"name", names));

    // post version 3: the face's header, no glyph names.
    let mut post = face
        .get(b"post")?
        .get(..32)
        .ok_or(Refused("short post table"))?
        .to_vec();
    post[..4].copy_from_slice(&[0, 3, 0, 0]);
    tables.push((b"post", post));

    Ok(sfnt(&tables))
}

/// A table's checksum: its big-endian 32-bit words summed, the last one
/// padded with zeros.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4)
        .map(|c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            u32::from_be_bytes(w)
        })
        .fold(0u32, u32::wrapping_add)
}

/// An OpenType file of `tables` (given in tag order), each padded to four
/// bytes and with its checksum.
fn sfnt(tables: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let count = tables.len() as u16;
    let power = if count == 0 {
        0
    } else {
        15 - count.leading_zeros() as u16
    };
    let search = 16u16 << power;
    let mut out = b"OTTO".to_vec();
    for v in [count, search, power, count * 16 - search] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut at = 12 + 16 * tables.len();
    for (tag, data) in tables {
        out.extend_from_slice(*tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        at += data.len().next_multiple_of(4);
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fonts::{self, Face};
    use super::*;

    /// Characters of a notice: Han, punctuation, digits, Latin, and 𠮷
    /// (outside the BMP, which both faces have).
    const TEXT: &str = "受理通知书：你于2026年12月6日提出的申请（编号 A01-0001），𠮷。Xy";

    fn small(face: Face) -> (printpdf::ParsedFont, Vec<u8>) {
        let full = fonts::get().expect("fonts").parsed(face).expect("face");
        let chars: BTreeMap<char, u16> = TEXT
            .chars()
            .filter_map(|c| full.lookup_glyph_index(c as u32).map(|g| (c, g)))
            .collect();
        let source = full.source_bytes().expect("bytes");
        let bytes = document_face(
            source.as_slice(),
            full.original_index,
            full.font_name.as_deref().expect("name"),
            &chars,
        )
        .expect("subset");
        let parsed = printpdf::ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).expect("parse");
        (parsed, bytes)
    }

    #[test]
    fn the_small_font_maps_each_character_to_its_glyph_with_the_faces_advance() {
        let fonts = fonts::get().expect("fonts");
        for face in [Face::Sans, Face::Serif] {
            let full = fonts.parsed(face).expect("face");
            let (small, bytes) = small(face);
            let distinct: std::collections::BTreeSet<char> = TEXT.chars().collect();
            // .notdef and one glyph per character (the space included).
            assert_eq!(usize::from(small.num_glyphs), distinct.len() + 1);
            let mut seen = std::collections::BTreeSet::new();
            for c in distinct {
                let g = small.lookup_glyph_index(c as u32).expect("mapped");
                assert!(g != 0 && seen.insert(g), "{c}");
                let was = full.lookup_glyph_index(c as u32).expect("in the face");
                assert_eq!(
                    small.get_horizontal_advance(g),
                    full.get_horizontal_advance(was),
                    "{c}"
                );
            }
            assert_eq!(small.lookup_glyph_index('丁' as u32), None);
            // A tagged PostScript name, and a well-formed directory: tables
            // in tag order, each checksum right.
            let name = small.font_name.clone().expect("name");
            assert_eq!(
                name.split_once('+').map(|(t, _)| t.len()),
                Some(6),
                "{name}"
            );
            let tables = Tables::read(&bytes, 0).expect("directory");
            let tags: Vec<[u8; 4]> = tables.records.iter().map(|r| r.0).collect();
            let mut sorted = tags.clone();
            sorted.sort_unstable();
            assert_eq!(tags, sorted);
            for (i, (tag, at, len)) in tables.records.iter().enumerate() {
                let sum = checksum(&bytes[*at..at + len]);
                assert_eq!(
                    offset(&bytes, 12 + 16 * i + 4, 4).expect("sum"),
                    sum as usize,
                    "{tag:?}"
                );
            }
            // The same characters, the same bytes.
            assert_eq!(small_bytes(face), bytes);
        }
    }

    fn small_bytes(face: Face) -> Vec<u8> {
        small(face).1
    }

    #[test]
    fn a_face_without_cff_outlines_is_refused() {
        let full = fonts::get()
            .expect("fonts")
            .parsed(Face::Fallback)
            .expect("face");
        let source = full.source_bytes().expect("bytes");
        let chars = BTreeMap::from([('𪚥', full.lookup_glyph_index(0x2A6A5).expect("glyph"))]);
        assert!(document_face(source.as_slice(), 0, "HanaMinB", &chars).is_err());
        assert!(document_face(b"not a font", 0, "x", &chars).is_err());
    }
}
