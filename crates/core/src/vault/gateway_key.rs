//! The live gateway's key, bound to the gateway it was checked against.
//!
//! A key is kept with its *binding*: the gateway address (the normalised
//! base URL) and the SHA-256 of the extra CA the terminal trusted when the
//! gateway accepted the key, authenticated by a MAC (keyed from the master
//! key) over the key, the address and the CA. The key is handed out only for
//! a configured gateway with the same binding: a changed address or CA —
//! through `gateway configure`, or by editing `settings.toml` — never
//! receives it, and a manager has to enter it again (and the new gateway has
//! to accept it) before anything is sent.
//!
//! Keychain entries: `gateway-key` holds the key itself, under the name
//! earlier versions used, and `gateway-key-binding` its binding. A key left
//! by a version without bindings is bound, once, to the gateway configured
//! at the first start that finds it.
//!
//! The binding is written before the key: a crash between the two leaves a
//! binding whose MAC does not match the key, which is refused, never sent.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::keychain::{Keychain, KeychainError};
use super::keys::SubKeys;

/// The keychain entry of the live gateway's key (unchanged since before
/// bindings, so upgrades keep the key).
pub const GATEWAY_KEY: &str = "gateway-key";
/// The keychain entry of the key's binding.
pub const GATEWAY_KEY_BINDING: &str = "gateway-key-binding";

/// Where a key may be sent: a gateway address and the extra CA trusted for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayBinding {
    base_url: String,
    ca_sha256: Option<String>,
}

impl GatewayBinding {
    /// `base_url` is normalised (case of the host, default port, trailing
    /// slash) so equal addresses compare equal; `ca_sha256` is the hex
    /// SHA-256 of the extra CA's PEM file, if one is trusted.
    pub fn new(base_url: &str, ca_sha256: Option<&str>) -> Self {
        let base_url = reqwest::Url::parse(base_url.trim())
            .map(|u| u.to_string())
            .unwrap_or_else(|_| base_url.trim().to_string());
        Self {
            base_url,
            ca_sha256: ca_sha256.map(|h| h.trim().to_ascii_lowercase()),
        }
    }

    fn mac(&self, keys: &SubKeys, key: &SecretString) -> String {
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(keys.gateway_binding().expose_secret()) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        };
        let ca = self.ca_sha256.as_deref().unwrap_or("");
        for part in [key.expose_secret(), self.base_url.as_str(), ca] {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The binding as kept in the keychain.
#[derive(Serialize, Deserialize)]
struct Record {
    v: u32,
    base_url: String,
    ca_sha256: Option<String>,
    mac: String,
}

/// The gateway key's keychain entries, read and written only with bindings.
pub struct GatewayKeys<'a> {
    keychain: &'a Keychain,
    keys: &'a SubKeys,
}

impl<'a> GatewayKeys<'a> {
    pub fn new(keychain: &'a Keychain, keys: &'a SubKeys) -> Self {
        Self { keychain, keys }
    }

    /// The key, for a gateway at `binding` only. `Ok(None)` when there is no
    /// key; [`KeychainError::GatewayKeyUnbound`] when the key was checked
    /// against another address or CA (or its binding does not verify).
    pub fn for_gateway(&self, binding: &GatewayBinding) -> Result<Option<SecretString>, KeychainError> {
        let Some(key) = self.keychain.secret(GATEWAY_KEY)? else {
            return Ok(None);
        };
        let record = self.record()?.ok_or(KeychainError::GatewayKeyUnbound)?;
        let stored = GatewayBinding {
            base_url: record.base_url,
            ca_sha256: record.ca_sha256,
        };
        let authentic =
            record.v == 1 && constant_time_eq(record.mac.as_bytes(), stored.mac(self.keys, &key).as_bytes());
        if authentic && stored == *binding {
            Ok(Some(key))
        } else {
            Err(KeychainError::GatewayKeyUnbound)
        }
    }

    /// Keeps `key`, bound to `binding` (the gateway that just accepted it).
    pub fn store(&self, key: &SecretString, binding: &GatewayBinding) -> Result<(), KeychainError> {
        let record = Record {
            v: 1,
            base_url: binding.base_url.clone(),
            ca_sha256: binding.ca_sha256.clone(),
            mac: binding.mac(self.keys, key),
        };
        let json = serde_json::to_string(&record).map_err(|_| KeychainError::Corrupt(GATEWAY_KEY_BINDING.into()))?;
        self.keychain
            .set_secret(GATEWAY_KEY_BINDING, &SecretString::from(json))?;
        self.keychain.set_secret(GATEWAY_KEY, key)
    }

    /// Removes the key and its binding; true when there was a key.
    pub fn clear(&self) -> Result<bool, KeychainError> {
        let had = self.keychain.secret(GATEWAY_KEY)?.is_some();
        self.keychain.delete(GATEWAY_KEY)?;
        self.keychain.delete(GATEWAY_KEY_BINDING)?;
        Ok(had)
    }

    /// The stored key whatever its binding, for showing it masked only.
    pub fn masked_view_source(&self) -> Result<Option<SecretString>, KeychainError> {
        self.keychain.secret(GATEWAY_KEY)
    }

    /// Binds a key stored before bindings existed to `binding` (the gateway
    /// configured now). True when it did so; a key that has a binding is
    /// left alone.
    pub fn bind_unbound(&self, binding: &GatewayBinding) -> Result<bool, KeychainError> {
        let Some(key) = self.keychain.secret(GATEWAY_KEY)? else {
            return Ok(false);
        };
        if self.keychain.secret(GATEWAY_KEY_BINDING)?.is_some() {
            return Ok(false);
        }
        self.store(&key, binding)?;
        Ok(true)
    }

    fn record(&self) -> Result<Option<Record>, KeychainError> {
        self.keychain
            .secret(GATEWAY_KEY_BINDING)?
            .map(|json| {
                serde_json::from_str::<Record>(json.expose_secret())
                    .map_err(|_| KeychainError::Corrupt(GATEWAY_KEY_BINDING.into()))
            })
            .transpose()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_normalise_the_address_and_tell_cas_apart() {
        let a = GatewayBinding::new("https://API.stripe.com:443", None);
        assert_eq!(a, GatewayBinding::new("https://api.stripe.com/", None));
        assert_ne!(a, GatewayBinding::new("https://api.stripe.com.evil.test/", None));
        assert_ne!(a, GatewayBinding::new("https://api.stripe.com/", Some("ab")));
        assert_ne!(
            GatewayBinding::new("https://127.0.0.1:8443/", Some("ab")),
            GatewayBinding::new("https://127.0.0.1:8444/", Some("ab"))
        );
    }

    #[test]
    fn the_mac_covers_key_address_and_ca() {
        let master = crate::vault::MasterKey::from_slice(&[9u8; 32]).expect("32-byte key");
        let keys = SubKeys::new(master);
        let key = SecretString::from("sk_test_one".to_string());
        let b = GatewayBinding::new("https://a.test/", Some("00"));
        let m = b.mac(&keys, &key);
        assert_eq!(m, b.mac(&keys, &key));
        assert_ne!(m, b.mac(&keys, &SecretString::from("sk_test_two".to_string())));
        assert_ne!(m, GatewayBinding::new("https://b.test/", Some("00")).mac(&keys, &key));
        assert_ne!(m, GatewayBinding::new("https://a.test/", None).mac(&keys, &key));
    }
}
