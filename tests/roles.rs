//! Roles, approval, lockout and the audit trail through the real CLI, a real
//! keychain and the real database files.

use merchant_tests::{merchantctl, merchantctl_as, merchantctl_stdin, KeyringSession, TerminalHome, TestResult};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn code(out: &std::process::Output) -> String {
    json(out)["error"]["code"].as_str().unwrap_or("").to_string()
}

/// How many refusals the audit trail holds.
fn denied(session: &KeyringSession, home: &TerminalHome) -> TestResult<usize> {
    let out = merchantctl(Some(session), home, &["--json", "audit", "show", "--limit", "500"])?;
    Ok(json(&out)["entries"]
        .as_array()
        .map(|a| a.iter().filter(|e| e["action"] == "permission_denied").count())
        .unwrap_or(0))
}

/// A terminal with an owner, a cashier ("Cas", 111111) and support ("Sup", 222222).
fn staffed(session: &KeyringSession) -> TestResult<TerminalHome> {
    let home = TerminalHome::new()?;
    for (name, role, pin) in [("Cas", "cashier", "111111"), ("Sup", "support", "222222")] {
        let out = merchantctl_stdin(
            session,
            &home,
            &["--json", "staff", "add", "--name", name, "--role", role],
            &format!("{pin}\n"),
        )?;
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    }
    home.settings("refund_approval_above_major = 20\n")?;
    Ok(home)
}

#[test]
fn each_role_may_do_only_its_own_work() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = staffed(&session)?;
    let sale = merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "charge", "5.00"],
        "",
    )?;
    assert_eq!(sale.status.code(), Some(0));
    let sale_id = json(&sale)["sale"]["id"].as_str().unwrap_or_default().to_string();

    // (command, cashier allowed, support allowed); the owner may do all.
    let matrix: Vec<(Vec<&str>, bool, bool)> = vec![
        (vec!["charge", "1.00"], true, false),
        (vec!["sales", "list"], true, false),
        (vec!["resolve"], true, false),
        (vec!["refund", &sale_id, "--amount", "0.50"], true, false),
        (vec!["charge", "1.00", "--manual-capture"], true, false),
        (vec!["void", &sale_id], false, false),
        (vec!["mode", "training"], false, false),
        (
            vec!["gateway", "configure", "--base-url", "https://api.stripe.com/"],
            false,
            false,
        ),
        (vec!["audit", "show"], false, false),
        (vec!["audit", "verify"], false, true),
        (vec!["staff", "unlock", "Cas"], false, false),
    ];
    let mut refusals = 0;
    for (args, cashier, support) in matrix {
        for (who, pin, allowed) in [("Cas", "111111", cashier), ("Sup", "222222", support)] {
            let mut full = vec!["--json"];
            full.extend(args.iter());
            let out = merchantctl_as(Some(&session), &home, who, pin, &full, "")?;
            if allowed {
                // Allowed means done: a crash or any other refusal fails too.
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{who} should be allowed {args:?}: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
            } else {
                refusals += 1;
                assert_eq!(
                    code(&out),
                    "forbidden",
                    "{who} must be refused {args:?}: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
                assert_eq!(out.status.code(), Some(12));
                assert_eq!(
                    denied(&session, &home)?,
                    refusals,
                    "{who} refused {args:?}: audited once"
                );
            }
        }
    }
    assert_eq!(denied(&session, &home)?, refusals, "every refusal audited, once");
    Ok(())
}

#[test]
fn a_large_refund_needs_a_managers_pin() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = staffed(&session)?;
    let sale = merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "charge", "50.00"],
        "",
    )?;
    let id = json(&sale)["sale"]["id"].as_str().unwrap_or_default().to_string();

    let out = merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "refund", &id, "--amount", "30"],
        "",
    )?;
    assert_eq!(code(&out), "needs_approval");
    // Another cashier cannot approve; a wrong manager PIN cannot either.
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "refund", &id, "--amount", "30", "--approver", "Sup"],
        "222222\n",
    )?;
    assert_eq!(code(&out), "forbidden");
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "refund", &id, "--amount", "30", "--approver", "Owner"],
        "999999\n",
    )?;
    assert_eq!(code(&out), "wrong_pin");
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "refund", &id, "--amount", "30", "--approver", "Owner"],
        "424242\n",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json(&out)["refund"]["refundable_display"], "$20.00");
    // A small refund needs no approval.
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "refund", &id, "--amount", "5"],
        "",
    )?;
    assert_eq!(out.status.code(), Some(0));

    let out = merchantctl(Some(&session), &home, &["--json", "audit", "show"])?;
    let entries = json(&out)["entries"].as_array().cloned().unwrap_or_default();
    let approval = entries
        .iter()
        .find(|e| e["action"] == "refund_approval" && e["outcome"] == "ok");
    assert!(approval.is_some(), "the approver is recorded");
    Ok(())
}

#[test]
fn wrong_pins_slow_down_and_are_audited() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = staffed(&session)?;
    for _ in 0..3 {
        let out = merchantctl_as(Some(&session), &home, "Cas", "000000", &["--json", "sales", "list"], "")?;
        assert_eq!(code(&out), "wrong_pin");
    }
    // The wait is 2 s from the third failure; a loaded machine can take
    // that long to start the next process. Move the failures forward, as
    // if the right PIN came at once, so the check does not race the clock.
    let db = rusqlite::Connection::open(home.path().join("terminal.sqlite3"))?;
    db.busy_timeout(std::time::Duration::from_secs(10))?;
    let moved = db.execute("UPDATE pin_failures SET last_failure_ms = last_failure_ms + 60000", [])?;
    assert!(moved > 0, "the failures are counted where this version keeps them");
    drop(db);
    let out = merchantctl_as(Some(&session), &home, "Cas", "111111", &["--json", "sales", "list"], "")?;
    assert_eq!(code(&out), "slow_down", "even the right PIN waits after three failures");
    assert!(json(&out)["error"]["message"].as_str().unwrap_or("").contains("wait"));
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "show"])?;
    let entries = |out: &std::process::Output| json(out)["entries"].as_array().cloned().unwrap_or_default();
    let failed = entries(&out)
        .iter()
        .filter(|e| e["action"] == "pin_failed" && e["outcome"] == "denied")
        .count();
    assert_eq!(failed, 3);
    // No PIN ever reaches the trail.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("111111"));

    // The trail's own words filter it, and only those words.
    let filter = [
        "--json",
        "audit",
        "show",
        "--action",
        "pin_failed",
        "--outcome",
        "denied",
    ];
    let filtered = entries(&merchantctl(Some(&session), &home, &filter)?);
    assert_eq!(filtered.len(), 3, "{filtered:?}");
    assert!(entries(&out).len() > filtered.len());
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "audit", "show", "--outcome", "x' OR 1=1 --"],
    )?;
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--outcome") && !said.contains("OR 1=1"), "{said}");
    Ok(())
}

#[test]
fn audit_verify_finds_an_edited_file_and_a_truncated_one() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = staffed(&session)?;
    for amount in ["1", "2", "3"] {
        merchantctl(Some(&session), &home, &["charge", amount])?;
    }
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Sup",
        "222222",
        &["--json", "audit", "verify"],
        "",
    )?;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["verification"]["result"], "intact");
    let anchor = json(&out)["head"].as_str().unwrap_or_default().to_string();

    // Someone with the file removes the last entries: the chain alone still
    // verifies, the anchor taken earlier does not.
    let db = rusqlite::Connection::open(home.path().join("terminal.sqlite3"))?;
    db.execute_batch("DROP TRIGGER audit_append_only_delete; DROP TRIGGER audit_append_only_update;")?;
    let last: i64 = db.query_row("SELECT MAX(seq) FROM audit", [], |r| r.get(0))?;
    db.execute("DELETE FROM audit WHERE seq > ?1", [last - 3])?;
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Sup",
        "222222",
        &["--json", "audit", "verify", "--anchor", &anchor],
        "",
    )?;
    assert_eq!(
        json(&out)["verification"]["result"],
        "truncated",
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(6));

    // An edited amount breaks the chain at that entry.
    let charge_seq: i64 = db.query_row("SELECT MIN(seq) FROM audit WHERE action = 'charge'", [], |r| r.get(0))?;
    db.execute("UPDATE audit SET detail = 'amount=1 USD' WHERE seq = ?1", [charge_seq])?;
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Sup",
        "222222",
        &["--json", "audit", "verify"],
        "",
    )?;
    assert_eq!(json(&out)["verification"]["result"], "broken_at");
    assert_eq!(json(&out)["verification"]["seq"], charge_seq);
    Ok(())
}
