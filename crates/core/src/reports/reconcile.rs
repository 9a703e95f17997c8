//! Reconciliation: the local cache against the gateway's own records for a
//! period, both ways.
//!
//! Matching is by the sale id the terminal writes into every PaymentIntent's
//! metadata (and the refund id into every refund's), never by amount or
//! time. Found: payments or refunds missing locally, sales the gateway has
//! no record of, and amount or status differences.
//!
//! The one-click fix is deliberately narrow: importing a record the gateway
//! has and the cache lacks moves no money and loses nothing, so it is
//! offered; everything else (a sale the gateway never saw, a status that
//! differs) needs a person and is only shown.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use super::{Period, Result};
use crate::gateway::{CaptureMode, Gateway, IdempotencyKey, ListedPayment, ListedRefund, PaymentState, RefundReason};
use crate::money::Money;
use crate::store::{NewRefund, NewSale, Refund, RefundStatus, Sale, SaleId, SaleStatus, Settlement, Store, StoreError};

/// Gateway payments are listed this much wider than the period: a sale
/// journaled a moment before midnight is created at the gateway after it.
const EDGE_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MismatchKind {
    /// The gateway took a payment this terminal has no record of.
    MissingLocally,
    /// The cache has a sale the gateway has no record of.
    MissingAtGateway,
    AmountDiffers,
    StatusDiffers,
    /// A refund at the gateway (made outside the terminal, say) not in the cache.
    RefundMissingLocally,
    /// A refund the cache counts that the gateway has no record of.
    RefundMissingAtGateway,
    /// The audit trail ends before an audit head the gateway holds for this
    /// terminal, reaches it with another MAC, or is broken: entries were
    /// removed or changed.
    AuditTrailDiffers,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Mismatch {
    pub kind: MismatchKind,
    pub sale_id: Option<String>,
    /// The gateway's id (`pi_…`, `re_…`), to find it in its dashboard.
    pub gateway_id: Option<String>,
    pub local: Option<String>,
    pub gateway: Option<String>,
    /// Importing it is safe and offered.
    pub importable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Reconciliation {
    pub period: Period,
    #[ts(type = "number")]
    pub local_sales: u64,
    #[ts(type = "number")]
    pub gateway_payments: u64,
    #[ts(type = "number")]
    pub matched: u64,
    pub mismatches: Vec<Mismatch>,
}

fn describe_state(state: &PaymentState, money: Money) -> String {
    match state {
        PaymentState::Captured { amount } => format!("captured {}", Money::new(*amount, money.currency).display()),
        PaymentState::Authorized => format!("authorized {}", money.display()),
        PaymentState::Voided => format!("voided {}", money.display()),
        PaymentState::Other => format!("not paid ({})", money.display()),
    }
}

fn describe_sale(s: &Sale) -> String {
    match (s.status, s.captured) {
        (SaleStatus::Approved, Some(c)) => format!("captured {}", Money::new(c, s.money.currency).display()),
        (status, _) => format!("{} {}", status.as_str(), s.money.display()),
    }
}

/// Whether the local status says the same as the gateway's.
fn same_state(s: &Sale, state: &PaymentState) -> bool {
    match state {
        PaymentState::Captured { .. } => s.status == SaleStatus::Approved,
        PaymentState::Authorized => s.status == SaleStatus::Authorized,
        PaymentState::Voided => matches!(
            s.status,
            SaleStatus::Voided | SaleStatus::Cancelled | SaleStatus::Declined
        ),
        PaymentState::Other => matches!(
            s.status,
            SaleStatus::Declined | SaleStatus::Failed | SaleStatus::Cancelled
        ),
    }
}

/// Whether a local sale should exist at the gateway.
fn expected_at_gateway(s: &Sale) -> bool {
    matches!(
        s.status,
        SaleStatus::Approved | SaleStatus::Authorized | SaleStatus::Voided
    )
}

/// The audit trail checked against the gateway's anchors, as a mismatch
/// when it does not reach them (or does not verify at all).
pub fn anchor_mismatch(checked: &crate::audit::Verification) -> Option<Mismatch> {
    use crate::audit::Verification;
    let (local, gateway) = match checked {
        Verification::Intact { .. } => return None,
        Verification::BrokenAt { seq } => (format!("audit trail broken at entry {seq}"), None),
        Verification::Truncated { anchor_seq, last_seq } => (
            format!("audit trail ends at entry {last_seq}"),
            Some(format!("audit head at entry {anchor_seq}")),
        ),
    };
    Some(Mismatch {
        kind: MismatchKind::AuditTrailDiffers,
        sale_id: None,
        gateway_id: None,
        local: Some(local),
        gateway,
        importable: false,
    })
}

/// Compares `period` of the cache with the gateway's list.
pub async fn reconcile(
    store: &Store,
    gateway: &dyn Gateway,
    terminal_id: &str,
    period: Period,
) -> Result<Reconciliation> {
    let listed = gateway
        .list_payments(period.from_ms - EDGE_MS, period.to_ms + EDGE_MS)
        .await?;
    let ours: Vec<ListedPayment> = listed
        .into_iter()
        .filter(|p| p.terminal_id.as_deref() == Some(terminal_id))
        .collect();
    let mut local = Vec::new();
    let mut last = None;
    loop {
        let page = store.sales_page(period.from_ms, period.to_ms, last.as_ref(), 2_000)?;
        let done = page.len() < 2_000;
        local.extend(page);
        if done {
            break;
        }
        last = local.last().cloned();
    }
    let mut out = Reconciliation {
        period,
        local_sales: local.len() as u64,
        gateway_payments: 0,
        matched: 0,
        mismatches: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    for p in &ours {
        let sale = match p.sale_id.as_deref().and_then(SaleId::parse) {
            Some(id) => match local.iter().find(|s| s.id == id) {
                Some(s) => Some(s.clone()),
                // Recorded locally, just outside the period: not ours to judge.
                None => match store.get(id)? {
                    Some(_) => continue,
                    None => None,
                },
            },
            None => None,
        };
        if !(period.from_ms..period.to_ms).contains(&p.created_ms) && sale.is_none() {
            continue;
        }
        out.gateway_payments += 1;
        let Some(sale) = sale else {
            if p.state != PaymentState::Other {
                out.mismatches.push(Mismatch {
                    kind: MismatchKind::MissingLocally,
                    sale_id: p.sale_id.clone(),
                    gateway_id: Some(p.gateway_ref.0.clone()),
                    local: None,
                    gateway: Some(describe_state(&p.state, p.money)),
                    importable: true,
                });
            }
            continue;
        };
        seen.insert(sale.id);
        let before = out.mismatches.len();
        if sale.money != p.money {
            out.mismatches.push(mismatch(MismatchKind::AmountDiffers, &sale, p));
        } else if !same_state(&sale, &p.state)
            || matches!(p.state, PaymentState::Captured { amount } if Some(amount) != sale.captured)
        {
            out.mismatches.push(mismatch(MismatchKind::StatusDiffers, &sale, p));
        }
        compare_refunds(store, &sale, p, &mut out.mismatches)?;
        if out.mismatches.len() == before {
            out.matched += 1;
        }
    }
    for s in local.iter().filter(|s| !seen.contains(&s.id) && expected_at_gateway(s)) {
        out.mismatches.push(Mismatch {
            kind: MismatchKind::MissingAtGateway,
            sale_id: Some(s.id.to_string()),
            gateway_id: s.gateway_ref.as_ref().map(|g| g.0.clone()),
            local: Some(describe_sale(s)),
            gateway: None,
            importable: false,
        });
    }
    Ok(out)
}

fn mismatch(kind: MismatchKind, sale: &Sale, p: &ListedPayment) -> Mismatch {
    Mismatch {
        kind,
        sale_id: Some(sale.id.to_string()),
        gateway_id: Some(p.gateway_ref.0.clone()),
        local: Some(describe_sale(sale)),
        gateway: Some(describe_state(&p.state, p.money)),
        importable: false,
    }
}

fn compare_refunds(store: &Store, sale: &Sale, p: &ListedPayment, out: &mut Vec<Mismatch>) -> Result<()> {
    let local = store.refunds_for_sale(sale.id)?;
    for r in p.refunds.iter().filter(|r| r.counts) {
        match local.iter().find(|l| same_refund(l, r)) {
            // Recorded as not refunded, yet the gateway counts it: the
            // customer has the money back and the till's day says not.
            Some(l) if l.status == RefundStatus::Failed => out.push(Mismatch {
                kind: MismatchKind::StatusDiffers,
                sale_id: Some(sale.id.to_string()),
                gateway_id: Some(r.gateway_ref.0.clone()),
                local: Some(format!("refund {} failed", l.money.display())),
                gateway: Some(format!("refund {}", r.money.display())),
                importable: false,
            }),
            Some(l) if l.money == r.money => {}
            Some(l) => out.push(Mismatch {
                kind: MismatchKind::AmountDiffers,
                sale_id: Some(sale.id.to_string()),
                gateway_id: Some(r.gateway_ref.0.clone()),
                local: Some(format!("refund {}", l.money.display())),
                gateway: Some(format!("refund {}", r.money.display())),
                importable: false,
            }),
            None => out.push(Mismatch {
                kind: MismatchKind::RefundMissingLocally,
                sale_id: Some(sale.id.to_string()),
                gateway_id: Some(r.gateway_ref.0.clone()),
                local: None,
                gateway: Some(format!("refund {}", r.money.display())),
                importable: true,
            }),
        }
    }
    for l in local.iter().filter(|l| l.status == RefundStatus::Succeeded) {
        if !p.refunds.iter().any(|r| r.counts && same_refund(l, r)) {
            out.push(Mismatch {
                kind: MismatchKind::RefundMissingAtGateway,
                sale_id: Some(sale.id.to_string()),
                gateway_id: l.gateway_ref.as_ref().map(|g| g.0.clone()),
                local: Some(format!("refund {}", l.money.display())),
                gateway: None,
                importable: false,
            });
        }
    }
    Ok(())
}

/// The terminal's refund id in the gateway's metadata, or (for a refund
/// imported from the gateway) the gateway's own id.
fn same_refund(local: &Refund, listed: &ListedRefund) -> bool {
    listed.refund_id.as_deref() == Some(local.id.as_str()) || local.gateway_ref.as_ref() == Some(&listed.gateway_ref)
}

fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Imports what the gateway has and the cache lacks in `period` (the
/// importable mismatches). Returns how many records were imported.
pub async fn import_missing(store: &Store, gateway: &dyn Gateway, terminal_id: &str, period: Period) -> Result<u64> {
    let listed = gateway
        .list_payments(period.from_ms - EDGE_MS, period.to_ms + EDGE_MS)
        .await?;
    let mut imported = 0;
    for p in listed.iter().filter(|p| p.terminal_id.as_deref() == Some(terminal_id)) {
        let id = p.sale_id.as_deref().and_then(SaleId::parse);
        let existing = match id {
            Some(id) => store.get(id)?,
            None => None,
        };
        let sale = match existing {
            Some(s) => s,
            None if (period.from_ms..period.to_ms).contains(&p.created_ms) && p.state != PaymentState::Other => {
                imported += 1;
                import_sale(store, terminal_id, id.unwrap_or_default(), p)?
            }
            None => continue,
        };
        let local = store.refunds_for_sale(sale.id)?;
        for r in p.refunds.iter().filter(|r| r.counts) {
            if local.iter().any(|l| same_refund(l, r)) {
                continue;
            }
            import_refund(store, terminal_id, &sale, r)?;
            imported += 1;
        }
    }
    Ok(imported)
}

fn import_sale(store: &Store, terminal_id: &str, id: SaleId, p: &ListedPayment) -> Result<Sale> {
    let (status, captured) = match p.state {
        PaymentState::Captured { amount } => (SaleStatus::Approved, Some(amount)),
        PaymentState::Authorized => (SaleStatus::Authorized, None),
        PaymentState::Voided => (SaleStatus::Voided, None),
        PaymentState::Other => (SaleStatus::Declined, None),
    };
    let sale = NewSale {
        id,
        terminal_id: terminal_id.to_string(),
        money: p.money,
        idempotency_key: IdempotencyKey::from_stored(format!("import-{}", p.gateway_ref.0)),
        source: "gateway_import",
        capture: match p.state {
            PaymentState::Authorized => CaptureMode::Manual,
            _ => CaptureMode::Automatic,
        },
        staff_id: None,
        description: None,
        created_at: at(p.created_ms),
    };
    let settlement = Settlement {
        status,
        captured,
        risk: None,
        outcome_code: Some("imported_from_gateway".into()),
        gateway_ref: Some(p.gateway_ref.clone()),
        card: p.card.clone(),
    };
    store.insert_settled(&[(sale, settlement)])?;
    store.get(id)?.ok_or(StoreError::Corrupt("imported sale").into())
}

fn import_refund(store: &Store, terminal_id: &str, sale: &Sale, r: &ListedRefund) -> Result<()> {
    let id = r
        .refund_id
        .clone()
        .unwrap_or_else(|| format!("import-{}", r.gateway_ref.0));
    store.insert_pending_refund(&NewRefund {
        id: id.clone(),
        sale_id: sale.id,
        terminal_id: terminal_id.to_string(),
        money: r.money,
        reason: RefundReason::RequestedByCustomer,
        idempotency_key: IdempotencyKey::from_stored(format!("import-{}", r.gateway_ref.0)),
        note: None,
        staff_id: None,
        created_at: at(r.created_ms),
    })?;
    store.settle_refund(
        &id,
        RefundStatus::Succeeded,
        Some("imported_from_gateway"),
        Some(&r.gateway_ref),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::gateway::{
        ChargeOutcome, ChargeRequest, GatewayError, GatewayKind, GatewayRef, PaymentOp, RefundOutcome, RefundRequest,
    };
    use crate::money::{Currency, MinorUnits};

    /// A gateway whose only answer is a fixed list of payments.
    struct Listed(Vec<ListedPayment>);

    #[async_trait::async_trait]
    impl Gateway for Listed {
        fn kind(&self) -> GatewayKind {
            GatewayKind::Stripe
        }
        async fn charge(
            &self,
            _: &ChargeRequest,
            _: CancellationToken,
        ) -> std::result::Result<ChargeOutcome, GatewayError> {
            Err(GatewayError::InvalidRequest)
        }
        async fn find_charge(&self, _: &ChargeRequest) -> std::result::Result<Option<ChargeOutcome>, GatewayError> {
            Ok(None)
        }
        async fn refund(&self, _: &RefundRequest) -> std::result::Result<RefundOutcome, GatewayError> {
            Err(GatewayError::InvalidRequest)
        }
        async fn find_refund(&self, _: &RefundRequest) -> std::result::Result<Option<RefundOutcome>, GatewayError> {
            Ok(None)
        }
        async fn capture(&self, _: &PaymentOp) -> std::result::Result<MinorUnits, GatewayError> {
            Err(GatewayError::InvalidRequest)
        }
        async fn void(&self, _: &PaymentOp) -> std::result::Result<(), GatewayError> {
            Err(GatewayError::InvalidRequest)
        }
        async fn payment_state(&self, _: &GatewayRef) -> std::result::Result<PaymentState, GatewayError> {
            Err(GatewayError::NotFound)
        }
        async fn list_payments(&self, _: i64, _: i64) -> std::result::Result<Vec<ListedPayment>, GatewayError> {
            Ok(self.0.clone())
        }
    }

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn sale(
        store: &Store,
        at_ms: i64,
        amount: i64,
        status: SaleStatus,
    ) -> std::result::Result<SaleId, Box<dyn std::error::Error>> {
        let id = SaleId::new();
        let money = Money::new(MinorUnits::new(amount), Currency::Eur);
        store.insert_pending(&NewSale {
            id,
            capture: CaptureMode::Manual,
            created_at: at(at_ms),
            ..crate::testing::journaled(money)
        })?;
        store.settle(
            id,
            &Settlement {
                status,
                captured: (status == SaleStatus::Approved).then_some(MinorUnits::new(amount)),
                risk: None,
                outcome_code: None,
                gateway_ref: Some(GatewayRef(format!("pi_{id}"))),
                card: None,
            },
        )?;
        Ok(id)
    }

    fn listed(sale: Option<SaleId>, terminal: &str, at_ms: i64, amount: i64, state: PaymentState) -> ListedPayment {
        ListedPayment {
            gateway_ref: GatewayRef(format!("pi_{}", sale.map(|s| s.to_string()).unwrap_or_default())),
            sale_id: sale.map(|s| s.to_string()),
            terminal_id: Some(terminal.into()),
            money: Money::new(MinorUnits::new(amount), Currency::Eur),
            state,
            created_ms: at_ms,
            card: None,
            refunds: Vec::new(),
        }
    }

    /// The day the tests reconcile, from `T0`.
    const T0: i64 = 1_800_000_000_000;

    fn day() -> Period {
        Period {
            from_ms: T0,
            to_ms: T0 + 86_400_000,
        }
    }

    #[tokio::test]
    async fn every_kind_of_difference_is_found_and_only_imports_are_offered() -> TestResult {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("c.sqlite3"), crate::testing::sealer(8))?;
        let (t0, period) = (T0, day());
        let matched = sale(&store, t0 + 1_000, 500, SaleStatus::Approved)?;
        let lost_at_gateway = sale(&store, t0 + 2_000, 600, SaleStatus::Approved)?;
        let captured_elsewhere = sale(&store, t0 + 3_000, 700, SaleStatus::Authorized)?;
        sale(&store, t0 + 4_000, 800, SaleStatus::Declined)?;
        let unknown = SaleId::new();
        let gateway = Listed(vec![
            listed(
                Some(matched),
                "t1",
                t0 + 1_000,
                500,
                PaymentState::Captured {
                    amount: MinorUnits::new(500),
                },
            ),
            listed(
                Some(captured_elsewhere),
                "t1",
                t0 + 3_000,
                700,
                PaymentState::Captured {
                    amount: MinorUnits::new(700),
                },
            ),
            listed(
                Some(unknown),
                "t1",
                t0 + 5_000,
                900,
                PaymentState::Captured {
                    amount: MinorUnits::new(900),
                },
            ),
            // Another till on the same account, and a payment that never took money.
            listed(
                Some(SaleId::new()),
                "t2",
                t0 + 5_000,
                100,
                PaymentState::Captured {
                    amount: MinorUnits::new(100),
                },
            ),
            listed(None, "t1", t0 + 6_000, 100, PaymentState::Other),
        ]);
        let r = reconcile(&store, &gateway, "t1", period).await?;
        let mut found: Vec<_> = r
            .mismatches
            .iter()
            .map(|m| (m.kind, m.sale_id.clone(), m.importable))
            .collect();
        found.sort_by_key(|f| format!("{f:?}"));
        let mut want = vec![
            (MismatchKind::MissingAtGateway, Some(lost_at_gateway.to_string()), false),
            (MismatchKind::StatusDiffers, Some(captured_elsewhere.to_string()), false),
            (MismatchKind::MissingLocally, Some(unknown.to_string()), true),
        ];
        want.sort_by_key(|f| format!("{f:?}"));
        assert_eq!(found, want);
        assert_eq!((r.matched, r.local_sales), (1, 4));

        assert_eq!(import_missing(&store, &gateway, "t1", period).await?, 1);
        let imported = store.get(unknown)?.ok_or("imported")?;
        assert_eq!(
            (imported.status, imported.captured),
            (SaleStatus::Approved, Some(MinorUnits::new(900)))
        );
        let again = reconcile(&store, &gateway, "t1", period).await?;
        assert_eq!(again.mismatches.len(), 2);
        Ok(())
    }

    /// A refund the till recorded as failed that the gateway counts (money
    /// back to the customer) is a difference, not a match: it is the very
    /// case reconciliation is there to show.
    #[tokio::test]
    async fn a_refund_recorded_failed_that_the_gateway_made_is_a_difference() -> TestResult {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("c.sqlite3"), crate::testing::sealer(8))?;
        let (t0, period) = (T0, day());
        let paid = sale(&store, t0 + 1_000, 500, SaleStatus::Approved)?;
        let money = Money::new(MinorUnits::new(200), Currency::Eur);
        store.insert_pending_refund(&crate::store::NewRefund {
            id: "rf-1".into(),
            sale_id: paid,
            terminal_id: "t1".into(),
            money,
            reason: crate::gateway::RefundReason::RequestedByCustomer,
            idempotency_key: IdempotencyKey::generate(),
            note: None,
            staff_id: None,
            created_at: at(t0 + 2_000),
        })?;
        store.settle_refund("rf-1", RefundStatus::Failed, Some("interrupted_not_refunded"), None)?;
        let mut payment = listed(
            Some(paid),
            "t1",
            t0 + 1_000,
            500,
            PaymentState::Captured {
                amount: MinorUnits::new(500),
            },
        );
        payment.refunds.push(ListedRefund {
            gateway_ref: GatewayRef("re_1".into()),
            refund_id: Some("rf-1".into()),
            money,
            counts: true,
            created_ms: t0 + 2_000,
        });
        let r = reconcile(&store, &Listed(vec![payment]), "t1", period).await?;
        let found: Vec<_> = r.mismatches.iter().map(|m| (m.kind, m.gateway_id.clone())).collect();
        assert_eq!(found, [(MismatchKind::StatusDiffers, Some("re_1".to_string()))]);
        Ok(())
    }
}
