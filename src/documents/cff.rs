//! The CFF font programs a PDF embeds, cut down to a document's glyphs
//! and made smaller. A subset as allsorts (printpdf's subsetter) makes it
//! keeps its glyphs in their original form: the shared subroutines they
//! call stay (every slot of them, the unused ones emptied), and so do their
//! stem hints. A notice in Noto Serif CJK SC then carries about 48 KB of
//! font for its 190 characters, more than the whole notice may weigh
//! (40 KB).
//!
//! [`subset`] writes the chosen glyphs of a face's program (for
//! [`super::subset`], the font of one document):
//! - each glyph's subroutine calls are replaced by the code they call, and
//!   both subroutine tables are dropped;
//! - stem hints (`hstem`, `vstem`, `hintmask` …) are dropped: they only
//!   snap stems to a screen's pixel grid, and printers print outlines;
//! - font dictionaries no kept glyph uses are dropped;
//! - each glyph's CID is its new glyph id.
//!
//! The outlines are the very same: a test rasterizes a notice made with
//! these programs and with printpdf's, and compares the pixels. Only
//! CID-keyed fonts with Type 2 charstrings are read (what the CJK faces
//! are); anything else, or any construct this reader does not know, is
//! [`Refused`], and the caller leaves subsetting to printpdf.
//!
//! The format is Adobe's Technical Notes #5176 (CFF) and #5177 (Type 2
//! charstrings).

use std::collections::BTreeMap;

/// Why a font program could not be cut down here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("CFF font program not rewritten: {0}")]
pub struct Refused(pub(super) &'static str);

type Result<T> = std::result::Result<T, Refused>;

/// The font program `cff`, all its glyphs kept, with its subroutines
/// inlined, its hints and its unused font dictionaries dropped: the check
/// that a program [`subset`] wrote has nothing left to take out.
#[cfg(test)]
pub fn compact(cff: &[u8]) -> Result<Vec<u8>> {
    let font = Font::read(cff)?;
    let glyphs = (0..font.charstrings.count)
        .map(|g| font.flattened(g))
        .collect::<Result<Vec<_>>>()?;
    Ok(font.write(&glyphs, &font.fd_of, font.charset))
}

/// A program with only the glyphs `gids` of `cff`, in that order (glyph
/// `i` of the result is glyph `gids[i]` of `cff`; `gids[0]` should be 0,
/// `.notdef`), flattened and without hints (see the module's text), and
/// with each glyph's CID its new glyph id.
pub fn subset(cff: &[u8], gids: &[u16]) -> Result<Vec<u8>> {
    let font = Font::read(cff)?;
    let glyphs = gids
        .iter()
        .map(|g| font.flattened(usize::from(*g)))
        .collect::<Result<Vec<_>>>()?;
    // Every id is known to be a glyph once it has been flattened.
    let fd_of: Vec<u8> = gids
        .iter()
        .filter_map(|g| font.fd_of.get(usize::from(*g)).copied())
        .collect();
    // Format 2, one range: CIDs 1 … n−1 for glyphs 1 … n−1.
    let charset = match u16::try_from(gids.len()) {
        Ok(0 | 1) => vec![0],
        Ok(n) => {
            let mut c = vec![2, 0, 1];
            c.extend_from_slice(&(n - 2).to_be_bytes());
            c
        }
        Err(_) => return Err(Refused("too many glyphs")),
    };
    Ok(font.write(&glyphs, &fd_of, &charset))
}

fn byte(d: &[u8], at: usize) -> Result<u8> {
    d.get(at).copied().ok_or(Refused("truncated"))
}

pub(super) fn card16(d: &[u8], at: usize) -> Result<usize> {
    Ok(usize::from(byte(d, at)?) << 8 | usize::from(byte(d, at + 1)?))
}

pub(super) fn offset(d: &[u8], at: usize, size: usize) -> Result<usize> {
    (0..size).try_fold(0usize, |v, i| Ok(v << 8 | usize::from(byte(d, at + i)?)))
}

pub(super) fn slice(d: &[u8], from: usize, to: usize) -> Result<&[u8]> {
    d.get(from..to).ok_or(Refused("truncated"))
}

/// An INDEX: a counted list of byte strings.
#[derive(Clone, Copy)]
struct Index<'a> {
    data: &'a [u8],
    count: usize,
    off_size: usize,
    /// Where the offsets begin.
    offsets: usize,
    /// The byte before the first object (offsets count from it).
    base: usize,
    /// The first byte after the INDEX.
    end: usize,
}

impl<'a> Index<'a> {
    fn read(data: &'a [u8], at: usize) -> Result<Self> {
        let count = card16(data, at)?;
        if count == 0 {
            return Ok(Index {
                data,
                count,
                off_size: 1,
                offsets: at + 2,
                base: at + 2,
                end: at + 2,
            });
        }
        let off_size = usize::from(byte(data, at + 2)?);
        if !(1..=4).contains(&off_size) {
            return Err(Refused("bad offset size"));
        }
        let offsets = at + 3;
        let base = offsets + (count + 1) * off_size - 1;
        let last = offset(data, offsets + count * off_size, off_size)?;
        let end = base + last;
        if end > data.len() {
            return Err(Refused("truncated"));
        }
        Ok(Index {
            data,
            count,
            off_size,
            offsets,
            base,
            end,
        })
    }

    fn get(&self, i: usize) -> Result<&'a [u8]> {
        if i >= self.count {
            return Err(Refused("index out of range"));
        }
        let from = offset(self.data, self.offsets + i * self.off_size, self.off_size)?;
        let to = offset(
            self.data,
            self.offsets + (i + 1) * self.off_size,
            self.off_size,
        )?;
        if from == 0 || to < from {
            return Err(Refused("bad index offsets"));
        }
        slice(self.data, self.base + from, self.base + to)
    }

    /// The subroutine number bias of Type 2 charstrings.
    fn bias(&self) -> i64 {
        match self.count {
            0..1240 => 107,
            1240..33900 => 1131,
            _ => 32768,
        }
    }
}

/// Writes an INDEX of `items`.
fn write_index(out: &mut Vec<u8>, items: &[Vec<u8>]) {
    out.extend_from_slice(&(items.len() as u16).to_be_bytes());
    if items.is_empty() {
        return;
    }
    let last = 1 + items.iter().map(Vec::len).sum::<usize>();
    let off_size = match last {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    };
    out.push(off_size as u8);
    let mut at = 1u32;
    out.extend_from_slice(&at.to_be_bytes()[4 - off_size..]);
    for item in items {
        at += item.len() as u32;
        out.extend_from_slice(&at.to_be_bytes()[4 - off_size..]);
    }
    for item in items {
        out.extend_from_slice(item);
    }
}

/// Two-byte operators are 1200 + their second byte.
const ESCAPE: u16 = 1200;
const CHARSET: u16 = 15;
const ENCODING: u16 = 16;
const CHARSTRINGS: u16 = 17;
const PRIVATE: u16 = 18;
const SUBRS: u16 = 19;
const CHARSTRING_TYPE: u16 = ESCAPE + 6;
const ROS: u16 = ESCAPE + 30;
const FD_ARRAY: u16 = ESCAPE + 36;
const FD_SELECT: u16 = ESCAPE + 37;

/// One DICT entry: its operator, its operands as written, and their values
/// (a real number reads as NaN: no offset is ever one).
#[derive(Clone)]
struct Entry {
    op: u16,
    raw: Vec<u8>,
    values: Vec<f64>,
}

fn read_dict(d: &[u8]) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let (mut raw, mut values) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < d.len() {
        let b0 = d[i];
        let (len, value) = match b0 {
            0..=21 => {
                let (op, len) = operator(d, i)?;
                entries.push(Entry {
                    op,
                    raw: std::mem::take(&mut raw),
                    values: std::mem::take(&mut values),
                });
                i += len;
                continue;
            }
            29 => (5, f64::from(be_i32(d, i + 1)?)),
            30 => {
                let mut n = 1;
                loop {
                    let b = byte(d, i + n)?;
                    n += 1;
                    if b & 0x0f == 0x0f || b >> 4 == 0x0f {
                        break;
                    }
                }
                (n, f64::NAN)
            }
            28 | 32..=254 => number(d, i)?,
            _ => return Err(Refused("reserved DICT byte")),
        };
        raw.extend_from_slice(slice(d, i, i + len)?);
        values.push(value);
        i += len;
    }
    if !raw.is_empty() {
        return Err(Refused("DICT ends with operands"));
    }
    Ok(entries)
}

/// The integers DICTs and charstrings share (one, two or three bytes):
/// (length, value).
fn number(d: &[u8], i: usize) -> Result<(usize, f64)> {
    let b0 = i64::from(byte(d, i)?);
    Ok(match b0 {
        28 => (
            3,
            f64::from(i16::from_be_bytes([byte(d, i + 1)?, byte(d, i + 2)?])),
        ),
        32..=246 => (1, (b0 - 139) as f64),
        247..=250 => (
            2,
            ((b0 - 247) * 256 + i64::from(byte(d, i + 1)?) + 108) as f64,
        ),
        251..=254 => (
            2,
            (-(b0 - 251) * 256 - i64::from(byte(d, i + 1)?) - 108) as f64,
        ),
        _ => return Err(Refused("not a number")),
    })
}

/// The four bytes at `at`, big-endian.
fn be_i32(d: &[u8], at: usize) -> Result<i32> {
    Ok(i32::from_be_bytes([
        byte(d, at)?,
        byte(d, at + 1)?,
        byte(d, at + 2)?,
        byte(d, at + 3)?,
    ]))
}

/// The operator at `i` (two-byte ones as [`ESCAPE`] + their second byte)
/// and its length.
fn operator(d: &[u8], i: usize) -> Result<(u16, usize)> {
    let b0 = byte(d, i)?;
    Ok(if b0 == 12 {
        (ESCAPE + u16::from(byte(d, i + 1)?), 2)
    } else {
        (u16::from(b0), 1)
    })
}

/// An integer operand of a fixed size (so offsets can be filled in later
/// without moving anything).
fn fixed_int(out: &mut Vec<u8>, v: usize) {
    out.push(29);
    out.extend_from_slice(&(v as i32).to_be_bytes());
}

/// Writes `entries`, with the operands of the operators in `set` replaced.
fn write_dict(entries: &[Entry], set: &BTreeMap<u16, Vec<usize>>) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        match set.get(&e.op) {
            Some(values) => values.iter().for_each(|v| fixed_int(&mut out, *v)),
            None => out.extend_from_slice(&e.raw),
        }
        if e.op >= ESCAPE {
            out.extend_from_slice(&[12, (e.op - ESCAPE) as u8]);
        } else {
            out.push(e.op as u8);
        }
    }
    out
}

fn int_of(entries: &[Entry], op: u16, at: usize) -> Result<Option<usize>> {
    let Some(e) = entries.iter().find(|e| e.op == op) else {
        return Ok(None);
    };
    let v = *e.values.get(at).ok_or(Refused("missing operand"))?;
    if v.is_nan() || v < 0.0 || v.fract() != 0.0 {
        return Err(Refused("offset is not a count"));
    }
    Ok(Some(v as usize))
}

/// One font dictionary of the FDArray and its private dictionary.
struct FontDict<'a> {
    entries: Vec<Entry>,
    private: Vec<Entry>,
    subrs: Option<Index<'a>>,
}

/// A CID-keyed CFF font, as read.
struct Font<'a> {
    header: &'a [u8],
    names: &'a [u8],
    top: Vec<Entry>,
    strings: &'a [u8],
    gsubrs: Index<'a>,
    /// The CID of each glyph but `.notdef` (kept by `compact` only).
    #[cfg_attr(not(test), allow(dead_code))]
    charset: &'a [u8],
    charstrings: Index<'a>,
    fd_of: Vec<u8>,
    fds: Vec<FontDict<'a>>,
}

impl<'a> Font<'a> {
    fn read(d: &'a [u8]) -> Result<Self> {
        if byte(d, 0)? != 1 {
            return Err(Refused("not CFF version 1"));
        }
        let header = slice(d, 0, usize::from(byte(d, 2)?))?;
        let names = Index::read(d, header.len())?;
        let tops = Index::read(d, names.end)?;
        let strings = Index::read(d, tops.end)?;
        let gsubrs = Index::read(d, strings.end)?;
        if names.count != 1 || tops.count != 1 {
            return Err(Refused("not one font"));
        }
        let top = read_dict(tops.get(0)?)?;
        if top.first().map(|e| e.op) != Some(ROS) {
            return Err(Refused("not CID-keyed"));
        }
        // Offsets this writer would not move.
        if top.iter().any(|e| e.op == ENCODING || e.op == PRIVATE) {
            return Err(Refused("top DICT with an encoding or a private DICT"));
        }
        if int_of(&top, CHARSTRING_TYPE, 0)?.is_some_and(|t| t != 2) {
            return Err(Refused("not Type 2 charstrings"));
        }
        let need = |op| int_of(&top, op, 0)?.ok_or(Refused("missing top DICT entry"));
        let charstrings = Index::read(d, need(CHARSTRINGS)?)?;
        let glyphs = charstrings.count;
        let charset_at = need(CHARSET)?;
        let charset = slice(
            d,
            charset_at,
            charset_at + charset_len(d, charset_at, glyphs)?,
        )?;
        let fd_of = fd_select(d, need(FD_SELECT)?, glyphs)?;
        let fd_array = Index::read(d, need(FD_ARRAY)?)?;
        let fds = (0..fd_array.count)
            .map(|i| {
                let entries = read_dict(fd_array.get(i)?)?;
                let size = int_of(&entries, PRIVATE, 0)?.ok_or(Refused("no Private"))?;
                let at = int_of(&entries, PRIVATE, 1)?.ok_or(Refused("no Private"))?;
                let private = read_dict(slice(d, at, at + size)?)?;
                let subrs = int_of(&private, SUBRS, 0)?
                    .map(|rel| Index::read(d, at + rel))
                    .transpose()?;
                Ok(FontDict {
                    entries,
                    private,
                    subrs,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if fd_of.iter().any(|fd| usize::from(*fd) >= fds.len()) {
            return Err(Refused("FDSelect names a missing font dictionary"));
        }
        Ok(Font {
            header,
            names: &d[header.len()..names.end],
            top,
            strings: &d[tops.end..strings.end],
            gsubrs,
            charset,
            charstrings,
            fd_of,
            fds,
        })
    }

    /// Glyph `g`'s charstring, flattened.
    fn flattened(&self, g: usize) -> Result<Vec<u8>> {
        let fd = *self.fd_of.get(g).ok_or(Refused("no such glyph"))?;
        let local = self.fds[usize::from(fd)].subrs;
        flatten(self.charstrings.get(g)?, self.gsubrs, local)
    }

    /// A program of `glyphs` (flattened charstrings), whose font
    /// dictionaries `fd_of` names (numbered as in this font) and whose
    /// CIDs `charset` gives.
    fn write(&self, glyphs: &[Vec<u8>], fd_of: &[u8], charset: &[u8]) -> Vec<u8> {
        // Font dictionaries in use, renumbered in their order.
        let used: Vec<u8> = {
            let mut u = fd_of.to_vec();
            u.sort_unstable();
            u.dedup();
            u
        };
        let renumber: BTreeMap<u8, u8> = used
            .iter()
            .enumerate()
            .map(|(n, fd)| (*fd, n as u8))
            .collect();
        let privates: Vec<Vec<u8>> = used
            .iter()
            .map(|fd| {
                let kept: Vec<Entry> = self.fds[usize::from(*fd)]
                    .private
                    .iter()
                    .filter(|e| e.op != SUBRS)
                    .cloned()
                    .collect();
                write_dict(&kept, &BTreeMap::new())
            })
            .collect();
        let fd_select = {
            let mut out = vec![3];
            let mut ranges: Vec<(usize, u8)> = Vec::new();
            for (g, fd) in fd_of.iter().enumerate() {
                let fd = renumber[fd];
                if ranges.last().map(|r| r.1) != Some(fd) {
                    ranges.push((g, fd));
                }
            }
            out.extend_from_slice(&(ranges.len() as u16).to_be_bytes());
            for (first, fd) in ranges {
                out.extend_from_slice(&(first as u16).to_be_bytes());
                out.push(fd);
            }
            out.extend_from_slice(&(fd_of.len() as u16).to_be_bytes());
            out
        };
        let mut charstrings = Vec::new();
        write_index(&mut charstrings, glyphs);

        // Every offset is written in five bytes, so sizes are known before
        // the offsets are: lay out once with zeros, then for real.
        let lay_out = |at: &Layout| -> (Vec<u8>, Vec<u8>) {
            let top = write_dict(
                &self.top,
                &BTreeMap::from([
                    (CHARSET, vec![at.charset]),
                    (CHARSTRINGS, vec![at.charstrings]),
                    (FD_SELECT, vec![at.fd_select]),
                    (FD_ARRAY, vec![at.fd_array]),
                ]),
            );
            let mut top_index = Vec::new();
            write_index(&mut top_index, &[top]);
            let mut private_at = at.privates;
            let fd_dicts: Vec<Vec<u8>> = used
                .iter()
                .zip(&privates)
                .map(|(fd, private)| {
                    let dict = write_dict(
                        &self.fds[usize::from(*fd)].entries,
                        &BTreeMap::from([(PRIVATE, vec![private.len(), private_at])]),
                    );
                    private_at += private.len();
                    dict
                })
                .collect();
            let mut fd_array = Vec::new();
            write_index(&mut fd_array, &fd_dicts);
            (top_index, fd_array)
        };
        let (top_index, fd_array) = lay_out(&Layout::default());
        let mut at = Layout {
            charset: self.header.len()
                + self.names.len()
                + top_index.len()
                + self.strings.len()
                + 2,
            ..Layout::default()
        };
        at.fd_select = at.charset + charset.len();
        at.charstrings = at.fd_select + fd_select.len();
        at.fd_array = at.charstrings + charstrings.len();
        at.privates = at.fd_array + fd_array.len();
        let (top_index, fd_array) = lay_out(&at);

        let mut out =
            Vec::with_capacity(at.privates + privates.iter().map(Vec::len).sum::<usize>());
        out.extend_from_slice(self.header);
        out.extend_from_slice(self.names);
        out.extend_from_slice(&top_index);
        out.extend_from_slice(self.strings);
        out.extend_from_slice(&[0, 0]); // no global subroutines
        out.extend_from_slice(charset);
        out.extend_from_slice(&fd_select);
        out.extend_from_slice(&charstrings);
        out.extend_from_slice(&fd_array);
        privates.iter().for_each(|p| out.extend_from_slice(p));
        out
    }
}

/// Where the parts after the fixed head begin.
#[derive(Default)]
struct Layout {
    charset: usize,
    fd_select: usize,
    charstrings: usize,
    fd_array: usize,
    privates: usize,
}

/// The length of the charset at `at` for `glyphs` glyphs.
fn charset_len(d: &[u8], at: usize, glyphs: usize) -> Result<usize> {
    if at < 3 {
        return Err(Refused("predefined charset"));
    }
    let rest = glyphs.saturating_sub(1);
    match byte(d, at)? {
        0 => Ok(1 + 2 * rest),
        format @ (1 | 2) => {
            let width = usize::from(format);
            let (mut covered, mut len) = (0, 1);
            while covered < rest {
                covered += offset(d, at + len + 2, width)? + 1;
                len += 2 + width;
            }
            Ok(len)
        }
        _ => Err(Refused("unknown charset format")),
    }
}

/// The font dictionary of each glyph.
fn fd_select(d: &[u8], at: usize, glyphs: usize) -> Result<Vec<u8>> {
    match byte(d, at)? {
        0 => Ok(slice(d, at + 1, at + 1 + glyphs)?.to_vec()),
        3 => {
            let ranges = card16(d, at + 1)?;
            let mut fd_of = Vec::with_capacity(glyphs);
            for r in 0..ranges {
                let first = card16(d, at + 3 + r * 3)?;
                let fd = byte(d, at + 5 + r * 3)?;
                let next = card16(d, at + 6 + r * 3)?;
                if first != fd_of.len() || next < first {
                    return Err(Refused("bad FDSelect range"));
                }
                fd_of.resize(next, fd);
            }
            if fd_of.len() != glyphs {
                return Err(Refused("FDSelect does not cover every glyph"));
            }
            Ok(fd_of)
        }
        _ => Err(Refused("unknown FDSelect format")),
    }
}

/// Type 2 operators kept as they are (paths); 1200 + n is `12 n`.
const PATH: [u16; 14] = [5, 6, 7, 8, 24, 25, 26, 27, 30, 31, 1234, 1235, 1236, 1237];
const HSTEM: u16 = 1;
const VSTEM: u16 = 3;
const VMOVETO: u16 = 4;
const CALLSUBR: u16 = 10;
const RETURN: u16 = 11;
const ENDCHAR: u16 = 14;
const HSTEMHM: u16 = 18;
const HINTMASK: u16 = 19;
const CNTRMASK: u16 = 20;
const RMOVETO: u16 = 21;
const HMOVETO: u16 = 22;
const VSTEMHM: u16 = 23;
const CALLGSUBR: u16 = 29;

/// One glyph's charstring with its subroutine calls inlined and its hints
/// dropped (the advance width, which the first hint may carry, moves to
/// the first operator kept).
fn flatten(code: &[u8], gsubrs: Index<'_>, local: Option<Index<'_>>) -> Result<Vec<u8>> {
    let mut f = Flattener {
        gsubrs,
        local,
        stack: Vec::new(),
        stems: 0,
        width: None,
        cleared: false,
        emitted: false,
        ended: false,
        out: Vec::with_capacity(code.len() * 2),
    };
    f.run(code, 0)?;
    if !f.ended {
        return Err(Refused("charstring without endchar"));
    }
    Ok(f.out)
}

struct Flattener<'a, 'c> {
    gsubrs: Index<'a>,
    local: Option<Index<'a>>,
    /// Operands as written, with their values.
    stack: Vec<(&'c [u8], f64)>,
    stems: usize,
    /// The advance width, when the glyph's first stack-clearing operator
    /// carried one.
    width: Option<&'c [u8]>,
    /// Whether the first stack-clearing operator has been seen.
    cleared: bool,
    /// Whether an operator has been written.
    emitted: bool,
    ended: bool,
    out: Vec<u8>,
}

impl<'a: 'c, 'c> Flattener<'a, 'c> {
    fn run(&mut self, code: &'c [u8], depth: usize) -> Result<()> {
        if depth > 10 {
            return Err(Refused("subroutines nested too deep"));
        }
        let mut i = 0;
        while i < code.len() {
            let b0 = code[i];
            let (len, value) = match b0 {
                // 16.16 fixed point
                255 => (5, f64::from(be_i32(code, i + 1)?) / 65536.0),
                28 | 32..=254 => number(code, i)?,
                _ => {
                    let (op, len) = operator(code, i)?;
                    let bytes = slice(code, i, i + len)?;
                    i += len;
                    match op {
                        RETURN if depth > 0 => return Ok(()),
                        CALLSUBR | CALLGSUBR => {
                            let subrs = if op == CALLSUBR {
                                self.local.ok_or(Refused("no local subroutines"))?
                            } else {
                                self.gsubrs
                            };
                            let (_, n) = self.stack.pop().ok_or(Refused("empty stack"))?;
                            if n.fract() != 0.0 {
                                return Err(Refused("subroutine number is not an integer"));
                            }
                            let index = usize::try_from(n as i64 + subrs.bias())
                                .map_err(|_| Refused("negative subroutine number"))?;
                            self.run(subrs.get(index)?, depth + 1)?;
                            if self.ended {
                                return Ok(());
                            }
                        }
                        HSTEM | VSTEM | HSTEMHM | VSTEMHM => {
                            self.take_width(self.stack.len() % 2 == 1);
                            self.stems += self.stack.len() / 2;
                            self.stack.clear();
                        }
                        HINTMASK | CNTRMASK => {
                            self.take_width(self.stack.len() % 2 == 1);
                            self.stems += self.stack.len() / 2;
                            self.stack.clear();
                            i += self.stems.div_ceil(8);
                            if i > code.len() {
                                return Err(Refused("truncated mask"));
                            }
                        }
                        RMOVETO => self.emit(bytes, self.stack.len() > 2),
                        HMOVETO | VMOVETO => self.emit(bytes, self.stack.len() > 1),
                        ENDCHAR => {
                            let n = self.stack.len();
                            self.emit(bytes, n == 1 || n == 5);
                            self.ended = true;
                            return Ok(());
                        }
                        op if PATH.contains(&op) => {
                            if !self.cleared {
                                return Err(Refused("path before a moveto"));
                            }
                            self.emit(bytes, false);
                        }
                        _ => return Err(Refused("unsupported charstring operator")),
                    }
                    continue;
                }
            };
            if self.stack.len() >= 48 {
                return Err(Refused("charstring stack overflow"));
            }
            self.stack.push((slice(code, i, i + len)?, value));
            i += len;
        }
        if depth == 0 {
            Ok(())
        } else {
            Err(Refused("subroutine without return"))
        }
    }

    /// At the glyph's first stack-clearing operator, takes the advance
    /// width off the bottom of the stack when `present`.
    fn take_width(&mut self, present: bool) {
        if !self.cleared {
            self.cleared = true;
            if present && !self.stack.is_empty() {
                self.width = Some(self.stack.remove(0).0);
            }
        }
    }

    /// Writes an operator with its operands (the first operator written
    /// also carries the width).
    fn emit(&mut self, op: &[u8], width_present: bool) {
        self.take_width(width_present);
        if !self.emitted {
            self.emitted = true;
            if let Some(w) = self.width {
                self.out.extend_from_slice(w);
            }
        }
        for (raw, _) in self.stack.drain(..) {
            self.out.extend_from_slice(raw);
        }
        self.out.extend_from_slice(op);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Type 2 integer operand.
    fn n(v: i32) -> Vec<u8> {
        match v {
            -107..=107 => vec![(v + 139) as u8],
            108..=1131 => {
                let w = v - 108;
                vec![(w / 256 + 247) as u8, (w % 256) as u8]
            }
            -1131..=-108 => {
                let w = -v - 108;
                vec![(w / 256 + 251) as u8, (w % 256) as u8]
            }
            _ => {
                let mut out = vec![28];
                out.extend_from_slice(&(v as i16).to_be_bytes());
                out
            }
        }
    }

    fn code(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    fn index(items: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        write_index(&mut out, items);
        out
    }

    #[test]
    fn an_index_reads_back_what_was_written() {
        for items in [
            vec![],
            vec![vec![1u8, 2, 3]],
            vec![vec![7u8; 300], vec![], vec![9u8; 70_000]],
        ] {
            let bytes = index(&items);
            let read = Index::read(&bytes, 0).unwrap();
            assert_eq!(read.count, items.len());
            assert_eq!(read.end, bytes.len());
            for (i, item) in items.iter().enumerate() {
                assert_eq!(read.get(i).unwrap(), item.as_slice());
            }
        }
    }

    #[test]
    fn subroutines_are_inlined_and_hints_dropped_with_the_width_kept() {
        // Global subroutine 0 (number -107 with bias 107): a line and return.
        let gsubrs = index(&[code(&[&n(10), &n(20), &[5], &[RETURN as u8]])]);
        // Local subroutine 1 (number -106): pushes an operand for the caller,
        // then ends the glyph.
        let local = index(&[
            code(&[&[RETURN as u8]]),
            code(&[&n(5), &[HMOVETO as u8], &[ENDCHAR as u8]]),
        ]);
        let glyph = code(&[
            // width 500, two horizontal stems (carrying the width)
            &n(500),
            &n(0),
            &n(40),
            &n(600),
            &n(40),
            &[HSTEM as u8],
            // three implied vertical stems, then a mask of 5 stems: 1 byte
            &n(10),
            &n(20),
            &n(30),
            &n(40),
            &n(50),
            &n(60),
            &[HINTMASK as u8, 0b1111_1000],
            &n(100),
            &n(200),
            &[RMOVETO as u8],
            &n(-107),
            &[CALLGSUBR as u8],
            &[HINTMASK as u8, 0b0101_0000],
            &n(-106),
            &[CALLSUBR as u8],
            // never reached: the subroutine ended the glyph
            &n(1),
            &[5],
        ]);
        let g = Index::read(&gsubrs, 0).unwrap();
        let l = Index::read(&local, 0).unwrap();
        let flat = flatten(&glyph, g, Some(l)).unwrap();
        assert_eq!(
            flat,
            code(&[
                &n(500),
                &n(100),
                &n(200),
                &[RMOVETO as u8],
                &n(10),
                &n(20),
                &[5],
                &n(5),
                &[HMOVETO as u8],
                &[ENDCHAR as u8],
            ])
        );
    }

    #[test]
    fn a_glyph_whose_width_rides_on_its_moveto_keeps_it_there() {
        let empty = index(&[]);
        let g = Index::read(&empty, 0).unwrap();
        let glyph = code(&[&n(300), &n(1), &n(2), &[RMOVETO as u8], &[ENDCHAR as u8]]);
        assert_eq!(flatten(&glyph, g, None).unwrap(), glyph);
        let space = code(&[&n(250), &[ENDCHAR as u8]]);
        assert_eq!(flatten(&space, g, None).unwrap(), space);
        let no_width = code(&[&n(1), &n(2), &[RMOVETO as u8], &[ENDCHAR as u8]]);
        assert_eq!(flatten(&no_width, g, None).unwrap(), no_width);
    }

    #[test]
    fn what_this_reader_does_not_know_is_refused() {
        let empty = index(&[]);
        let g = Index::read(&empty, 0).unwrap();
        // arithmetic (12 10 add), a missing endchar, a call with no subrs,
        // a path before any moveto, a mask cut short
        for glyph in [
            code(&[&n(1), &n(2), &[12, 10], &[ENDCHAR as u8]]),
            code(&[&n(1), &n(2), &[RMOVETO as u8]]),
            code(&[&n(0), &[CALLSUBR as u8], &[ENDCHAR as u8]]),
            code(&[&n(1), &n(2), &[5], &[ENDCHAR as u8]]),
            code(&[&n(1), &n(2), &[HSTEM as u8], &[HINTMASK as u8]]),
        ] {
            assert!(flatten(&glyph, g, None).is_err(), "{glyph:?}");
        }
        assert!(compact(b"not a font").is_err());
        assert!(compact(&[]).is_err());
    }
}
