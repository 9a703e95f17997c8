//! Fixtures for the core's unit tests: a cache on a throwaway key, a sale
//! as the counter journals it, what a settled answer leaves, a card as the
//! gateway reports it. One place, so each test spells out only what it is
//! about. The benchmarks use them too (feature `testing`); fixtures panic
//! on input that cannot happen, as tests do.
#![allow(clippy::expect_used)]

use time::OffsetDateTime;

use crate::money::{Currency, MinorUnits, Money};
use crate::sale::{CaptureMode, CardSummary, IdempotencyKey, SaleId};
use crate::store::{NewSale, SaleStatus, Settlement};
use crate::vault::{MasterKey, Sealer, SubKeys};

/// A sealer on a fixed throwaway master key (`seed` tells tests apart).
pub fn sealer(seed: u8) -> Sealer {
    Sealer::ephemeral(&SubKeys::new(
        MasterKey::from_slice(&[seed; 32]).expect("a 32-byte key"),
    ))
}

/// A Unix time in ms as a date-time.
pub fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).expect("a time in range")
}

pub fn usd(minor: i64) -> Money {
    Money::new(MinorUnits::new(minor), Currency::Usd)
}

/// A reader sale of `money` on till `t1`, as the journal writes it before
/// asking the gateway, created now.
pub fn journaled(money: Money) -> NewSale {
    NewSale {
        id: SaleId::new(),
        terminal_id: "t1".into(),
        money,
        idempotency_key: IdempotencyKey::generate(),
        source: "reader",
        capture: CaptureMode::Automatic,
        staff_id: None,
        description: None,
        created_at: crate::clock::now_utc(),
    }
}

/// What the gateway's answer leaves on a sale: `status`, the whole amount
/// captured when approved, nothing else.
pub fn settled(status: SaleStatus, money: Money) -> Settlement {
    Settlement {
        status,
        captured: (status == SaleStatus::Approved).then_some(money.amount),
        risk: None,
        outcome_code: None,
        gateway_ref: None,
        card: None,
    }
}

/// A card as the gateway reports it: brand, the test card's last 4, an
/// expiry in the future.
pub fn card(brand: &str) -> CardSummary {
    CardSummary {
        brand: brand.into(),
        last4: "4242".into(),
        exp_month: 12,
        exp_year: 2030,
        receipt: None,
    }
}
