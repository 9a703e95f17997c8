//! The refunds journal.
//!
//! The over-refund check lives here, inside the same `IMMEDIATE` transaction
//! that writes the pending refund: the sum of every refund that is pending,
//! in doubt or succeeded, plus the new one, may not exceed the captured
//! amount. Two tills sharing a cache, or a double press, cannot race past it,
//! and the gateway is never relied on for it.
//!
//! A cashier's rolling refund limits ([`RefundCap`]) are checked in that same
//! transaction, against every refund the cashier has journaled: eight
//! processes asking at once with one refund left let exactly one through.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use super::{Result, SaleId, Store, StoreError};
use crate::clock::now_ms;
use crate::money::{Currency, MinorUnits, Money};
use crate::sale::{GatewayRef, IdempotencyKey, RefundReason};
use crate::vault::Cell;

const TABLE: &str = "refunds";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Pending,
    Succeeded,
    Failed,
    InDoubt,
}

impl RefundStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::InDoubt => "in_doubt",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Succeeded, Self::Failed, Self::InDoubt]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct NewRefund {
    pub id: String,
    pub sale_id: SaleId,
    pub terminal_id: String,
    pub money: Money,
    pub reason: RefundReason,
    pub idempotency_key: IdempotencyKey,
    pub note: Option<String>,
    pub staff_id: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub id: String,
    pub sale_id: SaleId,
    pub money: Money,
    pub status: RefundStatus,
    pub reason: RefundReason,
    pub created_at_ms: i64,
    pub idempotency_key: IdempotencyKey,
    pub outcome_code: Option<String>,
    pub gateway_ref: Option<GatewayRef>,
    pub note: Option<String>,
    pub staff_id: Option<String>,
}

/// A staff member's refund limits since a time (a rolling window).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundCap {
    pub staff_id: String,
    pub since_ms: i64,
    /// Refunds allowed in the window, this one included.
    pub max_count: i64,
    /// Minor units allowed in the window (in the refund's currency).
    pub max_total_minor: i64,
}

/// Which of a [`RefundCap`]'s limits a refund would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapReached {
    Count,
    Amount,
}

/// The column list every refund query reads (see `select_sale!`).
macro_rules! select_refund {
    () => {
        "SELECT id, sale_id, amount_minor, currency, status, reason, created_at_ms, idempotency_key,
                outcome_code, gateway_ref, note, staff_id
         FROM refunds"
    };
}

impl Store {
    /// Journals a refund after checking, atomically, that it fits in what is
    /// left to refund on the sale.
    pub fn insert_pending_refund(&self, r: &NewRefund) -> Result<()> {
        self.insert_pending_refund_within(r, None)
    }

    /// Like [`Store::insert_pending_refund`], and also within `cap`, checked
    /// in the same transaction (a refund not known to have failed counts).
    pub fn insert_pending_refund_within(&self, r: &NewRefund, cap: Option<&RefundCap>) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(cap) = cap {
            let (count, total): (i64, i64) = tx.query_row(
                "SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM refunds
                 WHERE staff_id = ?1 AND created_at_ms >= ?2 AND currency = ?3 AND status != 'failed'",
                params![cap.staff_id, cap.since_ms, r.money.currency.code()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            if count >= cap.max_count {
                return Err(StoreError::RefundLimit(CapReached::Count));
            }
            if total.saturating_add(r.money.amount.get()) > cap.max_total_minor {
                return Err(StoreError::RefundLimit(CapReached::Amount));
            }
        }
        let sale: Option<(String, i64, String)> = tx
            .query_row(
                "SELECT status, COALESCE(captured_minor, 0), currency FROM sales WHERE id = ?1",
                params![r.sale_id.to_string()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((status, captured, currency)) = sale else {
            return Err(StoreError::NotRefundable);
        };
        if status != "approved" {
            return Err(StoreError::NotRefundable);
        }
        let currency: Currency = currency.parse().map_err(|_| StoreError::Corrupt("currency"))?;
        if currency != r.money.currency {
            return Err(StoreError::CurrencyMismatch(currency));
        }
        let committed: i64 = tx.query_row(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM refunds
             WHERE sale_id = ?1 AND status IN ('pending', 'in_doubt', 'succeeded')",
            params![r.sale_id.to_string()],
            |row| row.get(0),
        )?;
        let left = captured.saturating_sub(committed);
        if r.money.amount.get() > left {
            return Err(StoreError::ExceedsRefundable(Money::new(
                MinorUnits::new(left.max(0)),
                currency,
            )));
        }
        let note = r
            .note
            .as_deref()
            .map(|n| self.sealer.seal_str(Cell::new(TABLE, "note", &r.id), n));
        let at = (r.created_at.unix_timestamp_nanos() / 1_000_000) as i64;
        tx.execute(
            "INSERT INTO refunds (id, sale_id, terminal_id, status, created_at_ms, updated_at_ms, amount_minor,
                                  currency, reason, idempotency_key, key_version, note, staff_id, card_brand_bidx)
             VALUES (?1, ?2, ?3, 'pending', ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                     (SELECT card_brand_bidx FROM sales WHERE id = ?2))",
            params![
                r.id,
                r.sale_id.to_string(),
                r.terminal_id,
                at,
                r.money.amount.get(),
                currency.code(),
                r.reason.code(),
                r.idempotency_key.as_str(),
                self.sealer.current_version().0,
                note,
                r.staff_id,
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn settle_refund(
        &self,
        id: &str,
        status: RefundStatus,
        outcome_code: Option<&str>,
        gateway_ref: Option<&GatewayRef>,
    ) -> Result<()> {
        let sealed = gateway_ref.map(|g| self.sealer.seal_str(Cell::new(TABLE, "gateway_ref", id), &g.0));
        let changed = self.conn().execute(
            "UPDATE refunds SET status = ?2, outcome_code = ?3, gateway_ref = COALESCE(?4, gateway_ref),
                    updated_at_ms = ?5 WHERE id = ?1",
            params![id, status.as_str(), outcome_code, sealed, now_ms()],
        )?;
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt("the refund to settle is not in the cache"))
        }
    }

    /// What is left to refund on a sale (captured minus committed refunds).
    pub fn refundable(&self, sale_id: SaleId) -> Result<Money> {
        let sale = self.get(sale_id)?.ok_or(StoreError::NotRefundable)?;
        if sale.status != super::SaleStatus::Approved {
            return Ok(Money::new(MinorUnits::ZERO, sale.money.currency));
        }
        let committed: i64 = self.conn().query_row(
            "SELECT COALESCE(SUM(amount_minor), 0) FROM refunds
             WHERE sale_id = ?1 AND status IN ('pending', 'in_doubt', 'succeeded')",
            params![sale_id.to_string()],
            |row| row.get(0),
        )?;
        let captured = sale.captured.map(MinorUnits::get).unwrap_or(0);
        let left = captured.saturating_sub(committed).max(0);
        Ok(Money::new(MinorUnits::new(left), sale.money.currency))
    }

    pub fn refunds_for_sale(&self, sale_id: SaleId) -> Result<Vec<Refund>> {
        self.query_refunds(
            concat!(select_refund!(), " WHERE sale_id = ?1 ORDER BY created_at_ms"),
            params![sale_id.to_string()],
        )
    }

    pub fn unsettled_refunds(&self) -> Result<Vec<Refund>> {
        self.query_refunds(
            concat!(
                select_refund!(),
                " WHERE status IN ('pending', 'in_doubt') ORDER BY created_at_ms"
            ),
            [],
        )
    }

    /// Refunds created in `[from_ms, to_ms)`, oldest first.
    pub fn refunds_between(&self, from_ms: i64, to_ms: i64) -> Result<Vec<Refund>> {
        self.query_refunds(
            concat!(
                select_refund!(),
                " WHERE created_at_ms >= ?1 AND created_at_ms < ?2 ORDER BY created_at_ms, id"
            ),
            params![from_ms, to_ms],
        )
    }

    fn query_refunds(&self, sql: &'static str, args: impl rusqlite::Params) -> Result<Vec<Refund>> {
        type Row = (
            String,
            String,
            i64,
            String,
            String,
            String,
            i64,
            String,
            Option<String>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<String>,
        );
        let rows: Vec<Row> = {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt
                .query_map(args, |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                        r.get(10)?,
                        r.get(11)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        rows.into_iter()
            .map(
                |(id, sale, amount, currency, status, reason, at, key, code, gref, note, staff_id)| {
                    let open = |column, v: Option<Vec<u8>>| -> Result<Option<String>> {
                        v.map(|b| self.sealer.open_str(Cell::new(TABLE, column, &id), &b))
                            .transpose()
                            .map_err(StoreError::from)
                    };
                    Ok(Refund {
                        sale_id: SaleId::parse(&sale).ok_or(StoreError::Corrupt("sale id"))?,
                        money: Money::new(
                            MinorUnits::new(amount),
                            currency.parse().map_err(|_| StoreError::Corrupt("currency"))?,
                        ),
                        status: RefundStatus::parse(&status).ok_or(StoreError::Corrupt("refund status"))?,
                        reason: RefundReason::parse(&reason).ok_or(StoreError::Corrupt("refund reason"))?,
                        created_at_ms: at,
                        idempotency_key: IdempotencyKey::from_stored(key),
                        outcome_code: code,
                        gateway_ref: open("gateway_ref", gref)?.map(GatewayRef),
                        note: open("note", note)?,
                        staff_id,
                        id: id.clone(),
                    })
                },
            )
            .collect()
    }
}
