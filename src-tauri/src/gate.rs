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

use crate::registry::COMMANDS;
use crate::state::AppState;

/// What a command needs: `Some(None)` is open to anyone (sign-in, status);
/// `None` is a command the gate does not know.
fn needs(command: &str) -> Option<Option<Permission>> {
    COMMANDS.iter().find(|c| c.name == command).map(|c| c.needs)
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

    /// The window's capability allows exactly the listed commands, each
    /// with its rule; anything else is refused.
    #[test]
    fn the_capability_allows_exactly_the_listed_commands() {
        let capability = include_str!("../capabilities/counter.json");
        let allowed: Vec<String> = capability
            .split('"')
            .filter_map(|s| s.strip_prefix("allow-"))
            .map(|s| s.replace('-', "_"))
            .collect();
        let listed: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        assert_eq!(allowed, listed);
        assert!(listed.len() >= 40, "{listed:?}");
        for c in &listed {
            assert!(needs(c).is_some(), "{c} has no rule in the gate");
        }
        assert!(needs("no_such_command").is_none());
        assert_eq!(needs("sign_in"), Some(None));
        assert_eq!(needs("charge_sale"), Some(Some(Permission::Charge)));
    }
}
