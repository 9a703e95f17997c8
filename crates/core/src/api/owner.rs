//! The owner's screens: the live gateway, its key, the cache keys, who
//! support bundles are sealed to, and the bundle itself.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::Mode;

/// `preview_bundle` / `export_bundle`: the support bundle.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BundleRequest {}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BundleView {
    pub manifest: crate::export::Manifest,
    /// Where the sealed bundle was written (export only).
    pub path: Option<String>,
}

/// `get_gateway_setup`, `remove_gateway_key`, `list_readers`: no input.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GatewaySetupRequest {}

/// `configure_gateway`: where the live gateway is; an omitted field is kept,
/// an empty one cleared (CA, reader).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConfigureGatewayRequest {
    #[ts(optional)]
    pub base_url: Option<String>,
    /// Path of a PEM file with an extra CA to trust.
    #[ts(optional)]
    pub extra_ca: Option<String>,
    #[ts(optional)]
    pub reader_id: Option<String>,
    #[ts(optional)]
    pub omit_refund_reason: Option<bool>,
    /// The publishable key (`pk_…`) for phone orders; empty removes it.
    #[ts(optional)]
    pub publishable_key: Option<String>,
    /// The account may mark phone orders as MOTO.
    #[ts(optional)]
    pub moto: Option<bool>,
}

impl From<ConfigureGatewayRequest> for crate::terminal::GatewayChange {
    fn from(r: ConfigureGatewayRequest) -> Self {
        Self {
            base_url: r.base_url,
            extra_ca: r.extra_ca.map(std::path::PathBuf::from),
            reader_id: r.reader_id,
            omit_refund_reason: r.omit_refund_reason,
            publishable_key: r.publishable_key,
            card_fields_script: None,
            moto: r.moto,
        }
    }
}

/// `set_gateway_key`: the pasted key, a secret from the moment it is parsed.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SetGatewayKeyRequest {
    #[ts(type = "string")]
    pub key: SecretString,
}

/// `switch_mode`: training or live.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SwitchModeRequest {
    pub mode: Mode,
}

/// `set_language`: the shop's language (words, amounts and dates).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SetLanguageRequest {
    pub language: crate::locale::Language,
}

/// The owner's gateway screen. The key is only ever shown masked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GatewaySetupView {
    pub mode: Mode,
    pub provider: String,
    pub base_url: String,
    pub extra_ca: Option<String>,
    pub reader_id: Option<String>,
    pub omit_refund_reason: bool,
    /// Public by design: shown whole.
    pub publishable_key: Option<String>,
    pub moto: bool,
    pub key: Option<crate::terminal::KeyView>,
}

impl GatewaySetupView {
    pub fn new(settings: &crate::config::Settings, key: Option<crate::terminal::KeyView>) -> Self {
        let g = &settings.gateway;
        Self {
            mode: settings.mode,
            provider: "stripe".into(),
            base_url: g.base_url.clone(),
            extra_ca: g.extra_ca.as_ref().map(|p| p.display().to_string()),
            reader_id: g.reader_id.clone(),
            omit_refund_reason: g.omit_refund_reason,
            publishable_key: g.publishable_key.clone(),
            moto: g.moto,
            key,
        }
    }
}

/// `get_keys`, `rotate_cache_key`: no input.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct KeysRequest {}

/// `set_support_recipients`: age X25519 public keys (`age1…`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SetRecipientsRequest {
    pub support: Vec<String>,
    #[ts(optional)]
    pub owner: Option<String>,
}

pub use crate::terminal::KeysView;

/// `issue_recovery_kit`: the new code, shown once and never again.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct RecoveryKitView {
    pub code: String,
}

// Never by `Debug` either: logs and panics.
impl std::fmt::Debug for RecoveryKitView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKitView { code: … }")
    }
}

/// `save_recovery_sheet`: the code just shown, and where to write its sheet
/// to print (a USB stick, the desktop; never the data folder).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SaveRecoverySheetRequest {
    #[ts(type = "string")]
    pub code: SecretString,
    pub file: String,
}

/// `restore_backup`: on a new installation, before the first owner exists,
/// the backup file and its recovery code (as typed: spaces and dashes
/// anywhere, either case).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RestoreBackupRequest {
    pub file: String,
    #[ts(type = "string")]
    pub code: SecretString,
}

/// `restore_backup`: when the restored backup was made, and whether the
/// restored audit trail verified.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RestoredView {
    #[ts(type = "number")]
    pub backup_made_ms: i64,
    pub files: u32,
    pub audit_intact: bool,
}

/// `back_up_now`: the folder to write the backup into (a USB stick, a
/// network share); the file is named by the time it is made.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackUpRequest {
    pub folder: String,
    /// Also back up there once a day (`false`: no longer).
    #[ts(optional)]
    pub daily: Option<bool>,
}
