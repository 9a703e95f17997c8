//! Staff and sessions: accounts, PINs, sign-in, the audit viewer's query.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::{Actor, Permission, Role};

/// `list_staff`, `get_limits`, `list_alerts`, `verify_audit`: no input.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OwnerRequest {}

/// `add_staff`: a new account with its first PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AddStaffRequest {
    pub name: String,
    pub role: Role,
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `set_staff_active`, `unlock_staff` (active ignored).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffChangeRequest {
    pub name: String,
    #[ts(optional)]
    pub active: Option<bool>,
}

/// `reset_staff_pin`: a new PIN for someone who forgot theirs.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ResetPinRequest {
    pub name: String,
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `confirm_pin`: the signed-in manager's PIN again, before settings, keys,
/// staff changes and exports.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConfirmPinRequest {
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `list_audit`: filters for the audit viewer; omitted means any.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AuditQueryRequest {
    #[ts(optional)]
    pub action: Option<crate::audit::Action>,
    /// A staff member's name.
    #[ts(optional)]
    pub staff: Option<String>,
    #[ts(optional)]
    pub outcome: Option<crate::audit::Outcome>,
    #[ts(optional, type = "number")]
    pub since_ms: Option<i64>,
    #[ts(optional, type = "number")]
    pub until_ms: Option<i64>,
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl AuditQueryRequest {
    /// The filter for the trail; the staff member is resolved by name by
    /// the terminal.
    pub fn filter(&self, now_ms: i64) -> crate::audit::AuditFilter {
        crate::audit::AuditFilter {
            action: self.action,
            actor: None,
            outcome: self.outcome,
            since_ms: self.since_ms.unwrap_or(0),
            until_ms: self.until_ms.unwrap_or(now_ms + 1),
            limit: self.limit.unwrap_or(200).min(5_000),
        }
    }
}

/// `sign_in`: a staff member's name and PIN. The PIN is a secret from the
/// moment it is parsed (no Serialize; Debug prints `[REDACTED]`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub name: String,
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `create_owner`: the first account, on a fresh terminal.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateOwnerRequest {
    pub name: String,
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `sign_out` / `lock_screen`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignOutRequest {}

/// Who is signed in at the till.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SessionView {
    pub name: String,
    pub role: Role,
    /// The commands this role may use (the UI hides the rest).
    pub permissions: Vec<Permission>,
}

impl SessionView {
    pub fn new(actor: &Actor) -> Self {
        Self {
            name: actor.name.clone(),
            role: actor.role,
            permissions: Permission::ALL.into_iter().filter(|p| actor.role.allows(*p)).collect(),
        }
    }
}
