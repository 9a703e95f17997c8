//! Text lines as a PDF: A4 pages of 10 pt Courier, or one strip of a
//! receipt printer's roll (58 or 80 mm) in 7 pt Courier; the standard font
//! (so nothing is embedded), Windows-1252 text (anything else prints as `?`).
//!
//! Deterministic on purpose: no creation date, no document id, so the same
//! lines always give the same bytes and a reprint is identical.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use serde::{Deserialize, Serialize};

const LINES_PER_PAGE: usize = 60;
/// Points in a millimetre.
const MM: f32 = 72.0 / 25.4;

/// What receipts are printed on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub enum Paper {
    /// A4 sheets (an office printer, or a PDF kept on file).
    #[default]
    #[serde(rename = "a4")]
    A4,
    /// An 80 mm receipt roll: 48 columns.
    #[serde(rename = "80mm")]
    Roll80,
    /// A 58 mm receipt roll: 32 columns.
    #[serde(rename = "58mm")]
    Roll58,
}

impl Paper {
    /// Characters on a line.
    pub fn columns(self) -> usize {
        match self {
            Self::A4 | Self::Roll80 => 48,
            Self::Roll58 => 32,
        }
    }

    fn roll_mm(self) -> Option<f32> {
        match self {
            Self::A4 => None,
            Self::Roll80 => Some(80.0),
            Self::Roll58 => Some(58.0),
        }
    }
}

/// The lines on `paper`: A4 pages, or a roll's strip as long as the lines
/// (4 mm margins; 7 pt Courier, whose 0.6 em advance puts the paper's
/// columns inside them).
pub fn render_on(paper: Paper, lines: &[String]) -> Vec<u8> {
    let Some(width_mm) = paper.roll_mm() else {
        return render(lines);
    };
    let (size, leading, margin) = (7.0, 9.0, 4.0 * MM);
    let height = 2.0 * margin + leading * lines.len().max(1) as f32;
    let layout = Layout {
        page: (width_mm * MM, height),
        size,
        leading,
        first_line: (margin, height - margin - size),
    };
    pages(&layout, &[lines])
}

/// Bytes for the PDF's WinAnsi-encoded (Windows-1252) Courier.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '€' => 0x80,
            '…' => 0x85,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => match u32::from(c) {
                0x20..=0x7e | 0xa0..=0xff => u8::try_from(u32::from(c)).unwrap_or(b'?'),
                _ => b'?',
            },
        })
        .collect()
}

/// A4 pages of the lines in 10 pt Courier.
pub fn render(lines: &[String]) -> Vec<u8> {
    let chunks: Vec<&[String]> = if lines.is_empty() {
        vec![&[]]
    } else {
        lines.chunks(LINES_PER_PAGE).collect()
    };
    let layout = Layout {
        page: (595.0, 842.0),
        size: 10.0,
        leading: 13.0,
        first_line: (56.0, 790.0),
    };
    pages(&layout, &chunks)
}

/// Where the text goes on a page, in points.
struct Layout {
    page: (f32, f32),
    size: f32,
    leading: f32,
    first_line: (f32, f32),
}

/// One page per chunk of lines, in Courier.
fn pages(layout: &Layout, chunks: &[&[String]]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let page_ids: Vec<Ref> = (0..chunks.len())
        .map(|i| Ref::new(4 + 2 * i32::try_from(i).unwrap_or(0)))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));
    for (chunk, page_id) in chunks.iter().zip(&page_ids) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, layout.page.0, layout.page.1));
        page.parent(tree);
        page.contents(content_id);
        page.resources().fonts().pair(Name(b"F1"), font);
        page.finish();
        let mut content = Content::new();
        content.begin_text();
        content.set_font(Name(b"F1"), layout.size);
        content.set_leading(layout.leading);
        content.next_line(layout.first_line.0, layout.first_line.1);
        for line in chunk.iter() {
            content.show(Str(&win_ansi(line)));
            content.next_line_using_leading();
        }
        content.end_text();
        pdf.stream(content_id, &content.finish());
    }
    pdf.type1_font(font)
        .base_font(Name(b"Courier"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolls_columns_fit_between_its_margins() {
        for paper in [Paper::Roll80, Paper::Roll58] {
            let width = paper.roll_mm().unwrap_or_default() * MM;
            let text = 7.0 * 0.6 * paper.columns() as f32;
            assert!(text <= width - 8.0 * MM, "{paper:?}: {text} pt of text on {width} pt");
            let lines = vec!["x".repeat(paper.columns()); 3];
            let pdf = render_on(paper, &lines);
            assert!(pdf.starts_with(b"%PDF-"));
            assert_eq!(pdf, render_on(paper, &lines), "the same bytes every time");
            assert_ne!(pdf, render(&lines));
        }
        assert_eq!(render_on(Paper::A4, &["a".into()]), render(&["a".into()]));
    }
}
