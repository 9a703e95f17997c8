//! Support's bundle: previewed and exported by a manager, refused to a cashier.

use std::time::Duration;

use merchant_tests::{contains_bytes, AppDriver, KeyringSession, TerminalHome, TestResult};

use crate::steps::*;

#[tokio::test(flavor = "multi_thread")]
async fn support_previews_and_exports_a_bundle_and_a_cashier_cannot() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let keys = tempfile::tempdir()?;
    let out = std::process::Command::new("age-keygen")
        .arg("-o")
        .arg(keys.path().join("support.txt"))
        .output()?;
    let support_key = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("Public key: ").map(str::to_string))
        .unwrap_or_default();
    home.settings(&format!("support_recipients = [\"{support_key}\"]\n{FAST_READER}"))?;
    home.ensure_owner(Some(&session))?;
    for (name, role, pin) in [("Sup", "support", "222222"), ("Cas", "cashier", "111111")] {
        let out = merchant_tests::merchantctl_stdin(
            &session,
            &home,
            &["staff", "add", "--name", name, "--role", role],
            &format!("{pin}\n"),
        )?;
        assert_eq!(out.status.code(), Some(0));
    }

    let app = AppDriver::launch(&session, &home).await?;
    // The cashier sees no support button, and the core refuses the command anyway.
    sign_in(&app, "Cas", "111111").await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    assert!(!app.is_shown("support-button").await?);
    let refused = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('export_bundle', { request: {} })
               .then(() => done('exported'), (e) => done(e.code));",
            vec![],
        )
        .await?;
    assert_eq!(refused.as_str(), Some("forbidden"));
    app.client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'F2'}));",
            vec![],
        )
        .await?;

    // Support lands on the bundle screen: preview, then seal.
    sign_in(&app, "Sup", "222222").await?;
    app.wait_until("the support screen", Duration::from_secs(10), || async {
        app.is_shown("support").await
    })
    .await?;
    assert!(!app.is_shown("counter").await?, "support takes no payments");
    let refused = app
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const calls = [["charge_sale", {amount: "1.00"}], ["list_sales", {}], ["list_staff", {}],
                 ["get_x_report", {}], ["get_gateway_setup", {}], ["list_audit", {}], ["switch_mode", {mode: "live"}]];
               Promise.all(calls.map(([cmd, request]) => window.__TAURI_INTERNALS__.invoke(cmd, { request })
                 .then(() => cmd + ":allowed", (e) => cmd + ":" + (e.code ?? e)))).then(done);"#,
            vec![],
        )
        .await?;
    for r in refused.as_array().cloned().unwrap_or_default() {
        let r = r.as_str().unwrap_or_default();
        assert!(r.ends_with(":forbidden"), "support was not refused: {r}");
    }
    app.by_id("bundle-preview").await?.click().await?;
    app.wait_until("the preview", Duration::from_secs(20), || async {
        Ok(app.text("bundle-message").await?.contains("files will be sealed"))
    })
    .await?;
    assert!(app.text("bundle-files").await?.contains("audit.jsonl"));
    app.screenshot("11-support-preview").await?;
    app.by_id("bundle-export").await?.click().await?;
    app.wait_until("the sealed bundle", Duration::from_secs(20), || async {
        Ok(app.text("bundle-message").await?.contains("Sealed and saved"))
    })
    .await?;
    app.screenshot("12-support-exported").await?;
    app.close().await?;

    let exports: Vec<_> = std::fs::read_dir(home.path().join("exports"))?
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(exports.len(), 1);
    let out = std::process::Command::new("age")
        .args(["-d", "-i"])
        .arg(keys.path().join("support.txt"))
        .arg(&exports[0])
        .output()?;
    assert!(out.status.success(), "support opens it with age");
    assert!(contains_bytes(&out.stdout, b"manifest.json"));
    Ok(())
}
