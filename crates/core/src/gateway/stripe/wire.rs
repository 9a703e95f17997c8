//! Reading Stripe's answers: money fields strictly (amount, currency and
//! status present and well-formed, or the answer is not trusted), the rest
//! leniently (unknown fields ignored, `latest_charge` an id or an object),
//! into the gateway's domain types.

use serde_json::Value;

use crate::gateway::http::{Attempt, Sent};
use crate::gateway::{
    CardReceipt, CardSummary, CardholderVerification, DeclineReason, EntryMode, GatewayError, GatewayRef, ListedRefund,
    PaymentState, RefundOutcome, RiskSignals,
};
use crate::money::{Currency, MinorUnits, Money};

pub(super) fn listed_refund(r: &Value) -> Result<ListedRefund, GatewayError> {
    let (amount, currency) = strict_money(r)?;
    Ok(ListedRefund {
        gateway_ref: GatewayRef(r["id"].as_str().ok_or(GatewayError::MalformedResponse)?.into()),
        refund_id: r["metadata"]["refund_id"].as_str().map(String::from),
        money: Money::new(amount, currency),
        counts: matches!(
            refund_outcome(r)?,
            RefundOutcome::Succeeded { .. } | RefundOutcome::Pending { .. }
        ),
        created_ms: r["created"].as_i64().unwrap_or(0) * 1000,
    })
}

pub(super) fn refund_outcome(r: &Value) -> Result<RefundOutcome, GatewayError> {
    let id = r["id"].as_str().ok_or(GatewayError::MalformedResponse)?;
    strict_money(r)?;
    Ok(match r["status"].as_str() {
        Some("succeeded") => RefundOutcome::Succeeded {
            gateway_ref: GatewayRef(id.into()),
        },
        Some("pending") | Some("requires_action") => RefundOutcome::Pending {
            gateway_ref: GatewayRef(id.into()),
        },
        Some("failed") | Some("canceled") => RefundOutcome::Failed {
            code: r["failure_reason"].as_str().unwrap_or("refund_failed").to_string(),
        },
        _ => return Err(GatewayError::MalformedResponse),
    })
}

pub(super) fn payment_state(pi: &Value) -> Result<PaymentState, GatewayError> {
    let (authorised, _) = strict_money(pi)?;
    Ok(match pi["status"].as_str() {
        Some("requires_capture") => PaymentState::Authorized,
        // Strict: a capture is never negative nor more than was authorised.
        Some("succeeded") => PaymentState::Captured {
            amount: MinorUnits::new(
                captured_amount(pi)
                    .filter(|c| (0..=authorised.get()).contains(c))
                    .ok_or(GatewayError::MalformedResponse)?,
            ),
        },
        Some("canceled") => PaymentState::Voided,
        Some(_) => PaymentState::Other,
        None => return Err(GatewayError::MalformedResponse),
    })
}

/// What a succeeded PaymentIntent actually took. Stripe reports
/// `amount_received`; older and compatible servers only have the charge,
/// where a partial capture shows as the uncaptured rest being refunded.
pub(super) fn captured_amount(pi: &Value) -> Option<i64> {
    if let Some(received) = pi["amount_received"].as_i64() {
        return Some(received);
    }
    let charge = &pi["latest_charge"];
    if let Some(captured) = charge["amount_captured"].as_i64() {
        return Some(captured);
    }
    match (charge["amount"].as_i64(), charge["amount_refunded"].as_i64()) {
        (Some(amount), Some(refunded)) => Some(amount - refunded),
        _ => pi["amount"].as_i64(),
    }
}

/// Amount and currency must be present and valid on anything about money.
pub(super) fn strict_money(v: &Value) -> Result<(MinorUnits, Currency), GatewayError> {
    let amount = v["amount"]
        .as_i64()
        .filter(|a| *a >= 0)
        .ok_or(GatewayError::MalformedResponse)?;
    let currency = v["currency"]
        .as_str()
        .and_then(|c| c.parse::<Currency>().ok())
        .ok_or(GatewayError::MalformedResponse)?;
    Ok((MinorUnits::new(amount), currency))
}

/// Stripe's `outcome` and card `checks` on a charge (absent when the charge
/// is only an id, or on servers that do not report them).
pub(super) fn risk_signals(charge: &Value) -> Option<RiskSignals> {
    let text = |v: &Value| {
        v.as_str()
            .map(|s| s.chars().filter(|c| !c.is_control()).take(200).collect::<String>())
    };
    let outcome = &charge["outcome"];
    let checks = if charge["payment_method_details"]["card"]["checks"].is_object() {
        &charge["payment_method_details"]["card"]["checks"]
    } else {
        &charge["payment_method_details"]["card_present"]["checks"]
    };
    let r = RiskSignals {
        network_status: text(&outcome["network_status"]),
        risk_level: text(&outcome["risk_level"]),
        seller_message: text(&outcome["seller_message"]),
        rule: text(&outcome["rule"]).or_else(|| text(&outcome["rule"]["id"])),
        cvc_check: text(&checks["cvc_check"]),
        postal_code_check: text(&checks["address_postal_code_check"]),
    };
    (r != RiskSignals::default()).then_some(r)
}

pub(super) fn card_summary(card: &Value) -> Option<CardSummary> {
    let last4 = card["last4"].as_str()?;
    if last4.len() != 4 || !last4.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(CardSummary {
        receipt: Some(card_receipt(card)),
        brand: card["brand"].as_str().unwrap_or("card").chars().take(20).collect(),
        last4: last4.to_string(),
        exp_month: card["exp_month"]
            .as_u64()
            .and_then(|m| u8::try_from(m).ok())
            .unwrap_or(0),
        exp_year: card["exp_year"]
            .as_u64()
            .and_then(|y| u16::try_from(y).ok())
            .unwrap_or(0),
    })
}

/// The receipt fields of `payment_method_details.card_present` (a card read
/// on the reader: its `receipt` object and `read_method`) or of `.card` (a
/// keyed card: the authorisation code).
pub(super) fn card_receipt(card: &Value) -> CardReceipt {
    let emv = &card["receipt"];
    if !card["read_method"].is_string() && !emv.is_object() {
        return CardReceipt {
            entry: Some(EntryMode::Keyed),
            authorization_code: receipt_field(&card["authorization_code"]),
            ..CardReceipt::default()
        };
    }
    CardReceipt {
        entry: card["read_method"].as_str().and_then(|m| match m {
            "contact_emv" => Some(EntryMode::Chip),
            "contactless_emv" => Some(EntryMode::Contactless),
            "contactless_magstripe_mode" => Some(EntryMode::ContactlessMagstripe),
            "magnetic_stripe_track2" => Some(EntryMode::Swipe),
            "magnetic_stripe_fallback" => Some(EntryMode::SwipeFallback),
            _ => None,
        }),
        application_name: receipt_field(&emv["application_preferred_name"]),
        aid: receipt_field(&emv["dedicated_file_name"]),
        account_type: receipt_field(&emv["account_type"]),
        authorization_code: receipt_field(&emv["authorization_code"]),
        authorization_response_code: receipt_field(&emv["authorization_response_code"]),
        verification: emv["cardholder_verification_method"].as_str().and_then(|m| match m {
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

/// A receipt value from the gateway, kept only if it is short printable
/// ASCII and holds nothing card-like: it is printed as it is.
pub(super) fn receipt_field(v: &Value) -> Option<String> {
    let text = v.as_str()?.trim();
    let printable = !text.is_empty() && text.len() <= 32 && text.chars().all(|c| c == ' ' || c.is_ascii_graphic());
    (printable && !crate::pan::contains_card_number(text)).then(|| text.to_string())
}

pub(super) fn decline_reason(err: &Value) -> DeclineReason {
    match err["code"].as_str() {
        Some("expired_card") => DeclineReason::ExpiredCard,
        Some("incorrect_cvc") => DeclineReason::IncorrectCvc,
        _ => DeclineReason::from_code(err["decline_code"].as_str().unwrap_or("generic_decline")),
    }
}

/// The endpoint with ids replaced (`v1/payment_intents/{id}/capture`):
/// gateway ids are sealed at rest, so they stay out of the logs too.
pub(super) fn endpoint_label(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let is_id = seg.split_once('_').is_some_and(|(prefix, rest)| {
                prefix.len() <= 6 && rest.len() >= 8 && rest.chars().all(|c| c.is_ascii_alphanumeric())
            });
            if is_id {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A card-present authorisation's deadline (`capture_before`, Unix
/// seconds on the charge), in Unix ms; absent on charges without one.
pub(super) fn capture_before_ms(charge: &Value) -> Option<i64> {
    charge["payment_method_details"]["card_present"]["capture_before"]
        .as_i64()
        .filter(|s| *s > 0)
        .map(|s| s.saturating_mul(1000))
}

/// Whether the reader's `action` is the processing of `pi` (Stripe sends the
/// PaymentIntent as an id, or as an object when expanded).
pub(super) fn action_is_for(action: &Value, pi: &GatewayRef) -> bool {
    let target = &action["process_payment_intent"]["payment_intent"];
    action["type"].as_str() == Some("process_payment_intent")
        && target.as_str().or_else(|| target["id"].as_str()) == Some(pi.0.as_str())
}

/// Whether a PaymentIntent was made for a card reader.
pub(super) fn is_reader_payment(pi: &Value) -> bool {
    pi["payment_method_types"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t.as_str() == Some("card_present")))
}

/// Ids go into URL paths: only Stripe's id alphabet is accepted.
pub(super) fn path_id(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(id)
}

/// What a call came to. A mutation that may have been acted on ends only
/// on an answer about that request itself; anything else (a later 429, a
/// TLS failure, a 401, a lost answer) leaves it in doubt, to be looked up.
pub(super) fn conclude(sent: Sent, mutation: bool) -> Result<Value, GatewayError> {
    if mutation && sent.may_have_landed && !sent.last.definite() {
        return Err(GatewayError::OutcomeUnknown);
    }
    match sent.last {
        Attempt::Answered { status, body, .. } => {
            let json: Value = serde_json::from_slice(&body.0).unwrap_or(Value::Null);
            if (200..300).contains(&status) {
                Ok(json)
            } else {
                Err(map_error(status, &json))
            }
        }
        Attempt::NotSent { tls: true } => Err(GatewayError::TlsFailure),
        Attempt::NotSent { tls: false } | Attempt::Lost => Err(GatewayError::Unreachable),
        Attempt::Oversized => Err(GatewayError::AnswerTooLarge),
    }
}

/// Maps an error answer to what the counter can act on.
pub(super) fn map_error(status: u16, body: &Value) -> GatewayError {
    let err = &body["error"];
    let code = err["code"].as_str().unwrap_or("");
    match status {
        401 => GatewayError::KeyRejected,
        403 => GatewayError::PermissionMissing,
        402 => match code {
            "processing_error" => GatewayError::ProcessingError,
            "authentication_required" => GatewayError::AuthenticationRequired,
            _ => GatewayError::Declined {
                reason: decline_reason(err),
                payment_intent: err["payment_intent"]["id"].as_str().map(String::from),
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
