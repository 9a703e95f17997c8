//! The Stripe client's answers read, its errors mapped, its requests built.

use super::*;
use crate::gateway::http::{Body, Sent};
use crate::gateway::{CardholderVerification, DeclineReason, EntryMode};
use proptest::prelude::*;
use serde_json::Value;

/// A PaymentIntent the issuer declined (Stripe leaves it waiting for
/// another card, or cancelled, with the error) is a decline with its
/// reason, wherever it is read: the charge's answer or a recovery's
/// lookup. Without the error, no attempt was made: no money moved.
#[tokio::test]
async fn a_declined_payment_intent_is_a_decline_with_its_reason() {
    let gw = StripeGateway::new(
        HttpConfig::new("https://127.0.0.1:1"),
        SecretString::from("sk_test_x".to_string()),
        StripeCompat::default(),
    )
    .unwrap();
    for status in ["requires_payment_method", "canceled"] {
        let mut pi = serde_json::json!({
            "id": "pi_1", "amount": 1250, "currency": "usd", "status": status,
            "last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds"},
        });
        let outcome = gw.outcome_of(&intent(&pi)).await;
        assert!(
            matches!(
                &outcome,
                Ok(Some(ChargeOutcome::Declined {
                    reason: DeclineReason::InsufficientFunds,
                    ..
                }))
            ),
            "{status}: {outcome:?}"
        );
        pi["last_payment_error"] = Value::Null;
        assert!(
            matches!(gw.outcome_of(&intent(&pi)).await, Ok(None)),
            "{status} without an attempt"
        );
    }
}

/// One of this terminal's payments that cannot be read (a status it does
/// not know, a field missing) is an unknown outcome, never "not charged".
#[tokio::test]
async fn a_payment_that_cannot_be_read_is_an_unknown_outcome() {
    let gw = StripeGateway::new(
        HttpConfig::new("https://127.0.0.1:1"),
        SecretString::from("sk_test_x".to_string()),
        StripeCompat::default(),
    )
    .unwrap();
    let whole = serde_json::json!({ "id": "pi_1", "amount": 1250, "currency": "usd", "status": "succeeded" });
    for (field, value) in [
        ("status", serde_json::json!("settling_somehow")),
        ("status", Value::Null),
        ("amount", Value::Null),
        ("currency", serde_json::json!("not money")),
        ("id", Value::Null),
    ] {
        let mut pi = whole.clone();
        pi[field] = value.clone();
        assert_eq!(
            gw.outcome_of(&intent(&pi)).await.err(),
            Some(GatewayError::OutcomeUnknown),
            "{field}: {value}"
        );
    }
}

fn intent(v: &Value) -> PaymentIntent {
    read(v.clone()).unwrap()
}

fn error(v: Value) -> ErrorBody {
    read(v).unwrap_or_default()
}

/// JSON shaped like a gateway answer, with anything in the fields that
/// matter: numbers of every sign and size, strings, nulls, nesting.
fn answer() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "usd",
            "jpy",
            "succeeded",
            "requires_capture",
            "canceled",
            "pending"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "id",
                    "amount",
                    "currency",
                    "status",
                    "latest_charge",
                    "amount_received",
                    "amount_captured",
                    "amount_refunded",
                    "metadata",
                    "created",
                    "outcome",
                ]),
                inner,
            ),
            0..8,
        )
        .prop_map(|fields| Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    })
}

#[test]
fn a_capture_outside_what_was_authorised_is_not_trusted() {
    for received in [-5, 101] {
        let pi = serde_json::json!({
            "id": "pi_1", "amount": 100, "currency": "usd", "status": "succeeded", "amount_received": received
        });
        assert_eq!(intent(&pi).state(), Err(GatewayError::MalformedResponse), "{received}");
    }
    let pi = serde_json::json!({
        "id": "pi_1", "amount": 100, "currency": "usd", "status": "succeeded", "amount_received": 60
    });
    assert_eq!(
        intent(&pi).state(),
        Ok(PaymentState::Captured {
            amount: MinorUnits::new(60)
        })
    );
}

/// Each status Stripe reports reads as its own state: a hold is an
/// authorisation, a cancelled intent is voided, anything still moving is
/// neither (so it is asked about again, never settled on a guess).
#[test]
fn each_intent_status_reads_as_its_own_state() {
    let with = |status: &str| {
        intent(&serde_json::json!({"id": "pi_1", "amount": 100, "currency": "usd", "status": status})).state()
    };
    assert_eq!(with("requires_capture"), Ok(PaymentState::Authorized));
    assert_eq!(with("canceled"), Ok(PaymentState::Voided));
    for moving in [
        "processing",
        "requires_payment_method",
        "requires_action",
        "requires_confirmation",
    ] {
        assert_eq!(with(moving), Ok(PaymentState::Other), "{moving}");
    }
}

/// An older or compatible server reports a partial capture only on the
/// charge: what was taken is the charge less its uncaptured rest, or the
/// charge's own `amount_captured` where it has one.
#[test]
fn a_partial_capture_is_read_from_the_charge_when_the_intent_lacks_it() {
    let succeeded = |charge: Value| {
        intent(&serde_json::json!({
            "id": "pi_1", "amount": 1000, "currency": "usd", "status": "succeeded", "latest_charge": charge
        }))
        .state()
    };
    let captured = |minor| {
        Ok(PaymentState::Captured {
            amount: MinorUnits::new(minor),
        })
    };
    assert_eq!(
        succeeded(serde_json::json!({"id": "ch_1", "amount": 1000, "amount_refunded": 250})),
        captured(750)
    );
    assert_eq!(
        succeeded(serde_json::json!({"id": "ch_1", "amount": 1000, "amount_refunded": 250, "amount_captured": 600})),
        captured(600)
    );
    assert_eq!(succeeded(serde_json::json!({"id": "ch_1"})), captured(1000));
}

proptest! {
    /// Whatever the gateway (or something pretending to be it) sends,
    /// parsing gives a typed answer or `MalformedResponse`, never a
    /// panic, and never a negative amount.
    #[test]
    fn any_answer_parses_or_is_refused(v in answer()) {
        if let Ok(pi) = read::<PaymentIntent>(v.clone()) {
            if let Ok(PaymentState::Captured { amount }) = pi.state() {
                prop_assert!(
                    amount.get() >= 0 && Some(amount.get()) <= v["amount"].as_i64(),
                    "a capture outside the authorisation was trusted: {v}"
                );
            }
            if let Ok(money) = pi.money() {
                prop_assert!(money.amount.get() >= 0 && Some(money.amount.get()) == v["amount"].as_i64());
            }
            let _ = (pi.risk(), pi.charged_card(), pi.capture_before_ms());
        }
        if let Ok(r) = read::<Refund>(v.clone()) {
            let _ = (r.outcome(), r.listed());
        }
        if let Ok(card) = read::<Card>(v.clone()) {
            let _ = card.summary();
        }
        let _ = map_error(402, &error(v));
    }
}

#[test]
fn key_shapes_and_masking() {
    // Built at run time: no string in the source looks like a live key.
    let live_restricted = format!("rk_{}_abcdefgh1234", "live");
    assert_eq!(
        key_kind(&live_restricted),
        Some(KeyCheck {
            restricted: true,
            live: true
        })
    );
    assert_eq!(
        key_kind("sk_test_abcdefgh1234"),
        Some(KeyCheck {
            restricted: false,
            live: false
        })
    );
    assert_eq!(key_kind("pk_live_abcdefgh1234"), None, "publishable keys cannot charge");
    assert_eq!(key_kind("sk_live_short"), None);
    assert_eq!(key_kind("sk_live_abc def ghij"), None);
    assert_eq!(mask_key(&live_restricted), format!("rk_{}_…1234", "live"));
}

#[test]
fn errors_map_to_what_a_cashier_can_do() {
    let decline = serde_json::json!({"error": {"type": "card_error", "code": "card_declined",
        "decline_code": "insufficient_funds", "payment_intent": {"id": "pi_1"}}});
    assert_eq!(
        map_error(402, &error(decline)),
        GatewayError::Declined {
            reason: DeclineReason::InsufficientFunds,
            payment_intent: Some("pi_1".into())
        }
    );
    let expired = serde_json::json!({"error": {"type": "card_error", "code": "expired_card"}});
    assert!(matches!(
        map_error(402, &error(expired)),
        GatewayError::Declined {
            reason: DeclineReason::ExpiredCard,
            ..
        }
    ));
    let processing = serde_json::json!({"error": {"type": "card_error", "code": "processing_error"}});
    assert_eq!(map_error(402, &error(processing)), GatewayError::ProcessingError);
    // A card that needs the customer's bank to confirm (3-D Secure) is
    // not a decline: the cashier is told to ask for another way to pay.
    let sca = serde_json::json!({"error": {"type": "card_error", "code": "authentication_required"}});
    assert_eq!(map_error(402, &error(sca)), GatewayError::AuthenticationRequired);
    assert_eq!(map_error(401, &ErrorBody::default()), GatewayError::KeyRejected);
    assert_eq!(map_error(403, &ErrorBody::default()), GatewayError::PermissionMissing);
    assert_eq!(map_error(429, &ErrorBody::default()), GatewayError::RateLimited);
    assert_eq!(map_error(404, &ErrorBody::default()), GatewayError::NotFound);
    assert_eq!(map_error(503, &ErrorBody::default()), GatewayError::Unreachable);
    assert_eq!(map_error(400, &ErrorBody::default()), GatewayError::InvalidRequest);
    // A reader timeout says the reader did not answer Stripe in time, not
    // that it did not take the card.
    let reader = |code: &str| error(serde_json::json!({"error": {"type": "invalid_request_error", "code": code}}));
    assert_eq!(
        map_error(400, &reader("terminal_reader_timeout")),
        GatewayError::OutcomeUnknown
    );
    assert_eq!(
        map_error(400, &reader("terminal_reader_offline")),
        GatewayError::ReaderOffline
    );
    assert_eq!(
        map_error(400, &reader("terminal_reader_busy")),
        GatewayError::ReaderBusy
    );
}

#[test]
fn only_our_own_action_on_a_reader_is_ours() {
    let ours = GatewayRef("pi_ours123456".into());
    let is_for = |action: Value| {
        read::<Reader>(serde_json::json!({"action": action}))
            .ok()
            .and_then(|r| r.action)
            .is_some_and(|a| a.is_for(&ours))
    };
    let action = |pi: Value| {
        serde_json::json!({"type": "process_payment_intent", "status": "in_progress",
        "process_payment_intent": {"payment_intent": pi}})
    };
    assert!(is_for(action("pi_ours123456".into())));
    assert!(is_for(action(serde_json::json!({"id": "pi_ours123456"}))));
    assert!(!is_for(action("pi_theirs12345".into())));
    assert!(!is_for(Value::Null));
    let setup = serde_json::json!({"type": "process_setup_intent", "process_payment_intent": {"payment_intent": "pi_ours123456"}});
    assert!(!is_for(setup));
    let with_charge = |charge: Value| intent(&serde_json::json!({"latest_charge": charge}));
    let charge = serde_json::json!({"payment_method_details": {"card_present": {"capture_before": 1_800_000_000}}});
    assert_eq!(with_charge(charge).capture_before_ms(), Some(1_800_000_000_000));
    assert_eq!(with_charge(serde_json::json!("ch_1")).capture_before_ms(), None);
}

/// Once an attempt may have been acted on, only a success or a decline
/// ends a mutation; every other last answer leaves it in doubt.
#[test]
fn only_a_definite_answer_ends_a_mutation_that_may_have_landed() {
    let answered = |status: u16, body: &str| Attempt::Answered {
        status,
        should_retry: None,
        body: Body(body.as_bytes().to_vec()),
    };
    let sent = |last, may_have_landed| Sent { last, may_have_landed };
    let decline = r#"{"error": {"type": "card_error", "code": "card_declined"}}"#;
    for last in [
        answered(429, "{}"),
        answered(401, "{}"),
        answered(400, "{}"),
        answered(404, "{}"),
        answered(500, "{}"),
        answered(409, "{}"),
        Attempt::NotSent { tls: true },
        Attempt::NotSent { tls: false },
        Attempt::Lost,
    ] {
        let shown = format!("{last:?}");
        assert_eq!(
            conclude::<Value>(sent(last, true), true),
            Err(GatewayError::OutcomeUnknown),
            "{shown}"
        );
    }
    assert!(conclude::<Value>(sent(answered(200, "{}"), true), true).is_ok());
    assert!(matches!(
        conclude::<Value>(sent(answered(402, decline), true), true),
        Err(GatewayError::Declined { .. })
    ));
    // Nothing may have landed: the answer means what it says.
    assert_eq!(
        conclude::<Value>(sent(answered(429, "{}"), false), true),
        Err(GatewayError::RateLimited)
    );
    assert_eq!(
        conclude::<Value>(sent(answered(401, "{}"), false), true),
        Err(GatewayError::KeyRejected)
    );
    assert_eq!(
        conclude::<Value>(sent(Attempt::NotSent { tls: true }, false), true),
        Err(GatewayError::TlsFailure)
    );
    // A read never moves money: its failure is only a failure.
    assert_eq!(
        conclude::<Value>(sent(answered(500, "{}"), true), false),
        Err(GatewayError::Unreachable)
    );
    // A success the terminal cannot read: the request was acted on, so a
    // mutation is in doubt; a read is only malformed.
    for body in ["", "not json", "42", r#""a string""#] {
        assert_eq!(
            conclude::<PaymentIntent>(sent(answered(200, body), false), true).err(),
            Some(GatewayError::OutcomeUnknown),
            "{body}"
        );
        assert_eq!(
            conclude::<PaymentIntent>(sent(answered(200, body), false), false).err(),
            Some(GatewayError::MalformedResponse),
            "{body}"
        );
    }
}

#[test]
fn receipt_fields_are_read_for_reader_and_keyed_cards_and_junk_is_left_out() {
    let present = serde_json::json!({
        "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030, "read_method": "contact_emv",
        "receipt": {
            "application_preferred_name": "VISA CREDIT", "dedicated_file_name": "A0000000031010",
            "account_type": "credit", "authorization_code": "123456", "authorization_response_code": "3030",
            "cardholder_verification_method": "offline_pin",
        },
    });
    let summary = |card: &Value| read::<Card>(card.clone()).ok().and_then(|c| c.summary());
    let r = summary(&present).and_then(|c| c.receipt).unwrap_or_default();
    assert_eq!(r.entry, Some(EntryMode::Chip));
    assert_eq!(r.aid.as_deref(), Some("A0000000031010"));
    assert_eq!(r.verification, Some(CardholderVerification::OfflinePin));
    assert_eq!(r.authorization_response_code.as_deref(), Some("3030"));
    let keyed = serde_json::json!({"brand": "visa", "last4": "4242", "authorization_code": "654321"});
    let r = summary(&keyed).and_then(|c| c.receipt).unwrap_or_default();
    assert_eq!(
        (r.entry, r.authorization_code.as_deref()),
        (Some(EntryMode::Keyed), Some("654321"))
    );
    // A card number, control characters, an endless value, a number:
    // none reaches a receipt.
    for junk in [
        serde_json::json!("4242 4242 4242 4242"),
        serde_json::json!("VISA\nCREDIT"),
        serde_json::json!("X".repeat(33)),
        serde_json::json!(3030),
        serde_json::json!("  "),
    ] {
        let card =
            serde_json::json!({"last4": "4242", "read_method": "contact_emv", "receipt": {"authorization_code": junk}});
        let r = summary(&card).and_then(|c| c.receipt).unwrap_or_default();
        assert_eq!((r.entry, r.authorization_code), (Some(EntryMode::Chip), None), "{junk}");
    }
}

#[test]
fn money_fields_are_strict_and_the_rest_lenient() {
    let money = |v: Value| intent(&v).money();
    assert!(money(serde_json::json!({"amount": 1250, "currency": "usd", "extra": [1]})).is_ok());
    assert!(money(serde_json::json!({"amount": "1250", "currency": "usd"})).is_err());
    assert!(money(serde_json::json!({"amount": -1, "currency": "usd"})).is_err());
    assert!(money(serde_json::json!({"amount": 1250, "currency": "xxx"})).is_err());
    assert!(money(serde_json::json!({"amount": 12.5, "currency": "usd"})).is_err());
    // A field of an unexpected type is absent, not fatal to the answer.
    let odd = intent(
        &serde_json::json!({"id": "pi_1", "amount": 1250, "currency": "usd", "status": "succeeded",
        "metadata": [1, 2], "created": "yesterday", "latest_charge": 7}),
    );
    assert_eq!((odd.sale_id(), odd.created_ms(), odd.risk()), (None, None, None));
    assert!(odd.money().is_ok());
    let summary = |card: Value| read::<Card>(card).ok().and_then(|c| c.summary());
    let card = serde_json::json!({"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030});
    assert_eq!(summary(card).map(|c| c.last4), Some("4242".into()));
    assert_eq!(summary(serde_json::json!({"last4": "42424"})), None);
    assert_eq!(path_id("pm_123"), Some("pm_123"));
    assert_eq!(
        endpoint_label("v1/payment_intents/pi_3abcDEF123/capture"),
        "v1/payment_intents/{id}/capture"
    );
    assert_eq!(endpoint_label("v1/payment_intents"), "v1/payment_intents");
    let with_charge = |charge: Value| intent(&serde_json::json!({"latest_charge": charge}));
    let charge = serde_json::json!({"outcome": {"network_status": "approved_by_network", "risk_level": "elevated",
        "seller_message": "Stripe evaluated this payment as having elevated risk."},
        "payment_method_details": {"card": {"checks": {"cvc_check": "fail", "address_postal_code_check": "pass"}}}});
    let risk = with_charge(charge).risk();
    assert_eq!(risk.as_ref().and_then(|r| r.risk_level.as_deref()), Some("elevated"));
    assert!(risk
        .and_then(|r| crate::messages::english().risk_warning(&r))
        .is_some_and(|w| w.contains("security code")));
    assert_eq!(with_charge(serde_json::json!("ch_123")).risk(), None);
    assert_eq!(path_id("../v1/x"), None);
}
