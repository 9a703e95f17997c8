//! The vault: where the terminal's keys come from and how values are sealed.
//!
//! - [`keychain`] holds the one 256-bit master key in the OS keychain
//!   (Secret Service, macOS Keychain, Windows Credential Manager), namespaced
//!   per build kind and per terminal. If the keychain is locked or missing the
//!   vault fails closed: there is no file fallback anywhere.
//! - [`keys`] derives purpose-bound subkeys from the master key with HKDF, so
//!   a leak of one (say the blind-index key) says nothing about the others.
//! - [`gateway_key`] keeps the live gateway's key bound to the address and
//!   CA it was checked against; it is never handed out for another.
//! - [`recovery`] wraps the master key under the owner's recovery code,
//!   for backups that open on another machine.
//! - [`seal`] encrypts single column values with XChaCha20-Poly1305, binding
//!   each ciphertext to its table, column, row and key version.

pub mod gateway_key;
pub mod keychain;
pub mod keys;
pub mod recovery;
pub mod seal;

pub use gateway_key::{GatewayBinding, GatewayKeys};
pub use keychain::{BuildKind, CacheEpochs, EpochStore, Keychain, KeychainError, KeychainNamespace};
pub use keys::{CacheEpoch, KeyVersion, MasterKey, SubKeys};
pub use seal::{sealed_version, BlindIndex, Cell, SealError, Sealer};
/// Secrets as they arrive (a PIN, a key, a recovery code typed by a person).
pub use secrecy::SecretString;
