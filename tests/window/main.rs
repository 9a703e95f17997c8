//! End to end in a real window: the desktop app under Xvfb, driven through
//! tauri-driver + WebKitWebDriver, with a real keychain and a real SQLite
//! file. Screenshots of each final screen land in `target/screenshots/`.
//!
//! One file per flow; `steps` holds what the flows share.

mod access;
mod backups;
mod counter;
mod dialogs;
mod instance;
mod ipc;
mod languages;
mod live;
mod phone;
mod reports;
mod staff;
mod steps;
mod support;
mod tills;
