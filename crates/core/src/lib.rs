//! Merchant Terminal's core: everything but the window.
//!
//! The desktop shell (`src-tauri`), the `merchantctl` CLI, the tests and the
//! benchmarks all drive the terminal through this crate, so a rule enforced
//! here holds everywhere. It has no Tauri dependency on purpose.
//!
//! | module      | concept                                                     |
//! |-------------|-------------------------------------------------------------|
//! | [`money`]   | minor units, currencies, parsing what a cashier types       |
//! | [`locale`]  | the shop's language; how it writes numbers and dates        |
//! | [`messages`] | the catalogs (`locales/`): every word, in the shop's language |
//! | [`sale`]    | the words for a sale: ids, idempotency key, card summary     |
//! | [`gateway`] | the payment-provider seam; the training gateway             |
//! | [`vault`]   | keychain, key hierarchy, sealing column values              |
//! | [`store`]   | the encrypted SQLite transaction cache and its journal      |
//! | [`counter`] | the charge sequence, in-doubt recovery                      |
//! | [`config`]  | the data folder and owner settings                          |
//! | [`monitor`] | owner alerts: decline bursts, refund limits, PINs, key     |
//! | [`pan`]     | card-number detection (refuse / redact)                     |
//! | [`pdf`]     | text lines as a deterministic PDF (reports, receipts)       |
//! | [`receipt`] | customer and merchant receipts for sales and refunds        |
//! | [`reports`] | day view, X/Z reports, CSV export, reconciliation           |
//! | [`session`] | idle lock, PIN re-entry, role and active flag per command   |
//! | [`setup`]   | the keychain's setup record; the stop when data goes missing |
//! | [`terminal`] | the facade: every action signed in, permitted, audited (rooms per concern) |
//! | [`api`]     | IPC / JSON boundary types; errors converted into codes      |
//! | [`error`]   | the stable error code and report every boundary returns     |
//!
//! The modules form layers (ARCHITECTURE.md); `tests/layers.rs` checks that
//! every import goes down them.
#![forbid(unsafe_code)]

pub mod api;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod card_entry;
pub mod clock;
pub mod config;
pub mod counter;
pub mod crashpoint;
pub mod error;
pub mod export;
pub mod gateway;
pub mod instance;
pub mod locale;
pub mod logging;
pub mod messages;
pub mod money;
pub mod monitor;
pub mod pan;
pub mod pdf;
pub mod receipt;
pub mod reports;
pub mod sale;
pub mod session;
pub mod setup;
pub mod shop;
pub mod store;
pub mod terminal;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod vault;
