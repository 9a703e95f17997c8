//! Close of day: the Z report, and the X report (the same figures, nothing
//! closed).
//!
//! Guarantees:
//! - Z reports are numbered 1, 2, 3… with no gap and never overlap; each
//!   starts where the last ended. SQLite triggers refuse any other number,
//!   and any UPDATE or DELETE of a closing or what it covered;
//! - a Z report stores its figures and, for every sale and refund it covered,
//!   a fingerprint of the plain columns that make the figures (status,
//!   amounts, currency) plus a SHA-256 over them all. Reprinting renders the
//!   stored figures, so a reprint is byte-identical; a later change to a
//!   covered record (a capture, a void, an import) shows as a
//!   [`Discrepancy`] beside it, never folded in;
//! - a day with a sale or refund in doubt cannot be closed: its figures would
//!   be a guess.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::{figures, Figures, Names, Period, ReportError, Result, ShopZone};
use crate::store::Store;

/// A closed day, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ZReport {
    #[ts(type = "number")]
    pub number: i64,
    #[ts(type = "number")]
    pub closed_at_ms: i64,
    pub closed_at_local: String,
    pub closed_by: String,
    /// Sales and refunds covered.
    #[ts(type = "number")]
    pub items: u64,
    /// SHA-256 (hex) over the fingerprints of everything covered.
    pub covered_hash: String,
    pub figures: Figures,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Covered, and different now.
    Changed,
    /// Covered, and gone from the cache.
    Missing,
    /// In the period now, and not covered (imported or written late).
    Added,
}

/// A covered record that no longer matches the closed figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Discrepancy {
    pub kind: String,
    pub id: String,
    pub change: Change,
    /// What the Z report covered, e.g. `authorized 12.50 USD`.
    pub closed: Option<String>,
    pub now: Option<String>,
}

/// A fingerprint of one record: the plain columns the figures come from.
fn items(conn: &rusqlite::Connection, period: Period) -> Result<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, status || ' ' || amount_minor || ' ' || currency || ' captured ' || COALESCE(captured_minor, 0)
         FROM sales WHERE created_at_ms >= ?1 AND created_at_ms < ?2 ORDER BY id",
    )?;
    for row in stmt.query_map(params![period.from_ms, period.to_ms], |r| {
        Ok(("sale".to_string(), r.get(0)?, r.get(1)?))
    })? {
        out.push(row?);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, status || ' ' || amount_minor || ' ' || currency || ' of sale ' || sale_id
         FROM refunds WHERE created_at_ms >= ?1 AND created_at_ms < ?2 ORDER BY id",
    )?;
    for row in stmt.query_map(params![period.from_ms, period.to_ms], |r| {
        Ok(("refund".to_string(), r.get(0)?, r.get(1)?))
    })? {
        out.push(row?);
    }
    Ok(out)
}

fn covered_hash(items: &[(String, String, String)]) -> String {
    let mut h = Sha256::new();
    for (kind, id, print) in items {
        h.update(format!("{kind}\t{id}\t{print}\n").as_bytes());
    }
    hex::encode(h.finalize())
}

/// Where the open period starts: the end of the last Z report, else the
/// first record in the cache, else `now_ms`.
fn open_since(store: &Store, now_ms: i64) -> Result<i64> {
    let since: Option<i64> = store.conn().query_row(
        "SELECT COALESCE((SELECT MAX(to_ms) FROM closings),
                         MIN((SELECT MIN(created_at_ms) FROM sales), (SELECT MIN(created_at_ms) FROM refunds)))",
        [],
        |r| r.get(0),
    )?;
    Ok(since.unwrap_or(now_ms).min(now_ms))
}

/// The open period: from the last close of day to `now_ms`.
pub fn open_period(store: &Store, now_ms: i64) -> Result<Period> {
    Ok(Period {
        from_ms: open_since(store, now_ms)?,
        to_ms: now_ms,
    })
}

/// The X report: the open period's figures, nothing closed.
pub fn x_report(store: &Store, zone: &ShopZone, training: bool, names: &Names<'_>, now_ms: i64) -> Result<Figures> {
    figures(store, open_period(store, now_ms)?, zone, training, names)
}

/// Closes the open period as the next Z report, headed by `shop` (the
/// shop's heading lines, kept with it).
pub fn close_day(
    store: &Store,
    zone: &ShopZone,
    training: bool,
    names: &Names<'_>,
    closed_by: &str,
    shop: &[String],
    now_ms: i64,
) -> Result<ZReport> {
    // One millisecond past the open period's start at least, so a close
    // straight after another still has a (empty) period of its own.
    let period = Period {
        from_ms: open_since(store, now_ms)?,
        to_ms: now_ms.max(open_since(store, now_ms)? + 1),
    };
    let unsettled: i64 = store.conn().query_row(
        "SELECT (SELECT COUNT(*) FROM sales WHERE created_at_ms < ?1
                   AND (status IN ('pending', 'in_doubt') OR op_kind IS NOT NULL))
              + (SELECT COUNT(*) FROM refunds WHERE created_at_ms < ?1 AND status IN ('pending', 'in_doubt'))",
        params![period.to_ms],
        |r| r.get(0),
    )?;
    if unsettled > 0 {
        return Err(ReportError::InDoubtInPeriod(unsettled));
    }
    let figures = Figures {
        shop: shop.to_vec(),
        ..figures(store, period, zone, training, names)?
    };
    let figures_json = serde_json::to_string(&figures).map_err(|e| ReportError::Write(e.to_string()))?;
    let mut conn = store.conn();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let covered = items(&tx, period)?;
    let hash = covered_hash(&covered);
    let number: i64 = tx.query_row("SELECT COALESCE(MAX(number), 0) + 1 FROM closings", [], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO closings (number, closed_at_ms, from_ms, to_ms, closed_by, time_zone, figures, covered_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            number,
            now_ms,
            period.from_ms,
            period.to_ms,
            closed_by,
            zone.name(),
            figures_json,
            hash
        ],
    )?;
    {
        let mut insert =
            tx.prepare_cached("INSERT INTO closing_items (closing, kind, id, fingerprint) VALUES (?1, ?2, ?3, ?4)")?;
        for (kind, id, print) in &covered {
            insert.execute(params![number, kind, id, print])?;
        }
    }
    crate::crashpoint::reached(crate::crashpoint::CLOSE_BEFORE_COMMIT);
    tx.commit()?;
    drop(conn);
    crate::crashpoint::reached(crate::crashpoint::CLOSE_COMMITTED);
    load(store, number, zone)
}

/// A stored Z report (`number`), exactly as closed.
pub fn load(store: &Store, number: i64, zone: &ShopZone) -> Result<ZReport> {
    let conn = store.conn();
    let row = conn
        .query_row(
            "SELECT closed_at_ms, closed_by, figures, covered_hash,
                    (SELECT COUNT(*) FROM closing_items WHERE closing = ?1)
             FROM closings WHERE number = ?1",
            params![number],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            },
        )
        .optional()?
        .ok_or(ReportError::NoSuchClosing)?;
    let (closed_at_ms, closed_by, figures, covered_hash, items) = row;
    let figures: Figures = serde_json::from_str(&figures).map_err(|_| ReportError::Corrupt("figures"))?;
    // The stored zone, so a reprint is the same after a zone change.
    let stored_zone = ShopZone::new(Some(&figures.time_zone)).unwrap_or_else(|_| zone.clone());
    Ok(ZReport {
        number,
        closed_at_ms,
        closed_at_local: stored_zone.format(closed_at_ms),
        closed_by,
        items: u64::try_from(items).unwrap_or(0),
        covered_hash,
        figures,
    })
}

/// Every Z report, newest first (number, closed at, closed by).
pub fn list(store: &Store) -> Result<Vec<(i64, i64, String)>> {
    let conn = store.conn();
    let mut stmt = conn.prepare_cached("SELECT number, closed_at_ms, closed_by FROM closings ORDER BY number DESC")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every Z report's number and the hash of what it covered.
pub fn hashes(store: &Store) -> Result<Vec<(i64, String)>> {
    let conn = store.conn();
    let mut stmt = conn.prepare_cached("SELECT number, covered_hash FROM closings ORDER BY number")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// What changed since Z report `number` was closed.
pub fn discrepancies(store: &Store, number: i64) -> Result<Vec<Discrepancy>> {
    let conn = store.conn();
    let period: Period = conn
        .query_row(
            "SELECT from_ms, to_ms FROM closings WHERE number = ?1",
            params![number],
            |r| {
                Ok(Period {
                    from_ms: r.get(0)?,
                    to_ms: r.get(1)?,
                })
            },
        )
        .optional()?
        .ok_or(ReportError::NoSuchClosing)?;
    let mut closed: Vec<(String, String, String)> = {
        let mut stmt = conn
            .prepare_cached("SELECT kind, id, fingerprint FROM closing_items WHERE closing = ?1 ORDER BY kind, id")?;
        let rows = stmt
            .query_map(params![number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    let mut now = items(&conn, period)?;
    closed.sort();
    now.sort();
    let mut out = Vec::new();
    let (mut a, mut b) = (closed.into_iter().peekable(), now.into_iter().peekable());
    loop {
        let order = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => (&x.0, &x.1).cmp(&(&y.0, &y.1)),
        };
        match order {
            std::cmp::Ordering::Less => {
                if let Some((kind, id, print)) = a.next() {
                    out.push(Discrepancy {
                        kind,
                        id,
                        change: Change::Missing,
                        closed: Some(print),
                        now: None,
                    });
                }
            }
            std::cmp::Ordering::Greater => {
                if let Some((kind, id, print)) = b.next() {
                    out.push(Discrepancy {
                        kind,
                        id,
                        change: Change::Added,
                        closed: None,
                        now: Some(print),
                    });
                }
            }
            std::cmp::Ordering::Equal => {
                if let (Some((kind, id, was)), Some((_, _, is))) = (a.next(), b.next()) {
                    if was != is {
                        out.push(Discrepancy {
                            kind,
                            id,
                            change: Change::Changed,
                            closed: Some(was),
                            now: Some(is),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}
