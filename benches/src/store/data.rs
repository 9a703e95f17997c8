//! The generated year of sales (the same rows on both sides) and the
//! baseline: SQLite with the cache's schema, in clear.

use merchant_core::gateway::{CardSummary, GatewayRef};
use merchant_core::money::{Currency, MinorUnits, Money};
use merchant_core::store::{NewSale, SaleStatus, Settlement, Store};
use merchant_core::testing;

use crate::figure::{fail, ms, ok};

pub(super) const DAY_MS: i64 = 86_400_000;

/// 2026-01-01T00:00Z: the generated year starts here.
pub(super) const START_MS: i64 = 1_767_225_600_000;

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
pub(super) const PLAIN_INSERT: &str =
    "INSERT INTO sales (id, terminal_id, kind, status, created_at_ms, updated_at_ms, amount_minor,
        currency, idempotency_key, source, key_version, description, capture_method, staff_id,
        outcome_code, captured_minor, risk, gateway_ref, card_brand, card_last4, card_expiry,
        card_last4_bidx, card_brand_bidx)
     VALUES (?1, 't1', 'sale', ?2, ?3, ?3, ?4, ?5, ?6, 'reader', 0, ?7, 'automatic', ?8,
             NULL, ?9, NULL, ?10, ?11, ?12, ?13, ?12, ?11)";

/// The cache's settle, for the baseline.
pub(super) const PLAIN_SETTLE: &str =
    "UPDATE sales SET status = ?2, outcome_code = ?3, gateway_ref = COALESCE(?4, gateway_ref),
        card_brand = COALESCE(?5, card_brand), card_last4 = COALESCE(?6, card_last4),
        card_expiry = COALESCE(?7, card_expiry), card_last4_bidx = COALESCE(?8, card_last4_bidx),
        updated_at_ms = ?9, captured_minor = COALESCE(?10, captured_minor),
        op_kind = NULL, op_key = NULL, op_amount_minor = NULL, risk = COALESCE(?11, risk),
        card_brand_bidx = COALESCE(?12, card_brand_bidx)
     WHERE id = ?1";

/// A small deterministic generator (xorshift64*), so both data sets hold
/// the same rows in every run.
pub(super) struct Gen(u64);

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

/// The same generated sales in the cache and in the plain file.
pub(super) struct DataSet {
    pub(super) _dir: tempfile::TempDir,
    pub(super) store: Store,
    pub(super) plain: rusqlite::Connection,
    pub(super) data: Vec<Row>,
}

/// Loads `n` sales into both files (one transaction per 20,000 on both
/// sides), then one refund of half the sale for every 20th approved sale.
/// Returns the load times in seconds.
pub(super) fn load(n: usize) -> (DataSet, f64, f64) {
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
                    let money = Money::new(MinorUnits::new(*amount), *currency);
                    let sale = NewSale {
                        staff_id: Some((*staff).into()),
                        description: Some("2 lattes".into()),
                        created_at: testing::at(*at),
                        ..testing::journaled(money)
                    };
                    ids.push(sale.id.to_string());
                    keys.push(sale.idempotency_key.as_str().to_string());
                    let settled = Settlement {
                        gateway_ref: Some(GatewayRef("pi_3AbCdEfGhIjKlMnO".into())),
                        card: Some(CardSummary {
                            last4: last4.clone(),
                            ..testing::card(brand)
                        }),
                        ..testing::settled(*status, money)
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
