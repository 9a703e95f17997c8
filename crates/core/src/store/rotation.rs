//! Which cache keys a cache uses, and rotating them.
//!
//! The `cache_keys` table records every version a cache has had and where it
//! stands: `current` (new values are sealed with it), `retiring` (a rotation
//! is re-sealing away from it), `retired` (nothing uses it; its epoch is
//! about to be destroyed) and `destroyed` (its epoch is gone from the
//! keychain, so no copy of the file sealed with it can ever be read again).
//!
//! A rotation is a sequence of steps that each leave the cache consistent, so
//! a crash or a kill at any point is finished by running it again:
//! 1. a new epoch is written to the keychain (and read back), then recorded
//!    as `current` with the old version `retiring`, in one transaction; an
//!    epoch left by a crash before that commit sealed nothing and is simply
//!    replaced;
//! 2. rows are re-sealed in batches, each one `IMMEDIATE` transaction that
//!    opens every sealed value of a row and seals it again with the new
//!    version, and recomputes the row's blind indexes (last 4, brand) with
//!    the new version's index key; charges and refunds go on between
//!    batches, and a search by last 4 looks under both versions meanwhile;
//! 3. once no row and no value names an older version, refunds take their
//!    sale's new brand index and the old versions are
//!    marked `retired` (one transaction), their epochs deleted from the
//!    keychain, and then marked `destroyed`; a crash between the two is
//!    finished at the next open.
//!
//! Destroying an epoch destroys that version's blind-index key with its
//! cache key: a copy of the file from before the rotation keeps index values
//! nobody can recompute. (Caches made before indexes were keyed per version
//! used one index key derived from the master key alone, recorded as
//! `index_key = 0`; their first rotation moves them to per-version keys.)
//!
//! A value that fails its integrity check cannot be re-sealed: it is skipped
//! and counted, and the old key is kept, so nothing becomes unreadable
//! because of a rotation.
//!
//! Another process sealing with a key ring that does not know the new
//! version would defeat step 3, so every process holds a shared lock on the
//! cache's lock file while it has the cache open and a rotation needs it
//! exclusively.

use std::fs::{File, TryLockError};
use std::path::Path;

use rusqlite::{params, Connection, TransactionBehavior};
use serde::Serialize;

use super::{Result, Store, StoreError};
use crate::clock::now_ms;
use crate::vault::{sealed_version, BlindIndex, Cell, EpochStore, KeyVersion, Sealer, SubKeys};

/// A table with sealed columns and the fixed statements a rotation runs on
/// it. `select` reads `rowid, id` then the columns in `columns` order; it
/// and `update` bind the columns in that order too.
struct SealedTable {
    table: &'static str,
    columns: &'static [&'static str],
    /// `?1` after rowid, `?2` the new version, `?3` the batch size.
    select: &'static str,
    /// `?1` rowid, `?2` the new version, then the columns.
    update: &'static str,
    /// Rows whose `key_version` is below `?1`.
    older: &'static str,
    /// Every sealed value, for the check before the old key is destroyed.
    scan: &'static str,
    /// The row's blind indexes from its opened values, bound after the
    /// columns in `update`.
    reindex: Reindex,
}

/// A row's opened column values (`None` for NULL).
type Opened = [Option<Vec<u8>>];

/// Computes a row's blind-index columns from its opened values.
type Reindex = fn(&BlindIndex, &Opened) -> Vec<Option<Vec<u8>>>;

const SEALED: [SealedTable; 2] = [
    SealedTable {
        table: "sales",
        columns: &[
            "gateway_ref",
            "card_brand",
            "card_last4",
            "card_expiry",
            "description",
            "card_receipt",
        ],
        select: "SELECT rowid, id, gateway_ref, card_brand, card_last4, card_expiry, description, card_receipt
                 FROM sales WHERE rowid > ?1 AND key_version < ?2 ORDER BY rowid LIMIT ?3 + 0",
        update: "UPDATE sales SET key_version = ?2, gateway_ref = ?3, card_brand = ?4, card_last4 = ?5,
                 card_expiry = ?6, description = ?7, card_receipt = ?8, card_last4_bidx = ?9, card_brand_bidx = ?10
                 WHERE rowid = ?1",
        older: "SELECT count(*) FROM sales WHERE key_version < ?1",
        scan: "SELECT gateway_ref, card_brand, card_last4, card_expiry, description, card_receipt FROM sales",
        reindex: sale_indexes,
    },
    SealedTable {
        table: "refunds",
        columns: &["gateway_ref", "note"],
        select: "SELECT rowid, id, gateway_ref, note FROM refunds
                 WHERE rowid > ?1 AND key_version < ?2 ORDER BY rowid LIMIT ?3 + 0",
        update: "UPDATE refunds SET key_version = ?2, gateway_ref = ?3, note = ?4 WHERE rowid = ?1",
        older: "SELECT count(*) FROM refunds WHERE key_version < ?1",
        scan: "SELECT gateway_ref, note FROM refunds",
        // A refund's brand index is its sale's, copied in step 3.
        reindex: |_, _| Vec::new(),
    },
];

/// A sale's last-4 and brand indexes from its opened `card_brand` and
/// `card_last4` (positions 1 and 2 of the sales columns).
fn sale_indexes(index: &BlindIndex, plain: &Opened) -> Vec<Option<Vec<u8>>> {
    let text = |i: usize| {
        plain
            .get(i)
            .and_then(|v| v.as_deref())
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    vec![
        text(2).map(|last4| super::last4_index(index, &last4)),
        text(1).map(|brand| super::brand_index_with(index, &brand)),
    ]
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Rotation {
    pub from: u32,
    pub to: u32,
    #[ts(type = "number")]
    pub sales: u64,
    #[ts(type = "number")]
    pub refunds: u64,
}

/// One version as `keys status` shows it, with how many rows still use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct KeyState {
    pub version: u32,
    pub state: String,
    #[ts(type = "number")]
    pub created_at_ms: i64,
    #[ts(type = "number")]
    pub rows: u64,
}

/// The shared lock every process holds on a cache while it has it open
/// (`<cache>-lock`, next to SQLite's own `-wal` and `-shm`).
pub(super) fn lock_shared(db: &Path) -> Result<File> {
    let mut path = db.as_os_str().to_owned();
    path.push("-lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(lock_error)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(StoreError::Rekeying),
        Err(TryLockError::Error(e)) => Err(lock_error(e)),
    }
}

fn lock_error(e: std::io::Error) -> StoreError {
    StoreError::Database(format!("lock file: {}", e.kind()))
}

impl Store {
    /// Opens the cache at `path` with its keys: the epochs of every version
    /// still in use come from `epochs` (the keychain). A new cache gets its
    /// first version here. Fails closed when an epoch is missing.
    pub fn open_keyed(path: &Path, keys: &SubKeys, epochs: &dyn EpochStore) -> Result<Self> {
        let lock = lock_shared(path)?;
        let mut conn = super::open_connection(path, &super::migrations())?;
        let sealer = load_ring(&mut conn, keys, epochs)?;
        Self::assemble(path, conn, sealer, lock)
    }

    /// Every version this cache has had, with the rows still sealed with it.
    pub fn key_states(&self) -> Result<Vec<KeyState>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT k.version, k.state, k.created_at_ms,
                    (SELECT count(*) FROM sales WHERE key_version = k.version)
                  + (SELECT count(*) FROM refunds WHERE key_version = k.version)
             FROM cache_keys k ORDER BY k.version",
        )?;
        let states = stmt
            .query_map([], |r| {
                Ok(KeyState {
                    version: r.get(0)?,
                    state: r.get(1)?,
                    created_at_ms: r.get(2)?,
                    rows: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(states)
    }

    /// Rotates the cache key: a new version, every row re-sealed with it in
    /// batches of `batch` rows, the old versions' epochs destroyed. Resumes
    /// an interrupted rotation instead of starting another.
    pub fn rotate_key(&self, keys: &SubKeys, epochs: &dyn EpochStore, batch: u32) -> Result<Rotation> {
        let _exclusive = ExclusiveLock::take(&self.lock)?;
        let (from, to) = self.begin_rotation(keys, epochs)?;
        crate::crashpoint::reached(crate::crashpoint::ROTATION_BEGUN);
        let mut done = [0u64; 2];
        let mut unreadable = 0u64;
        for (i, table) in SEALED.iter().enumerate() {
            let mut after = 0i64;
            loop {
                let step = self.reseal_batch(table, to, after, batch)?;
                crate::crashpoint::reached(crate::crashpoint::ROTATION_BATCH);
                done[i] += step.resealed;
                unreadable += step.unreadable;
                match step.last_rowid {
                    Some(last) => after = last,
                    None => break,
                }
            }
        }
        if unreadable > 0 {
            return Err(StoreError::Unreadable(unreadable));
        }
        crate::crashpoint::reached(crate::crashpoint::ROTATION_RESEALED);
        self.retire(epochs, to)?;
        Ok(Rotation {
            from: from.0,
            to: to.0,
            sales: done[0],
            refunds: done[1],
        })
    }

    /// Step 1: the new version, or the one an interrupted rotation made.
    fn begin_rotation(&self, keys: &SubKeys, epochs: &dyn EpochStore) -> Result<(KeyVersion, KeyVersion)> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: u32 = tx.query_row("SELECT version FROM cache_keys WHERE state = 'current'", [], |r| {
            r.get(0)
        })?;
        let retiring: Option<u32> = tx.query_row(
            "SELECT min(version) FROM cache_keys WHERE state = 'retiring'",
            [],
            |r| r.get(0),
        )?;
        if let Some(from) = retiring {
            return Ok((KeyVersion(from), KeyVersion(current)));
        }
        let next = KeyVersion(current + 1);
        let epoch = epochs.create(next)?;
        tx.execute(
            "UPDATE cache_keys SET state = 'retiring' WHERE version = ?1",
            params![current],
        )?;
        // A copy of the gateway's records, read again on the next look
        // rather than re-sealed (`store::shop_days`).
        tx.execute("DELETE FROM shop_days", [])?;
        tx.execute(
            "INSERT INTO cache_keys (version, state, created_at_ms, index_key) VALUES (?1, 'current', ?2, 1)",
            params![next.0, now_ms()],
        )?;
        tx.commit()?;
        self.sealer.advance(keys, next, &epoch);
        Ok((KeyVersion(current), next))
    }

    /// Step 2: re-seals up to `limit` rows after `after` (by rowid).
    fn reseal_batch(&self, sealed: &SealedTable, to: KeyVersion, after: i64, limit: u32) -> Result<Batch> {
        let (table, columns) = (sealed.table, sealed.columns);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rows = {
            let mut stmt = tx.prepare_cached(sealed.select)?;
            let rows = stmt
                .query_map(params![after, to.0, limit], |r| {
                    let values = (0..columns.len())
                        .map(|i| r.get::<_, Option<Vec<u8>>>(i + 2))
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, values))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        let mut step = Batch {
            last_rowid: rows.last().map(|r| r.0),
            ..Batch::default()
        };
        let index = self
            .sealer
            .blind_index_at(to)
            .ok_or(StoreError::Corrupt("the new key version has no blind index"))?;
        for (rowid, id, values) in rows {
            let opened: std::result::Result<Vec<Option<Vec<u8>>>, _> = columns
                .iter()
                .zip(values)
                .map(|(column, v)| {
                    v.map(|sealed| self.sealer.open(Cell::new(table, column, &id), &sealed))
                        .transpose()
                })
                .collect();
            let Ok(opened) = opened else {
                step.unreadable += 1;
                tracing::warn!(table, "a row failed its integrity check and was not re-sealed");
                continue;
            };
            let indexes = (sealed.reindex)(&index, &opened);
            let mut args: Vec<rusqlite::types::Value> = vec![rowid.into(), i64::from(to.0).into()];
            args.extend(columns.iter().zip(&opened).map(|(column, plain)| {
                rusqlite::types::Value::from(
                    plain
                        .as_ref()
                        .map(|p| self.sealer.seal(Cell::new(table, column, &id), p)),
                )
            }));
            args.extend(indexes.into_iter().map(rusqlite::types::Value::from));
            tx.prepare_cached(sealed.update)?
                .execute(rusqlite::params_from_iter(args))?;
            step.resealed += 1;
        }
        tx.commit()?;
        Ok(step)
    }

    /// Step 3: checks that nothing names an older version, then destroys
    /// the older versions' epochs.
    fn retire(&self, epochs: &dyn EpochStore, to: KeyVersion) -> Result<()> {
        {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if values_older_than(&tx, to)? > 0 {
                return Err(StoreError::Corrupt("a value is still sealed with a retiring key"));
            }
            // Every sale is re-indexed by now; a refund written during the
            // rotation may still hold its sale's old brand index.
            tx.execute(
                "UPDATE refunds SET card_brand_bidx = (SELECT card_brand_bidx FROM sales WHERE sales.id = refunds.sale_id)
                 WHERE card_brand_bidx IS NOT (SELECT card_brand_bidx FROM sales WHERE sales.id = refunds.sale_id)",
                [],
            )?;
            tx.execute(
                "UPDATE cache_keys SET state = 'retired', retired_at_ms = ?1 WHERE state = 'retiring'",
                params![now_ms()],
            )?;
            tx.commit()?;
        }
        self.sealer.retire_older();
        destroy_retired(&self.conn(), epochs)
    }
}

#[derive(Debug, Default)]
struct Batch {
    resealed: u64,
    unreadable: u64,
    last_rowid: Option<i64>,
}

/// Holds the cache's lock exclusively for a rotation, then goes back to
/// shared. Fails at once when another process has the cache open.
struct ExclusiveLock<'a>(&'a File);

impl<'a> ExclusiveLock<'a> {
    fn take(file: &'a File) -> Result<Self> {
        match file.try_lock() {
            Ok(()) => Ok(Self(file)),
            Err(TryLockError::WouldBlock) => Err(StoreError::OpenElsewhere),
            Err(TryLockError::Error(e)) => Err(lock_error(e)),
        }
    }
}

impl Drop for ExclusiveLock<'_> {
    fn drop(&mut self) {
        // Converting down cannot wait on anyone: this process holds it alone.
        if self.0.lock_shared().is_err() {
            tracing::warn!("the cache lock could not be converted back to shared");
        }
    }
}

/// Rows whose `key_version`, or any sealed value's own header, names a
/// version below `to`. Both are checked: the header is what opening uses.
fn values_older_than(conn: &Connection, to: KeyVersion) -> Result<u64> {
    let mut older = 0u64;
    for sealed in &SEALED {
        older += conn.query_row(sealed.older, params![to.0], |r| r.get::<_, u64>(0))?;
        let mut stmt = conn.prepare(sealed.scan)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for i in 0..sealed.columns.len() {
                if let Some(v) = row.get_ref(i)?.as_blob_or_null().ok().flatten() {
                    if sealed_version(v).is_none_or(|v| v < to) {
                        older += 1;
                    }
                }
            }
        }
    }
    Ok(older)
}

/// Reads `cache_keys` and builds the sealer; a new cache gets version 1.
fn load_ring(conn: &mut Connection, keys: &SubKeys, epochs: &dyn EpochStore) -> Result<Sealer> {
    {
        // Two processes opening a new cache at once: the IMMEDIATE lock makes
        // one create the first version and the other read it.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known: i64 = tx.query_row("SELECT count(*) FROM cache_keys", [], |r| r.get(0))?;
        if known == 0 {
            let rows: i64 = tx.query_row(
                "SELECT (SELECT count(*) FROM sales) + (SELECT count(*) FROM refunds)",
                [],
                |r| r.get(0),
            )?;
            if rows > 0 {
                return Err(StoreError::Corrupt("the cache holds data but no record of its keys"));
            }
            epochs.create(KeyVersion::FIRST)?;
            tx.execute(
                "INSERT INTO cache_keys (version, state, created_at_ms, index_key) VALUES (1, 'current', ?1, 1)",
                params![now_ms()],
            )?;
        }
        tx.commit()?;
    }
    destroy_retired(conn, epochs)?;
    let mut stmt = conn
        .prepare("SELECT version, index_key FROM cache_keys WHERE state IN ('current', 'retiring') ORDER BY version")?;
    let versions = stmt
        .query_map([], |r| Ok((KeyVersion(r.get::<_, u32>(0)?), r.get::<_, i64>(1)? == 0)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut ring = Vec::with_capacity(versions.len());
    for v in versions.iter().map(|(v, _)| *v) {
        let epoch = epochs
            .load(v)?
            .ok_or_else(|| crate::vault::KeychainError::Missing(epochs.name(v)))?;
        ring.push((v, epoch));
    }
    let refs: Vec<_> = ring.iter().map(|(v, e)| (*v, e)).collect();
    let sealer = versions
        .iter()
        .filter(|(_, legacy)| *legacy)
        .fold(Sealer::new(keys, &refs), |sealer, (v, _)| {
            sealer.with_legacy_index(keys, *v)
        });
    Ok(sealer)
}

/// Deletes the epochs of `retired` versions and marks them `destroyed`.
fn destroy_retired(conn: &Connection, epochs: &dyn EpochStore) -> Result<()> {
    let mut stmt = conn.prepare("SELECT version FROM cache_keys WHERE state = 'retired'")?;
    let retired = stmt
        .query_map([], |r| r.get::<_, u32>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for v in retired {
        epochs.delete(KeyVersion(v))?;
        conn.execute(
            "UPDATE cache_keys SET state = 'destroyed' WHERE version = ?1",
            params![v],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use time::OffsetDateTime;

    use super::*;
    use crate::money::{Currency, MinorUnits, Money};
    use crate::sale::{CaptureMode, CardSummary, GatewayRef, IdempotencyKey, RefundReason};
    use crate::store::{NewRefund, NewSale, RefundStatus, SaleId, SaleStatus, Settlement};
    use crate::vault::{CacheEpoch, KeychainError, MasterKey};

    /// The keychain's part, in memory: epoch bytes by version.
    #[derive(Default)]
    struct Epochs(Mutex<BTreeMap<u32, [u8; 32]>>);

    impl Epochs {
        fn held(&self) -> Vec<u32> {
            self.0.lock().map(|m| m.keys().copied().collect()).unwrap_or_default()
        }
    }

    impl EpochStore for Epochs {
        fn load(&self, v: KeyVersion) -> std::result::Result<Option<CacheEpoch>, KeychainError> {
            let map = self.0.lock().map_err(|_| KeychainError::Locked)?;
            Ok(map.get(&v.0).and_then(|b| CacheEpoch::from_slice(b)))
        }
        fn create(&self, v: KeyVersion) -> std::result::Result<CacheEpoch, KeychainError> {
            let bytes: [u8; 32] = rand::random();
            self.0.lock().map_err(|_| KeychainError::Locked)?.insert(v.0, bytes);
            CacheEpoch::from_slice(&bytes).ok_or(KeychainError::Corrupt("epoch".into()))
        }
        fn delete(&self, v: KeyVersion) -> std::result::Result<(), KeychainError> {
            self.0.lock().map_err(|_| KeychainError::Locked)?.remove(&v.0);
            Ok(())
        }
        fn name(&self, v: KeyVersion) -> String {
            format!("memory/v{}", v.0)
        }
    }

    fn keys() -> SubKeys {
        SubKeys::new(MasterKey::from_slice(&[5u8; 32]).expect("32-byte key"))
    }

    /// `n` approved sales with cards and descriptions, each with a refund
    /// carrying a note; returns their ids.
    fn fill(store: &Store, n: usize) -> Result<Vec<SaleId>> {
        let mut ids = Vec::new();
        for i in 0..n {
            let sale = NewSale {
                id: SaleId::new(),
                terminal_id: "t1".into(),
                money: Money::new(MinorUnits::new(1000 + i as i64), Currency::Usd),
                idempotency_key: IdempotencyKey::generate(),
                source: "reader",
                capture: CaptureMode::Automatic,
                staff_id: None,
                description: Some(format!("table {i}")),
                created_at: OffsetDateTime::now_utc(),
            };
            store.insert_pending(&sale)?;
            store.settle(
                sale.id,
                &Settlement {
                    status: SaleStatus::Approved,
                    captured: Some(sale.money.amount),
                    risk: None,
                    outcome_code: None,
                    gateway_ref: Some(GatewayRef(format!("pi_{i}"))),
                    card: Some(CardSummary {
                        brand: "visa".into(),
                        last4: format!("{:04}", i % 10_000),
                        exp_month: 4,
                        exp_year: 2031,
                        receipt: Some(crate::sale::CardReceipt {
                            authorization_code: Some(format!("A{i:05}")),
                            ..crate::sale::CardReceipt::default()
                        }),
                    }),
                },
            )?;
            let refund = NewRefund {
                id: format!("re-{}", sale.id),
                sale_id: sale.id,
                terminal_id: "t1".into(),
                money: Money::new(MinorUnits::new(100), Currency::Usd),
                reason: RefundReason::RequestedByCustomer,
                idempotency_key: IdempotencyKey::generate(),
                note: Some(format!("note {i}")),
                staff_id: None,
                created_at: OffsetDateTime::now_utc(),
            };
            store.insert_pending_refund(&refund)?;
            store.settle_refund(
                &refund.id,
                RefundStatus::Succeeded,
                None,
                Some(&GatewayRef(format!("re_{i}"))),
            )?;
            ids.push(sale.id);
        }
        Ok(ids)
    }

    /// Everything a sale shows, to compare before and after a rotation.
    fn view(store: &Store, ids: &[SaleId]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for id in ids {
            let s = store.get(*id)?.ok_or(StoreError::Corrupt("lost"))?;
            let r = store.refunds_for_sale(*id)?;
            out.push(format!(
                "{:?} {:?} {:?} {:?} {:?}",
                s.description,
                s.card,
                s.gateway_ref,
                r.iter().map(|r| r.note.clone()).collect::<Vec<_>>(),
                r.iter().map(|r| r.gateway_ref.clone()).collect::<Vec<_>>()
            ));
        }
        Ok(out)
    }

    fn header_versions(store: &Store) -> Result<Vec<u32>> {
        let conn = store.conn();
        let mut versions = std::collections::BTreeSet::new();
        for sealed in &SEALED {
            let mut stmt = conn.prepare(sealed.scan)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                for i in 0..sealed.columns.len() {
                    if let Some(v) = row.get::<_, Option<Vec<u8>>>(i)? {
                        versions.insert(sealed_version(&v).map_or(0, |v| v.0));
                    }
                }
            }
        }
        Ok(versions.into_iter().collect())
    }

    #[test]
    fn rotation_reseals_every_value_and_destroys_the_old_epoch() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let path = dir.path().join("c.sqlite3");
        let (keys, epochs) = (keys(), Epochs::default());
        let store = Store::open_keyed(&path, &keys, &epochs)?;
        let ids = fill(&store, 25)?;
        let before = view(&store, &ids)?;
        assert_eq!(header_versions(&store)?, vec![1]);
        store.keep_day("UTC", "2026-11-30", b"a kept day")?;
        // A copy of the file as it was: what a stolen backup would hold.
        store.conn().pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        std::fs::copy(&path, dir.path().join("backup.sqlite3")).map_err(|e| StoreError::Database(e.to_string()))?;

        let done = store.rotate_key(&keys, &epochs, 7)?;
        assert_eq!(
            done,
            Rotation {
                from: 1,
                to: 2,
                sales: 25,
                refunds: 25
            }
        );
        assert_eq!(header_versions(&store)?, vec![2]);
        assert_eq!(view(&store, &ids)?, before);
        assert_eq!(epochs.held(), vec![2], "the old epoch is destroyed");
        // A kept day of the shop's ledger is a copy: dropped, read again later.
        assert_eq!(store.kept_day("UTC", "2026-11-30")?, None);
        let kept: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM shop_days", [], |r| r.get(0))?;
        assert_eq!(kept, 0);
        let states: Vec<_> = store
            .key_states()?
            .into_iter()
            .map(|k| (k.version, k.state, k.rows))
            .collect();
        assert_eq!(states, vec![(1, "destroyed".into(), 0), (2, "current".into(), 50)]);
        store.integrity_check()?;
        drop(store);

        // Reopened, it reads everything with the new key alone.
        let store = Store::open_keyed(&path, &keys, &epochs)?;
        assert_eq!(view(&store, &ids)?, before);
        assert_eq!(store.sealer.versions(), vec![KeyVersion(2)]);
        // The backup names version 1, whose epoch no longer exists.
        drop(store);
        let backup = Store::open_keyed(&dir.path().join("backup.sqlite3"), &keys, &epochs);
        assert!(
            matches!(backup, Err(StoreError::Keychain(KeychainError::Missing(ref n))) if n == "memory/v1"),
            "{backup:?}"
        );
        Ok(())
    }

    #[test]
    fn an_interrupted_rotation_resumes_and_new_writes_use_the_new_key() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let path = dir.path().join("c.sqlite3");
        let (keys, epochs) = (keys(), Epochs::default());
        let store = Store::open_keyed(&path, &keys, &epochs)?;
        let ids = fill(&store, 10)?;
        let before = view(&store, &ids)?;
        // Steps 1 and one batch of 2, then the process stops.
        let (from, to) = store.begin_rotation(&keys, &epochs)?;
        assert_eq!((from.0, to.0), (1, 2));
        store.reseal_batch(&SEALED[0], to, 0, 4)?;
        drop(store);

        let store = Store::open_keyed(&path, &keys, &epochs)?;
        assert_eq!(store.sealer.versions(), vec![KeyVersion(1), KeyVersion(2)]);
        assert_eq!(header_versions(&store)?, vec![1, 2]);
        assert_eq!(view(&store, &ids)?, before, "half-rotated rows still read");
        // Re-indexed rows and rows not yet reached are both found by last 4.
        assert_eq!((by_last4(&store, "0000")?, by_last4(&store, "0007")?), (1, 1));
        // A sale taken mid-rotation is sealed with the new key.
        let more = fill(&store, 1)?;
        let done = store.rotate_key(&keys, &epochs, 3)?;
        assert_eq!((done.from, done.to), (1, 2), "resumed, not a second rotation");
        assert_eq!((done.sales, done.refunds), (6, 10));
        assert_eq!(header_versions(&store)?, vec![2]);
        assert_eq!(view(&store, &ids)?, before);
        assert_eq!(view(&store, &more)?.len(), 1);
        assert_eq!(epochs.held(), vec![2]);

        // A later rotation moves on to version 3.
        let next = store.rotate_key(&keys, &epochs, 100)?;
        assert_eq!((next.from, next.to, next.sales, next.refunds), (2, 3, 11, 11));
        assert_eq!(epochs.held(), vec![3]);
        Ok(())
    }

    #[test]
    fn a_tampered_value_keeps_the_old_key_and_another_open_blocks_rotation() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let path = dir.path().join("c.sqlite3");
        let (keys, epochs) = (keys(), Epochs::default());
        let store = Store::open_keyed(&path, &keys, &epochs)?;
        let ids = fill(&store, 3)?;
        store.conn().execute(
            "UPDATE sales SET description = (SELECT description FROM sales WHERE id = ?2) WHERE id = ?1",
            params![ids[0].to_string(), ids[1].to_string()],
        )?;
        let refused = store.rotate_key(&keys, &epochs, 10);
        assert!(matches!(refused, Err(StoreError::Unreadable(1))), "{refused:?}");
        assert_eq!(epochs.held(), vec![1, 2], "the old key stays while a row needs it");
        assert!(matches!(store.get(ids[0]), Err(StoreError::Tampered(_))));
        assert!(store.get(ids[2])?.is_some());

        // A second process with the cache open: no rotation, and a process
        // arriving during a rotation is told to wait.
        let other = Store::open_keyed(&path, &keys, &epochs)?;
        assert!(matches!(
            store.rotate_key(&keys, &epochs, 10),
            Err(StoreError::OpenElsewhere)
        ));
        drop(other);
        let exclusive = ExclusiveLock::take(&store.lock)?;
        assert!(matches!(
            Store::open_keyed(&path, &keys, &epochs),
            Err(StoreError::Rekeying)
        ));
        drop(exclusive);
        assert!(Store::open_keyed(&path, &keys, &epochs).is_ok());
        Ok(())
    }

    fn by_last4(store: &Store, last4: &str) -> Result<usize> {
        Ok(store
            .search(&crate::store::SalesQuery {
                since_ms: 0,
                until_ms: i64::MAX,
                status: None,
                last4: Some(last4.into()),
                amount: None,
                staff_id: None,
                limit: 100,
            })?
            .len())
    }

    #[test]
    fn a_cache_indexed_before_indexes_were_rotated_is_searched_then_moved_over() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let path = dir.path().join("c.sqlite3");
        let (keys, epochs) = (keys(), Epochs::default());
        let store = Store::open_keyed(&path, &keys, &epochs)?;
        fill(&store, 12)?;
        // As an earlier version left it: one index key from the master key.
        let legacy = Sealer::ephemeral(&keys)
            .with_legacy_index(&keys, KeyVersion::FIRST)
            .blind_index();
        {
            let conn = store.conn();
            conn.execute("UPDATE cache_keys SET index_key = 0", [])?;
            for i in 0..12 {
                conn.execute(
                    "UPDATE sales SET card_last4_bidx = ?1 WHERE rowid = ?2",
                    params![super::super::last4_index(&legacy, &format!("{i:04}")), i + 1],
                )?;
            }
        }
        drop(store);
        let store = Store::open_keyed(&path, &keys, &epochs)?;
        assert_eq!(by_last4(&store, "0003")?, 1, "the legacy index is still searched");

        store.rotate_key(&keys, &epochs, 5)?;
        assert_eq!(by_last4(&store, "0003")?, 1);
        let stale: i64 = store.conn().query_row(
            "SELECT count(*) FROM sales WHERE card_last4_bidx = ?1",
            params![super::super::last4_index(&legacy, "0003")],
            |r| r.get(0),
        )?;
        assert_eq!(stale, 0, "re-indexed with the new version's key");
        let kinds: Vec<i64> = {
            let conn = store.conn();
            let mut stmt = conn.prepare("SELECT index_key FROM cache_keys WHERE state = 'current'")?;
            let kinds = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            kinds
        };
        assert_eq!(kinds, vec![1]);
        Ok(())
    }
}
