//! Benchmarks, each a ratio against a baseline measured in the same run
//! (this machine is shared and noisy): medians of repeated rounds.
//!
//! Run: `cargo run --release -p merchant-bench` (add a name to run one:
//! `seal`, `commit`, `reports`, `roundtrip`, `bundle`, `startup`). `startup` needs
//! the release builds (`cargo build --release -p merchant-terminal -p
//! tauri-baseline -p merchantctl`) and a display (`xvfb-run -a cargo run --release -p
//! merchant-bench startup`). Results go to stdout as a Markdown table.
//! `MERCHANT_BENCH_ROWS` sets the size of the reports data set (default
//! 1,000,000 sales over 365 days).
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Instant;

use merchant_core::gateway::{CaptureMode, GatewayRef, IdempotencyKey};
use merchant_core::money::{Currency, MinorUnits, Money};
use merchant_core::store::{NewSale, SaleId, SaleStatus, Settlement, Store};
use merchant_core::vault::{Cell, MasterKey, Sealer, SubKeys};

const ROUNDS: usize = 9;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Nanoseconds per operation, median over rounds.
fn ns_per_op(ops: usize, mut f: impl FnMut()) -> f64 {
    let rounds = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos() as f64 / ops as f64
        })
        .collect();
    median(rounds)
}

fn row(name: &str, ours: f64, base: f64, unit: &str, target: &str) {
    println!(
        "| {name} | {ours:.2} {unit} | {base:.2} {unit} | {:.2}× | {target} |",
        ours / base
    );
}

fn sealer() -> Sealer {
    match MasterKey::from_slice(&[7u8; 32]) {
        Some(k) => Sealer::ephemeral(&SubKeys::new(k)),
        None => unreachable!("32 bytes"),
    }
}

fn bench_seal() {
    let s = sealer();
    let field = [0x41u8; 64];
    let cell = Cell::new("sales", "description", "01a2b3c4-0000-7000-8000-000000000000");
    const N: usize = 100_000;
    let ours = ns_per_op(N, || {
        for _ in 0..N {
            black_box(s.seal(cell, black_box(&field)));
        }
    });
    let key = ring::aead::LessSafeKey::new(
        ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, &[7u8; 32]).unwrap_or_else(|_| unreachable!()),
    );
    let rng = ring::rand::SystemRandom::new();
    let base = ns_per_op(N, || {
        for _ in 0..N {
            let mut nonce = [0u8; 12];
            let _ = ring::rand::SecureRandom::fill(&rng, &mut nonce);
            let mut buf = field.to_vec();
            let tag = key
                .seal_in_place_separate_tag(
                    ring::aead::Nonce::assume_unique_for_key(nonce),
                    ring::aead::Aad::from(b"ad"),
                    &mut buf,
                )
                .unwrap_or_else(|_| unreachable!());
            buf.extend_from_slice(tag.as_ref());
            black_box(buf);
        }
    });
    row(
        "seal one 64-byte field (XChaCha20-Poly1305, random nonce, AD)",
        ours,
        base,
        "ns",
        "≤ 3× ring, ≤ 1 µs",
    );

    // Bulk: 1 MiB, the size class of support-bundle chunks and logs.
    let big = vec![0x42u8; 1 << 20];
    const M: usize = 20;
    let ours = ns_per_op(M, || {
        for _ in 0..M {
            black_box(s.seal(cell, black_box(&big)));
        }
    });
    let base = ns_per_op(M, || {
        for _ in 0..M {
            let mut buf = big.clone();
            let tag = key
                .seal_in_place_separate_tag(
                    ring::aead::Nonce::assume_unique_for_key([1u8; 12]),
                    ring::aead::Aad::empty(),
                    &mut buf,
                )
                .unwrap_or_else(|_| unreachable!());
            let _ = black_box((buf, tag));
        }
    });
    let gbps = |ns: f64| (1u64 << 20) as f64 / ns;
    println!(
        "| seal 1 MiB (throughput) | {:.2} GB/s | {:.2} GB/s | {:.2}× time | ≥ 1 GB/s |",
        gbps(ours),
        gbps(base),
        ours / base
    );
}

/// The baseline file: SQLite with the cache's own schema (its migrations),
/// pragmas and indexes, where the same columns are written in clear. "Same
/// schema, no sealing": the ratio is what sealing and the blind indexes cost.
fn plain_cache(path: &std::path::Path) -> rusqlite::Connection {
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
        Err(e) => panic!("{e}"),
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

fn bench_commit() {
    const N: usize = 300;
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let store = match Store::open(&dir.path().join("ours.sqlite3"), sealer()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let money = Money::new(MinorUnits::new(1250), Currency::Usd);
    let mut ours = Vec::new();
    let mut base = Vec::new();
    let plain = plain_cache(&dir.path().join("plain.sqlite3"));
    for _ in 0..ROUNDS {
        let t = Instant::now();
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
            let _ = store.insert_pending(&sale);
            let _ = store.settle(
                id,
                &Settlement {
                    status: SaleStatus::Approved,
                    captured: Some(money.amount),
                    risk: None,
                    outcome_code: None,
                    gateway_ref: Some(GatewayRef("pi_3AbCdEfGhIjKlMnO".into())),
                    card: None,
                },
            );
        }
        ours.push(t.elapsed().as_nanos() as f64 / N as f64 / 1000.0);
        let t = Instant::now();
        for i in 0..N {
            let id = SaleId::new().to_string();
            let at = i as i64;
            let _ = plain.prepare_cached(PLAIN_INSERT).and_then(|mut st| {
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
            let _ = plain.prepare_cached(PLAIN_SETTLE).and_then(|mut st| {
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
        }
        base.push(t.elapsed().as_nanos() as f64 / N as f64 / 1000.0);
    }
    row(
        "per-charge journal + settle, synchronous=FULL (2 commits), same schema",
        median(ours),
        median(base),
        "µs",
        "≤ 1.1× plain SQLite",
    );
}

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
type Row = (i64, i64, Currency, SaleStatus, &'static str, &'static str, String);

fn rows(n: usize, start_ms: i64) -> Vec<Row> {
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

fn bench_reports() {
    use merchant_core::gateway::CardSummary;
    use merchant_core::reports::{figures, Period, ShopZone};

    let n: usize = std::env::var("MERCHANT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let start_ms = 1_767_225_600_000; // 2026-01-01T00:00Z
    let data = rows(n, start_ms);
    let load = Instant::now();
    let store = match Store::open(&dir.path().join("ours.sqlite3"), sealer()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut ids = Vec::with_capacity(n);
    let mut keys = Vec::with_capacity(n);
    for chunk in data.chunks(20_000) {
        let batch: Vec<_> = chunk
            .iter()
            .map(|(at, amount, currency, status, brand, staff, last4)| {
                let (at, amount, currency, status, brand, staff) = (*at, *amount, *currency, *status, *brand, *staff);
                let id = SaleId::new();
                ids.push(id.to_string());
                let idempotency_key = IdempotencyKey::generate();
                keys.push(idempotency_key.as_str().to_string());
                let money = Money::new(MinorUnits::new(amount), currency);
                (
                    NewSale {
                        id,
                        terminal_id: "t1".into(),
                        money,
                        idempotency_key,
                        source: "reader",
                        capture: CaptureMode::Automatic,
                        staff_id: Some(staff.into()),
                        description: Some("2 lattes".into()),
                        created_at: time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
                            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                    },
                    Settlement {
                        status,
                        captured: (status == SaleStatus::Approved).then_some(money.amount),
                        risk: None,
                        outcome_code: None,
                        gateway_ref: Some(GatewayRef("pi_3AbCdEfGhIjKlMnO".into())),
                        card: Some(CardSummary {
                            brand: brand.into(),
                            last4: last4.clone(),
                            exp_month: 12,
                            exp_year: 2030,
                        }),
                    },
                )
            })
            .collect();
        if let Err(e) = store.insert_settled(&batch) {
            panic!("{e}");
        }
    }
    let ours_load = load.elapsed().as_secs_f64();
    // The baseline: the same rows, the same schema and indexes, the same
    // transactions of 20,000, every value in clear (brand and last 4 stand
    // in their own blind-index columns, as a plain app would index them).
    let mut plain = plain_cache(&dir.path().join("plain.sqlite3"));
    let load = Instant::now();
    let insert_plain = |conn: &mut rusqlite::Connection| -> rusqlite::Result<()> {
        for (chunk, offset) in data.chunks(20_000).zip((0..).step_by(20_000)) {
            let tx = conn.transaction()?;
            {
                let mut st = tx.prepare_cached(PLAIN_INSERT)?;
                for (i, (at, amount, currency, status, brand, staff, last4)) in chunk.iter().enumerate() {
                    let status = format!("{status:?}").to_lowercase();
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
    if let Err(e) = insert_plain(&mut plain) {
        panic!("{e}");
    }
    let plain_load = load.elapsed().as_secs_f64();
    // One refund of half the sale for every 20th approved sale, an hour
    // later, written to both files the same way.
    let refund_sql =
        "INSERT INTO refunds (id, sale_id, terminal_id, status, created_at_ms, updated_at_ms, amount_minor,
                        currency, reason, staff_id, idempotency_key, key_version, card_brand_bidx)
                      VALUES (?1, ?2, 't1', 'succeeded', ?3, ?3, ?4, ?5, 'requested_by_customer', ?6, ?1, 1,
                              (SELECT card_brand_bidx FROM sales WHERE id = ?2))";
    let add_refunds = |conn: &mut rusqlite::Connection, sql: &str| -> rusqlite::Result<()> {
        let tx = conn.transaction()?;
        {
            let mut st = tx.prepare(sql)?;
            for (i, (id, (at, amount, currency, status, _, staff, _))) in ids.iter().zip(&data).enumerate() {
                let (at, amount, currency, status, staff) = (*at, *amount, *currency, *status, *staff);
                if i % 20 == 0 && status == SaleStatus::Approved {
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
    let mut ours_conn = match rusqlite::Connection::open(dir.path().join("ours.sqlite3")) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    if let Err(e) = add_refunds(&mut ours_conn, refund_sql).and_then(|()| add_refunds(&mut plain, refund_sql)) {
        panic!("{e}");
    }
    println!(
        "| load {n} sales (sealed, one transaction per 20,000) | {ours_load:.1} s | {plain_load:.1} s (plain, same schema) | {:.2}× | ≤ 1.5× plain |",
        ours_load / plain_load
    );

    let zone = match ShopZone::new(Some("UTC")) {
        Ok(z) => z,
        Err(e) => panic!("{e}"),
    };
    let names = |id: &str| id.to_string();
    let plain_report = |from: i64, to: i64| -> rusqlite::Result<usize> {
        let mut rows = 0;
        for sql in [
            "SELECT status, currency, COUNT(*), SUM(amount_minor), SUM(captured_minor) FROM sales
             WHERE created_at_ms >= ?1 AND created_at_ms < ?2 GROUP BY 1, 2",
            "SELECT currency, created_at_ms / 3600000 % 24, COUNT(*), SUM(captured_minor) FROM sales
             WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND status = 'approved' GROUP BY 1, 2",
            "SELECT currency, created_at_ms / 86400000, COUNT(*), SUM(captured_minor) FROM sales
             WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND status = 'approved' GROUP BY 1, 2",
            "SELECT currency, card_brand_bidx, COUNT(*), SUM(captured_minor) FROM sales
             WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND status = 'approved' GROUP BY 1, 2",
            "SELECT currency, staff_id, COUNT(*), SUM(captured_minor) FROM sales
             WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND status = 'approved' GROUP BY 1, 2",
            "SELECT currency, created_at_ms / 3600000 % 24, card_brand_bidx, staff_id, COUNT(*), SUM(amount_minor)
             FROM refunds
             WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND status = 'succeeded' GROUP BY 1, 2, 3, 4",
        ] {
            let mut st = plain.prepare_cached(sql)?;
            let mut q = st.query(rusqlite::params![from, to])?;
            while q.next()?.is_some() {
                rows += 1;
            }
        }
        Ok(rows)
    };
    for (label, from, to, target) in [
        (
            "day view, one day",
            start_ms + 200 * 86_400_000,
            start_ms + 201 * 86_400_000,
            "≤ 25 ms",
        ),
        (
            "day view, 365 days",
            start_ms,
            start_ms + 365 * 86_400_000,
            "≤ 1.1× plain, ≤ 400 ms",
        ),
    ] {
        let period = Period {
            from_ms: from,
            to_ms: to,
        };
        let mut ours = Vec::new();
        let mut base = Vec::new();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            black_box(
                figures(&store, period, &zone, false, &names)
                    .map(|f| f.currencies.len())
                    .ok(),
            );
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            black_box(plain_report(from, to).ok());
            base.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        row(
            &format!("{label} over {n} sales (figures, by hour/day/brand/staff)"),
            median(ours),
            median(base),
            "ms",
            target,
        );
    }

    // Find by last 4: ours through the HMAC blind index (then opening each
    // match), plain through the same index holding the digits; the plain
    // side reads every column of each match, as an app filling a list would.
    let plain_find = |last4: &str, from: i64, to: i64| -> rusqlite::Result<usize> {
        let mut st = plain.prepare_cached(
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
    // 500 rows at most, as the counter's search asks for.
    let ours_find = |last4: &str, from: i64, to: i64| -> usize {
        let query = merchant_core::store::SalesQuery {
            since_ms: from,
            until_ms: to,
            last4: Some(last4.into()),
            limit: 500,
            ..Default::default()
        };
        store.search(&query).map(|v| v.len()).unwrap_or(0)
    };
    // Within a day (the target): the last 4 of 50 sales of one day, each
    // looked up in that day.
    let (day_from, day_to) = (start_ms + 200 * 86_400_000, start_ms + 201 * 86_400_000);
    let wanted: Vec<&str> = data
        .iter()
        .filter(|r| r.0 >= day_from && r.0 < day_to)
        .take(50)
        .map(|r| r.6.as_str())
        .collect();
    let mut ours = Vec::new();
    let mut base = Vec::new();
    let mut matches = 0;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        matches = wanted.iter().map(|l| ours_find(l, day_from, day_to)).sum::<usize>();
        ours.push(t.elapsed().as_secs_f64() * 1e6 / wanted.len() as f64);
        let t = Instant::now();
        black_box(
            wanted
                .iter()
                .map(|l| plain_find(l, day_from, day_to).unwrap_or(0))
                .sum::<usize>(),
        );
        base.push(t.elapsed().as_secs_f64() * 1e6 / wanted.len() as f64);
    }
    row(
        &format!(
            "find by last 4 within a day ({} searches, {matches} matches, opened)",
            wanted.len()
        ),
        median(ours),
        median(base),
        "µs per search",
        "≤ 1.2× plain",
    );
    // Over the whole year (informational): many matches, each opened.
    let mut ours = Vec::new();
    let mut base = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        matches = ours_find("4242", 0, i64::MAX);
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        black_box(plain_find("4242", 0, i64::MAX).ok());
        base.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    row(
        &format!("find by last 4 over {n} sales ({matches} matches, opened)"),
        median(ours),
        median(base),
        "ms",
        "informational",
    );
}

/// A charge through the whole core (journal, HTTP with retries, settle,
/// sealing) against the same gateway and TLS as a raw reqwest POST of the
/// same PaymentIntent: what the terminal adds to a card payment.
fn bench_roundtrip() {
    use merchant_core::config::{Mode, Settings};
    use merchant_core::counter::{ChargeInput, Counter};
    use merchant_core::gateway::http::HttpConfig;
    use merchant_core::gateway::stripe::{StripeCompat, StripeGateway};
    use merchant_tests::{Localstripe, TestPki};

    const N: usize = 40;
    let setup = || -> Result<(TestPki, Localstripe), String> {
        let pki = TestPki::new().map_err(|e| e.to_string())?;
        let gw = Localstripe::start(&pki, "server").map_err(|e| e.to_string())?;
        Ok((pki, gw))
    };
    let (pki, gw) = match setup() {
        Ok(v) => v,
        Err(e) => panic!("the test gateway did not start (run scripts/setup): {e}"),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => panic!("{e}"),
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let key = "sk_test_merchantterminal01";
    let mut http = HttpConfig::new(gw.url());
    http.extra_ca = Some(pki.ca());
    let counter = rt.block_on(async {
        let store = Store::open(&dir.path().join("ours.sqlite3"), sealer()).map_err(|e| e.to_string())?;
        let stripe = StripeGateway::new(
            http,
            secrecy::SecretString::from(key.to_string()),
            StripeCompat::default(),
        )
        .map_err(|e| e.to_string())?;
        let settings = Settings {
            mode: Mode::Live,
            ..Settings::default()
        };
        Counter::from_parts(settings, "t-bench".into(), store, std::sync::Arc::new(stripe))
            .await
            .map_err(|e| e.to_string())
    });
    let counter = match counter {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let raw = std::fs::read(pki.ca())
        .ok()
        .and_then(|pem| reqwest::Certificate::from_pem(&pem).ok())
        .and_then(|ca| {
            reqwest::Client::builder()
                .use_rustls_tls()
                .add_root_certificate(ca)
                .build()
                .ok()
        });
    let Some(raw) = raw else { panic!("raw client") };
    let url = format!("{}v1/payment_intents", gw.url());
    let mut ours = Vec::new();
    let mut base = Vec::new();
    rt.block_on(async {
        // Warm both connection pools first.
        let _ = counter.charge(charge_input()).await;
        let _ = raw_charge(&raw, &url, key).await;
        // One charge each way, alternately, so both see the same moment of
        // a noisy machine; every charge is one sample.
        for _ in 0..ROUNDS * N {
            let t = Instant::now();
            black_box(counter.charge(charge_input()).await.ok());
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            black_box(raw_charge(&raw, &url, key).await);
            base.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    });
    let pct = |xs: &mut Vec<f64>, p: f64| {
        xs.sort_by(f64::total_cmp);
        xs[((xs.len() as f64 - 1.0) * p).round() as usize]
    };
    let (o50, b50, o99, b99) = (
        pct(&mut ours, 0.5),
        pct(&mut base, 0.5),
        pct(&mut ours, 0.99),
        pct(&mut base, 0.99),
    );
    let samples = ours.len();
    row(
        &format!("charge round trip p50 ({samples} charges each): whole core vs a raw reqwest POST (localstripe, TLS)"),
        o50,
        b50,
        "ms",
        &format!("≤ 5 ms above raw: +{:.2} ms", o50 - b50),
    );
    row(
        &format!("charge round trip p99 ({samples} charges each)"),
        o99,
        b99,
        "ms",
        &format!("≤ 15 ms above raw: +{:.2} ms", o99 - b99),
    );

    fn charge_input() -> ChargeInput {
        ChargeInput {
            amount: "12.50".into(),
            currency: None,
            description: Some("2 lattes".into()),
            simulated_card: None,
            payment_method: Some("pm_card_visa".into()),
            capture: CaptureMode::Automatic,
            staff_id: None,
            audit_anchor: None,
        }
    }

    async fn raw_charge(client: &reqwest::Client, url: &str, key: &str) -> bool {
        let form = [
            ("amount", "1250"),
            ("currency", "usd"),
            ("payment_method", "pm_card_visa"),
            ("payment_method_types[]", "card"),
            ("confirm", "true"),
            ("expand[]", "latest_charge"),
        ];
        client
            .post(url)
            .bearer_auth(key)
            .header("Idempotency-Key", IdempotencyKey::generate().as_str())
            .form(&form)
            .send()
            .await
            .map(|r| r.status().is_success())
            .unwrap_or(false)
    }
}

/// Every process in the tree under `root`, with its resident memory (kB).
/// Resident (RSS) and proportional (PSS: shared pages divided among the
/// processes sharing them) memory of `root` and its descendants, in KiB.
fn tree_memory_kb(root: u32) -> (u64, u64) {
    let mut parent = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The fields after the command name (which may hold spaces).
        let after = stat.rsplit_once(')').map(|(_, a)| a).unwrap_or("");
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
            parent.insert(pid, ppid);
        }
    }
    let in_tree = |mut pid: u32| loop {
        if pid == root {
            return true;
        }
        match parent.get(&pid) {
            Some(&p) if p != 0 && p != pid => pid = p,
            _ => return false,
        }
    };
    let field = |path: String, name: &str| -> u64 {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    parent
        .keys()
        .filter(|pid| in_tree(**pid))
        .map(|pid| {
            (
                field(format!("/proc/{pid}/status"), "VmRSS:"),
                field(format!("/proc/{pid}/smaps_rollup"), "Pss:"),
            )
        })
        .fold((0, 0), |(r, p), (r2, p2)| (r + r2, p + p2))
}

/// One launch: time until the window is mapped, time until its page has
/// loaded (the `since_start_ms` line both apps print), and the tree's RSS
/// and PSS 5 s after the start.
struct Launch {
    mapped_ms: f64,
    loaded_ms: f64,
    rss_kb: f64,
    pss_kb: f64,
}

fn launch(mut cmd: std::process::Command, title: &str) -> Launch {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    cmd.process_group(0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let t = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    // Both streams are read to the end (a full pipe would stall the app);
    // the first start-up line is kept.
    let loaded = std::sync::Arc::new(std::sync::Mutex::new(None::<f64>));
    let mut readers = Vec::new();
    let streams: [Option<Box<dyn std::io::Read + Send>>; 2] = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ];
    for stream in streams.into_iter().flatten() {
        let loaded = loaded.clone();
        readers.push(std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream).lines().map_while(Result::ok) {
                let ms = line
                    .split("since_start_ms=")
                    .nth(1)
                    .and_then(|v| v.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|v| v.parse::<f64>().ok());
                if let (Some(ms), Ok(mut slot)) = (ms, loaded.lock()) {
                    slot.get_or_insert(ms);
                }
            }
        }));
    }
    let needle = format!("\"{title}\"");
    let mut shown = None;
    while t.elapsed() < std::time::Duration::from_secs(60) {
        let tree = std::process::Command::new("xwininfo").args(["-root", "-tree"]).output();
        if tree.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(&needle)) {
            shown = Some(t.elapsed().as_secs_f64() * 1000.0);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_secs(5));
    let (rss, pss) = tree_memory_kb(child.id());
    let _ = std::process::Command::new("kill")
        .args(["-9", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.wait();
    for r in readers {
        let _ = r.join();
    }
    let loaded_ms = loaded.lock().ok().and_then(|l| *l);
    match (shown, loaded_ms) {
        (Some(mapped_ms), Some(loaded_ms)) => Launch {
            mapped_ms,
            loaded_ms,
            rss_kb: rss as f64,
            pss_kb: pss as f64,
        },
        (None, _) => panic!("{title}: no window within 60 s (is DISPLAY set?)"),
        (_, None) => panic!("{title}: no start-up line (page loaded) within 5 s"),
    }
}

/// Cold start, idle memory and size of the release app against the
/// smallest Tauri app built with the same profile.
fn bench_startup() {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let ours_bin = target.join("release/merchant-terminal");
    let base_bin = target.join("release/tauri-baseline");
    let size = |p: &std::path::Path| match std::fs::metadata(p) {
        Ok(m) => m.len() as f64 / 1_048_576.0,
        Err(_) => panic!(
            "{} missing: cargo build --release -p merchant-terminal -p tauri-baseline -p merchantctl",
            p.display()
        ),
    };
    let (ours_mb, base_mb) = (size(&ours_bin), size(&base_bin));
    let session = match merchant_tests::KeyringSession::unlocked() {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let home = match merchant_tests::TerminalHome::new() {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    if let Err(e) = home.ensure_owner(Some(&session)) {
        panic!("{e}");
    }
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let mut cmd = std::process::Command::new(&ours_bin);
        session.envs(&mut cmd);
        cmd.env("MERCHANT_TERMINAL_HOME", home.path());
        ours.push(launch(cmd, "Merchant Terminal"));
        base.push(launch(std::process::Command::new(&base_bin), "Tauri Baseline"));
    }
    let med = |xs: &[Launch], f: fn(&Launch) -> f64| median(xs.iter().map(f).collect());
    row(
        "cold start to window mapped (release, median of 5)",
        med(&ours, |l| l.mapped_ms),
        med(&base, |l| l.mapped_ms),
        "ms",
        "≤ 1.3× a minimal Tauri app, ≤ 1 s",
    );
    row(
        "cold start to the first screen's page loaded (median of 5)",
        med(&ours, |l| l.loaded_ms),
        med(&base, |l| l.loaded_ms),
        "ms",
        "≤ 1.3× a minimal Tauri app, ≤ 1 s",
    );
    row(
        "idle memory 5 s after start, whole process tree (RSS)",
        med(&ours, |l| l.rss_kb / 1024.0),
        med(&base, |l| l.rss_kb / 1024.0),
        "MiB",
        "informational",
    );
    row(
        "idle memory 5 s after start, whole process tree (PSS)",
        med(&ours, |l| l.pss_kb / 1024.0),
        med(&base, |l| l.pss_kb / 1024.0),
        "MiB",
        "≤ 1.3× a minimal Tauri app",
    );
    row(
        "release binary size (stripped, LTO)",
        ours_mb,
        base_mb,
        "MiB",
        "reported",
    );
}

/// A support bundle of realistic logs, end to end (redaction, tar, age),
/// against age alone sealing the same number of bytes: how fast the sealing
/// is, and what share of the export it takes.
fn bench_bundle() {
    use merchant_core::export::{seal, Manifest, Part};
    const FILES: usize = 4;
    const LINES: usize = 80_000;
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let mut total = 0usize;
    let mut paths = Vec::new();
    for f in 0..FILES {
        let mut text = String::with_capacity(LINES * 160);
        for i in 0..LINES {
            text.push_str(&format!(
                "2026-11-28T14:{:02}:{:02}.{:06}Z  INFO merchant_core::counter: charge settled sale_id=01938a7c-{f:04x}-7000-8000-{i:012x} status=approved amount_minor={} currency=USD\n",
                i % 60,
                (i / 60) % 60,
                i,
                100 + i % 9_000
            ));
        }
        total += text.len();
        let path = dir.path().join(format!("app.{f}.log"));
        if let Err(e) = std::fs::write(&path, text) {
            panic!("{e}");
        }
        paths.push(path);
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let parts = || {
        paths
            .iter()
            .enumerate()
            .map(|(i, p)| Part::Log {
                path: format!("logs/app.{i}.log"),
                source: p.clone(),
            })
            .collect::<Vec<_>>()
    };
    let manifest = || Manifest {
        terminal_id: "t1".into(),
        created_at_ms: 0,
        app_version: "bench".into(),
        audit_head: None,
        recipients: vec![recipient.to_string()],
        files: Vec::new(),
    };
    let payload = vec![0x41u8; total];
    let (mut export, mut sealing) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let t = Instant::now();
        if let Err(e) = seal(manifest(), parts(), std::slice::from_ref(&recipient), std::io::sink()) {
            panic!("{e}");
        }
        export.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let sealed = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .and_then(|e| Ok(e.wrap_output(std::io::sink())?))
            .and_then(|mut w| {
                std::io::Write::write_all(&mut w, &payload)?;
                Ok(w.finish()?)
            });
        if sealed.is_err() {
            panic!("age");
        }
        sealing.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (export, sealing) = (median(export), median(sealing));
    println!(
        "| support bundle of {:.0} MiB of logs: export (redact, tar, age) vs age alone | {export:.1} ms | {sealing:.1} ms | sealing = {:.0} % of the export; age at {:.2} GB/s | ≥ 1 GB/s, ≤ 10 % of export time |",
        total as f64 / 1_048_576.0,
        100.0 * sealing / export,
        total as f64 / (sealing / 1000.0) / 1e9
    );
}

fn main() {
    let only = std::env::args().nth(1);
    let run = |name: &str| only.as_deref().is_none_or(|o| o == name);
    println!("| benchmark | merchant terminal | baseline (same run) | ratio | target |");
    println!("|---|---|---|---|---|");
    if run("seal") {
        bench_seal();
    }
    if run("commit") {
        bench_commit();
    }
    if run("reports") {
        bench_reports();
    }
    if run("roundtrip") {
        bench_roundtrip();
    }
    if run("bundle") {
        bench_bundle();
    }
    // Not in the default run: it needs release builds and a display.
    if only.as_deref() == Some("startup") {
        bench_startup();
    }
}
