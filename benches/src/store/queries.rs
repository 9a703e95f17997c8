//! The reports and the search by last 4, timed on both sides, each result
//! checked against the other side's.

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;

use merchant_core::reports::{figures, Figures, Period, ShopZone};
use merchant_core::store::SalesQuery;

use crate::figure::{fail, median, ms, ok, ROUNDS};

use super::*;

/// One currency's running totals on the plain side: the same lines the
/// product's report keeps.
#[derive(Default)]
pub(super) struct PlainAcc {
    gross: i64,
    sales: u64,
    refunds: i64,
    refund_count: u64,
    held: i64,
    held_count: u64,
    voided: u64,
    declined: u64,
    in_doubt: u64,
    by_hour: [(u64, i64, i64); 24],
    by_day: BTreeMap<i64, (u64, i64, i64)>,
    by_brand: HashMap<Vec<u8>, (u64, i64, i64)>,
    by_staff: HashMap<Option<String>, (u64, i64, i64)>,
}

/// The product's report query and aggregation over the plain file: one
/// pass over the same covering index, values in clear.
pub(super) fn plain_figures(
    conn: &rusqlite::Connection,
    from: i64,
    to: i64,
) -> rusqlite::Result<BTreeMap<String, PlainAcc>> {
    let mut accs: BTreeMap<String, PlainAcc> = BTreeMap::new();
    let slot = |ms: i64| (ms.div_euclid(DAY_MS), (ms.rem_euclid(DAY_MS) / 3_600_000) as usize);
    let mut st = conn.prepare_cached(
        "SELECT created_at_ms, status, currency, amount_minor, captured_minor, staff_id, card_brand_bidx, rowid
         FROM sales INDEXED BY sales_report WHERE created_at_ms >= ?1 AND created_at_ms < ?2
         ORDER BY created_at_ms",
    )?;
    let mut rows = st.query(rusqlite::params![from, to])?;
    while let Some(r) = rows.next()? {
        let currency: String = r.get(2)?;
        let acc = accs.entry(currency).or_default();
        match r.get_ref(1)?.as_str()? {
            "approved" => {
                let captured = r.get::<_, Option<i64>>(4)?.unwrap_or(0);
                let (day, hour) = slot(r.get(0)?);
                acc.gross += captured;
                acc.sales += 1;
                for line in [
                    &mut acc.by_hour[hour],
                    acc.by_day.entry(day).or_default(),
                    acc.by_brand
                        .entry(r.get::<_, Option<Vec<u8>>>(6)?.unwrap_or_default())
                        .or_default(),
                    acc.by_staff.entry(r.get(5)?).or_default(),
                ] {
                    line.0 += 1;
                    line.1 += captured;
                }
            }
            "authorized" => {
                acc.held += r.get::<_, i64>(3)?;
                acc.held_count += 1;
            }
            "voided" => acc.voided += 1,
            "declined" | "failed" => acc.declined += 1,
            "pending" | "in_doubt" => acc.in_doubt += 1,
            _ => {}
        }
    }
    let mut st = conn.prepare_cached(
        "SELECT created_at_ms, currency, amount_minor, staff_id, card_brand_bidx, rowid
         FROM refunds INDEXED BY refunds_report
         WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND status = 'succeeded'
         ORDER BY created_at_ms",
    )?;
    let mut rows = st.query(rusqlite::params![from, to])?;
    while let Some(r) = rows.next()? {
        let currency: String = r.get(1)?;
        let acc = accs.entry(currency).or_default();
        let amount: i64 = r.get(2)?;
        let (day, hour) = slot(r.get(0)?);
        acc.refunds += amount;
        acc.refund_count += 1;
        for line in [
            &mut acc.by_hour[hour],
            acc.by_day.entry(day).or_default(),
            acc.by_brand
                .entry(r.get::<_, Option<Vec<u8>>>(4)?.unwrap_or_default())
                .or_default(),
            acc.by_staff.entry(r.get(3)?).or_default(),
        ] {
            line.2 += amount;
        }
    }
    Ok(accs)
}

/// Both reports must say the same: sales, gross and refunds per currency.
pub(super) fn same_totals(ours: &Figures, plain: &BTreeMap<String, PlainAcc>) -> Result<(), String> {
    for c in &ours.currencies {
        let p = plain.get(c.currency.code()).ok_or("a currency only in the cache")?;
        let ours = (
            c.sales,
            c.gross.get(),
            c.refund_count,
            c.refunds.get(),
            c.held_count,
            c.voided_count,
        );
        let base = (p.sales, p.gross, p.refund_count, p.refunds, p.held_count, p.voided);
        if ours != base {
            return Err(format!("{}: cache {ours:?}, plain {base:?}", c.currency.code()));
        }
    }
    if plain.len() != ours.currencies.len() {
        return Err("a currency only in the plain file".into());
    }
    Ok(())
}

/// Median ms of the report over `days` days from day 100 (or the whole year).
pub(super) fn time_report(set: &DataSet, days: i64) -> (f64, f64) {
    let zone = ok("UTC", ShopZone::new(Some("UTC")));
    let from = if days >= 365 { START_MS } else { START_MS + 100 * DAY_MS };
    let to = from + days * DAY_MS;
    let period = Period {
        from_ms: from,
        to_ms: to,
    };
    let names = |id: &str| id.to_string();
    let words = merchant_core::messages::Catalog::default();
    let report_names = merchant_core::reports::Names {
        staff: &names,
        words: &words,
    };
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let mut f = None;
        ours.push(ms(|| {
            f = Some(ok("report", figures(&set.store, period, &zone, false, &report_names)))
        }));
        let mut p = None;
        base.push(ms(|| p = Some(ok("plain report", plain_figures(&set.plain, from, to)))));
        if let (Some(f), Some(p)) = (f, p) {
            ok("both reports agree", same_totals(&f, &p));
        }
    }
    (median(ours), median(base))
}

/// Median µs per search by last 4 within one day (50 searches for the
/// last 4 of that day's sales), and the matches found.
pub(super) fn time_search(set: &DataSet) -> (f64, f64, usize) {
    let (from, to) = (START_MS + 200 * DAY_MS, START_MS + 201 * DAY_MS);
    let wanted: Vec<&str> = set
        .data
        .iter()
        .filter(|r| r.0 >= from && r.0 < to)
        .take(50)
        .map(|r| r.6.as_str())
        .collect();
    if wanted.is_empty() {
        fail("sales on the searched day", "none");
    }
    // The plain side reads every column of each match, as an app filling
    // a list would; the cache opens each match.
    let plain_find = |last4: &str| -> rusqlite::Result<usize> {
        let mut st = set.plain.prepare_cached(
            "SELECT * FROM sales INDEXED BY sales_by_last4
             WHERE card_last4_bidx = ?1 AND created_at_ms >= ?2 AND created_at_ms < ?3
             ORDER BY created_at_ms DESC LIMIT 500",
        )?;
        let columns = st.column_count();
        let mut rows = st.query(rusqlite::params![last4.as_bytes(), from, to])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            for c in 0..columns {
                black_box(r.get_ref(c)?);
            }
            n += 1;
        }
        Ok(n)
    };
    let ours_find = |last4: &str| {
        let q = SalesQuery {
            since_ms: from,
            until_ms: to,
            last4: Some(last4.into()),
            limit: 500,
            ..Default::default()
        };
        ok("search by last 4", set.store.search(&q)).len()
    };
    let (mut ours, mut base, mut found) = (Vec::new(), Vec::new(), 0);
    for _ in 0..ROUNDS {
        let mut a = 0;
        ours.push(ms(|| a = wanted.iter().map(|l| ours_find(l)).sum::<usize>()) * 1000.0 / wanted.len() as f64);
        let mut b = 0;
        base.push(
            ms(|| b = wanted.iter().map(|l| ok("plain search", plain_find(l))).sum::<usize>()) * 1000.0
                / wanted.len() as f64,
        );
        if a != b || a < wanted.len() {
            fail("both searches find the same sales", format!("cache {a}, plain {b}"));
        }
        found = a;
    }
    (median(ours), median(base), found)
}
