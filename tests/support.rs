//! The support bundle through the real parts: exported by `merchantctl` as
//! the support role, opened with the stock `age` command and `tar`, and
//! refused to a cashier and to anyone without the support identity.

use std::process::Command;

use merchant_tests::{
    contains_bytes, merchantctl, merchantctl_as, merchantctl_stdin, KeyringSession, TerminalHome, TestResult,
};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn keygen(dir: &std::path::Path, name: &str) -> TestResult<String> {
    let path = dir.join(name);
    let out = Command::new("age-keygen").arg("-o").arg(&path).output()?;
    assert!(
        out.status.success(),
        "age-keygen: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&path)?;
    Ok(text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_string))
        .unwrap_or_default())
}

#[test]
fn support_exports_a_bundle_only_support_can_open() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let keys = tempfile::tempdir()?;
    let support_key = keygen(keys.path(), "support.txt")?;
    keygen(keys.path(), "stranger.txt")?;
    home.settings(&format!("support_recipients = [\"{support_key}\"]\n"))?;
    let out = merchantctl_stdin(
        &session,
        &home,
        &["staff", "add", "--name", "Sup", "--role", "support"],
        "222222\n",
    )?;
    assert_eq!(out.status.code(), Some(0));
    merchantctl_stdin(
        &session,
        &home,
        &["staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?;

    // Some history, with canaries that must not come out.
    let canary_key = format!("sk_test_{}", "BundleCanary99887766");
    merchantctl(
        Some(&session),
        &home,
        &["charge", "9.99", "--description", "CANARY-BUNDLE-DESC"],
    )?;
    merchantctl(
        Some(&session),
        &home,
        &["gateway", "configure", "--base-url", "https://127.0.0.1:9/"],
    )?;
    merchantctl_stdin(&session, &home, &["gateway", "set-key"], &format!("{canary_key}\n"))?;

    // Preview first: the manifest lists what will be sealed.
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Sup",
        "222222",
        &["--json", "support", "preview"],
        "",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let files: Vec<String> = json(&out)["manifest"]["files"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["path"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    assert!(files.contains(&"diagnostics.json".to_string()) && files.contains(&"audit.jsonl".to_string()));
    assert!(files.iter().any(|f| f.starts_with("logs/")), "{files:?}");

    // A cashier cannot export.
    let bundle = keys.path().join("bundle.age");
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Cas",
        "111111",
        &["--json", "support", "export", "--out", &bundle.display().to_string()],
        "",
    )?;
    assert_eq!(json(&out)["error"]["code"], "forbidden");
    assert!(!bundle.exists());

    let out = merchantctl_as(
        Some(&session),
        &home,
        "Sup",
        "222222",
        &["--json", "support", "export", "--out", &bundle.display().to_string()],
        "",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let sealed = std::fs::read(&bundle)?;
    assert!(sealed.starts_with(b"age-encryption.org/v1"));

    // Another identity cannot open it; the support identity can, with stock tools.
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(keys.path().join("stranger.txt"))
        .arg(&bundle)
        .output()?;
    assert!(!out.status.success(), "a stranger opened the bundle");
    let opened = keys.path().join("opened");
    std::fs::create_dir_all(&opened)?;
    let tar_path = keys.path().join("bundle.tar");
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(keys.path().join("support.txt"))
        .arg("-o")
        .arg(&tar_path)
        .arg(&bundle)
        .output()?;
    assert!(out.status.success(), "age -d: {}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new("tar")
        .arg("-xf")
        .arg(&tar_path)
        .arg("-C")
        .arg(&opened)
        .output()?;
    assert!(out.status.success());

    let manifest: Value = serde_json::from_slice(&std::fs::read(opened.join("manifest.json"))?)?;
    let diagnostics: Value = serde_json::from_slice(&std::fs::read(opened.join("diagnostics.json"))?)?;
    assert_eq!(diagnostics["terminal_db_integrity"], "ok");
    assert_eq!(diagnostics["cache_integrity"], "ok");
    assert_eq!(diagnostics["audit"]["result"], "intact");
    assert!(
        manifest["audit_head"].as_str().is_some_and(|h| h.contains(':')),
        "the bundle anchors the audit chain"
    );
    let audit = std::fs::read_to_string(opened.join("audit.jsonl"))?;
    assert!(audit.lines().any(|l| l.contains("\"action\":\"charge\"")));
    // The export itself is audited (after the bundle was sealed).
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "show", "--limit", "5"])?;
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"action\":\"export\""));

    // Nothing secret or customer-specific inside.
    let mut all = Vec::new();
    let _ = Command::new("tar")
        .arg("-xOf")
        .arg(&tar_path)
        .output()
        .map(|o| all.extend(o.stdout));
    assert!(!all.is_empty());
    for needle in ["CANARY-BUNDLE-DESC", "BundleCanary99887766", "424242", "222222"] {
        assert!(!contains_bytes(&all, needle.as_bytes()), "{needle} is in the bundle");
    }
    Ok(())
}

/// Runs a command to completion, sampling its peak resident memory (VmHWM).
fn peak_rss_kb(mut cmd: Command, stdin: &str) -> TestResult<(std::process::ExitStatus, u64)> {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    if let Some(mut i) = child.stdin.take() {
        i.write_all(stdin.as_bytes())?;
    }
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kb);
            }
        }
        if let Some(status) = child.try_wait()? {
            return Ok((status, peak));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_large_log_streams_into_the_bundle_with_flat_memory() -> TestResult {
    // 64 MB in the suite; MERCHANT_BUNDLE_LOG_MB=500 for the full-size run.
    let mb: usize = std::env::var("MERCHANT_BUNDLE_LOG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let keys = tempfile::tempdir()?;
    let support_key = keygen(keys.path(), "support.txt")?;
    home.settings(&format!("support_recipients = [\"{support_key}\"]\n"))?;
    merchantctl_stdin(
        &session,
        &home,
        &["staff", "add", "--name", "Sup", "--role", "support"],
        "222222\n",
    )?;

    let export = |out: &str| -> TestResult<(bool, u64)> {
        let mut cmd = Command::new(merchant_tests::binary("merchantctl")?);
        session.envs(&mut cmd);
        cmd.arg("--home")
            .arg(home.path())
            .args(["--staff", "Sup", "support", "export", "--out", out]);
        let (status, peak) = peak_rss_kb(cmd, "222222\n")?;
        Ok((status.success(), peak))
    };
    let (ok, small_peak) = export(&keys.path().join("small.age").display().to_string())?;
    assert!(ok);

    let logs = home.path().join("logs");
    std::fs::create_dir_all(&logs)?;
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(logs.join("old.2026-01-01.log"))?);
        let line = "2026-01-01T12:00:00Z  INFO charge{sale=01a2 amount=1250 currency=USD}: merchant_core::counter: settled status=Approved\n";
        for _ in 0..(mb * 1024 * 1024 / line.len()) {
            f.write_all(line.as_bytes())?;
        }
        f.flush()?;
    }
    let big = keys.path().join("big.age");
    let started = std::time::Instant::now();
    let (ok, big_peak) = export(&big.display().to_string())?;
    let secs = started.elapsed().as_secs_f64();
    assert!(ok);
    let sealed_mb = std::fs::metadata(&big)?.len() as f64 / 1e6;
    println!(
        "bundle streaming: {mb} MB log → {sealed_mb:.1} MB sealed in {secs:.1} s; peak RSS {} MB vs {} MB with no log",
        big_peak / 1024,
        small_peak / 1024
    );
    assert!(sealed_mb > mb as f64, "the whole log went in");
    // Memory does not grow with the log: well under its size above the baseline.
    assert!(
        big_peak.saturating_sub(small_peak) < 16 * 1024,
        "peak grew by {} MB for a {mb} MB log",
        big_peak.saturating_sub(small_peak) / 1024
    );
    Ok(())
}
