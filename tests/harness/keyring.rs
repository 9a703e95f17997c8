//! A private D-Bus session with a real `gnome-keyring-daemon` (Secret
//! Service) on it, unlocked or locked, in temporary folders, torn down on
//! drop. Nothing touches the developer's own keychain.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::*;

/// A private session bus with the Secret Service on it.
pub struct KeyringSession {
    dir: tempfile::TempDir,
    bus: Child,
    keyring: Option<Child>,
    address: String,
}

impl KeyringSession {
    /// A session whose keychain is unlocked (a signed-in desktop).
    pub fn unlocked() -> TestResult<Self> {
        Self::start(true)
    }

    /// A session whose keychain exists but is locked (no one unlocked it).
    pub fn locked() -> TestResult<Self> {
        Self::start(false)
    }

    fn start(unlock: bool) -> TestResult<Self> {
        let dir = tempfile::tempdir()?;
        for sub in ["run", "data", "config", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path().join("run"), std::fs::Permissions::from_mode(0o700))?;
        }
        let socket = dir.path().join("run/bus");
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
            .arg(format!("--address=unix:path={}", socket.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("dbus-daemon: {e} (install with scripts/setup)"))?;
        let mut line = String::new();
        if let Some(out) = bus.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        let address = line.trim().to_string();
        if address.is_empty() {
            let _ = bus.kill();
            return fail("dbus-daemon printed no address");
        }
        let mut session = Self {
            dir,
            bus,
            keyring: None,
            address,
        };
        let mut cmd = Command::new("gnome-keyring-daemon");
        cmd.args(["--foreground", "--components=secrets"]);
        if unlock {
            cmd.arg("--unlock");
        }
        let mut keyring = session
            .envs(&mut cmd)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("gnome-keyring-daemon: {e} (install with scripts/setup)"))?;
        if let Some(mut stdin) = keyring.stdin.take() {
            if unlock {
                stdin.write_all(b"test-keyring-password")?;
            }
        }
        session.keyring = Some(keyring);
        session.wait_for_secret_service()?;
        Ok(session)
    }

    fn wait_for_secret_service(&self) -> TestResult {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let out = self
                .envs(&mut Command::new("dbus-send"))
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()?;
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        fail("the Secret Service did not appear on the test bus")
    }

    /// The environment a process needs to use this session.
    pub fn env(&self) -> Vec<(String, String)> {
        let p = |s: &str| self.dir.path().join(s).display().to_string();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()),
            ("XDG_RUNTIME_DIR".into(), p("run")),
            ("XDG_DATA_HOME".into(), p("data")),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("XDG_CACHE_HOME".into(), p("cache")),
            ("NO_AT_BRIDGE".into(), "1".into()),
            ("MERCHANT_TERMINAL_BUILD_KIND".into(), "test".into()),
        ]
    }

    /// The XDG data, config and cache folders this session gives its
    /// processes (where WebKit keeps the app's storage, caches and logs).
    pub fn xdg_dirs(&self) -> Vec<PathBuf> {
        ["data", "config", "cache"]
            .iter()
            .map(|d| self.dir.path().join(d))
            .collect()
    }

    pub fn envs<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.envs(self.env())
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        if let Some(k) = self.keyring.as_mut() {
            let _ = k.kill();
            let _ = k.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
