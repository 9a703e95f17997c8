//! What a cashier asks for at the counter besides an amount (a sale, a
//! refund, a search), and why such a request is refused: each refusal names
//! the rule, never what was typed.

use crate::gateway::training::SimulatedCard;
use crate::gateway::{CaptureMode, RefundReason};
use crate::money::{Currency, MinorUnits};
use crate::store::{SaleId, SaleStatus};

use super::CounterError;

/// What was typed at the counter, other than an amount, and why it was
/// refused. Each message names the rule, never what was typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    #[error("That does not look like an email address.")]
    NotAnEmail,
    #[error("Only an approved sale has a receipt to email.")]
    NoReceiptToEmail,
    #[error("That looks like it holds a card number. Card numbers are never typed into the terminal.")]
    AddressHoldsCardNumber,
    #[error("Test cards only work with the gateway's test-mode key.")]
    TestCardNeedsTestKey,
    #[error(
        "Canadian dollar payments on the card reader need Interac, which this terminal does not support yet. \
         Nothing was charged: take this payment by keyed entry instead."
    )]
    CadOnReader,
    #[error("The last 4 are four digits.")]
    LastFour,
    #[error("The description is too long: at most {0} characters.")]
    DescriptionTooLong(usize),
    #[error("The description cannot contain line breaks or control characters.")]
    DescriptionUnprintable,
    #[error("The description looks like it holds a card number. Card numbers are never typed into the terminal.")]
    DescriptionCardNumber,
    #[error("That is not a payment method id (pm_…). Card numbers are never entered into the terminal.")]
    NotAPaymentMethod,
    #[error("A phone order needs the card from the gateway's card window: a card cannot be read out to the reader.")]
    PhoneOrderNeedsCard,
}

/// What a cashier asks for at the counter.
#[derive(Debug, Clone)]
pub struct ChargeInput {
    pub amount: String,
    pub currency: Option<Currency>,
    pub description: Option<String>,
    pub simulated_card: Option<SimulatedCard>,
    /// A card the gateway's hosted fields already tokenised (keyed entry),
    /// or a gateway test payment method. Without it the reader is used.
    pub payment_method: Option<String>,
    /// `Manual` only authorises (deposits, tabs); capture or void later.
    pub capture: CaptureMode,
    /// A phone or mail order: the card was read out over the phone and
    /// tokenised by the gateway's hosted fields (`payment_method`).
    pub phone_order: bool,
    /// Who takes the payment (recorded with the sale).
    pub staff_id: Option<String>,
    /// The audit chain's head, sent along in the gateway's metadata so the
    /// trail is anchored off the machine.
    pub audit_anchor: Option<String>,
}

/// A search of the sales list, as typed at the counter.
#[derive(Debug, Clone, Default)]
pub struct SalesFilter {
    pub since_ms: i64,
    pub until_ms: i64,
    pub status: Option<SaleStatus>,
    pub last4: Option<String>,
    /// An amount as typed, in `currency` (the till's when `None`).
    pub amount: Option<String>,
    pub currency: Option<Currency>,
    pub staff_id: Option<String>,
}

/// A refund as a cashier or manager asks for it.
#[derive(Debug, Clone)]
pub struct RefundInput {
    pub sale_id: SaleId,
    /// In the sale's currency; `None` refunds everything that is left.
    pub amount: Option<MinorUnits>,
    pub reason: RefundReason,
    pub note: Option<String>,
    pub staff_id: Option<String>,
}

/// Payment method ids are the gateway's tokens, never card data.
pub(super) fn check_payment_method_id(id: &str) -> Result<(), CounterError> {
    if crate::gateway::is_payment_method_id(id) {
        Ok(())
    } else {
        Err(InputError::NotAPaymentMethod.into())
    }
}
