//! The owner's reports: the day view over any date range, the X report (the
//! figures so far) and the close of day (Z report, [`closing`]), the CSV
//! export ([`csv`]) and the comparison with the gateway ([`reconcile`]).
//!
//! Guarantees:
//! - figures are computed from the plain report columns through one covering
//!   index; the only sealed value opened is one card brand per brand (brands
//!   are grouped by their blind index), so a 365-day range stays interactive;
//! - a day is the shop's local day in its time zone, daylight saving
//!   included (the day a clock goes back has 25 hours);
//! - money is summed per currency in minor units, never converted and never
//!   through a float; averages round half up in minor units;
//! - each cache file holds one mode, so training sales never mix with live.

pub mod closing;
pub mod csv;
pub mod print;
pub mod reconcile;
pub mod shop;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::params;
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::gateway::GatewayError;
use crate::money::{Currency, MinorUnits};
use crate::store::{SaleId, Store, StoreError};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    #[error("Unknown time zone: use a name such as Europe/Paris or America/New_York.")]
    UnknownTimeZone,
    #[error("That date range cannot be reported: {0}.")]
    InvalidRange(String),
    #[error("Resolve the {0} sale(s) or refund(s) in doubt before closing the day.")]
    InDoubtInPeriod(i64),
    #[error("There is no Z report with that number.")]
    NoSuchClosing,
    #[error("The shop's combined day is read from the gateway: it needs live mode and the shop's gateway key.")]
    ShopNeedsLive,
    #[error("A stored Z report is not readable ({0}).")]
    Corrupt(&'static str),
    #[error("The report could not be written: {0}.")]
    Write(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
}

impl From<rusqlite::Error> for ReportError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

impl From<rusqlite::types::FromSqlError> for ReportError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        Self::Store(rusqlite::Error::from(e).into())
    }
}

pub type Result<T> = std::result::Result<T, ReportError>;

/// The longest range a report covers (a little over two years).
pub const MAX_RANGE_DAYS: i32 = 800;

const QUARTER_MS: i64 = 15 * 60 * 1000;

/// The shop's time zone: where its days begin and end.
#[derive(Debug, Clone)]
pub struct ShopZone {
    name: String,
    tz: TimeZone,
}

impl ShopZone {
    /// `name` is an IANA zone; `None` means this computer's zone.
    pub fn new(name: Option<&str>) -> Result<Self> {
        match name {
            Some(n) => Ok(Self {
                tz: TimeZone::get(n).map_err(|_| ReportError::UnknownTimeZone)?,
                name: n.to_string(),
            }),
            None => {
                let tz = TimeZone::system();
                Ok(Self {
                    name: tz.iana_name().unwrap_or("UTC").to_string(),
                    tz,
                })
            }
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn start_of(&self, date: Date) -> Result<i64> {
        let zoned = date
            .to_zoned(self.tz.clone())
            .and_then(|z| z.start_of_day())
            .map_err(|e| ReportError::InvalidRange(e.to_string()))?;
        Ok(zoned.timestamp().as_millisecond())
    }

    /// The local calendar date and hour of an instant.
    pub fn local(&self, ms: i64) -> (Date, i8) {
        let at = Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH);
        let dt = self.tz.to_datetime(at);
        (dt.date(), dt.hour())
    }

    /// The local date and time of an instant, to be written in the shop's
    /// language ([`crate::messages::Catalog::date_time`]).
    pub fn civil(&self, ms: i64) -> jiff::civil::DateTime {
        let at = Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH);
        self.tz.to_datetime(at)
    }

    /// `2026-11-28 14:05` in the shop's zone.
    pub fn format(&self, ms: i64) -> String {
        let at = Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH);
        self.tz.to_datetime(at).strftime("%Y-%m-%d %H:%M").to_string()
    }

    /// RFC 3339 with the local offset, e.g. `2026-11-28T14:05:09-05:00`.
    pub fn rfc3339(&self, ms: i64) -> String {
        let at = Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH);
        at.to_zoned(self.tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

/// An id as a person can tell it from its neighbours: its last 8
/// characters. Staff and terminal ids are UUIDv7, which begin with their
/// creation time, so ids made the same day share their first characters;
/// their ends are random.
pub fn short_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    chars[chars.len().saturating_sub(8)..].iter().collect()
}

/// How a report names its lines: staff members by id, and, in the shop's
/// words, a sale with no card or no staff member.
pub struct Names<'a> {
    pub staff: &'a dyn Fn(&str) -> String,
    pub words: &'a crate::messages::Catalog,
}

/// Instants `[from_ms, to_ms)`, the unit every query works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Period {
    #[ts(type = "number")]
    pub from_ms: i64,
    #[ts(type = "number")]
    pub to_ms: i64,
}

/// Local dates, both included: `2026-11-01..=2026-11-30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: Date,
    pub to: Date,
}

impl DateRange {
    /// Parses `YYYY-MM-DD` dates; refuses reversed or over-long ranges.
    pub fn parse(from: &str, to: &str) -> Result<Self> {
        let date = |s: &str| {
            s.trim()
                .parse::<Date>()
                .map_err(|_| ReportError::InvalidRange("dates look like 2026-11-28".into()))
        };
        let range = Self {
            from: date(from)?,
            to: date(to)?,
        };
        if range.to < range.from {
            return Err(ReportError::InvalidRange("the end is before the start".into()));
        }
        let days = (range.to - range.from).get_days();
        if days >= MAX_RANGE_DAYS {
            return Err(ReportError::InvalidRange(format!(
                "choose at most {MAX_RANGE_DAYS} days"
            )));
        }
        Ok(range)
    }

    pub fn period(&self, zone: &ShopZone) -> Result<Period> {
        let next = self
            .to
            .tomorrow()
            .map_err(|e| ReportError::InvalidRange(e.to_string()))?;
        Ok(Period {
            from_ms: zone.start_of(self.from)?,
            to_ms: zone.start_of(next)?,
        })
    }
}

/// One row of a breakdown (an hour, a day, a brand, a staff member).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Line {
    pub label: String,
    #[ts(type = "number")]
    pub sales: u64,
    pub gross: MinorUnits,
    #[ts(type = "number")]
    pub refund_count: u64,
    pub refunds: MinorUnits,
}

impl Line {
    fn labelled(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            ..Self::default()
        }
    }

    fn add_sale(&mut self, amount: i64) {
        self.sales += 1;
        self.gross = MinorUnits::new(self.gross.get() + amount);
    }

    fn add_refund(&mut self, amount: i64) {
        self.refund_count += 1;
        self.refunds = MinorUnits::new(self.refunds.get() + amount);
    }
}

/// The figures for one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CurrencyFigures {
    pub currency: Currency,
    /// Captured by approved sales.
    pub gross: MinorUnits,
    /// Returned by succeeded refunds made in the period.
    pub refunds: MinorUnits,
    pub net: MinorUnits,
    #[ts(type = "number")]
    pub sales: u64,
    #[ts(type = "number")]
    pub refund_count: u64,
    /// Gross over sales, rounded half up in minor units.
    pub average_ticket: MinorUnits,
    /// Authorised and not yet captured: held on cards, not taken.
    pub held: MinorUnits,
    #[ts(type = "number")]
    pub held_count: u64,
    #[ts(type = "number")]
    pub voided_count: u64,
    /// Declined by the issuer or failed at the gateway.
    #[ts(type = "number")]
    pub declined_count: u64,
    /// Pending or in doubt: outcome not yet known.
    #[ts(type = "number")]
    pub in_doubt_count: u64,
    /// 24 lines, `00` to `23`, local time.
    pub by_hour: Vec<Line>,
    /// One line per local date in the period.
    pub by_day: Vec<Line>,
    pub by_brand: Vec<Line>,
    pub by_staff: Vec<Line>,
}

/// A report over a period: the day view, an X report or a Z report's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Figures {
    pub period: Period,
    pub time_zone: String,
    /// `2026-11-28 00:00` in the shop's zone.
    pub from_local: String,
    pub to_local: String,
    pub training: bool,
    pub currencies: Vec<CurrencyFigures>,
    /// The shop's heading as printed (`shop::ShopDetails::header_lines`),
    /// kept with a Z report so that a reprint is the same after the details
    /// change. Empty in Z reports closed before shops had details.
    #[serde(default)]
    pub shop: Vec<String>,
}

/// Per-currency running totals while the rows stream past.
struct Acc {
    currency: Currency,
    held: i64,
    held_count: u64,
    voided: u64,
    declined: u64,
    in_doubt: u64,
    total: Line,
    by_hour: Vec<Line>,
    by_day: BTreeMap<Date, Line>,
    /// The day sales are streaming into (they arrive in time order), added
    /// to `by_day` when the date changes.
    today: Option<(Date, Line)>,
    /// Blind index, where to open its name once (one record with that
    /// brand), the line.
    by_brand: Vec<(Option<Vec<u8>>, BrandSource, Line)>,
    by_staff: Vec<(Option<String>, Line)>,
}

impl Acc {
    fn new(currency: Currency) -> Self {
        Self {
            currency,
            held: 0,
            held_count: 0,
            voided: 0,
            declined: 0,
            in_doubt: 0,
            total: Line::default(),
            by_hour: (0..24).map(|h| Line::labelled(format!("{h:02}"))).collect(),
            by_day: BTreeMap::new(),
            today: None,
            by_brand: Vec::new(),
            by_staff: Vec::new(),
        }
    }

    fn brand(&mut self, bidx: Option<&[u8]>, source: BrandSource) -> &mut Line {
        let i = match self.by_brand.iter().position(|(k, _, _)| k.as_deref() == bidx) {
            Some(i) => i,
            None => {
                self.by_brand.push((bidx.map(<[u8]>::to_vec), source, Line::default()));
                self.by_brand.len() - 1
            }
        };
        &mut self.by_brand[i].2
    }

    /// Staff ids are compared as bytes: they were written by the terminal
    /// as text, and only the ones kept are decoded.
    fn staff(&mut self, id: Option<&[u8]>) -> &mut Line {
        let i = match self
            .by_staff
            .iter()
            .position(|(k, _)| k.as_deref().map(str::as_bytes) == id)
        {
            Some(i) => i,
            None => {
                let id = id.map(|b| String::from_utf8_lossy(b).into_owned());
                self.by_staff.push((id, Line::default()));
                self.by_staff.len() - 1
            }
        };
        &mut self.by_staff[i].1
    }

    /// The line of `date` for a sale (dates only move forward).
    fn day(&mut self, date: Date) -> &mut Line {
        if self.today.as_ref().is_some_and(|(d, _)| *d != date) {
            self.flush_day();
        }
        &mut self.today.get_or_insert_with(|| (date, Line::default())).1
    }

    fn flush_day(&mut self) {
        if let Some((d, line)) = self.today.take() {
            let day = self.by_day.entry(d).or_default();
            day.sales += line.sales;
            day.gross = MinorUnits::new(day.gross.get() + line.gross.get());
        }
    }
}

/// Where a brand's name can be opened: a sale, or a refund (whose sale is
/// outside the period).
#[derive(Debug, Clone, Copy)]
enum BrandSource {
    Sale(i64),
    Refund(i64),
}

/// Which local hour and date a 15-minute slot falls in. Every real UTC
/// offset is a whole number of quarter hours, so a slot never straddles two
/// local hours; rows arrive in time order, so the last answer is reused.
struct SlotClock<'z> {
    zone: &'z ShopZone,
    last: Option<(i64, Date, usize)>,
}

impl SlotClock<'_> {
    fn at(&mut self, ms: i64) -> (Date, usize) {
        let slot = ms.div_euclid(QUARTER_MS);
        match self.last {
            Some((s, d, h)) if s == slot => (d, h),
            _ => {
                let (d, h) = self.zone.local(slot * QUARTER_MS);
                let h = usize::try_from(h).unwrap_or(0).min(23);
                self.last = Some((slot, d, h));
                (d, h)
            }
        }
    }
}

fn acc_for(accs: &mut Vec<Acc>, code: &[u8]) -> Result<usize> {
    if let Some(i) = accs.iter().position(|a| a.currency.code().as_bytes() == code) {
        return Ok(i);
    }
    let currency = std::str::from_utf8(code)
        .ok()
        .and_then(|c| c.parse::<Currency>().ok())
        .ok_or(StoreError::Corrupt("currency"))?;
    accs.push(Acc::new(currency));
    Ok(accs.len() - 1)
}

fn text(v: ValueRef<'_>) -> Result<&[u8]> {
    match v {
        ValueRef::Text(t) => Ok(t),
        _ => Err(StoreError::Corrupt("a report column is not text").into()),
    }
}

fn text_or_null(v: ValueRef<'_>) -> Result<Option<&[u8]>> {
    match v {
        ValueRef::Null => Ok(None),
        other => text(other).map(Some),
    }
}

/// Computes the figures for `period`. `names` turns a staff id into the
/// name shown (the cache holds ids only).
pub fn figures(store: &Store, period: Period, zone: &ShopZone, training: bool, names: &Names<'_>) -> Result<Figures> {
    let mut accs: Vec<Acc> = Vec::new();
    let mut clock = SlotClock { zone, last: None };
    {
        let conn = store.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT created_at_ms, status, currency, amount_minor, captured_minor, staff_id, card_brand_bidx, rowid
             FROM sales INDEXED BY sales_report WHERE created_at_ms >= ?1 AND created_at_ms < ?2
             ORDER BY created_at_ms",
        )?;
        let mut rows = stmt.query(params![period.from_ms, period.to_ms])?;
        while let Some(r) = rows.next()? {
            let i = acc_for(&mut accs, text(r.get_ref(2)?)?)?;
            let acc = &mut accs[i];
            match text(r.get_ref(1)?)? {
                b"approved" => {
                    let captured: i64 = r.get::<_, Option<i64>>(4)?.unwrap_or(0);
                    let (date, hour) = clock.at(r.get(0)?);
                    acc.total.add_sale(captured);
                    acc.by_hour[hour].add_sale(captured);
                    acc.day(date).add_sale(captured);
                    acc.brand(r.get_ref(6)?.as_blob_or_null()?, BrandSource::Sale(r.get(7)?))
                        .add_sale(captured);
                    acc.staff(text_or_null(r.get_ref(5)?)?).add_sale(captured);
                }
                b"authorized" => {
                    acc.held += r.get::<_, i64>(3)?;
                    acc.held_count += 1;
                }
                b"voided" => acc.voided += 1,
                b"declined" | b"failed" => acc.declined += 1,
                b"pending" | b"in_doubt" => acc.in_doubt += 1,
                _ => {}
            }
        }
        accs.iter_mut().for_each(Acc::flush_day);
        // Refunds carry their sale's brand index: one covering index, no join.
        let mut stmt = conn.prepare_cached(
            "SELECT created_at_ms, currency, amount_minor, staff_id, card_brand_bidx, rowid
             FROM refunds INDEXED BY refunds_report
             WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND status = 'succeeded'
             ORDER BY created_at_ms",
        )?;
        let mut rows = stmt.query(params![period.from_ms, period.to_ms])?;
        while let Some(r) = rows.next()? {
            let i = acc_for(&mut accs, text(r.get_ref(1)?)?)?;
            let acc = &mut accs[i];
            let amount: i64 = r.get(2)?;
            let (date, hour) = clock.at(r.get(0)?);
            acc.total.add_refund(amount);
            acc.by_hour[hour].add_refund(amount);
            acc.by_day.entry(date).or_default().add_refund(amount);
            acc.brand(r.get_ref(4)?.as_blob_or_null()?, BrandSource::Refund(r.get(5)?))
                .add_refund(amount);
            acc.staff(text_or_null(r.get_ref(3)?)?).add_refund(amount);
        }
        let mut stmt = conn.prepare_cached(
            "SELECT currency, COUNT(*) FROM refunds INDEXED BY refunds_report
             WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND status IN ('pending', 'in_doubt')
             GROUP BY currency",
        )?;
        let mut rows = stmt.query(params![period.from_ms, period.to_ms])?;
        while let Some(r) = rows.next()? {
            let i = acc_for(&mut accs, text(r.get_ref(0)?)?)?;
            accs[i].in_doubt += r.get::<_, u64>(1)?;
        }
    }
    accs.sort_by_key(|a| a.currency.code());
    let currencies = accs
        .into_iter()
        .map(|acc| finish(store, acc, names))
        .collect::<Result<Vec<_>>>()?;
    Ok(Figures {
        period,
        time_zone: zone.name().to_string(),
        from_local: zone.format(period.from_ms),
        to_local: zone.format(period.to_ms),
        training,
        currencies,
        shop: Vec::new(),
    })
}

fn finish(store: &Store, acc: Acc, names: &Names<'_>) -> Result<CurrencyFigures> {
    let total = acc.total.clone();
    let average = if total.sales == 0 {
        0
    } else {
        let n = i64::try_from(total.sales).unwrap_or(i64::MAX);
        (2 * total.gross.get() + n) / (2 * n)
    };
    let mut by_brand = Vec::with_capacity(acc.by_brand.len());
    for (bidx, source, mut line) in acc.by_brand {
        line.label = match bidx {
            Some(_) => brand_name(store, source)?,
            None => names.words.text("report-no-card"),
        };
        by_brand.push(line);
    }
    by_brand.sort_by(|a, b| b.gross.cmp(&a.gross).then_with(|| a.label.cmp(&b.label)));
    let mut by_staff: Vec<Line> = acc
        .by_staff
        .into_iter()
        .map(|(id, mut line)| {
            line.label = id
                .as_deref()
                .map_or_else(|| names.words.text("report-unattributed"), names.staff);
            line
        })
        .collect();
    by_staff.sort_by(|a, b| b.gross.cmp(&a.gross).then_with(|| a.label.cmp(&b.label)));
    Ok(CurrencyFigures {
        currency: acc.currency,
        gross: total.gross,
        refunds: total.refunds,
        net: MinorUnits::new(total.gross.get() - total.refunds.get()),
        sales: total.sales,
        refund_count: total.refund_count,
        average_ticket: MinorUnits::new(average),
        held: MinorUnits::new(acc.held),
        held_count: acc.held_count,
        voided_count: acc.voided,
        declined_count: acc.declined,
        in_doubt_count: acc.in_doubt,
        by_hour: acc.by_hour,
        by_day: acc
            .by_day
            .into_iter()
            .map(|(d, mut line)| {
                line.label = d.to_string();
                line
            })
            .collect(),
        by_brand,
        by_staff,
    })
}

/// Opens the card brand of the sale at (or refunded by) `source`.
fn brand_name(store: &Store, source: BrandSource) -> Result<String> {
    let (sql, rowid) = match source {
        BrandSource::Sale(rowid) => ("SELECT id FROM sales WHERE rowid = ?1", rowid),
        BrandSource::Refund(rowid) => ("SELECT sale_id FROM refunds WHERE rowid = ?1", rowid),
    };
    let id: Option<String> = store.conn().query_row(sql, params![rowid], |r| r.get(0)).ok();
    let sale = match id.as_deref().and_then(SaleId::parse) {
        Some(id) => store.get(id)?,
        None => None,
    };
    Ok(sale
        .and_then(|s| s.card)
        .map_or_else(|| "unknown".into(), |c| c.brand.to_ascii_lowercase()))
}
