//! What the gateway's answers become in the cache: settlements for sales,
//! captures, voids and refunds, and the stable code of each gateway error.

use crate::gateway::{ChargeOutcome, Gateway, GatewayError, RefundOutcome};
use crate::money::MinorUnits;
use crate::store::{OpKind, RefundStatus, SaleStatus, Settlement};

/// The deadline of an authorisation the gateway reported one for.
pub(super) fn capture_deadline(result: &Result<ChargeOutcome, GatewayError>) -> Option<i64> {
    match result {
        Ok(ChargeOutcome::Authorized { capture_before_ms, .. }) => *capture_before_ms,
        _ => None,
    }
}

pub(super) fn window_ms(gateway: &dyn Gateway) -> i64 {
    i64::try_from(gateway.in_flight_window().as_millis()).unwrap_or(i64::MAX)
}

pub(super) fn op_settlement(kind: OpKind, captured: Option<MinorUnits>) -> Settlement {
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

pub(super) fn refund_settlement(
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

pub(super) fn settlement_for(result: Result<ChargeOutcome, GatewayError>, amount: MinorUnits) -> Settlement {
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
            card,
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
            card,
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

/// The stored code of a gateway failure ([`crate::gateway::FailureCode`]).
pub fn gateway_error_code(e: &GatewayError) -> &'static str {
    e.failure_code().as_str()
}
