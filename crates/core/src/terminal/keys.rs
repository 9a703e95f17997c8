//! Keys: the gateway key (kept in the keychain, shown masked), the cache
//! key's versions and rotation, and who support bundles are sealed to.

use secrecy::{ExposeSecret, SecretString};

use super::{Result, Terminal};
use crate::audit::{Action, Outcome};
use crate::auth::{Actor, Permission};
use crate::config::Settings;
use crate::counter::{CounterError, GATEWAY_KEY};
use crate::gateway::{key_kind, mask_key};
use crate::store::{KeyState, Rotation};
use crate::vault::GatewayKeys;

/// A gateway key as anyone may see it: masked, and its kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct KeyView {
    pub masked: String,
    /// A restricted key (`rk_`), as recommended.
    pub restricted: bool,
    pub live: bool,
}

/// The owner's keys panel: the cache key versions of the current mode and
/// who support bundles are sealed to (public keys only).
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct KeysView {
    pub cache: Vec<KeyState>,
    pub support_recipients: Vec<String>,
    pub owner_recipient: Option<String>,
    /// Set by `rotate_cache_key`: what the rotation did.
    pub rotation: Option<Rotation>,
}

impl Terminal {
    /// Checks `key` with the gateway, then keeps it in the OS keychain
    /// (replacing any other). Only the masked form is ever returned, logged
    /// or audited; a rejected key is audited and not kept.
    pub async fn replace_gateway_key(&self, actor: &Actor, key: &SecretString) -> Result<KeyView> {
        self.require(actor, Permission::ConfigureGateway)?;
        let masked = mask_key(key.expose_secret());
        let gateway = crate::gateway::connect(&self.settings.gateway, key.clone()).map_err(CounterError::from)?;
        let check = match gateway.check_key().await {
            Ok(c) => c,
            Err(e) => {
                self.record(
                    Some(actor),
                    Action::GatewayKeySet,
                    None,
                    Outcome::Rejected,
                    Some(&masked),
                )?;
                return Err(CounterError::Gateway(e).into());
            }
        };
        GatewayKeys::new(&self.keychain, &self.keys).store(key, &self.settings.gateway.binding())?;
        self.record(Some(actor), Action::GatewayKeySet, None, Outcome::Ok, Some(&masked))?;
        Ok(KeyView {
            masked,
            restricted: check.restricted,
            live: check.live,
        })
    }

    /// The stored key, masked (`rk_live_…abcd`), if there is one.
    pub fn gateway_key(&self, actor: &Actor) -> Result<Option<KeyView>> {
        self.require(actor, Permission::ConfigureGateway)?;
        Ok(self.keychain.secret(GATEWAY_KEY)?.map(|k| {
            let shape = key_kind(k.expose_secret());
            KeyView {
                masked: mask_key(k.expose_secret()),
                restricted: shape.as_ref().is_some_and(|s| s.restricted),
                live: shape.is_some_and(|s| s.live),
            }
        }))
    }

    pub fn remove_gateway_key(&self, actor: &Actor) -> Result<()> {
        self.require(actor, Permission::ConfigureGateway)?;
        GatewayKeys::new(&self.keychain, &self.keys).clear()?;
        self.record(Some(actor), Action::GatewayKeyRemoved, None, Outcome::Ok, None)?;
        Ok(())
    }

    /// The current mode's cache key versions and the rows on each.
    pub fn key_states(&self, actor: &Actor) -> Result<Vec<KeyState>> {
        self.require(actor, Permission::ManageKeys)?;
        Ok(self.counter()?.store().key_states()?)
    }

    /// The keys panel: cache key versions and support recipients.
    pub fn keys_view(&self, actor: &Actor, rotation: Option<Rotation>) -> Result<KeysView> {
        Ok(KeysView {
            cache: self.key_states(actor)?,
            support_recipients: self.settings.support_recipients.clone(),
            owner_recipient: self.settings.owner_recipient.clone(),
            rotation,
        })
    }

    /// Rotates the current mode's cache key: every row re-sealed under a new
    /// version in batches of `batch` (charges go on between batches), then
    /// the old version's epoch destroyed in the keychain. Resumes one that
    /// was interrupted. Audited, whatever the outcome.
    pub fn rotate_cache_key(&self, actor: &Actor, batch: u32) -> Result<Rotation> {
        self.require(actor, Permission::ManageKeys)?;
        let epochs = self.keychain.cache_epochs(self.settings.mode.folder());
        let scope = self.settings.mode.folder();
        match self.counter()?.store().rotate_key(&self.keys, &epochs, batch.max(1)) {
            Ok(r) => {
                let detail = format!(
                    "{scope} v{} -> v{}: {} sales, {} refunds re-sealed; v{} destroyed",
                    r.from, r.to, r.sales, r.refunds, r.from
                );
                self.record(Some(actor), Action::CacheKeyRotated, None, Outcome::Ok, Some(&detail))?;
                Ok(r)
            }
            Err(e) => {
                self.record(
                    Some(actor),
                    Action::CacheKeyRotated,
                    None,
                    Outcome::Failed,
                    Some(&e.to_string()),
                )?;
                Err(e.into())
            }
        }
    }

    /// Replaces who support bundles are sealed to (age X25519 recipients),
    /// checked before anything is saved. Bundles sealed earlier still open
    /// only with the keys they were sealed to. Audited with short forms.
    pub fn set_support_recipients(
        &self,
        actor: &Actor,
        support: Vec<String>,
        owner: Option<String>,
    ) -> Result<Settings> {
        self.require(actor, Permission::ManageKeys)?;
        let support: Vec<String> = support.iter().map(|k| k.trim().to_string()).collect();
        let owner = owner.map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
        crate::export::parse_recipients(&support)?;
        if let Some(o) = &owner {
            crate::export::parse_recipients(std::slice::from_ref(o))?;
        }
        let mut settings = self.settings.clone();
        settings.support_recipients = support;
        settings.owner_recipient = owner;
        self.home.save_settings(&settings)?;
        let short: Vec<&str> = settings
            .support_recipients
            .iter()
            .chain(&settings.owner_recipient)
            .map(|k| k.get(..16).unwrap_or(k))
            .collect();
        let detail = format!("recipients={}", short.join(","));
        self.record(
            Some(actor),
            Action::SupportRecipientsChanged,
            None,
            Outcome::Ok,
            Some(&detail),
        )?;
        Ok(settings)
    }
}
