//! The local transaction cache: one SQLite file per mode (live, training).
//!
//! Guarantees:
//! - every sensitive value (gateway ids, card brand/last 4/expiry,
//!   description) is sealed before it reaches SQLite; only report columns are
//!   plain, so the file and its WAL never hold those values in clear;
//! - a sale is written as `pending` together with its idempotency key, with
//!   `synchronous=FULL`, *before* the gateway is asked: a crash at any point
//!   leaves a journal entry that start-up recovery can settle;
//! - queries are parameterised, always; the schema moves only through
//!   `rusqlite_migration`;
//! - a value that fails to open is reported as tampered, never shown.

mod migrations;
mod rate;
mod refunds;
mod rotation;

pub use rate::RateKind;
pub use refunds::{CapReached, NewRefund, Refund, RefundCap, RefundStatus};
pub use rotation::{KeyState, Rotation};

pub use migrations::{migrations, terminal_migrations};

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::clock::now_ms;
use crate::money::{Currency, MinorUnits, Money};
pub use crate::sale::SaleId;
use crate::sale::{CaptureMode, CardSummary, GatewayRef, IdempotencyKey, RiskSignals};
use crate::vault::{SealError, Sealer};

/// Where a sale stands. `Pending` is the journal state: written before the
/// gateway call; `InDoubt` means the gateway may have acted and nobody knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum SaleStatus {
    Pending,
    /// Authorised, not captured: money held on the card.
    Authorized,
    Approved,
    Declined,
    Failed,
    Cancelled,
    InDoubt,
    /// An authorisation released without taking money.
    Voided,
}

impl SaleStatus {
    pub const ALL: [SaleStatus; 8] = [
        Self::Pending,
        Self::Authorized,
        Self::Approved,
        Self::Declined,
        Self::Failed,
        Self::Cancelled,
        Self::InDoubt,
        Self::Voided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Authorized => "authorized",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::InDoubt => "in_doubt",
            Self::Voided => "voided",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// True once the gateway's answer is known and recorded.
    pub fn is_settled(self) -> bool {
        !matches!(self, Self::Pending | Self::InDoubt)
    }
}

/// A sale as the journal first records it.
#[derive(Debug, Clone)]
pub struct NewSale {
    pub id: SaleId,
    pub terminal_id: String,
    pub money: Money,
    pub idempotency_key: IdempotencyKey,
    pub source: &'static str,
    pub capture: CaptureMode,
    pub staff_id: Option<String>,
    pub description: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A sales search: every condition that is set must hold.
#[derive(Debug, Clone, Default)]
pub struct SalesQuery {
    pub since_ms: i64,
    pub until_ms: i64,
    pub status: Option<SaleStatus>,
    /// Found through the blind index, never by opening rows.
    pub last4: Option<String>,
    pub amount: Option<Money>,
    pub staff_id: Option<String>,
    pub limit: u32,
}

/// What the gateway's answer changes on a sale.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub status: SaleStatus,
    /// What was taken (approved sales); `None` leaves it as it was.
    pub captured: Option<MinorUnits>,
    /// The gateway's fraud and verification signals, when it sent any.
    pub risk: Option<RiskSignals>,
    pub outcome_code: Option<String>,
    pub gateway_ref: Option<GatewayRef>,
    pub card: Option<CardSummary>,
}

/// The source of a phone or mail order: a card the customer read out,
/// typed into the gateway's fields (card not present).
pub const PHONE_ORDER: &str = "phone";

/// A sale read back from the cache, opened.
#[derive(Debug, Clone)]
pub struct Sale {
    pub id: SaleId,
    pub terminal_id: String,
    pub money: Money,
    pub status: SaleStatus,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub idempotency_key: IdempotencyKey,
    pub source: String,
    pub capture: CaptureMode,
    /// What was taken; refunds count against this.
    pub captured: Option<MinorUnits>,
    /// A capture or void journaled and not yet settled.
    pub pending_op: Option<PendingOp>,
    pub risk: Option<RiskSignals>,
    pub outcome_code: Option<String>,
    pub gateway_ref: Option<GatewayRef>,
    pub card: Option<CardSummary>,
    pub description: Option<String>,
    pub staff_id: Option<String>,
    /// When the gateway stops honouring an authorisation (Unix ms): a
    /// capture after it is refused. Reader authorisations carry one.
    pub capture_before_ms: Option<i64>,
}

impl Sale {
    /// A phone or mail order: the card was not present.
    pub fn is_phone_order(&self) -> bool {
        self.source == PHONE_ORDER
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Capture,
    Void,
}

impl OpKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Capture => "capture",
            Self::Void => "void",
        }
    }
}

/// A capture or void written to the journal before its request.
#[derive(Debug, Clone)]
pub struct PendingOp {
    pub kind: OpKind,
    pub key: IdempotencyKey,
    pub amount: MinorUnits,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("The disk is full: the sale could not be saved. Free some space; nothing was charged.")]
    DiskFull,
    #[error("The sales database is in use by another program.")]
    Busy,
    #[error("This refund is over the 24-hour refund limit: ask a manager.")]
    RefundLimit(refunds::CapReached),
    #[error("The sales database is being re-keyed by another program; try again when it has finished.")]
    Rekeying,
    #[error("Another program (the app or merchantctl) has the sales database open; close it, then rotate the key.")]
    OpenElsewhere,
    #[error(
        "{0} stored record(s) failed their integrity check and could not be re-sealed; the old key is kept until they are resolved."
    )]
    Unreadable(u64),
    #[error(transparent)]
    Keychain(#[from] crate::vault::KeychainError),
    #[error("The sales database could not be opened or written ({0}).")]
    Database(String),
    #[error("The sales database's schema could not be brought up to date ({0}).")]
    Migration(String),
    #[error(transparent)]
    Tampered(#[from] SealError),
    #[error("A stored sale is not readable ({0}).")]
    Corrupt(&'static str),
    #[error("Only an approved sale can be refunded.")]
    NotRefundable,
    #[error("Only an authorisation can be captured or voided, once, for at most the authorised amount.")]
    NotCapturable,
    #[error("That is more than can be refunded: at most {} is left on this sale.", .0.display())]
    ExceedsRefundable(crate::money::Money),
    #[error("The refund must be in the sale's currency ({0}).")]
    CurrencyMismatch(Currency),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            // SQLite's own message names the failing operation, never a
            // bound value, so it is safe to keep for support.
            _ => Self::Database(e.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

const TABLE: &str = "sales";

/// From how many rows `insert_settled` seals on a second thread.
const PIPELINE_FROM: usize = 64;

// Every `LIMIT` is written `LIMIT ?n + 0`. A bare `LIMIT ?n` is a variable
// SQLite's planner looks at, and rebinding such a variable expires the
// prepared statement: each run was planned again (55 µs instead of 5 µs for
// a search by last 4, measured with `merchant-bench reports`).

/// The column list every sale query reads, as a literal so queries can be
/// assembled with `concat!` at compile time (never from runtime strings).
macro_rules! select_sale {
    () => {
        "SELECT id, terminal_id, status, created_at_ms, updated_at_ms, amount_minor, currency,
        idempotency_key, source, outcome_code, gateway_ref, card_brand, card_last4, card_expiry, description,
            capture_method, captured_minor, op_kind, op_key, op_amount_minor, risk, staff_id, capture_before_ms,
            card_receipt
         FROM sales"
    };
}

mod db;
mod in_flight;
mod row;
mod search;
mod shop_days;

use db::integrity_check;
pub(crate) use db::open_connection;
pub use db::TerminalDb;
pub use in_flight::InFlight;
use row::SealedSettlement;
pub(crate) use row::{brand_index_with, last4_index};

pub struct Store {
    conn: Mutex<Connection>,
    pub(crate) sealer: Sealer,
    /// Shared while the cache is open; exclusive during a key rotation.
    lock: std::fs::File,
    /// `<cache>-inflight/`: one locked file per operation a process has in
    /// flight (see [`InFlight`]).
    inflight_dir: PathBuf,
}

/// A settled sale or refund as [`Store::settled_since`] lists it.
#[derive(Debug, Clone)]
pub struct SettledRecord {
    pub sale_id: String,
    /// Set for a refund.
    pub refund_id: Option<String>,
    pub status: String,
    pub updated_at_ms: i64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the cache at `path` with a sealer the
    /// caller made (tests, benchmarks); the terminal uses `open_keyed`.
    pub fn open(path: &Path, sealer: Sealer) -> Result<Self> {
        let lock = rotation::lock_shared(path)?;
        Self::assemble(path, open_connection(path, &migrations())?, sealer, lock)
    }

    fn assemble(path: &Path, conn: Connection, sealer: Sealer, lock: std::fs::File) -> Result<Self> {
        let mut inflight_dir = path.as_os_str().to_owned();
        inflight_dir.push("-inflight");
        let store = Self {
            conn: Mutex::new(conn),
            sealer,
            lock,
            inflight_dir: PathBuf::from(inflight_dir),
        };
        store.backfill_brand_index()?;
        Ok(store)
    }

    /// Sales settled before the brand blind index existed get theirs (once;
    /// the schema migration cannot, as it needs the key).
    fn backfill_brand_index(&self) -> Result<()> {
        let ids: Vec<String> = {
            let conn = self.conn();
            let mut stmt =
                conn.prepare("SELECT id FROM sales WHERE card_brand IS NOT NULL AND card_brand_bidx IS NULL")?;
            let ids = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            ids
        };
        for id in ids.iter().filter_map(|id| SaleId::parse(id)) {
            if let Some(card) = self.get(id)?.and_then(|s| s.card) {
                self.conn().execute(
                    "UPDATE sales SET card_brand_bidx = ?2 WHERE id = ?1",
                    params![id.to_string(), self.brand_index(&card.brand)],
                )?;
            }
        }
        Ok(())
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent
        // (every write is one transaction), so a poisoned lock is reusable.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes the journal entry for a charge that is about to be sent.
    pub fn insert_pending(&self, sale: &NewSale) -> Result<()> {
        self.write_sale(&self.conn(), sale, None, &self.seal_sale(sale, None))
    }

    /// Records sales whose outcome is already known (imported from the
    /// gateway's records, or loaded in bulk) in one transaction: all or none.
    ///
    /// Sealing is CPU work and writing is SQLite's, so a large batch is
    /// sealed on a second thread while this one writes: the two overlap
    /// instead of adding up.
    pub fn insert_settled(&self, sales: &[(NewSale, Settlement)]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if sales.len() < PIPELINE_FROM {
            for (sale, settled) in sales {
                self.write_sale(&tx, sale, Some(settled), &self.seal_sale(sale, Some(settled)))?;
            }
        } else {
            std::thread::scope(|scope| -> Result<()> {
                let (send, sealed) = std::sync::mpsc::sync_channel(256);
                scope.spawn(move || {
                    for (sale, settled) in sales {
                        // The writer stopped (an error): stop sealing too.
                        if send.send(self.seal_sale(sale, Some(settled))).is_err() {
                            break;
                        }
                    }
                });
                for ((sale, settled), row) in sales.iter().zip(sealed) {
                    self.write_sale(&tx, sale, Some(settled), &row)?;
                }
                Ok(())
            })?;
        }
        tx.commit()?;
        Ok(())
    }

    /// One INSERT with every column: `pending` for the journal, or already
    /// settled.
    fn write_sale(
        &self,
        conn: &Connection,
        sale: &NewSale,
        settled: Option<&Settlement>,
        sealed: &SealedSettlement,
    ) -> Result<()> {
        let now = sale.created_at.unix_timestamp_nanos() / 1_000_000;
        conn.prepare_cached(
            "INSERT INTO sales (id, terminal_id, kind, status, created_at_ms, updated_at_ms, amount_minor,
                                currency, idempotency_key, source, key_version, description, capture_method, staff_id,
                                outcome_code, captured_minor, risk, gateway_ref, card_brand, card_last4, card_expiry,
                                card_last4_bidx, card_brand_bidx, card_receipt)
             VALUES (?1, ?2, 'sale', ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                     ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
        )?
        .execute(params![
            sale.id.to_string(),
            sale.terminal_id,
            settled.map_or(SaleStatus::Pending, |s| s.status).as_str(),
            now as i64,
            sale.money.amount.get(),
            sale.money.currency.code(),
            sale.idempotency_key.as_str(),
            sale.source,
            self.sealer.current_version().0,
            sealed.description,
            sale.capture.as_str(),
            sale.staff_id,
            settled.and_then(|s| s.outcome_code.as_deref()),
            settled.and_then(|s| s.captured).map(MinorUnits::get),
            sealed.risk,
            sealed.gateway_ref,
            sealed.brand,
            sealed.last4,
            sealed.expiry,
            sealed.last4_bidx,
            sealed.brand_bidx,
            sealed.card_receipt,
        ])?;
        Ok(())
    }

    /// Records the gateway's answer for a sale.
    pub fn settle(&self, id: SaleId, s: &Settlement) -> Result<()> {
        let row = id.to_string();
        let sealed = self.seal_settlement(&row, s);
        let changed = self
            .conn()
            .prepare_cached(
                "UPDATE sales SET status = ?2, outcome_code = ?3, gateway_ref = COALESCE(?4, gateway_ref),
                    card_brand = COALESCE(?5, card_brand), card_last4 = COALESCE(?6, card_last4),
                    card_expiry = COALESCE(?7, card_expiry), card_last4_bidx = COALESCE(?8, card_last4_bidx),
                    updated_at_ms = ?9, captured_minor = COALESCE(?10, captured_minor),
                    op_kind = NULL, op_key = NULL, op_amount_minor = NULL, risk = COALESCE(?11, risk),
                    card_brand_bidx = COALESCE(?12, card_brand_bidx), card_receipt = COALESCE(?13, card_receipt)
             WHERE id = ?1",
            )?
            .execute(params![
                row,
                s.status.as_str(),
                s.outcome_code,
                sealed.gateway_ref,
                sealed.brand,
                sealed.last4,
                sealed.expiry,
                sealed.last4_bidx,
                now_ms(),
                s.captured.map(MinorUnits::get),
                sealed.risk,
                sealed.brand_bidx,
                sealed.card_receipt,
            ])?;
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt("the sale to settle is not in the cache"))
        }
    }

    /// Keeps the gateway's capture deadline of an authorised sale.
    pub fn set_capture_before(&self, id: SaleId, capture_before_ms: i64) -> Result<()> {
        self.conn()
            .prepare_cached("UPDATE sales SET capture_before_ms = ?2 WHERE id = ?1")?
            .execute(params![id.to_string(), capture_before_ms])?;
        Ok(())
    }

    /// The blind index reports group card brands by (brands are sealed).
    pub(crate) fn brand_index(&self, brand: &str) -> Vec<u8> {
        brand_index_with(&self.sealer.blind_index(), brand)
    }

    /// Journals a capture or void on an authorised sale before its request.
    /// Fails if the sale is not an unsettled authorisation.
    pub fn begin_op(&self, id: SaleId, op: &PendingOp) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE sales SET op_kind = ?2, op_key = ?3, op_amount_minor = ?4, updated_at_ms = ?5
             WHERE id = ?1 AND status = 'authorized' AND op_kind IS NULL AND ?4 <= amount_minor",
            params![
                id.to_string(),
                op.kind.as_str(),
                op.key.as_str(),
                op.amount.get(),
                now_ms()
            ],
        )?;
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::NotCapturable)
        }
    }

    /// Forgets a journaled capture or void that definitely did not happen.
    pub fn clear_op(&self, id: SaleId) -> Result<()> {
        self.conn().execute(
            "UPDATE sales SET op_kind = NULL, op_key = NULL, op_amount_minor = NULL WHERE id = ?1",
            params![id.to_string()],
        )?;
        Ok(())
    }

    /// Authorised sales with a capture or void whose answer never came.
    pub fn pending_ops(&self) -> Result<Vec<Sale>> {
        self.query_sales(concat!(select_sale!(), " WHERE op_kind IS NOT NULL"), [])
    }

    /// Authorisations still uncaptured after their capture deadline, with no
    /// capture or void in flight: the gateway cancels these by itself.
    pub fn lapsed_authorisations(&self, now_ms: i64) -> Result<Vec<Sale>> {
        self.query_sales(
            concat!(
                select_sale!(),
                " WHERE status = 'authorized' AND op_kind IS NULL AND capture_before_ms <= ?1"
            ),
            [now_ms],
        )
    }

    /// Sales whose outcome is not yet known (journal entries and in-doubt).
    pub fn unsettled(&self) -> Result<Vec<Sale>> {
        self.query_sales(
            concat!(
                select_sale!(),
                " WHERE status IN ('pending', 'in_doubt') ORDER BY created_at_ms"
            ),
            [],
        )
    }

    /// `PRAGMA integrity_check` — `Ok(())` when SQLite reports "ok".
    pub fn integrity_check(&self) -> Result<()> {
        integrity_check(&self.conn())
    }

    /// The schema version (`user_version`, set by the migrations).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn().query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Money records settled at or after `since_ms`, for the audit sweep.
    /// Clear columns only; nothing is opened.
    pub fn settled_since(&self, since_ms: i64) -> Result<Vec<SettledRecord>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, NULL, status, updated_at_ms FROM sales
              WHERE updated_at_ms >= ?1 AND status NOT IN ('pending', 'in_doubt') AND op_kind IS NULL
             UNION ALL
             SELECT sale_id, id, status, updated_at_ms FROM refunds
              WHERE updated_at_ms >= ?1 AND status IN ('succeeded', 'failed')",
        )?;
        let rows = stmt
            .query_map(params![since_ms], |r| {
                Ok(SettledRecord {
                    sale_id: r.get(0)?,
                    refund_id: r.get(1)?,
                    status: r.get(2)?,
                    updated_at_ms: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Journal entries whose outcome is not known (sales, refunds, captures).
    pub fn in_doubt_count(&self) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT (SELECT COUNT(*) FROM sales WHERE status IN ('pending', 'in_doubt') OR op_kind IS NOT NULL)
                  + (SELECT COUNT(*) FROM refunds WHERE status IN ('pending', 'in_doubt'))",
            [],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> Sealer {
        crate::testing::sealer(9)
    }

    fn new_sale(description: &str) -> NewSale {
        NewSale {
            description: Some(description.into()),
            ..crate::testing::journaled(crate::testing::usd(1250))
        }
    }

    #[test]
    fn journal_then_settle_round_trip() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let store = Store::open(&dir.path().join("c.sqlite3"), sealer())?;
        let sale = new_sale("latte'); DROP TABLE sales; --");
        store.insert_pending(&sale)?;
        assert_eq!(store.unsettled()?.len(), 1);
        store.settle(
            sale.id,
            &Settlement {
                status: SaleStatus::Approved,
                captured: Some(MinorUnits::new(1250)),
                risk: None,
                outcome_code: None,
                gateway_ref: Some(GatewayRef("pi_123".into())),
                card: Some(CardSummary {
                    brand: "visa".into(),
                    last4: "4242".into(),
                    exp_month: 4,
                    exp_year: 2031,
                    receipt: None,
                }),
            },
        )?;
        let got = store.get(sale.id)?.ok_or(StoreError::Corrupt("missing"))?;
        assert_eq!(got.status, SaleStatus::Approved);
        assert_eq!(got.description.as_deref(), Some("latte'); DROP TABLE sales; --"));
        assert_eq!(
            got.card.as_ref().map(|c| (c.last4.as_str(), c.exp_month)),
            Some(("4242", 4))
        );
        assert_eq!(got.gateway_ref, Some(GatewayRef("pi_123".into())));
        assert!(store.unsettled()?.is_empty());
        assert_eq!(store.list(0, i64::MAX, 10)?.len(), 1);
        store.integrity_check()
    }

    /// The audit sweep's list: what was settled since a time, sales and
    /// refunds, never what is still pending or in doubt.
    #[test]
    fn settled_since_lists_settled_money_only() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let store = Store::open(&dir.path().join("c.sqlite3"), sealer())?;
        let sale = new_sale("two teas");
        store.insert_pending(&sale)?;
        assert!(store.settled_since(0)?.is_empty(), "a journaled sale is not settled");
        let approved = Settlement {
            status: SaleStatus::Approved,
            captured: Some(MinorUnits::new(1250)),
            risk: None,
            outcome_code: None,
            gateway_ref: Some(GatewayRef("pi_sweep".into())),
            card: None,
        };
        store.settle(sale.id, &approved)?;
        let refund = NewRefund {
            id: "re-sweep".into(),
            sale_id: sale.id,
            terminal_id: "t1".into(),
            money: Money::new(MinorUnits::new(250), Currency::Usd),
            reason: crate::sale::RefundReason::RequestedByCustomer,
            idempotency_key: IdempotencyKey::generate(),
            note: None,
            staff_id: None,
            created_at: OffsetDateTime::now_utc(),
        };
        store.insert_pending_refund(&refund)?;
        let listed = |since| -> Result<Vec<(String, Option<String>, String)>> {
            Ok(store
                .settled_since(since)?
                .into_iter()
                .map(|r| (r.sale_id, r.refund_id, r.status))
                .collect())
        };
        let sale_row = (sale.id.to_string(), None, "approved".to_string());
        assert_eq!(listed(0)?, vec![sale_row.clone()], "a pending refund is not settled");
        store.settle_refund(
            "re-sweep",
            RefundStatus::Succeeded,
            None,
            Some(&GatewayRef("re_1".into())),
        )?;
        assert_eq!(
            listed(0)?,
            vec![
                sale_row,
                (sale.id.to_string(), Some("re-sweep".into()), "succeeded".into())
            ]
        );
        let latest = store
            .settled_since(0)?
            .iter()
            .map(|r| r.updated_at_ms)
            .max()
            .unwrap_or(0);
        assert!(listed(latest + 1)?.is_empty(), "nothing settled since");
        Ok(())
    }

    /// A staff member's refund limits hold in the journal's own
    /// transaction: up to the cap is allowed, a cent over is refused.
    #[test]
    fn refund_caps_allow_up_to_the_limit_and_no_more() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let store = Store::open(&dir.path().join("c.sqlite3"), sealer())?;
        let sale = NewSale {
            money: Money::new(MinorUnits::new(10_000), Currency::Usd),
            ..new_sale("big")
        };
        store.insert_pending(&sale)?;
        store.settle(
            sale.id,
            &Settlement {
                status: SaleStatus::Approved,
                captured: Some(MinorUnits::new(10_000)),
                risk: None,
                outcome_code: None,
                gateway_ref: Some(GatewayRef("pi_cap".into())),
                card: None,
            },
        )?;
        let cap = RefundCap {
            staff_id: "s1".into(),
            since_ms: 0,
            max_count: 3,
            max_total_minor: 1_000,
        };
        let refund = |minor: i64| NewRefund {
            id: uuid::Uuid::now_v7().to_string(),
            sale_id: sale.id,
            terminal_id: "t1".into(),
            money: Money::new(MinorUnits::new(minor), Currency::Usd),
            reason: crate::sale::RefundReason::RequestedByCustomer,
            idempotency_key: IdempotencyKey::generate(),
            note: None,
            staff_id: Some("s1".into()),
            created_at: OffsetDateTime::now_utc(),
        };
        store.insert_pending_refund_within(&refund(600), Some(&cap))?;
        assert!(matches!(
            store.insert_pending_refund_within(&refund(401), Some(&cap)),
            Err(StoreError::RefundLimit(CapReached::Amount))
        ));
        store.insert_pending_refund_within(&refund(400), Some(&cap))?;
        assert!(matches!(
            store.insert_pending_refund_within(&refund(1), Some(&cap)),
            Err(StoreError::RefundLimit(CapReached::Amount))
        ));
        let by_count = RefundCap {
            max_count: 2,
            max_total_minor: 1_000_000,
            ..cap
        };
        assert!(matches!(
            store.insert_pending_refund_within(&refund(1), Some(&by_count)),
            Err(StoreError::RefundLimit(CapReached::Count))
        ));
        Ok(())
    }

    /// A full disk, injected by capping the file's pages: the write that
    /// does not fit is refused with a clear error; nothing already written
    /// is lost or corrupted, and writing works again once there is room.
    #[test]
    fn a_full_disk_is_a_clear_error_and_corrupts_nothing() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let store = Store::open(&dir.path().join("c.sqlite3"), sealer())?;
        let kept = new_sale("kept");
        store.insert_pending(&kept)?;
        let pages: i64 = store.conn().query_row("PRAGMA page_count", [], |r| r.get(0))?;
        store.conn().pragma_update(None, "max_page_count", pages + 2)?;
        let mut refused = None;
        for _ in 0..1_000 {
            if let Err(e) = store.insert_pending(&new_sale(&"x".repeat(180))) {
                refused = Some(e);
                break;
            }
        }
        let refused = refused.ok_or(StoreError::Corrupt("the disk never filled"))?;
        assert!(matches!(refused, StoreError::DiskFull), "{refused:?}");
        assert!(refused.to_string().contains("disk is full"));
        store.integrity_check()?;
        let back = store.get(kept.id)?.ok_or(StoreError::Corrupt("lost"))?;
        assert_eq!(back.description.as_deref(), Some("kept"));
        store.conn().pragma_update(None, "max_page_count", 1_000_000)?;
        store.insert_pending(&new_sale("after"))?;
        store.integrity_check()
    }

    /// A large batch is sealed on a second thread while it is written: every
    /// row arrives whole and findable; a failing row rolls back the batch.
    #[test]
    fn bulk_settled_rows_are_all_or_nothing() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let store = Store::open(&dir.path().join("c.sqlite3"), sealer())?;
        let settled = |i: usize| Settlement {
            status: SaleStatus::Approved,
            captured: Some(MinorUnits::new(1250)),
            risk: None,
            outcome_code: None,
            gateway_ref: Some(GatewayRef(format!("pi_{i}"))),
            card: Some(CardSummary {
                brand: "visa".into(),
                last4: format!("{:04}", i),
                exp_month: 1,
                exp_year: 2030,
                receipt: Some(crate::sale::CardReceipt {
                    authorization_code: Some(format!("{i:06}")),
                    ..crate::sale::CardReceipt::default()
                }),
            }),
        };
        let batch: Vec<_> = (0..300).map(|i| (new_sale(&format!("row {i}")), settled(i))).collect();
        store.insert_settled(&batch)?;
        for (i, (sale, _)) in batch.iter().enumerate() {
            let got = store.get(sale.id)?.ok_or(StoreError::Corrupt("lost"))?;
            assert_eq!(got.description, Some(format!("row {i}")));
            assert_eq!(got.gateway_ref, Some(GatewayRef(format!("pi_{i}"))));
            let receipt = got.card.and_then(|c| c.receipt);
            assert_eq!(receipt.and_then(|r| r.authorization_code), Some(format!("{i:06}")));
        }
        let found = store.search(&SalesQuery {
            since_ms: 0,
            until_ms: i64::MAX,
            last4: Some("0123".into()),
            limit: 10,
            ..SalesQuery::default()
        })?;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, batch[123].0.id);

        // Row 200 repeats an id already stored: the whole batch is refused.
        let mut bad: Vec<_> = (0..300).map(|i| (new_sale("again"), settled(i))).collect();
        bad[200].0.id = batch[0].0.id;
        assert!(store.insert_settled(&bad).is_err());
        assert!(store.get(bad[0].0.id)?.is_none(), "nothing of a failed batch is kept");
        store.integrity_check()
    }

    #[test]
    fn every_status_round_trips_through_its_text() {
        for st in SaleStatus::ALL {
            assert_eq!(SaleStatus::parse(st.as_str()), Some(st));
        }
    }

    #[test]
    fn a_swapped_value_is_reported_not_shown() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let store = Store::open(&dir.path().join("c.sqlite3"), sealer())?;
        let a = new_sale("for alice");
        let b = new_sale("for bob");
        store.insert_pending(&a)?;
        store.insert_pending(&b)?;
        // An attacker with the file copies Bob's sealed description onto Alice's row.
        store.conn().execute(
            "UPDATE sales SET description = (SELECT description FROM sales WHERE id = ?2) WHERE id = ?1",
            params![a.id.to_string(), b.id.to_string()],
        )?;
        assert!(matches!(
            store.get(a.id),
            Err(StoreError::Tampered(SealError::Tampered { .. }))
        ));
        assert_eq!(store.get(b.id)?.and_then(|s| s.description).as_deref(), Some("for bob"));
        Ok(())
    }
}
