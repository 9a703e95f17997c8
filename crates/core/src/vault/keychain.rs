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

    /// Runs one keychain call, again after a growing wait when the failure
    /// can pass by itself ([`transient`]): a Secret Service that is
    /// restarting, or one loaded by several processes starting at once.
    /// A locked keychain is answered at once (a retry would prompt the
    /// owner again).
    fn call<T>(&self, op: impl FnMut() -> keyring::Result<T>) -> keyring::Result<T> {
        use backon::{BlockingRetryable, ExponentialBuilder};
        op.retry(
            ExponentialBuilder::default()
                .with_min_delay(std::time::Duration::from_millis(100))
                .with_max_times(5),
        )
        .sleep(std::thread::sleep)
        .when(transient)
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

    /// Puts a restored master key into the keychain (and reads it back).
    pub(crate) fn store_master_key(&self, key: &MasterKey) -> Result<(), KeychainError> {
        self.store_verified(MASTER_KEY, key.expose_bytes())
    }

    /// Puts a restored cache epoch into the keychain (and reads it back).
    pub(crate) fn store_cache_epoch(
        &self,
        scope: &str,
        version: KeyVersion,
        epoch: &CacheEpoch,
    ) -> Result<(), KeychainError> {
        self.store_verified(&epoch_entry(scope, version), epoch.expose_bytes())
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

    /// Deletes every entry a terminal writes before anyone uses it (its
    /// master key, set-up record and first cache epochs), and a gateway
    /// key, which an unused terminal cannot have. Only for a terminal
    /// replaced by a restore before its first use.
    pub(crate) fn forget_unused_terminal(&self) -> Result<(), KeychainError> {
        let epochs = ["live", "training"].map(|scope| epoch_entry(scope, KeyVersion(1)));
        for name in [
            MASTER_KEY,
            SETUP_RECORD,
            super::gateway_key::GATEWAY_KEY,
            super::gateway_key::GATEWAY_KEY_BINDING,
        ]
        .into_iter()
        .chain(epochs.iter().map(String::as_str))
        {
            self.delete(name)?;
        }
        Ok(())
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
    /// Restores from a backup: (when the backup was made, when it was
    /// restored). Gateway anchors made between the two were written by
    /// entries the backup does not hold (the old machine's, after it).
    #[serde(default)]
    pub restored_gaps: Vec<(i64, i64)>,
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

/// The keychain entry of one cache key version's epoch.
fn epoch_entry(scope: &str, version: KeyVersion) -> String {
    format!("cache-key/{scope}/v{}", version.0)
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
        epoch_entry(self.scope, version)
    }
}

/// What a failed keychain call means, read from the platform's own error
/// type: keyring reports a locked keychain, a dismissed unlock prompt and
/// a keychain with no default keyring all as "no storage access", and
/// they call for different answers.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// Locked, or the unlock prompt was dismissed: the person must unlock it.
    Locked,
    /// The Secret Service has no default keyring to keep items in (never
    /// created, or not yet loaded by a service that is starting).
    NoKeyring,
    /// The service is not answering (not running, restarting, or gone
    /// mid-call); the D-Bus error's name, an identifier with no data in it.
    NotAnswering(String),
    /// Anything else the platform reported.
    Other,
}

fn failure(e: &keyring::Error) -> Failure {
    #[cfg(target_os = "linux")]
    {
        use dbus_secret_service::Error as Ss;
        let inner = match e {
            keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
                inner.downcast_ref::<Ss>()
            }
            _ => None,
        };
        match inner {
            Some(Ss::Locked | Ss::Prompt) => return Failure::Locked,
            Some(Ss::NoResult) => return Failure::NoKeyring,
            Some(Ss::Unavailable) => return Failure::NotAnswering("no Secret Service".into()),
            Some(Ss::Dbus(d)) => {
                let name = d.name().unwrap_or("an unnamed D-Bus error");
                return match name {
                    "org.freedesktop.Secret.Error.IsLocked" => Failure::Locked,
                    _ => Failure::NotAnswering(name.to_string()),
                };
            }
            _ => {}
        }
    }
    match e {
        keyring::Error::NoStorageAccess(_) => Failure::Locked,
        _ => Failure::Other,
    }
}

/// Failures worth another try: the service may be restarting (D-Bus
/// activation starts it again on the next call) or busy, and a keyring
/// briefly absent while it loads. A locked keychain is not one.
fn transient(e: &keyring::Error) -> bool {
    matches!(failure(e), Failure::NoKeyring | Failure::NotAnswering(_))
}

/// Keyring's platform errors carry D-Bus or OS text; only a short,
/// secret-free description of the class of failure is kept.
fn map_err(e: keyring::Error) -> KeychainError {
    match (failure(&e), e) {
        (Failure::Locked, _) => KeychainError::Locked,
        (Failure::NoKeyring, _) => {
            KeychainError::Unavailable("it has no default keyring to keep the terminal's keys in".into())
        }
        (Failure::NotAnswering(name), _) => {
            KeychainError::Unavailable(format!("the Secret Service did not answer: {name}"))
        }
        (Failure::Other, keyring::Error::BadEncoding(_)) => KeychainError::Corrupt(MASTER_KEY.into()),
        (Failure::Other, keyring::Error::Ambiguous(_)) => {
            KeychainError::Unavailable("more than one keychain entry with one name".into())
        }
        (Failure::Other, _) => KeychainError::Unavailable("platform keychain error".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    fn secret_service(e: dbus_secret_service::Error) -> keyring::Error {
        keyring::Error::NoStorageAccess(Box::new(e))
    }

    /// The Secret Service's own error decides: a locked keychain or a
    /// dismissed prompt is answered at once, as locked; a missing keyring
    /// and a service that is not answering are tried again and then named.
    #[test]
    #[cfg(target_os = "linux")]
    fn each_secret_service_failure_gets_its_own_answer() {
        use dbus_secret_service::Error as Ss;
        for locked in [Ss::Locked, Ss::Prompt] {
            let e = secret_service(locked);
            assert!(!transient(&e));
            assert!(matches!(map_err(e), KeychainError::Locked));
        }
        let gone = secret_service(Ss::NoResult);
        assert!(transient(&gone));
        assert!(map_err(gone).to_string().contains("no default keyring"));

        let is_locked = dbus::Error::new_custom("org.freedesktop.Secret.Error.IsLocked", "item /x is locked");
        let e = keyring::Error::PlatformFailure(Box::new(Ss::Dbus(is_locked)));
        assert!(!transient(&e));
        assert!(matches!(map_err(e), KeychainError::Locked));

        let no_reply = dbus::Error::new_custom("org.freedesktop.DBus.Error.NoReply", "details /with/a/path");
        let e = keyring::Error::PlatformFailure(Box::new(Ss::Dbus(no_reply)));
        assert!(transient(&e));
        let text = map_err(e).to_string();
        assert!(text.contains("org.freedesktop.DBus.Error.NoReply"), "{text}");
        assert!(
            !text.contains("/with/a/path"),
            "the D-Bus message is not carried: {text}"
        );
    }
}
