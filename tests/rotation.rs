//! The key rotation drill through the real parts: the cache key (real
//! keychain, real SQLite file), the gateway key (localstripe over real TLS)
//! and the support bundle's recipient (the stock `age` tool opens it).

use std::process::Command;

use merchant_tests::{merchantctl, merchantctl_stdin, KeyringSession, Localstripe, TerminalHome, TestPki, TestResult};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn ok(out: std::process::Output) -> TestResult<Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(json(&out))
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> TestResult {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Every sealed value's key version, read from its header in the file.
fn sealed_versions(cache: &std::path::Path) -> TestResult<std::collections::BTreeSet<u32>> {
    let db = rusqlite::Connection::open(cache)?;
    let mut versions = std::collections::BTreeSet::new();
    for sql in [
        "SELECT gateway_ref, card_brand, card_last4, card_expiry, description, card_receipt FROM sales",
        "SELECT gateway_ref, note, NULL, NULL, NULL, NULL FROM refunds",
    ] {
        let mut stmt = db.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for i in 0..6 {
                if let Some(v) = row.get::<_, Option<Vec<u8>>>(i)? {
                    versions.insert(u32::from_le_bytes([v[0], v[1], v[2], v[3]]));
                }
            }
        }
    }
    Ok(versions)
}

#[test]
fn cache_key_rotation_reseals_every_record_and_destroys_the_old_key() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let mut first_sale = String::new();
    for i in 0..6 {
        let out = ok(merchantctl(
            Some(&session),
            &home,
            &[
                "--json",
                "charge",
                &format!("{i}.50"),
                "--description",
                &format!("table {i}"),
            ],
        )?)?;
        if i == 0 {
            first_sale = out["sale"]["id"].as_str().unwrap_or_default().to_string();
        }
    }
    ok(merchantctl_stdin(
        &session,
        &home,
        &["--json", "refund", &first_sale, "--note", "cold coffee"],
        "",
    )?)?;
    let before = ok(merchantctl(Some(&session), &home, &["--json", "sales", "list"])?)?;
    let cache = home.path().join("training/cache.sqlite3");
    assert_eq!(sealed_versions(&cache)?, [1].into());
    // A backup taken before the rotation (same terminal, same keychain).
    let backup = TerminalHome::new()?;
    copy_dir(home.path(), backup.path())?;

    let rotated = ok(merchantctl_stdin(
        &session,
        &home,
        &["--json", "keys", "rotate-cache", "--batch", "2"],
        "",
    )?)?;
    assert_eq!(
        rotated["rotation"],
        serde_json::json!({ "from": 1, "to": 2, "sales": 6, "refunds": 1 })
    );
    println!("cache key rotation: {}", rotated["rotation"]);

    // Every value in the file now names version 2, and reads as before.
    assert_eq!(sealed_versions(&cache)?, [2].into());
    let db = rusqlite::Connection::open(&cache)?;
    let old_rows: i64 = db.query_row(
        "SELECT (SELECT count(*) FROM sales WHERE key_version <> 2) + (SELECT count(*) FROM refunds WHERE key_version <> 2)",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(old_rows, 0);
    let after = ok(merchantctl(Some(&session), &home, &["--json", "sales", "list"])?)?;
    assert_eq!(after, before);
    let status = ok(merchantctl_stdin(&session, &home, &["--json", "keys", "status"], "")?)?;
    let states: Vec<(u64, String)> = status["keys"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|k| {
            (
                k["version"].as_u64().unwrap_or(0),
                k["state"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(states, vec![(1, "destroyed".into()), (2, "current".into())]);

    // The old key is gone from the keychain: the backup cannot be read.
    let out = merchantctl(Some(&session), &backup, &["--json", "sales", "list"])?;
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json(&out)["error"]["code"], "key_missing");
    assert!(json(&out)["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("cache-key/training/v1"));

    // New work uses the new key; the rotation is on the audit trail.
    ok(merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "7.00", "--description", "after"],
    )?)?;
    assert_eq!(sealed_versions(&cache)?, [2].into());
    let audit = ok(merchantctl_stdin(&session, &home, &["--json", "audit", "show"], "")?)?;
    assert!(
        audit.to_string().contains("cache_key_rotated"),
        "the rotation is audited"
    );
    assert_eq!(
        merchantctl_stdin(&session, &home, &["audit", "verify"], "")?
            .status
            .code(),
        Some(0)
    );
    // A cashier may not rotate.
    ok(merchantctl_stdin(
        &session,
        &home,
        &["staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?)?;
    let out = merchant_tests::merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "keys", "rotate-cache"],
        "",
    )?;
    assert_eq!(json(&out)["error"]["code"], "forbidden");
    Ok(())
}

#[test]
fn gateway_key_rotation_the_new_key_works_and_the_old_one_is_refused() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let home = merchant_tests::live_terminal_with(&session, &pki, &gateway, 5_000, 2)?;
    ok(merchantctl(Some(&session), &home, &["mode", "live"])?)?;
    const OLD: &str = "sk_test_merchantterminal01";
    const NEW: &str = "sk_test_rotatedkey000002";
    let sale = ok(merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "30.00", "--payment-method", "pm_card_visa"],
    )?)?;
    assert_eq!(sale["sale"]["status"], "approved");
    let sale_id = sale["sale"]["id"].as_str().unwrap_or_default().to_string();

    // The owner rolls the key: the new one is checked, then replaces the old.
    let set = ok(merchantctl_stdin(
        &session,
        &home,
        &["--json", "gateway", "set-key"],
        &format!("{NEW}\n"),
    )?)?;
    assert_eq!(set["key"], "sk_test_…0002");
    // The gateway expires the old key.
    gateway.revoke_key(&pki, OLD)?;

    // Everything goes on with the new key: a charge, and a refund of a sale
    // taken under the old one.
    let after = ok(merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "12.00", "--payment-method", "pm_card_visa"],
    )?)?;
    assert_eq!(after["sale"]["status"], "approved");
    let refund = ok(merchantctl_stdin(
        &session,
        &home,
        &["--json", "refund", &sale_id, "--amount", "5.00"],
        "",
    )?)?;
    assert_eq!(refund["refund"]["status"], "succeeded");

    // The old key is refused by the gateway and not kept.
    let out = merchantctl_stdin(&session, &home, &["--json", "gateway", "set-key"], &format!("{OLD}\n"))?;
    assert_eq!(
        json(&out)["error"]["code"],
        "gateway_key_rejected",
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let shown = ok(merchantctl_stdin(&session, &home, &["--json", "gateway", "show"], "")?)?;
    assert_eq!(shown["key"], "sk_test_…0002", "the new key is still the one in use");
    for text in [
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    ] {
        assert!(!text.contains("merchantterminal01"), "the old key is never echoed");
    }
    // Had the new key been revoked too, a charge is refused as a key problem
    // and nothing is charged or left in doubt.
    gateway.revoke_key(&pki, NEW)?;
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "1.00", "--payment-method", "pm_card_visa"],
    )?;
    let failed = json(&out);
    assert!(
        failed["sale"]["status"] == "failed" || failed["error"]["code"] == "gateway_key_rejected",
        "{failed}"
    );
    let list = ok(merchantctl(Some(&session), &home, &["--json", "sales", "list"])?)?;
    assert!(!list.to_string().contains("in_doubt"));
    Ok(())
}

fn keygen(dir: &std::path::Path, name: &str) -> TestResult<String> {
    let path = dir.join(name);
    let out = Command::new("age-keygen").arg("-o").arg(&path).output()?;
    assert!(out.status.success());
    Ok(std::fs::read_to_string(&path)?
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_string))
        .unwrap_or_default())
}

fn opens_with(bundle: &std::path::Path, identity: &std::path::Path) -> TestResult<bool> {
    let out = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(identity)
        .arg(bundle)
        .output()?;
    Ok(out.status.success() && !out.stdout.is_empty())
}

#[test]
fn support_recipient_rotation_seals_new_bundles_to_the_new_key_only() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let keys = tempfile::tempdir()?;
    let old = keygen(keys.path(), "old.txt")?;
    let new = keygen(keys.path(), "new.txt")?;
    ok(merchantctl_stdin(
        &session,
        &home,
        &["--json", "keys", "recipients", &old],
        "",
    )?)?;
    let before = keys.path().join("before.age");
    ok(merchantctl_stdin(
        &session,
        &home,
        &["--json", "support", "export", "--out", &before.display().to_string()],
        "",
    )?)?;
    assert!(opens_with(&before, &keys.path().join("old.txt"))?);

    // A bad key is refused and changes nothing.
    let out = merchantctl_stdin(&session, &home, &["--json", "keys", "recipients", "age1notakey"], "")?;
    assert_eq!(
        json(&out)["error"]["code"],
        "invalid_input",
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    assert!(settings.contains(&old));

    // Support's key is replaced.
    ok(merchantctl_stdin(
        &session,
        &home,
        &["--json", "keys", "recipients", &new],
        "",
    )?)?;
    let after = keys.path().join("after.age");
    ok(merchantctl_stdin(
        &session,
        &home,
        &["--json", "support", "export", "--out", &after.display().to_string()],
        "",
    )?)?;
    assert!(opens_with(&after, &keys.path().join("new.txt"))?);
    assert!(
        !opens_with(&after, &keys.path().join("old.txt"))?,
        "the retired key cannot read new bundles"
    );
    assert!(
        opens_with(&before, &keys.path().join("old.txt"))?,
        "earlier bundles stay with the key they were sealed to"
    );
    let audit = ok(merchantctl_stdin(&session, &home, &["--json", "audit", "show"], "")?)?;
    assert!(audit.to_string().contains("support_recipients_changed"));
    Ok(())
}
