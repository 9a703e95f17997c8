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
    CaptureMode, ChargeOutcome, ChargeRequest, Gateway, GatewayError, IdempotencyKey, PaymentOp, PaymentSource,
    PaymentState, RefundOutcome, RefundReason, RefundRequest, TestCard,
};
use crate::money::{Currency, MinorUnits, Money, MoneyError};
use crate::store::RefundCap;
use crate::store::{
    NewRefund, NewSale, OpKind, PendingOp, Refund, RefundStatus, Sale, SaleId, SaleStatus, SalesQuery, Settlement,
    Store, StoreError,
};
use crate::vault::{Keychain, KeychainError, SubKeys};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CounterError {
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("{0}")]
    InvalidInput(String),
    #[error("A charge is already in progress on this till.")]
    ChargeInProgress,
    #[error("No charge is in progress.")]
    NothingToCancel,
    #[error("{0} sale(s) are in doubt: resolve them before taking a new charge. Do not charge the customer again.")]
    InDoubt(usize),
    #[error("Live mode has no gateway key yet. An owner must set one.")]
    LiveNotConfigured,
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
    /// The amount as typed; `None` refunds everything that is left.
    pub amount: Option<String>,
    pub reason: RefundReason,
    pub note: Option<String>,
    pub staff_id: Option<String>,
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
    pub outcome: &'static str,
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

    /// Takes one payment. Declines and gateway failures are recorded outcomes
    /// (returned as a `Sale` with that status), not errors: the sale exists.
    pub async fn charge(&self, input: ChargeInput) -> Result<Sale, CounterError> {
        let currency = input.currency.unwrap_or(self.settings.currency);
        let amount = crate::money::parse_amount(&input.amount, currency, &self.settings.parse_rules())?;
        let description = self.clean_text(input.description)?;
        if let Some(pm) = &input.payment_method {
            check_payment_method_id(pm)?;
            if TestCard::ALL.iter().any(|t| t.payment_method() == pm) && !self.gateway.test_mode() {
                return Err(CounterError::InvalidInput(
                    "Test cards only work with the gateway's test-mode key.".into(),
                ));
            }
        }
        // Stripe takes Canadian cards on the reader only with Interac
        // (`interac_present`, refunds in person on the reader), which the
        // terminal does not do: refused before anything is written or sent,
        // in training too, so that practice matches the shop's live till.
        if currency == Currency::Cad && input.payment_method.is_none() {
            return Err(CounterError::InvalidInput(
                "Canadian dollar payments on the card reader need Interac, which this terminal does not support \
                 yet. Nothing was charged: take this payment by keyed entry instead."
                    .into(),
            ));
        }
        let cancel = self.begin_charge()?;
        let _done = InFlight(&self.in_flight);

        let in_doubt = self.store.unsettled()?.len();
        if in_doubt > 0 {
            return Err(CounterError::InDoubt(in_doubt));
        }

        let sale = NewSale {
            id: SaleId::new(),
            terminal_id: self.terminal_id.clone(),
            money: Money::new(amount, currency),
            idempotency_key: IdempotencyKey::generate(),
            source: "reader",
            capture: input.capture,
            staff_id: input.staff_id.clone(),
            description,
            created_at: crate::clock::now_utc(),
        };
        let _held = self.store.hold_in_flight(&sale.id.to_string())?;
        self.store.insert_pending(&sale)?;
        crashpoint::reached(crashpoint::CHARGE_JOURNALED);
        let span = tracing::info_span!("charge", sale = %sale.id, amount = amount.get(), currency = %currency);
        span.in_scope(|| tracing::info!("journaled; asking gateway"));

        let request = ChargeRequest {
            sale_id: sale.id,
            journaled_at_ms: i64::try_from(sale.created_at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX),
            terminal_id: sale.terminal_id.clone(),
            money: sale.money,
            idempotency_key: sale.idempotency_key.clone(),
            source: self.payment_source(input.payment_method, input.simulated_card),
            capture: input.capture,
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
            return Err(CounterError::InvalidInput("The last 4 are four digits.".into()));
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

    /// Settles every pending or in-doubt sale with the gateway. Returns how
    /// many are still in doubt (the gateway could not be asked).
    pub async fn resolve_in_doubt(&self) -> Result<usize, CounterError> {
        let mut unresolved = 0;
        for sale in self.store.unsettled()? {
            // Another process (or this one) is still waiting for its answer:
            // slow, not interrupted. Settling it now could call a card that
            // is being charged "not charged", or stop a reader mid-payment.
            if self.store.in_flight_elsewhere(&sale.id.to_string()) {
                unresolved += 1;
                continue;
            }
            let request = ChargeRequest {
                sale_id: sale.id,
                journaled_at_ms: sale.created_at_ms,
                terminal_id: sale.terminal_id.clone(),
                money: sale.money,
                idempotency_key: sale.idempotency_key.clone(),
                source: self.payment_source(None, None),
                capture: sale.capture,
                audit_anchor: None,
            };
            let settled_window_passed =
                crate::clock::now_ms().saturating_sub(sale.created_at_ms) > window_ms(&*self.gateway);
            let settlement = match self.gateway.find_charge(&request).await {
                Ok(Some(outcome)) => {
                    if let Some(ms) = capture_deadline(&Ok(outcome.clone())) {
                        self.store.set_capture_before(sale.id, ms)?;
                    }
                    settlement_for(Ok(outcome), sale.money.amount)
                }
                Ok(None) if settled_window_passed => Settlement {
                    status: SaleStatus::Failed,
                    risk: None,
                    captured: None,
                    outcome_code: Some("interrupted_not_charged".into()),
                    gateway_ref: None,
                    card: None,
                },
                // Not found yet (the gateway may still act on a request sent
                // moments before the interruption), or not askable: in doubt.
                other => {
                    if let Err(e) = other {
                        tracing::warn!(sale = %sale.id, error = %e, "in-doubt sale could not be looked up");
                    }
                    unresolved += 1;
                    if sale.status == SaleStatus::Pending {
                        let in_doubt = settlement_for(Err(GatewayError::OutcomeUnknown), sale.money.amount);
                        self.store.settle(sale.id, &in_doubt)?;
                    }
                    continue;
                }
            };
            tracing::info!(sale = %sale.id, status = ?settlement.status, "settled after interruption");
            self.store.settle(sale.id, &settlement)?;
            self.note_settled(sale.id, None, settlement.status.as_str());
        }
        for sale in self.store.pending_ops()? {
            let (Some(op), Some(payment)) = (&sale.pending_op, &sale.gateway_ref) else {
                continue;
            };
            if self.store.in_flight_elsewhere(&sale.id.to_string()) {
                unresolved += 1;
                continue;
            }
            match self.gateway.payment_state(payment).await {
                Ok(PaymentState::Captured { amount }) => {
                    self.store
                        .settle(sale.id, &op_settlement(OpKind::Capture, Some(amount)))?;
                    self.note_settled(sale.id, None, "captured");
                }
                Ok(PaymentState::Voided) => {
                    self.store.settle(sale.id, &op_settlement(OpKind::Void, None))?;
                    self.note_settled(sale.id, None, "voided");
                }
                // Still only authorised: the op never landed (or may still).
                Ok(_) if crate::clock::now_ms().saturating_sub(sale.updated_at_ms) > window_ms(&*self.gateway) => {
                    self.store.clear_op(sale.id)?;
                    self.note_settled(sale.id, None, "capture_or_void_not_done");
                }
                _ => {
                    tracing::warn!(sale = %sale.id, kind = ?op.kind, "capture/void still in doubt");
                    unresolved += 1;
                }
            }
        }
        // An authorisation nobody captured in time is cancelled by the
        // gateway; the sale must say so instead of "authorised" for ever.
        for sale in self.store.lapsed_authorisations(crate::clock::now_ms())? {
            let Some(payment) = &sale.gateway_ref else {
                continue;
            };
            let settlement = match self.gateway.payment_state(payment).await {
                Ok(PaymentState::Voided) => Settlement {
                    outcome_code: Some(AUTHORISATION_EXPIRED.into()),
                    ..op_settlement(OpKind::Void, None)
                },
                // Captured after all (from the gateway's dashboard, say).
                Ok(PaymentState::Captured { amount }) => op_settlement(OpKind::Capture, Some(amount)),
                // Not cancelled yet, or not askable: asked again next time.
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(sale = %sale.id, error = %e, "lapsed authorisation could not be looked up");
                    continue;
                }
            };
            tracing::info!(sale = %sale.id, status = ?settlement.status, "lapsed authorisation settled");
            self.store.settle(sale.id, &settlement)?;
            let outcome = if settlement.status == SaleStatus::Voided {
                AUTHORISATION_EXPIRED
            } else {
                "captured"
            };
            self.note_settled(sale.id, None, outcome);
        }
        for refund in self.store.unsettled_refunds()? {
            if self.store.in_flight_elsewhere(&refund.id) {
                unresolved += 1;
                continue;
            }
            let Some(charge) = self.store.get(refund.sale_id)?.and_then(|s| s.gateway_ref) else {
                continue;
            };
            let request = RefundRequest {
                refund_id: refund.id.clone(),
                sale_id: refund.sale_id,
                charge,
                money: refund.money,
                reason: refund.reason,
                idempotency_key: refund.idempotency_key.clone(),
                audit_anchor: self.audit_anchor(),
            };
            let window_passed = crate::clock::now_ms().saturating_sub(refund.created_at_ms) > window_ms(&*self.gateway);
            let (status, code, gateway_ref) = match self.gateway.find_refund(&request).await {
                Ok(Some(outcome)) => refund_settlement(Ok(outcome)),
                Ok(None) if !window_passed => {
                    unresolved += 1;
                    (RefundStatus::InDoubt, Some("outcome_unknown".to_string()), None)
                }
                Ok(None) => (RefundStatus::Failed, Some("interrupted_not_refunded".to_string()), None),
                Err(_) => {
                    unresolved += 1;
                    (RefundStatus::InDoubt, Some("outcome_unknown".to_string()), None)
                }
            };
            self.store
                .settle_refund(&refund.id, status, code.as_deref(), gateway_ref.as_ref())?;
            if status != RefundStatus::InDoubt {
                self.note_settled(refund.sale_id, Some(&refund.id), status.as_str());
            }
        }
        Ok(unresolved)
    }

    /// What recovery settled since the last call, oldest first.
    pub fn take_settled(&self) -> Vec<Settled> {
        std::mem::take(&mut *self.settled.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn note_settled(&self, sale: SaleId, refund: Option<&str>, outcome: &'static str) {
        self.settled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Settled {
                sale,
                refund: refund.map(str::to_string),
                outcome,
            });
    }

    /// Sets the audit head the next refunds, captures and voids carry to
    /// the gateway (the terminal sets it before each).
    pub fn set_audit_anchor(&self, anchor: Option<String>) {
        *self
            .audit_anchor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = anchor;
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
        let sale = self.store.get(input.sale_id)?.ok_or(CounterError::SaleNotFound)?;
        let charge = match (&sale.status, &sale.gateway_ref) {
            (SaleStatus::Approved, Some(r)) => r.clone(),
            _ => return Err(StoreError::NotRefundable.into()),
        };
        let money = match input.amount {
            Some(typed) => Money::new(
                crate::money::parse_amount(&typed, sale.money.currency, &self.settings.parse_rules())?,
                sale.money.currency,
            ),
            None => self.store.refundable(sale.id)?,
        };
        if money.amount.get() <= 0 {
            return Err(StoreError::ExceedsRefundable(money.display()).into());
        }
        let note = self.clean_text(input.note)?;
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
    pub async fn capture(&self, sale_id: SaleId, amount: Option<String>) -> Result<Sale, CounterError> {
        let sale = self.store.get(sale_id)?.ok_or(CounterError::SaleNotFound)?;
        let lapsed = sale.outcome_code.as_deref() == Some(AUTHORISATION_EXPIRED)
            || (sale.status == SaleStatus::Authorized
                && sale.capture_before_ms.is_some_and(|d| crate::clock::now_ms() >= d));
        if lapsed {
            return Err(CounterError::CaptureExpired);
        }
        let amount = match amount {
            Some(typed) => crate::money::parse_amount(&typed, sale.money.currency, &self.settings.parse_rules())?,
            None => sale.money.amount,
        };
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

    fn clean_text(&self, text: Option<String>) -> Result<Option<String>, CounterError> {
        let Some(text) = text else { return Ok(None) };
        let max = self.settings.max_description_chars;
        // Count only up to the limit: a 10 MB paste is refused without a full scan.
        if text.chars().nth(max).is_some() {
            return Err(CounterError::InvalidInput(format!(
                "The description is too long: at most {max} characters."
            )));
        }
        let text = text.trim();
        if text.chars().any(char::is_control) {
            return Err(CounterError::InvalidInput(
                "The description cannot contain line breaks or control characters.".into(),
            ));
        }
        if crate::pan::contains_card_number(text) {
            return Err(CounterError::InvalidInput(
                "The description looks like it holds a card number. Card numbers are never typed into the terminal."
                    .into(),
            ));
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

/// The deadline of an authorisation the gateway reported one for.
fn capture_deadline(result: &Result<ChargeOutcome, GatewayError>) -> Option<i64> {
    match result {
        Ok(ChargeOutcome::Authorized { capture_before_ms, .. }) => *capture_before_ms,
        _ => None,
    }
}

fn window_ms(gateway: &dyn Gateway) -> i64 {
    i64::try_from(gateway.in_flight_window().as_millis()).unwrap_or(i64::MAX)
}

fn op_settlement(kind: OpKind, captured: Option<MinorUnits>) -> Settlement {
    Settlement {
        status: match kind {
            OpKind::Capture => SaleStatus::Approved,
            OpKind::Void => SaleStatus::Voided,
        },
        captured,
        risk: None,
        outcome_code: None,
        gateway_ref: None,
        card: None,
    }
}

/// Payment method ids are the gateway's tokens, never card data.
fn check_payment_method_id(id: &str) -> Result<(), CounterError> {
    let ok = id.starts_with("pm_")
        && (4..=100).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !crate::pan::contains_card_number(id);
    if ok {
        Ok(())
    } else {
        Err(CounterError::InvalidInput(
            "That is not a payment method id (pm_…). Card numbers are never entered into the terminal.".into(),
        ))
    }
}

fn refund_settlement(
    result: Result<RefundOutcome, GatewayError>,
) -> (RefundStatus, Option<String>, Option<crate::gateway::GatewayRef>) {
    match result {
        Ok(RefundOutcome::Succeeded { gateway_ref }) => (RefundStatus::Succeeded, None, Some(gateway_ref)),
        Ok(RefundOutcome::Pending { gateway_ref }) => (
            RefundStatus::Succeeded,
            Some("pending_at_gateway".into()),
            Some(gateway_ref),
        ),
        Ok(RefundOutcome::Failed { code }) => (RefundStatus::Failed, Some(code), None),
        Err(e) if e.outcome_unknown() => (RefundStatus::InDoubt, Some("outcome_unknown".into()), None),
        Err(e) => (RefundStatus::Failed, Some(gateway_error_code(&e).into()), None),
    }
}

fn settlement_for(result: Result<ChargeOutcome, GatewayError>, amount: MinorUnits) -> Settlement {
    let plain = |status, code: &str| Settlement {
        status,
        risk: None,
        captured: None,
        outcome_code: Some(code.to_string()),
        gateway_ref: None,
        card: None,
    };
    match result {
        Ok(ChargeOutcome::Approved {
            gateway_ref,
            card,
            risk,
        }) => Settlement {
            status: SaleStatus::Approved,
            risk,
            captured: Some(amount),
            outcome_code: None,
            gateway_ref: Some(gateway_ref),
            card: Some(card),
        },
        Ok(ChargeOutcome::Authorized {
            gateway_ref,
            card,
            risk,
            ..
        }) => Settlement {
            status: SaleStatus::Authorized,
            risk,
            captured: None,
            outcome_code: None,
            gateway_ref: Some(gateway_ref),
            card: Some(card),
        },
        Ok(ChargeOutcome::Declined {
            gateway_ref,
            reason,
            card,
        }) => Settlement {
            status: SaleStatus::Declined,
            risk: None,
            captured: None,
            outcome_code: Some(reason.code().to_string()),
            gateway_ref,
            card,
        },
        Ok(ChargeOutcome::Cancelled) => plain(SaleStatus::Cancelled, "cancelled"),
        Err(e) if e.outcome_unknown() => plain(SaleStatus::InDoubt, "outcome_unknown"),
        Err(GatewayError::Declined { reason, payment_intent }) => Settlement {
            status: SaleStatus::Declined,
            risk: None,
            captured: None,
            outcome_code: Some(reason.code().to_string()),
            gateway_ref: payment_intent.map(crate::gateway::GatewayRef),
            card: None,
        },
        Err(e) => plain(SaleStatus::Failed, gateway_error_code(&e)),
    }
}

/// Stable codes for gateway failures, stored with the sale and sent to the UI.
pub fn gateway_error_code(e: &GatewayError) -> &'static str {
    match e {
        GatewayError::ProcessingError => "processing_error",
        GatewayError::ReaderTimeout => "reader_timeout",
        GatewayError::ReaderOffline => "reader_offline",
        GatewayError::ReaderBusy => "reader_busy",
        GatewayError::Unreachable => "gateway_unreachable",
        GatewayError::OutcomeUnknown => "outcome_unknown",
        GatewayError::RateLimited => "rate_limited",
        GatewayError::KeyRejected => "key_rejected",
        GatewayError::PermissionMissing => "permission_missing",
        GatewayError::TlsFailure => "tls_failure",
        GatewayError::AuthenticationRequired => "authentication_required",
        GatewayError::Declined { .. } => "declined",
        GatewayError::InvalidRequest => "invalid_request",
        GatewayError::NotFound => "not_found",
        GatewayError::MalformedResponse => "malformed_response",
        GatewayError::AnswerTooLarge => "answer_too_large",
        GatewayError::ListTooLong => "list_too_long",
        GatewayError::ListingUnsupported => "listing_unsupported",
        GatewayError::ReceiptEmailUnsupported => "receipt_email_unsupported",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::training::ReaderTiming;
    use crate::money::MinorUnits;
    use crate::vault::{MasterKey, Sealer};

    fn sealer() -> Sealer {
        match MasterKey::from_slice(&[3u8; 32]) {
            Some(m) => Sealer::ephemeral(&SubKeys::new(m)),
            None => panic!("key"),
        }
    }

    async fn counter(dir: &std::path::Path, slow_ms: u64) -> Result<Counter, CounterError> {
        let settings = Settings {
            training_reader: ReaderTiming {
                tap_ms: 1,
                slow_ms,
                timeout_ms: 1,
            },
            ..Settings::default()
        };
        let store = Store::open(&dir.join("c.sqlite3"), sealer())?;
        let gateway = Arc::new(TrainingGateway::new(settings.training_reader));
        Counter::from_parts(settings, "t1".into(), store, gateway).await
    }

    /// A $9.00 reader sale as the journal writes it before asking the gateway.
    fn journaled_sale() -> NewSale {
        NewSale {
            id: SaleId::new(),
            terminal_id: "t1".into(),
            money: Money::new(MinorUnits::new(900), Currency::Usd),
            idempotency_key: IdempotencyKey::generate(),
            source: "reader",
            capture: CaptureMode::Automatic,
            staff_id: None,
            description: None,
            created_at: crate::clock::now_utc(),
        }
    }

    /// An authorisation only (captured later), approved.
    fn hold(amount: &str) -> ChargeInput {
        ChargeInput {
            capture: CaptureMode::Manual,
            ..input(amount, SimulatedCard::Approve)
        }
    }

    fn input(amount: &str, card: SimulatedCard) -> ChargeInput {
        ChargeInput {
            amount: amount.into(),
            currency: None,
            description: None,
            simulated_card: Some(card),
            payment_method: None,
            capture: CaptureMode::Automatic,
            staff_id: None,
            audit_anchor: None,
        }
    }

    /// The codes are stored with each failed sale and refund and the UI
    /// branches on them: one per failure, and they never change.
    #[test]
    fn gateway_failures_have_stable_distinct_codes() {
        use GatewayError::*;
        let all = [
            (ProcessingError, "processing_error"),
            (ReaderTimeout, "reader_timeout"),
            (ReaderOffline, "reader_offline"),
            (ReaderBusy, "reader_busy"),
            (Unreachable, "gateway_unreachable"),
            (OutcomeUnknown, "outcome_unknown"),
            (RateLimited, "rate_limited"),
            (KeyRejected, "key_rejected"),
            (PermissionMissing, "permission_missing"),
            (TlsFailure, "tls_failure"),
            (AuthenticationRequired, "authentication_required"),
            (InvalidRequest, "invalid_request"),
            (NotFound, "not_found"),
            (MalformedResponse, "malformed_response"),
            (AnswerTooLarge, "answer_too_large"),
            (ListTooLong, "list_too_long"),
            (ListingUnsupported, "listing_unsupported"),
            (ReceiptEmailUnsupported, "receipt_email_unsupported"),
        ];
        for (e, code) in &all {
            assert_eq!(gateway_error_code(e), *code);
        }
        let distinct: std::collections::BTreeSet<_> = all.iter().map(|(e, _)| gateway_error_code(e)).collect();
        assert_eq!(distinct.len(), all.len());
        let failed = settlement_for(Err(KeyRejected), MinorUnits::new(100));
        assert_eq!(
            (failed.status, failed.outcome_code.as_deref()),
            (SaleStatus::Failed, Some("key_rejected"))
        );
    }

    #[tokio::test]
    async fn cad_on_the_reader_is_refused_in_training_as_in_live() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        let r = c
            .charge(ChargeInput {
                currency: Some(Currency::Cad),
                ..input("10.00", SimulatedCard::Approve)
            })
            .await;
        assert!(
            matches!(&r, Err(CounterError::InvalidInput(m)) if m.contains("Interac")),
            "{r:?}"
        );
        assert!(c.list_sales(0, i64::MAX)?.is_empty(), "nothing written");
        Ok(())
    }

    /// While a sale's outcome is unknown no new charge is taken: the
    /// cashier settles it first (it may be the same customer's payment).
    #[tokio::test]
    async fn no_charge_while_a_sale_is_in_doubt() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        let sale = journaled_sale();
        let _held = c.store().hold_in_flight(&sale.id.to_string())?;
        c.store().insert_pending(&sale)?;
        let r = c.charge(input("5", SimulatedCard::Approve)).await;
        assert!(matches!(r, Err(CounterError::InDoubt(1))), "{r:?}");
        assert_eq!(c.list_sales(0, i64::MAX)?.len(), 1, "nothing new journaled");
        Ok(())
    }

    /// A sale or refund another process (or this one) still has in flight
    /// is left alone by recovery and counted as unresolved.
    #[tokio::test]
    async fn recovery_counts_what_is_in_flight_and_leaves_it() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        let sold = c.charge(input("20.00", SimulatedCard::Approve)).await?;
        // An authorised sale, to journal a capture on below.
        let tab = c.charge(hold("30")).await?;
        let refund = crate::store::NewRefund {
            id: "re-held".into(),
            sale_id: sold.id,
            terminal_id: "t1".into(),
            money: Money::new(MinorUnits::new(500), Currency::Usd),
            reason: RefundReason::RequestedByCustomer,
            idempotency_key: IdempotencyKey::generate(),
            note: None,
            staff_id: None,
            created_at: crate::clock::now_utc(),
        };
        let _refund_held = c.store().hold_in_flight(&refund.id)?;
        c.store().insert_pending_refund(&refund)?;
        let sale = journaled_sale();
        let _sale_held = c.store().hold_in_flight(&sale.id.to_string())?;
        c.store().insert_pending(&sale)?;
        // A capture journaled on the authorised sale, its answer awaited.
        let _op_held = c.store().hold_in_flight(&tab.id.to_string())?;
        let op = crate::store::PendingOp {
            kind: OpKind::Capture,
            key: IdempotencyKey::generate(),
            amount: tab.money.amount,
        };
        c.store().begin_op(tab.id, &op)?;
        assert_eq!(c.resolve_in_doubt().await?, 3);
        assert!(
            c.store().get(tab.id)?.is_some_and(|s| s.pending_op.is_some()),
            "the capture left alone"
        );
        assert_eq!(c.store().get(sale.id)?.map(|s| s.status), Some(SaleStatus::Pending));
        let refunds = c.store().refunds_for_sale(sold.id)?;
        assert_eq!(
            refunds.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![RefundStatus::Pending]
        );
        assert!(c.take_settled().is_empty(), "nothing was settled");
        // Released: recovery settles both, and hands each over once for
        // the audit trail.
        drop((_refund_held, _sale_held, _op_held));
        c.resolve_in_doubt().await?;
        let settled: Vec<_> = c.take_settled().into_iter().map(|s| (s.sale, s.refund)).collect();
        let mut expected = Vec::new();
        if c.store().get(sale.id)?.is_some_and(|s| s.status != SaleStatus::Pending) {
            expected.push((sale.id, None));
        }
        if c.store().get(tab.id)?.is_some_and(|s| s.pending_op.is_none()) {
            expected.push((tab.id, None));
        }
        if c.store()
            .refunds_for_sale(sold.id)?
            .iter()
            .any(|r| r.status != RefundStatus::Pending)
        {
            expected.push((sold.id, Some(refund.id.clone())));
        }
        assert!(!expected.is_empty(), "recovery settled something");
        assert_eq!(settled, expected);
        assert!(c.take_settled().is_empty(), "handed over once");
        Ok(())
    }

    /// Only an answer that says the gateway may have acted leaves a refund
    /// in doubt; every other failure is a plain failure with its code.
    #[test]
    fn refund_failures_are_in_doubt_only_when_the_outcome_is_unknown() {
        let (status, code, _) = refund_settlement(Err(GatewayError::OutcomeUnknown));
        assert_eq!(
            (status, code.as_deref()),
            (RefundStatus::InDoubt, Some("outcome_unknown"))
        );
        for e in [
            GatewayError::RateLimited,
            GatewayError::Unreachable,
            GatewayError::TlsFailure,
        ] {
            let code = gateway_error_code(&e);
            let (status, stored, _) = refund_settlement(Err(e));
            assert_eq!((status, stored.as_deref()), (RefundStatus::Failed, Some(code)));
        }
    }

    /// A counter in a log or a panic message shows which terminal it is and
    /// nothing of its keys, store or gateway.
    #[tokio::test]
    async fn debug_shows_the_terminal_and_nothing_else() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        assert_eq!(format!("{c:?}"), r#"Counter { terminal_id: "t1", .. }"#);
        Ok(())
    }

    #[tokio::test]
    async fn a_double_press_sends_one_charge() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 200).await?;
        let (a, b) = tokio::join!(
            c.charge(input("5", SimulatedCard::SlowReader)),
            c.charge(input("5", SimulatedCard::SlowReader))
        );
        let outcomes = [a.is_ok(), b.is_ok()];
        assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "exactly one charge runs");
        assert!(matches!(a.err().or(b.err()), Some(CounterError::ChargeInProgress)));
        assert_eq!(c.list_sales(0, i64::MAX)?.len(), 1);
        Ok(())
    }

    #[tokio::test]
    async fn an_interrupted_charge_is_settled_on_the_next_start() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        // A crash after the journal write, before any answer: only the pending row exists.
        let store = Store::open(&dir.path().join("c.sqlite3"), sealer())?;
        let sale = journaled_sale();
        let id = sale.id;
        store.insert_pending(&sale)?;
        drop(store);
        let c = counter(dir.path(), 1).await?;
        let sale = c.store().get(id)?.ok_or(CounterError::NothingToCancel)?;
        assert_eq!(sale.status, SaleStatus::Failed);
        assert_eq!(sale.outcome_code.as_deref(), Some("interrupted_not_charged"));
        // New work is possible again.
        assert_eq!(
            c.charge(input("1", SimulatedCard::Approve)).await?.status,
            SaleStatus::Approved
        );
        Ok(())
    }

    #[tokio::test]
    async fn bad_text_is_refused_before_anything_is_written() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        let card_like = format!("{}{}", "4242".repeat(3), "4242");
        let groups = |sep: &str| {
            let g: Vec<&str> = (0..4).map(|i| &card_like[i * 4..i * 4 + 4]).collect();
            g.join(sep)
        };
        let full_width: String = groups(" ")
            .chars()
            .map(|c| c.to_digit(10).and_then(|d| char::from_u32(0xFF10 + d)).unwrap_or(c))
            .collect();
        let cases = [
            Some("x".repeat(10 * 1024 * 1024)),
            Some("line\nbreak".to_string()),
            Some(format!("card {card_like}")),
            // The same number however it is spelled (the detector's rule).
            Some(format!("Table 7 {}", groups(" "))),
            Some(groups(".")),
            Some(groups("  ")),
            Some(groups("\u{a0}")),
            Some(full_width),
            Some(format!("9{card_like}12")),
        ];
        for description in cases {
            let r = c
                .charge(ChargeInput {
                    description,
                    ..input("2", SimulatedCard::Approve)
                })
                .await;
            assert!(matches!(r, Err(CounterError::InvalidInput(_))), "{r:?}");
        }
        assert!(matches!(
            c.charge(input("-1", SimulatedCard::Approve)).await,
            Err(CounterError::Money(MoneyError::Negative))
        ));
        assert!(c.list_sales(0, i64::MAX)?.is_empty(), "refusals leave no rows");
        let sql = "'); DROP TABLE sales; --";
        let ok = c
            .charge(ChargeInput {
                description: Some(sql.into()),
                ..input("2", SimulatedCard::Approve)
            })
            .await?;
        assert_eq!(ok.description.as_deref(), Some(sql));
        Ok(())
    }

    /// Once the gateway has cancelled an authorisation for lateness the
    /// cashier is told so (the UI branches on it), not "not capturable".
    #[tokio::test]
    async fn a_lapsed_authorisation_is_refused_as_expired() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        let tab = c.charge(hold("30")).await?;
        let lapsed = Settlement {
            outcome_code: Some(AUTHORISATION_EXPIRED.into()),
            ..op_settlement(OpKind::Void, None)
        };
        c.store().settle(tab.id, &lapsed)?;
        let r = c.capture(tab.id, None).await;
        assert!(matches!(r, Err(CounterError::CaptureExpired)), "{r:?}");
        Ok(())
    }

    /// An authorisation past its deadline is settled as the gateway has it:
    /// cancelled for lateness, or captured after all (from the dashboard);
    /// the audit trail is handed the same outcome the sale records.
    #[tokio::test]
    async fn lapsed_authorisations_are_settled_as_the_gateway_has_them() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let settings = Settings::default();
        let store = Store::open(&dir.path().join("c.sqlite3"), sealer())?;
        let gateway = Arc::new(TrainingGateway::new(ReaderTiming {
            tap_ms: 1,
            slow_ms: 1,
            timeout_ms: 1,
        }));
        let c = Counter::from_parts(settings, "t1".into(), store, gateway.clone()).await?;
        let (cancelled, taken) = (c.charge(hold("30")).await?, c.charge(hold("30")).await?);
        let op = |sale: &Sale| PaymentOp {
            payment: sale
                .gateway_ref
                .clone()
                .unwrap_or_else(|| panic!("authorised at the gateway")),
            money: sale.money,
            idempotency_key: IdempotencyKey::generate(),
            audit_anchor: None,
        };
        // What the gateway did on its own.
        gateway.void(&op(&cancelled)).await?;
        gateway.capture(&op(&taken)).await?;
        for sale in [&cancelled, &taken] {
            c.store().set_capture_before(sale.id, 1)?;
        }
        c.resolve_in_doubt().await?;
        let outcomes: Vec<_> = c.take_settled().into_iter().map(|s| (s.sale, s.outcome)).collect();
        assert_eq!(
            outcomes,
            vec![(cancelled.id, AUTHORISATION_EXPIRED), (taken.id, "captured")]
        );
        let recorded = |id| c.store().get(id).map(|s| s.map(|s| (s.status, s.outcome_code)));
        assert_eq!(
            recorded(cancelled.id)?,
            Some((SaleStatus::Voided, Some(AUTHORISATION_EXPIRED.to_string())))
        );
        assert_eq!(recorded(taken.id)?.map(|r| r.0), Some(SaleStatus::Approved));
        Ok(())
    }

    /// A capture the gateway refuses outright did not happen: its journal
    /// entry goes, so the cashier can try again (or void) at once instead
    /// of waiting for recovery.
    #[tokio::test]
    async fn a_refused_capture_leaves_no_journal_entry() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        let tab = c.charge(hold("30")).await?;
        // Point the sale at a payment the gateway does not know.
        let unknown = Settlement {
            status: SaleStatus::Authorized,
            captured: None,
            risk: None,
            outcome_code: None,
            gateway_ref: Some(crate::gateway::GatewayRef("pi_unknown".into())),
            card: None,
        };
        c.store().settle(tab.id, &unknown)?;
        for _ in 0..2 {
            let r = c.capture(tab.id, None).await;
            assert!(matches!(r, Err(CounterError::Gateway(GatewayError::NotFound))), "{r:?}");
            assert!(c.store().get(tab.id)?.is_some_and(|s| s.pending_op.is_none()));
        }
        Ok(())
    }

    #[tokio::test]
    async fn authorise_then_capture_part_or_void() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        let tab = c.charge(hold("50")).await?;
        assert_eq!(tab.status, SaleStatus::Authorized);
        assert_eq!(tab.captured, None);
        // Nothing to refund on an authorisation.
        let refund = RefundInput {
            sale_id: tab.id,
            amount: None,
            reason: RefundReason::RequestedByCustomer,
            note: None,
            staff_id: None,
        };
        assert!(matches!(
            c.refund(refund.clone()).await,
            Err(CounterError::Store(StoreError::NotRefundable))
        ));
        // Capture more than held: refused before the gateway.
        assert!(matches!(
            c.capture(tab.id, Some("50.01".into())).await,
            Err(CounterError::Store(StoreError::NotCapturable))
        ));
        let captured = c.capture(tab.id, Some("42.50".into())).await?;
        assert_eq!(
            (captured.status, captured.captured),
            (SaleStatus::Approved, Some(MinorUnits::new(4250)))
        );
        // Refunds count against what was captured, not what was held.
        assert_eq!(c.store().refundable(tab.id)?.amount, MinorUnits::new(4250));
        assert_eq!(c.refund(refund).await?.money.amount, MinorUnits::new(4250));
        // Capturing twice is refused, as already captured even once the
        // authorisation's deadline has passed (the deadline is about
        // authorised sales only).
        assert!(matches!(
            c.capture(tab.id, None).await,
            Err(CounterError::Store(StoreError::NotCapturable))
        ));
        c.store().set_capture_before(tab.id, 1)?;
        let again = c.capture(tab.id, None).await;
        assert!(
            matches!(again, Err(CounterError::Store(StoreError::NotCapturable))),
            "{again:?}"
        );

        let deposit = c.charge(hold("20")).await?;
        let voided = c.void(deposit.id).await?;
        assert_eq!((voided.status, voided.captured), (SaleStatus::Voided, None));
        assert!(matches!(
            c.capture(deposit.id, None).await,
            Err(CounterError::Store(StoreError::NotCapturable))
        ));
        Ok(())
    }

    /// A payment method id is the gateway's token and nothing else.
    #[test]
    fn only_payment_method_ids_are_taken() {
        assert!(check_payment_method_id("pm_card_visa").is_ok());
        for bad in [
            "tok_visa",
            "pm_card visa",
            "pm_",
            "card_4242",
            &format!("pm_{}", "a".repeat(100)),
        ] {
            assert!(check_payment_method_id(bad).is_err(), "{bad}");
        }
        assert!(
            check_payment_method_id(&format!("pm_{}", "4242".repeat(4))).is_err(),
            "a card number"
        );
    }

    #[tokio::test]
    async fn a_sale_is_found_by_its_last_4_and_amount() -> Result<(), CounterError> {
        let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
        let c = counter(dir.path(), 1).await?;
        let sale = c.charge(input("12.34", SimulatedCard::Approve)).await?;
        c.charge(input("5", SimulatedCard::Approve)).await?;
        let last4 = sale.card.as_ref().map(|k| k.last4.clone());
        let filter = |last4: Option<String>, amount: Option<&str>| SalesFilter {
            since_ms: 0,
            until_ms: i64::MAX,
            status: None,
            last4,
            amount: amount.map(str::to_string),
            currency: None,
            staff_id: None,
        };
        let found = c.search_sales(&filter(last4.clone(), Some("12.34")))?;
        assert_eq!(found.iter().map(|s| s.id).collect::<Vec<_>>(), vec![sale.id]);
        assert_eq!(c.search_sales(&filter(last4, None))?.len(), 2);
        assert!(c.search_sales(&filter(Some("0000".into()), None))?.is_empty());
        assert!(matches!(
            c.search_sales(&filter(Some("42".into()), None)),
            Err(CounterError::InvalidInput(_))
        ));
        Ok(())
    }
}
