//! The IPC gate: before any command runs, it must come from the window
//! it belongs to, and the signed-in role must be one that may use it.
//!
//! Tauri capabilities are per window, not per session: the counter
//! window's capability (`capabilities/counter.json`) lists every command the
//! counter screen has, whoever is signed in, and the card window's
//! (`capabilities/card.json`) its one command. The gate checks the window
//! again (a second lock on the same door), narrows the counter's commands
//! to the role signed in at this moment, using the core's own permission
//! check (so a refusal is audited the same way), and refuses commands it
//! does not know. The core checks the permission again inside every call.

use merchant_core::api::{ErrorCode, ErrorReport};
use merchant_core::auth::Permission;

use crate::registry::{Command, COMMANDS};
use crate::state::AppState;

fn find(command: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == command)
}

/// What `window` may do with `command`: `Err` when the command is unknown
/// or belongs to another window; `Ok(None)` when anyone there may call it.
fn rule(window: &str, command: &str) -> Result<Option<Permission>, ErrorReport> {
    match find(command) {
        Some(c) if c.window == window => Ok(c.needs),
        Some(_) => Err(ErrorReport::new(
            ErrorCode::Forbidden,
            "This window may not use that command.",
        )),
        None => Err(ErrorReport::new(
            ErrorCode::Forbidden,
            "The terminal has no such command.",
        )),
    }
}

/// Lets `command` from `window` through, or says why not.
pub fn admit(state: &AppState, window: &str, command: &str) -> Result<(), ErrorReport> {
    match rule(window, command)? {
        None => Ok(()),
        Some(permission) => {
            let (terminal, actor) = state.signed_in()?;
            Ok(terminal.authorize(&actor, permission)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{CARD_WINDOW, COUNTER_WINDOW};

    fn allowed(capability: &str) -> Vec<String> {
        capability
            .split('"')
            .filter_map(|s| s.strip_prefix("allow-"))
            .map(|s| s.replace('-', "_"))
            .collect()
    }

    /// Each window's capability allows exactly its listed commands, each
    /// with its rule; anything else is refused.
    #[test]
    fn each_capability_allows_exactly_its_windows_commands() {
        let counter: Vec<&str> = COMMANDS
            .iter()
            .filter(|c| c.window == COUNTER_WINDOW)
            .map(|c| c.name)
            .collect();
        assert_eq!(allowed(include_str!("../capabilities/counter.json")), counter);
        assert!(counter.len() >= 40, "{counter:?}");
        assert_eq!(allowed(include_str!("../capabilities/card.json")), ["hand_back_card"]);
        assert!(include_str!("../capabilities/card.json").contains(r#""windows": ["card"]"#));
        for c in COMMANDS {
            assert!(rule(c.window, c.name).is_ok(), "{} has no rule in the gate", c.name);
        }
        assert!(rule(COUNTER_WINDOW, "no_such_command").is_err());
        assert_eq!(rule(COUNTER_WINDOW, "sign_in").ok(), Some(None));
        assert_eq!(rule(COUNTER_WINDOW, "charge_sale").ok(), Some(Some(Permission::Charge)));
    }

    /// The card window may hand back a card and nothing else; the counter
    /// window may not hand back a card.
    #[test]
    fn the_card_window_has_one_command_and_the_counter_not_that_one() {
        for c in COMMANDS {
            let from_card = rule(CARD_WINDOW, c.name);
            assert_eq!(from_card.is_ok(), c.name == "hand_back_card", "{}", c.name);
            let from_counter = rule(COUNTER_WINDOW, c.name);
            assert_eq!(from_counter.is_ok(), c.name != "hand_back_card", "{}", c.name);
        }
        assert!(rule("some-other-window", "sign_in").is_err());
    }
}
