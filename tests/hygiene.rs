//! Key hygiene through the real parts: `merchantctl` on a real keychain
//! (gnome-keyring on a private bus), localstripe over TLS, bundles opened
//! with the stock `age` and `tar`.
//!
//! - the blind index (last 4, brand) is rotated with the cache key;
//! - the extra CA is the terminal's own copy, checked by its SHA-256;
//! - processes starting together on a fresh folder make one master key;
//! - the support bundle never writes plaintext logs to `$TMPDIR`;
//! - a support member's bundle carries no sales data.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use merchant_core::vault::{BuildKind, EpochStore, KeyVersion, Keychain, KeychainNamespace, Sealer, SubKeys};
use merchant_tests::{
    binary, fail, merchantctl, merchantctl_as, merchantctl_stdin, KeyringSession, Localstripe, TerminalHome, TestPki,
    TestResult, OWNER, OWNER_PIN,
};
use serde_json::Value;

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

// --- the blind index is rotated with the cache key ---------------------------

/// A sale's (last-4 index, brand index).
type Indexes = (Vec<u8>, Vec<u8>);

/// `id → indexes` of every sale in a cache file.
fn sale_indexes(db: &Path) -> TestResult<BTreeMap<String, Indexes>> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn.prepare("SELECT id, card_last4_bidx, card_brand_bidx FROM sales")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (
                    r.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default(),
                    r.get::<_, Option<Vec<u8>>>(2)?.unwrap_or_default(),
                ),
            ))
        })?
        .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
    Ok(rows)
}

#[test]
fn a_rotation_reindexes_every_row_and_the_old_index_cannot_be_recomputed() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let mut ids = Vec::new();
    for amount in ["1.00", "2.00", "3.00", "4.00"] {
        let out = merchantctl(Some(&session), &home, &["--json", "charge", amount])?;
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        ids.push(json(&out)["sale"]["id"].as_str().unwrap_or("").to_string());
    }
    let last4 = {
        let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
        json(&out)["sales"][0]["card"]["last4"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(last4.len(), 4);
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "refund", &ids[0], "--amount", "0.50"],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // A copy of the cache as it was: what a stolen backup would hold.
    let backup = tempfile::tempdir()?;
    let cache = home.path().join("training/cache.sqlite3");
    for suffix in ["", "-wal"] {
        let from = PathBuf::from(format!("{}{suffix}", cache.display()));
        if from.exists() {
            std::fs::copy(&from, backup.path().join(format!("cache.sqlite3{suffix}")))?;
        }
    }
    let before = sale_indexes(&backup.path().join("cache.sqlite3"))?;
    assert_eq!(before.len(), 4);
    assert!(before.values().all(|(l, b)| l.len() == 16 && b.len() == 16));

    let out = merchantctl(Some(&session), &home, &["--json", "keys", "rotate-cache"])?;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let after = sale_indexes(&cache)?;
    assert_eq!(after.len(), 4);
    for (id, (l4, brand)) in &before {
        let (new_l4, new_brand) = &after[id];
        assert_ne!(l4, new_l4, "sale {id}: the last-4 index survived the rotation");
        assert_ne!(brand, new_brand, "sale {id}: the brand index survived the rotation");
    }
    {
        let conn = rusqlite::Connection::open_with_flags(&cache, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let stale: i64 = conn.query_row(
            "SELECT count(*) FROM refunds r JOIN sales s ON s.id = r.sale_id
             WHERE r.card_brand_bidx IS NOT s.card_brand_bidx",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(stale, 0, "a refund kept its sale's old brand index");
    }

    // Search by last 4 still finds every sale.
    let out = merchantctl(Some(&session), &home, &["--json", "sales", "list", "--last4", &last4])?;
    let found = json(&out)["sales"].as_array().map_or(0, Vec::len);
    assert_eq!(found, 4, "{}", stdout(&out));

    // The master key and everything now in the keychain cannot recompute the
    // backup's index values, not even by trying all 10⁴ last 4s; they do
    // recompute the new ones (so the search below would find a match).
    let terminal_id = std::fs::read_to_string(home.path().join("terminal-id"))?;
    for (k, v) in session.env() {
        std::env::set_var(k, v);
    }
    let keychain = Keychain::new(KeychainNamespace::new(BuildKind::Test, terminal_id.trim()));
    let master = || -> TestResult<SubKeys> {
        match keychain.master_key()? {
            Some(m) => Ok(SubKeys::new(m)),
            None => fail("no master key in the keychain"),
        }
    };
    let epochs = keychain.cache_epochs("training");
    let mut candidates = Vec::new();
    for v in (1..=4).map(KeyVersion) {
        if let Some(epoch) = epochs.load(v)? {
            candidates.push(Sealer::new(&master()?, &[(v, &epoch)]).blind_index());
        }
    }
    assert_eq!(candidates.len(), 1, "only the new version's epoch is left");
    let keys = master()?;
    candidates.push(
        Sealer::ephemeral(&keys)
            .with_legacy_index(&keys, KeyVersion::FIRST)
            .blind_index(),
    );
    let new_l4 = candidates[0].compute("sales", "card_last4", &last4);
    assert!(
        after.values().all(|(l, _)| *l == new_l4),
        "the control recomputes the new index"
    );
    let old: Vec<&Vec<u8>> = before.values().map(|(l, _)| l).collect();
    for index in &candidates {
        for n in 0..10_000 {
            let guess = index.compute("sales", "card_last4", &format!("{n:04}"));
            assert!(!old.contains(&&guess), "the old index was recomputed from the keychain");
        }
    }
    Ok(())
}

// --- the extra CA is the terminal's own copy ---------------------------------

#[test]
fn the_extra_ca_is_copied_in_and_a_changed_copy_is_refused() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let elsewhere = tempfile::tempdir()?;
    let original = elsewhere.path().join("proxy-ca.pem");
    std::fs::copy(pki.ca(), &original)?;
    let home = TerminalHome::new()?;
    home.settings(&format!(
        "mode = \"live\"\n[gateway]\nbase_url = \"{}\"\nomit_refund_reason = true\nrequest_timeout_ms = 5000\nmax_retries = 0\n",
        gateway.url()
    ))?;
    let out = merchantctl(
        Some(&session),
        &home,
        &[
            "--json",
            "gateway",
            "configure",
            "--extra-ca",
            &original.display().to_string(),
        ],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = merchantctl_stdin(
        &session,
        &home,
        &["--json", "gateway", "set-key"],
        "sk_test_merchantterminal01\n",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let charge = |session: &KeyringSession| {
        merchantctl(
            Some(session),
            &home,
            &["--json", "charge", "5.00", "--payment-method", "pm_card_visa"],
        )
    };

    // Another local user swaps the file that was configured: the terminal
    // goes on trusting its own copy.
    std::fs::copy(pki.path("self-signed.pem"), &original)?;
    let out = charge(&session)?;
    assert_eq!(json(&out)["sale"]["status"], "approved", "{}", stdout(&out));

    // The copy itself changed: refused, fail closed, with a clear error.
    let copies: Vec<PathBuf> = std::fs::read_dir(home.path())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("gateway-ca-"))
        })
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    let mut tampered = std::fs::read(&copies[0])?;
    tampered.extend(std::fs::read(pki.path("self-signed.pem"))?);
    std::fs::write(&copies[0], tampered)?;
    let out = charge(&session)?;
    assert_eq!(out.status.code(), Some(7), "{}", stdout(&out));
    assert_eq!(json(&out)["error"]["code"], "config_error");
    let message = json(&out)["error"]["message"].as_str().unwrap_or("").to_string();
    assert!(message.contains("CA") && message.contains("changed"), "{message}");
    Ok(())
}

// --- one master key for processes starting together --------------------------

#[test]
fn six_processes_starting_on_a_fresh_folder_make_one_master_key() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let merchantctl_bin = binary("merchantctl")?;
    for round in 0..5 {
        let home = TerminalHome::new()?;
        let children = (0..6)
            .map(|_| {
                let mut cmd = Command::new(&merchantctl_bin);
                session.envs(&mut cmd);
                cmd.arg("--home")
                    .arg(home.path())
                    .args(["--json", "staff", "init-owner", "--name", OWNER])
                    .env_remove("MERCHANT_TERMINAL_HOME")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let mut answers = Vec::new();
        for mut child in children {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(format!("{OWNER_PIN}\n").as_bytes());
            }
            let out = child.wait_with_output()?;
            answers.push((out.status.code(), json(&out)["error"].clone()));
        }
        println!("round {round}: {answers:?}");
        // One creates the owner; the others find it exists. None trips over
        // another's master key.
        let created = answers.iter().filter(|(code, _)| *code == Some(0)).count();
        assert!(created >= 1, "round {round}: no process created the owner: {answers:?}");
        assert!(
            answers.iter().all(|(code, _)| *code != Some(5)),
            "round {round}: a keychain failure while starting together: {answers:?}"
        );

        // Everything the six wrote opens with the one key now in the
        // keychain: the owner's PIN (peppered), the audit trail (MACs), the
        // cache (sealed), from any later process.
        let out = merchantctl(
            Some(&session),
            &home,
            &["--json", "charge", "2.50", "--description", "after the race"],
        )?;
        assert_eq!(out.status.code(), Some(0), "round {round}: {}", stdout(&out));
        let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
        assert_eq!(json(&out)["sales"][0]["description"], "after the race", "round {round}");
        let out = merchantctl(Some(&session), &home, &["--json", "audit", "verify"])?;
        assert_eq!(out.status.code(), Some(0), "round {round}: {}", stdout(&out));
        assert_eq!(
            json(&out)["verification"]["result"],
            "intact",
            "round {round}: {}",
            stdout(&out)
        );
    }
    Ok(())
}

// --- the support bundle ------------------------------------------------------

fn keygen(dir: &Path, name: &str) -> TestResult<String> {
    let path = dir.join(name);
    let out = Command::new("age-keygen").arg("-o").arg(&path).output()?;
    if !out.status.success() {
        return fail(format!("age-keygen: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let text = std::fs::read_to_string(&path)?;
    Ok(text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_string))
        .unwrap_or_default())
}

/// A terminal whose bundles are sealed to a fresh support identity, with a
/// support member `Sup` (PIN 222222).
fn support_terminal(session: &KeyringSession, keys: &Path) -> TestResult<TerminalHome> {
    let home = TerminalHome::new()?;
    let support_key = keygen(keys, "support.txt")?;
    home.settings(&format!("support_recipients = [\"{support_key}\"]\n"))?;
    let out = merchantctl_stdin(
        session,
        &home,
        &["staff", "add", "--name", "Sup", "--role", "support"],
        "222222\n",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    Ok(home)
}

/// `audit.jsonl` of a bundle, opened with the stock tools.
fn bundled_audit(keys: &Path, bundle: &Path) -> TestResult<String> {
    let tar = bundle.with_extension("tar");
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(keys.join("support.txt"))
        .arg("-o")
        .arg(&tar)
        .arg(bundle)
        .output()?;
    if !out.status.success() {
        return fail(format!("age -d: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let out = Command::new("tar").arg("-xOf").arg(&tar).arg("audit.jsonl").output()?;
    if !out.status.success() {
        return fail("no audit.jsonl in the bundle");
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn a_support_members_bundle_carries_no_sales_data_a_managers_does() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let keys = tempfile::tempdir()?;
    let home = support_terminal(&session, keys.path())?;
    let out = merchantctl(Some(&session), &home, &["--json", "charge", "12.34"])?;
    let sale = json(&out)["sale"]["id"].as_str().unwrap_or("").to_string();
    assert!(!sale.is_empty(), "{}", stdout(&out));
    let out = merchantctl(Some(&session), &home, &["--json", "refund", &sale, "--amount", "5.67"])?;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let export = |staff: &str, pin: &str, name: &str| -> TestResult<String> {
        let bundle = keys.path().join(name);
        let out = merchantctl_as(
            Some(&session),
            &home,
            staff,
            pin,
            &["--json", "support", "export", "--out", &bundle.display().to_string()],
            "",
        )?;
        if out.status.code() != Some(0) {
            return fail(format!("export as {staff}: {}", stdout(&out)));
        }
        bundled_audit(keys.path(), &bundle)
    };
    let full = export(OWNER, OWNER_PIN, "manager.age")?;
    let support = export("Sup", "222222", "support.age")?;
    // Every file of support's bundle (logs too), not just the trail.
    let support_all = {
        let out = Command::new("tar")
            .arg("-xOf")
            .arg(keys.path().join("support.tar"))
            .output()?;
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert!(support_all.contains("\"action\":\"charge\""));

    // The manager's copy has it all: the ids to look for in support's.
    let mut ids: Vec<String> = Vec::new();
    for line in full.lines() {
        let e: Value = serde_json::from_str(line)?;
        for field in ["actor", "object"] {
            if let Some(v) = e[field].as_str() {
                ids.push(v.to_string());
            }
        }
    }
    assert!(ids.contains(&sale), "the manager's copy names the sale");
    assert!(
        full.contains("amount=1234") && full.contains("amount=567"),
        "the manager's copy has the amounts"
    );

    assert!(
        support.lines().any(|l| l.contains("\"action\":\"charge\"")),
        "{support}"
    );
    assert!(
        support.lines().any(|l| l.contains("\"action\":\"refund\"")),
        "{support}"
    );
    for id in &ids {
        assert!(!support_all.contains(id.as_str()), "support's bundle names {id}");
    }
    let amounts = regex::Regex::new(r"(amount|captured)=[0-9]")?;
    assert!(!amounts.is_match(&support_all), "support's bundle has amounts");
    for line in support.lines() {
        let e: Value = serde_json::from_str(line)?;
        assert!(e["actor"].is_null() && e["object"].is_null(), "{line}");
        if ["charge", "refund", "capture", "void", "refund_approval"].contains(&e["action"].as_str().unwrap_or("")) {
            assert!(e["detail"].is_null(), "{line}");
        }
    }
    let manager_logs = {
        let out = Command::new("tar")
            .arg("-xOf")
            .arg(keys.path().join("manager.tar"))
            .output()?;
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert!(
        manager_logs.contains(&sale),
        "the manager's bundle (logs or trail) names the sale"
    );
    Ok(())
}

/// Writes a log big enough that redacting it takes a noticeable time.
fn big_log(home: &TerminalHome, mb: usize) -> TestResult {
    let logs = home.path().join("logs");
    std::fs::create_dir_all(&logs)?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(logs.join("old.2026-01-01.log"))?);
    let line = "2026-01-01T12:00:00Z  INFO charge{sale=01a2}: merchant_core::counter: settled status=Approved\n";
    for _ in 0..(mb * 1024 * 1024 / line.len()) {
        f.write_all(line.as_bytes())?;
    }
    f.flush()?;
    Ok(())
}

#[test]
fn support_bundle_logs_never_pass_through_tmpdir() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let keys = tempfile::tempdir()?;
    let home = support_terminal(&session, keys.path())?;
    big_log(&home, 24)?;
    let tmpdir = tempfile::tempdir()?;
    let export = |tmp: &Path, out: &str| -> TestResult<std::process::Child> {
        let mut cmd = Command::new(binary("merchantctl")?);
        session.envs(&mut cmd);
        let mut child = cmd
            .arg("--home")
            .arg(home.path())
            .args(["--staff=Sup", "--json", "support", "export", "--out", out])
            .env("TMPDIR", tmp)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(b"222222\n")?;
        }
        Ok(child)
    };
    let empty = |dir: &Path| -> TestResult<bool> { Ok(std::fs::read_dir(dir)?.next().is_none()) };

    // Watched while it runs: nothing ever appears in $TMPDIR.
    let mut child = export(tmpdir.path(), &keys.path().join("a.age").display().to_string())?;
    let started = Instant::now();
    loop {
        assert!(empty(tmpdir.path())?, "the export wrote into $TMPDIR");
        if let Some(status) = child.try_wait()? {
            assert!(status.success(), "the export failed");
            break;
        }
        if started.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            return fail("the export did not finish");
        }
        std::thread::sleep(Duration::from_millis(5));
    }

    // Killed half-way: nothing left behind.
    let mut child = export(tmpdir.path(), &keys.path().join("b.age").display().to_string())?;
    std::thread::sleep(Duration::from_millis(700));
    let _ = child.kill();
    let _ = child.wait();
    assert!(empty(tmpdir.path())?, "a killed export left a file in $TMPDIR");

    // A $TMPDIR that cannot be used at all does not matter.
    let absent = tmpdir.path().join("absent");
    let child = export(&absent, &keys.path().join("c.age").display().to_string())?;
    let out = child.wait_with_output()?;
    assert!(
        out.status.success(),
        "the export needed $TMPDIR: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!absent.exists());
    Ok(())
}
