//! The seam between the terminal and whoever moves the money.
//!
//! [`Gateway`] is the only thing the counter knows about a payment provider.
//! The training gateway ([`training`]) implements it in-process; Stripe
//! implements it over HTTPS; another provider can be added without touching
//! the UI or the store, because both only see the types in this module.
//!
//! Guarantees every implementation keeps:
//! - a charge is identified by the caller's [`IdempotencyKey`]; calling
//!   `charge` twice with one key never moves money twice;
//! - `find_charge` answers "what happened to this key?" so an interrupted
//!   charge can be settled instead of retried blind;
//! - no card number or CVC ever crosses this trait: only brand, last 4,
//!   expiry and the provider's own ids ([`CardSummary`], [`GatewayRef`]).

pub mod http;
pub mod ledger;
pub mod stripe;
pub mod training;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::money::Money;
pub use crate::sale::{
    CaptureMode, CardReceipt, CardSummary, CardholderVerification, EntryMode, GatewayRef, IdempotencyKey, RefundReason,
    RiskSignals,
};

/// Why a card was declined, in words a cashier may say out loud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    Generic,
    InsufficientFunds,
    ExpiredCard,
    IncorrectCvc,
    LostOrStolen,
    Fraudulent,
    /// A card-present decline: the PIN was wrong, or tried too often.
    IncorrectPin,
    /// A card-present decline: the card wants its PIN (insert it, not tap).
    PinRequired,
}

impl DeclineReason {
    /// What the cashier can tell the customer. Deliberately vague for fraud
    /// and lost/stolen cards, as card networks ask.
    /// (The catalog's id of the message.)
    pub fn message_id(self) -> &'static str {
        match self {
            Self::InsufficientFunds => "decline-insufficient-funds",
            Self::ExpiredCard => "decline-expired-card",
            Self::IncorrectCvc => "decline-incorrect-cvc",
            Self::IncorrectPin => "decline-incorrect-pin",
            Self::PinRequired => "decline-pin-required",
            Self::Generic | Self::LostOrStolen | Self::Fraudulent => "decline-generic",
        }
    }

    /// Stripe's `decline_code` for this reason (also the training gateway's).
    pub fn from_code(code: &str) -> Self {
        match code {
            "insufficient_funds" => Self::InsufficientFunds,
            "expired_card" => Self::ExpiredCard,
            "incorrect_cvc" => Self::IncorrectCvc,
            "lost_card" | "stolen_card" => Self::LostOrStolen,
            "fraudulent" => Self::Fraudulent,
            "incorrect_pin" | "pin_try_exceeded" => Self::IncorrectPin,
            "offline_pin_required" | "online_or_offline_pin_required" | "pin_required" => Self::PinRequired,
            _ => Self::Generic,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Generic => "generic_decline",
            Self::InsufficientFunds => "insufficient_funds",
            Self::ExpiredCard => "expired_card",
            Self::IncorrectCvc => "incorrect_cvc",
            Self::LostOrStolen => "lost_card",
            Self::Fraudulent => "fraudulent",
            Self::IncorrectPin => "incorrect_pin",
            Self::PinRequired => "pin_required",
        }
    }
}

/// Where the card comes from for one charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentSource {
    /// A registered card reader (Stripe Terminal reader id, or the training
    /// reader). The card never touches the terminal.
    /// `test_card` is the card a simulated reader is asked to present
    /// (training mode, or Stripe's test-mode readers).
    Reader {
        reader_id: String,
        test_card: Option<training::SimulatedCard>,
    },
    /// A payment method the gateway's hosted fields already tokenised.
    PaymentMethod { id: String },
}

/// Whether `id` has the form of the gateway's payment method id (`pm_…`):
/// its token for a card, never card data. Whatever hands the terminal a
/// payment method (the card window, the command line) is held to this one
/// rule, so what one accepts the charge takes.
pub fn is_payment_method_id(id: &str) -> bool {
    id.starts_with("pm_")
        && (4..=100).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !crate::pan::contains_card_number(id)
}

/// Which till and which staff member a payment or refund belongs to, sent
/// in its metadata: the gateway's records are the shop's shared ledger, so
/// the combined day of every till ([`crate::reports::shop`]) is read from
/// them alone. The staff member travels as their id (a random UUID), never
/// their name: names resolve only where that till's staff list is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub terminal_id: String,
    /// Empty when the till is unnamed.
    pub till_name: String,
    pub staff_id: Option<String>,
}

/// One charge, as the counter asks for it.
#[derive(Debug, Clone)]
pub struct ChargeRequest {
    pub sale_id: crate::sale::SaleId,
    /// When the sale was journaled (Unix ms, the terminal's clock): bounds
    /// the gateway lookup of an interrupted charge to the PaymentIntents
    /// created around then.
    pub journaled_at_ms: i64,
    pub by: Attribution,
    pub money: Money,
    pub idempotency_key: IdempotencyKey,
    pub source: PaymentSource,
    pub capture: CaptureMode,
    /// A phone or mail order: the card was read out, not presented.
    pub phone_order: bool,
    /// The audit chain head (`seq:mac`), kept in the gateway's metadata.
    pub audit_anchor: Option<String>,
}

/// Capturing an authorisation (all or part of it), or voiding it.
#[derive(Debug, Clone)]
pub struct PaymentOp {
    pub payment: GatewayRef,
    /// The amount to capture; ignored for a void.
    pub money: Money,
    pub idempotency_key: IdempotencyKey,
    /// The audit chain head (`seq:mac`), kept in the payment's metadata.
    pub audit_anchor: Option<String>,
}

/// Where a payment stands at the gateway (for settling a capture or void
/// whose answer was lost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentState {
    Authorized,
    Captured { amount: crate::money::MinorUnits },
    Voided,
    Other,
}

/// A settled answer from the gateway about a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// The money was taken. `card` is what the gateway says about the card,
    /// when it could be read: a failed lookup of the card never makes a
    /// taken payment look untaken.
    Approved {
        gateway_ref: GatewayRef,
        card: Option<CardSummary>,
        risk: Option<RiskSignals>,
    },
    /// Authorised only (manual capture): the money is held, not yet taken.
    Authorized {
        gateway_ref: GatewayRef,
        card: Option<CardSummary>,
        risk: Option<RiskSignals>,
        /// When the authorisation lapses (Unix ms), where the gateway says.
        capture_before_ms: Option<i64>,
    },
    Declined {
        gateway_ref: Option<GatewayRef>,
        reason: DeclineReason,
        card: Option<CardSummary>,
    },
    /// The reader wait was cancelled before a card was taken.
    Cancelled,
}

/// A charge that did not reach a settled answer. `outcome_known` tells the
/// counter whether money might have moved (and so whether the sale is in
/// doubt rather than simply failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    #[error("The payment could not be processed. Try again.")]
    ProcessingError,
    #[error("The card reader timed out waiting for a card. Try again.")]
    ReaderTimeout,
    #[error("The card reader is offline.")]
    ReaderOffline,
    #[error("The card reader is busy with another payment. Wait for it, or cancel it on the reader.")]
    ReaderBusy,
    #[error("The payment service cannot be reached.")]
    Unreachable,
    #[error("The payment service did not answer in time; the outcome is unknown.")]
    OutcomeUnknown,
    #[error("The payment service is limiting requests. Wait a moment and try again.")]
    RateLimited,
    #[error("The payment service rejected the terminal's key (invalid or revoked). An owner must set a new key.")]
    KeyRejected,
    #[error("The terminal's restricted key lacks a permission this action needs. See the README for the list.")]
    PermissionMissing,
    #[error("The secure connection to the payment service failed (certificate not trusted or wrong host).")]
    TlsFailure,
    #[error("The card needs the customer to authenticate; use the card reader or another card.")]
    AuthenticationRequired,
    #[error("{}", crate::messages::english().text(.reason.message_id()))]
    Declined {
        reason: DeclineReason,
        payment_intent: Option<String>,
    },
    #[error("The payment service refused the request.")]
    InvalidRequest,
    #[error("The payment service does not know this payment.")]
    NotFound,
    #[error("The payment service sent an answer the terminal cannot trust.")]
    MalformedResponse,
    #[error("The payment service sent an answer larger than the terminal accepts; nothing in it was used.")]
    AnswerTooLarge,
    #[error("The payment service's list is longer than the terminal reads in one go. Choose a shorter date range.")]
    ListTooLong,
    #[error("This payment service keeps no list to compare with (training mode simulates payments).")]
    ListingUnsupported,
    #[error("This payment service does not email receipts (training mode sends nothing). Print it instead.")]
    ReceiptEmailUnsupported,
}

impl GatewayError {
    /// True when the request may have been acted on: the sale must be held
    /// as in doubt until `find_charge` settles it.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown)
    }

    pub fn failure_code(&self) -> FailureCode {
        match self {
            Self::ProcessingError => FailureCode::ProcessingError,
            Self::ReaderTimeout => FailureCode::ReaderTimeout,
            Self::ReaderOffline => FailureCode::ReaderOffline,
            Self::ReaderBusy => FailureCode::ReaderBusy,
            Self::Unreachable => FailureCode::GatewayUnreachable,
            Self::OutcomeUnknown => FailureCode::OutcomeUnknown,
            Self::RateLimited => FailureCode::RateLimited,
            Self::KeyRejected => FailureCode::KeyRejected,
            Self::PermissionMissing => FailureCode::PermissionMissing,
            Self::TlsFailure => FailureCode::TlsFailure,
            Self::AuthenticationRequired => FailureCode::AuthenticationRequired,
            Self::Declined { .. } => FailureCode::Declined,
            Self::InvalidRequest => FailureCode::InvalidRequest,
            Self::NotFound => FailureCode::NotFound,
            Self::MalformedResponse => FailureCode::MalformedResponse,
            Self::AnswerTooLarge => FailureCode::AnswerTooLarge,
            Self::ListTooLong => FailureCode::ListTooLong,
            Self::ListingUnsupported => FailureCode::ListingUnsupported,
            Self::ReceiptEmailUnsupported => FailureCode::ReceiptEmailUnsupported,
        }
    }
}

/// Why a gateway call failed, as a stable code: stored with a sale or
/// refund that was not done (`outcome_code`) and sent to the UI, which
/// picks the cashier's next step by it; the UI's table is typed by the
/// generated `FailureCode.ts`, so a code renamed here fails its build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FailureCode {
    ProcessingError,
    ReaderTimeout,
    ReaderOffline,
    ReaderBusy,
    GatewayUnreachable,
    OutcomeUnknown,
    RateLimited,
    KeyRejected,
    PermissionMissing,
    TlsFailure,
    AuthenticationRequired,
    Declined,
    InvalidRequest,
    NotFound,
    MalformedResponse,
    AnswerTooLarge,
    ListTooLong,
    ListingUnsupported,
    ReceiptEmailUnsupported,
}

impl FailureCode {
    /// The stored word (the same as its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProcessingError => "processing_error",
            Self::ReaderTimeout => "reader_timeout",
            Self::ReaderOffline => "reader_offline",
            Self::ReaderBusy => "reader_busy",
            Self::GatewayUnreachable => "gateway_unreachable",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::RateLimited => "rate_limited",
            Self::KeyRejected => "key_rejected",
            Self::PermissionMissing => "permission_missing",
            Self::TlsFailure => "tls_failure",
            Self::AuthenticationRequired => "authentication_required",
            Self::Declined => "declined",
            Self::InvalidRequest => "invalid_request",
            Self::NotFound => "not_found",
            Self::MalformedResponse => "malformed_response",
            Self::AnswerTooLarge => "answer_too_large",
            Self::ListTooLong => "list_too_long",
            Self::ListingUnsupported => "listing_unsupported",
            Self::ReceiptEmailUnsupported => "receipt_email_unsupported",
        }
    }
}

/// Which kind of gateway is behind the trait object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum GatewayKind {
    Training,
    Stripe,
}

/// One refund against an approved charge. Always back to the original payment.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub refund_id: String,
    pub sale_id: crate::sale::SaleId,
    /// The charge being refunded (the gateway's id for it).
    pub charge: GatewayRef,
    pub money: Money,
    pub reason: RefundReason,
    pub idempotency_key: IdempotencyKey,
    pub by: Attribution,
    /// The audit chain head (`seq:mac`), kept in the refund's metadata.
    pub audit_anchor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    Succeeded {
        gateway_ref: GatewayRef,
    },
    /// Accepted by the gateway, money not yet returned (counts as refunded).
    Pending {
        gateway_ref: GatewayRef,
    },
    Failed {
        code: String,
    },
}

/// The gateway's own test cards, offered at the counter in place of the
/// reader when the terminal holds a test-mode key (never with a live key).
/// Each is one of Stripe's documented test payment methods, so no card
/// number is ever typed or sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TestCard {
    Visa,
    VisaDeclined,
}

impl TestCard {
    pub const ALL: [TestCard; 2] = [Self::Visa, Self::VisaDeclined];

    pub fn payment_method(self) -> &'static str {
        match self {
            Self::Visa => "pm_card_visa",
            Self::VisaDeclined => "pm_card_chargeCustomerFail",
        }
    }

    /// The catalog's words for the card in the test-card menu.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Visa => "card-test-visa",
            Self::VisaDeclined => "card-test-visa-declined",
        }
    }
}

/// A payment as the gateway's own records list it (for reconciliation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPayment {
    pub gateway_ref: GatewayRef,
    /// The sale id the terminal put in the payment's metadata, if any.
    pub sale_id: Option<String>,
    /// The terminal that took it (one gateway account may serve several).
    pub terminal_id: Option<String>,
    pub money: Money,
    pub state: PaymentState,
    pub created_ms: i64,
    pub card: Option<CardSummary>,
    pub refunds: Vec<ListedRefund>,
}

/// A refund as the gateway lists it under its payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRefund {
    pub gateway_ref: GatewayRef,
    /// The terminal's refund id from the metadata; `None` for a refund made
    /// outside the terminal (the gateway's dashboard, say).
    pub refund_id: Option<String>,
    pub money: Money,
    /// Succeeded or pending: money returned or on its way.
    pub counts: bool,
    pub created_ms: i64,
}

/// A card reader registered to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReaderInfo {
    pub id: String,
    pub label: String,
    /// `online` or `offline`.
    pub status: String,
}

/// What the key check learned about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    pub restricted: bool,
    pub live: bool,
}

/// The live gateway `settings` describe, holding `key`: the one place a
/// provider's client is built (everything else sees the [`Gateway`] trait).
pub fn connect(
    settings: &crate::config::GatewaySettings,
    key: secrecy::SecretString,
) -> Result<std::sync::Arc<dyn Gateway>, http::HttpSetupError> {
    let mut cfg = http::HttpConfig::new(settings.base_url.clone());
    cfg.extra_ca = settings.extra_ca.clone();
    cfg.extra_ca_sha256 = settings.extra_ca_sha256.clone();
    cfg.request_timeout = std::time::Duration::from_millis(settings.request_timeout_ms);
    cfg.max_retries = settings.max_retries;
    let compat = stripe::StripeCompat {
        omit_refund_reason: settings.omit_refund_reason,
        moto: settings.moto,
    };
    let gateway = stripe::StripeGateway::new(cfg, key, compat)?
        .with_reader_wait(std::time::Duration::from_millis(settings.reader_timeout_ms));
    Ok(std::sync::Arc::new(gateway))
}

/// The live provider's key shapes: what a key is, and how it is shown.
pub use stripe::{key_kind, mask_key};

#[async_trait::async_trait]
pub trait Gateway: Send + Sync {
    fn kind(&self) -> GatewayKind;

    /// Takes a payment. Returns when the reader has a settled answer or the
    /// `cancel` token fires (then `Ok(ChargeOutcome::Cancelled)` if no card
    /// was taken yet).
    async fn charge(&self, request: &ChargeRequest, cancel: CancellationToken) -> Result<ChargeOutcome, GatewayError>;

    /// Looks up what became of a charge made with `key` for `sale`.
    /// `Ok(None)`: the gateway never acted on it, so it is safe to close the
    /// sale as not charged.
    async fn find_charge(&self, request: &ChargeRequest) -> Result<Option<ChargeOutcome>, GatewayError>;

    /// How long after a request was first sent the gateway may still act on
    /// it. A lookup that finds nothing proves "not charged" only once this
    /// has passed; before that the sale stays in doubt.
    fn in_flight_window(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }

    /// Refunds part or all of a charge, idempotently by the request's key.
    async fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome, GatewayError>;

    /// Looks up what became of a refund (by its refund id).
    async fn find_refund(&self, request: &RefundRequest) -> Result<Option<RefundOutcome>, GatewayError>;

    /// Captures all or part of an authorisation; returns the captured amount.
    async fn capture(&self, op: &PaymentOp) -> Result<crate::money::MinorUnits, GatewayError>;

    /// Voids (cancels) an uncaptured authorisation.
    async fn void(&self, op: &PaymentOp) -> Result<(), GatewayError>;

    /// Where a payment stands now.
    async fn payment_state(&self, payment: &GatewayRef) -> Result<PaymentState, GatewayError>;

    /// This terminal's payments created in `[since_ms, until_ms)`, each with
    /// its refunds, from the gateway's own records.
    async fn list_payments(&self, since_ms: i64, until_ms: i64) -> Result<Vec<ListedPayment>, GatewayError> {
        let _ = (since_ms, until_ms);
        Err(GatewayError::ListingUnsupported)
    }

    /// Every till's payments created in `[since_ms, until_ms)` and every
    /// refund made in it, from the gateway's own records (the shop's
    /// combined day). Bounded as any listing is ([`GatewayError::ListTooLong`]).
    async fn ledger(&self, since_ms: i64, until_ms: i64) -> Result<ledger::Ledger, GatewayError> {
        let _ = (since_ms, until_ms);
        Err(GatewayError::ListingUnsupported)
    }

    /// Whether the key is a test-mode key ([`TestCard`]s may be charged).
    fn test_mode(&self) -> bool {
        false
    }

    /// Asks the gateway to email its receipt for `payment` to `email` (the
    /// address is not kept by the terminal).
    async fn email_receipt(&self, payment: &GatewayRef, email: &str) -> Result<(), GatewayError> {
        let _ = (payment, email);
        Err(GatewayError::ReceiptEmailUnsupported)
    }

    /// The audit heads (`seq:mac`) this terminal left in the metadata of its
    /// newest payments, each with when the payment was created (ms). Empty
    /// for a gateway that keeps none (training keeps its anchors in the
    /// keychain).
    async fn recent_anchors(&self, terminal_id: &str) -> Result<Vec<(i64, String)>, GatewayError> {
        let _ = terminal_id;
        Ok(Vec::new())
    }

    /// Checks the key with the gateway and says what kind it is. A gateway
    /// that holds no key has none to accept.
    async fn check_key(&self) -> Result<KeyCheck, GatewayError> {
        Err(GatewayError::KeyRejected)
    }

    /// The card readers registered to the account (none for a gateway
    /// without readers of its own).
    async fn list_readers(&self) -> Result<Vec<ReaderInfo>, GatewayError> {
        Ok(Vec::new())
    }

    /// A cheap authenticated round trip, for diagnostics.
    async fn health(&self) -> Result<(), GatewayError> {
        Ok(())
    }
}
