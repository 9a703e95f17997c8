//! The OS keychain, through `keyring`.
//!
//! Entries live under the service `merchant-terminal.<build kind>` and the
//! user `<terminal id>/<name>`, so a development build, a test run and the
//! shop's release build never read each other's keys, and two data folders
//! on one machine (a live terminal and a training one) never share a key.
//!
//! Every keychain failure is an error; nothing here ever writes a secret to a
//! file. The caller decides whether a missing key may be created (first run)
//! or must be reported (an existing store whose key vanished).

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::keys::{CacheEpoch, KeyVersion, MasterKey};

/// Which kind of build is running; keychain entries never cross kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildKind {
    Dev,
    Test,
    Release,
}

impl BuildKind {
    /// The kind of the running binary. Debug builds may be switched to the
    /// `test` namespace by the test harness; release builds never move.
    pub fn current() -> Self {
        if !cfg!(debug_assertions) {
            return Self::Release;
        }
        match std::env::var("MERCHANT_TERMINAL_BUILD_KIND").as_deref() {
            Ok("test") => Self::Test,
            _ => Self::Dev,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dev => "dev",
            Self::Test => "test",
            Self::Release => "release",
        }
    }
}

/// Where in the keychain one terminal's entries live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeychainNamespace {
    service: String,
    terminal: String,
}

impl KeychainNamespace {
    pub fn new(kind: BuildKind, terminal_id: &str) -> Self {
        Self {
            service: format!("merchant-terminal.{}", kind.as_str()),
            terminal: terminal_id.to_string(),
        }
    }

    fn user(&self, name: &str) -> String {
        format!("{}/{}", self.terminal, name)
    }
}

/// Why the keychain could not be used. Messages are safe to show and say what
/// the person at the till can do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    #[error("The system keychain is locked. Unlock it (sign in to the desktop session) and start the terminal again.")]
    Locked,
    #[error("The system keychain is not available ({0}). The terminal will not run without it.")]
    Unavailable(String),
    #[error("The terminal's key '{0}' is missing from the system keychain; the encrypted data cannot be opened.")]
    Missing(String),
    #[error("The keychain entry '{0}' is damaged.")]
    Corrupt(String),
    #[error("The gateway address or its CA has changed since the gateway key was checked, so the key is not sent there. A manager must enter the gateway key again.")]
    GatewayKeyUnbound,
}

const MASTER_KEY: &str = "master-key";

/// A handle on this terminal's keychain entries.
#[derive(Debug, Clone)]
pub struct Keychain {
    ns: KeychainNamespace,
}

impl Keychain {
    pub fn new(ns: KeychainNamespace) -> Self {
        Self { ns }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, KeychainError> {
        keyring::Entry::new(&self.ns.service, &self.ns.user(name)).map_err(map_err)
    }

    /// Runs one Secret Service call, again after a short wait when the
    /// service answered with a platform (D-Bus) failure, or returned no
    /// result for an item it had just listed: several processes starting at
    /// once, or a loaded machine, can make one call fail that the next one
    /// completes (every process rewrites the audit head, and an item
    /// replaced between finding and reading it answers "no result").
    /// Anything else, a locked keychain among it, is answered at once.
    fn call<T>(&self, op: impl FnMut() -> keyring::Result<T>) -> keyring::Result<T> {
        use backon::{BlockingRetryable, ConstantBuilder};
        op.retry(
            ConstantBuilder::default()
                .with_delay(std::time::Duration::from_millis(150))
                .with_max_times(3),
        )
        .sleep(std::thread::sleep)
        .when(|e| matches!(e, keyring::Error::PlatformFailure(_)) || vanished(e))
        .call()
    }

    fn bytes(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeychainError> {
        let entry = self.entry(name)?;
        match self.call(|| entry.get_secret()) {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    /// Writes `bytes` under `name` and reads them back: a keychain that
    /// accepts a write and then loses it must not leave data sealed with a
    /// key nobody has.
    fn store_verified(&self, name: &str, bytes: &[u8]) -> Result<(), KeychainError> {
        let entry = self.entry(name)?;
        self.call(|| entry.set_secret(bytes)).map_err(map_err)?;
        match self.bytes(name)? {
            Some(stored) if stored.as_slice() == bytes => Ok(()),
            _ => Err(KeychainError::Unavailable(
                "the key could not be read back after saving".into(),
            )),
        }
    }

    /// Reads the master key; `Ok(None)` when there is none yet.
    pub fn master_key(&self) -> Result<Option<MasterKey>, KeychainError> {
        self.bytes(MASTER_KEY)?
            .map(|b| MasterKey::from_slice(&b).ok_or_else(|| KeychainError::Corrupt(MASTER_KEY.into())))
            .transpose()
    }

    /// Returns the master key, creating it only when `may_create` (a data
    /// folder with no encrypted data yet). Two processes starting on a fresh
    /// folder must call this under the folder's set-up lock
    /// ([`crate::config::Home::lock_setup`]), or each could create a key.
    pub fn load_or_create_master_key(&self, may_create: bool) -> Result<MasterKey, KeychainError> {
        if let Some(key) = self.master_key()? {
            return Ok(key);
        }
        if !may_create {
            return Err(KeychainError::Missing(MASTER_KEY.into()));
        }
        let key = MasterKey::generate();
        self.store_verified(MASTER_KEY, key.expose_bytes())?;
        Ok(key)
    }

    /// The epochs of one cache's key versions (`scope` names the cache:
    /// `live`, `training`).
    pub fn cache_epochs(&self, scope: &'static str) -> CacheEpochs {
        CacheEpochs {
            keychain: self.clone(),
            scope,
        }
    }

    /// Stores a named secret (a gateway key, later). Text only.
    pub fn set_secret(&self, name: &str, value: &SecretString) -> Result<(), KeychainError> {
        let entry = self.entry(name)?;
        self.call(|| entry.set_password(value.expose_secret())).map_err(map_err)
    }

    pub fn secret(&self, name: &str) -> Result<Option<SecretString>, KeychainError> {
        let entry = self.entry(name)?;
        match self.call(|| entry.get_password()) {
            Ok(v) => Ok(Some(SecretString::from(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    pub fn delete(&self, name: &str) -> Result<(), KeychainError> {
        let entry = self.entry(name)?;
        match self.call(|| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

/// The keychain entry that says this terminal has been set up.
pub const SETUP_RECORD: &str = "setup-record";

/// What the keychain remembers about the terminal's staff and audit
/// database, beside the master key: the file can be deleted or swapped by
/// anyone who can write the data folder, this entry cannot be rewritten
/// through the file. See [`crate::setup`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SetupRecord {
    pub terminal_id: String,
    /// Hex MAC of the audit trail's first entry: which trail this terminal keeps.
    pub genesis: Option<String>,
    /// The newest audit head written here (`seq:mac`).
    pub head: Option<String>,
    /// An owner account exists (set-up finished).
    pub owner: bool,
    /// When the current trail began (a recovery starts a new one); gateway
    /// anchors older than this belong to the trail before it.
    pub trail_since_ms: i64,
}

impl Keychain {
    /// The setup record; `Ok(None)` on a terminal never set up (or set up
    /// by a version that kept none).
    pub fn setup_record(&self) -> Result<Option<SetupRecord>, KeychainError> {
        self.bytes(SETUP_RECORD)?
            .map(|b| serde_json::from_slice(&b).map_err(|_| KeychainError::Corrupt(SETUP_RECORD.into())))
            .transpose()
    }

    /// Writes the setup record and reads it back.
    pub fn store_setup_record(&self, record: &SetupRecord) -> Result<(), KeychainError> {
        let bytes = serde_json::to_vec(record).map_err(|_| KeychainError::Corrupt(SETUP_RECORD.into()))?;
        self.store_verified(SETUP_RECORD, &bytes)
    }

    /// Writes the setup record without reading it back (the head moves on
    /// every audit entry; a lost write only leaves an older head).
    pub fn update_setup_record(&self, record: &SetupRecord) -> Result<(), KeychainError> {
        let bytes = serde_json::to_vec(record).map_err(|_| KeychainError::Corrupt(SETUP_RECORD.into()))?;
        let entry = self.entry(SETUP_RECORD)?;
        self.call(|| entry.set_secret(&bytes)).map_err(map_err)
    }
}

/// Where the epochs of a cache's key versions are kept. The keychain in the
/// product; tests of the store's rotation logic use an in-memory map.
pub trait EpochStore: Send + Sync {
    fn load(&self, version: KeyVersion) -> Result<Option<CacheEpoch>, KeychainError>;
    /// Makes and keeps a new epoch for `version`, replacing any left over
    /// from an interrupted rotation (nothing was ever sealed with that one).
    fn create(&self, version: KeyVersion) -> Result<CacheEpoch, KeychainError>;
    /// Destroys `version`'s epoch; done when there was none.
    fn delete(&self, version: KeyVersion) -> Result<(), KeychainError>;
    /// The entry's name, for messages.
    fn name(&self, version: KeyVersion) -> String;
}

/// One cache's epochs in the OS keychain: `cache-key/<scope>/v<N>`.
#[derive(Debug, Clone)]
pub struct CacheEpochs {
    keychain: Keychain,
    scope: &'static str,
}

impl EpochStore for CacheEpochs {
    fn load(&self, version: KeyVersion) -> Result<Option<CacheEpoch>, KeychainError> {
        let name = self.name(version);
        self.keychain
            .bytes(&name)?
            .map(|b| CacheEpoch::from_slice(&b).ok_or(KeychainError::Corrupt(name)))
            .transpose()
    }

    fn create(&self, version: KeyVersion) -> Result<CacheEpoch, KeychainError> {
        let epoch = CacheEpoch::generate();
        self.keychain
            .store_verified(&self.name(version), epoch.expose_bytes())?;
        Ok(epoch)
    }

    fn delete(&self, version: KeyVersion) -> Result<(), KeychainError> {
        self.keychain.delete(&self.name(version))
    }

    fn name(&self, version: KeyVersion) -> String {
        format!("cache-key/{}/v{}", self.scope, version.0)
    }
}

/// The Secret Service returned no result (`secret_service::Error::NoResult`,
/// which keyring reports as no storage access, like a locked keychain):
/// the item went away between the search and the read.
fn vanished(e: &keyring::Error) -> bool {
    matches!(e, keyring::Error::NoStorageAccess(inner) if inner.to_string().contains("result not returned"))
}

/// Keyring's platform errors carry D-Bus or OS text; only a short, secret-free
/// description of the class of failure is kept.
fn map_err(e: keyring::Error) -> KeychainError {
    match e {
        keyring::Error::NoStorageAccess(_) => KeychainError::Locked,
        keyring::Error::PlatformFailure(inner) => KeychainError::Unavailable(platform_reason(&inner.to_string())),
        keyring::Error::BadEncoding(_) => KeychainError::Corrupt(MASTER_KEY.into()),
        keyring::Error::Ambiguous(_) => KeychainError::Unavailable("more than one keychain entry with one name".into()),
        other => KeychainError::Unavailable(platform_reason(&other.to_string())),
    }
}

fn platform_reason(detail: &str) -> String {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("dbus") || lower.contains("d-bus") || lower.contains("bus") {
        "no Secret Service on the session bus".into()
    } else if lower.contains("locked") {
        "keychain locked".into()
    } else {
        "platform keychain error".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the Secret Service's "no result" is tried again; a locked
    /// keychain or a dismissed prompt is answered at once (a retry would
    /// prompt the owner again). The texts are secret-service 4's own.
    #[test]
    fn only_a_vanished_item_is_tried_again() {
        let access = |text: &str| keyring::Error::NoStorageAccess(Box::new(std::io::Error::other(text.to_string())));
        assert!(vanished(&access("SS error: result not returned from SS API")));
        assert!(!vanished(&access("SS Error: object locked")));
        assert!(!vanished(&access("SS error: prompt dismissed")));
        assert!(matches!(
            map_err(access("SS Error: object locked")),
            KeychainError::Locked
        ));
    }
}
