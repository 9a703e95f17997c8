//! The counter's sequence against the training gateway and a real SQLite
//! file: journal, outcomes, recovery, refunds, captures and voids.

use super::*;
use crate::gateway::training::ReaderTiming;
use crate::gateway::{CaptureMode, RefundReason};
use crate::money::MinorUnits;
use crate::store::{RefundStatus, Settlement};

pub(super) async fn counter(dir: &std::path::Path, slow_ms: u64) -> Result<Counter, CounterError> {
    let settings = Settings {
        training_reader: ReaderTiming {
            tap_ms: 1,
            slow_ms,
            timeout_ms: 1,
        },
        ..Settings::default()
    };
    let store = Store::open(&dir.join("c.sqlite3"), crate::testing::sealer(3))?;
    let gateway = Arc::new(TrainingGateway::new(settings.training_reader));
    Counter::from_parts(settings, "t1".into(), store, gateway).await
}

/// A $9.00 reader sale as the journal writes it before asking the gateway.
pub(super) fn journaled_sale() -> NewSale {
    crate::testing::journaled(crate::testing::usd(900))
}

/// An authorisation only (captured later), approved.
fn hold(amount: &str) -> ChargeInput {
    ChargeInput {
        capture: CaptureMode::Manual,
        ..input(amount, SimulatedCard::Approve)
    }
}

pub(super) fn input(amount: &str, card: SimulatedCard) -> ChargeInput {
    ChargeInput {
        amount: amount.into(),
        currency: None,
        description: None,
        simulated_card: Some(card),
        payment_method: None,
        capture: CaptureMode::Automatic,
        phone_order: false,
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
        // The UI's copy of the code (FailureCode.ts) is its serde name.
        assert_eq!(
            serde_json::to_value(e.failure_code()).ok(),
            Some(serde_json::Value::from(*code))
        );
    }
    let distinct: std::collections::BTreeSet<_> = all.iter().map(|(e, _)| gateway_error_code(e)).collect();
    assert_eq!(distinct.len(), all.len());
    let failed = settlement_for(Err(KeyRejected), MinorUnits::new(100));
    assert_eq!(
        (failed.status, failed.outcome_code.as_deref()),
        (SaleStatus::Failed, Some("key_rejected"))
    );
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
    // A sale the gateway has not answered for yet is marked in doubt, not
    // settled: only a final status is handed over.
    let unsettled = [SaleStatus::Pending, SaleStatus::InDoubt];
    if c.store().get(sale.id)?.is_some_and(|s| !unsettled.contains(&s.status)) {
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

/// Cancel stops the charge the reader is waiting on, and only that: with
/// nothing in flight it says so, and a cancelled sale took nothing.
#[tokio::test]
async fn cancel_stops_the_charge_in_flight_and_nothing_else() -> Result<(), CounterError> {
    let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
    let c = counter(dir.path(), 5_000).await?;
    assert!(matches!(c.cancel_charge(), Err(CounterError::NothingToCancel)));
    let cancel = async {
        // Once the charge is waiting on the reader.
        for _ in 0..200 {
            if c.cancel_charge().is_ok() {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        false
    };
    let (sale, cancelled) = tokio::join!(c.charge(input("5", SimulatedCard::SlowReader)), cancel);
    assert!(cancelled, "the charge was never in flight");
    assert_eq!(sale?.status, SaleStatus::Cancelled);
    assert!(matches!(c.cancel_charge(), Err(CounterError::NothingToCancel)));
    Ok(())
}

#[tokio::test]
async fn an_interrupted_charge_is_settled_on_the_next_start() -> Result<(), CounterError> {
    let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
    // A crash after the journal write, before any answer: only the pending row exists.
    let store = Store::open(&dir.path().join("c.sqlite3"), crate::testing::sealer(3))?;
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
    let store = Store::open(&dir.path().join("c.sqlite3"), crate::testing::sealer(3))?;
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
        vec![
            (cancelled.id, crate::audit::Outcome::AuthorisationExpired),
            (taken.id, crate::audit::Outcome::Captured)
        ]
    );
    assert_eq!(
        crate::audit::Outcome::AuthorisationExpired.as_str(),
        AUTHORISATION_EXPIRED
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
        c.capture(tab.id, Some(MinorUnits::new(5001))).await,
        Err(CounterError::Store(StoreError::NotCapturable))
    ));
    let captured = c.capture(tab.id, Some(MinorUnits::new(4250))).await?;
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
        Err(CounterError::Input(_))
    ));
    Ok(())
}

mod input;
