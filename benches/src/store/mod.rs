//! The transaction cache against plain SQLite with the same schema (its own
//! migrations, pragmas and indexes) holding the same rows in clear: the
//! per-charge commit, the bulk load, the reports and the search by last 4,
//! each at 10,000, 100,000 and 1,000,000 sales to show how cost grows.
//!
//! Both sides do the same work: the same statements and transactions, the
//! same single-pass report query over the same covering index with the same
//! aggregation, the same search through the same index. Each result is
//! checked against the other side's, so a broken path stops the run.

mod data;
mod queries;

use merchant_core::gateway::{GatewayRef, IdempotencyKey};
use merchant_core::money::{Currency, MinorUnits, Money};
use merchant_core::store::{NewSale, SaleId, SaleStatus, Settlement, Store};
use merchant_core::testing::{journaled, settled};

use crate::figure::{fail, median, ms, ok, Report, Target, ROUNDS};
use crate::plot::{growth_exponent, svg, Series};

pub use data::plain_cache;
use data::*;
use queries::*;

/// Journal then settle one charge at a time, each its own durable commit
/// (`synchronous=FULL`), as the counter does.
pub fn commit(report: &mut Report) {
    const N: usize = 300;
    let dir = ok("temporary folder", tempfile::tempdir());
    let store = ok(
        "open the cache",
        Store::open(&dir.path().join("ours.sqlite3"), crate::sealer()),
    );
    let plain = plain_cache(&dir.path().join("plain.sqlite3"));
    let money = Money::new(MinorUnits::new(1250), Currency::Usd);
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours.push(
            ms(|| {
                for _ in 0..N {
                    let sale = NewSale {
                        description: Some("2 lattes".into()),
                        ..journaled(money)
                    };
                    ok("journal a sale", store.insert_pending(&sale));
                    let settled = Settlement {
                        gateway_ref: Some(GatewayRef("pi_3AbCdEfGhIjKlMnO".into())),
                        ..settled(SaleStatus::Approved, money)
                    };
                    ok("settle a sale", store.settle(sale.id, &settled));
                }
            }) * 1000.0
                / N as f64,
        );
        base.push(
            ms(|| {
                for i in 0..N {
                    let id = SaleId::new().to_string();
                    let at = i as i64;
                    let inserted = plain.prepare_cached(PLAIN_INSERT).and_then(|mut st| {
                        st.execute(rusqlite::params![
                            id,
                            "pending",
                            at,
                            1250,
                            "USD",
                            IdempotencyKey::generate().as_str(),
                            b"2 lattes".as_slice(),
                            None::<String>,
                            None::<i64>,
                            None::<Vec<u8>>,
                            None::<Vec<u8>>,
                            None::<Vec<u8>>,
                            None::<Vec<u8>>,
                        ])
                    });
                    ok("plain journal", inserted);
                    let settled = plain.prepare_cached(PLAIN_SETTLE).and_then(|mut st| {
                        st.execute(rusqlite::params![
                            id,
                            "approved",
                            None::<String>,
                            b"pi_3AbCdEfGhIjKlMnO".as_slice(),
                            None::<Vec<u8>>,
                            None::<Vec<u8>>,
                            None::<Vec<u8>>,
                            None::<Vec<u8>>,
                            at,
                            1250,
                            None::<String>,
                            None::<Vec<u8>>,
                        ])
                    });
                    if ok("plain settle", settled) != 1 {
                        fail("plain settle", "no row settled");
                    }
                }
            }) * 1000.0
                / N as f64,
        );
    }
    report.add(
        "per-charge journal + settle, synchronous=FULL (2 commits)",
        (median(ours), median(base)),
        "plain SQLite, same schema",
        "µs",
        Target::Ratio(1.1),
    );
}

/// The sizes measured: 10,000, 100,000 and 1,000,000 sales, or up to
/// `MERCHANT_BENCH_ROWS`.
fn sizes() -> Vec<usize> {
    let max: usize = std::env::var("MERCHANT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut sizes: Vec<usize> = [10_000, 100_000, 1_000_000].into_iter().filter(|n| *n < max).collect();
    sizes.push(max);
    sizes
}

fn growth_table(title: &str, unit: &str, x_name: &str, rows: &[(f64, f64, f64)]) -> String {
    let mut t = format!(
        "**{title}**\n\n| {x_name} | merchant terminal ({unit}) | plain ({unit}) | ratio |\n|---|---|---|---|\n"
    );
    for (x, o, b) in rows {
        t.push_str(&format!(
            "| {} | {} | {} | {:.2}× |\n",
            crate::figure::number(*x),
            crate::figure::number(*o),
            crate::figure::number(*b),
            o / b
        ));
    }
    let ours: Vec<_> = rows.iter().map(|(x, o, _)| (*x, *o)).collect();
    let plain: Vec<_> = rows.iter().map(|(x, _, b)| (*x, *b)).collect();
    if let (Some(o), Some(b)) = (growth_exponent(&ours), growth_exponent(&plain)) {
        t.push_str(&format!(
            "\nGrowth exponent (1 = linear): merchant terminal {o:.2}, plain {b:.2}.\n"
        ));
    }
    t
}

fn plot(report: &mut Report, file: &str, title: &str, x: &str, y: &str, rows: &[(f64, f64, f64)]) {
    let chart = svg(
        title,
        x,
        y,
        &[
            Series {
                label: "merchant terminal".into(),
                points: rows.iter().map(|(x, o, _)| (*x, *o)).collect(),
            },
            Series {
                label: "plain SQLite, same schema".into(),
                points: rows.iter().map(|(x, _, b)| (*x, *b)).collect(),
            },
        ],
    );
    if let Some(dir) = crate::plots_dir() {
        ok(
            "write a plot",
            std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join(file), chart)),
        );
        report.plots.push(file.into());
    }
}

/// Load, reports and search at every size; the targets are judged at the
/// largest.
pub fn run(report: &mut Report) {
    let sizes = sizes();
    let (mut loads, mut reports, mut searches, mut by_days) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let last = sizes.len() - 1;
    for (i, &n) in sizes.iter().enumerate() {
        let (set, ours_load, plain_load) = load(n);
        loads.push((n as f64, ours_load, plain_load));
        let (o365, b365) = time_report(&set, 365);
        reports.push((n as f64, o365, b365));
        let (os, bs, found) = time_search(&set);
        searches.push((n as f64, os, bs));
        if i != last {
            continue;
        }
        for days in [1, 31, 365] {
            let (o, b) = if days == 365 {
                (o365, b365)
            } else {
                time_report(&set, days)
            };
            by_days.push((days as f64, o, b));
        }
        report.add(
            format!("load {n} sales (one transaction per 20,000)"),
            (ours_load, plain_load),
            "plain SQLite, same schema",
            "s",
            Target::Ratio(1.5),
        );
        report.add(
            format!("report over 365 days of {n} sales (one pass: hour, day, brand, staff, refunds)"),
            (o365, b365),
            "the same query and pass on plain rows",
            "ms",
            Target::RatioAndAtMost(1.1, 400.0),
        );
        let (o1, b1) = (by_days[0].1, by_days[0].2);
        report.add(
            format!("day view: report over one day of {n} sales"),
            (o1, b1),
            "the same on plain rows",
            "ms",
            Target::AtMost(25.0),
        );
        report.add(
            format!("find by last 4 within a day of {n} sales ({found} matches over 50 searches, opened)"),
            (os, bs),
            "plain, same index, every column read",
            "µs per search",
            Target::Ratio(1.2),
        );
    }
    let n = sizes[last];
    report.growth.push(growth_table(
        "Bulk load against the number of sales",
        "s",
        "sales",
        &loads,
    ));
    report.growth.push(growth_table(
        "365-day report against the number of sales",
        "ms",
        "sales",
        &reports,
    ));
    report.growth.push(growth_table(
        &format!("Report over {n} sales against the days covered"),
        "ms",
        "days",
        &by_days,
    ));
    report.growth.push(growth_table(
        "Find by last 4 within a day against the number of sales",
        "µs per search",
        "sales",
        &searches,
    ));
    plot(report, "load.svg", "Bulk load", "sales", "seconds", &loads);
    plot(
        report,
        "report.svg",
        "365-day report",
        "sales",
        "milliseconds",
        &reports,
    );
    plot(
        report,
        "report-days.svg",
        &format!("Report over {n} sales"),
        "days covered",
        "milliseconds",
        &by_days,
    );
    plot(
        report,
        "search.svg",
        "Find by last 4 within a day",
        "sales",
        "µs per search",
        &searches,
    );
}
