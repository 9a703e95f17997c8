//! The owner's Backups section: a new recovery kit (its code shown once)
//! and Back up now; the file it writes is then restored on a new machine's
//! first screen with the code as the window showed it.

use merchant_tests::{AppDriver, KeyringSession, TerminalHome, TestResult};

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
    let printed = tempfile::tempdir()?;
    let sheet = printed.path().join("sheet.pdf");
    app.by_id("backups_sheet_file")
        .await?
        .send_keys(&sheet.display().to_string())
        .await?;
    app.by_id("backups_sheet_save").await?.click().await?;
    wait_text(&app, "backups_sheet_said", "Print it").await?;
    assert!(merchant_tests::pdf_text(&std::fs::read(&sheet)?).contains(&code));

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

    // On a new machine, the app's first screen restores the file with the
    // code as the window showed it.
    let machine = KeyringSession::unlocked()?;
    let fresh = TerminalHome::new()?;
    let app = AppDriver::launch(&machine, &fresh).await?;
    app.wait_until(
        "the owner's first screen",
        std::time::Duration::from_secs(10),
        || async { app.is_shown("restore_open").await },
    )
    .await?;
    let unused_id = std::fs::read_to_string(fresh.path().join("terminal-id"))?;
    app.by_id("restore_open").await?.click().await?;
    app.by_id("restore_file")
        .await?
        .send_keys(&files[0].display().to_string())
        .await?;
    // One symbol wrong: caught by the check symbols, and the new terminal
    // stays as it was.
    let mistyped = format!("{}{}", if code.starts_with('Z') { "Y" } else { "Z" }, &code[1..]);
    app.by_id("restore_code").await?.send_keys(&mistyped).await?;
    app.by_id("restore_go").await?.click().await?;
    wait_text(&app, "restore_error", "not a recovery code").await?;
    assert_eq!(std::fs::read_to_string(fresh.path().join("terminal-id"))?, unused_id);
    let typed = app.by_id("restore_code").await?;
    typed.clear().await?;
    typed.send_keys(&code).await?;
    app.screenshot("49-restore-from-a-backup").await?;
    app.by_id("restore_go").await?.click().await?;
    wait_text(&app, "sign-in-error", "is restored").await?;
    assert!(
        !app.is_shown("restore_open").await?,
        "offered only on a new installation"
    );
    sign_in_as_owner(&app).await?;
    wait_text(&app, "sales-list", "4.20").await?;

    // The restored terminal is in use: a second restore over IPC is refused.
    let refused = app
        .client
        .execute_async(
            &format!(
                r#"const done = arguments[arguments.length - 1];
                   window.__TAURI_INTERNALS__.invoke('restore_backup', {{ request: {{ file: {file:?}, code: {code:?} }} }})
                     .then(() => done('restored'), (e) => done(e.code));"#,
                file = files[0].display().to_string(),
            ),
            vec![],
        )
        .await?;
    assert_eq!(refused, "restore_refused");
    app.close().await?;
    assert_ne!(std::fs::read_to_string(fresh.path().join("terminal-id"))?, unused_id);
    let out = merchant_tests::merchantctl(Some(&machine), &fresh, &["audit", "verify"])?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = merchant_tests::merchantctl(
        Some(&machine),
        &fresh,
        &["--json", "audit", "show", "--action", "restored"],
    )?;
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(shown["entries"][0]["outcome"], "ok", "{shown}");
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
    // The sheet to print: never into the data folder; elsewhere, readable
    // by this user only, holding the code as shown.
    let file = app.by_id("recovery_sheet_file").await?;
    file.send_keys(&home.path().join("sheet.pdf").display().to_string())
        .await?;
    app.by_id("recovery_sheet_save").await?.click().await?;
    wait_text(&app, "recovery_sheet_said", "out of the terminal's data folder").await?;
    assert!(!home.path().join("sheet.pdf").exists());
    let printed = tempfile::tempdir()?;
    let sheet = printed.path().join("recovery-sheet.pdf");
    file.clear().await?;
    file.send_keys(&sheet.display().to_string()).await?;
    app.by_id("recovery_sheet_save").await?.click().await?;
    wait_text(&app, "recovery_sheet_said", "Print it, then delete").await?;
    assert!(merchant_tests::pdf_text(&std::fs::read(&sheet)?).contains(&code));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&sheet)?.permissions().mode() & 0o777, 0o600);
    }
    app.screenshot("48-first-run-recovery-code").await?;
    app.by_id("recovery-done").await?.click().await?;
    app.wait_until("the counter", std::time::Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    assert_eq!(app.text("recovery-code").await?, "", "the code is not kept on the page");
    app.close().await
}
