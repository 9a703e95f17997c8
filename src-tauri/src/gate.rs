//! The IPC gate: before any command runs, the signed-in role must be one
//! that may use it.
//!
//! Tauri capabilities are per window, not per session: the window's
//! capability (`capabilities/counter.json`) lists every command the counter
//! screen has, whoever is signed in. The gate narrows that to the role
//! signed in at this moment, using the core's own permission check (so a
//! refusal is audited the same way), and refuses commands it does not know.
//! The core checks the permission again inside every call.

use merchant_core::api::{ErrorCode, ErrorReport};
use merchant_core::auth::Permission;

use crate::state::AppState;

/// What a command needs: `Some(None)` is open to anyone (sign-in, status);
/// `None` is a command the gate does not know.
fn needs(command: &str) -> Option<Option<Permission>> {
    use Permission::*;
    Some(Some(match command {
        "get_status" | "create_owner" | "sign_in" | "sign_out" | "confirm_pin" => return Some(None),
        "charge_sale" => Charge,
        "cancel_charge" => CancelCharge,
        "list_sales" | "print_receipt" | "email_receipt" => ListSales,
        "refund_sale" => Refund,
        "resolve_in_doubt" => ResolveInDoubt,
        "capture_sale" | "void_sale" => CaptureVoid,
        "preview_bundle" | "export_bundle" => ExportBundle,
        "get_day_report" | "get_x_report" | "get_z_report" | "list_z_reports" | "export_csv" | "reconcile_day" => {
            ViewReports
        }
        "close_day" | "import_missing" => CloseDay,
        "get_gateway_setup" | "configure_gateway" | "set_gateway_key" | "remove_gateway_key" | "list_readers" => {
            ConfigureGateway
        }
        "switch_mode" => SwitchMode,
        "list_staff" | "add_staff" | "set_staff_active" | "unlock_staff" | "reset_staff_pin" | "get_limits"
        | "update_limits" => ManageStaff,
        "list_alerts" | "list_audit" => ViewAudit,
        "verify_audit" => VerifyAudit,
        "get_keys" | "rotate_cache_key" | "set_support_recipients" => ManageKeys,
        _ => return None,
    }))
}

/// Lets `command` through, or says why not.
pub fn admit(state: &AppState, command: &str) -> Result<(), ErrorReport> {
    match needs(command) {
        None => Err(ErrorReport::new(
            ErrorCode::Forbidden,
            "The terminal has no such command.",
        )),
        Some(None) => Ok(()),
        Some(Some(permission)) => {
            let (terminal, actor) = state.signed_in()?;
            Ok(terminal.authorize(&actor, permission)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command the window's capability allows has a rule here.
    #[test]
    fn every_allowed_command_has_a_rule() {
        let capability = include_str!("../capabilities/counter.json");
        let commands: Vec<String> = capability
            .split('"')
            .filter_map(|s| s.strip_prefix("allow-"))
            .map(|s| s.replace('-', "_"))
            .collect();
        assert!(commands.len() >= 40, "{commands:?}");
        for c in &commands {
            assert!(needs(c).is_some(), "{c} has no rule in the gate");
        }
        assert!(needs("no_such_command").is_none());
    }
}
