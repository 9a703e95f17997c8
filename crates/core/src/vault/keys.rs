//! The key hierarchy: one master key, purpose-bound subkeys by HKDF-SHA256.
//!
//! | subkey        | info string                               |
//! |---------------|-------------------------------------------|
//! | cache, v*N*   | `merchant-terminal/cache/v{N}`, salted with that version's [`CacheEpoch`] |
//! | blind index, v*N* | `merchant-terminal/blind-index/v{N}`, salted with that version's [`CacheEpoch`] |
//! | blind index of caches made before it was rotated | `merchant-terminal/blind-index/v1` |
//! | audit MAC     | `merchant-terminal/audit-mac/v1`          |
//! | PIN pepper    | `merchant-terminal/pin-pepper/v1`         |
//! | gateway key binding | `merchant-terminal/gateway-binding/v1` |
//!
//! The cache key is versioned so rotation can re-seal rows under a new
//! version while old rows still open; the version is bound into every sealed
//! value's associated data. Each version also needs its own random epoch
//! secret, kept in the keychain next to the master key: deleting a version's
//! epoch destroys that cache key for good, even for someone who still holds
//! the master key, which is what lets a rotation *remove* the old key instead
//! of merely ceasing to use it. The blind index (last 4, brand) is keyed per
//! version the same way, so a copy of the cache taken before a rotation no
//! longer gives up its last 4 digits once the old epoch is gone: 10⁴ HMACs
//! need the key, and the key needs the destroyed epoch.

use hkdf::Hkdf;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

/// A 256-bit secret that is zeroed on drop and prints as `[REDACTED]`.
macro_rules! secret_256 {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name(SecretBox<[u8; 32]>);

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([REDACTED])"))
            }
        }

        impl $name {
            pub fn generate() -> Self {
                let mut bytes = Box::new([0u8; 32]);
                rand::rngs::OsRng.fill_bytes(bytes.as_mut());
                Self(SecretBox::new(bytes))
            }

            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                let arr: [u8; 32] = bytes.try_into().ok()?;
                Some(Self(SecretBox::new(Box::new(arr))))
            }

            pub(crate) fn expose_bytes(&self) -> &[u8; 32] {
                self.0.expose_secret()
            }
        }
    };
}

secret_256! {
    /// The 256-bit root of every key the terminal uses. Never leaves memory
    /// except into the OS keychain.
    MasterKey
}

secret_256! {
    /// The random secret that, with the master key, makes one version of the
    /// cache key. Kept in the keychain; deleting it destroys that version.
    CacheEpoch
}

/// Version of the cache-sealing key; stored with every sealed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyVersion(pub u32);

impl KeyVersion {
    pub const FIRST: Self = Self(1);
}

/// A 256-bit derived key, zeroed on drop.
pub(crate) type Key32 = SecretBox<[u8; 32]>;

/// The subkeys derived from one master key.
pub struct SubKeys {
    master: MasterKey,
}

impl std::fmt::Debug for SubKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubKeys([REDACTED])")
    }
}

impl SubKeys {
    pub fn new(master: MasterKey) -> Self {
        Self { master }
    }

    fn derive(&self, info: &str) -> Key32 {
        self.derive_salted(b"merchant-terminal/v1", info)
    }

    fn derive_salted(&self, salt: &[u8], info: &str) -> Key32 {
        let hk = Hkdf::<Sha256>::new(Some(salt), self.master.expose_bytes());
        let mut out = Box::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's 8160-byte output limit, so
        // `expand` cannot fail here.
        if hk.expand(info.as_bytes(), out.as_mut()).is_err() {
            unreachable!("HKDF output length is fixed at 32 bytes");
        }
        SecretBox::new(out)
    }

    pub(crate) fn cache(&self, version: KeyVersion, epoch: &CacheEpoch) -> Key32 {
        self.derive_salted(epoch.expose_bytes(), &format!("merchant-terminal/cache/v{}", version.0))
    }

    /// The blind-index key of cache key `version`.
    pub(crate) fn blind_index(&self, version: KeyVersion, epoch: &CacheEpoch) -> Key32 {
        self.derive_salted(
            epoch.expose_bytes(),
            &format!("merchant-terminal/blind-index/v{}", version.0),
        )
    }

    /// The blind-index key caches used before indexes were rotated: derived
    /// from the master key alone. Read only until such a cache's first
    /// rotation re-indexes every row.
    pub(crate) fn legacy_blind_index(&self) -> Key32 {
        self.derive("merchant-terminal/blind-index/v1")
    }

    /// Authenticates the gateway key's binding to its address and CA.
    pub(crate) fn gateway_binding(&self) -> Key32 {
        self.derive("merchant-terminal/gateway-binding/v1")
    }

    pub fn audit_mac(&self) -> SecretBox<[u8; 32]> {
        self.derive("merchant-terminal/audit-mac/v1")
    }

    pub fn pin_pepper(&self) -> SecretBox<[u8; 32]> {
        self.derive("merchant-terminal/pin-pepper/v1")
    }

    /// Seals a backup file (see [`crate::backup`]).
    pub(crate) fn backup_file(&self) -> Key32 {
        self.derive("merchant-terminal/backup-file/v1")
    }

    /// The master key itself: for wrapping it under the recovery code.
    pub(crate) fn master(&self) -> &MasterKey {
        &self.master
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subkeys_are_distinct_and_deterministic() {
        let m = MasterKey::from_slice(&[7u8; 32]).expect("32 bytes is a key");
        let k = SubKeys::new(m);
        let e1 = CacheEpoch::generate();
        let e2 = CacheEpoch::generate();
        let all = [
            *k.cache(KeyVersion(1), &e1).expose_secret(),
            *k.cache(KeyVersion(2), &e1).expose_secret(),
            *k.cache(KeyVersion(1), &e2).expose_secret(),
            *k.blind_index(KeyVersion(1), &e1).expose_secret(),
            *k.blind_index(KeyVersion(2), &e1).expose_secret(),
            *k.blind_index(KeyVersion(1), &e2).expose_secret(),
            *k.legacy_blind_index().expose_secret(),
            *k.gateway_binding().expose_secret(),
            *k.audit_mac().expose_secret(),
            *k.pin_pepper().expose_secret(),
        ];
        for i in 0..all.len() {
            for j in i + 1..all.len() {
                assert_ne!(all[i], all[j], "subkeys {i} and {j} collide");
            }
        }
        assert_eq!(*k.cache(KeyVersion(1), &e1).expose_secret(), all[0]);
    }

    #[test]
    fn master_key_debug_is_redacted() {
        let k = MasterKey::generate();
        assert_eq!(format!("{k:?}"), "MasterKey([REDACTED])");
        assert!(MasterKey::from_slice(&[0u8; 31]).is_none());
    }
}
