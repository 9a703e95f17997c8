//! The counter: taking a payment from typed amount to recorded outcome.
//!
//! This is the one place the charge sequence lives, shared by the desktop
//! app and `merchantctl`:
//!
//! 1. validate what the cashier typed (amount, currency, description);
//! 2. write the sale to the journal as `pending` with a fresh idempotency key
//!    (durably, before any request);
//! 3. ask the gateway, cancellable while the reader waits;
//! 4. record the answer: approved, declined, failed (no money moved),
//!    cancelled, or in doubt (money may have moved; nobody knows yet).
//!
//! Guarantees: one charge at a time per till (a double press cannot send
//! two); no new charge while any sale is in doubt; on opening, every
//! unsettled sale is settled with the gateway before new work.

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::config::{ConfigError, Home, Mode, Settings};
use crate::crashpoint;
use crate::gateway::http::HttpSetupError;
use crate::gateway::training::{SimulatedCard, TrainingGateway, TRAINING_READER_ID};
use crate::gateway::{
    ChargeRequest, Gateway, GatewayError, IdempotencyKey, PaymentOp, PaymentSource, RefundRequest, TestCard,
};
use crate::money::{Currency, MinorUnits, Money, MoneyError};
use crate::store::RefundCap;
use crate::store::{
    NewRefund, NewSale, OpKind, PendingOp, Refund, Sale, SaleId, SaleStatus, SalesQuery, Store, StoreError,
};
use crate::vault::{Keychain, KeychainError, SubKeys};

mod input;
mod recovery;
mod settlement;

use input::check_payment_method_id;
pub use input::{ChargeInput, InputError, RefundInput, SalesFilter};

pub use settlement::gateway_error_code;
use settlement::*;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CounterError {
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("A charge is already in progress on this till.")]
    ChargeInProgress,
    #[error("No charge is in progress.")]
    NothingToCancel,
    #[error("{0} sale(s) are in doubt: resolve them before taking a new charge. Do not charge the customer again.")]
    InDoubt(usize),
    #[error("Live mode has no gateway key yet. An owner must set one.")]
    LiveNotConfigured,
    #[error("This terminal is a back office: it takes no payments and makes no refunds.")]
    BackOffice,
    #[error("Only a terminal that has never taken a payment can become a back office.")]
    NotFresh,
    #[error(transparent)]
    GatewaySetup(#[from] HttpSetupError),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error("No such sale on this terminal.")]
    SaleNotFound,
    #[error(
        "The authorisation has expired: the card issuer no longer holds the money, so it cannot be captured. \
         Void it and take a new payment."
    )]
    CaptureExpired,
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// The outcome of an authorisation the gateway cancelled because nobody
/// captured it before its deadline.
pub const AUTHORISATION_EXPIRED: &str = "authorisation_expired";

/// The keychain entry holding the live gateway's key.
pub const GATEWAY_KEY: &str = "gateway-key";

pub struct Counter {
    settings: Settings,
    terminal_id: String,
    store: Store,
    gateway: Arc<dyn Gateway>,
    in_flight: Mutex<Option<CancellationToken>>,
    /// The audit head sent with the next refund, capture or void.
    audit_anchor: Mutex<Option<String>>,
    /// What recovery settled since the terminal last asked (see
    /// [`Counter::take_settled`]).
    settled: Mutex<Vec<Settled>>,
}

/// One operation recovery settled (start-up or `resolve`), for the audit
/// trail: every money outcome gets its own entry, not only the ones a
/// cashier saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub sale: SaleId,
    /// Set when a refund was settled.
    pub refund: Option<String>,
    /// The recorded status (`approved`, `failed`, `voided`, …) or what
    /// became of a capture or void.
    pub outcome: crate::audit::Outcome,
}

impl std::fmt::Debug for Counter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counter")
            .field("terminal_id", &self.terminal_id)
            .finish_non_exhaustive()
    }
}

impl Counter {
    /// Opens the counter for the terminal's current mode: its own cache
    /// (training and live never share one) and its gateway, then settles
    /// every unsettled sale. The keys come from the caller, who got them from
    /// the keychain (see `terminal`).
    pub async fn open(
        home: &Home,
        settings: &Settings,
        terminal_id: &str,
        keychain: &Keychain,
        keys: &SubKeys,
    ) -> Result<Self, CounterError> {
        let gateway: Arc<dyn Gateway> = match settings.mode {
            Mode::Training => Arc::new(TrainingGateway::new(settings.training_reader)),
            Mode::Live => {
                // Only a key bound to this very address and CA is handed out.
                let key = crate::vault::GatewayKeys::new(keychain, keys)
                    .for_gateway(&settings.gateway.binding())?
                    .ok_or(CounterError::LiveNotConfigured)?;
                crate::gateway::connect(&settings.gateway, key)?
            }
        };
        let store = Store::open_keyed(
            &home.prepare_cache_dir(settings.mode)?,
            keys,
            &keychain.cache_epochs(settings.mode.folder()),
        )?;
        Self::from_parts(settings.clone(), terminal_id.to_string(), store, gateway).await
    }

    /// Assembles a counter from already-open parts and settles unsettled
    /// sales. `open` is this plus the keychain; tests and benchmarks use it
    /// with their own store and gateway.
    pub async fn from_parts(
        settings: Settings,
        terminal_id: String,
        store: Store,
        gateway: Arc<dyn Gateway>,
    ) -> Result<Self, CounterError> {
        let counter = Self {
            settings,
            terminal_id,
            store,
            gateway,
            in_flight: Mutex::new(None),
            audit_anchor: Mutex::new(None),
            settled: Mutex::new(Vec::new()),
        };
        let unresolved = counter.resolve_in_doubt().await?;
        if unresolved > 0 {
            tracing::warn!(unresolved, "sales still in doubt after start-up recovery");
        }
        Ok(counter)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn gateway(&self) -> &dyn Gateway {
        &*self.gateway
    }

    /// Checks a charge as `charge` does before anything is written or sent.
    /// A phone order is checked before its card is asked for: the card comes
    /// later, from the gateway's fields.
    pub fn check(&self, input: &ChargeInput) -> Result<(), CounterError> {
        self.checked(input)?;
        self.refuse_in_doubt()
    }

    fn checked(&self, input: &ChargeInput) -> Result<(Money, Option<String>), CounterError> {
        self.till()?;
        let currency = input.currency.unwrap_or(self.settings.currency);
        let amount = crate::money::parse_amount(&input.amount, currency, &self.settings.parse_rules())?;
        let description = self.clean_text(input.description.as_deref())?;
        if let Some(pm) = &input.payment_method {
            check_payment_method_id(pm)?;
            if TestCard::ALL.iter().any(|t| t.payment_method() == pm) && !self.gateway.test_mode() {
                return Err(InputError::TestCardNeedsTestKey.into());
            }
        }
        // Stripe takes Canadian cards on the reader only with Interac
        // (`interac_present`, refunds in person on the reader), which the
        // terminal does not do: refused before anything is written or sent,
        // in training too, so that practice matches the shop's live till.
        if currency == Currency::Cad && input.payment_method.is_none() && !input.phone_order {
            return Err(InputError::CadOnReader.into());
        }
        Ok((Money::new(amount, currency), description))
    }

    /// No new charge while an earlier one's outcome is unknown.
    fn refuse_in_doubt(&self) -> Result<(), CounterError> {
        match self.store.unsettled()?.len() {
            0 => Ok(()),
            in_doubt => Err(CounterError::InDoubt(in_doubt)),
        }
    }

    /// Takes one payment. Declines and gateway failures are recorded outcomes
    /// (returned as a `Sale` with that status), not errors: the sale exists.
    pub async fn charge(&self, input: ChargeInput) -> Result<Sale, CounterError> {
        let (money, description) = self.checked(&input)?;
        if input.phone_order && input.payment_method.is_none() {
            return Err(InputError::PhoneOrderNeedsCard.into());
        }
        let cancel = self.begin_charge()?;
        let _done = InFlight(&self.in_flight);
        self.refuse_in_doubt()?;

        let sale = NewSale {
            id: SaleId::new(),
            terminal_id: self.terminal_id.clone(),
            money,
            idempotency_key: IdempotencyKey::generate(),
            source: if input.phone_order {
                crate::store::PHONE_ORDER
            } else {
                "reader"
            },
            capture: input.capture,
            staff_id: input.staff_id.clone(),
            description,
            created_at: crate::clock::now_utc(),
        };
        let _held = self.store.hold_in_flight(&sale.id.to_string())?;
        self.store.insert_pending(&sale)?;
        crashpoint::reached(crashpoint::CHARGE_JOURNALED);
        let span =
            tracing::info_span!("charge", sale = %sale.id, amount = money.amount.get(), currency = %money.currency);
        span.in_scope(|| tracing::info!("journaled; asking gateway"));

        let request = ChargeRequest {
            sale_id: sale.id,
            journaled_at_ms: i64::try_from(sale.created_at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX),
            by: self.attribution(&sale.terminal_id, &input.staff_id),
            money: sale.money,
            idempotency_key: sale.idempotency_key.clone(),
            source: self.payment_source(input.payment_method, input.simulated_card),
            capture: input.capture,
            phone_order: input.phone_order,
            audit_anchor: input.audit_anchor,
        };
        let result = self.gateway.charge(&request, cancel).instrument(span.clone()).await;
        crashpoint::reached(crashpoint::CHARGE_ANSWERED);
        let deadline = capture_deadline(&result);
        let settlement = settlement_for(result, sale.money.amount);
        span.in_scope(|| {
            tracing::info!(status = ?settlement.status, outcome = settlement.outcome_code.as_deref().unwrap_or(""), "settled")
        });
        self.store.settle(sale.id, &settlement)?;
        if let Some(ms) = deadline {
            self.store.set_capture_before(sale.id, ms)?;
        }
        self.store
            .get(sale.id)?
            .ok_or(CounterError::Store(StoreError::Corrupt("a settled sale vanished")))
    }

    /// Cancels the charge waiting at the reader, if any.
    pub fn cancel_charge(&self) -> Result<(), CounterError> {
        let guard = self.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match guard.as_ref() {
            Some(token) => {
                token.cancel();
                Ok(())
            }
            None => Err(CounterError::NothingToCancel),
        }
    }

    /// Sales created in `[since_ms, until_ms)`, newest first.
    pub fn list_sales(&self, since_ms: i64, until_ms: i64) -> Result<Vec<Sale>, CounterError> {
        Ok(self.store.list(since_ms, until_ms, 500)?)
    }

    /// Sales matching `filter`, newest first. The last 4 is matched through
    /// its blind index: nothing is opened to search.
    pub fn search_sales(&self, filter: &SalesFilter) -> Result<Vec<Sale>, CounterError> {
        if filter
            .last4
            .as_deref()
            .is_some_and(|l| l.len() != 4 || !l.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(InputError::LastFour.into());
        }
        let currency = filter.currency.unwrap_or(self.settings.currency);
        let amount = filter
            .amount
            .as_deref()
            .map(|a| crate::money::parse_amount(a, currency, &self.settings.parse_rules()))
            .transpose()?;
        Ok(self.store.search(&SalesQuery {
            since_ms: filter.since_ms,
            until_ms: filter.until_ms,
            status: filter.status,
            last4: filter.last4.clone(),
            amount: amount.map(|a| Money::new(a, currency)),
            staff_id: filter.staff_id.clone(),
            limit: 500,
        })?)
    }

    /// Sets the audit head the next refunds, captures and voids carry to
    /// the gateway (the terminal sets it before each).
    pub fn set_audit_anchor(&self, anchor: Option<String>) {
        *self
            .audit_anchor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = anchor;
    }

    /// Refuses money on a back office.
    fn till(&self) -> Result<(), CounterError> {
        if self.settings.back_office {
            return Err(CounterError::BackOffice);
        }
        Ok(())
    }

    /// This till, and who acted, as a payment's metadata names them.
    fn attribution(&self, terminal_id: &str, staff_id: &Option<String>) -> crate::gateway::Attribution {
        crate::gateway::Attribution {
            terminal_id: terminal_id.to_string(),
            till_name: self.settings.till_name.clone(),
            staff_id: staff_id.clone(),
        }
    }

    fn audit_anchor(&self) -> Option<String> {
        self.audit_anchor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn begin_charge(&self) -> Result<CancellationToken, CounterError> {
        let mut guard = self.in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_some() {
            return Err(CounterError::ChargeInProgress);
        }
        let token = CancellationToken::new();
        *guard = Some(token.clone());
        Ok(token)
    }

    fn payment_source(&self, payment_method: Option<String>, test_card: Option<SimulatedCard>) -> PaymentSource {
        match payment_method {
            Some(id) => PaymentSource::PaymentMethod { id },
            None => PaymentSource::Reader {
                reader_id: match self.settings.mode {
                    Mode::Training => TRAINING_READER_ID.into(),
                    Mode::Live => self.settings.gateway.reader_id.clone().unwrap_or_default(),
                },
                test_card,
            },
        }
    }

    /// Refunds part or all of an approved sale, back to the original
    /// payment. The refundable amount is checked locally, atomically with
    /// the journal write, before the gateway is asked.
    pub async fn refund(&self, input: RefundInput) -> Result<Refund, CounterError> {
        self.refund_within(input, None).await
    }

    /// [`Counter::refund`] held to a staff member's limits, checked in the
    /// transaction that journals the refund.
    pub async fn refund_within(&self, input: RefundInput, cap: Option<RefundCap>) -> Result<Refund, CounterError> {
        self.till()?;
        let sale = self.store.get(input.sale_id)?.ok_or(CounterError::SaleNotFound)?;
        let charge = match (&sale.status, &sale.gateway_ref) {
            (SaleStatus::Approved, Some(r)) => r.clone(),
            _ => return Err(StoreError::NotRefundable.into()),
        };
        let money = match input.amount {
            Some(amount) => Money::new(amount, sale.money.currency),
            None => self.store.refundable(sale.id)?,
        };
        if money.amount.get() <= 0 {
            return Err(StoreError::ExceedsRefundable(money).into());
        }
        let note = self.clean_text(input.note.as_deref())?;
        let refund = NewRefund {
            id: uuid::Uuid::now_v7().to_string(),
            sale_id: sale.id,
            terminal_id: self.terminal_id.clone(),
            money,
            reason: input.reason,
            idempotency_key: IdempotencyKey::generate(),
            note,
            staff_id: input.staff_id.clone(),
            created_at: crate::clock::now_utc(),
        };
        let _held = self.store.hold_in_flight(&refund.id)?;
        self.store.insert_pending_refund_within(&refund, cap.as_ref())?;
        crashpoint::reached(crashpoint::REFUND_JOURNALED);
        let span = tracing::info_span!("refund", sale = %sale.id, refund = %refund.id, amount = money.amount.get());
        let request = RefundRequest {
            refund_id: refund.id.clone(),
            sale_id: sale.id,
            charge,
            money,
            reason: input.reason,
            idempotency_key: refund.idempotency_key.clone(),
            by: self.attribution(&refund.terminal_id, &refund.staff_id),
            audit_anchor: self.audit_anchor(),
        };
        let result = self.gateway.refund(&request).instrument(span.clone()).await;
        crashpoint::reached(crashpoint::REFUND_ANSWERED);
        let (status, code, gateway_ref) = refund_settlement(result);
        span.in_scope(|| tracing::info!(status = ?status, "refund settled"));
        self.store
            .settle_refund(&refund.id, status, code.as_deref(), gateway_ref.as_ref())?;
        self.store
            .refunds_for_sale(sale.id)?
            .into_iter()
            .find(|r| r.id == refund.id)
            .ok_or(CounterError::Store(StoreError::Corrupt("a settled refund vanished")))
    }

    /// Captures all (`None`) or part of an authorised sale. Refused, before
    /// any request, once the gateway's capture deadline has passed.
    /// Captures `amount` (in the sale's currency; `None`: all of it).
    pub async fn capture(&self, sale_id: SaleId, amount: Option<MinorUnits>) -> Result<Sale, CounterError> {
        let sale = self.store.get(sale_id)?.ok_or(CounterError::SaleNotFound)?;
        let lapsed = sale.outcome_code.as_deref() == Some(AUTHORISATION_EXPIRED)
            || (sale.status == SaleStatus::Authorized
                && sale.capture_before_ms.is_some_and(|d| crate::clock::now_ms() >= d));
        if lapsed {
            return Err(CounterError::CaptureExpired);
        }
        let amount = amount.unwrap_or(sale.money.amount);
        self.payment_op(sale, OpKind::Capture, amount).await
    }

    /// Releases an authorisation without taking money.
    pub async fn void(&self, sale_id: SaleId) -> Result<Sale, CounterError> {
        let sale = self.store.get(sale_id)?.ok_or(CounterError::SaleNotFound)?;
        let amount = sale.money.amount;
        self.payment_op(sale, OpKind::Void, amount).await
    }

    async fn payment_op(&self, sale: Sale, kind: OpKind, amount: MinorUnits) -> Result<Sale, CounterError> {
        let payment = sale.gateway_ref.clone().ok_or(StoreError::NotCapturable)?;
        let op = PendingOp {
            kind,
            key: IdempotencyKey::generate(),
            amount,
        };
        let _held = self.store.hold_in_flight(&sale.id.to_string())?;
        self.store.begin_op(sale.id, &op)?;
        crashpoint::reached(crashpoint::OP_JOURNALED);
        let request = PaymentOp {
            payment,
            money: Money::new(amount, sale.money.currency),
            idempotency_key: op.key.clone(),
            audit_anchor: self.audit_anchor(),
        };
        let span = tracing::info_span!("payment_op", sale = %sale.id, kind = ?kind, amount = amount.get());
        let result = match kind {
            OpKind::Capture => self.gateway.capture(&request).instrument(span.clone()).await.map(Some),
            OpKind::Void => self
                .gateway
                .void(&request)
                .instrument(span.clone())
                .await
                .map(|()| None),
        };
        crashpoint::reached(crashpoint::OP_ANSWERED);
        match result {
            Ok(captured) => self.store.settle(sale.id, &op_settlement(kind, captured))?,
            // Unknown: the journaled op stays; start-up or `resolve` settles it.
            Err(e) if e.outcome_unknown() => return Err(e.into()),
            Err(e) => {
                self.store.clear_op(sale.id)?;
                return Err(e.into());
            }
        }
        span.in_scope(|| tracing::info!("settled"));
        self.store.get(sale.id)?.ok_or(CounterError::SaleNotFound)
    }

    fn clean_text(&self, text: Option<&str>) -> Result<Option<String>, CounterError> {
        let Some(text) = text else { return Ok(None) };
        let max = self.settings.max_description_chars;
        // Count only up to the limit: a 10 MB paste is refused without a full scan.
        if text.chars().nth(max).is_some() {
            return Err(InputError::DescriptionTooLong(max).into());
        }
        let text = text.trim();
        if text.chars().any(char::is_control) {
            return Err(InputError::DescriptionUnprintable.into());
        }
        if crate::pan::contains_card_number(text) {
            return Err(InputError::DescriptionCardNumber.into());
        }
        Ok((!text.is_empty()).then(|| text.to_string()))
    }
}

/// Clears the in-flight slot when a charge ends, however it ends.
struct InFlight<'a>(&'a Mutex<Option<CancellationToken>>);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}

#[cfg(test)]
mod tests;
