//! Text lines as a PDF: A4 pages of 10 pt Courier, the standard font (so
//! nothing is embedded), Windows-1252 text (anything else prints as `?`).
//!
//! Deterministic on purpose: no creation date, no document id, so the same
//! lines always give the same bytes and a reprint is identical.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const LINES_PER_PAGE: usize = 60;

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
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let chunks: Vec<&[String]> = if lines.is_empty() {
        vec![&[]]
    } else {
        lines.chunks(LINES_PER_PAGE).collect()
    };
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
        page.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
        page.parent(tree);
        page.contents(content_id);
        page.resources().fonts().pair(Name(b"F1"), font);
        page.finish();
        let mut content = Content::new();
        content.begin_text();
        content.set_font(Name(b"F1"), 10.0);
        content.set_leading(13.0);
        content.next_line(56.0, 790.0);
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
