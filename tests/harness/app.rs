//! The real desktop app in a real window (under the `DISPLAY` the test
//! command provides with Xvfb), driven through `tauri-driver` +
//! `WebKitWebDriver` with fantoccini.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::*;

pub(crate) fn free_port() -> TestResult<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The real app in a real window, driven over WebDriver.
pub struct AppDriver {
    pub client: Client,
    driver: Child,
    /// Dropped with the driver; until then a watchdog waits.
    _watchdog: std::sync::mpsc::Sender<()>,
}

/// No window flow runs this long: past it the driver, WebKitWebDriver and
/// the app are killed, so a call to a window that never answers fails the
/// test instead of holding the suite.
const FLOW_LIMIT: Duration = Duration::from_secs(600);

/// Kills `group` unless the returned sender is dropped within `limit`.
fn watchdog(group: u32, limit: Duration) -> std::sync::mpsc::Sender<()> {
    let (alive, wait) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(limit) {
            eprintln!("the window flow ran past {limit:?}: stopping its app and driver");
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{group}")])
                .stderr(Stdio::null())
                .status();
        }
    });
    alive
}

impl AppDriver {
    /// Starts `tauri-driver` and, through it, the app with `home` as its data
    /// folder inside `session`.
    pub async fn launch(session: &KeyringSession, home: &TerminalHome) -> TestResult<Self> {
        Self::launch_app(&binary("merchant-terminal")?, session, Some(home.path())).await
    }

    /// Starts the app at `app` (an installed or unpacked copy); with no
    /// `home`, the app picks its own data folder (the session's XDG one).
    pub async fn launch_app(app: &Path, session: &KeyringSession, home: Option<&Path>) -> TestResult<Self> {
        if std::env::var_os("DISPLAY").is_none() {
            return fail("no DISPLAY: the window tests run under Xvfb from the test command (scripts/test)");
        }
        let port = free_port()?;
        let native_port = free_port()?;
        let mut cmd = Command::new("tauri-driver");
        // Its own process group, so teardown reaches WebKitWebDriver and the
        // app even when a test fails half-way.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        super::home::english_locale(&mut cmd);
        cmd.args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env_remove("MERCHANT_TERMINAL_HOME")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(home) = home {
            cmd.env("MERCHANT_TERMINAL_HOME", home);
        }
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
            // A driver whose app failed to start can leave the session
            // request unanswered: each attempt is bounded by the deadline.
            let mut builder = ClientBuilder::new(connector);
            let attempt = builder.capabilities(caps.clone()).connect(&url);
            let left = deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_secs(1));
            let error = match tokio::time::timeout(left, attempt).await {
                Ok(Ok(c)) => break c,
                Ok(Err(e)) => e.to_string(),
                Err(_) => "no answer".to_string(),
            };
            if Instant::now() >= deadline {
                if let Some(mut d) = this_driver.take() {
                    kill_group(&mut d);
                }
                return fail(format!("could not open a WebDriver session: {error}"));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let driver = this_driver.take().ok_or("driver")?;
        let me = Self {
            client,
            _watchdog: watchdog(driver.id(), FLOW_LIMIT),
            driver,
        };
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
            // A WebDriver call to a window that went away may never return.
            let left = deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_secs(1));
            if matches!(tokio::time::timeout(left, cond()).await, Ok(Ok(true))) {
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
    /// two animation frames so the picture is the current one, and checks
    /// the screen's accessibility (see `axe`).
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
        // Each screen a flow stops to look at is also checked by axe.
        self.check_accessibility(name).await?;
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

pub(crate) fn kill_group(child: &mut Child) {
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
