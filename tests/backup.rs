//! Backups an owner can restore on a new machine, through the real parts:
//! `merchantctl` with a real keychain per machine (each its own Secret
//! Service), real SQLite files, and localstripe over TLS.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use merchant_tests::{
    binary, live_terminal_with, merchantctl, run_merchantctl, KeyringSession, Localstripe, TerminalHome, TestPki,
    TestResult,
};
use merchant_tests::{OWNER, OWNER_PIN};
use serde_json::Value;

const CASHIER_PIN: &str = "271828";

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn said(out: &Output) -> String {
    format!(
        "exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `merchantctl` on the data folder `home` of the machine `session`, with
/// `stdin` fed in (a PIN, a code).
fn ctl(session: &KeyringSession, home: &TerminalHome, args: &[&str], stdin: &str) -> TestResult<Output> {
    run_merchantctl(Some(session), home, args, stdin)
}

/// The owner's command on `home`: the PIN first, then `more`.
fn owner(session: &KeyringSession, home: &TerminalHome, args: &[&str], more: &str) -> TestResult<Output> {
    let mut full = vec!["--json", "--staff", OWNER];
    full.extend_from_slice(args);
    ctl(session, home, &full, &format!("{OWNER_PIN}\n{more}"))
}

fn ok(out: Output) -> TestResult<Value> {
    assert!(out.status.success(), "{}", said(&out));
    Ok(json(&out))
}

fn restore(session: &KeyringSession, home: &TerminalHome, file: &Path, code: &str) -> TestResult<Output> {
    ctl(
        session,
        home,
        &["--json", "restore", &file.display().to_string()],
        &format!("{code}\n"),
    )
}

/// What the owner sees of the terminal: every sale with its refunds, Z
/// report 1, and the audit trail, oldest entry first.
fn seen(session: &KeyringSession, home: &TerminalHome) -> TestResult<(Value, Value, Vec<Value>)> {
    let sales = ok(owner(session, home, &["sales", "list", "--since-ms", "0"], "")?)?["sales"].clone();
    let z = ok(owner(session, home, &["report", "z", "1"], "")?)?["report"].clone();
    let mut trail = ok(owner(session, home, &["audit", "show", "--limit", "1000"], "")?)?["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    trail.reverse();
    Ok((sales, z, trail))
}

/// The staff table as stored (names, roles, PIN hashes): byte for byte.
fn staff_rows(home: &Path) -> TestResult<Vec<Vec<u8>>> {
    let db = rusqlite::Connection::open(home.join("terminal.sqlite3"))?;
    let mut stmt = db.prepare("SELECT * FROM staff ORDER BY rowid")?;
    let columns = stmt.column_count();
    let rows = stmt.query_map([], |r| {
        let mut row = Vec::new();
        for i in 0..columns {
            let v: rusqlite::types::Value = r.get(i)?;
            row.extend_from_slice(format!("{v:?}|").as_bytes());
        }
        Ok(row)
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

#[test]
fn an_owner_restores_a_backup_on_a_new_machine_with_nothing_lost() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gateway, 5_000, 0)?;
    let shop = &home;
    let canary = "CANARY-table-9-birthday-cake";

    // Some practice first: a training sale, kept in the training cache.
    let training = |session: &KeyringSession, home: &TerminalHome| -> TestResult<Value> {
        ok(owner(session, home, &["mode", "training"], "")?)?;
        let sales = ok(owner(session, home, &["sales", "list", "--since-ms", "0"], "")?)?["sales"].clone();
        ok(owner(session, home, &["mode", "live"], "")?)?;
        Ok(sales)
    };
    ok(owner(&session, shop, &["mode", "training"], "")?)?;
    ok(owner(&session, shop, &["charge", "3.00", "--description", canary], "")?)?;
    ok(owner(&session, shop, &["mode", "live"], "")?)?;

    // A day at the till: a cashier, sales, a refund, a close of day.
    ok(owner(
        &session,
        shop,
        &["staff", "add", "--name", "Cas", "--role", "cashier"],
        &format!("{CASHIER_PIN}\n"),
    )?)?;
    let sale = |amount: &str| -> TestResult<String> {
        let out = merchantctl(
            Some(&session),
            &home,
            &[
                "--json",
                "charge",
                amount,
                "--payment-method",
                "pm_card_visa",
                "--description",
                canary,
            ],
        )?;
        let id = json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();
        assert!(!id.is_empty(), "{}", said(&out));
        Ok(id)
    };
    let first = sale("20.00")?;
    sale("35.00")?;
    ok(owner(
        &session,
        shop,
        &[
            "refund",
            &first,
            "--amount",
            "5.00",
            "--reason",
            "requested-by-customer",
        ],
        "",
    )?)?;
    ok(owner(&session, shop, &["report", "close"], "")?)?;

    // The kit, issued again: only the newest code opens what follows.
    let old_code = ok(owner(&session, shop, &["recovery-kit", "issue"], "")?)?["recovery_code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // The sheet is never written into the data folder, and the kit is not
    // replaced when it cannot be written.
    let kit_before = std::fs::read(shop.path().join("recovery-kit.json"))?;
    let inside = shop.path().join("recovery-sheet.pdf");
    let refused = owner(
        &session,
        shop,
        &["recovery-kit", "issue", "--pdf", &inside.display().to_string()],
        "",
    )?;
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );
    assert!(!inside.exists());
    assert_eq!(std::fs::read(shop.path().join("recovery-kit.json"))?, kit_before);
    let sheets = tempfile::tempdir()?;
    let sheet = sheets.path().join("recovery-sheet.pdf");
    let issued = owner(
        &session,
        shop,
        &["recovery-kit", "issue", "--pdf", &sheet.display().to_string()],
        "",
    )?;
    let code = ok(issued)?["recovery_code"].as_str().unwrap_or_default().to_string();
    assert_eq!(code.len(), 29, "{code}");
    assert_ne!(code, old_code);
    // The sheet to print holds the code, readable by the owner's user only.
    let printed = merchant_tests::pdf_text(&std::fs::read(&sheet)?);
    assert!(printed.contains(&code), "{printed}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&sheet)?.permissions().mode() & 0o777, 0o600);
    }
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("shop.mtbackup");
    let out = owner(&session, shop, &["backup", "--out", &file.display().to_string()], "")?;
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let made = ok(out)?;
    assert!(made["backup"]["files"].as_u64().unwrap_or(0) >= 4, "{made}");
    // Three databases (staff and audit, live, training), sealing, writing.
    for step in [
        "1/5 copying terminal.sqlite3",
        "3/5 copying training/cache.sqlite3",
        "5/5 writing",
    ] {
        assert!(
            stderr.contains(&format!("backup: {step}")),
            "progress is shown: {stderr}"
        );
    }
    let practice = training(&session, shop)?;
    assert_eq!(practice.as_array().map(Vec::len), Some(1), "{practice}");
    let (sales, z, trail) = seen(&session, shop)?;
    let staff = staff_rows(shop.path())?;

    // Sealed: no staff name, no description, no database page in the clear.
    let bytes = std::fs::read(&file)?;
    for needle in [
        canary.as_bytes(),
        OWNER.as_bytes(),
        b"SQLite format 3",
        b"sk_test_",
        code.as_bytes(),
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the backup shows {:?}",
            String::from_utf8_lossy(needle)
        );
    }

    // After the backup, one more sale.
    sale("12.00")?;

    // A new machine: its own keychain, an empty data folder.
    let machine = KeyringSession::unlocked()?;
    let fresh = &TerminalHome::new()?;
    let refused = restore(&machine, fresh, &file, &old_code)?;
    assert_eq!(refused.status.code(), Some(15), "{}", said(&refused));
    assert!(
        said(&refused).contains("does not open this backup"),
        "{}",
        said(&refused)
    );
    assert!(!said(&refused).contains(&code[..11]) && !said(&refused).contains(&old_code[..11]));
    let mistyped = restore(
        &machine,
        fresh,
        &file,
        &code.replace('-', "").chars().rev().collect::<String>(),
    )?;
    assert_eq!(mistyped.status.code(), Some(3), "{}", said(&mistyped));
    assert!(said(&mistyped).contains("not a recovery code"), "{}", said(&mistyped));
    assert!(
        !fresh.path().join("terminal.sqlite3").exists(),
        "a refused restore writes nothing"
    );

    let out = restore(&machine, fresh, &file, &code)?;
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let restored = ok(out)?;
    assert!(restored["audit"]["result"] == "intact", "{restored}");
    assert!(stderr.contains("restore: 2/4 staged"), "progress is shown: {stderr}");
    assert!(
        stderr.contains("restore: 4/4 files in place"),
        "progress is shown: {stderr}"
    );

    // The gateway key is not in a backup: the owner enters it again (a
    // live terminal shows nothing of its cache without one).
    ok(owner(
        &machine,
        fresh,
        &["gateway", "set-key"],
        "sk_test_merchantterminal01\n",
    )?)?;
    assert_eq!(training(&machine, fresh)?, practice, "the training sale");

    // Every sale, refund, staff member, Z report and audit entry up to the
    // backup is back; the restore is the trail's next entry.
    let (sales_after, z_after, trail_after) = seen(&machine, fresh)?;
    assert_eq!(sales_after, sales, "sales and refunds");
    assert_eq!(z_after, z, "Z report 1");
    assert_eq!(staff_rows(fresh.path())?, staff, "staff");
    // The snapshot was taken just before the backup's own entry.
    let cut = trail
        .iter()
        .position(|e| e["action"] == "backup_made")
        .ok_or("no backup on the trail")?;
    assert_eq!(&trail_after[..cut], &trail[..cut], "the trail up to the backup");
    assert_eq!(trail_after[cut]["action"], "restored", "{}", trail_after[cut]);
    ok(owner(&machine, fresh, &["audit", "verify"], "")?)?;
    // The cashier signs in with their own PIN on the new machine.
    let cashier = ctl(
        &machine,
        fresh,
        &["--json", "--staff", "Cas", "sales", "list"],
        &format!("{CASHIER_PIN}\n"),
    )?;
    assert!(cashier.status.success(), "{}", said(&cashier));

    // The reconciliation brings in the sale made after the backup, audited.
    ok(owner(&machine, fresh, &["reconcile", "--fix"], "")?)?;
    let (sales_now, _, trail_now) = seen(&machine, fresh)?;
    let count = |v: &Value| v.as_array().map_or(0, Vec::len);
    assert_eq!(count(&sales_now), count(&sales) + 1, "{sales_now}");
    assert!(
        sales_now
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x["amount_minor"] == 1200)),
        "{sales_now}"
    );
    assert!(trail_now.iter().any(|e| e["action"] == "reconcile_import"));
    Ok(())
}

/// A training terminal with its owner and a recovery kit, and the kit's code.
fn shop_with_kit(session: &KeyringSession) -> TestResult<(TerminalHome, String)> {
    let shop = TerminalHome::new()?;
    shop.ensure_owner(Some(session))?;
    let code = ok(owner(session, &shop, &["recovery-kit", "issue"], "")?)?["recovery_code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    Ok((shop, code))
}

#[test]
fn a_restore_refuses_a_damaged_file_and_another_terminals_folder_and_changes_nothing() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let (shop, code) = shop_with_kit(&session)?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("shop.mtbackup");
    ok(owner(
        &session,
        &shop,
        &["backup", "--out", &file.display().to_string()],
        "",
    )?)?;
    let bytes = std::fs::read(&file)?;

    let machine = KeyringSession::unlocked()?;
    let fresh = TerminalHome::new()?;
    // Truncated anywhere, or one byte changed: damaged, nothing written.
    for (name, damaged) in [
        ("truncated", bytes[..bytes.len() / 2].to_vec()),
        ("header only", bytes[..40].to_vec()),
        ("one byte", {
            let mut b = bytes.clone();
            let last = b.len() - 1;
            b[last] ^= 1;
            b
        }),
    ] {
        let bad = dir.path().join(format!("{name}.mtbackup"));
        std::fs::write(&bad, damaged)?;
        let out = restore(&machine, &fresh, &bad, &code)?;
        assert_eq!(out.status.code(), Some(15), "{name}: {}", said(&out));
        assert!(said(&out).contains("damaged"), "{name}: {}", said(&out));
        assert!(!fresh.path().join("terminal.sqlite3").exists(), "{name}");
    }

    // Another terminal's folder: refused, its files untouched.
    let other = TerminalHome::new()?;
    other.ensure_owner(Some(&machine))?;
    let before: Vec<(String, Vec<u8>)> = ["terminal-id", "terminal.sqlite3"]
        .iter()
        .map(|f| Ok((f.to_string(), std::fs::read(other.path().join(f))?)))
        .collect::<TestResult<_>>()?;
    let out = restore(&machine, &other, &file, &code)?;
    assert_eq!(out.status.code(), Some(15), "{}", said(&out));
    assert!(said(&out).contains("another terminal"), "{}", said(&out));
    for (f, was) in before {
        assert_eq!(std::fs::read(other.path().join(&f))?, was, "{f} changed");
    }
    // A path that cannot be used is named as "the backup file", never repeated.
    let nowhere = dir.path().join("no-such-folder-CANARY-7731/shop.mtbackup");
    let nowhere = nowhere.display().to_string();
    let out = restore(&machine, &fresh, Path::new(&nowhere), &code)?;
    assert!(
        said(&out).contains("could not be read") && !said(&out).contains("CANARY-7731"),
        "{}",
        said(&out)
    );
    let out = owner(&session, &shop, &["backup", "--out", &nowhere], "")?;
    assert!(
        said(&out).contains("could not be written") && !said(&out).contains("CANARY-7731"),
        "{}",
        said(&out)
    );

    // Not a way in: a copy of the whole data folder, wrapped key and all,
    // opens nothing on a machine whose keychain lacks the master key.
    let copy = TerminalHome::new()?;
    for f in merchant_tests::all_files(shop.path()) {
        let to = copy.path().join(f.strip_prefix(shop.path())?);
        std::fs::create_dir_all(to.parent().ok_or("no parent")?)?;
        std::fs::copy(&f, &to)?;
    }
    assert!(copy.path().join("recovery-kit.json").exists());
    let out = owner(&machine, &copy, &["sales", "list"], "")?;
    assert_eq!(out.status.code(), Some(5), "{}", said(&out));
    assert!(json(&out)["error"]["code"] == "key_missing", "{}", said(&out));

    // The shop's own folder, still in use: refused too.
    let out = restore(&session, &shop, &file, &code)?;
    assert_eq!(out.status.code(), Some(15), "{}", said(&out));
    assert!(said(&out).contains("already holds a terminal"), "{}", said(&out));
    Ok(())
}

/// Runs `args` on `home` until the process reaches the crash point `point`,
/// then kills it there (SIGKILL).
fn kill_at(session: &KeyringSession, home: &TerminalHome, args: &[&str], stdin: &str, point: &str) -> TestResult {
    let marks = tempfile::tempdir()?;
    let mark = marks.path().join("reached");
    let mut cmd = Command::new(binary("merchantctl")?);
    session.envs(&mut cmd);
    let mut child = cmd
        .arg("--home")
        .arg(home.path())
        .args(args)
        .env("MERCHANT_CRASH_POINT", point)
        .env("MERCHANT_CRASH_MARK", &mark)
        .env_remove("MERCHANT_TERMINAL_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut i) = child.stdin.take() {
        use std::io::Write;
        i.write_all(stdin.as_bytes())?;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_to_string(&mark).unwrap_or_default().trim() != point {
        if let Some(status) = child.try_wait()? {
            return Err(format!("ended before {point}: {status}").into());
        }
        if std::time::Instant::now() > deadline {
            child.kill()?;
            return Err(format!("{point} was not reached").into());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill()?;
    child.wait()?;
    Ok(())
}

#[test]
fn a_kill_during_a_backup_or_a_restore_leaves_nothing_that_passes_for_a_good_one() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let (shop, code) = shop_with_kit(&session)?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("shop.mtbackup");
    let file_arg = file.display().to_string();

    // Killed half-way through writing: no backup file at all.
    kill_at(
        &session,
        &shop,
        &["--staff", OWNER, "backup", "--out", &file_arg],
        &format!("{OWNER_PIN}\n"),
        "backup.half_written",
    )?;
    assert!(!file.exists(), "a half-written backup took the file's name");
    ok(owner(&session, &shop, &["backup", "--out", &file_arg], "")?)?;

    // Killed with the files staged, and again with the keys in the
    // keychain: the folder will not start, and says why; run again, the
    // restore finishes and the trail verifies.
    for point in ["restore.staged", "restore.keychain"] {
        let machine = KeyringSession::unlocked()?;
        let fresh = TerminalHome::new()?;
        kill_at(
            &machine,
            &fresh,
            &["--json", "restore", &file_arg],
            &format!("{code}\n"),
            point,
        )?;
        let start = owner(&machine, &fresh, &["sales", "list"], "")?;
        assert_eq!(start.status.code(), Some(15), "{point}: {}", said(&start));
        assert!(said(&start).contains("interrupted"), "{point}: {}", said(&start));
        let again = restore(&machine, &fresh, &file, &code)?;
        let restored = ok(again)?;
        assert!(restored["audit"]["result"] == "intact", "{point}: {restored}");
        ok(owner(&machine, &fresh, &["audit", "verify"], "")?)?;
    }
    Ok(())
}
