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
//! does not know. The card window's command must also come from the card
//! window's own page, not from any page it might have been sent to. The
//! core checks the permission again inside every call.

use merchant_core::api::{ErrorCode, ErrorReport};
use merchant_core::auth::Permission;
use merchant_core::card_entry;
use tauri::Url;

use crate::registry::{Command, CARD_WINDOW, COMMANDS};
use crate::state::AppState;

fn find(command: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == command)
}

/// What `window`, showing `page`, may do with `command`: `Err` when the
/// command is unknown or belongs to another window or page; `Ok(None)` when
/// anyone there may call it.
fn rule(window: &str, page: Option<&Url>, command: &str) -> Result<Option<Permission>, ErrorReport> {
    let on_its_page = window != CARD_WINDOW || page.is_some_and(card_entry::is_page);
    match find(command) {
        Some(c) if c.window == window && on_its_page => Ok(c.needs),
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

/// Lets `command` from `window`, showing `page`, through, or says why not.
pub fn admit(state: &AppState, window: &str, page: Option<&Url>, command: &str) -> Result<(), ErrorReport> {
    match rule(window, page, command)? {
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
    use crate::registry::COUNTER_WINDOW;

    fn page(url: &str) -> Option<Url> {
        url.parse().ok()
    }

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
        let counter_page = page("tauri://localhost/");
        let card_page = page(card_entry::PAGE_URL);
        for c in COMMANDS {
            let own = if c.window == CARD_WINDOW {
                &card_page
            } else {
                &counter_page
            };
            assert!(
                rule(c.window, own.as_ref(), c.name).is_ok(),
                "{} has no rule in the gate",
                c.name
            );
        }
        assert!(rule(COUNTER_WINDOW, counter_page.as_ref(), "no_such_command").is_err());
        assert_eq!(rule(COUNTER_WINDOW, counter_page.as_ref(), "sign_in").ok(), Some(None));
        assert_eq!(
            rule(COUNTER_WINDOW, counter_page.as_ref(), "charge_sale").ok(),
            Some(Some(Permission::Charge))
        );
    }

    /// The card window may hand back a card and nothing else, and only
    /// from its own page; the counter window may not hand back a card.
    #[test]
    fn the_card_window_has_one_command_and_the_counter_not_that_one() {
        let card_page = page(card_entry::PAGE_URL);
        let counter_page = page("tauri://localhost/");
        for c in COMMANDS {
            let from_card = rule(CARD_WINDOW, card_page.as_ref(), c.name);
            assert_eq!(from_card.is_ok(), c.name == "hand_back_card", "{}", c.name);
            let from_counter = rule(COUNTER_WINDOW, counter_page.as_ref(), c.name);
            assert_eq!(from_counter.is_ok(), c.name != "hand_back_card", "{}", c.name);
        }
        assert!(rule("some-other-window", counter_page.as_ref(), "sign_in").is_err());
        for elsewhere in [
            None,
            page("https://js.stripe.com/v3/"),
            counter_page,
            page("card://evil/"),
        ] {
            assert!(
                rule(CARD_WINDOW, elsewhere.as_ref(), "hand_back_card").is_err(),
                "{elsewhere:?}"
            );
        }
    }
}
