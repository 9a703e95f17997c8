//! Test harness: the real parts the suite runs against.
//!
//! - [`KeyringSession`]: a private D-Bus session bus with a real
//!   `gnome-keyring-daemon` (Secret Service) on it, unlocked or locked, in
//!   temporary folders, torn down on drop. Nothing touches the developer's
//!   own keychain.
//! - [`TerminalHome`]: a fresh data folder.
//! - [`AppDriver`]: the real desktop app in a real window (under the
//!   `DISPLAY` the test command provides with Xvfb), driven through
//!   `tauri-driver` + `WebKitWebDriver` with fantoccini.
//! - [`merchantctl`]: runs the real CLI binary.
//!
//! Binaries are the ones `cargo build` put next to the test executable;
//! the test command builds them first.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

mod app;
mod axe;
mod catalog;
mod home;
mod keyring;
mod localstripe;
pub mod oracle;
mod pdf;
mod pki;
pub mod scan;

pub use app::*;
pub use catalog::*;
pub use home::*;
pub use keyring::*;
pub use localstripe::*;
pub use pdf::*;
pub use pki::*;

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Fails a test with a message (for use with `?`).
pub fn fail<T>(msg: impl Into<String>) -> TestResult<T> {
    Err(msg.into().into())
}

/// `target/debug` (or whichever profile built the tests).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/<profile>/deps/<test>-<hash>, or target/<profile>/<bin> (the benchmarks)
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        dir
    }
}

/// A binary of this workspace, refused when it is older than the sources
/// it is built from: a test must never pass against yesterday's build.
pub fn binary(name: &str) -> TestResult<PathBuf> {
    let p = bin_dir().join(name);
    let built = match std::fs::metadata(&p).and_then(|m| m.modified()) {
        Ok(t) => t,
        Err(_) => {
            return fail(format!(
                "{} is not built; run the test command (scripts/test) or `cargo build --workspace` first",
                p.display()
            ))
        }
    };
    if newest_source(name != "merchantctl").is_some_and(|n| n > built) {
        return fail(format!(
            "{} is older than its sources; run `cargo build --workspace` (the test command does)",
            p.display()
        ));
    }
    Ok(p)
}

/// When the newest source of the workspace's binaries changed (with the
/// app's own shell and UI when `app`).
pub fn newest_source(app: bool) -> Option<std::time::SystemTime> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut sources = vec![
        root.join("crates/core"),
        root.join("crates/cli"),
        root.join("locales"),
        root.join("Cargo.lock"),
    ];
    if app {
        sources.extend([
            root.join("src-tauri/src"),
            root.join("src-tauri/capabilities"),
            root.join("ui/dist"),
        ]);
    }
    sources
        .iter()
        .flat_map(|s| if s.is_dir() { all_files(s) } else { vec![s.clone()] })
        .filter_map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok())
        .max()
}

/// Records a layer's summary line (`LAYER: key=value …`): printed, and kept
/// under `target/test-summary/` for the test command to print at the end.
pub fn summary(layer: &str, fields: &str) {
    let line = format!("{layer}: {fields}");
    println!("{line}");
    let dir = artefact_dir("test-summary");
    let _ = std::fs::write(dir.join(format!("{layer}.txt")), format!("{line}\n"));
}

/// Every file below `dir`, for the scans that look for a secret anywhere.
/// Sockets and pipes (the window's come-forward socket) hold no bytes and
/// cannot be opened as files, so only regular files are listed.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            match std::fs::metadata(&p).map(|m| m.file_type()) {
                Ok(t) if t.is_dir() => out.extend(all_files(&p)),
                Ok(t) if t.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out
}

/// Folder for artefacts a person looks at after a run (screenshots).
pub fn artefact_dir(kind: &str) -> PathBuf {
    let dir = bin_dir()
        .parent()
        .map(|t| t.join(kind))
        .unwrap_or_else(|| PathBuf::from(kind));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// True if `needle` occurs anywhere in `haystack`.
/// True if `text` holds a card-like number once the terminal's own ids
/// (UUIDs) and hashes (long hex runs) are set aside: their digits, joined by
/// dashes, can pass a Luhn check by chance and are not card numbers.
pub fn shows_card_number(text: &str) -> bool {
    let ids =
        regex::Regex::new(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32,}\b");
    match ids {
        Ok(ids) => merchant_core::pan::contains_card_number(&ids.replace_all(text, " ")),
        Err(_) => true,
    }
}

pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
