//! Reports as print: fixed-width text lines (the screen's print view and
//! the CLI) and a PDF of the same lines.
//!
//! Rendering is a pure function of the stored report: no clock, no random
//! id, no creation date in the PDF, so a reprint is byte-for-byte the
//! original. The PDF uses the standard Courier font (nothing embedded);
//! characters outside Latin-1 print as `?`.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use super::closing::ZReport;
use super::{CurrencyFigures, Figures, Line};
use crate::money::{format_minor, Currency, MinorUnits};

const WIDTH: usize = 48;
const LINES_PER_PAGE: usize = 60;

fn amount(m: MinorUnits, c: Currency) -> String {
    format!("{} {c}", format_minor(m, c))
}

fn row(label: &str, value: &str) -> String {
    let label: String = label
        .chars()
        .take(WIDTH.saturating_sub(value.chars().count() + 1))
        .collect();
    let pad = WIDTH.saturating_sub(label.chars().count() + value.chars().count());
    format!("{label}{}{value}", " ".repeat(pad))
}

fn rule() -> String {
    "-".repeat(WIDTH)
}

fn breakdown(out: &mut Vec<String>, title: &str, lines: &[Line], c: Currency, skip_empty: bool) {
    out.push(format!("{title}:"));
    for l in lines.iter().filter(|l| !skip_empty || l.sales + l.refund_count > 0) {
        out.push(row(
            &format!("  {} ({}/{})", l.label, l.sales, l.refund_count),
            &amount(MinorUnits::new(l.gross.get() - l.refunds.get()), c),
        ));
    }
}

fn currency_block(out: &mut Vec<String>, f: &CurrencyFigures) {
    let c = f.currency;
    out.push(rule());
    out.push(format!("Currency {c}"));
    out.push(row(&format!("Sales ({})", f.sales), &amount(f.gross, c)));
    out.push(row(&format!("Refunds ({})", f.refund_count), &amount(f.refunds, c)));
    out.push(row("Net", &amount(f.net, c)));
    out.push(row("Average ticket", &amount(f.average_ticket, c)));
    out.push(row(
        &format!("Held, not captured ({})", f.held_count),
        &amount(f.held, c),
    ));
    out.push(row("Voided", &f.voided_count.to_string()));
    out.push(row("Declined or failed", &f.declined_count.to_string()));
    out.push("Net by line (sales/refunds):".into());
    breakdown(out, "By card brand", &f.by_brand, c, false);
    breakdown(out, "By staff", &f.by_staff, c, false);
    breakdown(out, "By hour", &f.by_hour, c, true);
}

/// The figures as print lines, under `title`.
pub fn figure_lines(title: &str, f: &Figures) -> Vec<String> {
    let mut out = Vec::new();
    if f.training {
        out.push("*** TRAINING - NOT REAL MONEY ***".into());
    }
    out.push(title.to_string());
    out.push(format!("From {}", f.from_local));
    out.push(format!("To   {} ({})", f.to_local, f.time_zone));
    if f.currencies.is_empty() {
        out.push(rule());
        out.push("No sales or refunds.".into());
    }
    for c in &f.currencies {
        currency_block(&mut out, c);
    }
    out.push(rule());
    out
}

/// A Z report as print lines.
pub fn z_lines(z: &ZReport) -> Vec<String> {
    let mut out = figure_lines(&format!("Z REPORT No. {:04}", z.number), &z.figures);
    out.push(format!("Closed {} by {}", z.closed_at_local, z.closed_by));
    out.push(format!("Covers {} sales and refunds", z.items));
    out.push("SHA-256 of what it covers:".into());
    out.push(z.covered_hash.get(..32).unwrap_or_default().to_string());
    out.push(z.covered_hash.get(32..).unwrap_or_default().to_string());
    out
}

/// Latin-1 bytes for the PDF's WinAnsi-encoded Courier.
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match u32::from(c) {
            0x20..=0x7e | 0xa0..=0xff => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            _ => b'?',
        })
        .collect()
}

/// A4 pages of the lines in 10 pt Courier.
pub fn pdf(lines: &[String]) -> Vec<u8> {
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
            content.show(Str(&latin1(line)));
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
