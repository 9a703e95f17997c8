//! CSV export: one row per sale and per refund in a period, for the
//! shop's spreadsheet or accountant.
//!
//! Guarantees:
//! - cards appear only as brand and last 4 (the cache holds nothing more);
//! - amounts are in major units with the currency's own decimals
//!   (`12.50` USD, `1250` JPY), never negative (the `record` column says
//!   which way the money went);
//! - times are in UTC and in the shop's local time, both RFC 3339;
//! - the headings are in the shop's language; the cells stay machine
//!   values (amounts with a decimal point, status and reason codes), so a
//!   spreadsheet or script reads the same file whatever the language;
//! - no cell can run as a formula: a cell starting with `=`, `+`, `-`, `@`,
//!   a tab or a carriage return is prefixed with `'` (OWASP's advice for
//!   CSV injection), so a description or name typed at the till stays text;
//! - sales are read a page at a time, so memory stays flat over a year.

use std::io::Write;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{Period, ReportError, Result, ShopZone};
use crate::messages::Catalog;
use crate::money::format_minor;
use crate::store::Store;

/// The columns, as catalog ids.
pub const HEADER: [&str; 12] = [
    "csv-record",
    "csv-id",
    "csv-sale-id",
    "csv-created-utc",
    "csv-created-local",
    "csv-status",
    "csv-amount",
    "csv-captured",
    "csv-currency",
    "csv-card",
    "csv-staff",
    "csv-refund-reason",
];

/// The column headings in the shop's language.
pub fn header(words: &Catalog) -> Vec<String> {
    HEADER.iter().map(|id| words.text(id)).collect()
}

const PAGE: u32 = 2_000;

/// Makes a cell safe to open in a spreadsheet.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn utc(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Writes the period's sales and refunds; returns the number of rows.
pub fn write(
    store: &Store,
    period: Period,
    zone: &ShopZone,
    staff_name: &dyn Fn(&str) -> String,
    words: &Catalog,
    out: impl Write,
) -> Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| ReportError::Write(e.to_string());
    w.write_record(header(words).iter().map(|h| neutralise(h).into_owned()))
        .map_err(err)?;
    let mut rows = 0u64;
    let staff = |id: &Option<String>| id.as_deref().map(staff_name).unwrap_or_default();
    let mut last = None;
    loop {
        let page = store.sales_page(period.from_ms, period.to_ms, last.as_ref(), PAGE)?;
        for s in &page {
            let c = s.money.currency;
            let card = s
                .card
                .as_ref()
                .map(|k| {
                    words.say(
                        "csv-card-ending",
                        &[("brand", k.brand.as_str().into()), ("last4", k.last4.as_str().into())],
                    )
                })
                .unwrap_or_default();
            let record = [
                "sale".to_string(),
                s.id.to_string(),
                s.id.to_string(),
                utc(s.created_at_ms),
                zone.rfc3339(s.created_at_ms),
                s.status.as_str().to_string(),
                format_minor(s.money.amount, c),
                s.captured.map(|m| format_minor(m, c)).unwrap_or_default(),
                c.code().to_string(),
                card,
                staff(&s.staff_id),
                String::new(),
            ];
            w.write_record(record.iter().map(|cell| neutralise(cell).into_owned()))
                .map_err(err)?;
            rows += 1;
        }
        if page.len() < PAGE as usize {
            break;
        }
        last = page.into_iter().last();
    }
    for r in store.refunds_between(period.from_ms, period.to_ms)? {
        let c = r.money.currency;
        let record = [
            "refund".to_string(),
            r.id.clone(),
            r.sale_id.to_string(),
            utc(r.created_at_ms),
            zone.rfc3339(r.created_at_ms),
            r.status.as_str().to_string(),
            format_minor(r.money.amount, c),
            String::new(),
            c.code().to_string(),
            String::new(),
            staff(&r.staff_id),
            r.reason.code().to_string(),
        ];
        w.write_record(record.iter().map(|cell| neutralise(cell).into_owned()))
            .map_err(err)?;
        rows += 1;
    }
    w.flush().map_err(|e| ReportError::Write(e.to_string()))?;
    Ok(rows)
}

/// The columns of the shop's combined export ([`write_ledger`]), as catalog
/// ids.
pub const LEDGER_HEADER: [&str; 10] = [
    "csv-record",
    "csv-created-utc",
    "csv-created-local",
    "csv-till",
    "csv-staff",
    "csv-status",
    "csv-amount",
    "csv-captured",
    "csv-currency",
    "csv-card",
];

/// Writes every till's sales and refunds in `period` as the gateway has
/// them (the shop's combined export), oldest first; returns the rows.
pub fn write_ledger(
    ledger: &crate::gateway::ledger::Ledger,
    period: Period,
    zone: &ShopZone,
    names: &super::shop::ShopNames<'_>,
    out: impl Write,
) -> Result<u64> {
    use crate::gateway::ledger::LedgerState;
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| ReportError::Write(e.to_string());
    let header = LEDGER_HEADER.iter().map(|id| names.words.text(id));
    w.write_record(header.map(|h| neutralise(&h).into_owned()))
        .map_err(err)?;
    let inside = |ms: i64| (period.from_ms..period.to_ms).contains(&ms);
    // One row: what, when, by whom, its status and amounts, the brand.
    let row = |kind: &str,
               at: i64,
               by: &crate::gateway::Attribution,
               status: &str,
               money: crate::money::Money,
               captured: String,
               brand: &Option<String>| {
        let record: [String; 10] = [
            kind.into(),
            utc(at),
            zone.rfc3339(at),
            names.till(by),
            names.who(by.staff_id.as_deref()),
            status.into(),
            format_minor(money.amount, money.currency),
            captured,
            money.currency.code().into(),
            brand.clone().unwrap_or_default(),
        ];
        (at, record)
    };
    let mut rows: Vec<(i64, [String; 10])> = Vec::new();
    for p in ledger.payments.iter().filter(|p| inside(p.created_ms)) {
        let (status, captured) = match p.state {
            LedgerState::Captured(m) => ("captured", format_minor(m, p.money.currency)),
            LedgerState::Held => ("held", String::new()),
            LedgerState::Voided => ("voided", String::new()),
            LedgerState::Declined => ("declined", String::new()),
            LedgerState::Unfinished => ("unfinished", String::new()),
        };
        rows.push(row("sale", p.created_ms, &p.by, status, p.money, captured, &p.brand));
    }
    for r in ledger.refunds.iter().filter(|r| inside(r.created_ms)) {
        let status = if r.succeeded { "succeeded" } else { "pending" };
        rows.push(row(
            "refund",
            r.created_ms,
            &r.by,
            status,
            r.money,
            String::new(),
            &r.brand,
        ));
    }
    rows.sort_by_key(|(at, _)| *at);
    for (_, record) in &rows {
        w.write_record(record.iter().map(|cell| neutralise(cell).into_owned()))
            .map_err(err)?;
    }
    w.flush().map_err(|e| ReportError::Write(e.to_string()))?;
    Ok(u64::try_from(rows.len()).unwrap_or(u64::MAX))
}
