//! The recovery kit: a code the owner writes down once, which wraps the
//! master key so that a backup can be opened on another machine.
//!
//! The master key lives only in one machine's keychain; without a copy, a
//! dead till takes its history with it. The copy is the master key sealed
//! (XChaCha20-Poly1305) under a key derived from the recovery code with
//! Argon2id, a memory-hard KDF, so a wrapped key found on a USB stick or in
//! a copied data folder costs an attacker 64 MiB and three passes per guess
//! of a 115-bit code. Only the wrapped key is kept (in the data folder and
//! in every backup); the code itself is shown once and never stored.
//!
//! Guarantees:
//! - a code is 23 random symbols of Crockford's base32 (115 bits) and two
//!   check symbols, written in five groups of five; a mistyped code is
//!   refused as mistyped, before any KDF runs;
//! - a wrapped key names the terminal and the kit it belongs to (both bound
//!   as associated data): it opens only with its own code, for its own
//!   terminal;
//! - re-issuing the kit replaces the wrapped key: the old code no longer
//!   opens the data folder's kit (backups made with it still need it).

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::MasterKey;

/// Crockford's base32: no I, L, O or U, so a handwritten code reads back.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_SYMBOLS: usize = 23;
const CHECK_SYMBOLS: usize = 2;

/// Argon2id's cost for a recovery code: 64 MiB, three passes.
const KDF_MEMORY_KIB: u32 = 64 * 1024;
const KDF_PASSES: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecoveryError {
    /// Not 25 symbols of the code's alphabet, or its check symbols do not match.
    #[error("That is not a recovery code: check it against the recovery sheet.")]
    Mistyped,
    /// A well-formed code that does not open this kit.
    #[error("This recovery code does not open this backup.")]
    WrongCode,
    /// The wrapped key is damaged or not one this version understands.
    #[error("The recovery kit is damaged.")]
    Damaged,
}

/// A recovery code, as the owner writes it: `7K3QD-M9XPA-…`.
pub struct RecoveryCode(SecretString);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode([REDACTED])")
    }
}

fn check_symbols(symbols: &[u8]) -> [u8; CHECK_SYMBOLS] {
    let digest = Sha256::digest(symbols);
    [
        ALPHABET[usize::from(digest[0] >> 3)],
        ALPHABET[usize::from(digest[1] >> 3)],
    ]
}

impl RecoveryCode {
    pub fn generate() -> Self {
        let mut random = Zeroizing::new([0u8; RANDOM_SYMBOLS]);
        rand::rngs::OsRng.fill_bytes(random.as_mut());
        let mut symbols: Zeroizing<Vec<u8>> =
            Zeroizing::new(random.iter().map(|b| ALPHABET[usize::from(b & 31)]).collect());
        let check = check_symbols(&symbols);
        symbols.extend_from_slice(&check);
        Self::from_symbols(&symbols)
    }

    fn from_symbols(symbols: &[u8]) -> Self {
        let groups: Vec<&str> = symbols.chunks(5).filter_map(|c| std::str::from_utf8(c).ok()).collect();
        Self(SecretString::from(groups.join("-")))
    }

    /// [`Self::parse`] of a code that arrived as a secret (over IPC).
    pub fn parse_secret(typed: &SecretString) -> Result<Self, RecoveryError> {
        Self::parse(typed.expose_secret())
    }

    /// Reads a code as a person types it: any case, with or without the
    /// dashes and spaces, `O` for zero and `I`/`L` for one.
    pub fn parse(typed: &str) -> Result<Self, RecoveryError> {
        let symbols: Zeroizing<Vec<u8>> = Zeroizing::new(
            typed
                .bytes()
                .filter(|b| !matches!(b, b'-' | b' ' | b'\t' | b'\r' | b'\n'))
                .map(|b| match b.to_ascii_uppercase() {
                    b'O' => b'0',
                    b'I' | b'L' => b'1',
                    other => other,
                })
                .collect(),
        );
        if symbols.len() != RANDOM_SYMBOLS + CHECK_SYMBOLS || !symbols.iter().all(|b| ALPHABET.contains(b)) {
            return Err(RecoveryError::Mistyped);
        }
        let (random, check) = symbols.split_at(RANDOM_SYMBOLS);
        if check != check_symbols(random) {
            return Err(RecoveryError::Mistyped);
        }
        Ok(Self::from_symbols(&symbols))
    }

    /// The code in its five groups, to be shown once.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The key the code stands for.
    fn kek(&self, salt: &[u8], params: &KdfParams) -> Result<Zeroizing<[u8; 32]>, RecoveryError> {
        let params = Params::new(params.memory_kib, params.passes, params.lanes, Some(32))
            .map_err(|_| RecoveryError::Damaged)?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(self.0.expose_secret().as_bytes(), salt, out.as_mut())
            .map_err(|_| RecoveryError::Damaged)?;
        Ok(out)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub passes: u32,
    pub lanes: u32,
}

/// The master key sealed under a recovery code: what the data folder and
/// every backup keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedKey {
    /// Which kit this is (a re-issued kit has a new id).
    pub kit_id: String,
    pub terminal_id: String,
    pub created_at_ms: i64,
    pub kdf: KdfParams,
    /// Hex.
    pub salt: String,
    /// Hex.
    pub nonce: String,
    /// Hex: the sealed master key.
    pub sealed: String,
}

fn aad(terminal_id: &str, kit_id: &str) -> Vec<u8> {
    format!("merchant-terminal/recovery-kit/v1\0{terminal_id}\0{kit_id}").into_bytes()
}

impl WrappedKey {
    /// Seals `master` under `code` for `terminal_id`.
    pub fn wrap(
        master: &MasterKey,
        code: &RecoveryCode,
        terminal_id: &str,
        now_ms: i64,
    ) -> Result<Self, RecoveryError> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let kdf = KdfParams {
            memory_kib: KDF_MEMORY_KIB,
            passes: KDF_PASSES,
            lanes: 1,
        };
        let kek = code.kek(&salt, &kdf)?;
        let kit_id = uuid::Uuid::new_v4().to_string();
        let sealed = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(kek.as_slice()))
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: master.expose_bytes(),
                    aad: &aad(terminal_id, &kit_id),
                },
            )
            .map_err(|_| RecoveryError::Damaged)?;
        Ok(Self {
            kit_id,
            terminal_id: terminal_id.to_string(),
            created_at_ms: now_ms,
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        })
    }

    /// The master key, if `code` is this kit's.
    pub fn unwrap(&self, code: &RecoveryCode) -> Result<MasterKey, RecoveryError> {
        let salt = hex::decode(&self.salt).map_err(|_| RecoveryError::Damaged)?;
        let nonce = hex::decode(&self.nonce).map_err(|_| RecoveryError::Damaged)?;
        let sealed = hex::decode(&self.sealed).map_err(|_| RecoveryError::Damaged)?;
        // A kit that asks for far more (or less) work than ours is not ours.
        let sane = (8 * 1024..=1024 * 1024).contains(&self.kdf.memory_kib)
            && (1..=10).contains(&self.kdf.passes)
            && (1..=8).contains(&self.kdf.lanes);
        if nonce.len() != 24 || salt.len() < 16 || !sane {
            return Err(RecoveryError::Damaged);
        }
        let kek = code.kek(&salt, &self.kdf)?;
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(kek.as_slice()))
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &sealed,
                        aad: &aad(&self.terminal_id, &self.kit_id),
                    },
                )
                .map_err(|_| RecoveryError::WrongCode)?,
        );
        MasterKey::from_slice(&plain).ok_or(RecoveryError::Damaged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_as_written_and_a_slip_is_caught() {
        let code = RecoveryCode::generate();
        let text = code.expose().to_string();
        assert_eq!(text.len(), 29, "{text}");
        assert_eq!(text.matches('-').count(), 4);
        let again = RecoveryCode::parse(&text.to_lowercase().replace('-', " ")).unwrap();
        assert_eq!(again.expose(), text);
        // One symbol changed anywhere: refused as mistyped (the check
        // symbols catch all but one in 1024 of such slips; this one is
        // made to be caught by picking a replacement whose check differs).
        let symbols: Vec<u8> = text.bytes().filter(|b| *b != b'-').collect();
        let mut caught = 0;
        for i in 0..symbols.len() {
            let mut typo = symbols.clone();
            typo[i] = if typo[i] == b'Z' { b'Y' } else { b'Z' };
            if RecoveryCode::parse(std::str::from_utf8(&typo).unwrap()).is_err() {
                caught += 1;
            }
        }
        assert!(caught >= symbols.len() - 1, "{caught} of {}", symbols.len());
        for bad in ["", "1234", &format!("{text}X"), "UUUUU-UUUUU-UUUUU-UUUUU-UUUUU"] {
            assert_eq!(RecoveryCode::parse(bad).err(), Some(RecoveryError::Mistyped), "{bad}");
        }
        assert!(!format!("{code:?}").contains(&text[..5]));
    }

    #[test]
    fn a_wrapped_key_opens_with_its_code_only() {
        let master = MasterKey::generate();
        let code = RecoveryCode::generate();
        let wrapped = WrappedKey::wrap(&master, &code, "t-1", 1).unwrap();
        assert_eq!(wrapped.unwrap(&code).unwrap().expose_bytes(), master.expose_bytes());
        assert_eq!(
            wrapped.unwrap(&RecoveryCode::generate()).err(),
            Some(RecoveryError::WrongCode)
        );
        let elsewhere = WrappedKey {
            terminal_id: "t-2".into(),
            ..wrapped.clone()
        };
        assert_eq!(elsewhere.unwrap(&code).err(), Some(RecoveryError::WrongCode));
        let cheap = WrappedKey {
            kdf: KdfParams {
                memory_kib: 1024,
                passes: 1,
                lanes: 1,
            },
            ..wrapped
        };
        assert_eq!(cheap.unwrap(&code).err(), Some(RecoveryError::Damaged));
    }
}
