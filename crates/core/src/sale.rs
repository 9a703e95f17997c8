//! The words every layer uses for a sale: its id, the key that makes its
//! charge safe to repeat, the gateway's id for it, the card as the terminal
//! may keep it (brand, last 4, expiry and the networks' receipt fields,
//! never a number), the gateway's risk signals, capture modes and refund
//! reasons.
//!
//! A leaf: it imports nothing of the terminal's, so the gateway, the store
//! and everything above them share these types without depending on each
//! other (`tests/layers.rs` holds them to it).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// A sale's id: a UUIDv7, so ids sort by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(type = "string")]
pub struct SaleId(Uuid);

impl SaleId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }

    pub fn parse(s: &str) -> Option<Self> {
        Uuid::parse_str(s).ok().map(Self)
    }
}

impl Default for SaleId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for SaleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The key that makes a charge safe to repeat. Written to the journal before
/// the request leaves the terminal and reused on every retry. Anyone holding
/// it could replay the request's answer, so `Debug` (logs, panics) never
/// shows it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl std::fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdempotencyKey(…)")
    }
}

impl IdempotencyKey {
    pub fn generate() -> Self {
        Self(format!("mt-{}", Uuid::new_v4()))
    }

    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The provider's id for a payment (a Stripe PaymentIntent id, say).
/// Sealed at rest; shown to nobody but support tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayRef(pub String);

/// What the terminal may keep about a card: nothing a thief can pay with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CardSummary {
    pub brand: String,
    pub last4: String,
    pub exp_month: u8,
    pub exp_year: u16,
    /// What the card networks ask the receipt to carry for this payment.
    #[serde(default)]
    pub receipt: Option<CardReceipt>,
}

/// The card-network fields of one payment's receipt, as the gateway
/// reported them (EMV data for a card read on the reader; the entry mode and
/// authorisation code for a keyed card). None of it can pay for anything:
/// the card itself stays brand + last 4. Sealed at rest with the card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CardReceipt {
    pub entry: Option<EntryMode>,
    /// The card's application label (EMV tag 9F12), e.g. `VISA CREDIT`.
    pub application_name: Option<String>,
    /// The application identifier (AID, EMV tag 84).
    pub aid: Option<String>,
    /// `credit`, `checking`, `prepaid`, …
    pub account_type: Option<String>,
    /// The issuer's approval code.
    pub authorization_code: Option<String>,
    /// EMV tag 8A.
    pub authorization_response_code: Option<String>,
    pub verification: Option<CardholderVerification>,
}

/// How the card reached the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EntryMode {
    Chip,
    Contactless,
    ContactlessMagstripe,
    Swipe,
    /// Swiped because the chip could not be read.
    SwipeFallback,
    /// Typed in (phone or mail order, or a payment method made elsewhere).
    Keyed,
    /// The training reader: no card at all.
    Simulated,
}

impl EntryMode {
    /// The catalog's words a receipt prints for it.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Chip => "entry-chip",
            Self::Contactless => "entry-contactless",
            Self::ContactlessMagstripe => "entry-contactless-magstripe",
            Self::Swipe => "entry-swipe",
            Self::SwipeFallback => "entry-swipe-fallback",
            Self::Keyed => "entry-keyed",
            Self::Simulated => "entry-simulated",
        }
    }
}

/// How the cardholder proved the card was theirs (the EMV CVM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardholderVerification {
    OnlinePin,
    OfflinePin,
    Signature,
    OfflinePinAndSignature,
    /// The customer's device verified them (a phone or watch).
    Device,
    /// None was needed (a contactless payment under the limit).
    None,
    Failed,
}

impl CardholderVerification {
    /// The words a receipt prints.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::OnlinePin | Self::OfflinePin => "verification-pin",
            Self::Signature => "verification-signature",
            Self::OfflinePinAndSignature => "verification-pin-and-signature",
            Self::Device => "verification-device",
            Self::None => "verification-none",
            Self::Failed => "verification-failed",
        }
    }

    /// Whether the merchant copy needs the cardholder's signature.
    pub fn needs_signature(self) -> bool {
        matches!(self, Self::Signature | Self::OfflinePinAndSignature)
    }
}

/// The gateway's fraud and verification signals for a payment, kept with
/// the sale so a risky approval is visible before the customer leaves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RiskSignals {
    /// e.g. `approved_by_network`, `declined_by_network`.
    pub network_status: Option<String>,
    /// `normal`, `elevated`, `highest`.
    pub risk_level: Option<String>,
    /// The gateway's explanation for the merchant.
    pub seller_message: Option<String>,
    /// The fraud rule that acted, if any.
    pub rule: Option<String>,
    /// `pass`, `fail`, `unavailable`, `unchecked`.
    pub cvc_check: Option<String>,
    pub postal_code_check: Option<String>,
}

impl RiskSignals {
    /// What the cashier should know before handing over the goods, if anything.
    /// (As the catalog's ids; `messages::Catalog::risk_warning` words them.)
    pub fn concerns(&self) -> Vec<&'static str> {
        let mut w = Vec::new();
        match self.risk_level.as_deref() {
            Some("elevated") => w.push("risk-elevated"),
            Some("highest") => w.push("risk-highest"),
            _ => {}
        }
        if self.cvc_check.as_deref() == Some("fail") {
            w.push("risk-cvc");
        }
        if self.postal_code_check.as_deref() == Some("fail") {
            w.push("risk-postal-code");
        }
        w
    }
}

/// Take the money now, or only authorise it (deposits, tabs) and capture later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMode {
    Automatic,
    Manual,
}

impl CaptureMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::Manual => "manual",
        }
    }
}

/// Why a refund is made: the reasons the card networks and Stripe know
/// (the only ones sent to the gateway).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum RefundReason {
    RequestedByCustomer,
    Duplicate,
    Fraudulent,
}

impl RefundReason {
    /// The catalog's words for the reason.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::RequestedByCustomer => "reason-requested-by-customer",
            Self::Duplicate => "reason-duplicate",
            Self::Fraudulent => "reason-fraudulent",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::RequestedByCustomer => "requested_by_customer",
            Self::Duplicate => "duplicate",
            Self::Fraudulent => "fraudulent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::RequestedByCustomer, Self::Duplicate, Self::Fraudulent]
            .into_iter()
            .find(|r| r.code() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key in a log line or a panic could replay its request's answer.
    #[test]
    fn an_idempotency_key_is_not_shown_by_debug() {
        let key = IdempotencyKey::generate();
        let shown = format!("{key:?}");
        assert!(!shown.contains(key.as_str()) && !shown.contains("mt-"), "{shown}");
    }
}
