//! One window per data folder.
//!
//! The app holds an exclusive lock on `<data folder>/window.lock` for as long
//! as it runs. A second launch on the same folder cannot take it: it asks
//! the running window to come to the front (one fixed byte over the
//! folder's `window.sock`) and exits. When no window answers (the lock is
//! held by a process that does not listen, such as a hung one), the second
//! launch shows a stop screen instead of a second terminal on the same
//! files. `merchantctl` never takes the lock: scripts and support work
//! beside the open window, as the store's own locks allow.
//!
//! Why not `tauri-plugin-single-instance`: it keys on the app's identifier,
//! so it allows one window per desktop session, while the terminal's unit is
//! the data folder (a training folder open beside the live one is a
//! supported set-up), and it needs the session bus on Linux. A file lock
//! is released by the kernel when the process dies, so a crash never leaves
//! a folder that cannot be opened.

use std::fs;
use std::path::PathBuf;

use crate::config::{ConfigError, Home};

/// What a launch found.
#[derive(Debug)]
pub enum Claim {
    /// This process is the folder's window; keep the lock while it runs.
    Claimed(WindowLock),
    /// Another window has the folder and was asked to come forward.
    BroughtForward,
}

/// The folder's window lock, released when dropped or when the process ends.
#[derive(Debug)]
pub struct WindowLock {
    _file: fs::File,
    #[cfg(unix)]
    listener: Option<std::os::unix::net::UnixListener>,
}

/// The one message a second launch sends.
const COME_FORWARD: u8 = b'w';

fn lock_path(home: &Home) -> PathBuf {
    home.root().join("window.lock")
}

fn socket_path(home: &Home) -> PathBuf {
    home.root().join("window.sock")
}

/// Takes the folder's window lock, or asks the window that has it to come
/// forward. `ConfigError::AlreadyOpen` when the folder is held and nothing
/// answers.
pub fn claim(home: &Home) -> Result<Claim, ConfigError> {
    home.ensure()?;
    let path = lock_path(home);
    let io = |e: &std::io::Error| ConfigError::Io {
        path: path.display().to_string(),
        reason: e.kind().to_string(),
    };
    let file = fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io(&e))?;
    match file.try_lock() {
        Ok(()) => Ok(Claim::Claimed(WindowLock {
            #[cfg(unix)]
            listener: listen(home),
            _file: file,
        })),
        Err(fs::TryLockError::WouldBlock) => {
            if ask_to_come_forward(home) {
                tracing::info!("the data folder is open in another window; asked it to come forward");
                Ok(Claim::BroughtForward)
            } else {
                tracing::warn!("the data folder is held by a window that does not answer");
                Err(ConfigError::AlreadyOpen)
            }
        }
        Err(fs::TryLockError::Error(e)) => Err(io(&e)),
    }
}

/// Listens on the folder's socket; a leftover socket from a window that
/// died is replaced (only the lock holder gets here). Without a socket the
/// window still runs; a second launch then gets the stop screen.
#[cfg(unix)]
fn listen(home: &Home) -> Option<std::os::unix::net::UnixListener> {
    let path = socket_path(home);
    let _ = fs::remove_file(&path);
    std::os::unix::net::UnixListener::bind(&path)
        .map_err(|e| tracing::warn!(error = %e.kind(), "no come-forward socket; a second launch will be refused"))
        .ok()
}

/// Knocks on the folder's socket. A window that has just taken the lock
/// may not be listening yet (a double click on the desktop icon starts two
/// at once), so the knock is tried for a few seconds before the holder is
/// taken for silent.
#[cfg(unix)]
fn ask_to_come_forward(home: &Home) -> bool {
    use std::io::Write;
    let deadline = std::time::Instant::now() + KNOCK_FOR;
    loop {
        if let Ok(mut stream) = std::os::unix::net::UnixStream::connect(socket_path(home)) {
            let _ = stream.set_write_timeout(Some(std::time::Duration::from_secs(2)));
            return stream.write_all(&[COME_FORWARD]).is_ok();
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// How long a second launch keeps knocking.
#[cfg(unix)]
const KNOCK_FOR: std::time::Duration = std::time::Duration::from_secs(3);

#[cfg(not(unix))]
fn ask_to_come_forward(_home: &Home) -> bool {
    false
}

impl WindowLock {
    /// Calls `come_forward` each time a second launch asks; returns at once
    /// (the listening runs on its own thread for the life of the process).
    pub fn on_come_forward(&mut self, come_forward: impl Fn() + Send + 'static) {
        #[cfg(unix)]
        if let Some(listener) = self.listener.take() {
            let spawned = std::thread::Builder::new().name("come-forward".into()).spawn(move || {
                use std::io::Read;
                for mut stream in listener.incoming().flatten() {
                    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                    let mut byte = [0u8; 1];
                    if stream.read_exact(&mut byte).is_ok() && byte[0] == COME_FORWARD {
                        tracing::info!("a second launch asked this window to come forward");
                        come_forward();
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "no come-forward thread");
            }
        }
        #[cfg(not(unix))]
        let _ = come_forward;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn home() -> (tempfile::TempDir, Home) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let home = Home::resolve(Some(dir.path().join("t"))).expect("a data folder");
        (dir, home)
    }

    #[test]
    fn a_second_claim_brings_the_first_forward_and_a_silent_holder_is_refused() {
        let (_dir, home) = home();
        let Claim::Claimed(mut first) = claim(&home).expect("the first claim") else {
            panic!("the first launch gets the folder")
        };
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&asked);
        first.on_come_forward(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        assert!(matches!(claim(&home), Ok(Claim::BroughtForward)));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while asked.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1);

        // The socket gone (a holder that does not listen): refused, clearly.
        let _ = fs::remove_file(socket_path(&home));
        let refused = claim(&home).expect_err("a held folder is refused");
        assert!(matches!(refused, ConfigError::AlreadyOpen));
        assert!(refused.to_string().contains("already open"));

        // Released with the lock: the next launch gets the folder.
        drop(first);
        assert!(matches!(claim(&home), Ok(Claim::Claimed(_))));
    }

    /// Two launches at once (a double click): the one that lost the lock
    /// knocks until the winner listens, and does not show a stop screen.
    #[cfg(unix)]
    #[test]
    fn a_second_launch_waits_for_a_window_that_is_still_starting() {
        use std::io::Read;
        let (_dir, home) = home();
        home.ensure().expect("the folder");
        let held = fs::File::create(lock_path(&home)).expect("the lock file");
        held.try_lock().expect("the lock");
        let socket = socket_path(&home);
        let late = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(500));
            let listener = std::os::unix::net::UnixListener::bind(&socket).expect("the socket");
            let (mut stream, _) = listener.accept().expect("a knock");
            let mut byte = [0u8; 1];
            stream.read_exact(&mut byte).expect("one byte");
            byte[0]
        });
        assert!(matches!(claim(&home), Ok(Claim::BroughtForward)));
        assert_eq!(late.join().expect("the late window"), COME_FORWARD);
    }
}
