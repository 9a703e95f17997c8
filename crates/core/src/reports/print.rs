//! Reports as print: fixed-width text lines for the screen's print view,
//! the CLI and the PDF ([`crate::pdf`]).
//!
//! Rendering is a pure function of the stored report (no clock), so a
//! reprint is identical to the original.

use super::closing::ZReport;
use super::{CurrencyFigures, Figures, Line};
use crate::money::{format_minor, Currency, MinorUnits};

const WIDTH: usize = 48;

pub(crate) fn amount(m: MinorUnits, c: Currency) -> String {
    format!("{} {c}", format_minor(m, c))
}

/// `label`, padded, then `value` flush right, in `WIDTH` columns.
pub(crate) fn row(label: &str, value: &str) -> String {
    let label: String = label
        .chars()
        .take(WIDTH.saturating_sub(value.chars().count() + 1))
        .collect();
    let pad = WIDTH.saturating_sub(label.chars().count() + value.chars().count());
    format!("{label}{}{value}", " ".repeat(pad))
}

pub(crate) fn rule() -> String {
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
