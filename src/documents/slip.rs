//! 80 mm roll-paper slips (受理回执, the slip form of 一次性告知单): a single
//! column 72 mm wide whose page height fits the content.

use super::layout::{Align, Page, Style, ROLL_WIDTH};
use super::DocumentError;

/// Side margin of a slip, in millimetres.
const MARGIN: f32 = 4.0;
/// Text width of a slip.
pub const WIDTH: f32 = ROLL_WIDTH - 2.0 * MARGIN;

/// Body text of slips.
pub const BODY: Style = Style::regular(9.0);

/// A slip being laid out from the top.
pub struct Slip {
    pub page: Page,
    pub y: f32,
}

impl Slip {
    pub fn new() -> Result<Slip, DocumentError> {
        Ok(Slip {
            page: Page::new(ROLL_WIDTH, 0.0)?,
            y: 5.0,
        })
    }

    /// A centred line (titles).
    pub fn center(&mut self, style: Style, text: &str) {
        self.y = self
            .page
            .paragraph(MARGIN, WIDTH, self.y, style, Align::Center, text);
    }

    /// A wrapped paragraph.
    pub fn paragraph(&mut self, style: Style, text: &str) {
        self.y = self
            .page
            .paragraph(MARGIN, WIDTH, self.y, style, Align::Left, text);
    }

    /// A paragraph indented under a list number.
    pub fn indented(&mut self, indent: f32, style: Style, text: &str) {
        self.y = self.page.paragraph(
            MARGIN + indent,
            WIDTH - indent,
            self.y,
            style,
            Align::Left,
            text,
        );
    }

    /// "Label：value" with the value wrapped in its own column; a larger
    /// value (the query code) shares the label's baseline.
    pub fn field(&mut self, label: &str, value: &str, style: Style) {
        let label_w = self
            .page
            .measure("证件号码：", BODY)
            .max(self.page.measure(label, style));
        let top = self.y;
        let shift = Page::baseline_offset(style) - Page::baseline_offset(BODY);
        self.page
            .text(MARGIN, label_w, top + shift, BODY, Align::Left, label);
        self.y = self.page.paragraph(
            MARGIN + label_w,
            WIDTH - label_w,
            top,
            style,
            Align::Left,
            value,
        );
    }

    /// A dashed rule across the slip.
    pub fn rule(&mut self) {
        self.y += 1.5;
        self.page
            .dashed(MARGIN, self.y, MARGIN + WIDTH, self.y, 0.5);
        self.y += 2.0;
    }

    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// The finished page, its height fitted to the content.
    pub fn finish(mut self) -> Page {
        self.page.fit_height(6.0);
        self.page
    }
}

/// The left margin, for drawings placed by hand (QR code).
pub const LEFT: f32 = MARGIN;
