//! Per-terminal rate limits kept in `terminal.sqlite3`, so every process on
//! the terminal (the app and each `merchantctl` run) draws on one budget.
//!
//! A slot is taken in one `BEGIN IMMEDIATE` transaction that counts the
//! slots of the last minute and adds one only if there is room: processes
//! asking at once are serialised by SQLite and cannot all see the same count.

use rusqlite::{params, TransactionBehavior};

use super::{Result, TerminalDb};

/// What a rate limit is for (the stored word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateKind {
    Charge,
}

impl RateKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Charge => "charge",
        }
    }
}

impl TerminalDb {
    /// Takes one of `per_minute` slots of the minute ending at `now_ms`;
    /// `false` when they are all taken.
    pub fn take_rate_slot(&self, kind: RateKind, per_minute: u32, now_ms: i64) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM rate_slots WHERE kind = ?1 AND at_ms <= ?2",
            params![kind.as_str(), now_ms - 60_000],
        )?;
        let taken: i64 = tx.query_row(
            "SELECT COUNT(*) FROM rate_slots WHERE kind = ?1",
            params![kind.as_str()],
            |r| r.get(0),
        )?;
        if taken >= i64::from(per_minute.max(1)) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO rate_slots (kind, at_ms) VALUES (?1, ?2)",
            params![kind.as_str(), now_ms],
        )?;
        tx.commit()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_shared_by_connections_and_free_up_after_a_minute() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| super::super::StoreError::Database(e.to_string()))?;
        let path = dir.path().join("t.sqlite3");
        let (a, b) = (TerminalDb::open(&path)?, TerminalDb::open(&path)?);
        assert!(a.take_rate_slot(RateKind::Charge, 2, 1_000_000)?);
        assert!(b.take_rate_slot(RateKind::Charge, 2, 1_000_001)?);
        assert!(!a.take_rate_slot(RateKind::Charge, 2, 1_000_002)?);
        assert!(!b.take_rate_slot(RateKind::Charge, 2, 1_059_999)?);
        assert!(b.take_rate_slot(RateKind::Charge, 2, 1_060_000)?);
        Ok(())
    }
}
