//! Multi-page A4 documents: a cursor that moves down the page and starts a
//! new page (with a short running header) when content would cross the
//! bottom margin, tables whose header row repeats on every page, and
//! "第 N 页 共 M 页" footers.

use super::facts::{or_dash, Facts};
use super::layout::{Align, Page, Style, A4};
use super::DocumentError;
use crate::center::CenterProfile;

/// Page margins of A4 documents, in millimetres.
pub const MARGIN_X: f32 = 22.0;
pub const MARGIN_TOP: f32 = 20.0;
pub const MARGIN_BOTTOM: f32 = 22.0;

/// A column of a table: its title, width in millimetres and alignment.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub width: f32,
    pub align: Align,
}

/// An A4 document being laid out from top to bottom.
pub struct Flow {
    pages: Vec<Page>,
    /// Width and height of the pages, in millimetres (A4 portrait or landscape).
    size: (f32, f32),
    /// Where the content of the current page has reached.
    pub y: f32,
    /// Printed at the top of every page after the first.
    running_header: String,
}

impl Flow {
    pub fn new(running_header: &str) -> Result<Flow, DocumentError> {
        Flow::sized(running_header, A4)
    }

    /// An A4 landscape document (ledgers and reports with wide tables).
    pub fn landscape(running_header: &str) -> Result<Flow, DocumentError> {
        Flow::sized(running_header, (A4.1, A4.0))
    }

    fn sized(running_header: &str, size: (f32, f32)) -> Result<Flow, DocumentError> {
        Ok(Flow {
            pages: vec![Page::new(size.0, size.1)?],
            size,
            y: MARGIN_TOP,
            running_header: running_header.to_owned(),
        })
    }

    /// The width of the text area of these pages.
    pub fn width(&self) -> f32 {
        self.size.0 - 2.0 * MARGIN_X
    }

    /// The left edge and width of the text area.
    pub const LEFT: f32 = MARGIN_X;
    pub const WIDTH: f32 = A4.0 - 2.0 * MARGIN_X;

    /// The page being drawn.
    pub fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page with the running header.
    pub fn new_page(&mut self) -> Result<(), DocumentError> {
        self.pages.push(Page::new(self.size.0, self.size.1)?);
        let header = self.running_header.clone();
        let width = self.width();
        let y = self.page().text(
            Self::LEFT,
            width,
            MARGIN_TOP - 8.0,
            Style::regular(9.0),
            Align::Left,
            &header,
        );
        self.page()
            .line(Self::LEFT, y + 0.5, Self::LEFT + width, y + 0.5, 0.5);
        self.y = y + 4.0;
        Ok(())
    }

    /// Starts a page without the running header (a document's second copy).
    pub fn fresh_page(&mut self) -> Result<(), DocumentError> {
        self.pages.push(Page::new(self.size.0, self.size.1)?);
        self.y = MARGIN_TOP;
        Ok(())
    }

    /// An A4 notice of a case: continuation pages carry "{title}（续）" and
    /// the case number.
    pub fn for_notice(title: &str, f: &Facts) -> Result<Flow, DocumentError> {
        Flow::new(&format!("{title}（续）　编号：{}", f.case_no))
    }

    /// The top of an official paper: center name, title, the given marks
    /// (which copy) and the reprint mark under it, and the number on the right.
    pub fn title_block(
        &mut self,
        f: &Facts,
        title: &str,
        marks: &[&str],
    ) -> Result<(), DocumentError> {
        self.paragraph(0.0, Style::bold(13.0), Align::Center, &f.center_name)?;
        self.gap(2.0);
        self.paragraph(0.0, Style::bold(20.0), Align::Center, title)?;
        for mark in marks {
            self.paragraph(0.0, Style::regular(10.5), Align::Center, mark)?;
        }
        if let Some(mark) = f.reprint_mark() {
            self.paragraph(0.0, Style::regular(10.5), Align::Center, &mark)?;
        }
        self.gap(2.0);
        self.paragraph(
            0.0,
            Style::regular(10.5),
            Align::Right,
            &format!("编号：{}", f.case_no),
        )?;
        self.gap(4.0);
        Ok(())
    }

    /// The top of an official notice: [`Flow::title_block`] and the
    /// salutation to the applicant.
    pub fn heading(
        &mut self,
        f: &Facts,
        title: &str,
        marks: &[&str],
        style: Style,
    ) -> Result<(), DocumentError> {
        self.title_block(f, title, marks)?;
        self.paragraph(0.0, style, Align::Left, &format!("{}：", f.applicant_name))
    }

    /// The applicant (name, ID type, masked number) and the proxy, if any.
    pub fn applicant(&mut self, f: &Facts, style: Style) -> Result<(), DocumentError> {
        self.field(
            "申 请 人：",
            &format!(
                "{}（{} {}）",
                f.applicant_name,
                f.applicant_id_type,
                f.masked_id()
            ),
            style,
        )?;
        if let Some((name, relation)) = &f.proxy {
            self.field(
                "代 办 人：",
                &format!("{}（{}）", crate::applicant::mask::name(name), relation),
                style,
            )?;
        }
        Ok(())
    }

    /// The signature lines of a paper the applicant signs at the counter:
    /// the applicant's (as `who`, e.g. 申请人 or 承诺人) and the clerk's.
    pub fn signatures(&mut self, who: &str) -> Result<(), DocumentError> {
        let style = Style::regular(11.0);
        self.gap(8.0);
        self.ensure(24.0)?;
        self.paragraph(
            0.0,
            style,
            Align::Left,
            &format!("{who}（签字）：____________________　　日期：________年____月____日"),
        )?;
        self.gap(6.0);
        self.paragraph(
            0.0,
            style,
            Align::Left,
            "窗口经办人（签字）：________________　　日期：________年____月____日",
        )
    }

    /// The seal area (印章位置) on the right: a dashed box with the center's
    /// name and the date under it.
    pub fn seal(&mut self, center: &str, date: &str) -> Result<(), DocumentError> {
        let (w, h) = (42.0, 42.0);
        self.ensure(h + 16.0)?;
        let width = self.width();
        let x = Self::LEFT + width - w - 6.0;
        let y = self.y;
        let page = self.page();
        page.frame(x, y, w, h, 0.5, true);
        page.text(
            x,
            w,
            y + h / 2.0 - 3.0,
            Style::regular(9.0),
            Align::Center,
            "（印章位置）",
        );
        let x2 = Self::LEFT + width - 80.0;
        let after = page.text(
            x2,
            80.0,
            y + h + 2.0,
            Style::regular(11.0),
            Align::Center,
            center,
        );
        self.y = page.text(x2, 80.0, after, Style::regular(11.0), Align::Center, date);
        Ok(())
    }

    /// The center's address and phones, under a rule.
    pub fn contact(&mut self, profile: &CenterProfile) -> Result<(), DocumentError> {
        self.ensure(14.0)?;
        self.gap(3.0);
        let (y, width) = (self.y, self.width());
        self.page().line(Self::LEFT, y, Self::LEFT + width, y, 0.5);
        self.gap(1.5);
        let text = format!(
            "地址：{}　咨询电话：{}　投诉电话：{}",
            or_dash(&profile.address),
            or_dash(&profile.phone),
            or_dash(&profile.complaint_phone)
        );
        self.paragraph(0.0, Style::regular(9.0), Align::Left, &text)
    }

    /// Makes room for `height` millimetres, starting a new page if needed.
    pub fn ensure(&mut self, height: f32) -> Result<(), DocumentError> {
        if self.y + height > self.size.1 - MARGIN_BOTTOM {
            self.new_page()?;
        }
        Ok(())
    }

    /// Leaves vertical space.
    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// A wrapped paragraph at `indent` from the left edge; lines flow onto
    /// the next page.
    pub fn paragraph(
        &mut self,
        indent: f32,
        style: Style,
        align: Align,
        text: &str,
    ) -> Result<(), DocumentError> {
        let width = self.width() - indent;
        let lines = self.page().wrap(text, width, style);
        for line in lines {
            self.ensure(style.line_height())?;
            let y = self.y;
            self.y = self
                .page()
                .text(Self::LEFT + indent, width, y, style, align, &line);
        }
        Ok(())
    }

    /// A body paragraph with the customary two-character first-line indent.
    pub fn body(&mut self, style: Style, text: &str) -> Result<(), DocumentError> {
        self.paragraph(0.0, style, Align::Left, &format!("\u{3000}\u{3000}{text}"))
    }

    /// "Label：value": labels in a column seven characters wide, values
    /// aligned after it and wrapped under themselves.
    pub fn field(&mut self, label: &str, value: &str, style: Style) -> Result<(), DocumentError> {
        let label_w = self
            .page()
            .measure("结果领取方式：", style)
            .max(self.page().measure(label, style));
        let width = self.width();
        let lines = self.page().wrap(value, width - label_w, style);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(style.line_height())?;
            let y = self.y;
            if i == 0 {
                self.page()
                    .text(Self::LEFT, label_w, y, style, Align::Left, label);
            }
            self.y = self.page().text(
                Self::LEFT + label_w,
                width - label_w,
                y,
                style,
                Align::Left,
                line,
            );
        }
        Ok(())
    }

    /// A bordered table; rows that do not fit go to the next page, where
    /// the header row is drawn again.
    pub fn table(
        &mut self,
        columns: &[Column],
        rows: &[Vec<String>],
        style: Style,
    ) -> Result<(), DocumentError> {
        let header: Vec<String> = columns.iter().map(|c| c.title.to_owned()).collect();
        let head_style = Style::bold(style.size);
        let row_height = |page: &Page, cells: &[String], st: Style| -> (Vec<Vec<String>>, f32) {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(columns)
                .map(|(text, col)| page.wrap(text, col.width - 3.0, st))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (wrapped, lines as f32 * st.line_height() + 2.0)
        };
        let (head_cells, head_h) = row_height(self.page(), &header, head_style);
        let first_h = rows
            .first()
            .map(|r| row_height(self.page(), r, style).1)
            .unwrap_or(0.0);
        self.ensure(head_h + first_h)?;
        self.draw_row(columns, &head_cells, head_h, head_style, true);
        for row in rows {
            let (cells, h) = row_height(self.page(), row, style);
            if self.y + h > self.size.1 - MARGIN_BOTTOM {
                self.new_page()?;
                self.draw_row(columns, &head_cells, head_h, head_style, true);
            }
            self.draw_row(columns, &cells, h, style, false);
        }
        Ok(())
    }

    fn draw_row(
        &mut self,
        columns: &[Column],
        cells: &[Vec<String>],
        h: f32,
        style: Style,
        header: bool,
    ) {
        let top = self.y;
        let total: f32 = columns.iter().map(|c| c.width).sum();
        let page = self.page();
        let rule = if header { 0.8 } else { 0.5 };
        page.line(Self::LEFT, top, Self::LEFT + total, top, rule);
        page.line(Self::LEFT, top + h, Self::LEFT + total, top + h, rule);
        let mut x = Self::LEFT;
        page.line(x, top, x, top + h, 0.5);
        for (col, lines) in columns.iter().zip(cells) {
            let mut y = top + 1.0;
            let align = if header { Align::Center } else { col.align };
            for line in lines {
                y = page.text(x + 1.5, col.width - 3.0, y, style, align, line);
            }
            x += col.width;
            page.line(x, top, x, top + h, 0.5);
        }
        self.y = top + h;
    }

    /// Adds "第 N 页 共 M 页" to every page and returns them.
    pub fn finish(mut self) -> Vec<Page> {
        let total = self.pages.len();
        let (width, height) = self.size;
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.text(
                0.0,
                width,
                height - MARGIN_BOTTOM + 8.0,
                Style::regular(9.0),
                Align::Center,
                &format!("第 {} 页 共 {} 页", i + 1, total),
            );
        }
        self.pages
    }
}
