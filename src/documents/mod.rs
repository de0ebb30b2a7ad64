//! Printable documents (the statement of account now, invoices next): A4 pages laid out line by
//! line, written by krilla with DejaVu Sans embedded (subset), so Polish and Cyrillic print as
//! typed in any PDF reader. Server only.
//!
//! Layout happens first, into pages of drawing operations, so that every page can say "page N
//! of M" and tables can repeat their header after a page break.
pub mod spreadsheet;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;

static REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 42.0;
const FOOTER_SPACE: f32 = 36.0;

#[derive(Debug, thiserror::Error)]
#[error("cannot write the PDF: {0}")]
pub struct PdfError(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone)]
enum Op {
    Text { x: f32, y: f32, size: f32, weight: Weight, text: String },
    Rule { y: f32, width: f32 },
}

/// The width of `text` at `size` points, from the font's advance widths.
pub fn text_width(text: &str, size: f32, weight: Weight) -> f32 {
    let data = match weight {
        Weight::Regular => REGULAR,
        Weight::Bold => BOLD,
    };
    let Ok(font) = skrifa::FontRef::new(data) else { return 0.0 };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars().filter_map(|c| charmap.map(c)).filter_map(|glyph| metrics.advance_width(glyph)).sum()
}

/// `text` cut to fit `width`, with an ellipsis when it was cut.
pub fn fit(text: &str, width: f32, size: f32, weight: Weight) -> String {
    if text_width(text, size, weight) <= width {
        return text.to_string();
    }
    let mut cut: String = text.to_string();
    while !cut.is_empty() && text_width(&format!("{cut}…"), size, weight) > width {
        cut.pop();
    }
    format!("{}…", cut.trim_end())
}

/// A table column: where it starts, how wide it is, how its cells align.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub x: f32,
    pub width: f32,
    pub align: Align,
}

/// Pages being laid out, top to bottom.
pub struct Layout {
    pages: Vec<Vec<Op>>,
    /// The baseline of the next line.
    y: f32,
    /// Drawn again at the top of each new page (a table's header row).
    repeat: Option<(Vec<Column>, Vec<String>)>,
}

impl Default for Layout {
    fn default() -> Self {
        Self::new()
    }
}

impl Layout {
    pub fn new() -> Self {
        Layout { pages: vec![Vec::new()], y: MARGIN, repeat: None }
    }

    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a layout always has a page")
    }

    /// Moves down by `height`, starting a new page first when the line would not fit.
    pub fn advance(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN - FOOTER_SPACE {
            self.pages.push(Vec::new());
            self.y = MARGIN;
            if let Some((columns, header)) = self.repeat.clone() {
                self.y += 12.0;
                self.cells(&columns, &header, 8.5, Weight::Bold);
                self.rule(0.5);
                self.y += 4.0;
            }
        }
        self.y += height;
    }

    /// A line of text, left-aligned at the margin.
    pub fn line(&mut self, text: &str, size: f32, weight: Weight) {
        self.advance(size * 1.45);
        let text = fit(text, PAGE_WIDTH - 2.0 * MARGIN, size, weight);
        let y = self.y;
        self.page().push(Op::Text { x: MARGIN, y, size, weight, text });
    }

    /// Empty space.
    pub fn gap(&mut self, height: f32) {
        self.advance(height);
    }

    /// A horizontal rule across the page just under the current line.
    pub fn rule(&mut self, width: f32) {
        let y = self.y + 4.0;
        self.page().push(Op::Rule { y, width });
    }

    fn cells(&mut self, columns: &[Column], texts: &[String], size: f32, weight: Weight) {
        let y = self.y;
        for (column, text) in columns.iter().zip(texts) {
            let text = fit(text, column.width, size, weight);
            let x = match column.align {
                Align::Left => column.x,
                Align::Right => column.x + column.width - text_width(&text, size, weight),
            };
            self.page().push(Op::Text { x, y, size, weight, text });
        }
    }

    /// A table's header row; it is repeated at the top of every following page.
    pub fn table_header(&mut self, columns: &[Column], header: &[String]) {
        self.advance(14.0);
        self.cells(columns, header, 8.5, Weight::Bold);
        self.rule(0.5);
        self.y += 4.0;
        self.repeat = Some((columns.to_vec(), header.to_vec()));
    }

    pub fn table_row(&mut self, columns: &[Column], texts: &[String], weight: Weight) {
        self.advance(13.0);
        self.cells(columns, texts, 8.5, weight);
    }

    /// Stops repeating the table header.
    pub fn end_table(&mut self) {
        self.repeat = None;
    }

    /// Writes the pages, each with `footer(page, pages)` at the bottom.
    pub fn finish(
        self,
        title: &str,
        language: &str,
        footer: impl Fn(usize, usize) -> String,
    ) -> Result<Vec<u8>, PdfError> {
        let regular = Font::new(REGULAR.into(), 0).ok_or_else(|| PdfError("the regular font".into()))?;
        let bold = Font::new(BOLD.into(), 0).ok_or_else(|| PdfError("the bold font".into()))?;
        let mut document = Document::new();
        document.set_metadata(
            krilla::metadata::Metadata::new()
                .title(title.to_string())
                .language(language.to_string())
                .creator("Styk".to_string()),
        );
        let total = self.pages.len();
        for (index, ops) in self.pages.into_iter().enumerate() {
            let settings =
                PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| PdfError("page size".into()))?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            surface.set_fill(Some(Fill { paint: rgb::Color::new(27, 36, 48).into(), ..Fill::default() }));
            for op in ops {
                match op {
                    Op::Text { x, y, size, weight, text } => {
                        let font = if weight == Weight::Bold { bold.clone() } else { regular.clone() };
                        surface.draw_text(Point::from_xy(x, y), font, size, &text, false, TextDirection::Auto);
                    }
                    Op::Rule { y, width } => {
                        let mut path = PathBuilder::new();
                        path.move_to(MARGIN, y);
                        path.line_to(PAGE_WIDTH - MARGIN, y);
                        if let Some(path) = path.finish() {
                            surface.set_stroke(Some(Stroke {
                                paint: rgb::Color::new(150, 160, 170).into(),
                                width,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                }
            }
            let footer = footer(index + 1, total);
            let size = 7.5;
            surface.draw_text(
                Point::from_xy(
                    PAGE_WIDTH - MARGIN - text_width(&footer, size, Weight::Regular),
                    PAGE_HEIGHT - MARGIN + 8.0,
                ),
                regular.clone(),
                size,
                &footer,
                false,
                TextDirection::Auto,
            );
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|error| PdfError(format!("{error:?}")))
    }
}

/// An amount for print and CSV: `1234.56`, or `-1234.56` (no grouping, a dot, as machines read it).
pub fn plain_amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.unsigned_abs() / 100, minor.unsigned_abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_cut_to_fit() {
        let wide = text_width("Mąka żytnia razowa", 10.0, Weight::Regular);
        assert!(wide > 60.0 && wide < 120.0, "{wide}");
        assert!(text_width("Ж", 10.0, Weight::Bold) > 0.0, "Cyrillic has glyphs");
        let cut = fit("Mąka żytnia razowa typ 2000, 10 kg", 60.0, 10.0, Weight::Regular);
        assert!(cut.ends_with('…') && text_width(&cut, 10.0, Weight::Regular) <= 60.0, "{cut}");
        assert_eq!(plain_amount(-123_456), "-1234.56");
        assert_eq!(plain_amount(5), "0.05");
    }

    #[test]
    fn a_long_table_breaks_into_pages_that_a_reader_can_open() {
        let mut layout = Layout::new();
        layout.line("Wyciąg z konta — Выписка по счёту", 16.0, Weight::Bold);
        let columns = [
            Column { x: MARGIN, width: 200.0, align: Align::Left },
            Column { x: 300.0, width: 100.0, align: Align::Right },
        ];
        layout.table_header(&columns, &["Pozycja".into(), "Kwota".into()]);
        for n in 0..200 {
            layout.table_row(&columns, &[format!("Łódź {n}"), plain_amount(n * 1000)], Weight::Regular);
        }
        let pdf = layout.finish("test", "pl", |page, pages| format!("{page} / {pages}")).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() > 2_000);
    }
}
