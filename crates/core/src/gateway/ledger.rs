//! The gateway's records as the shop's shared ledger: every till's payments
//! and refunds over a period, each with the till and staff member its
//! metadata names ([`super::Attribution`]). The shop's combined day
//! ([`crate::reports::shop`]) is computed from these alone, so several tills
//! need no replication or server of their own.
//!
//! Guarantees: only what the combined day needs crosses this seam (amounts,
//! states, times, ids from metadata and the card's brand); never a last 4,
//! an expiry or a customer's detail.

use super::{Attribution, GatewayRef};
use crate::money::{MinorUnits, Money};

/// How long after its end a day is read again each time before it may be
/// kept: a payment in flight at midnight has settled by then.
pub const SETTLE_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

/// Where a payment stands, as the combined day counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LedgerState {
    /// Money taken: the amount captured.
    Captured(MinorUnits),
    /// Authorised, not yet captured.
    Held,
    Voided,
    /// Declined by the issuer (the gateway kept the decline).
    Declined,
    /// Not finished at the gateway (waiting for a card, processing).
    Unfinished,
}

/// One payment, as the gateway lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LedgerPayment {
    pub gateway_ref: GatewayRef,
    /// Empty `terminal_id`: a payment no till took (the gateway's
    /// dashboard, another program on the account).
    pub by: Attribution,
    pub money: Money,
    pub state: LedgerState,
    pub created_ms: i64,
    /// The card's brand (`visa`), when the gateway says.
    pub brand: Option<String>,
}

/// One refund, as the gateway lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LedgerRefund {
    pub gateway_ref: GatewayRef,
    /// The payment refunded.
    pub payment: GatewayRef,
    /// The refund's own metadata, else its payment's till (a refund made
    /// outside the terminal is the till's that took the payment, with no
    /// staff member).
    pub by: Attribution,
    pub money: Money,
    /// Succeeded: money returned. Pending: on its way (counted as in doubt,
    /// as a till counts its own). Failed refunds are left out.
    pub succeeded: bool,
    pub created_ms: i64,
    pub brand: Option<String>,
}

/// The payments created and the refunds made in one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    pub payments: Vec<LedgerPayment>,
    pub refunds: Vec<LedgerRefund>,
}

impl Ledger {
    /// Whether nothing in the period waits on the gateway: no authorisation
    /// still to capture or void, no refund still on its way. Checked only
    /// for a day that ended more than [`SETTLE_AFTER_MS`] ago, where a
    /// payment left unfinished was abandoned (a cancelled reader payment:
    /// the terminal never confirms an old PaymentIntent), so such a day is
    /// final and may be kept.
    pub fn settled(&self) -> bool {
        self.payments.iter().all(|p| p.state != LedgerState::Held) && self.refunds.iter().all(|r| r.succeeded)
    }
}
