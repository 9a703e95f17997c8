//! The transaction cache against plain SQLite with the same schema (its own
//! migrations, pragmas and indexes) holding the same rows in clear: the
//! per-charge commit, the bulk load, the reports and the search by last 4,
//! each at 10,000, 100,000 and 1,000,000 sales to show how cost grows.
//!
//! Both sides do the same work: the same statements and transactions, the
//! same single-pass report query over the same covering index with the same
//! aggregation, the same search through the same index. Each result is
//! checked against the other side's, so a broken path stops the run.

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;

use merchant_core::gateway::{CaptureMode, CardSummary, GatewayRef, IdempotencyKey};
use merchant_core::money::{Currency, MinorUnits, Money};
use merchant_core::reports::{figures, Figures, Period, ShopZone};
use merchant_core::store::{NewSale, SaleId, SaleStatus, SalesQuery, Settlement, Store};

use crate::figure::{fail, median, ms, ok, Report, Target, ROUNDS};
use crate::plot::{growth_exponent, svg, Series};

const DAY_MS: i64 = 86_400_000;
/// 2026-01-01T00:00Z: the generated year starts here.
const START_MS: i64 = 1_767_225_600_000;

/// The baseline file: SQLite with the cache's own schema (its migrations),
/// pragmas and indexes, where the same columns are written in clear. "Same
/// schema, no sealing": the ratio is what sealing and the blind indexes cost.
pub fn plain_cache(path: &std::path::Path) -> rusqlite::Connection {
    let open = || -> Result<rusqlite::Connection, String> {
        let mut c = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
        c.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;
             PRAGMA secure_delete=ON; PRAGMA cache_size=-65536;",
        )
        .map_err(|e| e.to_string())?;
        merchant_core::store::migrations()
            .to_latest(&mut c)
            .map_err(|e| e.to_string())?;
        Ok(c)
    };
    match open() {
        Ok(c) => c,
        Err(e) => crate::figure::fail("open the plain baseline", e),
    }
}

/// The cache's INSERT, for the baseline (values in clear).
const PLAIN_INSERT: &str =
    "INSERT INTO sales (id, terminal_id, kind, status, created_at_ms, updated_at_ms, amount_minor,
        currency, idempotency_key, source, key_version, description, capture_method, staff_id,
        outcome_code, captured_minor, risk, gateway_ref, card_brand, card_last4, card_expiry,
        card_last4_bidx, card_brand_bidx)
     VALUES (?1, 't1', 'sale', ?2, ?3, ?3, ?4, ?5, ?6, 'reader', 0, ?7, 'automatic', ?8,
             NULL, ?9, NULL, ?10, ?11, ?12, ?13, ?12, ?11)";

/// The cache's settle, for the baseline.
const PLAIN_SETTLE: &str = "UPDATE sales SET status = ?2, outcome_code = ?3, gateway_ref = COALESCE(?4, gateway_ref),
        card_brand = COALESCE(?5, card_brand), card_last4 = COALESCE(?6, card_last4),
        card_expiry = COALESCE(?7, card_expiry), card_last4_bidx = COALESCE(?8, card_last4_bidx),
        updated_at_ms = ?9, captured_minor = COALESCE(?10, captured_minor),
        op_kind = NULL, op_key = NULL, op_amount_minor = NULL, risk = COALESCE(?11, risk),
        card_brand_bidx = COALESCE(?12, card_brand_bidx)
     WHERE id = ?1";

/// A small deterministic generator (xorshift64*), so both data sets hold
/// the same rows in every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One generated sale: (created ms, amount, currency, status, brand, staff, last 4).
pub type Row = (i64, i64, Currency, SaleStatus, &'static str, &'static str, String);

pub fn rows(n: usize, start_ms: i64) -> Vec<Row> {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let span = 365 * 86_400_000_i64;
    let mut out: Vec<Row> = (0..n)
        .map(|_| {
            let at = start_ms + (g.below(span as u64) as i64);
            let currency = match g.below(100) {
                0..=89 => Currency::Usd,
                90..=96 => Currency::Eur,
                _ => Currency::Jpy,
            };
            let status = match g.below(100) {
                0..=92 => SaleStatus::Approved,
                93..=95 => SaleStatus::Declined,
                96..=97 => SaleStatus::Authorized,
                _ => SaleStatus::Voided,
            };
            let brand = ["visa", "visa", "mastercard", "amex", "discover"][g.below(5) as usize];
            let staff = ["s1", "s2", "s3", "s4", "s5", "s6"][g.below(6) as usize];
            let last4 = format!("{:04}", g.below(10_000));
            (at, 100 + g.below(20_000) as i64, currency, status, brand, staff, last4)
        })
        .collect();
    out.sort_by_key(|r| r.0);
    out
}

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
                    let id = SaleId::new();
                    let sale = NewSale {
                        id,
                        terminal_id: "t1".into(),
                        money,
                        idempotency_key: IdempotencyKey::generate(),
                        source: "reader",
                        capture: CaptureMode::Automatic,
                        staff_id: None,
                        description: Some("2 lattes".into()),
                        created_at: time::OffsetDateTime::now_utc(),
                    };
                    ok("journal a sale", store.insert_pending(&sale));
                    let settled = Settlement {
                        status: SaleStatus::Approved,
                        captured: Some(money.amount),
                        risk: None,
                        outcome_code: None,
                        gateway_ref: Some(GatewayRef("pi_3AbCdEfGhIjKlMnO".into())),
                        card: None,
                    };
                    ok("settle a sale", store.settle(id, &settled));
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

/// The same generated sales in the cache and in the plain file.
struct DataSet {
    _dir: tempfile::TempDir,
    store: Store,
    plain: rusqlite::Connection,
    data: Vec<Row>,
}

/// Loads `n` sales into both files (one transaction per 20,000 on both
/// sides), then one refund of half the sale for every 20th approved sale.
/// Returns the load times in seconds.
fn load(n: usize) -> (DataSet, f64, f64) {
    let dir = ok("temporary folder", tempfile::tempdir());
    let data = rows(n, START_MS);
    let mut ids = Vec::with_capacity(n);
    let mut keys = Vec::with_capacity(n);
    let mut store = None;
    let ours = ms(|| {
        let s = ok(
            "open the cache",
            Store::open(&dir.path().join("ours.sqlite3"), crate::sealer()),
        );
        for chunk in data.chunks(20_000) {
            let batch: Vec<_> = chunk
                .iter()
                .map(|(at, amount, currency, status, brand, staff, last4)| {
                    let id = SaleId::new();
                    ids.push(id.to_string());
                    let idempotency_key = IdempotencyKey::generate();
                    keys.push(idempotency_key.as_str().to_string());
                    let money = Money::new(MinorUnits::new(*amount), *currency);
                    let sale = NewSale {
                        id,
                        terminal_id: "t1".into(),
                        money,
                        idempotency_key,
                        source: "reader",
                        capture: CaptureMode::Automatic,
                        staff_id: Some((*staff).into()),
                        description: Some("2 lattes".into()),
                        created_at: time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(*at) * 1_000_000)
                            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                    };
                    let settled = Settlement {
                        status: *status,
                        captured: (*status == SaleStatus::Approved).then_some(money.amount),
                        risk: None,
                        outcome_code: None,
                        gateway_ref: Some(GatewayRef("pi_3AbCdEfGhIjKlMnO".into())),
                        card: Some(CardSummary {
                            brand: (*brand).into(),
                            last4: last4.clone(),
                            exp_month: 12,
                            exp_year: 2030,
                        }),
                    };
                    (sale, settled)
                })
                .collect();
            ok("bulk load", s.insert_settled(&batch));
        }
        store = Some(s);
    }) / 1000.0;
    let Some(store) = store else { unreachable!("set above") };
    let mut plain = plain_cache(&dir.path().join("plain.sqlite3"));
    let base = ms(|| {
        let insert = |conn: &mut rusqlite::Connection| -> rusqlite::Result<()> {
            for (chunk, offset) in data.chunks(20_000).zip((0..).step_by(20_000)) {
                let tx = conn.transaction()?;
                {
                    let mut st = tx.prepare_cached(PLAIN_INSERT)?;
                    for (i, (at, amount, currency, status, brand, staff, last4)) in chunk.iter().enumerate() {
                        let status = status.as_str();
                        let captured = (status == "approved").then_some(*amount);
                        st.execute(rusqlite::params![
                            ids[offset + i],
                            status,
                            at,
                            amount,
                            currency.code(),
                            keys[offset + i],
                            b"2 lattes".as_slice(),
                            staff,
                            captured,
                            b"pi_3AbCdEfGhIjKlMnO".as_slice(),
                            brand.as_bytes(),
                            last4.as_bytes(),
                            b"12/2030".as_slice(),
                        ])?;
                    }
                }
                tx.commit()?;
            }
            Ok(())
        };
        ok("plain bulk load", insert(&mut plain));
    }) / 1000.0;
    let refund_sql =
        "INSERT INTO refunds (id, sale_id, terminal_id, status, created_at_ms, updated_at_ms, amount_minor,
                        currency, reason, staff_id, idempotency_key, key_version, card_brand_bidx)
                      VALUES (?1, ?2, 't1', 'succeeded', ?3, ?3, ?4, ?5, 'requested_by_customer', ?6, ?1, 1,
                              (SELECT card_brand_bidx FROM sales WHERE id = ?2))";
    let add_refunds = |conn: &mut rusqlite::Connection| -> rusqlite::Result<()> {
        let tx = conn.transaction()?;
        {
            let mut st = tx.prepare(refund_sql)?;
            for (i, (id, (at, amount, currency, status, _, staff, _))) in ids.iter().zip(&data).enumerate() {
                if i % 20 == 0 && *status == SaleStatus::Approved {
                    st.execute(rusqlite::params![
                        format!("r{i}"),
                        id,
                        at + 3_600_000,
                        amount / 2,
                        currency.code(),
                        staff
                    ])?;
                }
            }
        }
        tx.commit()
    };
    let mut ours_conn = ok(
        "open the cache file",
        rusqlite::Connection::open(dir.path().join("ours.sqlite3")),
    );
    ok(
        "refunds",
        add_refunds(&mut ours_conn).and_then(|()| add_refunds(&mut plain)),
    );
    for conn in [&ours_conn, &plain] {
        let count: i64 = ok("count", conn.query_row("SELECT COUNT(*) FROM sales", [], |r| r.get(0)));
        if count != n as i64 {
            fail("both files hold every sale", format!("{count} of {n}"));
        }
    }
    (
        DataSet {
            _dir: dir,
            store,
            plain,
            data,
        },
        ours,
        base,
    )
}

/// One currency's running totals on the plain side: the same lines the
/// product's report keeps.
#[derive(Default)]
struct PlainAcc {
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
fn plain_figures(conn: &rusqlite::Connection, from: i64, to: i64) -> rusqlite::Result<BTreeMap<String, PlainAcc>> {
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
fn same_totals(ours: &Figures, plain: &BTreeMap<String, PlainAcc>) -> Result<(), String> {
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
fn time_report(set: &DataSet, days: i64) -> (f64, f64) {
    let zone = ok("UTC", ShopZone::new(Some("UTC")));
    let from = if days >= 365 { START_MS } else { START_MS + 100 * DAY_MS };
    let to = from + days * DAY_MS;
    let period = Period {
        from_ms: from,
        to_ms: to,
    };
    let names = |id: &str| id.to_string();
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let mut f = None;
        ours.push(ms(|| {
            f = Some(ok("report", figures(&set.store, period, &zone, false, &names)))
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
fn time_search(set: &DataSet) -> (f64, f64, usize) {
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
