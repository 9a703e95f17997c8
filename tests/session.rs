//! The session's rules are the core's, not the screen's: the app in a real
//! window, its UI timers stopped, commands sent straight over IPC. A member
//! disabled from another front end is signed out at their next command; an
//! idle session answers `not_signed_in` though the UI never locked; a
//! refused unlock is on the audit trail.

use std::time::Duration;

use merchant_tests::{merchantctl, AppDriver, KeyringSession, TerminalHome, TestResult};
use serde_json::{json, Value};

/// Calls an IPC command as the window would; `{ok}` or `{code, message}`.
async fn invoke(app: &AppDriver, command: &str, request: Value) -> TestResult<Value> {
    Ok(app
        .client
        .execute_async(
            r#"const [cmd, request, done] = arguments;
               window.__TAURI_INTERNALS__.invoke(cmd, { request })
                 .then((ok) => done({ ok: ok ?? null }), (e) => done({ code: e.code ?? String(e), message: e.message ?? '' }));"#,
            vec![json!(command), request],
        )
        .await?)
}

/// Stops every timer the UI has or will set, so only the core can lock.
async fn stop_ui_timers(app: &AppDriver) -> TestResult {
    app.client
        .execute(
            "const top = setTimeout(() => {}, 0);
             for (let i = 0; i <= top + 1000; i++) { clearTimeout(i); clearInterval(i); }
             window.setTimeout = () => 0; window.setInterval = () => 0;
             return 0;",
            vec![],
        )
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_core_ends_sessions_whatever_the_screen_does() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings("idle_lock_minutes = 1\n")?;
    home.ensure_owner(Some(&session))?;
    let add = merchant_tests::merchantctl_as(
        Some(&session),
        &home,
        merchant_tests::OWNER,
        merchant_tests::OWNER_PIN,
        &["staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?;
    assert_eq!(add.status.code(), Some(0), "{}", String::from_utf8_lossy(&add.stdout));

    let app = AppDriver::launch(&session, &home).await?;
    stop_ui_timers(&app).await?;

    // A member disabled elsewhere is signed out at their next command.
    let signed = invoke(&app, "sign_in", json!({ "name": "Cas", "pin": "111111" })).await?;
    assert!(signed.get("ok").is_some(), "{signed}");
    let listed = invoke(&app, "list_sales", json!({})).await?;
    assert!(listed.get("ok").is_some(), "{listed}");
    let off =
        tokio::task::block_in_place(|| merchantctl(Some(&session), &home, &["staff", "disable", "--name", "Cas"]))?;
    assert_eq!(off.status.code(), Some(0), "{}", String::from_utf8_lossy(&off.stdout));
    let after = invoke(&app, "list_sales", json!({})).await?;
    assert_eq!(
        after["code"], "not_signed_in",
        "a disabled member kept their session: {after}"
    );
    let again = invoke(&app, "list_sales", json!({})).await?;
    assert_eq!(again["code"], "not_signed_in", "{again}");

    // An owner's refused unlock (no such member) is audited.
    let owner = invoke(
        &app,
        "sign_in",
        json!({ "name": merchant_tests::OWNER, "pin": merchant_tests::OWNER_PIN }),
    )
    .await?;
    assert!(owner.get("ok").is_some(), "{owner}");
    let refused = invoke(&app, "unlock_staff", json!({ "name": "Nobody" })).await?;
    assert!(refused.get("code").is_some(), "{refused}");

    // Idle past the owner's lock, with the UI's own lock stopped: the core
    // ends the session.
    tokio::time::sleep(Duration::from_secs(62)).await;
    let idle = invoke(&app, "get_x_report", json!({})).await?;
    assert_eq!(idle["code"], "not_signed_in", "an idle session went on: {idle}");
    assert!(idle["message"].as_str().unwrap_or("").contains("idle"), "{idle}");
    app.close().await?;

    let audit = merchantctl(Some(&session), &home, &["--json", "audit", "show", "--limit", "300"])?;
    let entries: Value = serde_json::from_slice(&audit.stdout)?;
    let entries = entries["entries"].as_array().cloned().unwrap_or_default();
    let has = |action: &str, outcome: &str| entries.iter().any(|e| e["action"] == action && e["outcome"] == outcome);
    assert!(
        has("sign_out", "no_longer_active"),
        "the disabled member's sign-out is audited"
    );
    assert!(has("sign_out", "idle"), "the idle sign-out is audited");
    assert!(has("unlock", "failed"), "the refused unlock is audited");
    Ok(())
}
