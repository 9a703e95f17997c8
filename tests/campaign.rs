//! A seeded random campaign of charges and refunds through the fault
//! injector (delays past the timeout, resets after the gateway acted, 5xx
//! after acting, 429 and 503 bursts before acting), against localstripe
//! over real TLS, with the real core (journal, retries, in-doubt recovery)
//! and a real SQLite file. Afterwards the cache is reconciled with the
//! gateway's own records.
//!
//! The invariants: 0 duplicate charges, 0 over-refunds, 0 lost records,
//! 0 unresolved in-doubt operations. The counts are printed.
//! `MERCHANT_CAMPAIGN_OPS` (default 1000) and `MERCHANT_CAMPAIGN_SEED` set the
//! size and the schedule.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use merchant_core::config::{Mode, Settings};
use merchant_core::counter::{ChargeInput, Counter, CounterError, RefundInput};
use merchant_core::gateway::http::HttpConfig;
use merchant_core::gateway::stripe::{StripeCompat, StripeGateway};
use merchant_core::gateway::{CaptureMode, PaymentState, RefundReason};
use merchant_core::reports::reconcile::reconcile;
use merchant_core::reports::Period;
use merchant_core::store::{now_ms, RefundStatus, SaleId, SaleStatus, Store, StoreError};
use merchant_core::vault::{MasterKey, Sealer, SubKeys};
use merchant_tests::{Localstripe, TestPki, TestResult};
use serde_json::json;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn blocking<T>(f: impl FnOnce() -> TestResult<T>) -> TestResult<T> {
    tokio::task::block_in_place(f)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_operations_through_faults_reconcile_cleanly() -> TestResult {
    let ops = env_or("MERCHANT_CAMPAIGN_OPS", 1000);
    let seed = env_or("MERCHANT_CAMPAIGN_SEED", 20_261_128).max(1);
    let mut rng = Rng(seed);
    let pki = blocking(TestPki::new)?;
    let gw = blocking(|| Localstripe::start(&pki, "server"))?;
    let dir = tempfile::tempdir()?;
    let key = MasterKey::from_slice(&[6u8; 32]).ok_or("key")?;
    let store = Store::open(&dir.path().join("cache.sqlite3"), Sealer::ephemeral(&SubKeys::new(key)))?;
    let mut http = HttpConfig::new(gw.url());
    http.extra_ca = Some(pki.ca());
    http.request_timeout = Duration::from_millis(600);
    http.max_retries = 2;
    http.min_backoff = Duration::from_millis(20);
    http.max_backoff = Duration::from_millis(100);
    let stripe = StripeGateway::new(
        http,
        secrecy::SecretString::from("sk_test_merchantterminal01".to_string()),
        StripeCompat {
            omit_refund_reason: true,
        },
    )
    .map_err(|e| e.to_string())?;
    let settings = Settings {
        mode: Mode::Live,
        ..Settings::default()
    };
    let started = now_ms();
    let counter = Counter::from_parts(settings, "t-campaign".into(), store, Arc::new(stripe)).await?;

    let faults = [
        json!({ "path": "/v1/", "kind": "delay_after", "ms": 900 }),
        json!({ "path": "/v1/", "kind": "reset_after" }),
        json!({ "path": "/v1/", "kind": "status_after", "status": 500 }),
        json!({ "path": "/v1/", "kind": "status_before", "status": 429 }),
        json!({ "path": "/v1/", "kind": "status_before", "status": 503 }),
        json!({ "path": "/v1/", "kind": "delay_before", "ms": 150 }),
    ];
    let mut count: HashMap<&str, u64> = HashMap::new();
    let mut approved: Vec<SaleId> = Vec::new();
    for _ in 0..ops {
        if rng.below(100) < 15 {
            let f = &faults[rng.below(faults.len() as u64) as usize];
            blocking(|| gw.faults(&pki, json!([f])))?;
            *count.entry("faults injected").or_default() += 1;
        }
        let refund = !approved.is_empty() && rng.below(100) < 35;
        if refund {
            let sale = approved[rng.below(approved.len() as u64) as usize];
            // Sometimes more than is left: must be refused locally.
            let amount = format!("{}.{:02}", 1 + rng.below(12), rng.below(100));
            let result = counter
                .refund(RefundInput {
                    sale_id: sale,
                    amount: Some(amount),
                    reason: RefundReason::RequestedByCustomer,
                    note: None,
                    staff_id: None,
                })
                .await;
            let key = match result {
                Ok(r) if r.status == RefundStatus::Succeeded => "refunds succeeded",
                Ok(r) if r.status == RefundStatus::Failed => "refunds failed",
                Ok(_) => "refunds in doubt",
                Err(CounterError::Store(StoreError::ExceedsRefundable(_) | StoreError::NotRefundable)) => {
                    "refunds refused (over the captured amount)"
                }
                Err(CounterError::InDoubt(_)) => "operations blocked while in doubt",
                Err(e) => return Err(format!("refund: {e}").into()),
            };
            *count.entry(key).or_default() += 1;
        } else {
            let amount = format!("{}.{:02}", 5 + rng.below(40), rng.below(100));
            let result = counter
                .charge(ChargeInput {
                    amount,
                    currency: None,
                    description: None,
                    simulated_card: None,
                    payment_method: Some("pm_card_visa".into()),
                    capture: CaptureMode::Automatic,
                    staff_id: None,
                    audit_anchor: None,
                })
                .await;
            let key = match result {
                Ok(s) if s.status == SaleStatus::Approved => {
                    approved.push(s.id);
                    "charges approved"
                }
                Ok(s) if s.status == SaleStatus::InDoubt => "charges in doubt",
                Ok(_) => "charges not charged",
                Err(CounterError::InDoubt(_)) => "operations blocked while in doubt",
                Err(e) => return Err(format!("charge: {e}").into()),
            };
            *count.entry(key).or_default() += 1;
        }
        *count.entry("operations").or_default() += 1;
        // As the till does: settle what is in doubt before going on.
        if counter.store().in_doubt_count()? > 0 {
            blocking(|| gw.clear_faults(&pki))?;
            let resolved = resolve_all(&counter).await?;
            *count.entry("in-doubt operations resolved").or_default() += resolved;
            approved = counter
                .store()
                .sales_page(0, i64::MAX, None, u32::MAX)?
                .into_iter()
                .filter(|s| s.status == SaleStatus::Approved)
                .map(|s| s.id)
                .collect();
        }
    }
    blocking(|| gw.clear_faults(&pki))?;
    resolve_all(&counter).await?;

    // The gateway's own records against the cache.
    let unresolved = counter.store().in_doubt_count()?;
    let listed = counter
        .gateway()
        .list_payments(started - 60_000, now_ms() + 60_000)
        .await?;
    let mut per_sale: HashMap<String, u64> = HashMap::new();
    let mut over_refunds = 0;
    for p in &listed {
        *per_sale.entry(p.sale_id.clone().unwrap_or_default()).or_default() += 1;
        let refunded: i64 = p
            .refunds
            .iter()
            .filter(|r| r.counts)
            .map(|r| r.money.amount.get())
            .sum();
        let captured = match p.state {
            PaymentState::Captured { amount } => amount.get(),
            _ => 0,
        };
        if refunded > captured {
            over_refunds += 1;
        }
    }
    let duplicates = per_sale.values().filter(|n| **n > 1).count();
    let report = reconcile(
        counter.store(),
        counter.gateway(),
        "t-campaign",
        Period {
            from_ms: started - 1,
            to_ms: now_ms() + 1,
        },
    )
    .await?;
    let lost = report.mismatches.len();

    let mut lines: Vec<_> = count.iter().map(|(k, v)| format!("  {k}: {v}")).collect();
    lines.sort();
    println!(
        "campaign (seed {seed}, {ops} operations):\n{}\n  PaymentIntents at the gateway: {}\n  \
         duplicate charges: {duplicates}\n  over-refunds: {over_refunds}\n  lost or differing records: {lost}\n  \
         unresolved in doubt: {unresolved}",
        lines.join("\n"),
        listed.len()
    );
    assert_eq!(duplicates, 0, "duplicate charges");
    assert_eq!(over_refunds, 0, "over-refunds");
    assert_eq!(lost, 0, "lost or differing records: {:?}", report.mismatches);
    assert_eq!(unresolved, 0, "unresolved in-doubt operations");
    assert!(
        count.get("faults injected").copied().unwrap_or(0) >= ops / 10,
        "the faults ran"
    );
    assert_eq!(
        report.matched as usize,
        listed.len(),
        "every gateway payment matched a local sale"
    );
    Ok(())
}

/// Resolves until nothing is in doubt (the gateway is healthy by then);
/// returns how many operations were settled. Bounded in time.
async fn resolve_all(counter: &Counter) -> TestResult<u64> {
    let before = counter.store().in_doubt_count()?;
    for _ in 0..50 {
        if counter.resolve_in_doubt().await? == 0 && counter.store().in_doubt_count()? == 0 {
            return Ok(u64::try_from(before).unwrap_or(0));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err("in-doubt operations did not resolve within 10 s".into())
}
