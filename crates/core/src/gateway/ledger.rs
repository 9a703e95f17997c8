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

/// Where a payment stands, as the combined day counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub payments: Vec<LedgerPayment>,
    pub refunds: Vec<LedgerRefund>,
}

impl Ledger {
    /// Whether the period can still change at the gateway: an authorisation
    /// not yet captured or voided, a payment not finished, a refund not yet
    /// through. A settled period is final and may be kept.
    pub fn settled(&self) -> bool {
        self.payments
            .iter()
            .all(|p| !matches!(p.state, LedgerState::Held | LedgerState::Unfinished))
            && self.refunds.iter().all(|r| r.succeeded)
    }
}
