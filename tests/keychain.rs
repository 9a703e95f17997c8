//! The keychain through the real parts: `merchantctl` against a real Secret
//! Service (gnome-keyring on a private D-Bus session), and the fail-closed
//! cases — locked, unavailable, key missing — with nothing written in clear.

use merchant_tests::{merchantctl, KeyringSession, TerminalHome, TestResult};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn error_code(out: &std::process::Output) -> String {
    json(out)["error"]["code"].as_str().unwrap_or("").to_string()
}

#[test]
fn first_run_creates_the_master_key_and_later_runs_reuse_it() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "4.20", "--description", "flat white"],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["sale"]["status"], "approved");

    // A second process opens the sealed description: the key came back from
    // the keychain, not from a file.
    let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["sales"][0]["description"], "flat white");

    // Only the expected files were written: no key file, no plaintext fallback.
    let mut names: Vec<String> = merchant_tests::all_files(home.path())
        .iter()
        .map(|p| p.strip_prefix(home.path()).unwrap_or(p).display().to_string())
        .collect();
    names.sort();
    assert!(
        names.iter().all(|n| n == "terminal-id"
            || n == "setup.lock"
            // The master key sealed under the owner's recovery code (Argon2id).
            || n == "recovery-kit.json"
            || n.starts_with("training/cache.sqlite3")
            || n.starts_with("terminal.sqlite3")
            || n.starts_with("logs/")),
        "unexpected files in the data folder: {names:?}"
    );
    Ok(())
}

#[test]
fn a_locked_keychain_fails_closed_and_writes_nothing() -> TestResult {
    let session = KeyringSession::locked()?;
    let home = TerminalHome::new()?;
    let out = merchantctl(Some(&session), &home, &["--json", "charge", "1.00"])?;
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(error_code(&out), "keychain_locked");
    assert!(json(&out)["error"]["message"].as_str().unwrap_or("").contains("locked"));
    assert!(
        home.training_cache_files().is_empty(),
        "no cache may be created without the key"
    );
    Ok(())
}

/// A Secret Service with no keyring at all is not a locked one: telling
/// the owner to unlock it would send them looking for a password that
/// does not exist.
#[test]
fn a_keychain_without_a_keyring_is_named_for_what_it_is() -> TestResult {
    let session = KeyringSession::without_keyring()?;
    let home = TerminalHome::new()?;
    let out = merchantctl(Some(&session), &home, &["--json", "charge", "1.00"])?;
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(error_code(&out), "keychain_unavailable");
    let message = json(&out)["error"]["message"].as_str().unwrap_or("").to_string();
    assert!(message.contains("no default keyring"), "{message}");
    assert!(home.training_cache_files().is_empty());
    Ok(())
}

/// The Secret Service dies (it has been seen to abort under load) and the
/// session starts it again: the terminal finds every key it had, in the
/// keyring's files, and neither refuses nor makes new keys.
#[test]
fn keys_outlive_a_secret_service_that_crashes_and_restarts() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "3.10", "--description", "before the crash"],
    )?;
    assert_eq!(out.status.code(), Some(0));
    session.crash_secret_service()?;
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "3.20", "--description", "after the crash"],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
    assert_eq!(out.status.code(), Some(0));
    let descriptions: Vec<_> = json(&out)["sales"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["description"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(descriptions, ["after the crash", "before the crash"]);
    Ok(())
}

#[test]
fn no_secret_service_fails_closed() -> TestResult {
    let home = TerminalHome::new()?;
    let out = merchantctl(None, &home, &["--json", "charge", "1.00"])?;
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(error_code(&out), "keychain_unavailable");
    assert!(home.training_cache_files().is_empty());
    Ok(())
}

#[test]
fn a_missing_key_is_reported_never_replaced() -> TestResult {
    let original = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let out = merchantctl(
        Some(&original),
        &home,
        &["--json", "charge", "9.99", "--description", "kept"],
    )?;
    assert_eq!(out.status.code(), Some(0));

    // Same data folder, a keychain that never saw this terminal.
    let other = KeyringSession::unlocked()?;
    let out = merchantctl(Some(&other), &home, &["--json", "sales", "list"])?;
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(error_code(&out), "key_missing");

    // The refusal changed nothing: the original keychain still opens the data.
    let out = merchantctl(Some(&original), &home, &["--json", "sales", "list"])?;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["sales"][0]["description"], "kept");
    Ok(())
}

#[test]
fn build_kinds_never_share_keychain_entries() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    assert_eq!(
        merchantctl(Some(&session), &home, &["charge", "2.00"])?.status.code(),
        Some(0)
    );
    // The same folder opened by a development build looks in its own namespace.
    let mut cmd = std::process::Command::new(merchant_tests::binary("merchantctl")?);
    session.envs(&mut cmd);
    let out = cmd
        .env("MERCHANT_TERMINAL_BUILD_KIND", "dev")
        .arg("--home")
        .arg(home.path())
        .args(["--json", "sales", "list"])
        .output()?;
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(error_code(&out), "key_missing");
    Ok(())
}
