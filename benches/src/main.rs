//! Benchmarks, each a ratio against a baseline measured in the same run
//! (this machine is shared and noisy): medians of repeated rounds.
//!
//! Run: `cargo run --release -p merchant-bench` (add a name to run one:
//! `seal`, `commit`). Results go to stdout as a Markdown table.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Instant;

use merchant_core::gateway::{CaptureMode, GatewayRef, IdempotencyKey};
use merchant_core::money::{Currency, MinorUnits, Money};
use merchant_core::store::{NewSale, SaleId, SaleStatus, Settlement, Store};
use merchant_core::vault::{Cell, KeyVersion, MasterKey, Sealer, SubKeys};

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
        Some(k) => Sealer::new(&SubKeys::new(k), KeyVersion::FIRST),
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
        "| seal 1 MiB (throughput) | {:.2} GB/s | {:.2} GB/s | {:.2}× time | informational |",
        gbps(ours),
        gbps(base),
        ours / base
    );
}

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
    let plain = match rusqlite::Connection::open(dir.path().join("plain.sqlite3")) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let _ = plain.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE sales (id TEXT PRIMARY KEY, created_at_ms INTEGER, amount_minor INTEGER, currency TEXT,
           status TEXT, idempotency_key TEXT UNIQUE, description BLOB, gateway_ref BLOB, card_last4 BLOB);
         CREATE INDEX sales_by_time ON sales (created_at_ms);",
    );
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
            let _ = plain.execute(
                "INSERT INTO sales (id, created_at_ms, amount_minor, currency, status, idempotency_key, description)
                 VALUES (?1, ?2, 1250, 'USD', 'pending', ?3, ?4)",
                rusqlite::params![
                    id,
                    i as i64,
                    IdempotencyKey::generate().as_str(),
                    b"2 lattes".as_slice()
                ],
            );
            let _ = plain.execute(
                "UPDATE sales SET status = 'approved', gateway_ref = ?2 WHERE id = ?1",
                rusqlite::params![id, b"pi_3AbCdEfGhIjKlMnO".as_slice()],
            );
        }
        base.push(t.elapsed().as_nanos() as f64 / N as f64 / 1000.0);
    }
    row(
        "per-charge journal + settle, synchronous=FULL (2 commits)",
        median(ours),
        median(base),
        "µs",
        "≤ 1.1× plain SQLite",
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
}
