//! One window per data folder: a second launch brings the open window
//! forward and ends; a folder held by a window that does not answer gets a
//! stop screen instead of a second terminal on the same files.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use merchant_tests::{binary, AppDriver, KeyringSession, TerminalHome, TestResult};

/// Every line the app logged in `home`.
fn app_log(home: &TerminalHome) -> String {
    let Ok(entries) = std::fs::read_dir(home.path().join("logs")) else {
        return String::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("app"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_brings_the_open_window_forward_and_ends() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let app = AppDriver::launch(&session, &home).await?;
    assert!(app.is_shown("sign-in").await?);

    let mut second = Command::new(binary("merchant-terminal")?);
    session.envs(&mut second);
    let mut second = second
        .env("MERCHANT_TERMINAL_HOME", home.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = second.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("the second launch opened a window instead of ending");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");
    app.wait_until(
        "the open window to be asked forward",
        Duration::from_secs(10),
        || async { Ok(app_log(&home).contains("a second launch asked this window to come forward")) },
    )
    .await?;
    // The first window goes on as it was.
    assert!(app.is_shown("sign-in").await?);
    app.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_held_by_a_silent_window_gets_a_stop_screen() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    // A holder that does not listen: this test, with the lock and no socket.
    let held = std::fs::File::create(home.path().join("window.lock"))?;
    held.try_lock()?;
    let app = AppDriver::launch(&session, &home).await?;
    assert!(app.is_shown("startup-error").await?);
    assert!(!app.is_shown("sign-in").await?);
    assert_eq!(app.text("startup-error-code").await?, "code: already_open");
    assert_eq!(app.text("startup-error-title").await?, "This terminal is already open");
    app.screenshot("07-already-open").await?;
    app.close().await?;
    assert!(
        home.training_cache_files().is_empty(),
        "nothing opened on the held folder"
    );
    drop(held);
    Ok(())
}
