//! Days of the shop's combined ledger kept once they can no longer change
//! at the gateway ([`crate::reports::shop`]), so a second look at a range
//! reads only the days that can: a copy of the gateway's records, sealed
//! whole (it names card brands and the gateway's ids), by the shop's zone
//! and local date. The store keeps bytes; what they hold is the caller's.
//!
//! Being a copy, it is dropped rather than re-sealed when the cache key
//! rotates (the next look reads the gateway again), and a kept day that no
//! longer opens (an older key, a damaged row) reads as not kept.

use rusqlite::{params, OptionalExtension};

use super::{Result, Store};
use crate::vault::Cell;

const TABLE: &str = "shop_days";
const COLUMN: &str = "ledger";

fn row(zone: &str, day: &str) -> String {
    format!("{zone}/{day}")
}

impl Store {
    /// The kept copy of `day` (`YYYY-MM-DD`) in `zone`, if there is one
    /// that opens.
    pub fn kept_day(&self, zone: &str, day: &str) -> Result<Option<Vec<u8>>> {
        let sealed: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT ledger FROM shop_days WHERE zone = ?1 AND day = ?2",
                params![zone, day],
                |r| r.get(0),
            )
            .optional()?;
        let id = row(zone, day);
        Ok(sealed.and_then(|s| self.sealer.open(Cell::new(TABLE, COLUMN, &id), &s).ok()))
    }

    /// Keeps `day` in `zone` (replacing an earlier copy).
    pub fn keep_day(&self, zone: &str, day: &str, plain: &[u8]) -> Result<()> {
        let sealed = self.sealer.seal(Cell::new(TABLE, COLUMN, &row(zone, day)), plain);
        self.conn().execute(
            "INSERT INTO shop_days (zone, day, ledger, kept_at_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (zone, day) DO UPDATE SET ledger = excluded.ledger, kept_at_ms = excluded.kept_at_ms",
            params![zone, day, sealed, crate::clock::now_ms()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_day_is_sealed_to_its_zone_and_date() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| super::super::StoreError::Database(e.to_string()))?;
        let path = dir.path().join("c.sqlite3");
        let store = Store::open(&path, crate::testing::sealer(7))?;
        let day = br#"{"payments":[{"gateway_ref":"pi_canary0001","brand":"visa"}]}"#;
        assert_eq!(store.kept_day("Europe/Paris", "2026-11-30")?, None);
        store.keep_day("Europe/Paris", "2026-11-30", day)?;
        assert_eq!(store.kept_day("Europe/Paris", "2026-11-30")?.as_deref(), Some(&day[..]));
        assert_eq!(store.kept_day("Europe/Paris", "2026-12-01")?, None);
        assert_eq!(store.kept_day("UTC", "2026-11-30")?, None);
        // Kept again (a later look): replaced, not doubled.
        store.keep_day("Europe/Paris", "2026-11-30", b"again")?;
        assert_eq!(
            store.kept_day("Europe/Paris", "2026-11-30")?.as_deref(),
            Some(&b"again"[..])
        );
        store.keep_day("Europe/Paris", "2026-11-29", day)?;
        store.conn().pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        let file = std::fs::read(&path).map_err(|e| super::super::StoreError::Database(e.to_string()))?;
        let canary = b"pi_canary0001";
        assert!(!file.windows(canary.len()).any(|w| w == canary), "sealed at rest");
        // A row moved to another date does not open there: read as not kept.
        store
            .conn()
            .execute("DELETE FROM shop_days WHERE day = '2026-11-30'", [])?;
        store
            .conn()
            .execute("UPDATE shop_days SET day = '2026-11-30' WHERE day = '2026-11-29'", [])?;
        assert_eq!(store.kept_day("Europe/Paris", "2026-11-30")?, None);
        Ok(())
    }
}
