//! Test harness: the real parts the suite runs against.
//!
//! - [`KeyringSession`]: a private D-Bus session bus with a real
//!   `gnome-keyring-daemon` (Secret Service) on it, unlocked or locked, in
//!   temporary folders, torn down on drop. Nothing touches the developer's
//!   own keychain.
//! - [`TerminalHome`]: a fresh data folder.
//! - [`AppDriver`]: the real desktop app in a real window (under the
//!   `DISPLAY` the test command provides with Xvfb), driven through
//!   `tauri-driver` + `WebKitWebDriver` with fantoccini.
//! - [`merchantctl`]: runs the real CLI binary.
//!
//! Binaries are the ones `cargo build` put next to the test executable;
//! the test command builds them first.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub mod oracle;
pub mod scan;

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Fails a test with a message (for use with `?`).
pub fn fail<T>(msg: impl Into<String>) -> TestResult<T> {
    Err(msg.into().into())
}

/// `target/debug` (or whichever profile built the tests).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/<profile>/deps/<test>-<hash>, or target/<profile>/<bin> (the benchmarks)
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        dir
    }
}

/// A binary of this workspace, refused when it is older than the sources
/// it is built from: a test must never pass against yesterday's build.
pub fn binary(name: &str) -> TestResult<PathBuf> {
    let p = bin_dir().join(name);
    let built = match std::fs::metadata(&p).and_then(|m| m.modified()) {
        Ok(t) => t,
        Err(_) => {
            return fail(format!(
                "{} is not built; run the test command (scripts/test) or `cargo build --workspace` first",
                p.display()
            ))
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut sources = vec![
        root.join("crates/core"),
        root.join("crates/cli"),
        root.join("Cargo.lock"),
    ];
    if name != "merchantctl" {
        sources.extend([
            root.join("src-tauri/src"),
            root.join("src-tauri/capabilities"),
            root.join("ui/dist"),
        ]);
    }
    let newest = sources
        .iter()
        .flat_map(|s| if s.is_dir() { all_files(s) } else { vec![s.clone()] })
        .filter_map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok())
        .max();
    if newest.is_some_and(|n| n > built) {
        return fail(format!(
            "{} is older than its sources; run `cargo build --workspace` (the test command does)",
            p.display()
        ));
    }
    Ok(p)
}

/// Records a layer's summary line (`LAYER: key=value …`): printed, and kept
/// under `target/test-summary/` for the test command to print at the end.
pub fn summary(layer: &str, fields: &str) {
    let line = format!("{layer}: {fields}");
    println!("{line}");
    let dir = artefact_dir("test-summary");
    let _ = std::fs::write(dir.join(format!("{layer}.txt")), format!("{line}\n"));
}

/// Every file below `dir`, for the scans that look for a secret anywhere.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(all_files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Folder for artefacts a person looks at after a run (screenshots).
pub fn artefact_dir(kind: &str) -> PathBuf {
    let dir = bin_dir()
        .parent()
        .map(|t| t.join(kind))
        .unwrap_or_else(|| PathBuf::from(kind));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

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

/// The owner account every test terminal gets on first use.
pub const OWNER: &str = "Owner";
pub const OWNER_PIN: &str = "424242";

/// A fresh terminal data folder.
pub struct TerminalHome {
    dir: tempfile::TempDir,
    owner_created: std::cell::Cell<bool>,
}

impl TerminalHome {
    pub fn new() -> TestResult<Self> {
        Ok(Self {
            dir: tempfile::tempdir()?,
            owner_created: std::cell::Cell::new(false),
        })
    }

    /// Creates the owner account (once), as a shop does on first run.
    pub fn ensure_owner(&self, session: Option<&KeyringSession>) -> TestResult {
        if self.owner_created.get() {
            return Ok(());
        }
        let out = run_merchantctl(
            session,
            self,
            &["staff", "init-owner", "--name", OWNER],
            &format!("{OWNER_PIN}\n"),
        )?;
        if out.status.success() {
            self.owner_created.set(true);
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `settings.toml`.
    pub fn settings(&self, toml: &str) -> TestResult {
        std::fs::write(self.dir.path().join("settings.toml"), toml)?;
        Ok(())
    }

    /// Every file of the training cache (database, WAL, shared memory).
    pub fn training_cache_files(&self) -> Vec<PathBuf> {
        self.sqlite_files("training/cache.sqlite3")
    }

    /// Every SQLite file in the folder: caches and the terminal database.
    pub fn all_database_files(&self) -> Vec<PathBuf> {
        ["training/cache.sqlite3", "live/cache.sqlite3", "terminal.sqlite3"]
            .iter()
            .flat_map(|f| self.sqlite_files(f))
            .collect()
    }

    fn sqlite_files(&self, name: &str) -> Vec<PathBuf> {
        let base = self.dir.path().join(name);
        ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| PathBuf::from(format!("{}{suffix}", base.display())))
            .filter(|p| p.exists())
            .collect()
    }
}

/// Runs `merchantctl --home <home> --staff Owner <args>` in `session`
/// (none: no bus at all), with the owner's PIN on stdin.
pub fn merchantctl(session: Option<&KeyringSession>, home: &TerminalHome, args: &[&str]) -> TestResult<Output> {
    merchantctl_as(session, home, OWNER, OWNER_PIN, args, "")
}

/// Runs `merchantctl` signed in as `staff`, with `pin` then `more` on stdin.
pub fn merchantctl_as(
    session: Option<&KeyringSession>,
    home: &TerminalHome,
    staff: &str,
    pin: &str,
    args: &[&str],
    more: &str,
) -> TestResult<Output> {
    home.ensure_owner(session)?;
    // `--staff=NAME`: a name may begin with `-`.
    let staff = format!("--staff={staff}");
    let mut full = vec![staff.as_str()];
    full.extend_from_slice(args);
    run_merchantctl(session, home, &full, &format!("{pin}\n{more}"))
}

fn run_merchantctl(
    session: Option<&KeyringSession>,
    home: &TerminalHome,
    args: &[&str],
    stdin: &str,
) -> TestResult<Output> {
    let mut cmd = Command::new(binary("merchantctl")?);
    cmd.arg("--home").arg(home.path()).args(args);
    cmd.env_remove("MERCHANT_TERMINAL_HOME")
        .env_remove("MERCHANT_TERMINAL_STAFF");
    match session {
        Some(s) => {
            s.envs(&mut cmd);
        }
        None => {
            cmd.env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/merchant-terminal-test-bus",
            )
            .env("MERCHANT_TERMINAL_BUILD_KIND", "test");
        }
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut i) = child.stdin.take() {
        // The child may exit before reading (a refusal): not an error here.
        let _ = i.write_all(stdin.as_bytes());
    }
    Ok(child.wait_with_output()?)
}

fn free_port() -> TestResult<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The real app in a real window, driven over WebDriver.
pub struct AppDriver {
    pub client: Client,
    driver: Child,
}

impl AppDriver {
    /// Starts `tauri-driver` and, through it, the app with `home` as its data
    /// folder inside `session`.
    pub async fn launch(session: &KeyringSession, home: &TerminalHome) -> TestResult<Self> {
        if std::env::var_os("DISPLAY").is_none() {
            return fail("no DISPLAY: the window tests run under Xvfb from the test command (scripts/test)");
        }
        let app = binary("merchant-terminal")?;
        let port = free_port()?;
        let native_port = free_port()?;
        let mut cmd = Command::new("tauri-driver");
        // Its own process group, so teardown reaches WebKitWebDriver and the
        // app even when a test fails half-way.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        cmd.args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("MERCHANT_TERMINAL_HOME", home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        session.envs(&mut cmd);
        let driver = cmd
            .spawn()
            .map_err(|e| format!("tauri-driver: {e} (install with scripts/setup)"))?;
        let mut this_driver = Some(driver);

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app.display().to_string() }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => {
                    if let Some(mut d) = this_driver.take() {
                        kill_group(&mut d);
                    }
                    return fail(format!("could not open a WebDriver session: {e}"));
                }
            }
        };
        let driver = this_driver.take().ok_or("driver")?;
        let me = Self { client, driver };
        me.wait_until("the counter screen", Duration::from_secs(30), || async {
            Ok(me
                .client
                .execute(
                    "return document.body.dataset.ready === 'true' || !document.getElementById('startup-error').hidden",
                    vec![],
                )
                .await?
                .as_bool()
                == Some(true))
        })
        .await?;
        Ok(me)
    }

    /// Polls `cond` until it holds or `timeout` passes.
    pub async fn wait_until<F, Fut>(&self, what: &str, timeout: Duration, mut cond: F) -> TestResult
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = TestResult<bool>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if cond().await.unwrap_or(false) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return fail(format!("timed out waiting for {what}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn by_id(&self, id: &str) -> TestResult<fantoccini::elements::Element> {
        Ok(self.client.find(Locator::Id(id)).await?)
    }

    pub async fn text(&self, id: &str) -> TestResult<String> {
        Ok(self.by_id(id).await?.text().await?)
    }

    pub async fn is_shown(&self, id: &str) -> TestResult<bool> {
        // What WebDriver itself calls displayed (CSS, size, ancestors), not
        // just the `hidden` attribute.
        match self.client.find(Locator::Id(id)).await {
            Ok(e) => Ok(e.is_displayed().await?),
            Err(e) if e.is_no_such_element() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Selects `value` in the `<select>` with `id` (and fires `change`).
    pub async fn select(&self, id: &str, value: &str) -> TestResult {
        self.client
            .execute(
                "const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change')); return s.value;",
                vec![id.into(), value.into()],
            )
            .await?;
        Ok(())
    }

    /// Saves a PNG of the window under `target/screenshots/<name>.png`, after
    /// two animation frames so the picture is the current one.
    pub async fn screenshot(&self, name: &str) -> TestResult<PathBuf> {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        let path = artefact_dir("screenshots").join(format!("{name}.png"));
        std::fs::write(&path, &png)?;
        let dominant = dominant_colour_share(&png)?;
        if dominant > 0.995 {
            return fail(format!(
                "screenshot {name} is one colour ({:.1} % of pixels): the window shows nothing",
                dominant * 100.0
            ));
        }
        Ok(path)
    }

    /// Ends the session (which closes the app) and stops the driver.
    pub async fn close(mut self) -> TestResult {
        let closed = self.client.clone().close().await;
        // Give the app a moment to exit on its own (it checkpoints SQLite).
        tokio::time::sleep(Duration::from_millis(500)).await;
        kill_group(&mut self.driver);
        closed?;
        Ok(())
    }
}

impl Drop for AppDriver {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
    }
}

fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", child.id())])
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// True if `needle` occurs anywhere in `haystack`.
/// True if `text` holds a card-like number once the terminal's own ids
/// (UUIDs) and hashes (long hex runs) are set aside: their digits, joined by
/// dashes, can pass a Luhn check by chance and are not card numbers.
pub fn shows_card_number(text: &str) -> bool {
    let ids =
        regex::Regex::new(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32,}\b");
    match ids {
        Ok(ids) => merchant_core::pan::contains_card_number(&ids.replace_all(text, " ")),
        Err(_) => true,
    }
}

pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A per-run test certificate authority and server certificates, made with
/// the `openssl` command (installed by scripts/setup).
pub struct TestPki {
    dir: tempfile::TempDir,
}

impl TestPki {
    pub fn new() -> TestResult<Self> {
        let dir = tempfile::tempdir()?;
        let me = Self { dir };
        me.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Merchant Terminal Test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ])?;
        me.leaf("server", "DNS:localhost,IP:127.0.0.1,DNS:control.test", "2")?;
        me.leaf("wrong-host", "DNS:wrong.example", "2")?;
        // Valid in every other way, but it expired yesterday.
        me.leaf("expired", "DNS:localhost,IP:127.0.0.1", "-1")?;
        me.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "self-signed.key",
            "-out",
            "self-signed.pem",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])?;
        Ok(me)
    }

    fn leaf(&self, name: &str, san: &str, days: &str) -> TestResult {
        let ext = self.path(&format!("{name}.ext"));
        std::fs::write(
            &ext,
            format!("subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"),
        )?;
        self.openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=test server",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ])?;
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            days,
            "-out",
            &format!("{name}.pem"),
            "-extfile",
            &format!("{name}.ext"),
        ])
    }

    fn openssl(&self, args: &[&str]) -> TestResult {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()?;
        if out.status.success() {
            Ok(())
        } else {
            fail(format!("openssl {}: {}", args[0], String::from_utf8_lossy(&out.stderr)))
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn ca(&self) -> PathBuf {
        self.path("ca.pem")
    }
}

/// The share of a PNG's pixels that have its most common colour.
pub fn dominant_colour_share(png_bytes: &[u8]) -> TestResult<f64> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info()?;
    let size = reader.output_buffer_size().ok_or("PNG too large")?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf)?;
    let step = info.color_type.samples() * usize::from(info.bit_depth as u8).div_ceil(8);
    let pixels = &buf[..info.buffer_size()];
    let mut counts: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    for px in pixels.chunks_exact(step.max(1)) {
        *counts.entry(px).or_default() += 1;
    }
    let total = pixels.len() / step.max(1);
    let top = counts.values().copied().max().unwrap_or(0);
    Ok(if total == 0 { 1.0 } else { top as f64 / total as f64 })
}

/// The name the harness's own connections give the test gateway.
const CONTROL_HOST: &str = "control.test";

/// localstripe, the independent Stripe fake, over TLS on 127.0.0.1 with
/// state in memory (see tests/gateway/localstripe_launcher.py).
pub struct Localstripe {
    child: Child,
    pub port: u16,
}

impl Localstripe {
    /// Serves with the PKI's `cert` (`server`, `wrong-host`, `self-signed`,
    /// `expired`).
    pub fn start(pki: &TestPki, cert: &str) -> TestResult<Self> {
        Self::launch(pki, cert, None)
    }

    /// Serves with a good certificate, but only over TLS 1.0.
    pub fn start_tls10_only(pki: &TestPki) -> TestResult<Self> {
        Self::launch(pki, "server", Some("tls1.0"))
    }

    fn launch(pki: &TestPki, cert: &str, protocol: Option<&str>) -> TestResult<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = root.join(".venv/bin/python");
        if !python.exists() {
            return fail("localstripe is not installed: run scripts/setup");
        }
        let port = free_port()?;
        let mut child = Command::new(python)
            .arg(root.join("tests/gateway/localstripe_launcher.py"))
            .arg(port.to_string())
            .arg(pki.path(&format!("{cert}.pem")))
            .arg(pki.path(&format!("{cert}.key")))
            .args(protocol)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        if line.trim() != "ready" {
            let _ = child.kill();
            return fail("localstripe did not start");
        }
        Ok(Self { child, port })
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }

    /// A client that trusts only the test CA, for checking the gateway's
    /// side independently of the app.
    pub fn client(pki: &TestPki) -> TestResult<reqwest::blocking::Client> {
        Self::client_builder(pki)?.build().map_err(Into::into)
    }

    fn client_builder(pki: &TestPki) -> TestResult<reqwest::blocking::ClientBuilder> {
        let ca = reqwest::Certificate::from_pem(&std::fs::read(pki.ca())?)?;
        Ok(reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(ca))
    }

    /// [`Localstripe::client`] naming itself `control.test` in the
    /// handshake, so the gateway's TLS faults are kept for the app.
    fn control(&self, pki: &TestPki) -> TestResult<reqwest::blocking::Client> {
        Ok(Self::client_builder(pki)?
            .resolve(CONTROL_HOST, std::net::SocketAddr::from(([127, 0, 0, 1], self.port)))
            .build()?)
    }

    fn control_url(&self) -> String {
        format!("https://{CONTROL_HOST}:{}/", self.port)
    }

    /// `GET path` on the gateway with a test key, as JSON.
    pub fn get(&self, pki: &TestPki, path: &str) -> TestResult<serde_json::Value> {
        let resp = self
            .control(pki)?
            .get(format!("{}{path}", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .send()?;
        Ok(resp.json()?)
    }

    /// `POST path` with a form, as JSON.
    pub fn post(&self, pki: &TestPki, path: &str, form: &[(&str, &str)]) -> TestResult<serde_json::Value> {
        let resp = self
            .control(pki)?
            .post(format!("{}{path}", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .form(form)
            .send()?;
        Ok(resp.json()?)
    }
}

impl Drop for Localstripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `merchantctl` as the owner with `more` on stdin after the PIN.
pub fn merchantctl_stdin(
    session: &KeyringSession,
    home: &TerminalHome,
    args: &[&str],
    more: &str,
) -> TestResult<Output> {
    merchantctl_as(Some(session), home, OWNER, OWNER_PIN, args, more)
}

impl Localstripe {
    /// Queues faults for the next matching requests (see the launcher).
    pub fn faults(&self, pki: &TestPki, faults: serde_json::Value) -> TestResult {
        let resp = self
            .control(pki)?
            .post(format!("{}_faults", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .json(&faults)
            .send()?;
        if resp.status().is_success() {
            Ok(())
        } else {
            fail(format!("queueing faults: {}", resp.status()))
        }
    }

    /// Has the gateway refuse `key` from now on, as Stripe does once a
    /// rolled key expires.
    pub fn revoke_key(&self, pki: &TestPki, key: &str) -> TestResult {
        let resp = self
            .control(pki)?
            .post(format!("{}_keys", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .json(&serde_json::json!({ "revoke": key }))
            .send()?;
        if resp.status().is_success() {
            Ok(())
        } else {
            fail(format!("revoking a key: {}", resp.status()))
        }
    }

    /// Drops any queued fault a run did not consume.
    pub fn clear_faults(&self, pki: &TestPki) -> TestResult {
        self.control(pki)?
            .delete(format!("{}_faults", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .send()?;
        Ok(())
    }

    /// PaymentIntents at the gateway whose metadata names `sale_id`.
    pub fn intents_for_sale(&self, pki: &TestPki, sale_id: &str) -> TestResult<Vec<serde_json::Value>> {
        let mut found = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let path = match &after {
                Some(a) => format!("v1/payment_intents?limit=100&starting_after={a}"),
                None => "v1/payment_intents?limit=100".to_string(),
            };
            let page = self.get(pki, &path)?;
            let data = page["data"].as_array().cloned().unwrap_or_default();
            found.extend(data.iter().filter(|pi| pi["metadata"]["sale_id"] == sale_id).cloned());
            if page["has_more"].as_bool() != Some(true) || data.is_empty() {
                return Ok(found);
            }
            after = data.last().and_then(|pi| pi["id"].as_str()).map(String::from);
        }
    }
}

/// A live terminal pointed at `gateway` (trusting the test CA) with a test
/// key in the keychain, and the given request timeout and retry count.
pub fn live_terminal_with(
    session: &KeyringSession,
    pki: &TestPki,
    gateway: &Localstripe,
    request_timeout_ms: u64,
    max_retries: usize,
) -> TestResult<TerminalHome> {
    let home = TerminalHome::new()?;
    home.settings(&format!(
        "mode = \"live\"\n[gateway]\nbase_url = \"{}\"\nextra_ca = \"{}\"\nomit_refund_reason = true\n\
         request_timeout_ms = {request_timeout_ms}\nmax_retries = {max_retries}\n",
        gateway.url(),
        pki.ca().display()
    ))?;
    let out = merchantctl_stdin(
        session,
        &home,
        &["--json", "gateway", "set-key"],
        "sk_test_merchantterminal01\n",
    )?;
    if out.status.code() != Some(0) {
        return fail(format!("set-key: {}", String::from_utf8_lossy(&out.stdout)));
    }
    Ok(home)
}
