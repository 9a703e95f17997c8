//! The training gateway: an in-process gateway and card reader with Stripe's
//! test-card semantics, so a fresh install runs with no credentials and no
//! network and a new cashier can practise every outcome.
//!
//! It keeps the promises of [`Gateway`]: one charge per idempotency key
//! (a repeated key returns the first answer), and `find_charge` reports what
//! it did. Its state lives in memory only; after a restart it has taken no
//! charges, which is the truth for a gateway that never moved money.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use uuid::Uuid;

use super::CaptureMode;
use super::{
    CardReceipt, CardSummary, ChargeOutcome, ChargeRequest, DeclineReason, EntryMode, Gateway, GatewayError,
    GatewayKind, GatewayRef, PaymentOp, PaymentSource, PaymentState, RefundOutcome, RefundRequest,
};
use crate::money::MinorUnits;

/// The card a trainee "presents" to the simulated reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum SimulatedCard {
    Approve,
    GenericDecline,
    InsufficientFunds,
    ExpiredCard,
    ProcessingError,
    SlowReader,
    ReaderTimeout,
}

impl SimulatedCard {
    pub const ALL: [SimulatedCard; 7] = [
        Self::Approve,
        Self::GenericDecline,
        Self::InsufficientFunds,
        Self::ExpiredCard,
        Self::ProcessingError,
        Self::SlowReader,
        Self::ReaderTimeout,
    ];

    /// The catalog's words for the card in the training menu.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Approve => "card-approve",
            Self::GenericDecline => "card-generic-decline",
            Self::InsufficientFunds => "card-insufficient-funds",
            Self::ExpiredCard => "card-expired",
            Self::ProcessingError => "card-processing-error",
            Self::SlowReader => "card-slow-reader",
            Self::ReaderTimeout => "card-reader-timeout",
        }
    }

    /// The brand and last 4 of Stripe's matching test card: what a real
    /// simulated reader would report (never a full number).
    fn card(self) -> CardSummary {
        let (brand, last4) = match self {
            Self::Approve | Self::SlowReader => ("visa", "4242"),
            Self::GenericDecline => ("visa", "0002"),
            Self::InsufficientFunds => ("visa", "9995"),
            Self::ExpiredCard => ("visa", "0069"),
            Self::ProcessingError => ("visa", "0119"),
            Self::ReaderTimeout => ("visa", "4242"),
        };
        CardSummary {
            brand: brand.into(),
            last4: last4.into(),
            exp_month: 12,
            exp_year: 2034,
            receipt: Some(CardReceipt {
                entry: Some(EntryMode::Simulated),
                ..CardReceipt::default()
            }),
        }
    }
}

pub use crate::config::ReaderTiming;

pub const TRAINING_READER_ID: &str = "tmr_training";

pub struct TrainingGateway {
    timing: ReaderTiming,
    // Keyed by idempotency key: the record of what this gateway did.
    charges: Mutex<HashMap<String, ChargeOutcome>>,
    // Keyed by idempotency key, like a real gateway's refund record.
    refunds: Mutex<HashMap<String, (String, RefundOutcome)>>,
    // Keyed by payment id: (authorised amount, state).
    payments: Mutex<HashMap<String, (MinorUnits, PaymentState)>>,
}

impl TrainingGateway {
    pub fn new(timing: ReaderTiming) -> Self {
        Self {
            timing,
            charges: Mutex::new(HashMap::new()),
            refunds: Mutex::new(HashMap::new()),
            payments: Mutex::new(HashMap::new()),
        }
    }

    fn recorded(&self, key: &str) -> Option<ChargeOutcome> {
        self.charges.lock().ok().and_then(|m| m.get(key).cloned())
    }

    fn record(&self, key: &str, outcome: &ChargeOutcome) {
        if let Ok(mut m) = self.charges.lock() {
            m.insert(key.to_string(), outcome.clone());
        }
    }
}

/// The simulated card for a charge: the reader's presented card, or a
/// Stripe test payment method id such as `pm_card_chargeDeclined`.
fn presented(source: &PaymentSource) -> SimulatedCard {
    match source {
        PaymentSource::Reader { test_card, .. } => test_card.unwrap_or(SimulatedCard::Approve),
        PaymentSource::PaymentMethod { id } => match id.as_str() {
            "pm_card_chargeDeclined" => SimulatedCard::GenericDecline,
            "pm_card_chargeDeclinedInsufficientFunds" => SimulatedCard::InsufficientFunds,
            "pm_card_chargeDeclinedExpiredCard" => SimulatedCard::ExpiredCard,
            "pm_card_chargeDeclinedProcessingError" => SimulatedCard::ProcessingError,
            _ => SimulatedCard::Approve,
        },
    }
}

#[async_trait::async_trait]
impl Gateway for TrainingGateway {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Training
    }

    async fn charge(&self, request: &ChargeRequest, cancel: CancellationToken) -> Result<ChargeOutcome, GatewayError> {
        let key = request.idempotency_key.as_str();
        if let Some(done) = self.recorded(key) {
            return Ok(done);
        }
        let card = presented(&request.source);
        let wait = match card {
            SimulatedCard::SlowReader => self.timing.slow_ms,
            SimulatedCard::ReaderTimeout => self.timing.timeout_ms,
            _ => self.timing.tap_ms,
        };
        tokio::select! {
            () = cancel.cancelled() => return Ok(ChargeOutcome::Cancelled),
            () = tokio::time::sleep(Duration::from_millis(wait)) => {}
        }
        let gateway_ref = || GatewayRef(format!("pi_training_{}", Uuid::new_v4().simple()));
        let declined = |reason| ChargeOutcome::Declined {
            gateway_ref: Some(gateway_ref()),
            reason,
            card: Some(card.card()),
        };
        let outcome = match card {
            SimulatedCard::Approve | SimulatedCard::SlowReader => {
                let gateway_ref = gateway_ref();
                let amount = request.money.amount;
                let (state, outcome) = match request.capture {
                    CaptureMode::Automatic => (
                        PaymentState::Captured { amount },
                        ChargeOutcome::Approved {
                            gateway_ref: gateway_ref.clone(),
                            card: Some(card.card()),
                            risk: None,
                        },
                    ),
                    CaptureMode::Manual => (
                        PaymentState::Authorized,
                        ChargeOutcome::Authorized {
                            gateway_ref: gateway_ref.clone(),
                            card: Some(card.card()),
                            risk: None,
                            capture_before_ms: None,
                        },
                    ),
                };
                if let Ok(mut p) = self.payments.lock() {
                    p.insert(gateway_ref.0, (amount, state));
                }
                outcome
            }
            SimulatedCard::GenericDecline => declined(DeclineReason::Generic),
            SimulatedCard::InsufficientFunds => declined(DeclineReason::InsufficientFunds),
            SimulatedCard::ExpiredCard => declined(DeclineReason::ExpiredCard),
            SimulatedCard::ProcessingError => return Err(GatewayError::ProcessingError),
            SimulatedCard::ReaderTimeout => return Err(GatewayError::ReaderTimeout),
        };
        self.record(key, &outcome);
        Ok(outcome)
    }

    async fn find_charge(&self, request: &ChargeRequest) -> Result<Option<ChargeOutcome>, GatewayError> {
        Ok(self.recorded(request.idempotency_key.as_str()))
    }

    async fn refund(&self, request: &RefundRequest) -> Result<RefundOutcome, GatewayError> {
        let mut refunds = self.refunds.lock().map_err(|_| GatewayError::ProcessingError)?;
        let entry = refunds
            .entry(request.idempotency_key.as_str().to_string())
            .or_insert_with(|| {
                let outcome = RefundOutcome::Succeeded {
                    gateway_ref: GatewayRef(format!("re_training_{}", Uuid::new_v4().simple())),
                };
                (request.refund_id.clone(), outcome)
            });
        Ok(entry.1.clone())
    }

    async fn find_refund(&self, request: &RefundRequest) -> Result<Option<RefundOutcome>, GatewayError> {
        let refunds = self.refunds.lock().map_err(|_| GatewayError::ProcessingError)?;
        Ok(refunds
            .values()
            .find(|(id, _)| *id == request.refund_id)
            .map(|(_, outcome)| outcome.clone()))
    }

    async fn capture(&self, op: &PaymentOp) -> Result<MinorUnits, GatewayError> {
        let mut payments = self.payments.lock().map_err(|_| GatewayError::ProcessingError)?;
        let (authorized, state) = payments.get_mut(&op.payment.0).ok_or(GatewayError::NotFound)?;
        match state {
            PaymentState::Authorized if op.money.amount <= *authorized => {
                *state = PaymentState::Captured {
                    amount: op.money.amount,
                };
                Ok(op.money.amount)
            }
            // A repeated capture answers with what was captured.
            PaymentState::Captured { amount } => Ok(*amount),
            _ => Err(GatewayError::InvalidRequest),
        }
    }

    async fn void(&self, op: &PaymentOp) -> Result<(), GatewayError> {
        let mut payments = self.payments.lock().map_err(|_| GatewayError::ProcessingError)?;
        let (_, state) = payments.get_mut(&op.payment.0).ok_or(GatewayError::NotFound)?;
        match state {
            PaymentState::Authorized | PaymentState::Voided => {
                *state = PaymentState::Voided;
                Ok(())
            }
            _ => Err(GatewayError::InvalidRequest),
        }
    }

    async fn payment_state(&self, payment: &GatewayRef) -> Result<PaymentState, GatewayError> {
        let payments = self.payments.lock().map_err(|_| GatewayError::ProcessingError)?;
        Ok(payments
            .get(&payment.0)
            .map(|(_, s)| s.clone())
            .unwrap_or(PaymentState::Other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::IdempotencyKey;
    use crate::money::{Currency, MinorUnits, Money};
    use crate::sale::SaleId;

    fn fast() -> TrainingGateway {
        TrainingGateway::new(ReaderTiming {
            tap_ms: 1,
            slow_ms: 200,
            timeout_ms: 5,
        })
    }

    fn request(card: SimulatedCard) -> ChargeRequest {
        ChargeRequest {
            sale_id: SaleId::new(),
            journaled_at_ms: crate::clock::now_ms(),
            by: crate::gateway::Attribution {
                terminal_id: "t1".into(),
                ..Default::default()
            },
            money: Money::new(MinorUnits::new(1250), Currency::Usd),
            idempotency_key: IdempotencyKey::generate(),
            source: PaymentSource::Reader {
                reader_id: TRAINING_READER_ID.into(),
                test_card: Some(card),
            },
            capture: CaptureMode::Automatic,
            phone_order: false,
            audit_anchor: None,
        }
    }

    #[tokio::test]
    async fn every_simulated_card_has_its_outcome() {
        let g = fast();
        let cases = [
            (SimulatedCard::Approve, "approved"),
            (SimulatedCard::SlowReader, "approved"),
            (SimulatedCard::GenericDecline, "generic_decline"),
            (SimulatedCard::InsufficientFunds, "insufficient_funds"),
            (SimulatedCard::ExpiredCard, "expired_card"),
            (SimulatedCard::ProcessingError, "processing_error"),
            (SimulatedCard::ReaderTimeout, "reader_timeout"),
        ];
        for (card, expected) in cases {
            let got = match g.charge(&request(card), CancellationToken::new()).await {
                Ok(ChargeOutcome::Approved { card, gateway_ref, .. }) => {
                    assert_eq!(card.map(|c| c.last4).as_deref(), Some("4242"));
                    assert!(gateway_ref.0.starts_with("pi_training_"));
                    "approved"
                }
                Ok(ChargeOutcome::Declined { reason, .. }) => reason.code(),
                Ok(ChargeOutcome::Cancelled) => "cancelled",
                Ok(ChargeOutcome::Authorized { .. }) => "authorized",
                Err(GatewayError::ProcessingError) => "processing_error",
                Err(GatewayError::ReaderTimeout) => "reader_timeout",
                Err(e) => panic!("unexpected {e}"),
            };
            assert_eq!(got, expected, "{card:?}");
        }
    }

    #[tokio::test]
    async fn same_key_charges_once() {
        let g = fast();
        let req = request(SimulatedCard::Approve);
        let first = g.charge(&req, CancellationToken::new()).await;
        let second = g.charge(&req, CancellationToken::new()).await;
        assert_eq!(first, second);
        assert_eq!(g.charges.lock().map(|m| m.len()).unwrap_or(0), 1);
        assert_eq!(g.find_charge(&req).await.ok().flatten(), first.ok());
    }

    #[tokio::test]
    async fn cancel_during_reader_wait_takes_nothing() {
        let g = fast();
        let req = request(SimulatedCard::SlowReader);
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            c2.cancel();
        });
        assert_eq!(g.charge(&req, cancel).await, Ok(ChargeOutcome::Cancelled));
        assert_eq!(g.find_charge(&req).await, Ok(None));
    }

    #[tokio::test]
    async fn stripe_test_payment_methods() {
        let g = fast();
        let mut req = request(SimulatedCard::Approve);
        req.source = PaymentSource::PaymentMethod {
            id: "pm_card_chargeDeclinedInsufficientFunds".into(),
        };
        assert!(matches!(
            g.charge(&req, CancellationToken::new()).await,
            Ok(ChargeOutcome::Declined {
                reason: DeclineReason::InsufficientFunds,
                ..
            })
        ));
    }
}
