//! A private D-Bus session with a real `gnome-keyring-daemon` (Secret
//! Service) on it, in temporary folders, torn down on drop. Nothing touches
//! the developer's own keychain.
//!
//! The bus starts the keyring daemon itself, on the first call for the
//! Secret Service, as a desktop session does: if the daemon dies (it has
//! been seen to abort under load), the next call starts it again, unlocked
//! as after a sign-in, over the same keyring files. The bus knows no other
//! services, so a locked keyring cannot reach an unlock prompt.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::*;

/// A private session bus with the Secret Service on it.
pub struct KeyringSession {
    dir: tempfile::TempDir,
    bus: Child,
    address: String,
}

/// The state of the session's keychain.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keyring {
    /// Unlocked at start (a signed-in desktop).
    Unlocked,
    /// The login keyring exists but no one unlocked it.
    Locked,
    /// The service runs but there is no keyring at all.
    Absent,
}

const PASSWORD: &str = "test-keyring-password";
const DAEMON: &str = "gnome-keyring-daemon --foreground --components=secrets";

impl KeyringSession {
    /// A session whose keychain is unlocked (a signed-in desktop).
    pub fn unlocked() -> TestResult<Self> {
        Self::start(Keyring::Unlocked)
    }

    /// A session whose login keyring exists but is locked.
    pub fn locked() -> TestResult<Self> {
        Self::start(Keyring::Locked)
    }

    /// A session whose Secret Service has no keyring to keep items in.
    pub fn without_keyring() -> TestResult<Self> {
        Self::start(Keyring::Absent)
    }

    fn start(keyring: Keyring) -> TestResult<Self> {
        let dir = tempfile::tempdir()?;
        for sub in ["run", "data", "config", "cache", "services"] {
            std::fs::create_dir_all(dir.path().join(sub))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path().join("run"), std::fs::Permissions::from_mode(0o700))?;
        }
        std::fs::write(dir.path().join("run/password"), PASSWORD)?;
        write_service(dir.path(), keyring == Keyring::Absent)?;
        let socket = dir.path().join("run/bus");
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                socket.display(),
                dir.path().join("services").display()
            ),
        )?;
        // The bus passes its environment to the daemons it starts: they
        // keep their keyrings in the session's own folders.
        let mut bus = Command::new("dbus-daemon")
            .envs(xdg_env(dir.path()))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("dbus-daemon: {e} (install with scripts/setup)"))?;
        let mut line = String::new();
        if let Some(out) = bus.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        let session = Self {
            dir,
            bus,
            address: line.trim().to_string(),
        };
        if session.address.is_empty() {
            return fail("dbus-daemon printed no address");
        }
        match keyring {
            Keyring::Unlocked => session.wait_for_default_keyring()?,
            Keyring::Absent => session.wait_for_secret_service()?,
            Keyring::Locked => {
                // The login keyring is made once, with its password; from
                // then on the bus starts a daemon that has none.
                session.wait_for_default_keyring()?;
                session.stop_secret_service("-TERM")?;
                write_service(session.dir.path(), true)?;
                session.dbus_send(
                    "org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    &["org.freedesktop.DBus.ReloadConfig"],
                )?;
                session.wait_for_default_keyring()?;
            }
        }
        Ok(session)
    }

    fn dbus_send(&self, dest: &str, path: &str, call: &[&str]) -> TestResult<String> {
        let out = self
            .envs(&mut Command::new("dbus-send"))
            .args(["--session", "--print-reply", &format!("--dest={dest}"), path])
            .args(call)
            .output()?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The process id of the Secret Service, if one runs (without
    /// starting it).
    fn service_pid(&self) -> TestResult<Option<u32>> {
        let reply = self.dbus_send(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            &[
                "org.freedesktop.DBus.GetConnectionUnixProcessID",
                "string:org.freedesktop.secrets",
            ],
        )?;
        Ok(reply
            .split_whitespace()
            .skip_while(|w| *w != "uint32")
            .nth(1)
            .and_then(|p| p.parse().ok()))
    }

    /// Asks `holds` every 50 ms for up to ten seconds; fails naming `what`.
    fn poll(&self, what: &str, mut holds: impl FnMut() -> TestResult<bool>) -> TestResult {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !holds()? {
            if Instant::now() > deadline {
                return fail(format!("the Secret Service {what}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// Starts the Secret Service (through the bus) and waits until it
    /// answers.
    fn wait_for_secret_service(&self) -> TestResult {
        self.poll("did not start on the test bus", || {
            let reply = self.dbus_send(
                "org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                &[
                    "org.freedesktop.DBus.StartServiceByName",
                    "string:org.freedesktop.secrets",
                    "uint32:0",
                ],
            )?;
            Ok(reply.contains("uint32") && self.service_pid()?.is_some())
        })
    }

    /// Waits until the Secret Service names a default keyring.
    fn wait_for_default_keyring(&self) -> TestResult {
        self.poll("named no default keyring", || {
            let reply = self.dbus_send(
                "org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                &["org.freedesktop.Secret.Service.ReadAlias", "string:default"],
            )?;
            Ok(reply.contains("/org/freedesktop/secrets/collection/"))
        })
    }

    fn wait_until_gone(&self) -> TestResult {
        self.poll("did not stop", || Ok(self.service_pid()?.is_none()))
    }

    /// Kills the running Secret Service outright, as a crash would; the
    /// next call for it starts it again. Returns once it is gone.
    pub fn crash_secret_service(&self) -> TestResult {
        self.stop_secret_service("-KILL")
    }

    fn stop_secret_service(&self, signal: &str) -> TestResult {
        let Some(pid) = self.service_pid()? else {
            return fail("no Secret Service was running");
        };
        Command::new("kill").args([signal, &pid.to_string()]).status()?;
        self.wait_until_gone()
    }

    /// The environment a process needs to use this session.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = xdg_env(self.dir.path());
        env.push(("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()));
        env
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

fn xdg_env(dir: &std::path::Path) -> Vec<(String, String)> {
    let p = |s: &str| dir.join(s).display().to_string();
    vec![
        ("XDG_RUNTIME_DIR".into(), p("run")),
        ("XDG_DATA_HOME".into(), p("data")),
        ("XDG_CONFIG_HOME".into(), p("config")),
        ("XDG_CACHE_HOME".into(), p("cache")),
        ("NO_AT_BRIDGE".into(), "1".into()),
        ("MERCHANT_TERMINAL_BUILD_KIND".into(), "test".into()),
    ]
}

/// How the bus starts the Secret Service: unlocked with the session's
/// password (as a sign-in does), or with no password at all.
fn write_service(dir: &std::path::Path, without_password: bool) -> TestResult {
    let input = if without_password {
        "/dev/null".to_string()
    } else {
        dir.join("run/password").display().to_string()
    };
    let unlock = if without_password { "" } else { " --unlock" };
    std::fs::write(
        dir.join("services/org.freedesktop.secrets.service"),
        format!(
            "[D-BUS Service]\nName=org.freedesktop.secrets\nExec=/bin/sh -c \"exec {DAEMON}{unlock} < '{input}'\"\n"
        ),
    )?;
    Ok(())
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        if let Ok(Some(pid)) = self.service_pid() {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
