//! The terminal's boundary types: what the desktop UI sends and receives over
//! IPC and what `merchantctl --json` prints. TypeScript bindings for the UI
//! are generated from these (see `ui/src/bindings/`, checked by a test), so
//! the UI and the core cannot drift apart.
//!
//! Errors cross as an [`ErrorReport`]: a stable [`ErrorCode`] the UI branches
//! on and a message safe to show. The conversion from the core's error enums
//! happens here, once.
//!
//! One room per screen family: `sales` (the counter), `owner` (gateway,
//! keys, support bundle), `reports`, `staff`; `errors` converts the core's
//! errors into the [`ErrorReport`] defined in [`crate::error`].

#[cfg(test)]
mod bindings;
mod errors;
mod owner;
mod reports;
mod sales;
mod staff;

pub use crate::backup::{BackupStateView, Step};
pub use crate::card_entry::{HandBackCardRequest, HandedBackCard};
pub use crate::error::{ErrorCode, ErrorReport};
pub use owner::*;
pub use reports::*;
pub use sales::*;
pub use staff::*;
