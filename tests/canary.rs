//! The canary rule through the real parts: known PINs, keys, emails and
//! descriptions pushed through success, decline, refusal, error and crash
//! paths (a SIGKILL mid-charge) and a cache key rotation; then every file the
//! terminal wrote (databases, WAL, logs) and every artefact it hands out (a
//! receipt and a Z report as PDF, the CSV, the support bundle opened with
//! `age`) is scanned with the one matcher (`scan`): raw, UTF-16, hex,
//! base64, URL-encoded, and inside deflated PDF streams.

use merchant_tests::scan::{keygen, open_bundle, scan_file};
use merchant_tests::{
    all_files, merchantctl, merchantctl_as, merchantctl_stdin, KeyringSession, TerminalHome, TestResult, OWNER_PIN,
};

#[test]
fn no_canary_reaches_any_file_in_the_clear() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let outside = tempfile::tempdir()?;
    let support_identity = outside.path().join("support.txt");
    let recipients = format!("support_recipients = [\"{}\"]\n", keygen(&support_identity)?);
    home.settings(&recipients)?;
    let description = "CANARY-DESC-7731 for ann.canary@example.com";
    let wrong_pin = "987654";
    let fake_key = format!("sk_test_{}", "CanaryKey0000111122223333");

    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "12.50", "--description", description],
    )?;
    assert_eq!(out.status.code(), Some(0));
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout)?["sale"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    merchantctl(
        Some(&session),
        &home,
        &[
            "charge",
            "3",
            "--card",
            "insufficient-funds",
            "--description",
            description,
        ],
    )?;
    merchantctl(Some(&session), &home, &["charge", "4", "--card", "processing-error"])?;
    merchantctl(
        Some(&session),
        &home,
        &["refund", &id, "--amount", "2", "--note", description],
    )?;
    // A description holding a card number is refused (and not logged).
    let card_like = format!("4000{}0077", "0".repeat(8));
    let refused = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "5", "--description", &format!("card {card_like}")],
    )?;
    assert_ne!(
        refused.status.code(),
        Some(0),
        "a card number in a description is refused"
    );
    assert!(!String::from_utf8_lossy(&refused.stdout).contains(&card_like));
    merchantctl_as(Some(&session), &home, "Owner", wrong_pin, &["sales", "list"], "")?;
    // A gateway key pushed through set-key against an unreachable gateway.
    merchantctl(
        Some(&session),
        &home,
        &["gateway", "configure", "--base-url", "https://127.0.0.1:9/"],
    )?;
    merchantctl_stdin(&session, &home, &["gateway", "set-key"], &format!("{fake_key}\n"))?;
    // A crash: killed while the reader waits for the card, after the sale
    // and its description were journaled.
    home.settings(&format!(
        "{recipients}[training_reader]\ntap_ms = 3000\nslow_ms = 3000\ntimeout_ms = 5000\n"
    ))?;
    let mut cmd = std::process::Command::new(merchant_tests::binary("merchantctl")?);
    session.envs(&mut cmd);
    let mut child = cmd
        .arg("--home")
        .arg(home.path())
        .args([
            "--staff",
            merchant_tests::OWNER,
            "charge",
            "6.00",
            "--description",
            description,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin.write_all(format!("{OWNER_PIN}\n").as_bytes())?;
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(child.try_wait()?.is_none(), "the charge was still waiting for the card");
    child.kill()?; // SIGKILL
    child.wait()?;
    // Every record re-sealed under a new key (old and new ciphertexts may
    // both sit in the WAL: neither is in clear).
    let rotated = merchantctl_stdin(&session, &home, &["keys", "rotate-cache"], "")?;
    assert_eq!(
        rotated.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rotated.stdout)
    );

    let files = all_files(home.path());
    let logs: Vec<_> = files
        .iter()
        .filter(|p| p.to_string_lossy().contains("/logs/"))
        .collect();
    assert!(!logs.is_empty(), "the CLI writes log files");
    let log_text: String = logs.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect();
    assert!(
        log_text.contains("settled"),
        "the logs record the charges (so the scan means something)"
    );

    // Every artefact the terminal hands out, made after all of the above.
    let made = outside.path().join("made");
    std::fs::create_dir_all(&made)?;
    let path = |name: &str| made.join(name).display().to_string();
    let owner = |args: &[&str]| -> TestResult {
        let out = merchantctl(Some(&session), &home, args)?;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    };
    owner(&["receipt", &id, "--merchant", "--pdf", &path("receipt.pdf")])?;
    owner(&["report", "close", "--pdf", &path("z.pdf")])?;
    owner(&["report", "csv", "--out", &path("sales.csv")])?;
    let bundle = path("bundle.age");
    owner(&["support", "export", "--out", &bundle])?;
    let opened = outside.path().join("opened");
    open_bundle(std::path::Path::new(&bundle), &support_identity, &opened)?;
    let csv = std::fs::read_to_string(made.join("sales.csv"))?;
    assert!(
        csv.contains(&id),
        "the CSV lists the sale (so the scan means something)"
    );

    // Secrets never appear anywhere. The description is the shop's own
    // text: printed on the customer's receipt and in the CSV by design, but
    // never kept in the clear and never in support's bundle.
    let secrets: Vec<String> = [
        wrong_pin,
        OWNER_PIN,
        fake_key.as_str(),
        "CanaryKey0000",
        card_like.as_str(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut everything = secrets.clone();
    everything.extend(["CANARY-DESC-7731".to_string(), "ann.canary@example.com".to_string()]);
    let handed_to_the_customer: Vec<_> = all_files(&made)
        .into_iter()
        .filter(|p| !p.ends_with("bundle.age"))
        .collect();
    let mut found = Vec::new();
    for f in files.iter().chain(all_files(&opened).iter()) {
        found.extend(scan_file(f, &everything, Some(&card_like)));
    }
    for f in &handed_to_the_customer {
        found.extend(scan_file(f, &secrets, Some(&card_like)));
    }
    assert_eq!(
        handed_to_the_customer.len(),
        3,
        "receipt, Z report and CSV were scanned"
    );
    assert!(!all_files(&opened).is_empty(), "the bundle was scanned");
    assert!(found.is_empty(), "canaries in the clear:\n{}", found.join("\n"));
    Ok(())
}
