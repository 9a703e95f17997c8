//! Sealing single column values with XChaCha20-Poly1305.
//!
//! A sealed value is `version (u32 LE) ‖ nonce (24 bytes) ‖ ciphertext+tag`.
//! The associated data binds the value to the [`Cell`] it lives in (table,
//! column, row id) and to the key version, so a ciphertext copied to another
//! row or column, or relabelled with another version, fails to open instead
//! of showing the wrong customer's data. Nonces are random (192 bits, so
//! random nonces are safe for any realistic number of values).
//!
//! Lookups on sealed values use a [`BlindIndex`]: a keyed HMAC of the value
//! that supports equality search without decrypting rows. Each key version
//! has its own index key (derived with that version's epoch), so a rotation
//! re-indexes rows and destroying the old epoch destroys the old index key.

use std::collections::BTreeMap;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::ExposeSecret;
use sha2::Sha256;

use std::sync::RwLock;

use super::keys::{CacheEpoch, KeyVersion, SubKeys};

const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 4 + NONCE_LEN;

/// Where a sealed value lives. Part of its associated data.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    pub table: &'static str,
    pub column: &'static str,
    pub row: &'a str,
}

impl<'a> Cell<'a> {
    pub fn new(table: &'static str, column: &'static str, row: &'a str) -> Self {
        Self { table, column, row }
    }

    fn associated_data(&self, version: KeyVersion) -> Vec<u8> {
        let mut ad = Vec::with_capacity(16 + self.table.len() + self.column.len() + self.row.len());
        ad.extend_from_slice(b"merchant-terminal/seal/v1\0");
        for part in [self.table, self.column, self.row] {
            ad.extend_from_slice(&(part.len() as u32).to_le_bytes());
            ad.extend_from_slice(part.as_bytes());
        }
        ad.extend_from_slice(&version.0.to_le_bytes());
        ad
    }
}

/// Why a sealed value did not open. Never carries the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    #[error("A stored value in {table}.{column} failed its integrity check (tampered or moved).")]
    Tampered { table: &'static str, column: &'static str },
    #[error(
        "A stored value in {table}.{column} is sealed with key version {version}, which this terminal does not have."
    )]
    UnknownKeyVersion {
        table: &'static str,
        column: &'static str,
        version: u32,
    },
    #[error("A stored value in {table}.{column} is not valid text.")]
    NotText { table: &'static str, column: &'static str },
}

/// Seals and opens column values; holds the cache keys by version.
///
/// The key ring changes while the cache is in use (a rotation adds a version,
/// then retires the old one), so it sits behind a lock; sealing and opening
/// only ever take it for reading.
pub struct Sealer {
    ring: RwLock<Ring>,
}

struct Ring {
    current: KeyVersion,
    ciphers: BTreeMap<KeyVersion, XChaCha20Poly1305>,
    indexes: BTreeMap<KeyVersion, BlindIndex>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("current", &self.current_version())
            .finish_non_exhaustive()
    }
}

impl Sealer {
    /// A sealer that opens every version in `ring` and writes with the
    /// newest. An empty ring is a start-up invariant broken by the caller.
    pub fn new(keys: &SubKeys, ring: &[(KeyVersion, &CacheEpoch)]) -> Self {
        let ciphers: BTreeMap<_, _> = ring.iter().map(|(v, epoch)| (*v, cipher(keys, *v, epoch))).collect();
        let indexes: BTreeMap<_, _> = ring
            .iter()
            .map(|(v, epoch)| (*v, BlindIndex::keyed(&keys.blind_index(*v, epoch))))
            .collect();
        let current = ciphers.keys().next_back().copied().unwrap_or(KeyVersion::FIRST);
        Self {
            ring: RwLock::new(Ring {
                current,
                ciphers,
                indexes,
            }),
        }
    }

    /// Makes `version`'s blind index the one caches used before indexes
    /// were rotated (derived from the master key alone), for a cache whose
    /// rows were indexed that way and not yet rotated.
    pub fn with_legacy_index(self, keys: &SubKeys, version: KeyVersion) -> Self {
        self.ring_mut()
            .indexes
            .insert(version, BlindIndex::keyed(&keys.legacy_blind_index()));
        self
    }

    /// A sealer with one fresh, random cache key (tests and benchmarks: a
    /// key nobody can ever derive again once it is dropped).
    pub fn ephemeral(keys: &SubKeys) -> Self {
        Self::new(keys, &[(KeyVersion::FIRST, &CacheEpoch::generate())])
    }

    fn ring(&self) -> std::sync::RwLockReadGuard<'_, Ring> {
        // Every write to the ring is a single insert/remove/assignment, so a
        // poisoned lock still guards a consistent ring.
        self.ring.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn ring_mut(&self) -> std::sync::RwLockWriteGuard<'_, Ring> {
        self.ring.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn current_version(&self) -> KeyVersion {
        self.ring().current
    }

    /// The versions this sealer can open, oldest first.
    pub fn versions(&self) -> Vec<KeyVersion> {
        self.ring().ciphers.keys().copied().collect()
    }

    /// Adds `version` and seals with it from now on.
    pub fn advance(&self, keys: &SubKeys, version: KeyVersion, epoch: &CacheEpoch) {
        let mut ring = self.ring_mut();
        ring.ciphers.insert(version, cipher(keys, version, epoch));
        ring.indexes
            .insert(version, BlindIndex::keyed(&keys.blind_index(version, epoch)));
        ring.current = ring.current.max(version);
    }

    /// Forgets every version older than the current one: values still
    /// sealed with them no longer open (they are reported, never shown).
    pub fn retire_older(&self) {
        let mut ring = self.ring_mut();
        let current = ring.current;
        ring.ciphers.retain(|v, _| *v >= current);
        ring.indexes.retain(|v, _| *v >= current);
    }

    /// The blind index new rows are indexed with (the current version's).
    pub fn blind_index(&self) -> BlindIndex {
        let ring = self.ring();
        match ring.indexes.get(&ring.current) {
            Some(index) => index.clone(),
            None => unreachable!("the current version always has an index"),
        }
    }

    /// The blind index of `version`, if this sealer holds it.
    pub fn blind_index_at(&self, version: KeyVersion) -> Option<BlindIndex> {
        self.ring().indexes.get(&version).cloned()
    }

    /// The indexes of the versions older than the current one: during a
    /// rotation, rows not yet re-indexed are found with these.
    pub fn older_blind_indexes(&self) -> Vec<BlindIndex> {
        let ring = self.ring();
        ring.indexes
            .iter()
            .filter(|(v, _)| **v < ring.current)
            .map(|(_, index)| index.clone())
            .collect()
    }

    pub fn seal(&self, cell: Cell<'_>, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        self.seal_with(cell, plaintext, &nonce)
    }

    /// [`Sealer::seal`] with a nonce the caller drew: the benchmarks time
    /// the cipher apart from the nonce draw. A repeated nonce would break
    /// the cipher, so this exists only in benchmark builds.
    #[cfg(feature = "bench-hooks")]
    pub fn seal_with_nonce(&self, cell: Cell<'_>, plaintext: &[u8], nonce: &[u8; NONCE_LEN]) -> Vec<u8> {
        self.seal_with(cell, plaintext, nonce)
    }

    fn seal_with(&self, cell: Cell<'_>, plaintext: &[u8], nonce: &[u8; NONCE_LEN]) -> Vec<u8> {
        let ring = self.ring();
        let ad = cell.associated_data(ring.current);
        let Some(cipher) = ring.ciphers.get(&ring.current) else {
            unreachable!("the current version is always in the ring")
        };
        // Encryption with a valid key and in-memory buffers only fails for
        // plaintexts above ~256 GiB; callers cap field sizes far below that.
        let ct = match cipher.encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad: &ad,
            },
        ) {
            Ok(ct) => ct,
            Err(_) => unreachable!("XChaCha20-Poly1305 encryption of a bounded buffer"),
        };
        let mut out = Vec::with_capacity(HEADER_LEN + ct.len());
        out.extend_from_slice(&ring.current.0.to_le_bytes());
        out.extend_from_slice(nonce);
        out.extend_from_slice(&ct);
        out
    }

    pub fn seal_str(&self, cell: Cell<'_>, plaintext: &str) -> Vec<u8> {
        self.seal(cell, plaintext.as_bytes())
    }

    pub fn open(&self, cell: Cell<'_>, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let tampered = || SealError::Tampered {
            table: cell.table,
            column: cell.column,
        };
        if sealed.len() < HEADER_LEN + 16 {
            return Err(tampered());
        }
        let (version, rest) = sealed.split_at(4);
        let version = KeyVersion(u32::from_le_bytes([version[0], version[1], version[2], version[3]]));
        let (nonce, ct) = rest.split_at(NONCE_LEN);
        let ring = self.ring();
        let cipher = ring.ciphers.get(&version).ok_or(SealError::UnknownKeyVersion {
            table: cell.table,
            column: cell.column,
            version: version.0,
        })?;
        let ad = cell.associated_data(version);
        cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &ad })
            .map_err(|_| tampered())
    }

    pub fn open_str(&self, cell: Cell<'_>, sealed: &[u8]) -> Result<String, SealError> {
        let bytes = self.open(cell, sealed)?;
        String::from_utf8(bytes).map_err(|_| SealError::NotText {
            table: cell.table,
            column: cell.column,
        })
    }
}

fn cipher(keys: &SubKeys, version: KeyVersion, epoch: &CacheEpoch) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(keys.cache(version, epoch).expose_secret().into())
}

/// Reads the key version a sealed value names, without opening it.
pub fn sealed_version(sealed: &[u8]) -> Option<KeyVersion> {
    let v: [u8; 4] = sealed.get(..4)?.try_into().ok()?;
    Some(KeyVersion(u32::from_le_bytes(v)))
}

/// Keyed equality index over sealed values (HMAC-SHA256, 16 bytes kept).
///
/// The keyed HMAC state is computed once and cloned per value, which saves
/// hashing the key's two pads on every row.
#[derive(Clone)]
pub struct BlindIndex {
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for BlindIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlindIndex([REDACTED])")
    }
}

impl BlindIndex {
    fn keyed(key: &super::keys::Key32) -> Self {
        let keyed = match <Hmac<Sha256> as Mac>::new_from_slice(key.expose_secret()) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        };
        Self { keyed }
    }

    /// The index value of `value` in `table.column`; the column is mixed in so
    /// equal values in different columns do not link.
    pub fn compute(&self, table: &str, column: &str, value: &str) -> Vec<u8> {
        let mut mac = self.keyed.clone();
        mac.update(table.as_bytes());
        mac.update(b".");
        mac.update(column.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        mac.finalize().into_bytes()[..16].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::MasterKey;

    fn epoch(byte: u8) -> CacheEpoch {
        CacheEpoch::from_slice(&[byte; 32]).expect("32-byte epoch")
    }

    fn v1(keys: &SubKeys) -> Sealer {
        Sealer::new(keys, &[(KeyVersion::FIRST, &epoch(1))])
    }

    fn keys(byte: u8) -> SubKeys {
        SubKeys::new(MasterKey::from_slice(&[byte; 32]).expect("32-byte key"))
    }

    const ROW_A: &str = "sale-a";
    const ROW_B: &str = "sale-b";

    #[test]
    fn round_trip_and_random_nonce() {
        let s = v1(&keys(1));
        let cell = Cell::new("sales", "description", ROW_A);
        let a = s.seal_str(cell, "coffee");
        let b = s.seal_str(cell, "coffee");
        assert_ne!(a, b, "same plaintext must not give the same ciphertext");
        assert!(!a.windows(6).any(|w| w == b"coffee"));
        assert_eq!(s.open_str(cell, &a).as_deref(), Ok("coffee"));
    }

    #[test]
    fn tampering_is_detected() {
        let s = v1(&keys(1));
        let cell = Cell::new("sales", "description", ROW_A);
        let sealed = s.seal_str(cell, "coffee");
        for i in 0..sealed.len() {
            let mut t = sealed.clone();
            t[i] ^= 0x01;
            assert!(s.open(cell, &t).is_err(), "flip at byte {i} went unnoticed");
        }
        assert!(s.open(cell, &sealed[..sealed.len() - 1]).is_err());
        assert!(s.open(cell, &[]).is_err());
    }

    #[test]
    fn moving_between_rows_or_columns_fails() {
        let s = v1(&keys(1));
        let sealed = s.seal_str(Cell::new("sales", "description", ROW_A), "coffee");
        assert_eq!(
            s.open(Cell::new("sales", "description", ROW_B), &sealed),
            Err(SealError::Tampered {
                table: "sales",
                column: "description"
            })
        );
        assert!(s.open(Cell::new("sales", "card_last4", ROW_A), &sealed).is_err());
        assert!(s.open(Cell::new("refunds", "description", ROW_A), &sealed).is_err());
    }

    #[test]
    fn wrong_key_or_version_fails() {
        let (e1, e2) = (epoch(1), epoch(2));
        let v2 = Sealer::new(&keys(1), &[(KeyVersion::FIRST, &e1), (KeyVersion(2), &e2)]);
        let cell = Cell::new("sales", "description", ROW_A);
        let sealed_v2 = v2.seal_str(cell, "coffee");
        // A sealer that only knows v1 reports the unknown version.
        let v1 = v1(&keys(1));
        assert!(matches!(
            v1.open(cell, &sealed_v2),
            Err(SealError::UnknownKeyVersion { version: 2, .. })
        ));
        // Relabelling a v2 value as v1 breaks the associated data.
        let mut relabelled = sealed_v2.clone();
        relabelled[..4].copy_from_slice(&1u32.to_le_bytes());
        assert!(matches!(v2.open(cell, &relabelled), Err(SealError::Tampered { .. })));
        // v2 still opens what v1 sealed (rotation reads old rows).
        let sealed_v1 = v1.seal_str(cell, "tea");
        assert_eq!(v2.open_str(cell, &sealed_v1).as_deref(), Ok("tea"));
        // Another master key opens nothing.
        let other = Sealer::new(&keys(2), &[(KeyVersion::FIRST, &e1), (KeyVersion(2), &e2)]);
        assert!(other.open(cell, &sealed_v2).is_err());
        // The same master key with another epoch for v1 opens nothing: the
        // epoch is what a rotation deletes.
        let reborn = Sealer::new(&keys(1), &[(KeyVersion::FIRST, &epoch(9))]);
        assert!(matches!(reborn.open(cell, &sealed_v1), Err(SealError::Tampered { .. })));
    }

    #[test]
    fn advancing_then_retiring_moves_writes_and_drops_the_old_key() {
        let k = keys(1);
        let s = v1(&k);
        let cell = Cell::new("sales", "description", ROW_A);
        let old = s.seal_str(cell, "coffee");
        s.advance(&k, KeyVersion(2), &epoch(2));
        let new = s.seal_str(cell, "coffee");
        assert_eq!(sealed_version(&old), Some(KeyVersion::FIRST));
        assert_eq!(sealed_version(&new), Some(KeyVersion(2)));
        assert_eq!(s.open_str(cell, &old).as_deref(), Ok("coffee"));
        s.retire_older();
        assert_eq!(s.versions(), vec![KeyVersion(2)]);
        assert!(matches!(
            s.open(cell, &old),
            Err(SealError::UnknownKeyVersion { version: 1, .. })
        ));
        assert_eq!(s.open_str(cell, &new).as_deref(), Ok("coffee"));
    }

    #[test]
    fn blind_index_is_keyed_and_column_bound() {
        let a = v1(&keys(1));
        let b = v1(&keys(2));
        let x = a.blind_index().compute("sales", "card_last4", "4242");
        assert_eq!(x, a.blind_index().compute("sales", "card_last4", "4242"));
        assert_ne!(x, a.blind_index().compute("sales", "card_last4", "4243"));
        assert_ne!(x, a.blind_index().compute("sales", "email", "4242"));
        assert_ne!(x, b.blind_index().compute("sales", "card_last4", "4242"));
    }

    #[test]
    fn each_version_has_its_own_blind_index_and_retiring_drops_it() {
        let k = keys(1);
        let s = v1(&k);
        let old = s.blind_index().compute("sales", "card_last4", "4242");
        assert_ne!(
            old,
            v1(&k)
                .with_legacy_index(&k, KeyVersion::FIRST)
                .blind_index()
                .compute("sales", "card_last4", "4242"),
            "a new cache's index is bound to its epoch, not the master key alone"
        );
        let reborn = Sealer::new(&k, &[(KeyVersion::FIRST, &epoch(9))]);
        assert_ne!(old, reborn.blind_index().compute("sales", "card_last4", "4242"));
        s.advance(&k, KeyVersion(2), &epoch(2));
        let new = s.blind_index().compute("sales", "card_last4", "4242");
        assert_ne!(old, new);
        let older: Vec<_> = s
            .older_blind_indexes()
            .iter()
            .map(|i| i.compute("sales", "card_last4", "4242"))
            .collect();
        assert_eq!(older, vec![old]);
        s.retire_older();
        assert!(s.older_blind_indexes().is_empty());
        assert!(s.blind_index_at(KeyVersion::FIRST).is_none());
        assert_eq!(s.blind_index().compute("sales", "card_last4", "4242"), new);
    }
}
