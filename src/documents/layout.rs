//! Drawing pages in millimetres from the top-left corner, the way a form is
//! designed, and turning them into one PDF with printpdf. A page with height
//! 0 takes the height of its content (80 mm roll-paper slips).

use chrono::{DateTime, Datelike, FixedOffset, Offset as _, Timelike};
use printpdf::date::{
    Date as PdfDate, DateTime as PdfDateTime, Offset as PdfOffset, Time as PdfTime,
};
use printpdf::{
    Color, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextRenderingMode,
};

use super::fonts::{self, pt_to_mm, Face, Family, Fonts};
use super::subset;
use super::wrap::wrap;
use super::DocumentError;
use sha2::Digest as _;

/// A4 portrait, in millimetres.
pub const A4: (f32, f32) = (210.0, 297.0);
/// Roll paper width, in millimetres.
pub const ROLL_WIDTH: f32 = 80.0;

/// How text is aligned within its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A text style: size in points and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
}

impl Style {
    pub const fn regular(size: f32) -> Style {
        Style { size, bold: false }
    }

    pub const fn bold(size: f32) -> Style {
        Style { size, bold: true }
    }

    /// The height of one line of this style, in millimetres (1.5 × size).
    pub fn line_height(self) -> f32 {
        pt_to_mm(self.size * 1.5)
    }
}

#[derive(Debug, Clone)]
enum Item {
    Text {
        x: f32,
        baseline: f32,
        style: Style,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width_pt: f32,
        dashed: bool,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// One page being drawn. Coordinates are millimetres from the top-left.
pub struct Page {
    pub width: f32,
    /// 0 until [`Page::fit_height`] or a fixed size is given.
    pub height: f32,
    items: Vec<Item>,
    bottom: f32,
    /// Sans on roll paper, serif on A4 ([`Family::for_page_width`]).
    family: Family,
    fonts: &'static Fonts,
}

impl Page {
    /// A page of a fixed size.
    pub fn new(width: f32, height: f32) -> Result<Page, DocumentError> {
        Ok(Page {
            width,
            height,
            items: Vec::new(),
            bottom: 0.0,
            family: Family::for_page_width(width),
            fonts: fonts::get()?,
        })
    }

    /// The lowest point drawn so far.
    pub fn bottom(&self) -> f32 {
        self.bottom
    }

    /// Sets the height to the content plus a margin (for roll paper).
    pub fn fit_height(&mut self, margin: f32) {
        self.height = self.bottom + margin;
    }

    fn mark(&mut self, y: f32) {
        self.bottom = self.bottom.max(y);
    }

    /// From the top of a line to its baseline: the em box centred in a line
    /// of 1.5 × size, with the ascender at 0.88 em.
    pub fn baseline_offset(style: Style) -> f32 {
        let em = pt_to_mm(style.size);
        (style.line_height() - em) / 2.0 + em * 0.88
    }

    /// The width of `text` in `style`, in millimetres.
    pub fn measure(&self, text: &str, style: Style) -> f32 {
        self.fonts.width_mm(self.family, text, style.size)
    }

    /// Draws one line of text in the box from `x` to `x + width`, with the
    /// top of the line at `top`. Returns the top of the next line.
    pub fn text(
        &mut self,
        x: f32,
        width: f32,
        top: f32,
        style: Style,
        align: Align,
        text: &str,
    ) -> f32 {
        let text = self.fonts.printable(self.family, text).into_owned();
        let w = self.measure(&text, style);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (width - w) / 2.0,
            Align::Right => x + width - w,
        };
        let lh = style.line_height();
        let baseline = top + Page::baseline_offset(style);
        self.items.push(Item::Text {
            x,
            baseline,
            style,
            text,
        });
        self.mark(top + lh);
        top + lh
    }

    /// Wraps `text` to `width` and draws it from `top`. Returns the top of
    /// the line after the last one.
    pub fn paragraph(
        &mut self,
        x: f32,
        width: f32,
        top: f32,
        style: Style,
        align: Align,
        text: &str,
    ) -> f32 {
        let mut y = top;
        for line in self.wrap(text, width, style) {
            y = self.text(x, width, y, style, align, &line);
        }
        y
    }

    /// The lines `text` wraps into at `width`.
    pub fn wrap(&self, text: &str, width: f32, style: Style) -> Vec<String> {
        wrap(&self.fonts.printable(self.family, text), width, |s| {
            self.measure(s, style)
        })
    }

    /// A straight line, `width_pt` thick.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width_pt: f32) {
        self.items.push(Item::Line {
            x1,
            y1,
            x2,
            y2,
            width_pt,
            dashed: false,
        });
        self.mark(y1.max(y2));
    }

    /// A dashed line (cut lines, seal areas).
    pub fn dashed(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width_pt: f32) {
        self.items.push(Item::Line {
            x1,
            y1,
            x2,
            y2,
            width_pt,
            dashed: true,
        });
        self.mark(y1.max(y2));
    }

    /// The outline of a box.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width_pt: f32, dashed: bool) {
        let mut edge = |x1, y1, x2, y2| {
            self.items.push(Item::Line {
                x1,
                y1,
                x2,
                y2,
                width_pt,
                dashed,
            })
        };
        edge(x, y, x + w, y);
        edge(x + w, y, x + w, y + h);
        edge(x + w, y + h, x, y + h);
        edge(x, y + h, x, y);
        self.mark(y + h);
    }

    /// A filled black box (QR code modules).
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.items.push(Item::Fill { x, y, w, h });
        self.mark(y + h);
    }

    fn ops(&self, ids: &FontIds) -> Vec<Op> {
        let h = self.height;
        let pt = |x: f32, y: f32| Point::new(Mm(x), Mm(h - y));
        let black = Color::Rgb(Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        });
        let mut ops = vec![
            Op::SetFillColor { col: black.clone() },
            Op::SetOutlineColor { col: black },
        ];
        for item in &self.items {
            match item {
                Item::Text {
                    x,
                    baseline,
                    style,
                    text,
                } => {
                    if style.bold {
                        // Fill and stroke the glyphs: a heavier face from the one font.
                        ops.push(Op::SetTextRenderingMode {
                            mode: TextRenderingMode::FillStroke,
                        });
                        ops.push(Op::SetOutlineThickness {
                            pt: Pt(style.size * 0.03),
                        });
                    }
                    let mut cx = *x;
                    for (face, run) in self.fonts.runs(self.family, text) {
                        let Some(font) = ids.get(&face).cloned() else {
                            continue;
                        };
                        ops.push(Op::StartTextSection);
                        ops.push(Op::SetFont {
                            font: PdfFontHandle::External(font),
                            size: Pt(style.size),
                        });
                        ops.push(Op::SetTextCursor {
                            pos: pt(cx, *baseline),
                        });
                        ops.push(Op::ShowText {
                            items: vec![TextItem::Text(run.clone())],
                        });
                        ops.push(Op::EndTextSection);
                        cx += self.fonts.width_mm(self.family, &run, style.size);
                    }
                    if style.bold {
                        ops.push(Op::SetTextRenderingMode {
                            mode: TextRenderingMode::Fill,
                        });
                    }
                }
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width_pt,
                    dashed,
                } => {
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width_pt) });
                    ops.push(Op::SetLineDashPattern {
                        dash: if *dashed {
                            LineDashPattern::new(0.0, &[3.0, 2.0])
                        } else {
                            LineDashPattern::solid()
                        },
                    });
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint {
                                    p: pt(*x1, *y1),
                                    bezier: false,
                                },
                                LinePoint {
                                    p: pt(*x2, *y2),
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    });
                }
                Item::Fill { x, y, w, h: fh } => {
                    let lower_left = pt(*x, *y + *fh);
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: lower_left.x,
                            y: lower_left.y,
                            width: Mm(*w).into(),
                            height: Mm(*fh).into(),
                            mode: Some(PaintMode::Fill),
                            winding_order: None,
                        },
                    });
                }
            }
        }
        ops
    }

    /// Every text drawn on the page, in drawing order (for checks before printing).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|i| match i {
            Item::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

/// The document's font of each face drawn in it.
type FontIds = std::collections::BTreeMap<Face, printpdf::FontId>;

/// A finished PDF.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

fn pdf_time(t: DateTime<FixedOffset>) -> PdfDateTime {
    let offset_s = t.offset().fix().local_minus_utc();
    PdfDateTime {
        date: PdfDate {
            year: t.year(),
            month: t.month() as u8,
            day: t.day() as u8,
        },
        time: PdfTime {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: t.second() as u8,
            millisecond: 0,
        },
        offset: PdfOffset {
            hours: (offset_s / 3600) as i8,
            minutes: ((offset_s % 3600) / 60) as i8,
            seconds: 0,
            milliseconds: 0,
        },
    }
}

/// Renders pages into one PDF with the given metadata. Every text is
/// checked first (a character no font has fails the whole document; text
/// placed through [`Page::text`] has had such characters replaced by a
/// placeholder already).
pub fn render(
    pages: &[Page],
    title: &str,
    subject: &str,
    author: &str,
    created: DateTime<FixedOffset>,
) -> Result<Rendered, DocumentError> {
    let doc = printpdf_document(pages, title, subject, author, created, Subsets::Own)?;
    Ok(Rendered {
        bytes: finish(doc)?,
        pages: pages.len(),
    })
}

/// Who cuts the CJK faces down to a document's characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subsets {
    /// [`subset::document_face`]: flattened outlines, no hints, made in a
    /// fraction of the time.
    Own,
    /// printpdf's subsetter, as it is (the reference the tests compare
    /// with).
    #[cfg_attr(not(test), allow(dead_code))]
    Printpdf,
}

/// The font a document embeds for `face`, drawing `chars` (each with its
/// glyph id in the face).
///
/// For the CJK faces (CFF outlines), the document's own small font from
/// [`subset::document_face`], which printpdf embeds as it is. The
/// rare-character face (TrueType), or a face that subsetter refuses, is
/// handed to printpdf whole, and printpdf subsets it.
fn document_font(
    fonts: &Fonts,
    face: Face,
    chars: &std::collections::BTreeMap<char, u16>,
    subsets: Subsets,
) -> Result<printpdf::PdfFont, DocumentError> {
    let parsed = fonts.parsed(face)?;
    let own = || -> Option<printpdf::ParsedFont> {
        if subsets != Subsets::Own || face == Face::Fallback {
            return None;
        }
        let source = parsed.source_bytes()?;
        let name = parsed.font_name.as_deref().unwrap_or(face.resource_name());
        let bytes =
            subset::document_face(source.as_slice(), parsed.original_index, name, chars).ok()?;
        printpdf::ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
    };
    Ok(match own() {
        Some(small) => printpdf::PdfFont::with_meta(
            small,
            printpdf::PrintpdfFontMeta {
                embedding_mode: printpdf::FontEmbeddingMode::Full,
                requires_subsetting: false,
                ..printpdf::PrintpdfFontMeta::default()
            },
        ),
        None => printpdf::PdfFont::new(parsed.clone()),
    })
}

/// The document as printpdf builds it (fonts subset, streams not yet
/// compressed), before [`finish`].
fn printpdf_document(
    pages: &[Page],
    title: &str,
    subject: &str,
    author: &str,
    created: DateTime<FixedOffset>,
    subsets: Subsets,
) -> Result<lopdf::Document, DocumentError> {
    let fonts = fonts::get()?;
    // The characters drawn in each face, with their glyphs there.
    let mut used: std::collections::BTreeMap<Face, std::collections::BTreeMap<char, u16>> =
        std::collections::BTreeMap::new();
    for page in pages {
        for text in page.texts() {
            fonts.check(page.family, text)?;
            for (ch, face, id) in fonts.drawn(page.family, text) {
                used.entry(face).or_default().insert(ch, id);
            }
        }
    }
    let mut doc = PdfDocument::new(title);
    let when = pdf_time(created);
    doc.metadata.info.creation_date = when;
    doc.metadata.info.modification_date = when;
    doc.metadata.info.metadata_date = when;
    doc.metadata.info.subject = subject.to_owned();
    doc.metadata.info.author = author.to_owned();
    doc.metadata.info.creator = "便民服务台 Bianmin Counter".to_owned();
    doc.metadata.info.producer = "便民服务台 Bianmin Counter (printpdf)".to_owned();
    // Only the faces some text is drawn in, always in the same order.
    let mut ids = FontIds::new();
    // Fixed resource names, not printpdf's `add_font` (a name drawn from
    // a process-wide sequence): the same facts give the same bytes however
    // many documents the process made before.
    for (face, chars) in &used {
        let id = printpdf::FontId(face.resource_name().to_owned());
        let font = document_font(fonts, *face, chars, subsets)?;
        doc.resources.fonts.map.insert(id.clone(), font);
        ids.insert(*face, id);
    }
    let pdf_pages: Vec<PdfPage> = pages
        .iter()
        .map(|p| PdfPage::new(Mm(p.width), Mm(p.height), p.ops(&ids)))
        .collect();
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    Ok(printpdf::serialize::to_lopdf_doc(
        doc.with_pages(pdf_pages),
        &options,
        &mut warnings,
    ))
}

/// Writes printpdf's document: every stream compressed; object streams
/// (PDF 1.5), which compress the font dictionaries and glyph-width arrays
/// too; without the empty PDF/X version key printpdf puts in the document
/// information; and with a file identifier made from the file itself
/// (printpdf draws one from a process-wide sequence), so the same facts
/// give the same bytes.
fn finish(mut doc: lopdf::Document) -> Result<Vec<u8>, DocumentError> {
    compress_streams(&mut doc)?;
    if let Ok(info_id) = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
    {
        if let Ok(info) = doc.get_dictionary_mut(info_id) {
            info.remove(b"GTS_PDFXVersion");
        }
    }
    // Written with a placeholder identifier, which is then replaced by the
    // first half of the SHA-256 of the file as written (same length, so no
    // offset moves).
    let placeholder = lopdf::Object::String(vec![0; 16], lopdf::StringFormat::Hexadecimal);
    doc.trailer
        .set("ID", vec![placeholder.clone(), placeholder]);
    let mut out = Vec::new();
    doc.save_modern(&mut out)
        .map_err(|e| DocumentError::Pdf(e.to_string()))?;
    let unwritten = || DocumentError::Pdf("文件标识未写入".to_owned());
    let zeros = [b'0'; 32];
    let at = out
        .windows(3)
        .rposition(|w| w == b"/ID")
        .ok_or_else(unwritten)?;
    let id = hex::encode_upper(&sha2::Sha256::digest(&out)[..16]);
    let mut from = at;
    for _ in 0..2 {
        let found = out[from..]
            .windows(zeros.len())
            .position(|w| w == zeros)
            .ok_or_else(unwritten)?;
        out[from + found..from + found + zeros.len()].copy_from_slice(id.as_bytes());
        from += found + zeros.len();
    }
    Ok(out)
}

/// Deflates every stream that has no filter yet, as lopdf's own `compress`
/// would (best compression, zlib framing, kept only where it saves more
/// than the 19 bytes of its `/Filter` entry), but with one deflate state
/// for the whole document, reset between streams. lopdf makes a new state
/// of about 380 KB for each stream; a notice has a dozen streams, and those
/// short-lived blocks were what fragmented the window's heap
/// (docs/BENCHMARKS.md).
fn compress_streams(doc: &mut lopdf::Document) -> Result<(), DocumentError> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    let fail = |e: flate2::CompressError| DocumentError::Pdf(format!("压缩失败：{e}"));
    let mut deflate = Compress::new(Compression::best(), true);
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        deflate.reset();
        let plain = &stream.content;
        let mut packed = Vec::with_capacity(plain.len() / 2 + 64);
        loop {
            let read = usize::try_from(deflate.total_in()).unwrap_or(plain.len());
            let rest = plain.get(read..).unwrap_or_default();
            match deflate
                .compress_vec(rest, &mut packed, FlushCompress::Finish)
                .map_err(fail)?
            {
                Status::StreamEnd => break,
                Status::Ok | Status::BufError => packed.reserve(packed.capacity().max(4096)),
            }
        }
        if packed.len() + 19 < plain.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::cff;
    use super::*;

    /// An A4 page in the serif face, a slip in the sans face, and a rare
    /// character from the fallback face (a TrueType program, which printpdf
    /// subsets in both).
    fn pages() -> Vec<Page> {
        let mut a4 = Page::new(A4.0, A4.1).expect("fonts");
        let mut y = a4.text(
            20.0,
            170.0,
            20.0,
            Style::bold(18.0),
            Align::Center,
            "受理通知书",
        );
        y = a4.paragraph(
            20.0,
            170.0,
            y,
            Style::regular(12.0),
            Align::Left,
            "王𠮷𪚥：你于2026年12月6日提出的“高龄津贴申请”申请，申请材料齐全、符合法定形式，本中心决定予以受理。编号 371402101-20261206-A01-0001（ABC xyz）。",
        );
        a4.line(20.0, y, 190.0, y, 0.5);
        let mut slip = Page::new(ROLL_WIDTH, 0.0).expect("fonts");
        slip.text(4.0, 72.0, 4.0, Style::bold(11.0), Align::Center, "受理回执");
        slip.paragraph(
            4.0,
            72.0,
            12.0,
            Style::regular(9.0),
            Align::Left,
            "查询码 EG6QX8，凭此回执领取结果。",
        );
        slip.fit_height(4.0);
        vec![a4, slip]
    }

    fn written(subsets: Subsets) -> Vec<u8> {
        let created = DateTime::parse_from_rfc3339("2026-12-06T09:30:00+08:00").expect("date");
        let doc = printpdf_document(&pages(), "受理通知书", "测试", "测试", created, subsets)
            .expect("doc");
        finish(doc).expect("pdf")
    }

    /// Each page at 200 dpi, grey, as PGM bytes.
    fn raster(pdf: &[u8]) -> Vec<Vec<u8>> {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("d.pdf"), pdf).expect("write");
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "200", "-gray", "d.pdf", "p"])
            .current_dir(dir.path())
            .status()
            .expect("pdftoppm (poppler-utils) is needed");
        assert!(status.success());
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read(p).expect("page"))
            .collect()
    }

    fn cff_programs(pdf: &[u8]) -> Vec<Vec<u8>> {
        let doc = lopdf::Document::load_mem(pdf).expect("pdf");
        doc.objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(lopdf::Object::as_name)
                    .is_ok_and(|n| n == b"CIDFontType0C")
            })
            .map(|s| s.get_plain_content().expect("program"))
            .collect()
    }

    /// The /BaseFont of each CFF-based descendant font in the document, read
    /// from the object streams that hold the font dictionaries.
    fn base_fonts(pdf: &[u8]) -> Vec<String> {
        let doc = lopdf::Document::load_mem(pdf).expect("pdf");
        let mut names = Vec::new();
        for stream in doc.objects.values().filter_map(|o| o.as_stream().ok()) {
            let text = stream.decompressed_content().unwrap_or_default();
            let text = String::from_utf8_lossy(&text);
            for dict in text.split("<<").filter(|d| d.contains("/CIDFontType0")) {
                if let Some((_, rest)) = dict.split_once("/BaseFont/") {
                    let end = rest.find(['/', ' ', '>', '\n']).unwrap_or(rest.len());
                    names.push(rest[..end].to_owned());
                }
            }
        }
        names.sort();
        names
    }

    #[test]
    fn own_subsets_draw_the_same_pixels_as_printpdfs_in_a_third_less_space() {
        let theirs = written(Subsets::Printpdf);
        let ours = written(Subsets::Own);
        let (old, new) = (cff_programs(&theirs), cff_programs(&ours));
        assert_eq!(new.len(), 2, "sans and serif");
        for (old, new) in old.iter().zip(&new) {
            assert!(
                new.len() * 3 < old.len() * 2,
                "{} → {}",
                old.len(),
                new.len()
            );
            // Nothing left to inline or drop.
            assert_eq!(&cff::compact(new).expect("compact"), new);
        }
        assert!(ours.len() < theirs.len());
        // Subset fonts are named as such: six capitals and a plus.
        let names = base_fonts(&ours);
        assert_eq!(names.len(), 2, "{names:?}");
        for name in &names {
            let (tag, rest) = name.split_once('+').expect("tagged");
            assert!(tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!rest.is_empty());
        }
        let (a, b) = (raster(&theirs), raster(&ours));
        assert_eq!(a.len(), 2);
        assert!(a == b, "the pages differ");
        // Same facts, same bytes.
        assert_eq!(written(Subsets::Own), ours);
    }

    #[test]
    fn every_stream_is_deflated_as_lopdf_would_and_reads_back() {
        let created = DateTime::parse_from_rfc3339("2026-12-06T09:30:00+08:00").expect("date");
        let doc = printpdf_document(
            &pages(),
            "受理通知书",
            "测试",
            "测试",
            created,
            Subsets::Own,
        )
        .expect("doc");
        let mut ours = doc.clone();
        let mut theirs = doc.clone();
        compress_streams(&mut ours).expect("deflate");
        theirs.compress();
        let mut deflated = 0;
        for (id, object) in &ours.objects {
            let (Ok(mine), Ok(lopdfs), Ok(plain)) = (
                object.as_stream(),
                theirs.objects[id].as_stream(),
                doc.objects[id].as_stream(),
            ) else {
                continue;
            };
            // The same streams get a filter, and each reads back as it was.
            assert_eq!(
                mine.dict.get(b"Filter").ok(),
                lopdfs.dict.get(b"Filter").ok()
            );
            if mine.dict.get(b"Filter").is_ok() {
                deflated += 1;
                assert!(mine.content.len() < plain.content.len());
                assert_eq!(
                    mine.decompressed_content().expect("inflate"),
                    plain.content,
                    "{id:?}"
                );
            }
        }
        // Two pages' contents, two font programs and their maps at least.
        assert!(deflated >= 6, "{deflated} streams deflated");
    }
}
