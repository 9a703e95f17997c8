//! The owner's Backups section: a new recovery kit (its code shown once)
//! and Back up now; the file it writes is then restored on a new machine
//! with the code as the window showed it.

use merchant_tests::{binary, AppDriver, KeyringSession, TerminalHome, TestResult};

use crate::steps::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_issues_a_recovery_kit_and_backs_up_from_the_window() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings(FAST_READER)?;
    home.ensure_owner(Some(&session))?;
    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;
    type_amount(&app, "4.20").await?;
    app.by_id("charge-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    app.by_id("new-sale-button").await?.click().await?;

    app.by_id("staff-button").await?.click().await?;
    wait_text(&app, "backups-state", "A recovery kit exists").await?;
    assert!(app.text("backups-state").await?.contains("never"));
    app.by_id("backups-issue-kit").await?.click().await?;
    wait_text(&app, "backups-kit-code", "shown only this once").await?;
    let shown = app.text("backups-kit-code").await?;
    let code = shown.rsplit(": ").next().unwrap_or_default().trim().to_string();
    assert_eq!(code.len(), 29, "{shown}");

    let folder = tempfile::tempdir()?;
    app.by_id("backups-folder")
        .await?
        .send_keys(&folder.path().display().to_string())
        .await?;
    app.by_id("backups-daily").await?.click().await?;
    app.by_id("backups-now").await?.click().await?;
    wait_text(&app, "staff-message", "Backup written").await?;
    assert!(!app.text("backups-state").await?.contains("never"));
    assert!(
        app.by_id("backups-daily").await?.is_selected().await?,
        "the daily folder is kept"
    );
    app.screenshot("47-backups").await?;
    let files: Vec<_> = std::fs::read_dir(folder.path())?.flatten().map(|e| e.path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    assert!(
        settings.contains(&format!("backup_folder = \"{}\"", folder.path().display())),
        "{settings}"
    );
    app.close().await?;

    // The code as the window showed it opens the file on a new machine.
    let machine = KeyringSession::unlocked()?;
    let fresh = tempfile::tempdir()?;
    let mut cmd = std::process::Command::new(binary("merchantctl")?);
    machine.envs(&mut cmd);
    let mut child = cmd
        .arg("--home")
        .arg(fresh.path())
        .args(["--json", "restore"])
        .arg(&files[0])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin.write_all(format!("{code}\n").as_bytes())?;
    }
    let out = child.wait_with_output()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let restored: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(restored["audit"]["result"], "intact", "{restored}");
    Ok(())
}

/// A folder chosen for the daily backup, and no backup yet: the app writes
/// one when it starts, on the trail as automatic.
#[tokio::test(flavor = "multi_thread")]
async fn the_app_backs_up_into_the_owners_folder_when_a_day_has_passed() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let folder = tempfile::tempdir()?;
    home.settings(&format!(
        "backup_folder = \"{}\"\n{FAST_READER}",
        folder.path().display()
    ))?;
    home.ensure_owner(Some(&session))?;
    let app = AppDriver::launch(&session, &home).await?;
    app.wait_until("the daily backup", std::time::Duration::from_secs(20), || async {
        Ok(std::fs::read_dir(folder.path())?.flatten().count() == 1)
    })
    .await?;
    app.close().await?;
    let out = merchant_tests::merchantctl(
        Some(&session),
        &home,
        &["--json", "audit", "show", "--action", "backup_made"],
    )?;
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(shown["entries"][0]["outcome"], "ok", "{shown}");
    assert!(
        shown["entries"][0]["detail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("automatic"),
        "{shown}"
    );
    assert!(shown["entries"][0]["actor"].is_null(), "{shown}");
    Ok(())
}

/// The owner's account, created in the window, comes with its recovery
/// kit: the code is shown once, and the terminal then has a kit.
#[tokio::test(flavor = "multi_thread")]
async fn the_first_run_shows_the_recovery_code_once() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings(FAST_READER)?;
    let app = AppDriver::launch(&session, &home).await?;
    sign_in(&app, merchant_tests::OWNER, merchant_tests::OWNER_PIN).await?;
    app.wait_until("the recovery code", std::time::Duration::from_secs(15), || async {
        app.is_shown("recovery").await
    })
    .await?;
    let code = app.text("recovery-code").await?;
    assert_eq!(code.len(), 29, "{code}");
    assert!(home.path().join("recovery-kit.json").exists());
    app.screenshot("48-first-run-recovery-code").await?;
    app.by_id("recovery-done").await?.click().await?;
    app.wait_until("the counter", std::time::Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    assert_eq!(app.text("recovery-code").await?, "", "the code is not kept on the page");
    app.close().await
}
