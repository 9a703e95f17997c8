//! The audit trail as staff see it, and the sweeps that put on it what a
//! crash left settled but unrecorded; alerts; verification against anchors.

use super::{Result, Terminal};
use crate::audit::{Action, Anchor, AuditEntry, AuditFilter, Outcome, Verification};
use crate::auth::{Actor, Permission};
use crate::counter::Counter;
use crate::reports::closing;

impl Terminal {
    /// What deserves the owner's attention now. Each alert is also logged.
    pub fn alerts(&self, actor: &Actor) -> Result<Vec<crate::monitor::Alert>> {
        self.require(actor, Permission::ViewAudit)?;
        let store = self.counter.as_ref().ok().map(Counter::store);
        let alerts = crate::monitor::alerts(
            store,
            &self.db,
            &self.settings,
            &self.staff_names()?,
            self.clock.now_ms(),
        )?;
        // The kind only: an alert's words name staff members, and the log
        // is no place for names.
        for a in &alerts {
            tracing::warn!(kind = ?a.kind, "alert raised");
        }
        Ok(alerts)
    }

    /// Audit entries by action, staff (by name: `staff`), outcome and time
    /// (managers). The filter's own staff id is replaced by the named one's.
    pub fn audit_entries(
        &self,
        actor: &Actor,
        staff: Option<&str>,
        mut filter: AuditFilter,
    ) -> Result<Vec<AuditEntry>> {
        self.require(actor, Permission::ViewAudit)?;
        filter.actor = self.staff_id_named(staff)?;
        Ok(self.audit.query(&self.db, &filter)?)
    }

    /// Puts what recovery settled on the trail, one entry per operation
    /// (the sale as object, the refund id in the detail).
    pub(super) fn record_settled(&self, actor: Option<&Actor>) -> Result<()> {
        let Ok(counter) = &self.counter else {
            return Ok(());
        };
        for s in counter.take_settled() {
            let detail = s.refund.as_ref().map(|r| format!("refund={r}"));
            self.record(
                actor,
                Action::ResolveInDoubt,
                Some(&s.sale.to_string()),
                s.outcome,
                detail.as_deref(),
            )?;
        }
        Ok(())
    }

    /// Every settled sale and refund has its own entry on the trail. One
    /// can be missing when the process died between recording the outcome
    /// and auditing it (or the audit write failed): those are found from
    /// the cache, since shortly before the newest money entry, and recorded
    /// now with the detail `recovered`.
    pub(super) fn audit_unrecorded_money(&self, actor: Option<&Actor>) -> Result<()> {
        let Ok(counter) = &self.counter else {
            return Ok(());
        };
        const MARGIN_MS: i64 = 10 * 60_000;
        let money = [
            Action::Charge,
            Action::Refund,
            Action::Capture,
            Action::Void,
            Action::ResolveInDoubt,
        ];
        let filter = |action: Option<&Action>, since_ms: i64, limit: u32| crate::audit::AuditFilter {
            action: action.copied(),
            actor: None,
            outcome: None,
            since_ms,
            until_ms: i64::MAX,
            limit,
        };
        let mut newest: Option<i64> = None;
        for a in &money {
            if let Some(e) = self.audit.query(&self.db, &filter(Some(a), 0, 1))?.first() {
                newest = Some(newest.map_or(e.at_ms, |n| n.max(e.at_ms)));
            }
        }
        let since = newest.map_or(0, |n| n - MARGIN_MS);
        let settled = counter.store().settled_since(since)?;
        if settled.is_empty() {
            return Ok(());
        }
        let entries = self.audit.query(&self.db, &filter(None, since - MARGIN_MS, u32::MAX))?;
        for r in settled {
            // An entry for this record written after it was last settled.
            let audited = entries.iter().any(|e| {
                e.at_ms + 1_000 >= r.updated_at_ms
                    && match &r.refund_id {
                        Some(id) => e.detail.as_deref().is_some_and(|d| d.contains(&format!("refund={id}"))),
                        None => e.object.as_deref() == Some(r.sale_id.as_str()),
                    }
            });
            if !audited {
                let (action, detail) = match &r.refund_id {
                    Some(id) => (Action::Refund, format!("refund={id} recovered")),
                    None => (Action::ResolveInDoubt, "recovered".to_string()),
                };
                // The status as the cache keeps it; every settled status has its word.
                let outcome = Outcome::from_stored(&r.status).unwrap_or(Outcome::Recovered);
                self.record(actor, action, Some(&r.sale_id), outcome, Some(&detail))?;
            }
        }
        Ok(())
    }

    /// A Z report committed but cut off before its audit entry (the process
    /// died between the two) is put on the trail now, marked `recovered`,
    /// so every numbered report has its entry. Matched by the covered hash,
    /// which is unique to a report in either mode.
    pub(super) fn audit_unrecorded_closes(&self, actor: &Actor) -> Result<()> {
        let filter = crate::audit::AuditFilter {
            action: Some(Action::CloseDay),
            actor: None,
            outcome: None,
            since_ms: 0,
            until_ms: i64::MAX,
            limit: u32::MAX,
        };
        let details: Vec<String> = self
            .audit
            .query(&self.db, &filter)?
            .into_iter()
            .filter_map(|e| e.detail)
            .collect();
        for (number, hash) in closing::hashes(self.counter()?.store())? {
            // The trail keeps fields redacted; compare like with like.
            let mark = crate::logging::redact(&hash);
            if !details.iter().any(|d| d.contains(&mark)) {
                let detail = format!("sha256={hash}");
                self.record(
                    Some(actor),
                    Action::CloseDay,
                    Some(&format!("Z{number}")),
                    Outcome::Recovered,
                    Some(&detail),
                )?;
            }
        }
        Ok(())
    }

    /// Recomputes the chain and checks it against every anchor there is:
    /// `typed` (one a person kept), the head in the keychain's setup record
    /// (training and live), and the newest heads the live gateway holds in
    /// this terminal's PaymentIntents. A trail that ends before any of them,
    /// or reaches one with another MAC, is reported as truncated.
    pub async fn verify_audit(&self, actor: &Actor, typed: Option<&Anchor>) -> Result<Verification> {
        self.require(actor, Permission::VerifyAudit)?;
        let mut anchors: Vec<Anchor> = typed.into_iter().cloned().collect();
        anchors.extend(self.gateway_anchors().await);
        anchors.extend(self.setup.head());
        Ok(self.audit.verify_against(&self.db, &anchors)?)
    }

    /// The audit heads the gateway holds for this terminal's current trail
    /// (none in training, whose anchors are the keychain's). Unreadable
    /// anchors are logged and skipped: the keychain's head still counts.
    pub(super) async fn gateway_anchors(&self) -> Vec<Anchor> {
        let Ok(counter) = self.counter.as_ref() else {
            return Vec::new();
        };
        match counter.gateway().recent_anchors(&self.terminal_id).await {
            Ok(found) => found
                .into_iter()
                .filter(|(created_ms, _)| self.setup.anchors_trail(*created_ms))
                .filter_map(|(_, a)| Anchor::decode(&a))
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "the gateway's audit anchors could not be read");
                Vec::new()
            }
        }
    }

    pub fn audit_head(&self) -> Result<Option<Anchor>> {
        Ok(self.audit.head(&self.db)?)
    }
}

/// What the audit trail keeps of a refusal: its stable error code. The
/// message is for the person at the till and may describe what they typed.
pub(super) fn refusal_code(report: crate::error::ErrorReport) -> String {
    serde_json::to_value(report.code)
        .ok()
        .and_then(|v| v.as_str().map(|c| format!("error={c}")))
        .unwrap_or_else(|| "error".to_string())
}
