//! Alerts for the owner: patterns that deserve a look before they cost
//! money. Computed on demand from the transaction cache and the audit trail
//! (nothing new is stored), shown at a manager's sign-in and on the staff
//! screen, and written to the log.
//!
//! Each rule has an owner-set threshold in [`AlertSettings`]:
//! - a burst of declines (card testing, a failing reader);
//! - a cashier near their daily refund limits;
//! - repeated wrong PINs, or a lockout;
//! - refunds soon after the charge they refund (a refund scam pattern);
//! - the gateway key rejected (revoked or replaced elsewhere);
//! - no recovery kit, or no backup for longer than the owner allows (a dead
//!   till would take its history with it).

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::Settings;
use crate::money::{format_minor, MinorUnits};
use crate::store::{Store, StoreError, TerminalDb};

pub use crate::config::AlertSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    DeclineBurst,
    RefundLimitNear,
    FailedPins,
    Lockout,
    QuickRefund,
    GatewayKeyRejected,
    /// No recovery kit: a dead till could not be restored.
    NoRecoveryKit,
    /// No backup for longer than the owner's setting.
    BackupStale,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Alert {
    pub kind: AlertKind,
    pub message: String,
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Every alert that holds at `now_ms`. `staff_name` turns ids into names.
pub fn alerts(
    store: Option<&Store>,
    db: &TerminalDb,
    settings: &Settings,
    staff_name: &dyn Fn(&str) -> String,
    now_ms: i64,
) -> Result<Vec<Alert>, StoreError> {
    let a = &settings.alerts;
    let mut out = Vec::new();
    if let Some(store) = store {
        let conn = store.conn();
        let window = i64::from(a.decline_window_minutes.max(1)) * 60_000;
        let declines: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sales WHERE status = 'declined' AND created_at_ms >= ?1",
            params![now_ms - window],
            |r| r.get(0),
        )?;
        if declines >= i64::from(a.decline_burst.max(1)) {
            out.push(Alert {
                kind: AlertKind::DeclineBurst,
                message: format!(
                    "{declines} declines in the last {} minutes: check the reader, and watch for someone trying cards.",
                    a.decline_window_minutes
                ),
            });
        }
        let currency = settings.currency;
        let per_staff = {
            let mut stmt = conn.prepare_cached(
                "SELECT staff_id, COUNT(*), COALESCE(SUM(amount_minor), 0) FROM refunds
                 WHERE created_at_ms >= ?1 AND status != 'failed' AND currency = ?2 AND staff_id IS NOT NULL
                 GROUP BY staff_id",
            )?;
            let rows = stmt
                .query_map(params![now_ms - DAY_MS, currency.code()], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        let limit_minor = i64::try_from(settings.refund_limit_major)
            .unwrap_or(i64::MAX)
            .saturating_mul(currency.minor_per_major());
        let pct = i64::from(a.refund_limit_warn_percent.clamp(1, 100));
        for (staff, count, sum) in per_staff {
            let count_near = count * 100 >= i64::from(settings.refund_limit_count) * pct;
            let sum_near = sum.saturating_mul(100) >= limit_minor.saturating_mul(pct);
            if count_near || sum_near {
                out.push(Alert {
                    kind: AlertKind::RefundLimitNear,
                    message: format!(
                        "{} has refunded {count} time(s), {} {currency}, in 24 hours (limits: {} refunds, {} {currency}).",
                        staff_name(&staff),
                        format_minor(MinorUnits::new(sum), currency),
                        settings.refund_limit_count,
                        settings.refund_limit_major
                    ),
                });
            }
        }
        let quick = i64::from(a.quick_refund_minutes.max(1)) * 60_000;
        let quick_refunds: i64 = conn.query_row(
            "SELECT COUNT(*) FROM refunds r JOIN sales s ON s.id = r.sale_id
             WHERE r.created_at_ms >= ?1 AND r.status != 'failed' AND r.created_at_ms - s.created_at_ms < ?2",
            params![now_ms - DAY_MS, quick],
            |r| r.get(0),
        )?;
        if quick_refunds > 0 {
            out.push(Alert {
                kind: AlertKind::QuickRefund,
                message: format!(
                    "{quick_refunds} refund(s) in 24 hours came within {} minutes of the charge on the same card.",
                    a.quick_refund_minutes
                ),
            });
        }
        let key_failures: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sales WHERE outcome_code IN ('key_rejected', 'permission_missing')
             AND created_at_ms >= ?1",
            params![now_ms - DAY_MS],
            |r| r.get(0),
        )?;
        drop(conn);
        if key_failures > 0 {
            out.push(Alert {
                kind: AlertKind::GatewayKeyRejected,
                message: format!(
                    "The gateway rejected this terminal's key on {key_failures} charge(s) today: set a new key."
                ),
            });
        }
    }
    let conn = db.conn();
    let count = |action: &str, outcome: Option<&str>, since: i64| -> rusqlite::Result<i64> {
        conn.query_row(
            "SELECT COUNT(*) FROM audit WHERE action = ?1 AND (?2 IS NULL OR outcome = ?2) AND at_ms >= ?3",
            params![action, outcome, since],
            |r| r.get(0),
        )
    };
    let pins = count("pin_failed", None, now_ms - HOUR_MS)?;
    if pins >= i64::from(a.failed_pins_per_hour.max(1)) {
        out.push(Alert {
            kind: AlertKind::FailedPins,
            message: format!("{pins} wrong PINs in the last hour."),
        });
    }
    let lockouts = count("lockout", None, now_ms - DAY_MS)?;
    if lockouts > 0 {
        out.push(Alert {
            kind: AlertKind::Lockout,
            message: format!("{lockouts} account lockout(s) in 24 hours: see the staff list."),
        });
    }
    if count("gateway_key_set", Some("rejected"), now_ms - DAY_MS)? > 0
        && !out.iter().any(|a| a.kind == AlertKind::GatewayKeyRejected)
    {
        out.push(Alert {
            kind: AlertKind::GatewayKeyRejected,
            message: "A gateway key was rejected today.".into(),
        });
    }
    // Read from the trail, like the rest: a terminal set up before kits
    // existed has never issued one, and is asked for one here.
    if count("recovery_kit_issued", Some("ok"), 0)? == 0 {
        out.push(Alert {
            kind: AlertKind::NoRecoveryKit,
            message:
                "There is no recovery kit: create one (Staff & audit, Backups) and keep its code away from the till."
                    .into(),
        });
    }
    let stale_ms = i64::from(a.backup_stale_days.max(1)) * DAY_MS;
    let first_entry: Option<i64> = conn.query_row("SELECT MIN(at_ms) FROM audit", [], |r| r.get(0))?;
    let newest_backup: Option<i64> = conn.query_row(
        "SELECT MAX(at_ms) FROM audit WHERE action = 'backup_made' AND outcome = 'ok'",
        [],
        |r| r.get(0),
    )?;
    let since = newest_backup.or(first_entry).unwrap_or(now_ms);
    if now_ms - since > stale_ms {
        out.push(Alert {
            kind: AlertKind::BackupStale,
            message: format!(
                "No backup for more than {} days: back up now (Staff & audit, Backups).",
                a.backup_stale_days
            ),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::gateway::{IdempotencyKey, RefundReason};
    use crate::money::{Currency, Money};
    use crate::store::{NewRefund, NewSale, RefundStatus, SaleId, SaleStatus, Settlement};
    use crate::testing;

    fn sale(id: SaleId, ms: i64, status: SaleStatus) -> (NewSale, Settlement) {
        let money = testing::usd(5_000);
        (
            NewSale {
                id,
                staff_id: Some("cas".into()),
                created_at: testing::at(ms),
                ..testing::journaled(money)
            },
            testing::settled(status, money),
        )
    }

    #[test]
    fn thresholds_raise_the_right_alerts() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("c.sqlite3"), testing::sealer(4))?;
        let db = TerminalDb::open(&dir.path().join("t.sqlite3"))?;
        let now = 1_800_000_000_000;
        let settings = Settings::default();
        let names = |id: &str| format!("name-of-{id}");
        // The backup alerts read the audit trail (see the test below).
        let of_the_cache = |a: &Alert| !matches!(a.kind, AlertKind::NoRecoveryKit | AlertKind::BackupStale);
        let kinds = |store: &Store| -> Result<Vec<AlertKind>, StoreError> {
            Ok(alerts(Some(store), &db, &settings, &names, now)?
                .into_iter()
                .filter(of_the_cache)
                .map(|a| a.kind)
                .collect())
        };
        assert!(kinds(&store)?.is_empty());

        // Four declines is not a burst; the fifth is. Old ones do not count.
        let mut batch: Vec<_> = (0..4)
            .map(|i| sale(SaleId::new(), now - 60_000 * i, SaleStatus::Declined))
            .collect();
        batch.push(sale(SaleId::new(), now - 3 * HOUR_MS, SaleStatus::Declined));
        store.insert_settled(&batch)?;
        assert!(kinds(&store)?.is_empty());
        store.insert_settled(&[sale(SaleId::new(), now - 1_000, SaleStatus::Declined)])?;
        assert_eq!(kinds(&store)?, vec![AlertKind::DeclineBurst]);

        // A refund five minutes after its charge, taking the cashier to 80 %
        // of the 1,000.00 daily amount.
        let charged = SaleId::new();
        store.insert_settled(&[sale(charged, now - 10 * 60_000, SaleStatus::Approved)])?;
        let big = SaleId::new();
        let mut big_sale = sale(big, now - 2 * HOUR_MS, SaleStatus::Approved);
        big_sale.0.money = Money::new(MinorUnits::new(80_000), Currency::Usd);
        big_sale.1.captured = Some(MinorUnits::new(80_000));
        store.insert_settled(&[big_sale])?;
        for (id, sale_id, amount, ms) in [
            ("r1", charged, 1_000, now - 5 * 60_000),
            ("r2", big, 79_000, now - HOUR_MS),
        ] {
            store.insert_pending_refund(&NewRefund {
                id: id.into(),
                sale_id,
                terminal_id: "t1".into(),
                money: Money::new(MinorUnits::new(amount), Currency::Usd),
                reason: RefundReason::RequestedByCustomer,
                idempotency_key: IdempotencyKey::generate(),
                note: None,
                staff_id: Some("cas".into()),
                created_at: testing::at(ms),
            })?;
            store.settle_refund(id, RefundStatus::Succeeded, None, None)?;
        }
        let found: Vec<_> = alerts(Some(&store), &db, &settings, &names, now)?
            .into_iter()
            .filter(of_the_cache)
            .collect();
        let kinds: Vec<_> = found.iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            vec![
                AlertKind::DeclineBurst,
                AlertKind::RefundLimitNear,
                AlertKind::QuickRefund
            ]
        );
        assert!(found[1].message.contains("name-of-cas") && found[1].message.contains("800.00 USD"));
        Ok(())
    }

    /// No kit: asked for one. A kit and a backup: quiet until the backup is
    /// older than the owner's setting (7 days by default).
    #[test]
    fn a_missing_kit_and_an_old_backup_raise_alerts() -> Result<(), Box<dyn std::error::Error>> {
        use crate::audit::{Action, AuditLog, Event, Outcome};
        let dir = tempfile::tempdir()?;
        let db = TerminalDb::open(&dir.path().join("t.sqlite3"))?;
        let audit = AuditLog::new(secrecy::SecretBox::new(Box::new([7u8; 32])), "t1".into());
        let settings = Settings::default();
        let names = |id: &str| id.to_string();
        let kinds = |now: i64| -> Result<Vec<AlertKind>, StoreError> {
            Ok(alerts(None, &db, &settings, &names, now)?
                .into_iter()
                .map(|a| a.kind)
                .collect())
        };
        let at = crate::clock::now_ms();
        assert_eq!(kinds(at)?, vec![AlertKind::NoRecoveryKit]);
        let event = |action| Event {
            actor: None,
            action,
            object: None,
            outcome: Outcome::Ok,
            detail: None,
        };
        audit.record(&db, &event(Action::RecoveryKitIssued))?;
        assert!(kinds(at)?.is_empty());
        // Never backed up: stale a week after the trail began.
        assert_eq!(kinds(at + 8 * DAY_MS)?, vec![AlertKind::BackupStale]);
        audit.record(&db, &event(Action::BackupMade))?;
        assert!(kinds(at + 6 * DAY_MS)?.is_empty());
        assert_eq!(kinds(at + 8 * DAY_MS)?, vec![AlertKind::BackupStale]);
        Ok(())
    }
}
