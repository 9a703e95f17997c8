//! Reports as print: fixed-width text lines for the screen's print view,
//! the CLI and the PDF ([`crate::pdf`]).
//!
//! Rendering is a pure function of the stored report (no clock), so a
//! reprint is identical to the original.

use super::closing::ZReport;
use super::{CurrencyFigures, Figures, Line, ShopZone};
use crate::messages::Catalog;
use crate::money::{Currency, MinorUnits, Money};

const WIDTH: usize = 48;

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

/// Print lines of at most `width` columns (a receipt on its paper), where
/// nothing is cut: text wraps between words, and a word longer than a line
/// (an id) breaks after a `-`, `_` or `/` before it breaks anywhere.
pub(crate) struct Sheet {
    width: usize,
    lines: Vec<String>,
}

impl Sheet {
    pub(crate) fn new(width: usize) -> Self {
        Self {
            width: width.max(8),
            lines: Vec::new(),
        }
    }

    /// A paragraph, wrapped.
    pub(crate) fn text(&mut self, text: &str) {
        self.lines.extend(wrap(text, self.width));
    }

    /// `label` and `value` flush right on one line when both fit; else the
    /// label, then the value flush right below it.
    pub(crate) fn row(&mut self, label: &str, value: &str) {
        let (l, v) = (label.chars().count(), value.chars().count());
        if l + 1 + v <= self.width {
            self.lines
                .push(format!("{label}{}{value}", " ".repeat(self.width - l - v)));
            return;
        }
        self.text(label);
        for line in wrap(value, self.width) {
            let pad = self.width.saturating_sub(line.chars().count());
            self.lines.push(format!("{}{line}", " ".repeat(pad)));
        }
    }

    pub(crate) fn width(&self) -> usize {
        self.width
    }

    pub(crate) fn rule(&mut self) {
        self.lines.push("-".repeat(self.width));
    }

    pub(crate) fn into_lines(self) -> Vec<String> {
        self.lines
    }
}

/// `text` in lines of at most `width` characters (see [`Sheet`]).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace().flat_map(|w| pieces(w, width)) {
        let fits = line.chars().count() + 1 + word.chars().count() <= width;
        if line.is_empty() {
            line = word;
        } else if fits {
            line.push(' ');
            line.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A word in pieces of at most `width`: whole when it fits, else broken
/// after its last `-`, `_` or `/` that keeps a piece within the width, else
/// at the width.
fn pieces(word: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest: Vec<char> = word.chars().collect();
    while rest.len() > width {
        let cut = rest[..width]
            .iter()
            .rposition(|c| matches!(c, '-' | '_' | '/'))
            .map_or(width, |i| i + 1);
        out.push(rest.drain(..cut).collect());
    }
    out.push(rest.into_iter().collect());
    out
}

fn breakdown(out: &mut Vec<String>, w: &Catalog, title: &str, lines: &[Line], c: Currency, skip_empty: bool) {
    out.push(w.text(title));
    for l in lines.iter().filter(|l| !skip_empty || l.sales + l.refund_count > 0) {
        out.push(row(
            &format!("  {} ({}/{})", l.label, l.sales, l.refund_count),
            &w.money(Money::new(MinorUnits::new(l.gross.get() - l.refunds.get()), c)),
        ));
    }
}

/// A currency's heading, then its sales, refunds and net.
fn totals(out: &mut Vec<String>, w: &Catalog, c: Currency, t: &Line) {
    let money = |m| w.money(Money::new(m, c));
    let counted = |id, n: u64| w.say(id, &[("count", n.into())]);
    out.push(rule());
    out.push(w.say("report-currency", &[("currency", c.code().into())]));
    out.push(row(&counted("report-sales", t.sales), &money(t.gross)));
    out.push(row(&counted("report-refunds", t.refund_count), &money(t.refunds)));
    out.push(row(
        &w.text("report-net"),
        &money(MinorUnits::new(t.gross.get() - t.refunds.get())),
    ));
}

fn currency_block(out: &mut Vec<String>, w: &Catalog, f: &CurrencyFigures) {
    let c = f.currency;
    let money = |m| w.money(Money::new(m, c));
    let counted = |id, n: u64| w.say(id, &[("count", n.into())]);
    let total = Line {
        label: String::new(),
        sales: f.sales,
        gross: f.gross,
        refund_count: f.refund_count,
        refunds: f.refunds,
    };
    totals(out, w, c, &total);
    out.push(row(&w.text("report-average"), &money(f.average_ticket)));
    out.push(row(&counted("report-held", f.held_count), &money(f.held)));
    out.push(row(&w.text("report-voided"), &f.voided_count.to_string()));
    out.push(row(&w.text("report-declined"), &f.declined_count.to_string()));
    out.push(w.text("report-net-by-line"));
    breakdown(out, w, "report-by-brand", &f.by_brand, c, false);
    breakdown(out, w, "report-by-staff", &f.by_staff, c, false);
    breakdown(out, w, "report-by-hour", &f.by_hour, c, true);
}

/// An instant of a report in its own zone, in the shop's language; the
/// text kept with the report if its zone is no longer known.
fn local(w: &Catalog, zone: &str, ms: i64, kept: &str) -> String {
    ShopZone::new(Some(zone)).map_or_else(|_| kept.to_string(), |z| w.date_time(z.civil(ms)))
}

/// The period a report covers, in its own zone (`kept`: the local times
/// kept with it, for a zone no longer known), and the word for nothing.
fn period_lines(
    out: &mut Vec<String>,
    w: &Catalog,
    zone: &str,
    period: super::Period,
    kept: (&str, &str),
    empty: bool,
) {
    let from = local(w, zone, period.from_ms, kept.0);
    let to = local(w, zone, period.to_ms, kept.1);
    out.push(w.say("report-from", &[("from", from.into())]));
    out.push(w.say("report-to", &[("to", to.into()), ("zone", zone.into())]));
    if empty {
        out.push(rule());
        out.push(w.text("report-empty"));
    }
}

/// The figures as print lines, under the title `title_id` (a message).
pub fn figure_lines(w: &Catalog, title_id: &str, f: &Figures) -> Vec<String> {
    figures_under(w, &w.text(title_id), f)
}

fn figures_under(w: &Catalog, title: &str, f: &Figures) -> Vec<String> {
    let mut out = Vec::new();
    if f.training {
        out.push(w.text("report-training"));
    }
    out.extend(f.shop.iter().cloned());
    out.push(title.to_string());
    let kept = (f.from_local.as_str(), f.to_local.as_str());
    period_lines(&mut out, w, &f.time_zone, f.period, kept, f.currencies.is_empty());
    for c in &f.currencies {
        currency_block(&mut out, w, c);
    }
    out.push(rule());
    out
}

/// The shop's combined day as print lines: the shop's figures per
/// currency, then each till (flagged where its own cache differs), each
/// staff member, brand and hour.
pub fn shop_lines(w: &Catalog, d: &super::shop::ShopDay) -> Vec<String> {
    let mut out = vec![w.text("report-shop-title")];
    let kept = (d.from_local.as_str(), d.to_local.as_str());
    period_lines(&mut out, w, &d.time_zone, d.period, kept, d.currencies.is_empty());
    for f in &d.currencies {
        let c = f.currency;
        let money = |m| w.money(Money::new(m, c));
        let counted = |id, n: u64| w.say(id, &[("count", n.into())]);
        let total = Line {
            label: String::new(),
            sales: f.sales,
            gross: f.gross,
            refund_count: f.refund_count,
            refunds: f.refunds,
        };
        totals(&mut out, w, c, &total);
        out.push(row(&counted("report-held", f.held_count), ""));
        out.push(row(&w.text("report-voided"), &f.voided_count.to_string()));
        out.push(row(&w.text("report-declined"), &f.declined_count.to_string()));
        out.push(w.text("report-net-by-line"));
        let tills: Vec<Line> = f.by_till.iter().map(|t| t.line.clone()).collect();
        breakdown(&mut out, w, "report-by-till", &tills, c, false);
        for t in f.by_till.iter().filter(|t| t.differs) {
            let cache = t.cache.clone().unwrap_or_default();
            out.push(w.say(
                "report-till-differs",
                &[
                    ("till", t.label.as_str().into()),
                    ("sales", cache.sales.into()),
                    ("gross", money(cache.gross).into()),
                    ("refunds", cache.refund_count.into()),
                    ("refunded", money(cache.refunds).into()),
                ],
            ));
        }
        let staff: Vec<Line> = f.by_staff.iter().map(|s| s.line.clone()).collect();
        breakdown(&mut out, w, "report-by-staff", &staff, c, false);
        breakdown(&mut out, w, "report-by-brand", &f.by_brand, c, false);
        breakdown(&mut out, w, "report-by-hour", &f.by_hour, c, true);
    }
    out.push(rule());
    out
}

/// A Z report as print lines.
pub fn z_lines(w: &Catalog, z: &ZReport) -> Vec<String> {
    let title = w.say("report-z-title", &[("number", format!("{:04}", z.number).into())]);
    let mut out = figures_under(w, &title, &z.figures);
    let closed = local(w, &z.figures.time_zone, z.closed_at_ms, &z.closed_at_local);
    out.push(w.say(
        "report-z-closed",
        &[("at", closed.into()), ("by", z.closed_by.as_str().into())],
    ));
    out.push(w.say("report-z-covers", &[("count", z.items.into())]));
    out.push(w.text("report-z-hash"));
    out.push(z.covered_hash.get(..32).unwrap_or_default().to_string());
    out.push(z.covered_hash.get(32..).unwrap_or_default().to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_between_words_and_ids_break_after_their_separators() {
        let words = "Refunds go back to the original card only and can take 5-10 days to appear.";
        let lines = wrap(words, 32);
        assert!(lines.iter().all(|l| l.chars().count() <= 32), "{lines:?}");
        assert_eq!(lines.join(" "), words, "no word cut, none lost");
        let id = "0b6f3c2e-8a47-4f7e-9d1a-5c3e2f1a0b9d";
        assert_eq!(wrap(id, 32), ["0b6f3c2e-8a47-4f7e-9d1a-", "5c3e2f1a0b9d"]);
        assert_eq!(wrap(&"x".repeat(40), 32), ["x".repeat(32), "x".repeat(8)]);
        assert!(wrap("  ", 32).is_empty());
    }

    #[test]
    fn a_row_that_does_not_fit_puts_its_value_under_its_label() {
        let mut sheet = Sheet::new(32);
        sheet.row("Amount", "12.50 EUR");
        sheet.row("Date", "2026-11-28 14:05 (America/Argentina/Buenos_Aires)");
        sheet.rule();
        let lines = sheet.into_lines();
        assert_eq!(lines[0], format!("Amount{}12.50 EUR", " ".repeat(32 - 15)));
        assert_eq!(lines[1], "Date");
        assert!(
            lines[2..lines.len() - 1].iter().all(|l| l.chars().count() == 32),
            "{lines:?}"
        );
        assert_eq!(
            lines[2..lines.len() - 1]
                .iter()
                .map(|l| l.trim())
                .collect::<Vec<_>>()
                .join(" "),
            "2026-11-28 14:05 (America/Argentina/Buenos_Aires)"
        );
        assert_eq!(lines.last().map(String::as_str), Some("-".repeat(32).as_str()));
    }
}
