//! The shop's package, as a shop gets it: the `.deb` that `scripts/package
//! --debug` made from the suite's own build (the test command makes it
//! before the tests) is unpacked with `dpkg-deb -x` into a temporary root
//! and run from there. `merchantctl` answers `--version`; the app starts
//! under Xvfb with no data folder given, makes its own in the session's XDG
//! data folder, and shows the first-run screen through WebDriver.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use merchant_tests::{bin_dir, binary, fail, newest_source, AppDriver, KeyringSession, TestResult};

/// The newest `.deb`, refused when a source changed after it was made (the
/// bundler stamps the app binary after each package, so its time says
/// nothing).
fn package() -> TestResult<PathBuf> {
    let dir = bin_dir().join("bundle/deb");
    let newest = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "deb"))
                .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        })
        .ok()
        .flatten();
    let Some(deb) = newest else {
        return fail(format!(
            "no package in {}: run scripts/package --debug (the test command does)",
            dir.display()
        ));
    };
    binary("merchant-terminal")?;
    if newest_source(true).is_some_and(|n| n > std::fs::metadata(&deb).and_then(|m| m.modified()).unwrap_or(n)) {
        return fail("the package is older than its sources: run scripts/package --debug (the test command does)");
    }
    Ok(deb)
}

fn unpacked() -> TestResult<(tempfile::TempDir, PathBuf)> {
    let deb = package()?;
    let root = tempfile::tempdir()?;
    let out = Command::new("dpkg-deb").arg("-x").arg(&deb).arg(root.path()).output()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Ok((root, deb))
}

#[test]
fn the_package_holds_both_programs_their_manuals_a_desktop_entry_every_icon_and_its_dependencies() -> TestResult {
    let (root, deb) = unpacked()?;
    let usr = root.path().join("usr");
    let out = Command::new(usr.join("bin/merchantctl")).arg("--version").output()?;
    assert!(out.status.success());
    let version = String::from_utf8_lossy(&out.stdout);
    assert_eq!(version.trim(), format!("merchantctl {}", env!("CARGO_PKG_VERSION")));
    assert!(usr.join("bin/merchant-terminal").is_file());

    let entry = std::fs::read_to_string(usr.join("share/applications/Merchant Terminal.desktop"))?;
    for line in [
        "Exec=merchant-terminal",
        "Icon=merchant-terminal",
        "Name=Merchant Terminal",
        "Type=Application",
    ] {
        assert!(entry.lines().any(|l| l == line), "{line} in\n{entry}");
    }
    for size in [16, 24, 32, 48, 64, 128, 256] {
        let icon = usr.join(format!("share/icons/hicolor/{size}x{size}/apps/merchant-terminal.png"));
        let (width, height) = png_size(&icon)?;
        assert_eq!((width, height), (size, size), "{}", icon.display());
    }
    for (page, title) in [
        ("merchantctl", ".TH MERCHANTCTL"),
        ("merchant-terminal", ".TH MERCHANT-TERMINAL"),
    ] {
        let gz = usr.join(format!("share/man/man1/{page}.1.gz"));
        let out = Command::new("gzip").arg("-dc").arg(&gz).output()?;
        assert!(String::from_utf8_lossy(&out.stdout).contains(title), "{}", gz.display());
    }
    let out = Command::new("dpkg-deb").arg("-f").arg(&deb).arg("Depends").output()?;
    let depends = String::from_utf8_lossy(&out.stdout);
    for needed in ["libwebkit2gtk-4.1-0", "gnome-keyring", "libc6"] {
        assert!(depends.contains(needed), "{needed} in {depends}");
    }
    Ok(())
}

/// Width and height from a PNG's header.
fn png_size(path: &Path) -> TestResult<(u32, u32)> {
    let bytes = std::fs::read(path)?;
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return fail(format!("{} is not a PNG", path.display()));
    }
    let word = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Ok((word(16), word(20)))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_unpacked_app_makes_its_data_folder_and_shows_the_first_run_screen() -> TestResult {
    let (root, _) = unpacked()?;
    let session = KeyringSession::unlocked()?;
    let app = AppDriver::launch_app(&root.path().join("usr/bin/merchant-terminal"), &session, None).await?;
    app.wait_until("the first-run screen", Duration::from_secs(10), || async {
        Ok(app.is_shown("sign-in").await? && app.text("sign-in-title").await? == "Create the owner's account")
    })
    .await?;
    app.screenshot("00-installed-first-run").await?;
    app.close().await?;
    let data = session.xdg_dirs()[0].join("merchant-terminal");
    assert!(
        data.join("terminal-id").is_file(),
        "the default data folder is {}",
        data.display()
    );
    Ok(())
}
