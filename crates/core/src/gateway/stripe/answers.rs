//! Stripe's answers read into the gateway's domain types, in this one
//! place: a call's result ([`conclude`]), an error answer ([`map_error`]),
//! and each object's fields.
//!
//! Money is read strictly: amount, currency and status present and
//! well-formed, or the answer is not trusted
//! ([`GatewayError::MalformedResponse`]). A capture is never negative nor
//! more than was authorised. Text that reaches a receipt is short printable
//! ASCII with nothing card-like in it.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::wire::*;
use crate::gateway::http::{Attempt, Sent};
use crate::gateway::ledger::LedgerState;
use crate::gateway::{
    Attribution, CardReceipt, CardSummary, CardholderVerification, DeclineReason, EntryMode, GatewayError, GatewayRef,
    ListedRefund, PaymentState, RefundOutcome, RiskSignals,
};
use crate::money::{Currency, MinorUnits, Money};

/// Amount and currency must be present and valid on anything about money.
pub(super) fn strict_money(amount: Option<i64>, currency: Option<&str>) -> Result<Money, GatewayError> {
    let amount = amount.filter(|a| *a >= 0).ok_or(GatewayError::MalformedResponse)?;
    let currency = currency
        .and_then(|c| c.parse::<Currency>().ok())
        .ok_or(GatewayError::MalformedResponse)?;
    Ok(Money::new(MinorUnits::new(amount), currency))
}

fn gateway_ref(id: Option<&str>) -> Result<GatewayRef, GatewayError> {
    id.map(|id| GatewayRef(id.to_string()))
        .ok_or(GatewayError::MalformedResponse)
}

fn meta(metadata: &Option<Metadata>, field: impl Fn(&Metadata) -> &Option<String>) -> Option<&str> {
    metadata.as_ref().and_then(|m| field(m).as_deref())
}

/// The till and staff member a payment's or refund's metadata names
/// (`None`: no till's). Values are cut to what a till writes: a gateway's
/// answer decides nothing but a label.
fn attribution(metadata: &Option<Metadata>) -> Option<Attribution> {
    let cut = |v: Option<&str>, n: usize| v.map(|v| v.chars().filter(|c| !c.is_control()).take(n).collect::<String>());
    Some(Attribution {
        terminal_id: cut(meta(metadata, |m| &m.terminal_id), 64).filter(|t| !t.is_empty())?,
        till_name: cut(meta(metadata, |m| &m.till_name), crate::shop::MAX_SHORT).unwrap_or_default(),
        staff_id: cut(meta(metadata, |m| &m.staff_id), 64),
    })
}

impl PaymentIntent {
    pub(super) fn gateway_ref(&self) -> Result<GatewayRef, GatewayError> {
        gateway_ref(self.id())
    }

    pub(super) fn money(&self) -> Result<Money, GatewayError> {
        strict_money(self.amount, self.currency.as_deref())
    }

    pub(super) fn status(&self) -> Result<IntentStatus, GatewayError> {
        self.status.ok_or(GatewayError::MalformedResponse)
    }

    pub(super) fn state(&self) -> Result<PaymentState, GatewayError> {
        let authorised = self.money()?.amount;
        Ok(match self.status()? {
            IntentStatus::RequiresCapture => PaymentState::Authorized,
            // Strict: a capture is never negative nor more than was authorised.
            IntentStatus::Succeeded => PaymentState::Captured {
                amount: MinorUnits::new(
                    self.captured_amount()
                        .filter(|c| (0..=authorised.get()).contains(c))
                        .ok_or(GatewayError::MalformedResponse)?,
                ),
            },
            IntentStatus::Canceled => PaymentState::Voided,
            _ => PaymentState::Other,
        })
    }

    /// What a succeeded PaymentIntent actually took. Stripe reports
    /// `amount_received`; older and compatible servers only have the charge,
    /// where a partial capture shows as the uncaptured rest being refunded.
    fn captured_amount(&self) -> Option<i64> {
        if let Some(received) = self.amount_received {
            return Some(received);
        }
        let charge = self.charge();
        if let Some(captured) = charge.and_then(|c| c.amount_captured) {
            return Some(captured);
        }
        match charge.map(|c| (c.amount, c.amount_refunded)) {
            Some((Some(amount), Some(refunded))) => Some(amount - refunded),
            _ => self.amount,
        }
    }

    /// The charge, when `latest_charge` was expanded.
    pub(super) fn charge(&self) -> Option<&Charge> {
        self.latest_charge.as_ref().and_then(Expandable::object)
    }

    /// The card as the charge reports it, keyed or read on a reader.
    pub(super) fn charged_card(&self) -> Option<CardSummary> {
        let details = self.charge()?.payment_method_details.as_ref()?;
        let summary = |card: &Option<Card>| card.as_ref().and_then(Card::summary);
        summary(&details.card).or_else(|| summary(&details.card_present))
    }

    pub(super) fn risk(&self) -> Option<RiskSignals> {
        self.charge().and_then(Charge::risk)
    }

    /// A card-present authorisation's deadline, in Unix ms; absent on
    /// charges without one.
    pub(super) fn capture_before_ms(&self) -> Option<i64> {
        self.charge()?
            .payment_method_details
            .as_ref()?
            .card_present
            .as_ref()?
            .capture_before
            .filter(|s| *s > 0)
            .map(|s| s.saturating_mul(1000))
    }

    pub(super) fn created_ms(&self) -> Option<i64> {
        self.created.map(|s| s.saturating_mul(1000))
    }

    /// Whether the PaymentIntent was made for a card reader.
    pub(super) fn is_reader_payment(&self) -> bool {
        self.payment_method_types
            .as_ref()
            .is_some_and(|t| t.iter().any(|t| t == "card_present"))
    }

    pub(super) fn sale_id(&self) -> Option<&str> {
        meta(&self.metadata, |m| &m.sale_id)
    }

    pub(super) fn terminal_id(&self) -> Option<&str> {
        meta(&self.metadata, |m| &m.terminal_id)
    }

    pub(super) fn audit_head(&self) -> Option<&str> {
        meta(&self.metadata, |m| &m.audit_head)
    }

    pub(super) fn attribution(&self) -> Option<Attribution> {
        attribution(&self.metadata)
    }

    /// The payment as the combined day counts it.
    pub(super) fn ledger_state(&self) -> Result<LedgerState, GatewayError> {
        Ok(match self.state()? {
            PaymentState::Captured { amount } => LedgerState::Captured(amount),
            PaymentState::Authorized => LedgerState::Held,
            // As a till settles its own sale: a PaymentIntent cancelled
            // after its card was declined is a decline.
            PaymentState::Voided | PaymentState::Other if self.last_payment_error.is_some() => LedgerState::Declined,
            PaymentState::Voided => LedgerState::Voided,
            PaymentState::Other => LedgerState::Unfinished,
        })
    }
}

impl Refund {
    pub(super) fn outcome(&self) -> Result<RefundOutcome, GatewayError> {
        let gateway_ref = gateway_ref(self.id())?;
        strict_money(self.amount, self.currency.as_deref())?;
        Ok(match self.status.ok_or(GatewayError::MalformedResponse)? {
            RefundStatus::Succeeded => RefundOutcome::Succeeded { gateway_ref },
            RefundStatus::Pending | RefundStatus::RequiresAction => RefundOutcome::Pending { gateway_ref },
            RefundStatus::Failed | RefundStatus::Canceled => RefundOutcome::Failed {
                code: self.failure_reason.clone().unwrap_or_else(|| "refund_failed".into()),
            },
            RefundStatus::Other => return Err(GatewayError::MalformedResponse),
        })
    }

    pub(super) fn listed(&self) -> Result<ListedRefund, GatewayError> {
        Ok(ListedRefund {
            gateway_ref: gateway_ref(self.id())?,
            refund_id: self.refund_id().map(String::from),
            money: strict_money(self.amount, self.currency.as_deref())?,
            counts: matches!(
                self.outcome()?,
                RefundOutcome::Succeeded { .. } | RefundOutcome::Pending { .. }
            ),
            created_ms: self.created.unwrap_or(0).saturating_mul(1000),
        })
    }

    pub(super) fn refund_id(&self) -> Option<&str> {
        meta(&self.metadata, |m| &m.refund_id)
    }

    pub(super) fn attribution(&self) -> Option<Attribution> {
        attribution(&self.metadata)
    }
}

impl Charge {
    /// Stripe's `outcome` and card `checks` (absent on servers that do not
    /// report them).
    pub(super) fn risk(&self) -> Option<RiskSignals> {
        let text = |v: Option<&str>| v.map(|s| s.chars().filter(|c| !c.is_control()).take(200).collect::<String>());
        let outcome = self.outcome.as_ref();
        let details = self.payment_method_details.as_ref();
        let checks = details
            .and_then(|d| d.card.as_ref())
            .and_then(|c| c.checks.as_ref())
            .or_else(|| {
                details
                    .and_then(|d| d.card_present.as_ref())
                    .and_then(|c| c.checks.as_ref())
            });
        let r = RiskSignals {
            network_status: text(outcome.and_then(|o| o.network_status.as_deref())),
            risk_level: text(outcome.and_then(|o| o.risk_level.as_deref())),
            seller_message: text(outcome.and_then(|o| o.seller_message.as_deref())),
            rule: text(outcome.and_then(|o| o.rule.as_ref()).and_then(Expandable::id)),
            cvc_check: text(checks.and_then(|c| c.cvc_check.as_deref())),
            postal_code_check: text(checks.and_then(|c| c.address_postal_code_check.as_deref())),
        };
        (r != RiskSignals::default()).then_some(r)
    }
}

impl Card {
    pub(super) fn summary(&self) -> Option<CardSummary> {
        let last4 = self.last4.as_deref()?;
        if last4.len() != 4 || !last4.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(CardSummary {
            receipt: Some(self.receipt()),
            brand: self.brand.as_deref().unwrap_or("card").chars().take(20).collect(),
            last4: last4.to_string(),
            exp_month: self.exp_month.and_then(|m| u8::try_from(m).ok()).unwrap_or(0),
            exp_year: self.exp_year.and_then(|y| u16::try_from(y).ok()).unwrap_or(0),
        })
    }

    /// The receipt fields of a card read on the reader (its `receipt` and
    /// `read_method`) or of a keyed card (the authorisation code).
    fn receipt(&self) -> CardReceipt {
        if self.read_method.is_none() && self.receipt.is_none() {
            return CardReceipt {
                entry: Some(EntryMode::Keyed),
                authorization_code: receipt_field(self.authorization_code.as_deref()),
                ..CardReceipt::default()
            };
        }
        let emv = self.receipt.as_ref();
        let field = |f: fn(&EmvReceipt) -> &Option<String>| receipt_field(emv.and_then(|e| f(e).as_deref()));
        CardReceipt {
            entry: self.entry(),
            application_name: field(|e| &e.application_preferred_name),
            aid: field(|e| &e.dedicated_file_name),
            account_type: field(|e| &e.account_type),
            authorization_code: field(|e| &e.authorization_code),
            authorization_response_code: field(|e| &e.authorization_response_code),
            verification: emv
                .and_then(|e| e.cardholder_verification_method.as_deref())
                .and_then(|m| match m {
                    "online_pin" => Some(CardholderVerification::OnlinePin),
                    "offline_pin" => Some(CardholderVerification::OfflinePin),
                    "signature" => Some(CardholderVerification::Signature),
                    "offline_pin_and_signature" => Some(CardholderVerification::OfflinePinAndSignature),
                    "approval" => Some(CardholderVerification::Device),
                    "none" => Some(CardholderVerification::None),
                    "failure" => Some(CardholderVerification::Failed),
                    _ => None,
                }),
        }
    }

    fn entry(&self) -> Option<EntryMode> {
        self.read_method.as_deref().and_then(|m| match m {
            "contact_emv" => Some(EntryMode::Chip),
            "contactless_emv" => Some(EntryMode::Contactless),
            "contactless_magstripe_mode" => Some(EntryMode::ContactlessMagstripe),
            "magnetic_stripe_track2" => Some(EntryMode::Swipe),
            "magnetic_stripe_fallback" => Some(EntryMode::SwipeFallback),
            _ => None,
        })
    }
}

/// A receipt value from the gateway, kept only if it is short printable
/// ASCII and holds nothing card-like: it is printed as it is.
pub(super) fn receipt_field(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    let printable = !text.is_empty() && text.len() <= 32 && text.chars().all(|c| c == ' ' || c.is_ascii_graphic());
    (printable && !crate::pan::contains_card_number(text)).then(|| text.to_string())
}

impl ApiError {
    pub(super) fn decline_reason(&self) -> DeclineReason {
        match self.code.as_deref() {
            Some("expired_card") => DeclineReason::ExpiredCard,
            Some("incorrect_cvc") => DeclineReason::IncorrectCvc,
            _ => DeclineReason::from_code(self.decline_code.as_deref().unwrap_or("generic_decline")),
        }
    }
}

impl ReaderAction {
    /// Whether this action is the processing of `pi`.
    pub(super) fn is_for(&self, pi: &GatewayRef) -> bool {
        self.r#type.as_deref() == Some("process_payment_intent")
            && self
                .process_payment_intent
                .as_ref()
                .and_then(|p| p.payment_intent.as_ref())
                .and_then(Expandable::id)
                == Some(pi.0.as_str())
    }

    pub(super) fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
}

/// What a call came to, read as `T`. A mutation that may have been acted
/// on ends only on an answer about that request itself; anything else (a
/// later 429, a TLS failure, a 401, a lost answer) leaves it in doubt, to
/// be looked up.
pub(super) fn conclude<T: DeserializeOwned>(sent: Sent, mutation: bool) -> Result<T, GatewayError> {
    if mutation && sent.may_have_landed && !sent.last.definite() {
        return Err(GatewayError::OutcomeUnknown);
    }
    match sent.last {
        Attempt::Answered { status, body, .. } => {
            let json: Value = serde_json::from_slice(&body.0).unwrap_or(Value::Null);
            if (200..300).contains(&status) && mutation {
                acted_on(read(json))
            } else if (200..300).contains(&status) {
                read(json)
            } else {
                Err(map_error(status, &read(json).unwrap_or_default()))
            }
        }
        Attempt::NotSent { tls: true } => Err(GatewayError::TlsFailure),
        Attempt::NotSent { tls: false } | Attempt::Lost => Err(GatewayError::Unreachable),
        Attempt::Oversized => Err(GatewayError::AnswerTooLarge),
    }
}

/// What an answer the gateway gave after acting on a money request comes
/// to when the terminal cannot read it (a field missing, a status it does
/// not know): the gateway took the request, so whether money moved is
/// unknown, and the operation is looked up, never recorded as failed.
pub(super) fn acted_on<T>(read: Result<T, GatewayError>) -> Result<T, GatewayError> {
    read.map_err(|e| match e {
        GatewayError::MalformedResponse => GatewayError::OutcomeUnknown,
        e => e,
    })
}

/// Maps an error answer to what the counter can act on.
pub(super) fn map_error(status: u16, body: &ErrorBody) -> GatewayError {
    let err = body.error.as_ref();
    let code = err.and_then(|e| e.code.as_deref()).unwrap_or("");
    match status {
        401 => GatewayError::KeyRejected,
        403 => GatewayError::PermissionMissing,
        402 => match code {
            "processing_error" => GatewayError::ProcessingError,
            "authentication_required" => GatewayError::AuthenticationRequired,
            _ => GatewayError::Declined {
                reason: err.map_or(DeclineReason::Generic, ApiError::decline_reason),
                payment_intent: err
                    .and_then(|e| e.payment_intent.as_ref())
                    .and_then(Expandable::id)
                    .map(String::from),
            },
        },
        429 => GatewayError::RateLimited,
        404 => GatewayError::NotFound,
        400 if code == "terminal_reader_offline" => GatewayError::ReaderOffline,
        // The reader did not answer Stripe in time: it may still have
        // received the action, so whether a card is taken is not known.
        400 if code == "terminal_reader_timeout" => GatewayError::OutcomeUnknown,
        400 if code == "terminal_reader_busy" => GatewayError::ReaderBusy,
        // Only reached when no mutation may have landed (see `call`).
        s if s >= 500 || s == 409 => GatewayError::Unreachable,
        _ => GatewayError::InvalidRequest,
    }
}
