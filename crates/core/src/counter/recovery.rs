//! Recovery: settling what an interruption left open (a charge, a capture
//! or void, a refund) with the gateway's own record, before new work.
//!
//! Nothing is called "not charged" or "not refunded" until the gateway's
//! in-flight window has passed with no record of it, and nothing another
//! process still waits on is touched: recovery holds each operation in
//! flight itself while it settles it, and reads it again under that hold,
//! so a settlement another process wrote meanwhile is never overwritten.

use super::settlement::*;
use super::{Counter, CounterError, Settled, AUTHORISATION_EXPIRED};
use crate::audit::Outcome;
use crate::gateway::{ChargeRequest, GatewayError, PaymentState, RefundRequest};
use crate::store::{InFlight, OpKind, RefundStatus, SaleId, SaleStatus, Settlement};

impl Counter {
    /// Settles every pending or in-doubt sale with the gateway. Returns how
    /// many are still in doubt (the gateway could not be asked).
    pub async fn resolve_in_doubt(&self) -> Result<usize, CounterError> {
        let mut unresolved = 0;
        for listed in self.store.unsettled()? {
            // Another process (or this one) is still waiting for its answer:
            // slow, not interrupted. Settling it now could call a card that
            // is being charged "not charged", or stop a reader mid-payment.
            let Some(_held) = self.claim(&listed.id.to_string()) else {
                unresolved += 1;
                continue;
            };
            let Some(sale) = self
                .store
                .get(listed.id)?
                .filter(|s| matches!(s.status, SaleStatus::Pending | SaleStatus::InDoubt))
            else {
                continue; // settled meanwhile by whoever held it
            };
            let request = ChargeRequest {
                sale_id: sale.id,
                journaled_at_ms: sale.created_at_ms,
                by: self.attribution(&sale.terminal_id, &sale.staff_id),
                money: sale.money,
                idempotency_key: sale.idempotency_key.clone(),
                source: self.payment_source(None, None),
                capture: sale.capture,
                phone_order: sale.is_phone_order(),
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
            self.note_settled(sale.id, None, settlement.status.into());
        }
        for listed in self.store.pending_ops()? {
            let Some(_held) = self.claim(&listed.id.to_string()) else {
                unresolved += 1;
                continue;
            };
            let Some(sale) = self.store.get(listed.id)? else {
                continue;
            };
            let (Some(op), Some(payment)) = (&sale.pending_op, &sale.gateway_ref) else {
                continue; // settled meanwhile by whoever held it
            };
            match self.gateway.payment_state(payment).await {
                Ok(PaymentState::Captured { amount }) => {
                    self.store
                        .settle(sale.id, &op_settlement(OpKind::Capture, Some(amount)))?;
                    self.note_settled(sale.id, None, Outcome::Captured);
                }
                Ok(PaymentState::Voided) => {
                    self.store.settle(sale.id, &op_settlement(OpKind::Void, None))?;
                    self.note_settled(sale.id, None, Outcome::Voided);
                }
                // Still only authorised: the op never landed (or may still).
                Ok(_) if crate::clock::now_ms().saturating_sub(sale.updated_at_ms) > window_ms(&*self.gateway) => {
                    self.store.clear_op(sale.id)?;
                    self.note_settled(sale.id, None, Outcome::CaptureOrVoidNotDone);
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
                Outcome::AuthorisationExpired
            } else {
                Outcome::Captured
            };
            self.note_settled(sale.id, None, outcome);
        }
        for refund in self.store.unsettled_refunds()? {
            let Some(_held) = self.claim(&refund.id) else {
                unresolved += 1;
                continue;
            };
            if !self.store.unsettled_refunds()?.iter().any(|r| r.id == refund.id) {
                continue; // settled meanwhile by whoever held it
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
                by: self.attribution(&self.terminal_id, &refund.staff_id),
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
                self.note_settled(refund.sale_id, Some(&refund.id), status.into());
            }
        }
        Ok(unresolved)
    }

    /// Holds operation `id` in flight for recovery, or `None` while some
    /// process (this one included) holds it, or the hold cannot be taken.
    fn claim(&self, id: &str) -> Option<InFlight> {
        self.store.hold_in_flight(id).ok()
    }

    /// What recovery settled since the last call, oldest first.
    pub fn take_settled(&self) -> Vec<Settled> {
        std::mem::take(&mut *self.settled.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn note_settled(&self, sale: SaleId, refund: Option<&str>, outcome: Outcome) {
        self.settled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Settled {
                sale,
                refund: refund.map(str::to_string),
                outcome,
            });
    }
}
