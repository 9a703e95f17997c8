//! Reading sales back: by id, by date range, by a search (status, last 4
//! through its blind index, amount, staff), and page by page for reports.

use rusqlite::{params, OptionalExtension};

use super::row::RawSale;
use super::{last4_index, Result, Sale, SaleId, SaleStatus, SalesQuery, Store};

impl Store {
    pub fn get(&self, id: SaleId) -> Result<Option<Sale>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(concat!(select_sale!(), " WHERE id = ?1"))?;
        let raw = stmt.query_row(params![id.to_string()], RawSale::from_row).optional()?;
        raw.map(|r| self.open_sale(r)).transpose()
    }

    /// Sales created in `[since_ms, until_ms)`, newest first.
    pub fn list(&self, since_ms: i64, until_ms: i64, limit: u32) -> Result<Vec<Sale>> {
        self.query_sales(
            concat!(
                select_sale!(),
                " WHERE created_at_ms >= ?1 AND created_at_ms < ?2 ORDER BY created_at_ms DESC, id DESC LIMIT ?3 + 0"
            ),
            params![since_ms, until_ms, limit],
        )
    }

    /// Sales matching `q`, newest first. One fixed, parameterised
    /// statement: an unset condition is a NULL parameter.
    pub fn search(&self, q: &SalesQuery) -> Result<Vec<Sale>> {
        let bidx = q.last4.as_deref().map(|l| last4_index(&self.sealer.blind_index(), l));
        // Mid-rotation, rows not yet re-indexed hold the older version's.
        let older = q.last4.as_deref().and_then(|l| {
            self.sealer
                .older_blind_indexes()
                .first()
                .map(|index| last4_index(index, l))
        });
        let args = params![
            q.since_ms,
            q.until_ms,
            q.status.map(SaleStatus::as_str),
            bidx,
            q.amount.map(|m| m.amount.get()),
            q.amount.map(|m| m.currency.code()),
            q.staff_id,
            q.limit,
            older
        ];
        // With a last 4, the blind index leads (a few rows); otherwise the
        // time range does. Same conditions, two fixed statements.
        match bidx {
            Some(_) => self.query_sales(
                concat!(
                    select_sale!(),
                    " INDEXED BY sales_by_last4 WHERE card_last4_bidx IN (?4, ?9) AND card_last4_bidx IS NOT NULL
                        AND created_at_ms >= ?1 AND created_at_ms < ?2
                        AND (?3 IS NULL OR status = ?3)
                        AND (?5 IS NULL OR (amount_minor = ?5 AND currency = ?6))
                        AND (?7 IS NULL OR staff_id = ?7)
                      ORDER BY created_at_ms DESC, id DESC LIMIT ?8 + 0"
                ),
                args,
            ),
            None => self.query_sales(
                concat!(
                    select_sale!(),
                    " WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND ?4 IS NULL AND ?9 IS NULL
                        AND (?3 IS NULL OR status = ?3)
                        AND (?5 IS NULL OR (amount_minor = ?5 AND currency = ?6))
                        AND (?7 IS NULL OR staff_id = ?7)
                      ORDER BY created_at_ms DESC, id DESC LIMIT ?8 + 0"
                ),
                args,
            ),
        }
    }

    /// Up to `limit` sales created in `[from_ms, to_ms)` after the sale
    /// `after` (its time and id), oldest first: a keyset page, so a long
    /// export reads the cache in bounded memory.
    pub fn sales_page(&self, from_ms: i64, to_ms: i64, after: Option<&Sale>, limit: u32) -> Result<Vec<Sale>> {
        let (at, id) = after.map_or((i64::MIN, String::new()), |s| (s.created_at_ms, s.id.to_string()));
        self.query_sales(
            concat!(
                select_sale!(),
                " WHERE created_at_ms >= ?1 AND created_at_ms < ?2 AND (created_at_ms, id) > (?3, ?4)
                  ORDER BY created_at_ms, id LIMIT ?5 + 0"
            ),
            params![from_ms, to_ms, at, id, limit],
        )
    }

    /// Runs a sale query and opens every row (outside the connection lock).
    pub(super) fn query_sales(&self, sql: &'static str, args: impl rusqlite::Params) -> Result<Vec<Sale>> {
        let raws = {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt
                .query_map(args, RawSale::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        raws.into_iter().map(|r| self.open_sale(r)).collect()
    }
}
