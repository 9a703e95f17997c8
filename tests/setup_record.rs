//! A terminal that has been set up knows it, and its audit trail is checked
//! against heads kept where the data folder's owner cannot rewrite them.
//!
//! Through the real parts: `merchantctl` and the app against a real
//! keychain (gnome-keyring on a private bus), localstripe over TLS for the
//! live gateway. The attacker here has the data folder only: they delete or
//! swap `terminal.sqlite3`, or open it with SQLite, drop the append-only
//! triggers and delete the newest audit entries.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use merchant_tests::{
    fail, live_terminal_with, merchantctl, AppDriver, KeyringSession, Localstripe, TerminalHome, TestPki, TestResult,
    OWNER, OWNER_PIN,
};

/// The stop's exit status.
const STOPPED: i32 = 14;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}: {} {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `merchantctl --home H <args>` with `stdin`, signed in as nobody.
fn merchantctl_raw(session: &KeyringSession, home: &Path, args: &[&str], stdin: &str) -> TestResult<Output> {
    use std::io::Write;
    let mut cmd = Command::new(merchant_tests::binary("merchantctl")?);
    session.envs(cmd.arg("--home").arg(home).args(args));
    cmd.env_remove("MERCHANT_TERMINAL_HOME")
        .env_remove("MERCHANT_TERMINAL_STAFF")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn()?;
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    Ok(child.wait_with_output()?)
}

fn remove_terminal_db(home: &Path) -> TestResult {
    for suffix in ["", "-wal", "-shm"] {
        let p = home.join(format!("terminal.sqlite3{suffix}"));
        if p.exists() {
            std::fs::remove_file(p)?;
        }
    }
    Ok(())
}

/// Asserts the terminal refuses `args` with the stop: exit 14, the stop's
/// code, and a message that says to restore the data folder.
fn assert_stopped(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(STOPPED), "{what}: {}", describe(out));
    let err = &json(out)["error"];
    assert_eq!(err["code"], "terminal_data_missing", "{what}: {}", describe(out));
    let message = err["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("restore the whole data folder from a backup"),
        "{what}: {message}"
    );
}

/// Every kind of command, each refused with the stop.
fn assert_every_command_stopped(session: &KeyringSession, home: &TerminalHome) -> TestResult {
    let out = merchantctl_raw(
        session,
        home.path(),
        &["--json", "staff", "init-owner", "--name", "Mallory"],
        "111111\n",
    )?;
    assert_stopped(&out, "init-owner");
    for args in [
        &["--json", "sales", "list"][..],
        &["--json", "charge", "1.00"],
        &["--json", "audit", "verify"],
        &["--json", "audit", "show"],
        &["--json", "report", "x"],
        &["--json", "gateway", "show"],
        &["--json", "mode", "live"],
    ] {
        let out = merchantctl(Some(session), home, args)?;
        assert_stopped(&out, &args.join(" "));
    }
    // The core says what must be done; the command that does it is the
    // CLI's hint, printed after the message (the app shows its own).
    let out = merchantctl(Some(session), home, &["sales", "list"])?;
    let err = String::from_utf8_lossy(&out.stderr);
    let (message, hint) = err.split_once('\n').unwrap_or((&err, ""));
    assert!(
        !message.contains("setup recover"),
        "the core's message names a command: {err}"
    );
    assert!(hint.contains("merchantctl setup recover --confirm"), "no hint: {err}");
    Ok(())
}

/// Drops the append-only triggers and deletes every audit entry from
/// `from_seq` on, as someone holding the file would.
fn drop_audit_entries_from(home: &Path, from_seq: i64) -> TestResult<i64> {
    let db = rusqlite::Connection::open(home.join("terminal.sqlite3"))?;
    db.execute_batch("DROP TRIGGER audit_append_only_delete; DROP TRIGGER audit_append_only_update;")?;
    let removed = db.execute("DELETE FROM audit WHERE seq >= ?1", [from_seq])?;
    Ok(i64::try_from(removed)?)
}

fn last_audit_seq(home: &Path) -> TestResult<i64> {
    let db = rusqlite::Connection::open(home.join("terminal.sqlite3"))?;
    Ok(db.query_row("SELECT MAX(seq) FROM audit", [], |r| r.get(0))?)
}

/// Deletes this terminal's setup record from the keychain over D-Bus (the
/// Secret Service API), as a data folder from a version that kept none
/// would have it. Returns how many items were deleted.
fn delete_setup_record(session: &KeyringSession, home: &Path) -> TestResult<usize> {
    let id = std::fs::read_to_string(home.join("terminal-id"))?;
    let user = format!("{}/setup-record", id.trim());
    let found = session
        .envs(&mut Command::new("dbus-send"))
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.SearchItems",
            &format!("dict:string:string:username,{user}"),
        ])
        .output()?;
    let text = String::from_utf8_lossy(&found.stdout).to_string();
    let items: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("object path \""))
        .map(|p| p.trim_end_matches('"').to_string())
        .filter(|p| p.starts_with("/org/freedesktop/secrets/collection/"))
        .collect();
    for item in &items {
        let out = session
            .envs(&mut Command::new("dbus-send"))
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                item,
                "org.freedesktop.Secret.Item.Delete",
            ])
            .output()?;
        if !out.status.success() {
            return fail(format!("deleting {item}: {}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    Ok(items.len())
}

#[test]
fn a_deleted_terminal_database_stops_every_command_and_makes_nobody_owner() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let out = merchantctl(Some(&session), &home, &["--json", "charge", "3.10"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    remove_terminal_db(home.path())?;
    assert_every_command_stopped(&session, &home)?;
    assert!(
        !home.path().join("terminal.sqlite3").exists(),
        "no empty staff database was created in its place"
    );

    // No gateway key in a training-only terminal: nothing proves who the
    // owner is, so no recovery either.
    let out = merchantctl_raw(
        &session,
        home.path(),
        &["--json", "setup", "recover", "--confirm"],
        "sk_test_guessedguessed\n",
    )?;
    assert_eq!(out.status.code(), Some(12), "{}", describe(&out));
    assert!(json(&out)["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("No gateway key"));
    assert_every_command_stopped(&session, &home)
}

#[test]
fn a_staff_database_from_another_data_folder_or_emptied_is_refused() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let shop = TerminalHome::new()?;
    let out = merchantctl(Some(&session), &shop, &["--json", "charge", "2.00"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    // A backup of the same trail, taken early: restoring it is the way back.
    let backup = tempfile::tempdir()?;
    std::fs::copy(
        shop.path().join("terminal.sqlite3"),
        backup.path().join("terminal.sqlite3"),
    )?;

    // Someone sets up a terminal of their own and brings its database over.
    let other = TerminalHome::new()?;
    let out = merchantctl(Some(&session), &other, &["--json", "sales", "list"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    remove_terminal_db(shop.path())?;
    std::fs::copy(
        other.path().join("terminal.sqlite3"),
        shop.path().join("terminal.sqlite3"),
    )?;
    assert_every_command_stopped(&session, &shop)?;

    // The shop's own file with its staff deleted is not a first run either.
    remove_terminal_db(shop.path())?;
    std::fs::copy(
        backup.path().join("terminal.sqlite3"),
        shop.path().join("terminal.sqlite3"),
    )?;
    let out = merchantctl(Some(&session), &shop, &["--json", "sales", "list"])?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "the restored backup opens: {}",
        describe(&out)
    );
    let db = rusqlite::Connection::open(shop.path().join("terminal.sqlite3"))?;
    db.execute_batch("DELETE FROM staff;")?;
    drop(db);
    assert_every_command_stopped(&session, &shop)
}

#[test]
fn a_data_folder_without_a_setup_record_gets_one_and_keeps_working() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let out = merchantctl(Some(&session), &home, &["--json", "charge", "1.25"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    // As a data folder set up by an earlier version: no record in the keychain.
    assert_eq!(delete_setup_record(&session, home.path())?, 1);
    let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
    assert_eq!(out.status.code(), Some(0), "an upgrade opens: {}", describe(&out));
    assert_eq!(json(&out)["sales"].as_array().map(Vec::len), Some(1));
    // …and from then on the terminal knows it was set up.
    remove_terminal_db(home.path())?;
    assert_every_command_stopped(&session, &home)
}

#[test]
fn verify_reports_dropped_audit_entries_in_training_with_no_anchor_typed() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    for amount in ["1.00", "2.00", "3.00"] {
        let out = merchantctl(Some(&session), &home, &["--json", "charge", amount])?;
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    }
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "verify"])?;
    assert_eq!(json(&out)["verification"]["result"], "intact", "{}", describe(&out));

    let last = last_audit_seq(home.path())?;
    assert_eq!(drop_audit_entries_from(home.path(), last - 2)?, 3);
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "verify"])?;
    assert_eq!(json(&out)["verification"]["result"], "truncated", "{}", describe(&out));
    assert!(json(&out)["verification"]["anchor_seq"].as_i64() >= Some(last));
    assert_eq!(out.status.code(), Some(6));
    Ok(())
}

/// The keychain's head is written beside the action, not inside it (a
/// charge does not wait for the Secret Service), yet a process that ends
/// normally leaves its very last entry recorded: cutting off that one entry
/// alone is still seen.
#[test]
fn the_last_entry_of_a_process_is_recorded_before_it_exits() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    for amount in ["1.00", "2.00"] {
        let out = merchantctl(Some(&session), &home, &["--json", "charge", amount])?;
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    }
    let last = last_audit_seq(home.path())?;
    assert_eq!(drop_audit_entries_from(home.path(), last)?, 1);
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "verify"])?;
    assert_eq!(json(&out)["verification"]["result"], "truncated", "{}", describe(&out));
    assert_eq!(
        json(&out)["verification"]["anchor_seq"].as_i64(),
        Some(last),
        "{}",
        describe(&out)
    );
    Ok(())
}

/// Live mode: refunds and captures carry the head to the gateway, and the
/// gateway's anchors are read back by Verify and reconciliation, so even a
/// terminal whose keychain record was lost (an upgrade) sees the cut.
#[test]
fn verify_and_reconcile_read_the_gateways_anchors_in_live_mode() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let home = live_terminal_with(&session, &pki, &gateway, 10_000, 1)?;
    let charge = |args: &[&str]| -> TestResult<String> {
        let mut full = vec!["--json", "charge"];
        full.extend_from_slice(args);
        let out = merchantctl(Some(&session), &home, &full)?;
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        Ok(json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string())
    };
    let paid = charge(&["4.00", "--payment-method", "pm_card_visa"])?;
    let held = charge(&["6.00", "--payment-method", "pm_card_visa", "--manual-capture"])?;
    let out = merchantctl(Some(&session), &home, &["--json", "refund", &paid, "--amount", "1.00"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = merchantctl(Some(&session), &home, &["--json", "capture", &held])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    // The gateway's own records carry the heads.
    let anchor_seq = |v: &serde_json::Value| -> Option<i64> {
        v["metadata"]["audit_head"]
            .as_str()
            .and_then(|h| h.split_once(':'))
            .and_then(|(seq, mac)| (mac.len() == 64).then(|| seq.parse().ok()).flatten())
    };
    let paid_pi = gateway.intents_for_sale(&pki, &paid)?;
    let refunds = gateway.get(
        &pki,
        &format!(
            "v1/refunds?payment_intent={}",
            paid_pi[0]["id"].as_str().unwrap_or_default()
        ),
    )?;
    let refund_seq = anchor_seq(&refunds["data"][0]);
    assert!(refund_seq.is_some(), "the refund carries the head: {refunds}");
    let held_pi = gateway.intents_for_sale(&pki, &held)?;
    let capture_seq = anchor_seq(&held_pi[0]);
    assert!(
        capture_seq > refund_seq,
        "the capture moved the PaymentIntent's head on: {:?} then {:?}",
        refund_seq,
        capture_seq
    );
    let newest = capture_seq.unwrap_or_default();

    // Cut the trail back before the newest head the gateway holds, and lose
    // the keychain's record too: only the gateway can tell now.
    assert!(drop_audit_entries_from(home.path(), newest)? > 0);
    assert_eq!(delete_setup_record(&session, home.path())?, 1);

    let out = merchantctl(Some(&session), &home, &["--json", "audit", "verify"])?;
    assert_eq!(json(&out)["verification"]["result"], "truncated", "{}", describe(&out));
    assert_eq!(json(&out)["verification"]["anchor_seq"], newest, "{}", describe(&out));
    assert_eq!(out.status.code(), Some(6));

    let out = merchantctl(Some(&session), &home, &["--json", "reconcile"])?;
    let kinds: Vec<String> = json(&out)["reconciliation"]["mismatches"]
        .as_array()
        .map(|m| m.iter().filter_map(|x| x["kind"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    assert!(kinds.iter().any(|k| k == "audit_trail_differs"), "{}", describe(&out));
    assert_eq!(out.status.code(), Some(4));
    Ok(())
}

#[test]
fn recovery_needs_the_kept_gateway_key_and_starts_an_audited_trail() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let home = live_terminal_with(&session, &pki, &gateway, 10_000, 1)?;
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "5.00", "--payment-method", "pm_card_visa"],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    remove_terminal_db(home.path())?;
    assert_every_command_stopped(&session, &home)?;

    // Without --confirm, or with another key: refused, nothing changes.
    let out = merchantctl_raw(
        &session,
        home.path(),
        &["--json", "setup", "recover"],
        "sk_test_merchantterminal01\n",
    )?;
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    let out = merchantctl_raw(
        &session,
        home.path(),
        &["--json", "setup", "recover", "--confirm"],
        "sk_test_merchantterminal02\n",
    )?;
    assert_eq!(out.status.code(), Some(12), "{}", describe(&out));
    assert!(
        !describe(&out).contains("merchantterminal02"),
        "the typed key is not echoed"
    );
    assert_every_command_stopped(&session, &home)?;

    let out = merchantctl_raw(
        &session,
        home.path(),
        &["--json", "setup", "recover", "--confirm"],
        "sk_test_merchantterminal01\n",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(json(&out)["recovered"]["reason"], "missing");

    // The owner creates their account again; the new trail begins with the
    // recovery and verifies (the old trail's anchors at the gateway predate it).
    let out = merchantctl_raw(
        &session,
        home.path(),
        &["--json", "staff", "init-owner", "--name", OWNER],
        &format!("{OWNER_PIN}\n"),
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "show", "--limit", "100"])?;
    let entries = json(&out)["entries"].as_array().cloned().unwrap_or_default();
    let first = entries.last().cloned().unwrap_or_default();
    assert_eq!(first["seq"], 1);
    assert_eq!(first["action"], "setup_recovered", "{}", describe(&out));
    assert!(first["detail"]
        .as_str()
        .is_some_and(|d| d.contains("reason=missing previous_head=")));
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "verify"])?;
    assert_eq!(json(&out)["verification"]["result"], "intact", "{}", describe(&out));
    // A second owner is never created.
    let out = merchantctl_raw(
        &session,
        home.path(),
        &["--json", "staff", "init-owner", "--name", "Mallory"],
        "111111\n",
    )?;
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_shows_a_stop_screen_without_its_database_and_verify_reports_dropped_entries() -> TestResult {
    let session = KeyringSession::unlocked()?;

    // A terminal whose staff database was deleted: the stop screen, no sign-in.
    let home = TerminalHome::new()?;
    let out = merchantctl(Some(&session), &home, &["--json", "charge", "1.00"])?;
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    remove_terminal_db(home.path())?;
    let app = AppDriver::launch(&session, &home).await?;
    app.wait_until("the stop screen", Duration::from_secs(10), || async {
        app.is_shown("startup-error").await
    })
    .await?;
    assert!(!app.is_shown("sign-in").await?, "nobody may sign in");
    assert!(!app.is_shown("counter").await?);
    assert_eq!(app.text("startup-error-code").await?, "code: terminal_data_missing");
    assert!(app
        .text("startup-error-message")
        .await?
        .contains("restore the whole data folder from a backup"));
    // Its way out: restore from a backup with the recovery code.
    assert!(app.text("startup-error-next").await?.contains("merchantctl restore"));
    app.screenshot("setup-record-stop").await?;
    app.close().await?;
    assert!(!home.path().join("terminal.sqlite3").exists());

    // A running terminal whose newest audit entries are deleted behind its
    // back: Verify reports it with no anchor typed.
    let home = TerminalHome::new()?;
    for amount in ["1.00", "2.00"] {
        let out = merchantctl(Some(&session), &home, &["--json", "charge", amount])?;
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    }
    let app = AppDriver::launch(&session, &home).await?;
    app.wait_until("the sign-in screen", Duration::from_secs(10), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    app.by_id("staff-name").await?.send_keys(OWNER).await?;
    app.by_id("staff-pin")
        .await?
        .send_keys(&format!("{OWNER_PIN}{}", char::from(fantoccini::key::Key::Enter)))
        .await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    app.by_id("staff-button").await?.click().await?;
    app.wait_until("the staff screen", Duration::from_secs(10), || async {
        app.is_shown("staff").await
    })
    .await?;
    let last = last_audit_seq(home.path())?;
    drop_audit_entries_from(home.path(), last - 2)?;
    app.by_id("audit-verify").await?.click().await?;
    app.wait_until("the verification", Duration::from_secs(15), || async {
        Ok(app.text("staff-message").await?.contains("entries were removed"))
    })
    .await?;
    app.screenshot("setup-record-verify").await?;
    app.close().await?;
    Ok(())
}
